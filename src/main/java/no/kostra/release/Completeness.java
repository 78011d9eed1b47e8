package no.kostra.release;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import no.kostra.keyfigures.KeyFigureDefinitions;
import no.kostra.keyfigures.KeyFigureDefinitions.Source;
import no.kostra.reference.Classifications;
import no.kostra.reference.OfficialReference;
import no.kostra.schemas.SchemaDir;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * "How far from final figures are we?" (seeds.md §4): for every form the key figures read and
 * every year, who is expected to submit (from that year's classification: the municipalities, the
 * county authorities, and Oslo's reporting districts where Oslo reports per district, as
 * data-schemas/indicators/base-data.yaml says), and who has delivered, with an accepted
 * submission (with or without warnings), with only rejected ones, or not at all.
 */
public final class Completeness {

  public static final String TABLE = Tables.COMPLETENESS;

  public static final StructType SCHEMA = new StructType()
      .add("year", DataTypes.IntegerType, false)
      .add("skjema", DataTypes.StringType, false)
      .add("expected", DataTypes.IntegerType, false)
      .add("delivered", DataTypes.IntegerType, false)
      .add("accepted", DataTypes.IntegerType, false) // accepted, with or without warnings
      .add("accepted_with_warnings", DataTypes.IntegerType, false)
      .add("rejected", DataTypes.IntegerType, false) // delivered, but every submission rejected
      .add("missing", DataTypes.IntegerType, false)
      .add("rejected_regions", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("missing_regions", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("run_id", DataTypes.StringType, false)
      .add("computed_at", DataTypes.TimestampType, false);

  private Completeness() {}

  /** One form and year: the counts and the regions (as published: 4-digit, 6-digit districts). */
  public record Form(int year, String skjema, int expected, int delivered, int accepted,
      int acceptedWithWarnings, List<String> rejected, List<String> missing) {

    /** "11F 2025: 355 of 357 accepted (3 with warnings); rejected: 1103; missing: 1812, 5440". */
    public String summary() {
      if (skjema.startsWith(REFERENCE)) {
        return String.format("reference %s %d: %s", skjema.substring(REFERENCE.length()), year,
            accepted == 1 ? "official" : (rejected.isEmpty() ? "no rows for the year"
                : "placeholder, not the published values") + "; every figure that needs it "
                + "is '..'");
      }
      StringBuilder s = new StringBuilder(String.format("%s %d: %d of %d accepted", skjema, year,
          accepted, expected));
      if (acceptedWithWarnings > 0) {
        s.append(" (").append(acceptedWithWarnings).append(" with warnings)");
      }
      if (!rejected.isEmpty()) {
        s.append("; rejected: ").append(String.join(", ", rejected));
      }
      if (!missing.isEmpty()) {
        s.append("; missing: ").append(String.join(", ", missing));
      }
      return s.toString();
    }
  }

  public static List<Form> compute(Warehouse warehouse, SchemaDir schemas, List<Integer> years) {
    KeyFigureDefinitions defs = KeyFigureDefinitions.load(schemas);
    Classifications classifications = Classifications.load(schemas);
    // skjema -> year -> expected submitting units (6-digit region codes as in the submissions)
    Map<String, Map<Integer, Set<String>>> expected = new TreeMap<>(Comparator
        .comparing((String k) -> formOrder(schemas, k)).thenComparing(k -> k));
    for (Source source : defs.sources()) {
      source.skjema().forEach((level, skjema) -> {
        for (int year : years) {
          Set<String> units = expected.computeIfAbsent(skjema, k -> new TreeMap<>())
              .computeIfAbsent(year, y -> new TreeSet<>());
          switch (level) {
            case "kommune" -> classifications.municipalities(year).stream()
                .filter(m -> !(source.osloByDistricts() && m.code().equals("0301")))
                .forEach(m -> units.add(m.accountingRegion()));
            case "bydel" -> classifications.osloDistricts(year).stream()
                .filter(Classifications.District::reports).forEach(d -> units.add(d.code()));
            case "fylkeskommune" -> classifications.counties(year).stream()
                .filter(c -> !c.code().equals("03")) // Oslo's county tasks are the city's
                .forEach(c -> units.add(c.accountingRegion()));
            default -> throw new IllegalStateException("base-data.yaml: unknown level " + level);
          }
        }
      });
    }
    // (skjema, year, region) -> the status of the current submission, or "rejected"
    Map<String, String> status = new HashMap<>();
    if (warehouse.exists(Tables.SUBMISSIONS)) {
      List<Row> subs = warehouse.read(Tables.SUBMISSIONS)
          .where(col("kvartal").isNull().and(col("aargang").isin(years.toArray()))
              .and(col("skjema").isin(expected.keySet().toArray())))
          .select("skjema", "aargang", "region", "status", "received_at", "source_file")
          .collectAsList();
      List<Row> sorted = new ArrayList<>(subs);
      // the latest non-rejected submission decides (as for the key figures); rejected only if all are
      sorted.sort(Comparator.<Row, Timestamp>comparing(r -> r.getTimestamp(4))
          .thenComparing(r -> r.getString(5)));
      for (Row r : sorted) {
        String key = r.getString(0) + "|" + r.getInt(1) + "|" + r.getString(2);
        String s = r.getString(3);
        if (!s.equals("rejected") || !status.containsKey(key)) {
          status.put(key, s);
        }
      }
    }
    List<Form> forms = new ArrayList<>();
    expected.forEach((skjema, byYear) -> byYear.forEach((year, units) -> {
      int delivered = 0;
      int accepted = 0;
      int warnings = 0;
      List<String> rejected = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      for (String unit : units) {
        String s = status.get(skjema + "|" + year + "|" + unit);
        if (s == null) {
          missing.add(published(unit));
          continue;
        }
        delivered++;
        switch (s) {
          case "accepted" -> accepted++;
          case "accepted_with_warnings" -> {
            accepted++;
            warnings++;
          }
          default -> rejected.add(published(unit));
        }
      }
      forms.add(new Form(year, skjema, units.size(), delivered, accepted, warnings, rejected,
          missing));
    }));
    forms.addAll(references(schemas, defs, years)); // beside the forms: what the figures need
    return forms;
  }

  /** The prefix of a reference table's rows ("ref:benefit-guideline-rates"). */
  public static final String REFERENCE = "ref:";

  /**
   * The national reference tables the key figures need (base-data.yaml: reference), one row per
   * table and year, beside the forms: expected 1; delivered where the table has rows for the year;
   * accepted where they are the published values; a placeholder is a rejected delivery
   * (rejected_regions ["placeholder"]), no row a missing one (missing_regions ["absent"]).
   */
  static List<Form> references(SchemaDir schemas, KeyFigureDefinitions defs,
      List<Integer> years) {
    List<Form> out = new ArrayList<>();
    defs.variables().stream().map(KeyFigureDefinitions.Variable::reference)
        .filter(java.util.Objects::nonNull).distinct().sorted().forEach(name -> {
          Map<Integer, OfficialReference.Status> status = OfficialReference.years(schemas, name);
          for (int year : new TreeSet<>(years)) {
            OfficialReference.Status st = status.getOrDefault(year,
                OfficialReference.Status.ABSENT);
            boolean official = st == OfficialReference.Status.OFFICIAL;
            boolean placeholder = st == OfficialReference.Status.PLACEHOLDER;
            out.add(new Form(year, REFERENCE + name, 1, official || placeholder ? 1 : 0,
                official ? 1 : 0, 0, placeholder ? List.of("placeholder") : List.of(),
                st == OfficialReference.Status.ABSENT ? List.of("absent") : List.of()));
          }
        });
    return out;
  }

  /** The region as the tables publish it: kkkk for kkkk00, ff00 for ff0000, districts as is. */
  static String published(String unit) {
    if (unit.endsWith("0000")) {
      return unit.substring(0, 4);
    }
    return unit.endsWith("00") ? unit.substring(0, 4) : unit;
  }

  /** Replaces the years' rows of {@code completeness} with these. */
  public static void write(Warehouse warehouse, List<Form> forms, String runId, Timestamp at) {
    List<Row> rows = new ArrayList<>();
    Set<Integer> years = new TreeSet<>();
    for (Form f : forms) {
      years.add(f.year());
      rows.add(RowFactory.create(f.year(), f.skjema(), f.expected(), f.delivered(), f.accepted(),
          f.acceptedWithWarnings(), f.rejected().size(), f.missing().size(),
          f.rejected().toArray(String[]::new), f.missing().toArray(String[]::new), runId, at));
    }
    warehouse.replace(warehouse.spark().createDataFrame(rows, SCHEMA), TABLE, "year IN ("
        + String.join(", ", years.stream().map(String::valueOf).toList()) + ")");
  }

  /** In the forms' registry order (accounting, 11F, 11CF, skjema 7 and 12); references last. */
  private static int formOrder(SchemaDir schemas, String skjema) {
    return no.kostra.form.Forms.rank(schemas, skjema);
  }
}

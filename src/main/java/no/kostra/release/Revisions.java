package no.kostra.release;

import static org.apache.spark.sql.functions.col;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import no.kostra.keyfigures.KeyFigureDefinitions;
import no.kostra.keyfigures.KeyFigureDefinitions.Indicator;
import no.kostra.keyfigures.KeyFigureDefinitions.Variable;
import no.kostra.warehouse.Submissions;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What changed in a release against the previous release of the same years (seeds.md §4,
 * key-figures.md §9): every published cell whose value or symbol differs, with the old and the new,
 * and why — a submission that was missing arrived ("new submission"), a region's submission was
 * replaced ("corrected submission"), the cell is withheld now and was not before or the other way
 * round ("disclosure control"), the definitions changed ("definition change"), or, for an
 * aggregate or an estimate, its members' submissions changed ("members' submissions"). The
 * submissions at the time of the previous release come from the Delta version its row recorded.
 */
final class Revisions {

  static final String TABLE = Tables.REVISIONS;

  static final StructType SCHEMA = new StructType()
      .add("release_id", DataTypes.StringType, false)
      .add("previous_release_id", DataTypes.StringType, false)
      .add("year", DataTypes.IntegerType, false)
      .add("structure_year", DataTypes.IntegerType, false)
      .add("region", DataTypes.StringType, false)
      .add("region_level", DataTypes.StringType, false)
      .add("indicator", DataTypes.StringType, false)
      .add("old_value", DataTypes.createDecimalType(38, 10), true)
      .add("old_status", DataTypes.StringType, true)
      .add("new_value", DataTypes.createDecimalType(38, 10), true)
      .add("new_status", DataTypes.StringType, true)
      .add("reason", DataTypes.StringType, false);

  private Revisions() {}

  /** The previous release of any of the years: (release_id, definition_version, submissions version). */
  record Previous(String releaseId, String definitionVersion, Long submissionsVersion) {}

  static Previous previous(Warehouse warehouse, List<Integer> years) {
    if (!warehouse.exists(Publication.RELEASES)) {
      return null;
    }
    List<Row> rows = warehouse.read(Publication.RELEASES)
        .where(org.apache.spark.sql.functions.arrays_overlap(col("years"),
            org.apache.spark.sql.functions.array(years.stream()
                .map(org.apache.spark.sql.functions::lit).toArray(org.apache.spark.sql.Column[]::new))))
        .orderBy(col("created_at").desc(), col("release_id").desc()).limit(1)
        .select("release_id", "definition_version", "input_versions").collectAsList();
    if (rows.isEmpty()) {
      return null;
    }
    Map<String, Long> versions = rows.get(0).getJavaMap(2);
    return new Previous(rows.get(0).getString(0), rows.get(0).getString(1),
        versions.get(Tables.SUBMISSIONS));
  }

  static List<Row> compute(Warehouse warehouse, KeyFigureDefinitions defs, String releaseId,
      String definitionVersion, List<Row> published, Previous previous) {
    Map<String, Row> before = new HashMap<>();
    for (Row r : warehouse.read(Publication.PUBLISHED)
        .where(col("release_id").equalTo(previous.releaseId())).collectAsList()) {
      before.put(key(r), r);
    }
    Set<String> forms = new TreeSet<>();
    defs.sources().forEach(s -> forms.addAll(s.skjema().values()));
    Map<String, String> now = currentIds(Submissions.current(warehouse, forms));
    Map<String, String> then = previous.submissionsVersion() == null ? Map.of()
        : currentIds(Submissions.current(warehouse.spark().read().format("delta")
            .option("versionAsOf", previous.submissionsVersion())
            .load(warehouse.path(Tables.SUBMISSIONS)), forms));
    Set<String> arrived = new HashSet<>();
    Set<String> replaced = new HashSet<>();
    now.forEach((unit, id) -> {
      String old = then.get(unit);
      if (old == null) {
        arrived.add(unit);
      } else if (!old.equals(id)) {
        replaced.add(unit);
      }
    });
    Map<String, Indicator> indicators = new HashMap<>();
    defs.indicators().forEach(i -> indicators.put(i.id(), i));
    boolean definitionsChanged = !Objects.equals(definitionVersion, previous.definitionVersion());
    List<Row> out = new ArrayList<>();
    for (Row r : published) {
      Row old = before.get(key(r));
      BigDecimal newValue = r.getAs("value");
      BigDecimal oldValue = old == null ? null : old.getAs("value");
      String newStatus = r.getAs("status");
      String oldStatus = old == null ? "." : old.getAs("status");
      if (Objects.equals(oldStatus, newStatus) && (newValue == null ? oldValue == null
          : oldValue != null && newValue.compareTo(oldValue) == 0)) {
        continue;
      }
      String reason = reason(defs, indicators, r, arrived, replaced, definitionsChanged,
          Publication.SUPPRESSED.equals(oldStatus) != Publication.SUPPRESSED.equals(newStatus));
      out.add(RowFactory.create(releaseId, previous.releaseId(), r.getAs("year"),
          r.getAs("structure_year"), r.getAs("region"), r.getAs("region_level"),
          r.getAs("indicator"), oldValue, oldStatus, newValue, newStatus, reason));
    }
    return out;
  }

  /** (year|skjema|unit) -> the current submission's id. */
  private static Map<String, String> currentIds(org.apache.spark.sql.Dataset<Row> current) {
    Map<String, String> ids = new HashMap<>();
    for (Row r : current.select("aargang", "skjema", "region", "submission_id").collectAsList()) {
      ids.put(r.getInt(0) + "|" + r.getString(1) + "|" + r.getString(2), r.getString(3));
    }
    return ids;
  }

  private static String reason(KeyFigureDefinitions defs, Map<String, Indicator> indicators,
      Row r, Set<String> arrived, Set<String> replaced, boolean definitionsChanged,
      boolean withheldChanged) {
    String level = r.getAs("region_level");
    String region = r.getAs("region");
    int year = r.getAs("year");
    String id = r.getAs("indicator");
    List<String> variables = indicators.containsKey(id) ? indicators.get(id).variables()
        : List.of(id);
    Set<String> forms = new TreeSet<>();
    for (String v : variables) {
      Variable var = defs.variable(v);
      defs.source(var.source()).skjema().forEach((l, skjema) -> forms.add(skjema));
    }
    boolean aggregate = !List.of("kommune", "bydel", "fylkeskommune").contains(level);
    // the units whose submissions make up the region: its own code (kkkk00, ff0000, 0301dd)
    // and, for Oslo, its districts
    String own = level.equals("bydel") ? region : region + "00";
    if (!aggregate) {
      for (String skjema : forms) {
        String k = year + "|" + skjema + "|" + own;
        if (arrived.contains(k)) {
          return "new submission";
        }
        if (replaced.contains(k)) {
          return "corrected submission";
        }
        if (region.equals("0301")) { // the city is the sum of its districts for some forms
          String district = year + "|" + skjema + "|0301";
          if (arrived.stream().anyMatch(u -> u.startsWith(district))) {
            return "new submission";
          }
          if (replaced.stream().anyMatch(u -> u.startsWith(district))) {
            return "corrected submission";
          }
        }
      }
    }
    if (withheldChanged) {
      return "disclosure control"; // withheld now and not before, or the other way round
    }
    if (definitionsChanged) {
      return "definition change";
    }
    return aggregate ? "members' submissions" : "estimate or reference data";
  }

  private static String key(Row r) {
    return r.getAs("year") + "|" + r.getAs("structure_year") + "|" + r.getAs("region") + "|"
        + r.getAs("indicator");
  }
}

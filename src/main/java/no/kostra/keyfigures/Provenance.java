package no.kostra.keyfigures;

import static org.apache.spark.sql.functions.col;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import no.kostra.keyfigures.KeyFigureDefinitions.AggregateVersion;
import no.kostra.keyfigures.KeyFigureDefinitions.Source;
import no.kostra.keyfigures.KeyFigureDefinitions.Variable;
import no.kostra.keyfigures.RegionStructure.Aggregate;
import no.kostra.keyfigures.RegionStructure.Region;
import no.kostra.reference.FunctionChart;
import no.kostra.schemas.SchemaDir;
import no.kostra.warehouse.Submissions;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;

/**
 * Where one base variable's value of one region comes from (kostraregnskap's {@code id_bidrag}:
 * the contribution of every input to an output cell), as the key figures computed it: for an
 * aggregate, each member's reported value or estimate (population × its stratum's value per
 * inhabitant, {@link Estimation}); for a region's accounting variable, the signed sums by
 * function × art of its current submission's rows; for any region, the submissions it reads. The
 * values are the warehouse's, unrounded: what a statistician sees; what a reader of the release
 * may see is the caller's business (editing's {@code explain}).
 */
public final class Provenance {

  /** One member of an aggregate: reported, estimated (with its coefficient) or left out. */
  public record Member(String region, String name, String kind, BigDecimal value, Long population,
      String stratum, BigDecimal coefficient) {}

  /** One function × art sum of one unit's accounting, and what it adds to the variable. */
  public record Line(String unit, String funksjon, String art, String kontotype, long amount,
      int sign, BigDecimal contribution) {}

  /** A current submission a region's variable is read from. */
  public record Submission(String unit, String skjema, String submissionId, String file,
      Timestamp receivedAt, String status, String ingestId) {}

  /**
   * One variable of one region: {@code value} as key_figures holds it (null = missing), and what
   * makes it. For an aggregate {@code members}; for a region {@code lines} (accounting only) and
   * {@code submissions}. {@code total} is what the parts add up to.
   */
  public record Part(String variable, String source, BigDecimal value, BigDecimal total,
      List<Member> members, List<Line> lines, List<Submission> submissions, List<String> notes) {}

  private Provenance() {}

  public static Part of(Warehouse warehouse, SchemaDir schemas, int year, int structureYear,
      String region, String variableId) {
    KeyFigureDefinitions defs = KeyFigureDefinitions.load(schemas);
    Variable v = defs.variable(variableId);
    Source s = defs.source(v.source());
    RegionStructure structure = RegionStructure.of(year, structureYear,
        RegionStructure.Reference.load(schemas));
    Map<String, BigDecimal> values = new HashMap<>();
    for (Row r : warehouse.read(Tables.KEY_FIGURES).where(col("year").equalTo(year)
            .and(col("structure_year").equalTo(structureYear))
            .and(col("indicator").equalTo(variableId)).and(col("level").equalTo(3)))
        .select("region", "value").collectAsList()) {
      values.put(r.getString(0), r.getDecimal(1));
    }
    BigDecimal value = values.get(region);
    Aggregate aggregate = structure.aggregates.stream().filter(a -> a.code().equals(region))
        .findFirst().orElse(null);
    List<String> notes = new ArrayList<>();
    if (aggregate != null) {
      List<Member> members = new ArrayList<>();
      Map<String, Region> byCode = new HashMap<>();
      structure.regions.forEach(r -> byCode.put(r.code(), r));
      Map<String, BigDecimal[]> ratios = Estimation.ratios(structure.regions,
          aggregate.memberLevel(), values::get);
      BigDecimal total = BigDecimal.ZERO;
      for (String m : aggregate.members()) {
        Region r = byCode.get(m);
        Long pop = RegionStructure.band(r, 0, null);
        BigDecimal own = values.get(m);
        if (own != null) {
          members.add(new Member(m, r.name(), "reported", own, pop, null, null));
          total = total.add(own);
          continue;
        }
        BigDecimal estimate = v.estimated() ? Estimation.estimate(r, ratios) : null;
        if (estimate == null) {
          members.add(new Member(m, r.name(), "left_out", null, pop, null, null));
          continue;
        }
        String stratum = Estimation.stratum(r, ratios);
        BigDecimal[] sums = ratios.get(stratum);
        members.add(new Member(m, r.name(), "estimated", estimate, pop,
            stratum.isEmpty() ? "all " + aggregate.memberLevel() : stratum,
            sums[0].divide(sums[1], 12, RoundingMode.HALF_UP)));
        total = total.add(estimate);
      }
      if (members.stream().anyMatch(m -> m.kind().equals("left_out"))) {
        notes.add("members left out are not estimated (the variable is not, or their population "
            + "is unknown): the aggregate is partial");
      }
      return new Part(variableId, v.source(), value, total, members, List.of(), List.of(), notes);
    }
    Region r = structure.regions.stream().filter(x -> x.code().equals(region)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no region " + region + " in "
            + year + " on the borders of " + structureYear));
    if (s.isPopulation()) {
      notes.add("residents aged " + (v.ageFrom() == null ? 0 : v.ageFrom()) + "-"
          + (v.ageTo() == null ? "" : v.ageTo()) + " at 31.12." + year + " (reference "
          + "population, on the borders of " + structureYear + ")");
      return new Part(variableId, v.source(), value, value, List.of(), List.of(), List.of(),
          notes);
    }
    String skjema = s.skjema().get(r.formLevel());
    List<Row> current = skjema == null || !warehouse.exists(Tables.SUBMISSIONS) ? List.of()
        : warehouse.read(Tables.SUBMISSIONS).join(Submissions.current(warehouse,
                java.util.Set.of(skjema)).where(col("aargang").equalTo(year)
                .and(col("region").isin(concat(r.units(), r.districtUnits()).toArray())))
                .select("submission_id"), "submission_id")
            .orderBy("region").collectAsList();
    List<String> units = r.units();
    if (s.osloByDistricts() && !r.districtUnits().isEmpty() && !units.stream().allMatch(
        u -> current.stream().anyMatch(c -> c.<String>getAs("region").equals(u)))) {
      notes.add("Oslo reports this form per district: the city is the sum of its districts");
      units = r.districtUnits();
    }
    List<Submission> submissions = new ArrayList<>();
    Map<String, String> currentByUnit = new TreeMap<>();
    for (Row sub : current) {
      if (units.contains(sub.<String>getAs("region"))) {
        submissions.add(new Submission(sub.getAs("region"), sub.getAs("skjema"),
            sub.getAs("submission_id"), sub.getAs("source_file"), sub.getAs("received_at"),
            sub.getAs("status"), sub.getAs("ingest_id")));
        currentByUnit.put(sub.getAs("region"), sub.getAs("submission_id"));
      }
    }
    if (!"regnskap".equals(s.table())) {
      notes.add("Σ " + v.measure() + (v.filter() == null ? "" : " where " + v.filter())
          + " over the current submissions' records of " + s.table() + " (person-level rows "
          + "are not shown)");
      return new Part(variableId, v.source(), value, value, List.of(), List.of(), submissions,
          notes);
    }
    List<Line> lines = accountingLines(warehouse, schemas, defs, v, s, year, structureYear, r,
        currentByUnit);
    BigDecimal total = lines.stream().map(Line::contribution).reduce(BigDecimal.ZERO,
        BigDecimal::add);
    notes.add(defs.aggregate(v.aggregate(), year, s.scope()).kontotype() + " accounts, "
        + v.aggregate() + " over the functions of " + (v.functionGroup() != null
            ? v.functionGroup() : String.join(", ", v.functions()))
        + "; income arts (600 and above) turned positive before the signs");
    return new Part(variableId, v.source(), value, total, List.of(), lines, submissions, notes);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static List<Line> accountingLines(Warehouse warehouse, SchemaDir schemas,
      KeyFigureDefinitions defs, Variable v, Source s, int year, int structureYear, Region r,
      Map<String, String> currentByUnit) {
    if (currentByUnit.isEmpty()) {
      return List.of();
    }
    AggregateVersion version = defs.aggregate(v.aggregate(), year, s.scope());
    Map<Integer, Integer> signByArt = version.signByArt();
    List<int[]> ranges = defs.functionRanges(v, year);
    FunctionChart chart = FunctionChart.load(schemas);
    Map<String, List<FunctionChart.Target>> mapping = structureYear == year ? Map.of()
        : chart.mapping(year, structureYear);
    // Oslo's county authority (0300) is the city's accounts on the county functions only
    java.util.Set<String> county = new java.util.HashSet<>();
    boolean ownLevel = r.formLevel().equals(r.level());
    if (!ownLevel && structureYear >= chart.completeFrom() && structureYear <= chart.completeTo()) {
      chart.lists(structureYear).forEach((list, codes) -> {
        if (list.equals("fylke") || list.equals("finans_fylke")) {
          county.addAll(codes);
        }
      });
    }
    List<Line> out = new ArrayList<>();
    for (Row row : warehouse.read(Tables.REGNSKAP)
        .where(col("aargang").equalTo(year).and(col("kvartal").isNull())
            .and(col("file_sha256").isin(currentByUnit.values().toArray()))
            .and(col("funksjon").isNotNull()).and(col("kontotype").equalTo(version.kontotype())))
        .groupBy("region", "funksjon", "art", "kontotype")
        .agg(org.apache.spark.sql.functions.sum("belop").as("belop"))
        .orderBy("region", "funksjon", "art").collectAsList()) {
      int art;
      try {
        art = Integer.parseInt(row.getString(2));
      } catch (NumberFormatException e) {
        continue;
      }
      Integer sign = signByArt.get(art);
      if (sign == null) {
        continue;
      }
      long amount = row.getLong(4);
      long normalised = art >= 600 ? -amount : amount;
      BigDecimal contribution = BigDecimal.ZERO;
      for (FunctionChart.Target t : mapping.getOrDefault(row.getString(1),
          List.of(new FunctionChart.Target(row.getString(1), 1.0, List.of())))) {
        if (KeyFigures.YearFigures.inRanges(t.code(), ranges)
            && (ownLevel || county.contains(t.code()))) {
          contribution = contribution.add(BigDecimal.valueOf(sign * normalised)
              .multiply(BigDecimal.valueOf(t.weight())));
        }
      }
      if (contribution.signum() != 0) {
        out.add(new Line(row.getString(0), row.getString(1), row.getString(2), row.getString(3),
            amount, sign, contribution));
      }
    }
    return out;
  }
}

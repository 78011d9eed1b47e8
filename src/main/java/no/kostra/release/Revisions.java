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
import java.util.TreeMap;
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

  /** The changed cells (rows of {@link #SCHEMA}) and their summary per indicator. */
  record Revised(List<Row> changes, List<IndicatorSummary> summary) {}

  /**
   * How far a release moved from the previous one, per indicator ("how far from final?", the
   * 2006 minutes' question of the June release): cells published in both, how many changed, the
   * median and largest absolute and relative change of those whose value changed, cells published
   * now that were not ("..", ":") and the other way round, and aggregates with more members
   * reported than before (estimates replaced by reported values).
   */
  record IndicatorSummary(String indicator, int level, long cells, long changed,
      long valueChanges, BigDecimal medianAbs, BigDecimal maxAbs, BigDecimal medianRelPct,
      BigDecimal maxRelPct, long newlyPublished, long withdrawn, long estimatesReplaced,
      long membersReplaced) {}

  static final List<String> SUMMARY_COLUMNS = List.of("indicator", "level", "cells", "changed",
      "value_changes", "median_abs_change", "max_abs_change", "median_rel_change_pct",
      "max_rel_change_pct", "newly_published", "withdrawn", "aggregates_with_estimates_replaced",
      "members_reported_instead_of_estimated");

  static Revised compute(Warehouse warehouse, KeyFigureDefinitions defs, String releaseId,
      String definitionVersion, List<Row> published, Previous previous) {
    Map<String, Row> before = new HashMap<>();
    for (Row r : warehouse.read(Publication.PUBLISHED)
        .where(col("release_id").equalTo(previous.releaseId())).collectAsList()) {
      before.put(key(r), r);
    }
    List<Row> changes = changes(warehouse, defs, releaseId, definitionVersion, published,
        previous, before);
    return new Revised(changes, summarise(defs, published, before));
  }

  private static List<IndicatorSummary> summarise(KeyFigureDefinitions defs, List<Row> published,
      Map<String, Row> before) {
    Map<String, List<Row[]>> byIndicator = new TreeMap<>();
    for (Row r : published) {
      byIndicator.computeIfAbsent(r.getAs("indicator"), k -> new ArrayList<>())
          .add(new Row[] {before.get(key(r)), r});
    }
    Map<String, Integer> order = new HashMap<>();
    defs.indicators().forEach(i -> order.put(i.id(), order.size()));
    defs.variables().forEach(v -> order.putIfAbsent(v.id(), order.size()));
    List<IndicatorSummary> out = new ArrayList<>();
    for (Map.Entry<String, List<Row[]>> e : byIndicator.entrySet()) {
      long cells = 0;
      long changed = 0;
      long newly = 0;
      long withdrawn = 0;
      long estimates = 0;
      long members = 0;
      List<BigDecimal> abs = new ArrayList<>();
      List<BigDecimal> rel = new ArrayList<>();
      int level = e.getValue().get(0)[1].getAs("level");
      for (Row[] pair : e.getValue()) {
        Row old = pair[0];
        Row now = pair[1];
        if (old == null) {
          continue; // a cell the previous release did not have (a new year or region)
        }
        cells++;
        BigDecimal o = old.getAs("value");
        BigDecimal n = now.getAs("value");
        boolean same = Objects.equals(old.getAs("status"), now.getAs("status"))
            && (n == null ? o == null : o != null && n.compareTo(o) == 0);
        if (!same) {
          changed++;
        }
        if (o == null && n != null) {
          newly++;
        } else if (o != null && n == null) {
          withdrawn++;
        } else if (o != null && n.compareTo(o) != 0) {
          BigDecimal d = n.subtract(o).abs();
          abs.add(d);
          if (o.signum() != 0) {
            rel.add(d.multiply(BigDecimal.valueOf(100)).divide(o.abs(), 6,
                java.math.RoundingMode.HALF_UP));
          }
        }
        Integer mo = old.getAs("members_reported");
        Integer mn = now.getAs("members_reported");
        if (mo != null && mn != null && mn > mo) {
          estimates++;
          members += mn - mo;
        }
      }
      out.add(new IndicatorSummary(e.getKey(), level, cells, changed, abs.size(), median(abs),
          max(abs), median(rel), max(rel), newly, withdrawn, estimates, members));
    }
    out.sort(java.util.Comparator.comparing((IndicatorSummary x) -> x.level())
        .thenComparing(x -> order.getOrDefault(x.indicator(), Integer.MAX_VALUE))
        .thenComparing(IndicatorSummary::indicator));
    return out;
  }

  private static BigDecimal median(List<BigDecimal> values) {
    if (values.isEmpty()) {
      return null;
    }
    List<BigDecimal> v = values.stream().sorted().toList();
    int n = v.size();
    BigDecimal m = n % 2 == 1 ? v.get(n / 2)
        : v.get(n / 2 - 1).add(v.get(n / 2)).divide(BigDecimal.valueOf(2));
    return m.setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
  }

  private static BigDecimal max(List<BigDecimal> values) {
    return values.stream().max(BigDecimal::compareTo)
        .map(v -> v.setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros())
        .orElse(null);
  }

  /** The summary as CSV (';', '.' decimals, empty = none), in the order of the catalogue. */
  static byte[] summaryCsv(List<IndicatorSummary> summary) {
    StringBuilder out = new StringBuilder(String.join(";", SUMMARY_COLUMNS)).append('\n');
    for (IndicatorSummary s : summary) {
      out.append(String.join(";", s.indicator(), Integer.toString(s.level()),
          Long.toString(s.cells()), Long.toString(s.changed()), Long.toString(s.valueChanges()),
          plain(s.medianAbs()), plain(s.maxAbs()), plain(s.medianRelPct()), plain(s.maxRelPct()),
          Long.toString(s.newlyPublished()), Long.toString(s.withdrawn()),
          Long.toString(s.estimatesReplaced()), Long.toString(s.membersReplaced()))).append('\n');
    }
    return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  static String plain(BigDecimal v) {
    return v == null ? "" : v.toPlainString();
  }

  private static List<Row> changes(Warehouse warehouse, KeyFigureDefinitions defs,
      String releaseId, String definitionVersion, List<Row> published, Previous previous,
      Map<String, Row> before) {
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

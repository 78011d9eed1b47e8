package no.kostra.keyfigures;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.functions;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import no.kostra.keyfigures.KeyFigureDefinitions.AggregateVersion;
import no.kostra.keyfigures.KeyFigureDefinitions.Source;
import no.kostra.keyfigures.KeyFigureDefinitions.Term;
import no.kostra.keyfigures.KeyFigureDefinitions.Variable;
import no.kostra.schemas.SchemaDir;
import no.kostra.warehouse.Submissions;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * Stage 3a: the base data of the key figures per reporting unit (the submitting municipality,
 * county authority or Oslo district, as its 6-digit region code) and year, read from the ingested
 * tables in ONE Spark job for all requested years and every variable:
 *
 * <ul>
 *   <li>accounting: one pass over the current submissions' operating rows computes every
 *       (aggregate, scope) of the definitions as a column of signed amounts (the art hierarchy
 *       compiled to CASE expressions, year-versioned), summed per unit and function; the function
 *       groups are applied afterwards on these few hundred thousand sums;
 *   <li>person and form records (11F, 11CF, skjema 7, skjema 12): Σ measure where filter, one
 *       conditional aggregate per variable over the current submissions' rows;
 *   <li>which units have a current accepted submission of each form ("reported"), so that a unit
 *       without one is missing, and a unit that reported nothing in scope is a real zero.
 * </ul>
 *
 * Population is not read here: it comes from the classifications (see {@link RegionStructure}).
 */
final class BaseData {

  static final DecimalType AMOUNT = DataTypes.createDecimalType(38, 6);

  /** Sums per unit: accounting per (aggregate|scope, funksjon), records per variable. */
  record Values(Map<Integer, Map<String, Map<String, Map<String, BigDecimal>>>> accounting,
      Map<Integer, Map<String, Map<String, BigDecimal>>> records,
      Map<Integer, Map<String, Set<String>>> reported) {

    /** Units with a current accepted submission of the skjema in the year. */
    Set<String> reported(int year, String skjema) {
      return reported.getOrDefault(year, Map.of()).getOrDefault(skjema, Set.of());
    }

    BigDecimal record(int year, String unit, String variable) {
      return records.getOrDefault(year, Map.of()).getOrDefault(unit, Map.of())
          .getOrDefault(variable, BigDecimal.ZERO);
    }
  }

  static String aggregateKey(String aggregate, String scope) {
    return aggregate + "|" + (scope == null ? "" : scope);
  }

  private BaseData() {}

  static Values compute(Warehouse warehouse, SchemaDir schemas, KeyFigureDefinitions defs,
      Collection<Integer> years) {
    List<Dataset<Row>> parts = new ArrayList<>();
    Set<String> skjemas = new TreeSet<>();
    defs.sources().forEach(s -> skjemas.addAll(s.skjema().values()));
    // the current submissions of every form, computed once (a small table) and shared by the
    // reported markers and the row selections below
    Dataset<Row> current = Submissions.current(warehouse, skjemas)
        .where(col("aargang").isin(years.toArray())).localCheckpoint();
    parts.add(current.select(col("aargang"), col("region").as("unit"),
        functions.concat(lit("reported:"), col("skjema")).as("key"),
        lit(null).cast("string").as("funksjon"), lit(BigDecimal.ONE).cast(AMOUNT).as("value")));
    Dataset<Row> accounting = accountingSums(warehouse, defs, years, current);
    if (accounting != null) {
      parts.add(accounting);
    }
    for (Source source : defs.sources()) {
      if (source.isPopulation() || "regnskap".equals(source.table())) {
        continue;
      }
      Dataset<Row> records = recordSums(warehouse, schemas, defs, source, years, current);
      if (records != null) {
        parts.add(records);
      }
    }
    Dataset<Row> all = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      all = all.unionByName(parts.get(i));
    }
    Map<Integer, Map<String, Map<String, Map<String, BigDecimal>>>> acc = new HashMap<>();
    Map<Integer, Map<String, Map<String, BigDecimal>>> rec = new HashMap<>();
    Map<Integer, Map<String, Set<String>>> reported = new HashMap<>();
    for (Row r : all.collectAsList()) {
      int year = r.getInt(0);
      String unit = r.getString(1);
      String key = r.getString(2);
      BigDecimal value = r.getDecimal(4);
      if (key.startsWith("reported:")) {
        reported.computeIfAbsent(year, y -> new HashMap<>())
            .computeIfAbsent(key.substring("reported:".length()), k -> new TreeSet<>()).add(unit);
      } else if (key.startsWith("agg:")) {
        acc.computeIfAbsent(year, y -> new HashMap<>()).computeIfAbsent(unit, u -> new HashMap<>())
            .computeIfAbsent(key.substring(4), k -> new HashMap<>())
            .merge(r.getString(3), value, BigDecimal::add);
      } else {
        rec.computeIfAbsent(year, y -> new HashMap<>()).computeIfAbsent(unit, u -> new HashMap<>())
            .merge(key.substring(4), value == null ? BigDecimal.ZERO : value, BigDecimal::add);
      }
    }
    return new Values(acc, rec, reported);
  }

  /**
   * Every (aggregate, scope) the accounting variables use, as one column each: for every year its
   * version's terms, Σ sign × normalised amount (income arts 600-999 turned positive), only on the
   * source's forms and the aggregate's kontotype. Summed per (year, unit, funksjon), then unpivoted.
   */
  private static Dataset<Row> accountingSums(Warehouse warehouse, KeyFigureDefinitions defs,
      Collection<Integer> years, Dataset<Row> currentSubmissions) {
    if (!warehouse.exists(Tables.REGNSKAP)) {
      return null;
    }
    // per (aggregate, scope): the variables' function ranges, so rows in no variable's functions
    // are not carried (the group totals need all service functions, the rest only a few)
    Map<String, List<String>> functionsByKey = new LinkedHashMap<>();
    Map<String, Variable> firstByKey = new LinkedHashMap<>();
    Set<String> forms = new TreeSet<>();
    for (Variable v : defs.variables()) {
      Source s = defs.source(v.source());
      if (!"regnskap".equals(s.table())) {
        continue;
      }
      forms.addAll(s.skjema().values());
      String key = aggregateKey(v.aggregate(), s.scope());
      firstByKey.putIfAbsent(key, v);
      for (int year : years) {
        for (int[] r : defs.functionRanges(v, year)) {
          functionsByKey.computeIfAbsent(key, k -> new ArrayList<>())
              .add("fn_code BETWEEN " + r[0] + " AND " + r[1]);
        }
      }
    }
    Map<String, Column> columns = new LinkedHashMap<>();
    for (Map.Entry<String, Variable> e : firstByKey.entrySet()) {
      String key = e.getKey();
      Variable v = e.getValue();
      Source s = defs.source(v.source());
      // years with the same version share one branch of the CASE
      Map<AggregateVersion, List<Integer>> byVersion = new LinkedHashMap<>();
      for (int year : years) {
        byVersion.computeIfAbsent(defs.aggregate(v.aggregate(), year, s.scope()),
            x -> new ArrayList<>()).add(year);
      }
      String skjemaList = no.kostra.warehouse.Sql.literals(s.skjema().values().stream()
          .distinct().sorted().toList());
      String functionsIn = functionsByKey.get(key).stream().distinct()
          .collect(Collectors.joining(" OR "));
      StringBuilder sql = new StringBuilder("CASE WHEN NOT (" + functionsIn + ") THEN 0");
      byVersion.forEach((version, ys) -> {
        for (Term t : version.terms()) {
          int[] range = KeyFigureDefinitions.range(t.arts());
          sql.append(String.format(" WHEN aargang IN (%s) AND skjema IN (%s) AND kontotype = '%s'"
                  + " AND art_code BETWEEN %d AND %d THEN %d * normalised",
              ys.stream().map(String::valueOf).collect(Collectors.joining(", ")), skjemaList,
              version.kontotype(), range[0], range[1], t.sign()));
        }
      });
      sql.append(" ELSE 0 END");
      columns.put(key, expr(sql.toString()).as("a" + columns.size()));
    }
    if (columns.isEmpty()) {
      return null;
    }
    Dataset<Row> current = currentSubmissions.where(col("skjema").isin(forms.toArray()))
        .select("submission_id");
    List<Column> select = new ArrayList<>(List.of(col("aargang"), col("region"),
        col("funksjon")));
    select.addAll(columns.values());
    Dataset<Row> rows = warehouse.read(Tables.REGNSKAP)
        .where(col("aargang").isin(years.toArray()).and(col("kvartal").isNull())
            .and(col("skjema").isin(forms.toArray())).and(col("funksjon").isNotNull()))
        .join(org.apache.spark.sql.functions.broadcast(current),
            col("file_sha256").equalTo(col("submission_id")), "left_semi")
        .withColumn("art_code", expr("try_cast(art AS INT)"))
        .withColumn("fn_code", expr("try_cast(funksjon AS INT)"))
        // SSB's definitions read income as positive: turn the file sign of income arts
        .withColumn("normalised", expr("CASE WHEN art_code >= 600 THEN -CAST(belop AS BIGINT) "
            + "ELSE CAST(belop AS BIGINT) END"))
        .select(select.toArray(Column[]::new));
    List<Column> sums = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      sums.add(org.apache.spark.sql.functions.sum("a" + i).cast(AMOUNT).as("a" + i));
    }
    Dataset<Row> summed = rows.groupBy("aargang", "region", "funksjon")
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));
    return unpivot(summed, new ArrayList<>(columns.keySet()));
  }

  /** (aargang, region, funksjon, a0..an) → (aargang, unit, key "agg:<key>", funksjon, value). */
  private static Dataset<Row> unpivot(Dataset<Row> summed, List<String> keys) {
    StringBuilder stack = new StringBuilder("stack(" + keys.size());
    for (int i = 0; i < keys.size(); i++) {
      stack.append(", 'agg:").append(keys.get(i)).append("', a").append(i);
    }
    stack.append(") AS (key, value)");
    return summed.selectExpr("aargang", "region AS unit", stack.toString(), "funksjon")
        .where(col("value").notEqual(0));
  }

  /** Σ measure where filter per (year, unit) for every variable of a record source. */
  private static Dataset<Row> recordSums(Warehouse warehouse, SchemaDir schemas,
      KeyFigureDefinitions defs, Source source, Collection<Integer> years,
      Dataset<Row> currentSubmissions) {
    List<Variable> vars = defs.variables().stream().filter(v -> v.source().equals(source.id()))
        .toList();
    if (vars.isEmpty() || !warehouse.exists(source.table())) {
      return null;
    }
    Dataset<Row> current = currentSubmissions
        .where(col("skjema").isin(source.skjema().values().toArray())).select("submission_id");
    Dataset<Row> rows = warehouse.read(source.table())
        .where(col("aargang").isin(years.toArray()))
        .join(org.apache.spark.sql.functions.broadcast(current),
            col("file_sha256").equalTo(col("submission_id")), "left_semi");
    // the table as its form gives it to the key figures (skjema 12 with the guideline rates)
    for (no.kostra.form.Form form : no.kostra.form.Forms.all()) {
      rows = form.asKeyFigureSource(warehouse, schemas, source.table(), rows, years);
    }
    StringBuilder stack = new StringBuilder("stack(" + vars.size());
    List<Column> aggs = new ArrayList<>();
    for (int i = 0; i < vars.size(); i++) {
      Variable v = vars.get(i);
      String when = v.filter() == null ? "TRUE" : "(" + v.filter() + ")";
      String functions = defs.functionCondition(v, years);
      if (functions != null) {
        when = when + " AND " + functions;
      }
      aggs.add(expr("sum(CASE WHEN " + when + " THEN CAST(" + v.measure() + " AS DECIMAL(38, 6))"
          + " ELSE 0 END)").cast(AMOUNT).as("v" + i));
      stack.append(", 'var:").append(v.id()).append("', v").append(i);
    }
    stack.append(") AS (key, value)");
    return rows.groupBy(col("aargang"), col("region"))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
        .selectExpr("aargang", "region AS unit", stack.toString(),
            "CAST(NULL AS STRING) AS funksjon");
  }
}

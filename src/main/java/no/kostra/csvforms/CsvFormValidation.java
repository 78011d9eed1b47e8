package no.kostra.csvforms;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import no.kostra.reference.Classifications;
import no.kostra.reference.FunctionChart;
import no.kostra.reference.Population;
import no.kostra.schemas.SchemaDir;
import no.kostra.validate.RuleEngine;
import no.kostra.validate.RuleSet;
import no.kostra.validate.ValidationOutcome;
import no.kostra.validate.ValidationReport;
import no.kostra.warehouse.Submissions;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Stage 2 for skjema 7 and 12: the rules of data-schemas/rules/csvforms with the shared engine.
 * Besides the rows, the rules see what other sources say about the same region and year: the
 * wage costs in its accounting per function, last year's FTEs (skjema 7), its population, and the
 * national guideline rates (skjema 12). Those are joined on before the rules run, so the rules stay
 * plain SQL over columns.
 */
public final class CsvFormValidation {

  public static final String RULES_FILE = "rules/csvforms/rules.yaml";
  private static final String RECORD_KEY =
      "concat('funksjon=', coalesce(funksjon, ''), ' post=', coalesce(post, ''))";

  private final SparkSession spark;
  private final CsvForms forms;
  private final Classifications classifications;
  private final Population population;
  private final Map<String, RuleEngine> engines = new LinkedHashMap<>();
  private final Map<String, List<Integer>> years = new LinkedHashMap<>();
  private final SchemaDir schemas;

  private CsvFormValidation(SparkSession spark, SchemaDir schemas) {
    this.spark = spark;
    this.schemas = schemas;
    this.forms = CsvForms.load(schemas);
    this.classifications = Classifications.load(schemas);
    this.population = Population.load(schemas);
    FunctionChart chart = FunctionChart.load(schemas);
    RuleSet all = RuleSet.load(schemas, RULES_FILE);
    for (String form : CsvForms.FORMS) {
      Map<Integer, Map<String, List<String>>> lists = new TreeMap<>();
      for (int year = chart.completeFrom(); year <= chart.completeTo(); year++) {
        CsvForms.Version v = forms.form(form).version(year);
        Map<String, List<String>> l = new LinkedHashMap<>();
        l.put("posts", v.posts().stream().map(CsvForms.Post::post).toList());
        l.put("aarsverk_posts", v.totalPosts());
        l.put("posts_281", v.posts().stream().filter(p -> p.functions() != null
            && p.functions().equals(List.of("281"))).map(CsvForms.Post::post).toList());
        l.put("form_functions", v.functions());
        l.put("chart_functions", chart.codes(year, "kommune"));
        lists.put(year, l);
      }
      years.put(form, List.copyOf(lists.keySet()));
      engines.put(form, new RuleEngine(all.forValidator(form), lists, RECORD_KEY)
          .checkpointEachPart(false));
    }
  }

  public static CsvFormValidation load(SparkSession spark, SchemaDir schemas) {
    return new CsvFormValidation(spark, schemas);
  }

  /** The declared submissions {@link #validate} takes. */
  public static final StructType DECLARED_SCHEMA = new StructType()
      .add("submission_id", DataTypes.StringType).add("source_file", DataTypes.StringType)
      .add("skjema", DataTypes.StringType).add("aargang", DataTypes.IntegerType)
      .add("region", DataTypes.StringType).add("lines_read", DataTypes.IntegerType)
      .add("received_at", DataTypes.TimestampType);

  /**
   * Validates declared submissions against their rows ({@link CsvForms#TABLE_SCHEMA}, both forms
   * together) and rejected lines. {@code warehouse} (may be null) gives the accounting and last
   * year's staffing the cross-checks compare with.
   */
  public ValidationOutcome validate(Dataset<Row> declared, Dataset<Row> rows, Dataset<Row> rejected,
      Warehouse warehouse) {
    long t0 = System.nanoTime();
    Dataset<Row> context = context(declared).localCheckpoint();
    Dataset<Row> ctx = context.drop("source_file", "lines_read", "received_at");
    Dataset<Row> withCtx = rows.drop("source_file", "ingest_id", "ingested_at", "skjema")
        .join(broadcast(ctx), col("file_sha256").equalTo(ctx.col("submission_id")))
        .drop("file_sha256");
    withCtx = withCrossChecks(withCtx, warehouse).localCheckpoint();
    timing("rows with their cross-check context", t0);
    Dataset<Row> problems = rejected.join(ctx,
        col("file_sha256").equalTo(ctx.col("submission_id"))).localCheckpoint();
    Dataset<Row> records = withCtx;
    ValidationOutcome outcome = ValidationOutcome.ofValidators(context, engines, form -> {
      var ofForm = col("validator").equalTo(form);
      return new ValidationOutcome.Inputs(ctx.where(ofForm), records.where(ofForm),
          problems.where(ofForm));
    }, List.of(withCtx, problems));
    timing("findings evaluated, outcome per submission", t0);
    return outcome;
  }

  private static void timing(String what, long start) {
    if (System.getenv("KOSTRA_TIMING") != null) {
      System.err.printf("skjema 7/12 validation: %s at %.1f s%n", what, (System.nanoTime() - start) / 1e9);
    }
  }

  private Dataset<Row> context(Dataset<Row> declared) {
    StringBuilder rulesYear = new StringBuilder("CASE skjema");
    for (var e : years.entrySet()) {
      List<Integer> ys = e.getValue();
      rulesYear.append(" WHEN '").append(e.getKey()).append("' THEN least(greatest(aargang, ")
          .append(ys.get(0)).append("), ").append(ys.get(ys.size() - 1)).append(')');
    }
    return declared.selectExpr("submission_id", "source_file", "lines_read", "received_at",
            "skjema AS sub_skjema", "aargang AS sub_year", "CAST(NULL AS STRING) AS sub_quarter",
            "region AS sub_region", "CAST(NULL AS STRING) AS sub_orgnr",
            rulesYear.append(" END") + " AS rules_year", "skjema AS validator",
            "skjema AS severity_key",
            "coalesce(region LIKE '0301%' AND region <> '030100', false) AS is_district")
        .where(col("validator").isin(CsvForms.FORMS.toArray()));
  }

  /** The context columns the rules file describes, joined on per row. */
  private Dataset<Row> withCrossChecks(Dataset<Row> rows, Warehouse warehouse) {
    long t0 = System.nanoTime();
    // population at 31.12 of the year, by municipality (6-digit region code)
    List<Row> pop = new ArrayList<>();
    List<Integer> rowYears = rows.select("sub_year").distinct().collectAsList().stream()
        .map(r -> r.getInt(0)).toList();
    for (int year : rowYears) {
      if (population.hasReportingYear(year) && classifications.years().contains(year)) {
        population.atEndOfYear(year, 0, null, classifications)
            .forEach((code, n) -> pop.add(RowFactory.create(year, code + "00", n)));
      }
    }
    timing("  years and population", t0);
    Dataset<Row> popDf = spark.createDataFrame(pop, new StructType()
        .add("p_year", DataTypes.IntegerType).add("p_region", DataTypes.StringType)
        .add("population", DataTypes.LongType));
    Dataset<Row> out = rows.join(broadcast(popDf), col("sub_year").equalTo(col("p_year"))
        .and(col("sub_region").equalTo(col("p_region"))), "left").drop("p_year", "p_region");

    // skjema 12: the guideline rate of the post's category
    Dataset<Row> guideline = GuidelineRates.byPost(spark, schemas, forms, rowYears);
    out = out.join(broadcast(guideline), col("validator").equalTo("12")
        .and(col("sub_year").equalTo(col("g_year"))).and(col("post").equalTo(col("g_post"))),
        "left").drop("g_year", "g_post");

    // skjema 7: the region's accounting (wage costs per function) and last year's FTEs
    StructType wageSchema = new StructType().add("w_year", DataTypes.IntegerType)
        .add("w_region", DataTypes.StringType).add("w_funksjon", DataTypes.StringType)
        .add("wage_costs", DataTypes.LongType);
    StructType reportedSchema = new StructType().add("a_year", DataTypes.IntegerType)
        .add("a_region", DataTypes.StringType);
    StructType prevSchema = new StructType().add("s_year", DataTypes.IntegerType)
        .add("s_region", DataTypes.StringType).add("s_funksjon", DataTypes.StringType)
        .add("prev_aarsverk", CsvForms.VALUE_TYPE);
    Dataset<Row> wages = spark.createDataFrame(List.of(), wageSchema);
    Dataset<Row> reported = spark.createDataFrame(List.of(), reportedSchema);
    Dataset<Row> prev = spark.createDataFrame(List.of(), prevSchema);
    if (warehouse != null) {
      // the current 0A of the regions and years at hand: a short list, so the accounting is read
      // with plain filters Parquet can push down (no join over its millions of rows)
      List<Object> regions = rows.select("sub_region").distinct().collectAsList().stream()
          .map(r -> r.get(0)).toList();
      Dataset<Row> accounts = Submissions.current(warehouse, "0A")
          .where(col("aargang").isin(rowYears.toArray()).and(col("region").isin(regions.toArray())))
          .localCheckpoint();
      timing("  current 0A submissions", t0);
      reported = accounts.selectExpr("aargang AS a_year", "region AS a_region").distinct();
      List<Object> ids = accounts.select("submission_id").collectAsList().stream()
          .map(r -> r.get(0)).toList();
      if (warehouse.exists(Tables.REGNSKAP) && !ids.isEmpty()) {
        // lønnsutgifter (key-figures.md §1.1): arts 010-099 minus 710 sykelønnsrefusjon, drift
        wages = warehouse.read(Tables.REGNSKAP)
            .where(col("skjema").equalTo("0A").and(col("aargang").isin(rowYears.toArray()))
                .and(col("region").isin(regions.toArray())).and(col("kvartal").isNull())
                .and(col("kontotype").equalTo("drift")).and(col("funksjon").isNotNull())
                .and(col("file_sha256").isin(ids.toArray())))
            .groupBy(col("aargang").as("w_year"), col("region").as("w_region"),
                col("funksjon").as("w_funksjon"))
            .agg(org.apache.spark.sql.functions.expr("sum(CASE WHEN CAST(art AS INT) BETWEEN 10 "
                + "AND 99 THEN belop WHEN art = '710' THEN belop ELSE 0 END)").as("wage_costs"))
            .localCheckpoint();
        timing("  wage costs from the accounting", t0);
      }
      if (warehouse.exists(CsvForms.STAFFING)) {
        List<Object> prevYears = rowYears.stream().map(y -> (Object) (y - 1)).toList();
        Dataset<Row> lastYear = Submissions.current(warehouse, "7")
            .where(col("aargang").isin(prevYears.toArray()));
        prev = warehouse.read(CsvForms.STAFFING)
            .join(lastYear.select("submission_id"),
                col("file_sha256").equalTo(col("submission_id")), "left_semi")
            .where(col("post").isin(rowYears.stream()
                .flatMap(y -> forms.form("7").version(y - 1).totalPosts().stream()).distinct()
                .toArray()))
            .groupBy(org.apache.spark.sql.functions.expr("aargang + 1").as("s_year"),
                col("region").as("s_region"), col("funksjon").as("s_funksjon"))
            .agg(org.apache.spark.sql.functions.sum("verdi").cast(CsvForms.VALUE_TYPE)
                .as("prev_aarsverk"))
            .localCheckpoint();
        timing("  last year's staffing", t0);
      }
    }
    out = out.join(wages, col("sub_year").equalTo(col("w_year"))
            .and(col("sub_region").equalTo(col("w_region")))
            .and(col("funksjon").equalTo(col("w_funksjon"))), "left")
        .drop("w_year", "w_region", "w_funksjon")
        .join(reported.withColumn("accounting_reported", org.apache.spark.sql.functions.lit(true)),
            col("sub_year").equalTo(col("a_year")).and(col("sub_region").equalTo(col("a_region"))),
            "left")
        .drop("a_year", "a_region")
        .withColumn("accounting_reported",
            org.apache.spark.sql.functions.coalesce(col("accounting_reported"),
                org.apache.spark.sql.functions.lit(false)))
        .join(prev, col("sub_year").equalTo(col("s_year"))
            .and(col("sub_region").equalTo(col("s_region")))
            .and(col("funksjon").equalTo(col("s_funksjon"))), "left")
        .drop("s_year", "s_region", "s_funksjon");
    return out;
  }

  /** The respondent's pre-check of one file, with the warehouse's accounting when there is one. */
  public ValidationReport checkFile(Path file, String form, int year, String region,
      Warehouse warehouse) {
    return checkFile(file.toString(), no.kostra.ingest.TextFiles.readAll(file), form, year, region,
        warehouse);
  }

  /** The same for a file's content in memory (the pre-check service: nothing is written). */
  public ValidationReport checkFile(String fileName, byte[] bytes, String form, int year,
      String region, Warehouse warehouse) {
    forms.form(form);
    Timestamp now = new Timestamp(System.currentTimeMillis());
    String region6 = no.kostra.ingest.IngestFiles.sixDigitRegion(region);
    var parsed = new CsvFormParser(forms).parse(fileName, bytes, form, year, region6,
        "precheck", now);
    String id = parsed.summary().getAs("file_sha256");
    Dataset<Row> declaredRow = spark.createDataFrame(List.of(RowFactory.create(id,
        fileName, form, year, region6, parsed.summary().<Integer>getAs("lines_read"), now)),
        DECLARED_SCHEMA);
    try (ValidationOutcome outcome = validate(declaredRow,
        spark.createDataFrame(parsed.accepted(), CsvForms.TABLE_SCHEMA),
        spark.createDataFrame(parsed.rejected(), Tables.REJECTED_LINES_SCHEMA), warehouse)) {
      return ValidationReport.of(outcome.submissions().first(), outcome.findings().collectAsList());
    }
  }
}

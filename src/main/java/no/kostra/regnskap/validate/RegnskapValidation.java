package no.kostra.regnskap.validate;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import no.kostra.regnskap.RegnskapForms;
import no.kostra.regnskap.ingest.RegnskapLineParser;
import no.kostra.regnskap.ingest.SubmissionKey;
import no.kostra.warehouse.Tables;
import no.kostra.schemas.SchemaDir;
import no.kostra.spark.Prepared;
import no.kostra.validate.PreparedCheck;
import no.kostra.validate.RuleEngine;
import no.kostra.validate.RuleSet;
import no.kostra.validate.ValidationOutcome;
import no.kostra.validate.ValidationReport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Stage 2 for accounting: runs the control rules of data-schemas/rules/regnskap on submissions and
 * gives each its outcome. The same code serves the batch pipeline (after ingest) and the
 * respondent's pre-check ({@code bin/kostra validate}).
 *
 * <p>Inputs: the declared submissions (file hash as {@code submission_id}, skjema as submitted,
 * year, quarter, region, orgnr, lines read, received time), their accepted records (the
 * {@code regnskap} schema) and their rejected lines ({@code rejected_lines} schema).
 */
public final class RegnskapValidation {

  public static final String RULES_FILE = "rules/regnskap/rules.yaml";

  private final SparkSession spark;
  private final SchemaDir schemas;
  private final RegnskapForms forms;
  private final RegnskapCodeLists codeLists;
  private final RuleEngine engine;
  private Integer rulesYear;

  private RegnskapValidation(SparkSession spark, SchemaDir schemas) {
    this.spark = spark;
    this.schemas = schemas;
    this.forms = RegnskapForms.load(schemas);
    this.codeLists = RegnskapCodeLists.load(schemas);
    this.engine = new RuleEngine(RuleSet.load(schemas, RULES_FILE), codeLists.byYear(),
        "concat('kontoklasse=', kontoklasse, ' funksjon/kapittel=', trim(funksjon_kapittel),"
            + " ' art/sektor=', trim(art_sektor))");
  }

  public static RegnskapValidation load(SparkSession spark, SchemaDir schemas) {
    return new RegnskapValidation(spark, schemas);
  }

  /**
   * Checks every submission against the code lists and rule versions of this year instead of its
   * own (as the reference program, which always applies its newest lists). Default: the
   * submission's year; a year without code lists takes the nearest year that has them.
   */
  public RegnskapValidation rulesYear(Integer year) {
    this.rulesYear = year;
    return this;
  }

  /** The findings and one outcome row per submission. */
  public ValidationOutcome validate(Dataset<Row> declared, Dataset<Row> records, Dataset<Row> rejected) {
    // cut the lineage where the plan would otherwise be analysed again for every later use: the
    // compiled rules make large plans, and analysing them costs more than running them
    Dataset<Row> context = context(declared).localCheckpoint();
    Dataset<Row> ctx = context.drop("source_file", "lines_read", "received_at");
    List<Integer> years = ctx.select("rules_year").distinct().collectAsList().stream()
        .map(r -> r.getInt(0)).toList();
    // zero amounts take part in no semantic rule; lineage columns are not needed by any
    Dataset<Row> checked = withCodeChecks(records.where("belop <> 0")
        .drop("source_file", "ingest_id", "ingested_at")
        .join(broadcast(ctx), col("file_sha256").equalTo(ctx.col("submission_id")))
        .drop("file_sha256"), years);
    // not cached: the three passes over the records (record, group and submission rules) each
    // re-read the columnar table, which measured faster than building and scanning a cache of
    // the widened rows
    Dataset<Row> problems = rejected.join(ctx, col("file_sha256").equalTo(ctx.col("submission_id")));
    Dataset<Row> findings = engine.run(ctx, checked, problems).localCheckpoint();

    return ValidationOutcome.summarise(context, findings, checked, engine.applicableRulesSql());
  }

  /** The submission's context columns, which the rules' conditions use (see rules.yaml). */
  private Dataset<Row> context(Dataset<Row> declared) {
    return context(declared, rulesYear != null ? Integer.toString(rulesYear)
        : "least(greatest(coalesce(aargang, " + codeLists.lastYear() + "), " + codeLists.firstYear()
            + "), " + codeLists.lastYear() + ")");
  }

  private Dataset<Row> context(Dataset<Row> declared, String year) {
    String bevilgning = skjemaOfKind("bevilgning");
    String balanse = skjemaOfKind("balanse");
    String special = no.kostra.warehouse.Sql.literals(codeLists.specialOrgnr());
    return declared.selectExpr(
            "submission_id", "source_file", "lines_read", "received_at",
            "skjema AS sub_skjema", "substr(skjema, 1, 2) AS sub_base", "aargang AS sub_year",
            "kvartal AS sub_quarter", "region AS sub_region", "orgnr AS sub_orgnr",
            "split(coalesce(orgnr, ''), ',') AS sub_orgnr_list",
            year + " AS rules_year")
        .selectExpr("*",
            // an undeclared file (no usable name, no readable record) is judged as annual
            "CASE WHEN sub_base IN ('0F', '0G') THEN 'church' WHEN length(sub_skjema) = 4 "
                + "THEN 'quarterly' ELSE 'annual' END AS validator",
            "coalesce(sub_base IN ('0A', '0C', '0M', '0P'), false) AS is_regional",
            "coalesce(sub_region LIKE '0301%' AND sub_region <> '030100', false) AS is_district",
            "coalesce(sub_base IN ('0A', '0B', '0M', '0N'), false) AS is_kommune_skjema",
            "coalesce(sub_base IN ('0C', '0D', '0P', '0Q'), false) AS is_fylke_skjema",
            "coalesce(sub_base IN (" + bevilgning + "), false) AS is_bevilgning",
            "coalesce(sub_base IN (" + balanse + "), false) AS is_balanse",
            "coalesce(split(coalesce(sub_orgnr, ''), ',')[0] IN (" + special + "), false) AS special_orgnr")
        .selectExpr("*",
            // severities soften by the submission's quarter (accounting.md §6.2, §9 #7)
            "CASE WHEN validator = 'church' THEN 'church' WHEN sub_quarter IS NOT NULL "
                + "THEN concat('q', sub_quarter) ELSE validator END AS severity_key",
            "CASE WHEN sub_region = '030100' THEN 'oslo' WHEN is_district THEN 'bydel' "
                + "WHEN sub_region LIKE '%0000' THEN 'fylke' ELSE 'kommune' END AS region_class")
        .selectExpr("*", "concat_ws('|', sub_base, region_class, CAST(special_orgnr AS STRING)) "
            + "AS code_context");
  }

  private String skjemaOfKind(String kind) {
    return forms.skjema().entrySet().stream().filter(e -> e.getValue().kind().equals(kind))
        .map(e -> e.getKey()).sorted().map(no.kostra.warehouse.Sql::literal)
        .collect(Collectors.joining(", "));
  }

  /** Numeric views of the codes and whether each code is valid for the submission. */
  private Dataset<Row> withCodeChecks(Dataset<Row> records, List<Integer> years) {
    Dataset<Row> out = records
        .withColumn("funksjon_n", expr("try_cast(funksjon AS INT)"))
        .withColumn("art_n", expr("try_cast(art AS INT)"))
        .withColumn("kapittel_n", expr("try_cast(kapittel AS INT)"));
    for (String kind : List.of("funksjon", "art", "kapittel", "sektor")) {
      StringBuilder sql = new StringBuilder("CASE rules_year");
      for (int year : years) {
        sql.append(" WHEN ").append(year).append(" THEN ")
            .append(codeLists.validitySql(year, kind, kind));
      }
      out = out.withColumn(kind + "_valid", expr(sql.append(" ELSE false END").toString()));
    }
    return out;
  }

  /** The respondent's pre-check: one file, the submission it is declared to be, its report. */
  public ValidationReport checkFile(java.nio.file.Path file, SubmissionKey declared) {
    return checkFile(file.toString(), no.kostra.ingest.TextFiles.readAll(file), declared);
  }

  /**
   * The same for a file's content in memory (the pre-check service: nothing is written). In local
   * mode the rules of the file's rules year run as plans analysed once per process
   * ({@link PreparedCheck}); elsewhere as the ingest runs them.
   */
  public ValidationReport checkFile(String fileName, byte[] bytes, SubmissionKey declared) {
    java.sql.Timestamp now = new java.sql.Timestamp(System.currentTimeMillis());
    var parsed = new RegnskapLineParser(RegnskapForms.layout(schemas), forms)
        .parse(fileName, bytes, "precheck", now);
    String id = parsed.summary().getAs("file_sha256");
    Row declaredValues = new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
        new Object[] {id, fileName, declared.skjema(), declared.aargang(), declared.kvartal(),
            declared.region(), declared.orgnr(), parsed.summary().<Integer>getAs("lines_read"),
            now}, DECLARED_SCHEMA);
    if (Prepared.supported(spark)) {
      int year = rulesYear != null ? rulesYear : Math.min(Math.max(declared.aargang() == null
          ? codeLists.lastYear() : declared.aargang(), codeLists.firstYear()), codeLists.lastYear());
      return prepared(year).check(declaredValues, Map.of("declared", List.of(declaredValues),
          "records", parsed.accepted(), "rejected", parsed.rejected()));
    }
    Dataset<Row> declaredRow = spark.createDataFrame(List.of(declaredValues), DECLARED_SCHEMA);
    try (ValidationOutcome outcome = validate(declaredRow,
        spark.createDataFrame(parsed.accepted(), Tables.REGNSKAP_SCHEMA),
        spark.createDataFrame(parsed.rejected(), Tables.REJECTED_LINES_SCHEMA))) {
      return ValidationReport.of(outcome.submissions().first(), outcome.findings().collectAsList());
    }
  }

  /**
   * The findings of submissions of one rules year as the pre-check finds them (its prepared
   * plans, local mode): the same rules as {@link #validate}, another way of running them; the
   * rule tables compare the two.
   */
  public List<Row> preparedFindings(int year, List<Row> declared, List<Row> records,
      List<Row> rejected) {
    return prepared(year).findings(Map.of("declared", declared, "records", records, "rejected",
        rejected));
  }

  /** The pre-check's plans of one rules year over the slots' inputs. */
  private PreparedCheck prepared(int year) {
    return PreparedCheck.borrow(spark, List.of("regnskap", schemas.root().toString(), year),
        slots -> {
          Dataset<Row> context = context(slots.input("declared", DECLARED_SCHEMA),
              Integer.toString(year));
          Dataset<Row> ctx = context.drop("source_file", "lines_read", "received_at");
          Dataset<Row> checked = withCodeChecks(slots.input("records", Tables.REGNSKAP_SCHEMA)
              .where("belop <> 0").drop("source_file", "ingest_id", "ingested_at")
              .join(ctx, col("file_sha256").equalTo(ctx.col("submission_id")))
              .drop("file_sha256"), List.of(year));
          Dataset<Row> problems = slots.input("rejected", Tables.REJECTED_LINES_SCHEMA)
              .join(ctx, col("file_sha256").equalTo(ctx.col("submission_id")));
          return new PreparedCheck.Plans(engine.reusable(year, ctx, checked, problems), ctx,
              checked, engine.applicableRulesSql());
        });
  }

  /** The declared submissions {@link #validate} takes. */
  public static final StructType DECLARED_SCHEMA = new StructType()
      .add("submission_id", DataTypes.StringType).add("source_file", DataTypes.StringType)
      .add("skjema", DataTypes.StringType).add("aargang", DataTypes.IntegerType)
      .add("kvartal", DataTypes.StringType).add("region", DataTypes.StringType)
      .add("orgnr", DataTypes.StringType).add("lines_read", DataTypes.IntegerType)
      .add("received_at", DataTypes.TimestampType);
}

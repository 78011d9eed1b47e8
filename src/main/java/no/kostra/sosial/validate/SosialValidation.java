package no.kostra.sosial.validate;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.kostra.schemas.SchemaDir;
import no.kostra.sosial.SosialForms;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.sosial.ingest.SosialLineParser;
import no.kostra.validate.PreparedCheck;
import no.kostra.validate.RuleEngine;
import no.kostra.validate.RuleSet;
import no.kostra.validate.ValidationOutcome;
import no.kostra.validate.ValidationReport;
import no.kostra.warehouse.Tables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Stage 2 for 11F and 11CF: the control rules of data-schemas/rules/sosial on submissions of
 * person-level records, with the same engine, findings and outcome as accounting. It sees only
 * pseudonymised records: findings name line numbers and pseudonyms.
 */
public final class SosialValidation {

  public static final String RULES_FILE = "rules/sosial/rules.yaml";
  /** The record key of a finding: pseudonyms only. */
  private static final String RECORD_KEY = "concat('journal=', coalesce(journal_pseudonym, ''), "
      + "' saksbehandler=', coalesce(saksbehandler_pseudonym, ''))";

  private final SparkSession spark;
  private final SosialForms forms;
  private final String schemasRoot;
  private final Map<String, RuleEngine> engines = new LinkedHashMap<>();

  private SosialValidation(SparkSession spark, SchemaDir schemas) {
    this.spark = spark;
    this.forms = SosialForms.load(schemas);
    this.schemasRoot = schemas.root().toString();
    RuleSet all = RuleSet.load(schemas, RULES_FILE);
    for (String form : SosialForms.FORMS) {
      // each part (line, record, group, submission rules) evaluated on its own: with 65 record
      // rules, planning the union of all parts at once measured 1.5 s slower
      engines.put(form, new RuleEngine(all.forValidator(form), forms.codeLists(form), RECORD_KEY));
    }
  }

  public static SosialValidation load(SparkSession spark, SchemaDir schemas) {
    return new SosialValidation(spark, schemas);
  }

  public SosialForms forms() {
    return forms;
  }

  /**
   * Validates declared submissions ({@link #DECLARED_SCHEMA}) against their records (by form:
   * 11F → the sosialhjelp schema, 11CF → kvalifisering) and rejected lines.
   */
  public ValidationOutcome validate(Dataset<Row> declared, Map<String, Dataset<Row>> recordsByForm,
      Dataset<Row> rejected) {
    long t0 = System.nanoTime();
    Dataset<Row> context = context(declared).localCheckpoint();
    Dataset<Row> ctx = context.drop("source_file", "lines_read", "received_at");
    List<Dataset<Row>> cached = java.util.Collections.synchronizedList(new ArrayList<>());
    ValidationOutcome outcome = ValidationOutcome.ofValidators(context, engines, form -> {
      Dataset<Row> formCtx = ctx.where(col("validator").equalTo(form));
      Dataset<Row> records = recordsByForm.get(form);
      if (records == null) {
        records = spark.createDataFrame(List.of(), forms.tableSchema(form));
      }
      // the records come in memory (the ingest's checkpointed rows): each rule pass joins them
      // to their submission's context again (a broadcast join), which costs less than keeping a
      // second, widened copy of about 140 000 records of 90 columns
      Dataset<Row> withCtx = records.drop("source_file", "ingest_id", "ingested_at", "skjema",
              "aargang", "region")
          .join(broadcast(formCtx), col("file_sha256").equalTo(formCtx.col("submission_id")))
          .drop("file_sha256");
      Dataset<Row> problems = rejected.join(formCtx,
          col("file_sha256").equalTo(formCtx.col("submission_id"))).localCheckpoint();
      cached.add(problems);
      timing(form + " inputs ready", t0);
      return new ValidationOutcome.Inputs(formCtx, withCtx, problems);
    }, cached);
    timing("findings evaluated, outcome per submission", t0);
    return outcome;
  }

  private static void timing(String what, long start) {
    if (System.getenv("KOSTRA_TIMING") != null) {
      System.err.printf("sosial validation: %s at %.1f s%n", what, (System.nanoTime() - start) / 1e9);
    }
  }

  /** The rules year of a form's submission: as {@link #context} says in SQL. */
  private int rulesYear(String form, int year) {
    List<Integer> years = forms.years(form);
    return years.stream().filter(y -> year <= y).findFirst().orElse(years.get(years.size() - 1));
  }

  /**
   * The findings of one form's submissions of one rules year as the pre-check finds them (plans
   * prepared once, local mode): the same rules as {@link #validate}, run another way; the rule
   * tables compare the two.
   */
  public List<Row> preparedFindings(String form, int year, List<Row> declared, List<Row> records,
      List<Row> rejected) {
    return prepared(form, rulesYear(form, year)).findings(Map.of("declared", declared,
        "records", records, "rejected", rejected));
  }

  private PreparedCheck prepared(String form, int year) {
    return PreparedCheck.borrow(spark, List.of("sosial", form, schemasRoot, year), slots -> {
      Dataset<Row> ctx = context(slots.input("declared", DECLARED_SCHEMA))
          .drop("source_file", "lines_read", "received_at")
          .where(col("validator").equalTo(form));
      Dataset<Row> withCtx = slots.input("records", forms.tableSchema(form))
          .drop("source_file", "ingest_id", "ingested_at", "skjema", "aargang", "region")
          .join(ctx, col("file_sha256").equalTo(ctx.col("submission_id")))
          .drop("file_sha256");
      Dataset<Row> problems = slots.input("rejected", Tables.REJECTED_LINES_SCHEMA)
          .join(ctx, col("file_sha256").equalTo(ctx.col("submission_id")));
      RuleEngine engine = engines.get(form);
      return new PreparedCheck.Plans(engine.reusable(year, ctx, withCtx, problems), ctx, withCtx,
          engine.applicableRulesSql());
    });
  }

  /** The submission's context columns, which the rules' conditions use (see rules.yaml). */
  private Dataset<Row> context(Dataset<Row> declared) {
    StringBuilder rulesYear = new StringBuilder("CASE skjema");
    for (String form : SosialForms.FORMS) {
      rulesYear.append(" WHEN '").append(form).append("' THEN CASE");
      List<Integer> years = forms.years(form);
      for (int y : years) {
        rulesYear.append(" WHEN aargang <= ").append(y).append(" THEN ").append(y);
      }
      rulesYear.append(" ELSE ").append(years.get(years.size() - 1)).append(" END");
    }
    rulesYear.append(" END");
    return declared.selectExpr("submission_id", "source_file", "lines_read", "received_at",
            "skjema AS sub_skjema", "aargang AS sub_year", "CAST(NULL AS STRING) AS sub_quarter",
            "region AS sub_region", "CAST(NULL AS STRING) AS sub_orgnr",
            rulesYear + " AS rules_year", "skjema AS validator", "skjema AS severity_key",
            "coalesce(region LIKE '0301%', false) AS is_oslo",
            "coalesce(region LIKE '0301%' AND region <> '030100', false) AS is_district",
            // the portal's answer when given; else the one-character file means "nothing to report"
            "coalesce(skal_rapportere, NOT placeholder) AS skal_rapportere")
        .where(col("validator").isin(SosialForms.FORMS.toArray()));
  }

  /**
   * The respondent's pre-check of one file. Pseudonyms in the report always come from a one-off key
   * made for this check: they tell records apart within the report and nowhere else. With the
   * production key, whoever may run the pre-check could send a file with a person's identity
   * number and read the pseudonym that finds that person's records in the warehouse.
   */
  public ValidationReport checkFile(Path file, String form, int year, String region,
      Boolean skalRapportere) {
    return checkFile(file.toString(), no.kostra.ingest.TextFiles.readAll(file), form, year, region,
        skalRapportere);
  }

  /** The same for a file's content in memory (the pre-check service: nothing is written). */
  public ValidationReport checkFile(String fileName, byte[] bytes, String form, int year,
      String region, Boolean skalRapportere) {
    if (!forms.isForm(form)) {
      throw new IllegalArgumentException("unknown form " + form + " (11F or 11CF)");
    }
    Pseudonymizer pseudonyms = Pseudonymizer.ephemeral();
    Timestamp now = new Timestamp(System.currentTimeMillis());
    var parsed = new SosialLineParser(forms, pseudonyms)
        .parse(fileName, bytes, form, year, region, "precheck", now);
    String id = parsed.summary().getAs("file_sha256");
    Row declaredValues = new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
        new Object[] {id, fileName, form, year, region,
            parsed.summary().<Integer>getAs("lines_read"), now, skalRapportere,
            parsed.placeholder()}, DECLARED_SCHEMA);
    if (no.kostra.spark.Prepared.supported(spark)) {
      // the rules analysed once per form and rules year (PreparedCheck), run on this file
      return prepared(form, rulesYear(form, year)).check(declaredValues, Map.of("declared",
              List.of(declaredValues), "records", new ArrayList<>(parsed.accepted()), "rejected",
              parsed.rejected())).withNote(ONE_OFF_KEY_NOTE);
    }
    Dataset<Row> declaredRow = spark.createDataFrame(List.of(declaredValues), DECLARED_SCHEMA);
    Map<String, Dataset<Row>> records = Map.of(form,
        spark.createDataFrame(new ArrayList<>(parsed.accepted()), forms.tableSchema(form)));
    try (ValidationOutcome outcome = validate(declaredRow, records,
        spark.createDataFrame(parsed.rejected(), Tables.REJECTED_LINES_SCHEMA))) {
      return ValidationReport.of(outcome.submissions().first(), outcome.findings().collectAsList())
          .withNote(ONE_OFF_KEY_NOTE);
    }
  }

  /** What the pre-check's report says of its pseudonyms. */
  public static final String ONE_OFF_KEY_NOTE = "Fødselsnummer, DUF-nummer, journalnummer og "
      + "saksbehandler er erstattet med pseudonymer laget med en engangsnøkkel for denne kontrollen "
      + "(ikke produksjonsnøkkelen): de skiller records fra hverandre i denne rapporten og betyr "
      + "ingenting utenfor den.";

  /** The declared submissions {@link #validate} takes. */
  public static final StructType DECLARED_SCHEMA = new StructType()
      .add("submission_id", DataTypes.StringType).add("source_file", DataTypes.StringType)
      .add("skjema", DataTypes.StringType).add("aargang", DataTypes.IntegerType)
      .add("region", DataTypes.StringType).add("lines_read", DataTypes.IntegerType)
      .add("received_at", DataTypes.TimestampType)
      .add("skal_rapportere", DataTypes.BooleanType) // the portal's answer; null = not given
      .add("placeholder", DataTypes.BooleanType); // the file is the one-character "nothing"
}

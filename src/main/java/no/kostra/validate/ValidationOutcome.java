package no.kostra.validate;

import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import no.kostra.spark.SideBySide;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What validating a batch of submissions gives, for any form: the findings
 * ({@link RuleEngine#FINDING_COLUMNS}) and one outcome row per submission (the columns of
 * {@code submissions} but {@code ingest_id}). Both stand on checkpointed intermediate data:
 * {@link #close} frees it once they are written.
 */
public record ValidationOutcome(Dataset<Row> findings, Dataset<Row> submissions,
    List<Dataset<Row>> cached) implements AutoCloseable {

  @Override
  public void close() {
    cached.forEach(d -> d.unpersist(false));
  }

  /** What one validator's engine runs on: its submissions, records and unparsed lines. */
  public record Inputs(Dataset<Row> submissions, Dataset<Row> records, Dataset<Row> lineProblems) {}

  /**
   * Runs one engine per validator (a form, when one rule file serves several) over the inputs of
   * each and sums the findings up per submission ({@link #summarise}). {@code cached}: the
   * intermediate data the inputs stand on, freed with the outcome.
   */
  public static ValidationOutcome ofValidators(Dataset<Row> context, Map<String, RuleEngine> engines,
      Function<String, Inputs> inputsOf, List<Dataset<Row>> cached) {
    // the validators run side by side, each on a thread of its own: most of a small form's time
    // is the driver planning its rules, which then overlaps with the other form's Spark jobs
    Map<String, Inputs> inputs = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, Dataset<Row>> parts = new java.util.concurrent.ConcurrentHashMap<>();
    List<SideBySide> validators = new ArrayList<>();
    for (Map.Entry<String, RuleEngine> e : engines.entrySet()) {
      validators.add(SideBySide.start("kostra-validator-" + e.getKey(), () -> {
        Inputs in = inputsOf.apply(e.getKey());
        inputs.put(e.getKey(), in);
        parts.put(e.getKey(), e.getValue().run(in.submissions(), in.records(), in.lineProblems()));
      }));
    }
    SideBySide.awaitAll(validators);
    Dataset<Row> findings = null;
    Dataset<Row> checked = null;
    StringBuilder applicable = new StringBuilder("CASE validator");
    for (Map.Entry<String, RuleEngine> e : engines.entrySet()) { // in the validators' order
      Dataset<Row> part = parts.get(e.getKey());
      findings = findings == null ? part : findings.unionByName(part);
      Dataset<Row> ids = inputs.get(e.getKey()).records().select("submission_id");
      checked = checked == null ? ids : checked.union(ids);
      applicable.append(" WHEN '").append(e.getKey()).append("' THEN ")
          .append(e.getValue().applicableRulesSql());
    }
    ValidationOutcome outcome = summarise(context, findings.localCheckpoint(), checked,
        applicable.append(" ELSE 0 END").toString());
    List<Dataset<Row>> all = new ArrayList<>(cached);
    all.addAll(outcome.cached());
    return new ValidationOutcome(outcome.findings(), outcome.submissions(), all);
  }

  /**
   * Sums the findings up per submission. {@code context} holds one row per submission with
   * {@code submission_id, source_file, received_at, lines_read} and the context columns
   * {@code sub_skjema, sub_year, sub_quarter, sub_region, sub_orgnr}; {@code checked} the records
   * the rules ran on; {@code applicableRulesSql} counts, per context row, the rules that apply.
   */
  public static ValidationOutcome summarise(Dataset<Row> context, Dataset<Row> findings,
      Dataset<Row> checked, String applicableRulesSql) {
    Dataset<Row> counts = findings.groupBy("submission_id").agg(
        expr("max(" + Severity.rankSql("severity") + ")").as("rank"),
        expr("count_if(severity = 'FATAL')").as("num_fatal"),
        expr("count_if(severity = 'ERROR')").as("num_errors"),
        expr("count_if(severity = 'WARNING')").as("num_warnings"),
        expr("count_if(severity = 'INFO')").as("num_info"));
    Dataset<Row> recordCounts = checked.groupBy("submission_id").count()
        .withColumnRenamed("count", "records_checked");
    Dataset<Row> outcome = context
        .withColumn("applicable_rules", expr(applicableRulesSql))
        .join(recordCounts, "submission_id", "left")
        .join(counts, "submission_id", "left")
        .selectExpr("submission_id", "source_file", "sub_skjema AS skjema", "sub_year AS aargang",
            "sub_quarter AS kvartal", "sub_region AS region", "sub_orgnr AS orgnr", "received_at",
            "lines_read", "coalesce(records_checked, 0L) AS records_checked",
            // the reference's count: lines x pre-rules + records x rules; a FATAL file stops at 001
            "CAST(lines_read AS BIGINT) + CASE WHEN coalesce(num_fatal, 0) > 0 THEN 0L "
                + "ELSE coalesce(records_checked, 0L) * applicable_rules END AS number_of_controls",
            Severity.nameOfRankSql("rank") + " AS severity",
            "coalesce(num_fatal, 0L) AS num_fatal", "coalesce(num_errors, 0L) AS num_errors",
            "coalesce(num_warnings, 0L) AS num_warnings", "coalesce(num_info, 0L) AS num_info",
            Severity.statusOfRankSql("rank") + " AS status");
    return new ValidationOutcome(findings, outcome.localCheckpoint(), List.of(context, findings));
  }
}

package no.kostra.validate;

import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import no.kostra.spark.Prepared;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

/**
 * A form's pre-check of one file as plans prepared once ({@link Prepared}): its rules of one
 * rules year over inputs read when the plans run. Analysing the rules' plans costs seconds, running
 * them on one file a fraction of that, so a warm service pays the analysis once per form and year.
 * A pool per key (session, form, year): one set of plans serves one check at a time.
 */
public final class PreparedCheck {

  /**
   * What a form builds over the slots' inputs: the findings ({@link RuleEngine#reusable}), the
   * submission context the rules' gates read, the records checked, and the engine's SQL counting
   * the rules that apply to a submission.
   */
  public record Plans(Dataset<Row> findings, Dataset<Row> context, Dataset<Row> checked,
      String applicableRulesSql) {}

  private static final Map<List<Object>, Queue<PreparedCheck>> POOL = new ConcurrentHashMap<>();

  private final List<Object> key;
  private final SparkSession spark;
  private final Prepared.Slots slots;
  private final LogicalPlan findings;
  private final LogicalPlan counts;

  private PreparedCheck(SparkSession spark, List<Object> key,
      Function<Prepared.Slots, Plans> build) {
    this.key = key;
    this.spark = spark;
    this.slots = new Prepared.Slots(spark);
    Plans plans = build.apply(slots);
    this.findings = Prepared.analysed(plans.findings().select(RuleEngine.FINDING_COLUMNS.stream()
        .map(org.apache.spark.sql.functions::col).toArray(Column[]::new)));
    // one row: the rules that apply to the submission, and the records checked
    this.counts = Prepared.analysed(plans.context()
        .select(expr(plans.applicableRulesSql()).cast("long").as("applicable"),
            lit(0L).as("records"))
        .unionByName(plans.checked().select(lit(0L).as("applicable"), lit(1L).as("records")))
        .agg(sum("applicable"), sum("records")));
  }

  /** The plans of the key (e.g. form and rules year on this session), built when none is free. */
  public static PreparedCheck borrow(SparkSession spark, List<Object> key,
      Function<Prepared.Slots, Plans> build) {
    List<Object> full = new java.util.ArrayList<>(key);
    full.add(0, System.identityHashCode(spark));
    PreparedCheck free = POOL.computeIfAbsent(full, k -> new ConcurrentLinkedQueue<>()).poll();
    return free != null ? free : new PreparedCheck(spark, full, build);
  }

  /** One submission's report: its declared row ({@code lines_read} and the summary's columns). */
  public ValidationReport check(Row declared, Map<String, List<Row>> inputs) {
    try (Prepared.Slots in = fill(inputs)) {
      List<Row> found = Prepared.run(spark, findings);
      Row n = Prepared.run(spark, counts).get(0);
      return ValidationReport.counted(declared, n.isNullAt(1) ? 0 : n.getLong(1),
          n.isNullAt(0) ? 0 : n.getLong(0), found);
    } finally {
      POOL.get(key).add(this);
    }
  }

  /** The findings of whatever submissions the inputs hold (the rule tables compare them). */
  public List<Row> findings(Map<String, List<Row>> inputs) {
    try (Prepared.Slots in = fill(inputs)) {
      return Prepared.run(spark, findings);
    } finally {
      POOL.get(key).add(this);
    }
  }

  private Prepared.Slots fill(Map<String, List<Row>> inputs) {
    inputs.forEach(slots::fill);
    return slots;
  }
}

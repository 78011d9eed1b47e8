package no.kostra.spark;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.StructType;

/**
 * Plans analysed once and run again on new inputs, for many small runs of the same wide plan (the
 * pre-check service: one file per run, the rules the same every time). An input is a slot, read
 * when a plan runs; a plan is kept analysed and given a new execution each time, so its exchanges
 * and broadcasts are made afresh (a physical plan run twice would reuse its first shuffle).
 *
 * <p>Local mode only: the tasks read the slots from this JVM's memory. Nothing is written: the
 * rows stay in memory until {@link Slots#close}.
 */
public final class Prepared {

  private static final Map<String, List<Row>> SLOTS = new ConcurrentHashMap<>();

  private Prepared() {}

  /** The session setting that asks for prepared plans (a process that checks many files). */
  public static final String ENABLED = "kostra.prepared.enabled";

  /**
   * Whether to prepare plans on this session: asked for ({@link #ENABLED}, by a process that
   * checks many files; one check per process is faster the ingest's way, which analyses smaller
   * checkpointed parts) and possible (local mode: the tasks run in this JVM).
   */
  public static boolean supported(SparkSession spark) {
    return spark.sparkContext().isLocal()
        && Boolean.parseBoolean(spark.conf().get(ENABLED, "false"));
  }

  /** A set of named inputs that one prepared pipeline reads. */
  public static final class Slots implements AutoCloseable {
    private final String id = UUID.randomUUID().toString();
    private final SparkSession spark;

    public Slots(SparkSession spark) {
      this.spark = spark;
    }

    /** The input {@code name}: its rows as they are when a plan over it runs. */
    public Dataset<Row> input(String name, StructType schema) {
      String slot = id + "/" + name;
      JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .parallelize(List.of(slot), 1)
          .flatMap(s -> SLOTS.getOrDefault(s, List.of()).iterator());
      return spark.createDataFrame(rows, schema);
    }

    public Slots fill(String name, List<Row> rows) {
      SLOTS.put(id + "/" + name, List.copyOf(rows));
      return this;
    }

    /** Empties every input (the rows are the respondent's: they are not kept). */
    @Override
    public void close() {
      SLOTS.keySet().removeIf(k -> k.startsWith(id + "/"));
    }
  }

  /**
   * The optimised plan of a dataset, to run again with {@link #run}: marked as analysed, so a new
   * execution does not analyse it again, and the optimiser, given a plan it already optimised,
   * stops after one pass of its rules.
   */
  public static LogicalPlan analysed(Dataset<Row> dataset) {
    LogicalPlan plan = dataset.queryExecution().optimizedPlan();
    plan.setAnalyzed();
    return plan;
  }

  /** A new execution of a prepared plan: planned again (new exchanges), not analysed again. */
  public static List<Row> run(SparkSession spark, LogicalPlan plan) {
    return Dataset.ofRows(spark, plan).collectAsList();
  }
}

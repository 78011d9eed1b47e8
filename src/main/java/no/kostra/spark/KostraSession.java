package no.kostra.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the Spark session every command runs in. Embedded by default ({@code local[*]}, a Delta
 * warehouse on disk, no server); when launched through spark-submit the master and any other
 * setting given there win, so the same jobs run unchanged on a cluster.
 */
public final class KostraSession {

  private KostraSession() {}

  /** The settings the pipeline needs whatever the master: Delta, loopback, small-data defaults. */
  public static SparkConf conf(String defaultMaster, int shufflePartitions) {
    SparkConf conf = new SparkConf(true); // true: keeps spark.* system properties (spark-submit)
    conf.setIfMissing("spark.master", defaultMaster);
    conf.setIfMissing("spark.app.name", "kostra");
    conf.setIfMissing("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.setIfMissing("spark.sql.catalog.spark_catalog",
        "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    if (conf.get("spark.master").startsWith("local")) {
      // bind to loopback only: an embedded run must not open ports on the network
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.ui.enabled", "false");
      // without a UI nobody reads the plans of past queries, but the status store keeps 1 000 of
      // them: a long-running pre-check service (thousands of wide plans) keeps 50
      conf.setIfMissing("spark.sql.ui.retainedExecutions", "50");
      conf.setIfMissing("spark.ui.retainedJobs", "100");
      conf.setIfMissing("spark.ui.retainedStages", "100");
    }
    conf.setIfMissing("spark.sql.shuffle.partitions", Integer.toString(shufflePartitions));
    // executors on a cluster JIT-compile the compiled control rules' huge generated methods too
    // (bin/kostra gives the embedded JVM the same flag; HotSpot leaves methods over 8 000 bytes
    // of bytecode interpreted, and whole-stage code for the rules exceeds that)
    String executorOpts = conf.get("spark.executor.extraJavaOptions", "");
    if (!executorOpts.contains("DontCompileHugeMethods")) {
      conf.set("spark.executor.extraJavaOptions",
          (executorOpts + " -XX:-DontCompileHugeMethods").trim());
    }
    // KOSTRA tables are small: Delta's default of 50 snapshot partitions costs seconds per command
    conf.setIfMissing("spark.databricks.delta.snapshotPartitions", "2");
    // Delta re-derives a table's whole file list after every commit to verify its checksum file
    // when the session time zone is not UTC (ours is Europe/Oslo): a full state reconstruction
    // per commit, ~0.5 s each. The check guards timestamp partition values, and no KOSTRA table
    // is partitioned; Delta's incremental checksum stays on.
    conf.setIfMissing("spark.databricks.delta.allFilesInCrc.verificationMode.forceOnNonUTC.enabled",
        "false");
    conf.setIfMissing("spark.sql.session.timeZone", "Europe/Oslo");
    conf.setIfMissing("spark.sql.debug.maxToStringFields", "100");
    // generated code is compiled once per distinct source and cached; the control rules, key
    // figures and release plans of one process make more than Spark's default of 100 classes, so
    // each small ingest compiled its rules again (2–3 s of Janino per ingest). With 400, a test
    // JVM that ran half the suite held ≈ 230 MB of metaspace in all.
    conf.setIfMissing("spark.sql.codegen.cache.maxEntries", "400");
    // exact decimal arithmetic must fail loudly rather than turn into null on overflow
    conf.setIfMissing("spark.sql.ansi.enabled", "true");
    return conf;
  }

  /** The session for the command line: all local cores unless a master was given. */
  public static SparkSession getOrCreate() {
    return SparkSession.builder().config(conf("local[*]", 8)).getOrCreate();
  }
}

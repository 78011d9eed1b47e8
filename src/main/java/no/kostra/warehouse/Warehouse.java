package no.kostra.warehouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The Delta warehouse: one folder per table under a root path (a local folder by default, any
 * Hadoop file system — HDFS, S3 — on a cluster). Every write is one Delta commit, so a crash never
 * leaves a half-written table.
 */
public final class Warehouse {

  private final SparkSession spark;
  private final String root;

  private Warehouse(SparkSession spark, String root) {
    this.spark = spark;
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  public static Warehouse at(SparkSession spark, String root) {
    String qualified = root.contains("://") || root.startsWith("file:")
        ? root : new java.io.File(root).getAbsolutePath();
    return new Warehouse(spark, qualified);
  }

  public SparkSession spark() {
    return spark;
  }

  public String root() {
    return root;
  }

  public String path(String table) {
    return root + "/" + table;
  }

  /** The table's location as a full URI (file:/…, hdfs://…): what a catalog entry needs. */
  public String location(String table) {
    try {
      return fs().makeQualified(new Path(path(table))).toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public boolean exists(String table) {
    try {
      Path log = new Path(path(table), "_delta_log");
      return fs().exists(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Dataset<Row> read(String table) {
    if (!exists(table)) {
      throw new IllegalStateException("table " + table + " does not exist in warehouse " + root
          + " (run the stage that writes it first)");
    }
    return spark.read().format("delta").load(path(table));
  }

  /** The table, or an empty frame of its declared schema when nothing was written yet. */
  public Dataset<Row> readOrEmpty(String table, StructType schema) {
    return exists(table) ? read(table) : spark.createDataFrame(List.of(), schema);
  }

  public void append(Dataset<Row> rows, String table) {
    writer(rows, table).save(path(table));
  }

  /**
   * Appends rows whose schema may have gained columns since the table was created (a table whose
   * columns follow the layouts of the years: a new year's field becomes a new column, null in the
   * older rows). A column changing type is still an error.
   */
  public void appendWithNewColumns(Dataset<Row> rows, String table) {
    writer(rows, table).option("mergeSchema", "true").save(path(table));
  }

  /**
   * The columns the warehouse's tables are filtered by (a run, a submission, a year, a region):
   * Delta keeps min/max statistics for these only. Its default, the first 32 columns, made writing
   * the wide ingest tables a third slower for statistics no query uses.
   */
  static final List<String> STATISTICS_COLUMNS = List.of("ingest_id", "file_sha256",
      "submission_id", "release_id", "skjema", "aargang", "kvartal", "region");

  /** An append; a table's first append also sets its statistics columns. */
  private org.apache.spark.sql.DataFrameWriter<Row> writer(Dataset<Row> rows, String table) {
    var writer = rows.write().format("delta").mode(SaveMode.Append);
    if (!exists(table)) {
      String stats = java.util.Arrays.stream(rows.columns())
          .filter(STATISTICS_COLUMNS::contains).collect(java.util.stream.Collectors.joining(","));
      if (!stats.isEmpty()) {
        writer = writer.option("delta.dataSkippingStatsColumns", stats);
      }
    }
    return writer;
  }

  /**
   * Atomically replaces the rows matching {@code predicate} (a SQL condition) with {@code rows};
   * rerunning a stage for the same slice therefore gives the same table.
   */
  public void replace(Dataset<Row> rows, String table, String predicate) {
    if (!exists(table)) {
      append(rows, table);
      return;
    }
    rows.write().format("delta").mode(SaveMode.Overwrite).option("replaceWhere", predicate)
        .save(path(table));
  }

  /** Names of the Delta tables in the warehouse, sorted. */
  public List<String> tableNames() {
    List<String> names = new ArrayList<>();
    try {
      Path rootPath = new Path(root);
      if (!fs().exists(rootPath)) {
        return names;
      }
      for (FileStatus s : fs().listStatus(rootPath)) {
        if (s.isDirectory() && fs().exists(new Path(s.getPath(), "_delta_log"))) {
          names.add(s.getPath().getName());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    names.sort(String::compareTo);
    return names;
  }

  /** Views registered by {@link #registerViews} in this JVM, so a switch of warehouse drops them. */
  private static final java.util.Set<String> REGISTERED =
      java.util.Collections.synchronizedSet(new java.util.TreeSet<>());

  /**
   * Registers every table as a temporary view of its name, so SQL can say {@code FROM regnskap}.
   * Views this method registered for another warehouse earlier in the session are dropped, so a
   * query never reads a table of the wrong warehouse.
   */
  public List<String> registerViews() {
    return registerViews(name -> true);
  }

  /**
   * As {@link #registerViews()}, but only the tables (and level views) the query names: each view
   * reads its table's Delta log, 0.1–0.5 s per table, and most queries name one or two of twenty.
   * A name is matched as a whole word, case-insensitively; naming a table that does not exist is
   * left to Spark's own error.
   */
  public List<String> registerViewsFor(String query) {
    String lower = query.toLowerCase(java.util.Locale.ROOT);
    boolean levels = java.util.regex.Pattern.compile("\\b" + Tables.KEY_FIGURES + "_level[123]\\b")
        .matcher(lower).find();
    return registerViews(name -> (levels && name.equals(Tables.KEY_FIGURES))
        || java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(name) + "\\b")
            .matcher(lower).find());
  }

  private List<String> registerViews(java.util.function.Predicate<String> wanted) {
    List<String> names = tableNames();
    synchronized (REGISTERED) {
      for (String stale : List.copyOf(REGISTERED)) {
        if (!names.contains(stale)) {
          spark.catalog().dropTempView(stale);
          REGISTERED.remove(stale);
        }
      }
      List<String> registered = new ArrayList<>();
      for (String name : names) {
        if (wanted.test(name)) {
          read(name).createOrReplaceTempView(name);
          REGISTERED.add(name);
          registered.add(name);
        } else if (REGISTERED.remove(name)) {
          // not needed now, and possibly of another warehouse with a table of the same name
          spark.catalog().dropTempView(name);
        }
      }
      if (registered.contains(Tables.KEY_FIGURES)) {
        for (int level = 1; level <= 3; level++) {
          String view = Tables.KEY_FIGURES + "_level" + level;
          spark.sql("CREATE OR REPLACE TEMP VIEW " + view + " AS "
              + levelViewSql(level, Tables.KEY_FIGURES));
          REGISTERED.add(view);
        }
      }
      return registered;
    }
  }

  /**
   * The published level (seeds.md §3) of {@code keyFigures} on each year's own borders, rounded
   * half away from zero to the indicator's decimals (Spark's round is HALF_UP on decimals).
   */
  public static String levelViewSql(int level, String keyFigures) {
    return "SELECT year, region, region_name, region_level, indicator, CASE decimals WHEN 0 THEN "
        + "round(value, 0) WHEN 1 THEN round(value, 1) WHEN 2 THEN round(value, 2) ELSE "
        + "round(value, 3) END AS value, unit, status, flags FROM " + keyFigures
        + " WHERE level = " + level + " AND structure_year = year";
  }

  private FileSystem fs() throws IOException {
    return new Path(root).getFileSystem(spark.sparkContext().hadoopConfiguration());
  }
}

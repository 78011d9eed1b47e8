package no.kostra.regnskap.ingest;

import static org.apache.spark.sql.functions.lit;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import no.kostra.ingest.IngestFiles;
import no.kostra.regnskap.RegnskapForms;
import no.kostra.regnskap.validate.RegnskapValidation;
import no.kostra.schemas.SchemaDir;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Stage 1 for accounting: reads every file under a folder, parses it on the executors and writes
 * {@code regnskap}, {@code rejected_lines} and {@code ingested_files}.
 *
 * <p>Idempotent: a file whose content (SHA-256) was ingested before is skipped, so rerunning on the
 * same folder changes nothing. {@code ingested_files} is written last; rows of a run that died before
 * that commit are removed at the start of the next run, so they are neither lost nor counted twice.
 */
public final class RegnskapIngest {

  private final Warehouse warehouse;
  private final SchemaDir schemas;
  private String input;
  private Consumer<String> progress = message -> {};
  private java.util.function.Predicate<String> accepts = file -> true;

  private RegnskapIngest(Warehouse warehouse, SchemaDir schemas) {
    this.warehouse = warehouse;
    this.schemas = schemas;
  }

  public static RegnskapIngest into(Warehouse warehouse, SchemaDir schemas) {
    return new RegnskapIngest(warehouse, schemas);
  }

  public RegnskapIngest from(String inputDir) {
    this.input = inputDir;
    return this;
  }

  /** Counts of one ingest run. linesRead = rowsAccepted + linesRejected always holds. */
  public record Result(String ingestId, int filesFound, int filesIngested, List<String> filesSkipped,
      long linesRead, long rowsAccepted, long linesRejected, long blankLines,
      Map<String, Long> submissionsByStatus, long findings) {

    public boolean reconciles() {
      return linesRead == rowsAccepted + linesRejected;
    }

    public String describe() {
      return String.format("files: %d found, %d ingested, %d skipped (already ingested)%n"
              + "lines read %d = rows accepted %d + lines rejected %d%s (blank lines ignored: %d)",
          filesFound, filesIngested, filesSkipped.size(), linesRead, rowsAccepted, linesRejected,
          reconciles() ? "" : "  ** MISMATCH **", blankLines)
          + String.format("%nsubmissions: %s; findings: %d", submissionsByStatus, findings);
    }
  }

  /** Only the files (paths) this accepts are read; the others belong to another form's stage. */
  public RegnskapIngest only(java.util.function.Predicate<String> accepts) {
    this.accepts = accepts;
    return this;
  }

  /** Where to report the progress of the stage's steps (default: nowhere). */
  public RegnskapIngest progress(Consumer<String> progress) {
    this.progress = progress;
    return this;
  }

  public Result run() {
    if (input == null) {
      throw new IllegalStateException("no input folder given");
    }
    var spark = warehouse.spark();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long t00 = System.nanoTime();
    IngestFiles.removeRowsOfUnfinishedRuns(warehouse);
    List<String> files = IngestFiles.listFiles(input, jsc).stream().filter(accepts).toList();
    progress.accept(String.format("found %d files (%.1f s)", files.size(), seconds(t00)));
    Instant now = Instant.now();
    String ingestId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
        .format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
    if (files.isEmpty()) {
      return new Result(ingestId, 0, 0, List.of(), 0, 0, 0, 0, Map.of(), 0);
    }
    Timestamp ingestedAt = Timestamp.from(now);
    RegnskapLineParser parser =
        new RegnskapLineParser(RegnskapForms.layout(schemas), RegnskapForms.load(schemas));

    // kind 0 = accepted row, 1 = rejected line, 2 = file summary; one pass over the files
    // one task reads several whole files; the executors open them through the Hadoop file system,
    // so local folders, HDFS and object stores work alike
    JavaRDD<Tuple2<Integer, Row>> parsed = jsc.parallelize(files,
            Math.max(1, Math.min(files.size(), 4 * jsc.defaultParallelism())))
        .flatMap(file -> {
          var result = parser.parse(IngestFiles.displayName(file), IngestFiles.readFully(file), ingestId,
              ingestedAt);
          List<Tuple2<Integer, Row>> out = new ArrayList<>(result.accepted().size() + 1);
          result.accepted().forEach(r -> out.add(new Tuple2<>(0, r)));
          result.rejected().forEach(r -> out.add(new Tuple2<>(1, r)));
          out.add(new Tuple2<>(2, result.summary()));
          return out.iterator();
        })
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long t0 = System.nanoTime();
      List<Row> summaries = new ArrayList<>(parsed.filter(t -> t._1() == 2).map(Tuple2::_2).collect());
      progress.accept(String.format("parsed %d files (%.1f s)", summaries.size(), seconds(t0)));
      summaries.sort((a, b) -> a.getString(0).compareTo(b.getString(0)));
      Set<String> known = IngestFiles.knownHashes(warehouse);
      Map<String, Row> keep = new LinkedHashMap<>();
      List<String> skipped = new ArrayList<>();
      Set<String> hashesThisRun = new HashSet<>();
      for (Row s : summaries) {
        String hash = s.getString(1);
        if (known.contains(hash) || !hashesThisRun.add(hash)) {
          skipped.add(s.getString(0));
        } else {
          keep.put(s.getString(0), s);
        }
      }
      Broadcast<Set<String>> keepFiles = jsc.broadcast(new HashSet<>(keep.keySet()));
      Dataset<Row> accepted = spark.createDataFrame(
          parsed.filter(t -> t._1() == 0 && keepFiles.value().contains(t._2().getString(15)))
              .map(Tuple2::_2), Tables.REGNSKAP_SCHEMA);
      Dataset<Row> rejected = spark.createDataFrame(
          parsed.filter(t -> t._1() == 1 && keepFiles.value().contains(t._2().getString(0)))
              .map(Tuple2::_2), Tables.REJECTED_LINES_SCHEMA);
      long linesRead = 0;
      long rows = 0;
      long rejectedLines = 0;
      long blank = 0;
      for (Row s : keep.values()) {
        linesRead += s.<Integer>getAs("lines_read");
        blank += s.<Integer>getAs("blank_lines");
        rows += s.<Integer>getAs("rows_accepted");
        rejectedLines += s.<Integer>getAs("lines_rejected");
      }
      Map<String, Long> byStatus = new java.util.TreeMap<>();
      long findings = 0;
      if (!keep.isEmpty()) {
        long t1 = System.nanoTime();
        warehouse.append(accepted, Tables.REGNSKAP);
        progress.accept(String.format("wrote %d rows to %s (%.1f s)", rows, Tables.REGNSKAP,
            seconds(t1)));
        warehouse.append(rejected, Tables.REJECTED_LINES);
        parsed.unpersist(true); // written: free the memory for the control rules
        Dataset<Row> fileRows = spark.createDataFrame(new ArrayList<>(keep.values()),
            Tables.INGESTED_FILES_SCHEMA);

        // stage 2: the control rules, on what this run wrote (read back: columnar and fast)
        long t2 = System.nanoTime();
        String thisRun = "ingest_id = '" + ingestId + "'";
        Dataset<Row> declared = fileRows.selectExpr("file_sha256 AS submission_id", "source_file",
            "skjema", "aargang", "kvartal", "region", "orgnr", "lines_read",
            "ingested_at AS received_at");
        try (var outcome = RegnskapValidation.load(spark, schemas).validate(declared,
            warehouse.read(Tables.REGNSKAP).where(thisRun),
            warehouse.read(Tables.REJECTED_LINES).where(thisRun))) {
          Dataset<Row> results = outcome.findings().withColumn("ingest_id", lit(ingestId));
          warehouse.append(results.select(columns(Tables.VALIDATION_RESULTS_SCHEMA)),
              Tables.VALIDATION_RESULTS);
          Dataset<Row> submissions = outcome.submissions().withColumn("ingest_id", lit(ingestId))
              .select(columns(Tables.SUBMISSIONS_SCHEMA));
          warehouse.append(submissions, Tables.SUBMISSIONS);
          for (Row r : warehouse.read(Tables.SUBMISSIONS).where(thisRun).groupBy("status").count()
              .collectAsList()) {
            byStatus.put(r.getString(0), r.getLong(1));
          }
          findings = warehouse.read(Tables.VALIDATION_RESULTS).where(thisRun).count();
        }
        progress.accept(String.format("validated %d submissions: %s, %d findings (%.1f s)",
            keep.size(), byStatus, findings, seconds(t2)));
        // last: this commit is what marks the run as complete
        long t3 = System.nanoTime();
        warehouse.append(fileRows, Tables.INGESTED_FILES);
        progress.accept(String.format("committed %s (%.1f s)", Tables.INGESTED_FILES, seconds(t3)));
      }
      return new Result(ingestId, files.size(), keep.size(), List.copyOf(skipped), linesRead, rows,
          rejectedLines, blank, byStatus, findings);
    } finally {
      parsed.unpersist(true);
    }
  }

  private static org.apache.spark.sql.Column[] columns(org.apache.spark.sql.types.StructType schema) {
    return java.util.Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

}

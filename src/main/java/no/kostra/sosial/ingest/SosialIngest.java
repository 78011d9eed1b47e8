package no.kostra.sosial.ingest;

import static org.apache.spark.sql.functions.lit;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import no.kostra.ingest.IngestFiles;
import no.kostra.schemas.SchemaDir;
import no.kostra.sosial.SosialForms;
import no.kostra.sosial.validate.SosialValidation;
import no.kostra.validate.ValidationOutcome;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Stages 1 and 2 for 11F and 11CF: reads every person-level file under a folder (named
 * {@code 11F_<year>_<region>.dat}, see {@link SosialFileName}), parses and pseudonymises it on the
 * executors, writes {@code sosialhjelp} / {@code kvalifisering}, {@code rejected_lines}, runs the
 * control rules ({@code validation_results}, {@code submissions}) and commits
 * {@code ingested_files} last, as the accounting ingest does: idempotent by content hash, and the
 * rows of a run that died before its last commit are removed by the next.
 */
public final class SosialIngest {

  private final Warehouse warehouse;
  private final SchemaDir schemas;
  private final java.util.function.Supplier<Pseudonymizer> pseudonyms;
  private String input;
  private Consumer<String> progress = message -> {};

  private SosialIngest(Warehouse warehouse, SchemaDir schemas,
      java.util.function.Supplier<Pseudonymizer> pseudonyms) {
    this.warehouse = warehouse;
    this.schemas = schemas;
    this.pseudonyms = pseudonyms;
  }

  /** The key is asked for only when there are files to pseudonymise. */
  public static SosialIngest into(Warehouse warehouse, SchemaDir schemas,
      java.util.function.Supplier<Pseudonymizer> pseudonyms) {
    return new SosialIngest(warehouse, schemas, pseudonyms);
  }

  public SosialIngest from(String inputDir) {
    this.input = inputDir;
    return this;
  }

  public SosialIngest progress(Consumer<String> progress) {
    this.progress = progress;
    return this;
  }

  /** Counts of one run. linesRead = rowsAccepted + linesRejected always holds. */
  public record Result(String ingestId, int filesFound, int filesIngested, List<String> filesSkipped,
      long linesRead, long rowsAccepted, long linesRejected, long blankLines,
      Map<String, Long> submissionsByStatus, long findings) {

    public boolean reconciles() {
      return linesRead == rowsAccepted + linesRejected;
    }

    public String describe() {
      return String.format("files: %d found, %d ingested, %d skipped (already ingested)%n"
              + "lines read %d = records accepted %d + lines rejected %d%s (blank lines ignored: %d)"
              + "%nsubmissions: %s; findings: %d",
          filesFound, filesIngested, filesSkipped.size(), linesRead, rowsAccepted, linesRejected,
          reconciles() ? "" : "  ** MISMATCH **", blankLines, submissionsByStatus, findings);
    }
  }

  public Result run() {
    if (input == null) {
      throw new IllegalStateException("no input folder given");
    }
    var spark = warehouse.spark();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long t00 = System.nanoTime();
    IngestFiles.removeRowsOfUnfinishedRuns(warehouse);
    List<String> files = IngestFiles.listFiles(input, jsc).stream()
        .filter(SosialFileName::isSosialFile).toList();
    progress.accept(String.format("found %d 11F/11CF files (%.1f s)", files.size(), seconds(t00)));
    Instant now = Instant.now();
    String ingestId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
        .format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
    if (files.isEmpty()) {
      return new Result(ingestId, 0, 0, List.of(), 0, 0, 0, 0, Map.of(), 0);
    }
    Timestamp ingestedAt = Timestamp.from(now);
    SosialForms forms = SosialForms.load(schemas);
    SosialLineParser parser = new SosialLineParser(forms, pseudonyms.get());

    // kind: 0 = 11F record, 1 = 11CF record, 2 = rejected line, 3 = file summary, 4 = placeholder
    JavaRDD<Tuple2<Integer, Row>> parsed = jsc.parallelize(files,
            Math.max(1, Math.min(files.size(), 4 * jsc.defaultParallelism())))
        .flatMap(file -> {
          SosialFileName name = SosialFileName.of(file);
          var result = parser.parse(IngestFiles.displayName(file), IngestFiles.readFully(file),
              name.skjema(), name.aargang(), name.region(), ingestId, ingestedAt);
          int kind = SosialForms.FORMS.indexOf(name.skjema());
          List<Tuple2<Integer, Row>> out = new ArrayList<>(result.accepted().size() + 2);
          result.accepted().forEach(r -> out.add(new Tuple2<>(kind, r)));
          result.rejected().forEach(r -> out.add(new Tuple2<>(2, r)));
          out.add(new Tuple2<>(3, result.summary()));
          out.add(new Tuple2<>(4, RowFactory.create(result.summary().getString(0),
              result.placeholder())));
          return out.iterator();
        })
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long t0 = System.nanoTime();
      List<Row> summaries = new ArrayList<>(parsed.filter(t -> t._1() == 3).map(Tuple2::_2).collect());
      progress.accept(String.format("parsed and pseudonymised %d files (%.1f s)", summaries.size(),
          seconds(t0)));
      summaries.sort((a, b) -> a.getString(0).compareTo(b.getString(0)));
      Set<String> known = IngestFiles.knownHashes(warehouse);
      Map<String, Row> keep = new LinkedHashMap<>();
      List<String> skipped = new ArrayList<>();
      Set<String> hashesThisRun = new HashSet<>();
      long linesRead = 0;
      long rows = 0;
      long rejectedLines = 0;
      long blank = 0;
      for (Row s : summaries) {
        String hash = s.getString(1);
        if (known.contains(hash) || !hashesThisRun.add(hash)) {
          skipped.add(s.getString(0));
          continue;
        }
        keep.put(s.getString(0), s);
        linesRead += s.<Integer>getAs("lines_read");
        blank += s.<Integer>getAs("blank_lines");
        rows += s.<Integer>getAs("rows_accepted");
        rejectedLines += s.<Integer>getAs("lines_rejected");
      }
      Map<String, Long> byStatus = new TreeMap<>();
      long findings = 0;
      if (!keep.isEmpty()) {
        Broadcast<Set<String>> keepFiles = jsc.broadcast(new HashSet<>(keep.keySet()));
        long t1 = System.nanoTime();
        Map<String, Dataset<Row>> written = new LinkedHashMap<>();
        for (String form : SosialForms.FORMS) {
          int kind = SosialForms.FORMS.indexOf(form);
          StructType schema = forms.tableSchema(form);
          int sourceFile = schema.fieldIndex("source_file");
          Dataset<Row> records = spark.createDataFrame(parsed
              .filter(t -> t._1() == kind && keepFiles.value().contains(t._2().getString(sourceFile)))
              .map(Tuple2::_2), schema);
          long tw = System.nanoTime();
          warehouse.append(records, forms.table(form));
          progress.accept(String.format("  %s written (%.1f s)", forms.table(form), seconds(tw)));
          written.put(form, warehouse.read(forms.table(form))
              .where("ingest_id = '" + ingestId + "'"));
        }
        warehouse.append(spark.createDataFrame(parsed
            .filter(t -> t._1() == 2 && keepFiles.value().contains(t._2().getString(0)))
            .map(Tuple2::_2), Tables.REJECTED_LINES_SCHEMA), Tables.REJECTED_LINES);
        progress.accept(String.format("wrote %d records to %s (%.1f s)", rows,
            String.join(", ", SosialForms.FORMS.stream().map(forms::table).toList()), seconds(t1)));
        Map<String, Boolean> placeholders = new TreeMap<>();
        parsed.filter(t -> t._1() == 4).map(Tuple2::_2).collect()
            .forEach(r -> placeholders.put(r.getString(0), r.getBoolean(1)));
        List<Row> declared = new ArrayList<>();
        for (Row s : keep.values()) {
          declared.add(RowFactory.create(s.getString(1), s.getString(0), s.getAs("skjema"),
              s.getAs("aargang"), s.getAs("region"), s.getAs("lines_read"), s.getAs("ingested_at"),
              null, placeholders.get(s.getString(0))));
        }
        parsed.unpersist(true);

        long t2 = System.nanoTime();
        String thisRun = "ingest_id = '" + ingestId + "'";
        try (ValidationOutcome outcome = SosialValidation.load(spark, schemas).validate(
            spark.createDataFrame(declared, SosialValidation.DECLARED_SCHEMA), written,
            warehouse.read(Tables.REJECTED_LINES).where(thisRun))) {
          progress.accept(String.format("  rules run (%.1f s)", seconds(t2)));
          warehouse.append(outcome.findings().withColumn("ingest_id", lit(ingestId))
              .select(columns(Tables.VALIDATION_RESULTS_SCHEMA)), Tables.VALIDATION_RESULTS);
          warehouse.append(outcome.submissions().withColumn("ingest_id", lit(ingestId))
              .select(columns(Tables.SUBMISSIONS_SCHEMA)), Tables.SUBMISSIONS);
          progress.accept(String.format("  findings and submissions written (%.1f s)", seconds(t2)));
          for (Row r : warehouse.read(Tables.SUBMISSIONS).where(thisRun).groupBy("status").count()
              .collectAsList()) {
            byStatus.put(r.getString(0), r.getLong(1));
          }
          findings = warehouse.read(Tables.VALIDATION_RESULTS).where(thisRun).count();
        }
        progress.accept(String.format("validated %d submissions: %s, %d findings (%.1f s)",
            keep.size(), byStatus, findings, seconds(t2)));
        // last: this commit is what marks the run as complete
        warehouse.append(spark.createDataFrame(new ArrayList<>(keep.values()),
            Tables.INGESTED_FILES_SCHEMA), Tables.INGESTED_FILES);
      }
      return new Result(ingestId, files.size(), keep.size(), List.copyOf(skipped), linesRead, rows,
          rejectedLines, blank, byStatus, findings);
    } finally {
      parsed.unpersist(true);
    }
  }

  private static Column[] columns(StructType schema) {
    return Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}

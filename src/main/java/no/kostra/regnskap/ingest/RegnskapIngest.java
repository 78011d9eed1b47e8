package no.kostra.regnskap.ingest;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import no.kostra.ingest.IngestFiles;
import no.kostra.ingest.IngestRun;
import no.kostra.ingest.ParsedFiles;
import no.kostra.regnskap.RegnskapForms;
import no.kostra.regnskap.validate.RegnskapValidation;
import no.kostra.schemas.SchemaDir;
import no.kostra.spark.SideBySide;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
  private Map<String, String> rejectWhole = Map.of();

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

  /** Only the files (paths) this accepts are read; the others belong to another form's stage. */
  public RegnskapIngest only(java.util.function.Predicate<String> accepts) {
    this.accepts = accepts;
    return this;
  }

  /**
   * Files (by the name reports show) that no form recognised: each is recorded with every line
   * rejected for the reason given and nothing of its content kept (RegnskapLineParser#rejectWhole).
   */
  public RegnskapIngest rejectWhole(Map<String, String> reasons) {
    this.rejectWhole = new java.util.HashMap<>(reasons);
    return this;
  }

  /** Where to report the progress of the stage's steps (default: nowhere). */
  public RegnskapIngest progress(Consumer<String> progress) {
    this.progress = progress;
    return this;
  }

  public IngestRun.Result run() {
    var spark = warehouse.spark();
    long t00 = System.nanoTime();
    List<String> files = IngestFiles.filesToIngest(warehouse, input, accepts);
    progress.accept(String.format("found %d files (%.1f s)", files.size(), seconds(t00)));
    IngestRun run = IngestRun.start();
    if (files.isEmpty()) {
      return IngestRun.Result.none(run);
    }
    String ingestId = run.id();
    Timestamp ingestedAt = run.at();
    RegnskapLineParser parser =
        new RegnskapLineParser(RegnskapForms.layout(schemas), RegnskapForms.load(schemas));
    Set<String> known = IngestFiles.knownHashes(warehouse);
    Map<String, String> unrecognised = rejectWhole;
    try (ParsedFiles parsed = ParsedFiles.parse(spark, files,
        RegnskapLineParser::submissionHash, known, (file, bytes) -> {
      String reason = unrecognised.get(file);
      var result = reason != null ? parser.rejectWhole(file, bytes, reason, ingestId, ingestedAt)
          : parser.parse(file, bytes, ingestId, ingestedAt);
      return new ParsedFiles.ParsedFile(Map.of(Tables.REGNSKAP, result.accepted()),
          result.rejected(), result.summary(), List.of());
    })) {
      long t0 = System.nanoTime();
      List<Row> summaries = parsed.summaries();
      progress.accept(String.format("parsed %d files (%.1f s)", summaries.size(), seconds(t0)));
      IngestRun.Selection selection = IngestRun.Selection.of(summaries, known, parsed.known());
      Map<String, Row> keep = selection.keep();
      IngestRun.Recorded recorded = IngestRun.Recorded.NOTHING;
      if (!keep.isEmpty()) {
        parsed.keep(keep.keySet());
        long t1 = System.nanoTime();
        warehouse.append(parsed.rows(spark, Tables.REGNSKAP, Tables.REGNSKAP_SCHEMA),
            Tables.REGNSKAP);
        progress.accept(String.format("wrote %d rows to %s (%.1f s)", selection.rowsAccepted(),
            Tables.REGNSKAP, seconds(t1)));
        // the rejected lines (few) stay in memory for the control rules and are written beside them
        Dataset<Row> rejected = parsed.rejected(spark).localCheckpoint();
        parsed.close(); // written: free the memory for the control rules
        Dataset<Row> fileRows = spark.createDataFrame(new ArrayList<>(keep.values()),
            Tables.INGESTED_FILES_SCHEMA);

        // stage 2: the control rules, on what this run wrote (read back: columnar and fast)
        long t2 = System.nanoTime();
        Dataset<Row> declared = fileRows.selectExpr("file_sha256 AS submission_id", "source_file",
            "skjema", "aargang", "kvartal", "region", "orgnr", "lines_read",
            "ingested_at AS received_at");
        try (SideBySide writes = SideBySide.start("kostra-rejected-lines",
                () -> warehouse.append(rejected, Tables.REJECTED_LINES));
            var outcome = RegnskapValidation.load(spark, schemas).validate(declared,
                warehouse.read(Tables.REGNSKAP).where(run.rows()), rejected)) {
          writes.await(); // the run's rows are committed before its outcome
          recorded = run.recordAndCommit(warehouse, outcome, keep.values());
        } finally {
          rejected.unpersist(false);
        }
        progress.accept(String.format("validated %d submissions: %s, %d findings (%.1f s)",
            keep.size(), recorded.submissionsByStatus(), recorded.findings(), seconds(t2)));
      }
      return IngestRun.Result.of(run, files.size(), selection, recorded);
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

}

package no.kostra.csvforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import no.kostra.ingest.FileRecogniser.Declared;
import no.kostra.ingest.IngestFiles;
import no.kostra.ingest.IngestRun;
import no.kostra.ingest.ParsedFiles;
import no.kostra.ingest.SubmittedFiles;
import no.kostra.schemas.SchemaDir;
import no.kostra.validate.ValidationOutcome;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stages 1 and 2 for skjema 7 and 12: reads every {@code skjema7_<year>_<region>.csv} and
 * {@code skjema12_...} under a folder, writes {@code staffing} / {@code benefit_rates} and
 * {@code rejected_lines}, runs the control rules and commits {@code ingested_files} last, with the
 * same idempotence and crash recovery as the other forms ({@link IngestFiles}, {@link IngestRun}).
 */
public final class CsvFormIngest {

  private final Warehouse warehouse;
  private final SchemaDir schemas;
  private String input;
  private Consumer<String> progress = message -> {};
  private java.util.HashMap<String, Declared> declared;

  private CsvFormIngest(Warehouse warehouse, SchemaDir schemas) {
    this.warehouse = warehouse;
    this.schemas = schemas;
  }

  public static CsvFormIngest into(Warehouse warehouse, SchemaDir schemas) {
    return new CsvFormIngest(warehouse, schemas);
  }

  public CsvFormIngest from(String inputDir) {
    this.input = inputDir;
    return this;
  }

  /**
   * Exactly these files (by the name reports show), as what they were recognised as
   * ({@link no.kostra.ingest.SubmittedFiles}); without it, the files whose name is one of the
   * forms' ({@link CsvFormFileName}).
   */
  public CsvFormIngest files(Map<String, Declared> declared) {
    this.declared = new java.util.HashMap<>(declared);
    return this;
  }

  public CsvFormIngest progress(Consumer<String> progress) {
    this.progress = progress;
    return this;
  }

  /** What a file was recognised as, or else what its name declares. */
  private static Declared declaration(Map<String, Declared> recognised, String file) {
    if (recognised != null) {
      return recognised.get(file);
    }
    CsvFormFileName name = CsvFormFileName.of(file);
    return new Declared(CsvFormRecogniser.STAGE, name.skjema(), name.aargang(), name.region());
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  public static String table(String form) {
    return form.equals("7") ? CsvForms.STAFFING : CsvForms.BENEFIT_RATES;
  }

  public IngestRun.Result run() {
    var spark = warehouse.spark();
    long t0 = System.nanoTime();
    java.util.HashMap<String, Declared> recognised = declared;
    List<String> files = IngestFiles.filesToIngest(warehouse, input,
        recognised != null ? SubmittedFiles.named(recognised) : CsvFormFileName::isCsvFormFile);
    progress.accept(String.format("found %d skjema 7/12 files (%.1f s)", files.size(), seconds(t0)));
    IngestRun run = IngestRun.start();
    if (files.isEmpty()) {
      return IngestRun.Result.none(run);
    }
    CsvForms forms = CsvForms.load(schemas);
    CsvFormParser parser = new CsvFormParser(forms);
    String ingestId = run.id();
    var ingestedAt = run.at();
    Set<String> known = IngestFiles.knownHashes(warehouse);
    ParsedFiles.Hasher hasher = (file, bytes) -> {
      Declared name = declaration(recognised, file);
      return CsvFormParser.submissionHash(name.form(), name.year(), name.region(), bytes);
    };
    try (ParsedFiles parsed = ParsedFiles.parse(spark, files, hasher, known, (file, bytes) -> {
      Declared name = declaration(recognised, file);
      var result = parser.parse(file, bytes, name.form(), name.year(), name.region(),
          ingestId, ingestedAt);
      return new ParsedFiles.ParsedFile(Map.of(table(name.form()), result.accepted()),
          result.rejected(), result.summary(), List.of());
    })) {
      List<Row> summaries = parsed.summaries();
      IngestRun.Selection selection = IngestRun.Selection.of(summaries, known, parsed.known());
      Map<String, Row> keep = selection.keep();
      IngestRun.Recorded recorded = IngestRun.Recorded.NOTHING;
      if (!keep.isEmpty()) {
        parsed.keep(keep.keySet());
        Dataset<Row> rows = null;
        for (String form : CsvForms.FORMS) {
          Dataset<Row> formRows = parsed.rows(spark, table(form), CsvForms.TABLE_SCHEMA);
          warehouse.append(formRows, table(form));
          Dataset<Row> written = warehouse.read(table(form)).where(run.rows());
          rows = rows == null ? written : rows.unionByName(written);
        }
        warehouse.append(parsed.rejected(spark), Tables.REJECTED_LINES);
        progress.accept(String.format("wrote %d rows to %s (%.1f s)", selection.rowsAccepted(),
            String.join(", ", CsvForms.FORMS.stream().map(CsvFormIngest::table).toList()),
            seconds(t0)));
        Dataset<Row> declared = spark.createDataFrame(new ArrayList<>(keep.values()),
            Tables.INGESTED_FILES_SCHEMA).selectExpr("file_sha256 AS submission_id",
            "source_file", "skjema", "aargang", "region", "lines_read", "ingested_at AS received_at");
        parsed.close();
        try (ValidationOutcome outcome = CsvFormValidation.load(spark, schemas).validate(declared,
            rows, warehouse.read(Tables.REJECTED_LINES).where(run.rows()), warehouse)) {
          recorded = run.recordAndCommit(warehouse, outcome, keep.values());
        }
        progress.accept(String.format("validated %d submissions: %s, %d findings (%.1f s)",
            keep.size(), recorded.submissionsByStatus(), recorded.findings(), seconds(t0)));
      }
      return IngestRun.Result.of(run, files.size(), selection, recorded);
    }
  }
}

package no.kostra.sosial.ingest;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import no.kostra.ingest.IngestFiles;
import no.kostra.ingest.IngestRun;
import no.kostra.ingest.FileRecogniser.Declared;
import no.kostra.ingest.ParsedFiles;
import no.kostra.ingest.SubmittedFiles;
import no.kostra.schemas.SchemaDir;
import no.kostra.spark.SideBySide;
import no.kostra.sosial.SosialForms;
import no.kostra.sosial.validate.SosialValidation;
import no.kostra.validate.ValidationOutcome;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

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
  private HashMap<String, Declared> declared;

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

  /**
   * Exactly these files (by the name reports show), as what they were recognised as
   * ({@link no.kostra.ingest.SubmittedFiles}); without it, the files whose name is one of the
   * forms' ({@link SosialFileName}).
   */
  public SosialIngest files(Map<String, Declared> declared) {
    this.declared = new HashMap<>(declared);
    return this;
  }

  public SosialIngest progress(Consumer<String> progress) {
    this.progress = progress;
    return this;
  }

  public IngestRun.Result run() {
    var spark = warehouse.spark();
    long t00 = System.nanoTime();
    HashMap<String, Declared> recognised = declared;
    List<String> files = IngestFiles.filesToIngest(warehouse, input,
        recognised != null ? SubmittedFiles.named(recognised) : SosialFileName::isSosialFile);
    progress.accept(String.format("found %d 11F/11CF files (%.1f s)", files.size(), seconds(t00)));
    IngestRun run = IngestRun.start();
    if (files.isEmpty()) {
      return IngestRun.Result.none(run);
    }
    String ingestId = run.id();
    Timestamp ingestedAt = run.at();
    SosialForms forms = SosialForms.load(schemas);
    SosialLineParser parser =
        new SosialLineParser(forms, pseudonyms.get().notInside(warehouse.root()));

    Set<String> known = IngestFiles.knownHashes(warehouse);
    ParsedFiles.Hasher hasher = (file, bytes) -> {
      Declared name = declaration(recognised, file);
      return SosialLineParser.submissionHash(name.form(), name.year(), name.region(), bytes);
    };
    try (ParsedFiles parsed = ParsedFiles.parse(spark, files, hasher, known, (file, bytes) -> {
      Declared name = declaration(recognised, file);
      var result = parser.parse(file, bytes, name.form(), name.year(), name.region(),
          ingestId, ingestedAt);
      // extra: whether the file is the one-character "nothing to report"
      return new ParsedFiles.ParsedFile(Map.of(forms.table(name.form()), result.accepted()),
          result.rejected(), result.summary(),
          List.of(RowFactory.create(result.summary().getString(0), result.placeholder())));
    })) {
      long t0 = System.nanoTime();
      List<Row> summaries = parsed.summaries();
      progress.accept(String.format("parsed and pseudonymised %d files (%.1f s)", summaries.size(),
          seconds(t0)));
      IngestRun.Selection selection = IngestRun.Selection.of(summaries, known, parsed.known());
      Map<String, Row> keep = selection.keep();
      IngestRun.Recorded recorded = IngestRun.Recorded.NOTHING;
      if (!keep.isEmpty()) {
        parsed.keep(keep.keySet());
        long t1 = System.nanoTime();
        // the parsed rows become Spark rows once (checkpointed): the tables are written from them
        // and the control rules run on them, side by side, instead of reading the tables back
        Map<String, Dataset<Row>> records = new LinkedHashMap<>();
        List<Dataset<Row>> held = new ArrayList<>();
        for (String form : SosialForms.FORMS) {
          Dataset<Row> rows = parsed.rows(spark, forms.table(form), forms.tableSchema(form))
              .localCheckpoint();
          records.put(form, rows);
          held.add(rows);
        }
        Dataset<Row> rejected = parsed.rejected(spark).localCheckpoint();
        held.add(rejected);
        Map<String, Boolean> placeholders = new TreeMap<>();
        parsed.extras().forEach(r -> placeholders.put(r.getString(0), r.getBoolean(1)));
        parsed.close();
        List<Row> declared = new ArrayList<>();
        for (Row s : keep.values()) {
          declared.add(RowFactory.create(s.getString(1), s.getString(0), s.getAs("skjema"),
              s.getAs("aargang"), s.getAs("region"), s.getAs("lines_read"), s.getAs("ingested_at"),
              null, placeholders.get(s.getString(0))));
        }
        // when the writes ended: reported from this thread (progress consumers need not be
        // thread-safe)
        long[] written = new long[1];
        try (SideBySide writes = SideBySide.start("kostra-sosial-writes", () -> {
          for (String form : SosialForms.FORMS) {
            warehouse.appendWithNewColumns(records.get(form), forms.table(form));
          }
          warehouse.append(rejected, Tables.REJECTED_LINES);
          written[0] = System.nanoTime();
        })) {
          long t2 = System.nanoTime();
          try (ValidationOutcome outcome = SosialValidation.load(spark, schemas).validate(
              spark.createDataFrame(declared, SosialValidation.DECLARED_SCHEMA), records,
              rejected)) {
            // the run's rows are committed before its outcome, and ingested_files last
            writes.await();
            progress.accept(String.format("wrote %d records to %s (%.1f s)",
                selection.rowsAccepted(),
                String.join(", ", SosialForms.FORMS.stream().map(forms::table).toList()),
                (written[0] - t1) / 1e9));
            recorded = run.recordAndCommit(warehouse, outcome, keep.values());
          }
          progress.accept(String.format("validated %d submissions: %s, %d findings (%.1f s)",
              keep.size(), recorded.submissionsByStatus(), recorded.findings(), seconds(t2)));
        } finally {
          held.forEach(d -> d.unpersist(false));
        }
      }
      return IngestRun.Result.of(run, files.size(), selection, recorded);
    }
  }

  /** What a file was recognised as, or else what its name declares. */
  private static Declared declaration(Map<String, Declared> recognised, String file) {
    if (recognised != null) {
      return recognised.get(file);
    }
    SosialFileName name = SosialFileName.of(file);
    return new Declared(SosialRecogniser.STAGE, name.skjema(), name.aargang(), name.region());
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}

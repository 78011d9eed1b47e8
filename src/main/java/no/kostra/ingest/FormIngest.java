package no.kostra.ingest;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import no.kostra.ingest.FileRecogniser.Declared;
import no.kostra.spark.SideBySide;
import no.kostra.validate.ValidationOutcome;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Stages 1 and 2 of one form, the same nine steps whatever the form: find its files, start a run,
 * parse them on the executors (hash, parse, summary per file), keep the files whose content no
 * earlier run ingested, turn the parsed rows into Spark rows once, write them and the rejected
 * lines, run the control rules, record the outcome, commit {@code ingested_files} last (a run that
 * dies before that commit leaves rows the next run removes), and report progress. A form supplies
 * only what differs ({@link #parser}, {@link #tables}, {@link #declared}, {@link #validate}), in the
 * style of Iceberg's {@code BaseSparkAction}: the fluent setters are here, once.
 *
 * @param <T> the form's own ingest class, so that the fluent setters return it
 */
public abstract class FormIngest<T extends FormIngest<T>> {

  /** A table the form writes and the schema of its rows. */
  public record Output(String table, StructType schema) {}

  protected final Warehouse warehouse;
  private String input;
  private Consumer<String> progress = message -> {};
  private Predicate<String> accepts;
  private Map<String, Declared> declared;
  private Map<String, String> rejectWhole = Map.of();
  private boolean recovered;

  protected FormIngest(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }

  public T from(String inputDir) {
    this.input = inputDir;
    return self();
  }

  /**
   * Exactly these files (by the name reports show), as what they were recognised as
   * ({@link SubmittedFiles}); without it (or {@link #only}), the files whose name is one of the
   * form's ({@link #byName}).
   */
  public T files(Map<String, Declared> recognised) {
    this.declared = new HashMap<>(recognised);
    return self();
  }

  /** Only the files (paths) this accepts are read, each as its name declares it. */
  public T only(Predicate<String> accepted) {
    this.accepts = accepted;
    return self();
  }

  /**
   * Files (by the name reports show) that no form recognised: each is recorded by this form with
   * every line rejected for the reason given and nothing of its content kept.
   */
  public T rejectWhole(Map<String, String> reasons) {
    this.rejectWhole = new HashMap<>(reasons);
    return self();
  }

  /**
   * The caller has removed the rows of unfinished runs already (once for all forms), so this
   * stage does not read every table again to look for them.
   */
  public T afterRecovery() {
    this.recovered = true;
    return self();
  }

  /** Where to report the progress of the stage's steps (default: nowhere). */
  public T progress(Consumer<String> messages) {
    this.progress = messages;
    return self();
  }

  // --- what a form supplies ---------------------------------------------------------------

  /** What reports call this form's files: "accounting", "11F/11CF", "skjema 7/12". */
  protected abstract String label();

  /** What a file's name declares when no recogniser was asked (null: not one of this form's). */
  protected abstract Declared byName(String file);

  /** The tables this form writes, in the order they are written. */
  protected abstract List<Output> tables();

  /** Hashes and parses one file (on an executor) as what it was declared. */
  protected interface FileParser extends java.io.Serializable {
    String hash(String file, Declared declared, byte[] bytes);

    ParsedFiles.ParsedFile parse(String file, Declared declared, byte[] bytes, String reason);
  }

  /** The form's parser for this run (its layouts and code lists loaded once, on the driver). */
  protected abstract FileParser parser(String ingestId, Timestamp ingestedAt);

  /**
   * The submissions as declared, for the control rules: from the new files' summaries
   * ({@link Tables#INGESTED_FILES_SCHEMA}) and the parser's extras.
   */
  protected abstract Dataset<Row> declared(SparkSession spark, Collection<Row> files,
      List<Row> extras);

  /**
   * The control rules over the run's rows (table -> rows) and rejected lines. The rows are the
   * written tables read back ({@link #validatesWrittenRows}) or the parsed rows held in memory.
   */
  protected abstract ValidationOutcome validate(Dataset<Row> declared,
      Map<String, Dataset<Row>> rows, Dataset<Row> rejected);

  /**
   * Whether the control rules read the run's rows back from the tables once they are written
   * (columnar: fastest for the wide accounting rule set) rather than running beside the writes on
   * the rows held in memory (the person-level forms: few rows, many small rules).
   */
  protected boolean validatesWrittenRows() {
    return true;
  }

  // --- the skeleton -----------------------------------------------------------------------

  public final IngestRun.Result run() {
    SparkSession spark = warehouse.spark();
    long t00 = System.nanoTime();
    Map<String, Declared> recognised = declared;
    Map<String, String> unrecognised = rejectWhole;
    Predicate<String> take = recognised != null
        ? SubmittedFiles.named(recognised).or(SubmittedFiles.named(unrecognised))
        : accepts != null ? accepts : file -> byName(file) != null;
    List<String> files = recovered
        ? IngestFiles.listFiles(input, warehouse.spark()).stream().filter(take).toList()
        : IngestFiles.filesToIngest(warehouse, input, take);
    progress.accept(String.format("found %d %s files (%.1f s)", files.size(), label(),
        seconds(t00)));
    IngestRun run = IngestRun.start();
    if (files.isEmpty()) {
      return IngestRun.Result.none(run);
    }
    FileParser parser = parser(run.id(), run.at());
    // what each file is, by the name reports show (what the executors' parsers are given)
    HashMap<String, Declared> names = new HashMap<>();
    HashMap<String, String> reasons = new HashMap<>();
    for (String file : files) {
      String shown = IngestFiles.displayName(file);
      Declared d = recognised != null ? recognised.get(shown) : null;
      if (unrecognised.containsKey(shown)) {
        reasons.put(shown, unrecognised.get(shown));
      } else {
        names.put(shown, d != null ? d : byName(shown));
      }
    }
    Set<String> known = IngestFiles.knownHashes(warehouse);
    try (ParsedFiles parsed = ParsedFiles.parse(spark, files,
        (file, bytes) -> parser.hash(file, names.get(file), bytes), known,
        (file, bytes) -> parser.parse(file, names.get(file), bytes, reasons.get(file)))) {
      long t0 = System.nanoTime();
      List<Row> summaries = parsed.summaries();
      progress.accept(String.format("parsed %d files (%.1f s)", summaries.size(), seconds(t0)));
      IngestRun.Selection selection = IngestRun.Selection.of(summaries, known, parsed.known());
      Map<String, Row> keep = selection.keep();
      IngestRun.Recorded recorded = IngestRun.Recorded.NOTHING;
      if (!keep.isEmpty()) {
        parsed.keep(keep.keySet());
        recorded = writeAndValidate(spark, run, parsed, keep, selection.rowsAccepted());
      }
      return IngestRun.Result.of(run, files.size(), selection, recorded);
    }
  }

  /**
   * The kept files' rows written, validated and recorded. Forms whose rules read the written rows
   * back write straight from the parsed rows (no copy of millions of accounting rows in memory);
   * the others turn them into Spark rows once (checkpointed), written and checked side by side.
   */
  private IngestRun.Recorded writeAndValidate(SparkSession spark, IngestRun run,
      ParsedFiles parsed, Map<String, Row> keep, long rowsAccepted) {
    long t1 = System.nanoTime();
    UnfinishedRuns.begin(warehouse, run.id()); // before the first write
    String tableNames = String.join(", ", tables().stream().map(Output::table).toList());
    List<Dataset<Row>> held = new ArrayList<>();
    IngestRun.Recorded recorded;
    long t2;
    try {
      if (validatesWrittenRows()) {
        Map<String, Dataset<Row>> readBack = new LinkedHashMap<>();
        for (Output out : tables()) {
          warehouse.appendWithNewColumns(parsed.rows(spark, out.table(), out.schema()),
              out.table());
          readBack.put(out.table(), warehouse.read(out.table()).where(run.rows()));
        }
        progress.accept(String.format("wrote %d rows to %s (%.1f s)", rowsAccepted, tableNames,
            seconds(t1)));
        // the rejected lines (few) stay in memory for the control rules and are written beside them
        Dataset<Row> rejected = parsed.rejected(spark).localCheckpoint();
        held.add(rejected);
        List<Row> extras = parsed.extras();
        parsed.close(); // written: free the memory for the control rules
        t2 = System.nanoTime();
        try (SideBySide writes = SideBySide.start("kostra-rejected-lines",
                () -> warehouse.append(rejected, Tables.REJECTED_LINES));
            ValidationOutcome outcome = validate(declared(spark, keep.values(), extras), readBack,
                rejected)) {
          writes.await(); // the run's rows are committed before its outcome
          recorded = run.recordAndCommit(warehouse, outcome, keep.values());
        }
      } else {
        Map<String, Dataset<Row>> records = new LinkedHashMap<>();
        for (Output out : tables()) {
          Dataset<Row> rows = parsed.rows(spark, out.table(), out.schema()).localCheckpoint();
          records.put(out.table(), rows);
          held.add(rows);
        }
        Dataset<Row> rejected = parsed.rejected(spark).localCheckpoint();
        held.add(rejected);
        List<Row> extras = parsed.extras();
        parsed.close(); // turned into Spark rows: free the memory for the control rules
        Dataset<Row> declaredRows = declared(spark, keep.values(), extras);
        long[] written = new long[1];
        try (SideBySide writes = SideBySide.start("kostra-" + label().replace('/', '-')
            .replace(' ', '-') + "-writes", () -> {
              records.forEach((table, rows) -> warehouse.appendWithNewColumns(rows, table));
              warehouse.append(rejected, Tables.REJECTED_LINES);
              written[0] = System.nanoTime();
            })) {
          t2 = System.nanoTime();
          try (ValidationOutcome outcome = validate(declaredRows, records, rejected)) {
            writes.await(); // the run's rows are committed before its outcome
            // reported from this thread: progress consumers need not be thread-safe
            progress.accept(String.format("wrote %d rows to %s (%.1f s)", rowsAccepted,
                tableNames, (written[0] - t1) / 1e9));
            recorded = run.recordAndCommit(warehouse, outcome, keep.values());
          }
        }
      }
    } finally {
      held.forEach(d -> d.unpersist(false));
    }
    progress.accept(String.format("validated %d submissions: %s, %d findings (%.1f s)",
        keep.size(), recorded.submissionsByStatus(), recorded.findings(), seconds(t2)));
    return recorded;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}

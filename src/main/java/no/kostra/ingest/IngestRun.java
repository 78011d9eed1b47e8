package no.kostra.ingest;

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
import no.kostra.spark.SideBySide;
import no.kostra.validate.ValidationOutcome;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The bookkeeping every ingest run shares, whatever the form: its id and time, which parsed files
 * are new, the counts that must reconcile, and writing the validation outcome.
 */
public final class IngestRun {

  private final String id;
  private final Timestamp at;

  private IngestRun(Instant now) {
    this.id = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
        .format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.at = Timestamp.from(now);
  }

  public static IngestRun start() {
    return new IngestRun(Instant.now());
  }

  public String id() {
    return id;
  }

  public Timestamp at() {
    return at;
  }

  /** SQL selecting this run's rows of a table. */
  public String rows() {
    return no.kostra.warehouse.Sql.equalTo("ingest_id", id);
  }

  /**
   * The files of a run to ingest: per parsed file's summary (Tables.INGESTED_FILES_SCHEMA), those
   * whose hash no earlier run and no earlier file of this run had; the others are skipped.
   */
  public record Selection(Map<String, Row> keep, List<String> skipped, long linesRead,
      long rowsAccepted, long linesRejected, long blankLines) {

    /** {@code knownUnparsed}: files skipped before parsing, their hash being known already. */
    public static Selection of(List<Row> summaries, Set<String> known,
        List<String> knownUnparsed) {
      List<Row> sorted = new ArrayList<>(summaries);
      sorted.sort((a, b) -> a.getString(0).compareTo(b.getString(0)));
      Map<String, Row> keep = new LinkedHashMap<>();
      List<String> skipped = new ArrayList<>(knownUnparsed);
      Set<String> thisRun = new HashSet<>();
      long read = 0;
      long rows = 0;
      long rejected = 0;
      long blank = 0;
      for (Row s : sorted) {
        String hash = s.getString(1);
        if (known.contains(hash) || !thisRun.add(hash)) {
          skipped.add(s.getString(0));
          continue;
        }
        keep.put(s.getString(0), s);
        read += s.<Integer>getAs("lines_read");
        blank += s.<Integer>getAs("blank_lines");
        rows += s.<Integer>getAs("rows_accepted");
        rejected += s.<Integer>getAs("lines_rejected");
      }
      return new Selection(keep, skipped.stream().sorted().toList(), read, rows, rejected, blank);
    }
  }

  /** What the control rules gave this run, once written. */
  public record Recorded(Map<String, Long> submissionsByStatus, long findings) {
    public static final Recorded NOTHING = new Recorded(Map.of(), 0);
  }

  /**
   * Records the control rules' outcome ({@link #record}), then commits the run's new files to
   * {@code ingested_files}: that last commit is what marks the run as complete (a run that dies
   * before it is cleaned up by the next, {@link UnfinishedRuns}), and the run's marker is removed.
   */
  public Recorded recordAndCommit(Warehouse warehouse, ValidationOutcome outcome,
      java.util.Collection<Row> files) {
    Recorded recorded = record(warehouse, outcome);
    warehouse.append(warehouse.spark().createDataFrame(new ArrayList<>(files),
        Tables.INGESTED_FILES_SCHEMA), Tables.INGESTED_FILES);
    UnfinishedRuns.finish(warehouse, id);
    return recorded;
  }

  /**
   * Appends the findings and the submissions' outcomes under this run's id and counts them. The
   * counts come from the outcome itself (checkpointed: the rows just written), not from reading
   * the tables back.
   */
  public Recorded record(Warehouse warehouse, ValidationOutcome outcome) {
    // two tables, two independent commits: side by side (ingested_files, which completes the
    // run, is committed only after both)
    try (SideBySide findings = SideBySide.start("kostra-findings", () -> warehouse.append(
        outcome.findings().withColumn("ingest_id", lit(id))
            .select(columns(Tables.VALIDATION_RESULTS_SCHEMA)), Tables.VALIDATION_RESULTS))) {
      warehouse.append(outcome.submissions().withColumn("ingest_id", lit(id))
          .select(columns(Tables.SUBMISSIONS_SCHEMA)), Tables.SUBMISSIONS);
      Map<String, Long> byStatus = new TreeMap<>();
      for (Row r : outcome.submissions().groupBy("status").count().collectAsList()) {
        byStatus.put(r.getString(0), r.getLong(1));
      }
      long count = outcome.findings().count();
      findings.await();
      return new Recorded(byStatus, count);
    }
  }

  /** Counts of one ingest run. linesRead = rowsAccepted + linesRejected always holds. */
  public record Result(String ingestId, int filesFound, int filesIngested, List<String> filesSkipped,
      long linesRead, long rowsAccepted, long linesRejected, long blankLines,
      Map<String, Long> submissionsByStatus, long findings) {

    public static Result of(IngestRun run, int filesFound, Selection selection, Recorded recorded) {
      return new Result(run.id(), filesFound, selection.keep().size(), selection.skipped(),
          selection.linesRead(), selection.rowsAccepted(), selection.linesRejected(),
          selection.blankLines(), recorded.submissionsByStatus(), recorded.findings());
    }

    public static Result none(IngestRun run) {
      return new Result(run.id(), 0, 0, List.of(), 0, 0, 0, 0, Map.of(), 0);
    }

    public boolean reconciles() {
      return linesRead == rowsAccepted + linesRejected;
    }

    public String describe() {
      return String.format("files: %d found, %d ingested, %d skipped (already ingested)%n"
              + "lines read %d = rows accepted %d + lines rejected %d%s (blank lines ignored: %d)"
              + "%nsubmissions: %s; findings: %d",
          filesFound, filesIngested, filesSkipped.size(), linesRead, rowsAccepted, linesRejected,
          reconciles() ? "" : "  ** MISMATCH **", blankLines, submissionsByStatus, findings);
    }
  }

  private static Column[] columns(StructType schema) {
    return Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new);
  }
}

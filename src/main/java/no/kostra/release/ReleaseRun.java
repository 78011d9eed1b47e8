package no.kostra.release;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import no.kostra.form.IngestAll;
import no.kostra.keyfigures.KeyFigures;
import no.kostra.schemas.SchemaDir;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The statisticians' scheduled run ({@code bin/kostra release --job jobs/2025-final.yaml}): ingest
 * what arrived since the last run, validate it, compute the key figures of the job's years and
 * how complete each form is, publish them as a release ({@link Publication}), with progress per
 * stage, and a row in the {@code runs} log (stages
 * with status, counts and seconds; the code version; the job file's hash) whether it succeeds or
 * fails. One run at a time per warehouse: a second run refuses while the first holds the lock.
 */
public final class ReleaseRun {

  public static final String RUNS = no.kostra.warehouse.Tables.RUNS;

  private static final StructType STAGE = new StructType()
      .add("name", DataTypes.StringType, false).add("status", DataTypes.StringType, false)
      .add("seconds", DataTypes.DoubleType, false).add("detail", DataTypes.StringType, true);

  public static final StructType RUNS_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("job", DataTypes.StringType, false)
      .add("job_file", DataTypes.StringType, false)
      .add("config_hash", DataTypes.StringType, false)
      .add("years", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("kind", DataTypes.StringType, false)
      .add("started_at", DataTypes.TimestampType, false)
      .add("ended_at", DataTypes.TimestampType, false)
      .add("status", DataTypes.StringType, false) // succeeded / failed
      .add("stages", DataTypes.createArrayType(STAGE, false), false)
      .add("code_version", DataTypes.StringType, false);

  private final Warehouse warehouse;
  private final SchemaDir schemas;
  private final ReleaseJob job;
  private Supplier<Pseudonymizer> key = Pseudonymizer::fromEnvironment;
  private Consumer<String> progress = m -> {};

  private ReleaseRun(Warehouse warehouse, SchemaDir schemas, ReleaseJob job) {
    this.warehouse = warehouse;
    this.schemas = schemas;
    this.job = job;
  }

  public static ReleaseRun of(Warehouse warehouse, SchemaDir schemas, ReleaseJob job) {
    return new ReleaseRun(warehouse, schemas, job);
  }

  public ReleaseRun key(Supplier<Pseudonymizer> key) {
    this.key = key;
    return this;
  }

  public ReleaseRun progress(Consumer<String> progress) {
    this.progress = progress;
    return this;
  }

  /** One stage's outcome, as the runs log records it. */
  public record Stage(String name, String status, double seconds, String detail) {}

  public record Result(String runId, String status, List<Stage> stages,
      List<Completeness.Form> completeness, Publication.Result release) {}

  public Result run() {
    Path lockFile = Path.of(warehouse.root()).resolve("_release.lock");
    try {
      Files.createDirectories(lockFile.getParent());
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
          lock = null; // held by another run in this JVM
        }
        if (lock == null) {
          throw new IllegalStateException("another release run holds " + lockFile
              + ": this run does nothing; start it again when that one has finished");
        }
        try {
          return locked();
        } finally {
          lock.release();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + lockFile, e);
    }
  }

  private Result locked() {
    String runId = UUID.randomUUID().toString();
    Timestamp started = Timestamp.from(Instant.now());
    List<Stage> stages = new ArrayList<>();
    List<Completeness.Form> forms = List.of();
    String status = "failed";
    progress.accept(String.format("release %s (%s, %s, years %s): run %s", job.id(), job.kind(),
        job.releaseDate(), job.years(), runId));
    try {
      long t = System.nanoTime();
      Path input = Path.of(job.input());
      if (!Files.isDirectory(input)) {
        throw new IllegalArgumentException(job.file() + ": input folder " + input.toAbsolutePath()
            + " does not exist");
      }
      var ingest = IngestAll.run(warehouse, schemas, input.toString(), key,
          m -> progress.accept("  " + m));
      stages.add(stage("ingest", ingest.reconciles() ? "succeeded" : "failed", t,
          ingest.filesIngested() + " new files"));
      if (!ingest.reconciles()) {
        throw new IllegalStateException("lines read != accepted + rejected in this run's files");
      }

      t = System.nanoTime();
      var figures = KeyFigures.in(warehouse, schemas).years(job.years())
          .progress(m -> progress.accept("  compute: " + m)).run();
      stages.add(stage("compute", "succeeded", t, figures.rows().size() + " rows, "
          + figures.missing() + " missing"));

      t = System.nanoTime();
      forms = Completeness.compute(warehouse, schemas, job.years());
      Completeness.write(warehouse, forms, runId, started);
      forms.forEach(f -> progress.accept("  completeness: " + f.summary()));
      // the editing desk beside the forms: what `outliers` found and what is still open
      for (int year : job.years()) {
        var editing = no.kostra.edit.Decisions.summary(warehouse, year);
        progress.accept("  completeness: " + (editing != null ? editing.line()
            : "editing " + year + ": `bin/kostra outliers --year " + year + "` not run"));
      }
      stages.add(stage("completeness", "succeeded", t, forms.stream()
          .mapToInt(f -> f.missing().size()).sum() + " missing submissions"));

      t = System.nanoTime();
      var published = Publication.publish(warehouse, schemas, job, runId, forms,
          m -> progress.accept("  " + m));
      stages.add(stage("publish", "succeeded", t, (published.created() ? "published " :
          "unchanged ") + published.releaseId() + ": " + published.rows() + " rows, "
          + published.withheld() + " withheld"));
      status = "succeeded";
      return new Result(runId, status, List.copyOf(stages), forms, published);
    } catch (RuntimeException e) {
      stages.add(new Stage("error", "failed", 0, e.getMessage()));
      throw e;
    } finally {
      logRun(runId, started, status, stages);
    }
  }

  private static Stage stage(String name, String status, long start, String detail) {
    return new Stage(name, status, (System.nanoTime() - start) / 1e9, detail);
  }

  private void logRun(String runId, Timestamp started, String status, List<Stage> stages) {
    List<Row> stageRows = stages.stream().map(s -> RowFactory.create(s.name(), s.status(),
        s.seconds(), s.detail())).toList();
    Row row = RowFactory.create(runId, job.id(), job.file().toString(), job.configHash(),
        job.years().toArray(Integer[]::new), job.kind(), started, Timestamp.from(Instant.now()),
        status, stageRows.toArray(Row[]::new), codeVersion());
    warehouse.append(warehouse.spark().createDataFrame(List.of(row), RUNS_SCHEMA), RUNS);
  }

  /**
   * The running code: "kostra " + the first 12 hex digits of SHA-256 over the jar (the same
   * build gives the same version), or "kostra dev" when running from classes (tests, IDE).
   */
  static String codeVersion() {
    try {
      Path where = Path.of(ReleaseRun.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI());
      if (!Files.isRegularFile(where)) {
        return "kostra dev";
      }
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(where)) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
          sha.update(buffer, 0, n);
        }
      }
      return "kostra " + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (IOException | NoSuchAlgorithmException | java.net.URISyntaxException e) {
      return "kostra unknown";
    }
  }
}

package no.kostra.cli;

import static org.apache.spark.sql.functions.col;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import no.kostra.form.Form;
import no.kostra.generate.Generation;
import no.kostra.edit.Decisions;
import no.kostra.edit.Outliers;
import no.kostra.form.Forms;
import no.kostra.form.IngestAll;
import no.kostra.keyfigures.KeyFigureDefinitions;
import no.kostra.keyfigures.KeyFigureExport;
import no.kostra.keyfigures.KeyFigures;
import no.kostra.reference.Classifications;
import no.kostra.reference.FunctionChart;
import no.kostra.reference.KostraGroups;
import no.kostra.reference.Population;
import no.kostra.reference.ReferenceTables;
import no.kostra.release.DisclosureAudit;
import no.kostra.sql.SqlScript;
import no.kostra.precheck.PreCheckFolder;
import no.kostra.precheck.PreCheckServer;
import no.kostra.precheck.PreCheckService;
import no.kostra.sql.SqlServer;
import no.kostra.sql.WarehouseCatalog;
import no.kostra.release.ReleaseJob;
import no.kostra.release.ReleaseRun;
import no.kostra.schemas.SchemaDir;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.validate.ValidationReport;
import no.kostra.spark.KostraSession;
import no.kostra.warehouse.Warehouse;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kostra [--warehouse DIR] <command>}: the one entry point of the pipeline. */
@Command(name = "kostra", mixinStandardHelpOptions = true, version = "kostra 0.1.0",
    description = "KOSTRA statistics production: ingest, validate, compute and publish.",
    subcommands = {KostraCli.Generate.class, KostraCli.Ingest.class, KostraCli.Validate.class, KostraCli.Serve.class,
        KostraCli.Compute.class, KostraCli.Release.class, KostraCli.Audit.class, KostraCli.Query.class,
        KostraCli.Sql.class, KostraCli.SqlServerCommand.class, KostraCli.NotebookKernel.class, KostraCli.Keygen.class,
        KostraCli.Chart.class, KostraCli.Changes.class, KostraCli.Catalogue.class, KostraCli.KostraGroupsCommand.class, KostraCli.Reference.class,
        KostraCli.Demo.class, KostraCli.OutliersCommand.class, KostraCli.Decide.class, KostraCli.ExplainCommand.class})
public final class KostraCli {

  @Option(names = "--warehouse", defaultValue = "warehouse",
      description = "Warehouse root: a folder of Delta tables (default: ${DEFAULT-VALUE}).")
  String warehouse;

  private SparkSession spark;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Where the commands print their results and their progress: standard output and standard
   * error unless a caller gives streams.
   */
  private static final ThreadLocal<PrintStream[]> STREAMS = new ThreadLocal<>();

  static PrintStream out() {
    PrintStream[] given = STREAMS.get();
    return given != null ? given[0] : System.out;
  }

  static PrintStream err() {
    PrintStream[] given = STREAMS.get();
    return given != null ? given[1] : System.err;
  }

  /**
   * Runs a command line printing its results to {@code out} and its progress and errors to
   * {@code err} (tests, embedding callers) while the process's own streams stay untouched;
   * returns the exit code.
   */
  public static int run(PrintStream out, PrintStream err, String... args) {
    STREAMS.set(new PrintStream[] {out, err});
    try {
      return run(args);
    } finally {
      STREAMS.remove();
    }
  }

  /** Runs a command line and returns its exit code (0 = success). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new KostraCli());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("kostra " + cmd.getCommandName() + ": " + e.getMessage());
      if (System.getenv("KOSTRA_DEBUG") != null) {
        e.printStackTrace(cmd.getErr());
      }
      return 1;
    });
    cli.setOut(new PrintWriter(out(), true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err(), true, StandardCharsets.UTF_8));
    return cli.execute(args);
  }

  Warehouse warehouse() {
    if (spark == null) {
      spark = KostraSession.getOrCreate();
    }
    return Warehouse.at(spark, warehouse);
  }

  static void progress(String message) {
    err().println(message);
  }

  @Command(name = "generate", description = "Write realistic synthetic submissions of a year: "
      + "accounting (every form, for every municipality, county authority, Oslo district, church "
      + "council and municipal enterprise) and 11F/11CF (every municipality and Oslo district).")
  static final class Generate implements Callable<Integer> {
    @Option(names = "--year", required = true) int year;
    @Option(names = "--out", required = true) Path out;
    @Option(names = "--seed", defaultValue = "2025") long seed;
    @Option(names = "--scale", defaultValue = "1",
        description = "Split every record into this many (same totals): volume for benchmarks.")
    int scale;
    @Option(names = "--faults", defaultValue = "5",
        description = "Number of malformed lines to inject, one per file (default ${DEFAULT-VALUE}).")
    int faults;
    @Option(names = "--only", split = ",",
        description = "Only these municipality (4-digit) or county (2-digit) codes.")
    List<String> only;
    @Option(names = "--forms", split = ",", defaultValue = "regnskap,sosial,csvforms",
        description = "regnskap, sosial (11F, 11CF) and/or csvforms (skjema 7 and 12) "
            + "(default: ${DEFAULT-VALUE}).")
    List<String> forms;
    @Option(names = "--sosial-faults", defaultValue = "true", negatable = true, fallbackValue = "true",
        description = "Inject one 11F/11CF record and one skjema 7/12 file per control rule "
            + "(default ${DEFAULT-VALUE}).")
    boolean sosialFaults;
    @Option(names = "--plant-errors", description = "Plant the classic mistakes the control rules "
        + "let through (amounts in NOK, an income sign, 281 booked on 242, a doubled 0M file, an "
        + "11F month repeated over the year), each in one municipality, listed in "
        + "_planted_errors.csv: what `outliers` must find.")
    boolean plantErrors;

    @Override
    public Integer call() {
      Set<String> codes = only == null ? null : Set.copyOf(only);
      for (String f : forms) {
        if (Forms.all().stream().noneMatch(form -> form.stage().equals(f))) {
          throw new CommandLine.ParameterException(new CommandLine(this), "--forms: " + f
              + " is not one of " + Forms.all().stream().map(Form::stage).toList());
        }
      }
      Generation generation = new Generation(year, out, seed, scale, faults, sosialFaults, codes,
          plantErrors, new Generation.Shared());
      for (Form form : Forms.all()) {
        if (forms.contains(form.stage())) {
          progress(form.generate(generation));
        }
      }
      return 0;
    }
  }

  @Command(name = "ingest", description = "Parse every file under DIR, each recognised by its "
      + "name and its content: accounting files into regnskap, 11F/11CF files pseudonymised into "
      + "sosialhjelp and kvalifisering, skjema 7/12 into staffing and benefit_rates; unparseable "
      + "lines go to rejected_lines, a file of no form is rejected whole with nothing of it kept. "
      + "Then run the control rules on the new submissions (submissions, validation_results).")
  static final class Ingest implements Callable<Integer> {
    @ParentCommand KostraCli root;
    @Parameters(paramLabel = "DIR") String dir;
    @Option(names = "--key-file", description = "Pseudonymisation key for 11F/11CF (default: "
        + "$KOSTRA_PSEUDONYM_KEY_FILE, $KOSTRA_PSEUDONYM_KEY or ~/.config/kostra/pseudonym.key).")
    Path keyFile;

    @Override
    public Integer call() {
      var result = IngestAll.run(root.warehouse(), SchemaDir.locate(), dir,
          () -> keyFile != null ? Pseudonymizer.fromFile(keyFile) : Pseudonymizer.fromEnvironment(),
          KostraCli::progress);
      return result.reconciles() ? 0 : 1;
    }
  }

  @Command(name = "validate", description = "The respondent's pre-check. One file with --skjema, "
      + "--year and --region: its report on standard output. Files and folders without them: "
      + "each file's name (or content) says its skjema, year and region as in the pipeline; one "
      + "line per file, a report per file in --out. Exit code 0 (OK/INFO), 1 (WARNING), 2 "
      + "(ERROR/FATAL, or a file that cannot be checked): the worst of the files. 11F/11CF "
      + "identifiers are pseudonymised with a one-off key, never the production key.")
  static final class Validate implements Callable<Integer> {
    @ParentCommand KostraCli root;
    @Parameters(paramLabel = "FILE|DIR", arity = "1..*") List<Path> paths;
    @Option(names = "--skjema",
        description = "0A, 0M, ..., 0AK1-0DK4, 11F, 11CF, 7 (staffing) or 12 (benefit rates)")
    String skjema;
    @Option(names = "--year") Integer year;
    @Option(names = "--quarter") String quarter;
    @Option(names = "--region") String region;
    @Option(names = "--orgnr", description = "one or more, comma-separated") String orgnr;
    @Option(names = "--format", defaultValue = "json", description = "json or html") String format;
    @Option(names = "--out", defaultValue = "kontrollrapporter",
        description = "where the reports of several files go (default: ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--rules-year", description = "check with another year's code lists and rules")
    Integer rulesYear;
    @Option(names = "--skal-rapportere", description = "11F/11CF: the answer to \"has something "
        + "to report\" (ja/nei); default: nei for the one-space file, ja otherwise")
    String skalRapportere;

    @Override
    public Integer call() throws java.io.IOException {
      if (!format.equals("json") && !format.equals("html")) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--format must be json or html");
      }
      Boolean answer = skalRapportere == null ? null : switch (skalRapportere.toLowerCase()) {
        case "ja", "j", "yes", "true" -> true;
        case "nei", "n", "no", "false" -> false;
        default -> throw new CommandLine.ParameterException(new CommandLine(this),
            "--skal-rapportere must be ja or nei");
      };
      // cross-checks against the accounting and last year use the warehouse when there is one
      Warehouse wh = java.nio.file.Files.isDirectory(Path.of(root.warehouse)) ? root.warehouse() : null;
      SchemaDir schemas = SchemaDir.locate();
      if (skjema != null || year != null || region != null) {
        if (skjema == null || year == null || region == null || paths.size() != 1
            || java.nio.file.Files.isDirectory(paths.get(0))) {
          throw new CommandLine.ParameterException(new CommandLine(this), "--skjema, --year and "
              + "--region declare one file, and go together; without them each file's name or "
              + "content says what it is");
        }
        Path file = paths.get(0);
        ValidationReport report = Forms.of(schemas, skjema).preCheck(KostraSession.getOrCreate(),
            schemas, Form.PreCheck.ofFile(file, skjema, year, quarter, region, orgnr, rulesYear,
                answer, wh));
        PrintStream stdout = new PrintStream(out(), false, StandardCharsets.UTF_8);
        stdout.print(format.equals("json") ? report.toJson()
            : report.toHtml(file.getFileName().toString()));
        stdout.flush();
        return report.exitCode();
      }
      return PreCheckFolder.of(KostraSession.getOrCreate(), schemas, wh, format, out)
          .check(paths, line -> out().println(line));
    }
  }

  @Command(name = "serve", description = "The respondents' pre-check as a service: a web page "
      + "(Norwegian), SSB's API (POST /api/kontroller-skjema, GET /api/ui-data), our own report "
      + "(POST /api/v1/kontroll) and its OpenAPI description (GET /api/openapi.yaml); one warm "
      + "Spark session. Reads no warehouse and stores nothing a respondent uploads.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "default: ${DEFAULT-VALUE}")
    int port;
    @Option(names = "--bind", defaultValue = "127.0.0.1",
        description = "address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every one)")
    String bind;
    @Option(names = "--parallel", defaultValue = "2",
        description = "checks run at once; the others wait (default: ${DEFAULT-VALUE})")
    int parallel;
    @Option(names = "--timeout", defaultValue = "60",
        description = "seconds a check may take, waiting included (default: ${DEFAULT-VALUE})")
    int timeout;

    @Override
    public Integer call() throws Exception {
      long t0 = System.nanoTime();
      SchemaDir schemas = SchemaDir.locate();
      PreCheckService service = PreCheckService.on(KostraSession.getOrCreate(), schemas, null,
          parallel, timeout * 1000L);
      PreCheckServer server = PreCheckServer.start(service, bind, port, "kostra 0.1.0");
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      progress(String.format("serve: %d forms, years %s; http://%s:%d/ (started in %.1f s; stop "
              + "with Ctrl-C)", service.formTypes().size(), service.years(), bind, server.port(),
          seconds(t0)));
      Thread.currentThread().join();
      return 0;
    }
  }

  @Command(name = "compute", description = "Compute the key figures and base data of the given "
      + "years (or every year with submissions) into key_figures, on each year's borders and on "
      + "today's, and export them as CSV.")
  static final class Compute implements Callable<Integer> {
    @ParentCommand KostraCli root;
    @Option(names = "--year", split = ",", description = "one or more reporting years")
    List<Integer> years;
    @Option(names = "--all-years", description = "every reporting year with a submission")
    boolean allYears;
    @Option(names = "--csv", description = "CSV file (default: <warehouse>/exports/key_figures_<years>.csv)")
    Path csv;

    @Override
    public Integer call() {
      if ((years == null || years.isEmpty()) != allYears) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "give --year Y[,Y...] or --all-years");
      }
      long t0 = System.nanoTime();
      Warehouse wh = root.warehouse();
      KeyFigures stage = KeyFigures.in(wh, SchemaDir.locate()).progress(m -> progress("compute: " + m));
      var result = (allYears ? stage.allYears() : stage.years(years)).run();
      String span = result.years().size() == 1 ? String.valueOf(result.years().get(0))
          : result.years().get(0) + "-" + result.years().get(result.years().size() - 1);
      Path file = csv != null ? csv
          : Path.of(root.warehouse).resolve("exports").resolve("key_figures_" + span + ".csv");
      KeyFigureExport.writeCsv(result.rows(), file);
      progress(String.format("compute: %d indicators and %d base variables for %s (borders of "
              + "each year and of %d): %d rows, %d missing (..); definitions %s; CSV %s (%.1f s)",
          result.indicators(), result.variables(), result.years(), result.structureYear(),
          result.rows().size(), result.missing(), result.definitionVersion(), file, seconds(t0)));
      KeyFigureDefinitions.load(SchemaDir.locate()).notCollected()
          .forEach(n -> progress("compute: " + n.summary()));
      return 0;
    }
  }

  @Command(name = "release", description = "Run a scheduled publication job (jobs/<id>.yaml): "
      + "ingest what arrived since the last run, validate, compute the key figures of the job's "
      + "years and the completeness per form, logging every stage in the runs table.")
  static final class Release implements Callable<Integer> {
    @ParentCommand KostraCli root;
    @Option(names = "--job", required = true, description = "the job file, e.g. jobs/2025-final.yaml")
    Path job;
    @Option(names = "--key-file", description = "Pseudonymisation key for 11F/11CF (default: "
        + "$KOSTRA_PSEUDONYM_KEY_FILE, $KOSTRA_PSEUDONYM_KEY or ~/.config/kostra/pseudonym.key).")
    Path keyFile;

    @Override
    public Integer call() {
      long t0 = System.nanoTime();
      var result = ReleaseRun.of(root.warehouse(), SchemaDir.locate(), ReleaseJob.load(job))
          .key(() -> keyFile != null ? Pseudonymizer.fromFile(keyFile) : Pseudonymizer.fromEnvironment())
          .progress(KostraCli::progress).run();
      result.stages().forEach(s -> progress(String.format("release: %-12s %-9s %6.1f s  %s",
          s.name(), s.status(), s.seconds(), s.detail())));
      progress(String.format("release: run %s %s (%.1f s); completeness in table completeness, "
          + "the run in table runs", result.runId(), result.status(), seconds(t0)));
      if (result.release() != null) {
        progress("release: exports in " + result.release().dir() + (java.nio.file.Files.exists(
            result.release().dir().resolve("faktaark")) ? " (fact sheets: faktaark/index.html)"
            : ""));
      }
      return 0;
    }
  }

  @Command(name = "audit", description = "Audit a published release's disclosure control: no "
      + "withheld cell (:) can be computed from the published cells and the sums across "
      + "municipalities, counties, KOSTRA groups, the country and both borders; withheld cells "
      + "carry no value; no small count or ratio on a withheld count is published. Exit code 1 "
      + "if anything is found.")
  static final class Audit implements Callable<Integer> {
    @ParentCommand KostraCli root;
    @Option(names = "--release", description = "the release id (default: the newest release)")
    String release;
    @Option(names = "--year", description = "audit the union of every release of this year "
        + "(the newest against all that the earlier ones published)")
    Integer year;

    @Override
    public Integer call() {
      long t0 = System.nanoTime();
      if (year != null && release != null) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "give --release or --year, not both");
      }
      var report = year != null ? DisclosureAudit.ofYear(root.warehouse(), SchemaDir.locate(), year)
          : DisclosureAudit.of(root.warehouse(), SchemaDir.locate(), release);
      report.derivable().forEach(k -> progress("audit: DERIVABLE " + k));
      report.inconsistent().forEach(k -> progress("audit: INCONSISTENT " + k));
      report.exposed().forEach(k -> progress("audit: EXPOSED BY EARLIER RELEASES ALONE " + k));
      report.narrow().forEach(k -> progress("audit: PINNED " + k));
      progress(String.format("audit: release %s: %s — %d problems (family × year), %d cells, %d "
              + "withheld; %d derivable, %d pinned by non-negativity (level 2), %d inconsistent, "
              + "%d exposed by earlier releases alone (%.1f s)", report.releaseId(),
          report.passed() ? "passed" : "FAILED", report.problems(), report.cells(),
          report.withheld(), report.derivable().size(), report.narrow().size(),
          report.inconsistent().size(), report.exposed().size(), seconds(t0)));
      return report.passed() ? 0 : 1;
    }
  }

  @Command(name = "sql-server", description = "Serve the warehouse over JDBC (Spark Thrift "
      + "server, HiveServer2 protocol) on 127.0.0.1 until stopped: the published releases by "
      + "name in database kostra, read-only (key_figures = each year's newest release); with "
      + "--internal every table, for statisticians. Connect to "
      + "jdbc:hive2://127.0.0.1:<port>/kostra (beeline, DBeaver, any JDBC client).")
  static final class SqlServerCommand implements Callable<Integer> {
    @ParentCommand KostraCli root;
    @Option(names = "--port", defaultValue = "10000", description = "default: ${DEFAULT-VALUE}")
    int port;
    @Option(names = "--internal", description = "every internal table (unprotected figures, "
        + "submissions, records): for statisticians, not for publication")
    boolean internal;

    @Override
    public Integer call() throws Exception {
      WarehouseCatalog.Access access = internal ? WarehouseCatalog.Access.INTERNAL
          : WarehouseCatalog.Access.PUBLISHED;
      SqlServer server = SqlServer.start(root.warehouse(), port, access);
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      progress("sql-server: " + access.statement());
      progress("sql-server: " + server.tables().size() + " tables and views of "
          + root.warehouse + " in database " + WarehouseCatalog.DATABASE);
      progress("sql-server: listening on " + server.jdbcUrl() + " (stop with Ctrl-C)");
      Thread.currentThread().join();
      return 0;
    }
  }

  @Command(name = "sql", description = "Spark SQL over the warehouse without a server: the "
      + "statements of -f FILE or -e, else typed at the prompt (end each with ;). Tables by name "
      + "in database kostra, as the JDBC server has them: the published releases, or with "
      + "--internal every table.")
  static final class Sql implements Callable<Integer> {
    @ParentCommand KostraCli root;
    @Option(names = "--internal", description = "every internal table (unprotected figures, "
        + "submissions, records): for statisticians, not for publication")
    boolean internal;
    @Option(names = "-f", description = "a file of statements separated by ;") Path file;
    @Option(names = "-e", description = "statements to run") String statements;
    @Option(names = "--max-rows", defaultValue = "1000", description = "rows shown per result")
    int maxRows;

    @Override
    public Integer call() throws Exception {
      Warehouse wh = root.warehouse();
      WarehouseCatalog.Access access = internal ? WarehouseCatalog.Access.INTERNAL
          : WarehouseCatalog.Access.PUBLISHED;
      WarehouseCatalog.register(wh, access);
      wh.spark().catalog().setCurrentDatabase(WarehouseCatalog.DATABASE);
      progress("sql: " + access.statement());
      if (file != null || statements != null) {
        String text = file != null ? java.nio.file.Files.readString(file) : statements;
        List<String> all = SqlScript.split(text + ";");
        for (int i = 0; i < all.size(); i++) {
          try {
            show(wh, all.get(i));
          } catch (Exception e) {
            err().printf("kostra sql: %s, statement %d: %s%n", file != null ? file : "-e",
                i + 1, e.getMessage());
            return 1;
          }
        }
        return 0;
      }
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
          StandardCharsets.UTF_8));
      boolean console = System.console() != null;
      StringBuilder pending = new StringBuilder();
      while (true) {
        if (console) {
          out().print(pending.length() == 0 ? "kostra> " : "     -> ");
          out().flush();
        }
        String line = in.readLine();
        if (line == null) {
          return 0;
        }
        pending.append(line).append('\n');
        for (String statement : SqlScript.split(pending.toString())) {
          try {
            show(wh, statement);
          } catch (Exception e) {
            err().println("kostra sql: " + e.getMessage());
          }
        }
        String rest = SqlScript.rest(pending.toString());
        pending.setLength(0);
        pending.append(rest.isEmpty() ? "" : rest + "\n");
      }
    }

    /** Runs one statement and prints its result as a table. */
    private void show(Warehouse wh, String statement) {
      wh.spark().sql(statement).show(maxRows, false);
    }
  }

  @Command(name = "notebook-kernel", description = "Install the project's Java kernel for "
      + "Jupyter (JShell with the project's classes, Spark and Delta; notebooks in notebooks/): "
      + "writes <dir>/kostra/kernel.json with this JVM's options and classpath.")
  static final class NotebookKernel implements Callable<Integer> {
    @Option(names = "--dir", description = "kernels folder (default: $JUPYTER_DATA_DIR/kernels or "
        + "~/.local/share/jupyter/kernels)")
    Path dir;

    @Override
    public Integer call() throws Exception {
      Path kernels = dir != null ? dir : System.getenv("JUPYTER_DATA_DIR") != null
          ? Path.of(System.getenv("JUPYTER_DATA_DIR"), "kernels")
          : Path.of(System.getProperty("user.home"), ".local/share/jupyter/kernels");
      List<String> argv = new java.util.ArrayList<>();
      argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      // the options this JVM was started with: Spark's flags, heap, kostra.schemas
      argv.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
      argv.addAll(List.of("-cp", System.getProperty("java.class.path"),
          "no.kostra.notebook.KostraKernel", "{connection_file}"));
      Path schemas = SchemaDir.locate().root().toAbsolutePath();
      Map<String, Object> spec = new java.util.LinkedHashMap<>();
      spec.put("argv", argv);
      spec.put("display_name", "KOSTRA (Java, Spark)");
      spec.put("language", "java");
      spec.put("env", Map.of("KOSTRA_HOME", schemas.getParent().toString(),
          "SPARK_LOCAL_IP", "127.0.0.1"));
      Path file = kernels.resolve("kostra").resolve("kernel.json");
      java.nio.file.Files.createDirectories(file.getParent());
      new com.fasterxml.jackson.databind.ObjectMapper()
          .writerWithDefaultPrettyPrinter().writeValue(file.toFile(), spec);
      progress("notebook-kernel: installed " + file + "; run: jupyter notebook notebooks/ "
          + "(kernel \"KOSTRA (Java, Spark)\")");
      return 0;
    }
  }

  @Command(name = "query", description = "Run Spark SQL over the warehouse's tables (by name) and "
      + "print the result as CSV.")
  static final class Query implements Callable<Integer> {
    @ParentCommand KostraCli root;
    @Parameters(paramLabel = "SQL") String sql;

    @Override
    public Integer call() throws Exception {
      Warehouse wh = root.warehouse();
      wh.registerViewsFor(sql);
      Dataset<Row> result = wh.spark().sql(sql);
      PrintStream out = new PrintStream(out(), false, StandardCharsets.UTF_8);
      try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder()
          .setRecordSeparator("\n").setHeader(result.columns()).get())) {
        for (Row r : result.collectAsList()) {
          Object[] values = new Object[r.length()];
          for (int i = 0; i < r.length(); i++) {
            Object v = r.get(i);
            // arrays print as [a, b], not as Scala's WrappedArray(a, b)
            values[i] = v instanceof scala.collection.Seq<?> seq
                ? scala.collection.JavaConverters.seqAsJavaList(seq).toString() : v;
          }
          csv.printRecord(values);
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "chart", description = "Print what changed in the function chart "
      + "(funksjonskontoplan) between two reporting years: functions new in or gone from each list, "
      + "and the recorded merges, splits, retirements and moved activities.")
  static final class Chart implements Callable<Integer> {
    @Option(names = "--from", required = true) int from;
    @Option(names = "--to", required = true) int to;

    @Override
    public Integer call() {
      FunctionChart chart = FunctionChart.load(SchemaDir.locate());
      PrintStream out = new PrintStream(out(), false, StandardCharsets.UTF_8);
      out.print(chart.describe(chart.diff(from, to)));
      out.flush();
      return 0;
    }
  }

  @Command(name = "changes", description = "Print what a respondent must know when a form "
      + "moves from one reporting year to another: fields added, removed, moved or made mandatory "
      + "and code-list changes (11F/11CF layouts; skjema 7/12 posts), function and art list "
      + "changes (accounting), and control rules added, removed or changed in severity or test.")
  static final class Changes implements Callable<Integer> {
    @Option(names = "--form", required = true, description = "0A-0Q, 0AK1-0DK4, 11F, 11CF, 7, 12")
    String form;
    @Option(names = "--from", required = true) int from;
    @Option(names = "--to", required = true) int to;

    @Override
    public Integer call() {
      PrintStream out = new PrintStream(out(), false, StandardCharsets.UTF_8);
      Forms.changes(SchemaDir.locate(), form.toUpperCase(), from, to)
          .forEach(out::println);
      out.flush();
      return 0;
    }
  }

  @Command(name = "catalogue", description = "Print the indicator catalogue: every key figure "
      + "(level 1 and 2) with its years, numerator, denominator and source, and what the seeds "
      + "ask for that the real forms do not carry (not collected, with the reason).")
  static final class Catalogue implements Callable<Integer> {
    @Option(names = "--year", description = "only the indicators in force in this year")
    Integer year;

    @Override
    public Integer call() {
      KeyFigureDefinitions defs = KeyFigureDefinitions.load(SchemaDir.locate());
      PrintStream out = new PrintStream(out(), false, StandardCharsets.UTF_8);
      List<KeyFigureDefinitions.Indicator> indicators = year == null ? defs.indicators()
          : defs.indicatorsFor(year);
      for (KeyFigureDefinitions.Indicator i : indicators) {
        out.printf("%s	level %d	%s-%s	%s%s	%s	%s%n", i.id(), i.level(), i.validFrom(),
            i.validTo() == null ? "" : i.validTo(), i.numerator(),
            i.denominator() == null ? "" : " / " + i.denominator(), i.nameNo(),
            i.source() == null ? "" : i.source());
      }
      for (KeyFigureDefinitions.NotCollected n : defs.notCollected()) {
        out.println(n.id() + "	not_collected			" + n.nameNo() + "	" + n.reason()
            + " (asked for in " + n.seed() + ")");
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "kostra-groups", description = "Write the APPROXIMATED KOSTRA group membership "
      + "(2020 grouping) from the real population and the documented proxies for bound costs and "
      + "free income (see README.md, KOSTRA groups); an official KLASS correspondence file replaces it.")
  static final class KostraGroupsCommand implements Callable<Integer> {
    @Option(names = "--out", description = "default: data-schemas/" + KostraGroups.FILE) Path out;

    @Override
    public Integer call() {
      SchemaDir schemas = SchemaDir.locate();
      Path file = out != null ? out : schemas.root().resolve(KostraGroups.FILE);
      var members = KostraGroups.approximate(Classifications.load(schemas), Population.load(schemas));
      KostraGroups.write(members, file);
      progress("kostra-groups: " + members.size() + " memberships written to " + file);
      return 0;
    }
  }

  @Command(name = "reference", description = "Write the classifications as warehouse tables: "
      + "regions (municipalities, counties, Oslo districts with KOSTRA group and ASSS), population "
      + "and population_bands at 31.12 of each reporting year, function_chart, function_changes and "
      + "function_mapping, municipality_mapping. Replaces the tables whole; a rerun gives the same "
      + "tables.")
  static final class Reference implements Callable<Integer> {
    @ParentCommand KostraCli root;

    @Override
    public Integer call() {
      long t0 = System.nanoTime();
      var result = ReferenceTables.into(root.warehouse(), SchemaDir.locate())
          .progress(m -> progress("reference: " + m)).run();
      progress(String.format("reference: wrote %s (%.1f s)", result.rows(), seconds(t0)));
      return 0;
    }
  }

  @Command(name = "keygen", description = "Create the secret key that pseudonymises 11F/11CF "
      + "identifiers (random, readable by its owner only). Keep it outside the repository and the "
      + "warehouse, and keep it: a new key gives every person a new pseudonym.")
  static final class Keygen implements Callable<Integer> {
    @Option(names = "--out", description = "Key file (default: ~/.config/kostra/pseudonym.key).")
    Path out;

    @Override
    public Integer call() {
      Path file = Pseudonymizer.createKeyFile(out != null ? out : Pseudonymizer.defaultKeyFile());
      progress("keygen: wrote a new pseudonymisation key to " + file
          + " (owner-only); point KOSTRA_PSEUDONYM_KEY_FILE to it if it is not the default");
      return 0;
    }
  }

  @Command(name = "demo", description = "One reporting year end to end: generate every "
      + "municipality's submissions, write the reference tables, run the 15 March release (two "
      + "municipalities' 11F/11CF still missing), then the 15 June release after they arrive and "
      + "one municipality corrects its rates; prints completeness, the releases and the wall "
      + "time of each stage.")
  static final class Demo implements Callable<Integer> {
    @ParentCommand KostraCli root;
    @Option(names = "--year", defaultValue = "2025") int year;
    @Option(names = "--input", description = "Where the submissions are written "
        + "(default: demo-input/<year> beside the warehouse).")
    Path input;
    @Option(names = "--seed", defaultValue = "2025") long seed;
    @Option(names = "--years", split = ",", description = "Earlier years first, then the "
        + "reporting year (e.g. 2024,2025): each earlier year is generated and published as a "
        + "final release before the reporting year's, so that `outliers` has last year's "
        + "published figures to compare with; the editing desk runs between March and June.")
    List<Integer> years;
    @Option(names = "--plant-errors", description = "Plant the classic mistakes in the reporting "
        + "year (generate --plant-errors) for the editing desk to find.")
    boolean plantErrors;

    @Override
    public Integer call() throws Exception {
      List<Integer> earlier = List.of();
      if (years != null && !years.isEmpty()) {
        List<Integer> sorted = years.stream().sorted().distinct().toList();
        year = sorted.get(sorted.size() - 1);
        earlier = sorted.subList(0, sorted.size() - 1);
      }
      Path inputs = Path.of(root.warehouse).toAbsolutePath().getParent().resolve("demo-input");
      Path in = input != null ? input : inputs.resolve(Integer.toString(year));
      long t0 = System.nanoTime();
      progress("demo: reporting year " + year + (earlier.isEmpty() ? "" : ", earlier " + earlier)
          + ", warehouse " + Path.of(root.warehouse).toAbsolutePath());
      for (int y : earlier) {
        int rc = new CommandLine(new Generate()).execute("--year", "" + y, "--out",
            inputs.resolve(Integer.toString(y)).toString(), "--seed", "" + seed);
        if (rc != 0) {
          return rc;
        }
      }
      List<String> generate = new java.util.ArrayList<>(List.of("--year", "" + year, "--out",
          in.toString(), "--seed", "" + seed));
      if (plantErrors) {
        generate.add("--plant-errors");
      }
      int rc = new CommandLine(new Generate()).execute(generate.toArray(String[]::new));
      if (rc != 0) {
        return rc;
      }
      if (!Pseudonymizer.configured()) {
        Path key = Pseudonymizer.createKeyFile(Pseudonymizer.defaultKeyFile());
        progress("demo: no pseudonymisation key was configured; created " + key + " (owner-only)");
      }
      // two municipalities' 11F and 11CF arrive after the March release
      Path late = in.resolveSibling(in.getFileName() + "-late");
      List<Path> held = DemoSubmissions.holdBack(in, late, 2);
      progress("demo: held back until June: " + held.stream().map(p -> p.getFileName().toString())
          .toList());
      long t1 = System.nanoTime();
      Reference reference = new Reference();
      reference.root = root;
      reference.call();
      long t2 = System.nanoTime();
      Warehouse wh = root.warehouse();
      Path jobs = Path.of("jobs");
      for (int y : earlier) { // last year's final figures, as published
        var done = ReleaseRun.of(wh, SchemaDir.locate(), ReleaseJob.standard(y, "final", jobs)
            .withInput(inputs.resolve(Integer.toString(y)))).progress(KostraCli::progress).run();
        progress("demo: release " + done.release().releaseId() + " of " + y);
      }
      long t2b = System.nanoTime();
      var march = ReleaseRun.of(wh, SchemaDir.locate(),
              ReleaseJob.standard(year, "preliminary", jobs).withInput(in))
          .progress(KostraCli::progress).run();
      if (!earlier.isEmpty()) { // editing between March and June: the ranked suspicious values
        OutliersCommand outliers = new OutliersCommand();
        outliers.root = root;
        outliers.year = year;
        outliers.top = 10;
        outliers.call();
      }
      long t3 = System.nanoTime();
      // June: the late files arrive, and one municipality sends corrected rates
      String corrected = DemoSubmissions.bringBackAndCorrect(late, in, held);
      progress("demo: arrived for June: " + held.size() + " late files; corrected: " + corrected);
      var june = ReleaseRun.of(wh, SchemaDir.locate(),
              ReleaseJob.standard(year, "final", jobs).withInput(in))
          .progress(KostraCli::progress).run();
      long t4 = System.nanoTime();
      for (var r : List.of(march, june)) {
        progress("demo: release " + r.release().releaseId() + " in " + r.release().dir());
        Path sheets = r.release().dir().resolve("faktaark/index.html");
        if (java.nio.file.Files.exists(sheets)) {
          progress("demo:   fact sheets: " + sheets);
        }
        r.completeness().stream().filter(f -> !f.skjema().startsWith("0"))
            .forEach(f -> progress("demo:   " + f.summary()));
      }
      progress(String.format("demo: wall time generate %.1f s, reference %.1f s, %sMarch release "
              + "(ingest, compute, publish) %.1f s, June release %.1f s, total %.1f s",
          (t1 - t0) / 1e9, (t2 - t1) / 1e9, earlier.isEmpty() ? "" : String.format(
              "earlier years' releases %.1f s, ", (t2b - t2) / 1e9),
          (t3 - t2b) / 1e9, (t4 - t3) / 1e9, (t4 - t0) / 1e9));
      return 0;
    }
  }

  @Command(name = "outliers", description = "Editing: rank every base variable and key figure of "
      + "every municipality, Oslo district and county authority against the comparison year "
      + "(Hidiroglou-Berthelot within KOSTRA groups, data-schemas/editing/outliers.yaml) into "
      + "edit_candidates, with a page and CSV in <warehouse>/editing/<year>/.")
  static final class OutliersCommand implements Callable<Integer> {
    @ParentCommand KostraCli root;
    @Option(names = "--year", required = true) int year;
    @Option(names = "--against", description = "The comparison year (default: the year before; "
        + "its newest release, else the warehouse's key_figures).")
    Integer against;
    @Option(names = "--top", defaultValue = "10", description = "Candidates to print (default "
        + "${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() {
      long t0 = System.nanoTime();
      var result = Outliers.in(root.warehouse(), SchemaDir.locate()).year(year).against(against)
          .progress(KostraCli::progress).run();
      result.rows().stream().filter(r -> r.<Boolean>getAs("candidate"))
          .sorted(java.util.Comparator.comparing(r -> -r.<Double>getAs("score"))).limit(top)
          .forEach(r -> out().printf(java.util.Locale.ROOT,
              "%-24s %-8s %-28s %14s -> %14s  score %8.2f  %s (rank %d of the variable)%n",
              r.getAs("variable"), r.getAs("region"), r.getAs("region_name"),
              plain(r.getAs("previous")), plain(r.getAs("value")), r.<Double>getAs("score"),
              r.getAs("status"), r.<Integer>getAs("rank_in_variable")));
      progress(String.format("outliers: %d candidates of %d values in %.1f s; page %s",
          result.candidates(), result.rows().size(), seconds(t0), result.pages().html()));
      return 0;
    }

    private static String plain(Object v) {
      return v == null ? "" : ((java.math.BigDecimal) v).setScale(1,
          java.math.RoundingMode.HALF_UP).toPlainString();
    }
  }

  @Command(name = "decide", description = "Editing: record a decision on a candidate of "
      + "`outliers` (--region and --variable) or on a WARNING finding of a submission (--file or "
      + "--submission, and --rule), into edit_decisions (append-only; the latest counts).")
  static final class Decide implements Callable<Integer> {
    @ParentCommand KostraCli root;
    @Option(names = "--year", required = true) int year;
    @Option(names = "--region") String region;
    @Option(names = "--variable") String variable;
    @Option(names = "--file", description = "A submission's file name (its current submission).")
    String file;
    @Option(names = "--submission", description = "A submission id (or its first 12 characters).")
    String submission;
    @Option(names = "--rule", description = "The finding's rule id.") String rule;
    @Option(names = "--decision", required = true,
        description = "accepted, queried or corrected") String decision;
    @Option(names = "--reason", required = true) String reason;
    @Option(names = "--by", description = "Who decides (default: $KOSTRA_USER, else the login).")
    String by;

    @Override
    public Integer call() {
      Warehouse wh = root.warehouse();
      String who = by != null ? by : System.getenv().getOrDefault("KOSTRA_USER",
          System.getProperty("user.name"));
      Decisions.Decision d;
      if (variable != null) {
        if (region == null) {
          throw new CommandLine.ParameterException(new CommandLine(this),
              "--variable needs --region");
        }
        d = new Decisions.Decision("candidate", year, region, variable, null, decision, reason,
            who, java.time.Instant.now());
        Decide.requireCandidate(wh, d);
      } else if (rule != null && (file != null || submission != null)) {
        Row s = Decide.submission(wh, year, file, submission);
        d = new Decisions.Decision("finding", year, s.getAs("region"), rule,
            s.getAs("submission_id"), decision, reason, who, java.time.Instant.now());
        Decide.requireWarning(wh, d);
      } else {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "give --region and --variable (a candidate), or --rule with --file or --submission "
                + "(a finding)");
      }
      Decisions.record(wh, d);
      var pages = no.kostra.edit.EditPages.write(wh, year);
      var summary = Decisions.summary(wh, year);
      progress("decide: " + d.decision() + " " + d.item() + " " + d.region() + " " + d.variable()
          + (d.submissionId() == null ? "" : " of submission " + d.submissionId().substring(0, 12))
          + " by " + who + "; " + (summary == null ? "" : summary.line() + "; ") + pages.html());
      return 0;
    }

    private static void requireCandidate(Warehouse wh, Decisions.Decision d) {
      if (!wh.exists(Outliers.TABLE) || wh.read(Outliers.TABLE).where(col("year")
          .equalTo(d.year()).and(col("region").equalTo(d.region()))
          .and(col("variable").equalTo(d.variable()))).isEmpty()) {
        throw new IllegalArgumentException("no value of " + d.variable() + " for region "
            + d.region() + " in " + d.year() + "'s edit_candidates: run `bin/kostra outliers "
            + "--year " + d.year() + "` first, and give the region as it lists it (4 digits for "
            + "a municipality)");
      }
    }

    private static Row submission(Warehouse wh, int year, String file, String id) {
      var subs = wh.read(no.kostra.warehouse.Tables.SUBMISSIONS).where(col("aargang")
          .equalTo(year));
      subs = file != null ? subs.where(col("source_file").endsWith(file))
          : subs.where(col("submission_id").startsWith(id));
      List<Row> found = subs.orderBy(col("received_at").desc(), col("submission_id").desc())
          .limit(2).collectAsList();
      if (found.isEmpty()) {
        throw new IllegalArgumentException("no submission of " + year + " "
            + (file != null ? "from a file named " + file : "with id " + id));
      }
      return found.get(0); // a file sent again: its newest submission
    }

    private static void requireWarning(Warehouse wh, Decisions.Decision d) {
      if (wh.read(no.kostra.warehouse.Tables.VALIDATION_RESULTS).where(col("submission_id")
          .equalTo(d.submissionId()).and(col("rule_id").equalTo(d.variable()))
          .and(col("severity").equalTo("WARNING"))).isEmpty()) {
        throw new IllegalArgumentException("submission " + d.submissionId().substring(0, 12)
            + " has no WARNING of rule " + d.variable() + " (an ERROR or FATAL finding rejects "
            + "the submission: the municipality must send a corrected file)");
      }
    }
  }

  @Command(name = "explain", description = "Explain one published cell: its value and status "
      + "and why, the numerator and denominator and what makes them (an aggregate's members, a "
      + "region's accounting by function x art and its submissions), the definitions, rules, code "
      + "and input versions. Shows what the release published; --unpublished (warehouse access) "
      + "shows the exact values behind it.")
  static final class ExplainCommand implements Callable<Integer> {
    @ParentCommand KostraCli root;
    @Option(names = "--year", required = true) int year;
    @Option(names = "--region", required = true,
        description = "kkkk, 0301dd, ff00, or an aggregate (EKG12, EKA46, EAK, ...)") String region;
    @Option(names = "--indicator", required = true) String indicator;
    @Option(names = "--release", description = "Release id (default: the newest of the year).")
    String release;
    @Option(names = "--structure-year", description = "Borders (default: the newest published).")
    Integer structureYear;
    @Option(names = "--format", defaultValue = "text", description = "text or json") String format;
    @Option(names = "--unpublished", description = "Warehouse access: the exact values behind "
        + "the cell, every member, and whether a withheld cell is primary. Not for publication.")
    boolean unpublished;

    @Override
    public Integer call() {
      var e = no.kostra.release.Explain.cell(root.warehouse(), SchemaDir.locate())
          .of(year, region, indicator).release(release).structureYear(structureYear)
          .unpublished(unpublished).run();
      out().print(format.equals("json") ? no.kostra.release.Explain.json(e) + "\n"
          : no.kostra.release.Explain.text(e));
      return 0;
    }
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}

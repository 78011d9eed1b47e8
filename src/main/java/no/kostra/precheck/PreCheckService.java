package no.kostra.precheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import no.kostra.form.Form;
import no.kostra.form.Forms;
import no.kostra.ingest.TextFiles;
import no.kostra.reference.Classifications;
import no.kostra.schemas.SchemaDir;
import no.kostra.validate.ValidationReport;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.SparkSession;

/**
 * The respondents' pre-check, warm: one Spark session and the forms' rules for many checks, each
 * of one file held in memory. What a respondent sends is checked before any rule runs (form,
 * year, region, orgnr, the file's size and that it is text), so a bad request gets a clear answer
 * naming its field ({@link Rejected}) instead of a report. Nothing of a file is written anywhere:
 * the rules run on in-memory rows, 11F/11CF identifiers are pseudonymised with a one-off key per
 * check, and a public service reads no warehouse (it must not answer with another municipality's
 * accounting through a cross-check's message).
 *
 * <p>At most {@code parallel} checks run at once (the others wait in line); a check that has not
 * finished within the timeout, waiting included, is cancelled (its Spark jobs too) and answered
 * with 503.
 */
public final class PreCheckService implements AutoCloseable {

  /**
   * Largest file taken: 10 MiB, as SSB's service. The largest file of a national year is Oslo's
   * 11F (≈ 1 MB) or a large municipality's 0M (≈ 0.2 MB); ten times that leaves room, and a
   * limit keeps the memory of {@code parallel} checks and their waiting line bounded.
   */
  public static final int MAX_BYTES = 10 * 1024 * 1024;

  /** A request the service does not check: the HTTP status and, per field, why (Norwegian). */
  public static final class Rejected extends RuntimeException {
    private final int status;
    private final String errorType;
    private final Map<String, String> errors;

    Rejected(int status, String errorType, Map<String, String> errors) {
      super(errors.toString());
      this.status = status;
      this.errorType = errorType;
      this.errors = Map.copyOf(errors);
    }

    static Rejected invalid(String field, String message) {
      return new Rejected(400, "VALIDATION_ERROR", Map.of(field, message));
    }

    public int status() {
      return status;
    }

    /** VALIDATION_ERROR (the request) or SYSTEM_ERROR (the service), as SSB's API says. */
    public String errorType() {
      return errorType;
    }

    public Map<String, String> errors() {
      return errors;
    }
  }

  /**
   * What a respondent sends: the file (name and bytes), skjema, year, region (6 digits, as SSB's
   * API; 4 digits are taken for a municipality), orgnr (comma-separated; forms reported by a
   * company) and, for 11F/11CF, the answer to "has something to report" (null: not given).
   */
  public record Request(String fileName, byte[] content, String skjema, Integer year,
      String region, String orgnr, Boolean somethingToReport) {}

  /** A report, the encoding the file was read in, and how long the check took. */
  public record Checked(ValidationReport report, String encoding, long millis) {}

  /** One year and form type offered; {@code years}: the years it can be checked for. */
  public record FormType(String id, String title, String quarter, String orgnrLabel,
      List<Integer> years) {}

  private final SparkSession spark;
  private final SchemaDir schemas;
  private final Classifications classifications;
  private final List<FormType> formTypes;
  private final ExecutorService workers;
  private final long timeoutMillis;
  private final Warehouse crossCheck;
  private final String preparedBefore;

  private PreCheckService(SparkSession spark, SchemaDir schemas, Warehouse crossCheck,
      int parallel, long timeoutMillis) {
    this.spark = spark;
    this.schemas = schemas;
    this.crossCheck = crossCheck;
    // many checks in one process: the rules' plans are prepared once (no.kostra.spark.Prepared);
    // the session's setting is given back on close
    this.preparedBefore = spark.conf().get(no.kostra.spark.Prepared.ENABLED, "false");
    spark.conf().set(no.kostra.spark.Prepared.ENABLED, "true");
    this.classifications = Classifications.load(schemas);
    Set<Integer> regionYears = new TreeSet<>(classifications.years());
    List<FormType> types = new ArrayList<>();
    for (Form form : Forms.all()) {
      List<Integer> years = form.preCheckYears(schemas).stream().filter(regionYears::contains)
          .sorted().toList();
      form.preCheckTypes(schemas).forEach(t -> types.add(new FormType(t.id(), t.title(),
          t.quarter(), t.orgnrLabel(), years)));
    }
    this.formTypes = List.copyOf(types);
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "precheck-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * A service on the session: {@code parallel} checks at once, each within the timeout. No
   * warehouse for a public service; {@code bin/kostra validate} on the office's own machine
   * cross-checks skjema 7 and 12 against the warehouse's accounting ({@code crossCheck}).
   */
  public static PreCheckService on(SparkSession spark, SchemaDir schemas, Warehouse crossCheck,
      int parallel, long timeoutMillis) {
    return new PreCheckService(spark, schemas, crossCheck, parallel, timeoutMillis);
  }

  public List<FormType> formTypes() {
    return formTypes;
  }

  /** Every year some form can be checked for, ascending. */
  public List<Integer> years() {
    return formTypes.stream().flatMap(t -> t.years().stream()).distinct().sorted().toList();
  }

  public long timeoutMillis() {
    return timeoutMillis;
  }

  /**
   * Checks one file: the request first (a {@link Rejected} for what cannot be checked), then the
   * form's rules as the pipeline runs them.
   */
  public Checked check(Request request) {
    long t0 = System.nanoTime();
    FormType type = formType(request.skjema());
    int year = year(type, request.year());
    String region = region(request.region(), year);
    String orgnr = orgnr(type, request.orgnr());
    String encoding = content(request.content());
    String name = request.fileName() == null || request.fileName().isBlank() ? "fil"
        : request.fileName();
    Form form = Forms.of(schemas, type.id());
    Form.PreCheck preCheck = new Form.PreCheck(name, request.content(), type.id(), year,
        type.quarter(), region, orgnr, null, request.somethingToReport(), crossCheck);
    String group = "precheck-" + UUID.randomUUID();
    Future<ValidationReport> running = workers.submit(() -> {
      spark.sparkContext().setJobGroup(group, "pre-check", true);
      try {
        return form.preCheck(spark, schemas, preCheck);
      } finally {
        spark.sparkContext().clearJobGroup();
      }
    });
    try {
      ValidationReport report = running.get(timeoutMillis, TimeUnit.MILLISECONDS);
      return new Checked(report, encoding, (System.nanoTime() - t0) / 1_000_000);
    } catch (TimeoutException e) {
      running.cancel(true);
      spark.sparkContext().cancelJobGroup(group);
      throw new Rejected(503, "SYSTEM_ERROR", Map.of("ROOT", "Kontrollen ble ikke ferdig innen "
          + timeoutMillis / 1000 + " s (tjenesten er travel eller filen svært stor); prøv igjen."));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.cancel(true);
      throw new Rejected(503, "SYSTEM_ERROR", Map.of("ROOT", "Kontrollen ble avbrutt."));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IllegalArgumentException bad) {
        // what the form itself refuses (e.g. a declaration its layout cannot read)
        throw Rejected.invalid("ROOT", bad.getMessage());
      }
      throw new IllegalStateException("pre-check of " + type.id() + " " + year + " failed",
          e.getCause());
    }
  }

  private FormType formType(String skjema) {
    if (skjema == null || skjema.isBlank()) {
      throw Rejected.invalid("skjema", "Skjema må oppgis.");
    }
    return formTypes.stream().filter(t -> t.id().equals(skjema.trim())).findFirst()
        .orElseThrow(() -> Rejected.invalid("skjema", "Ukjent skjema «" + clip(skjema)
            + "». Gyldige skjema: " + String.join(", ", formTypes.stream().map(FormType::id)
            .toList()) + "."));
  }

  private static int year(FormType type, Integer year) {
    if (year == null) {
      throw Rejected.invalid("aar", "Årgang må oppgis.");
    }
    if (!type.years().contains(year)) {
      throw Rejected.invalid("aar", "Skjema " + type.id() + " kan ikke kontrolleres for " + year
          + ": kontroller finnes for " + type.years().get(0) + "–"
          + type.years().get(type.years().size() - 1) + ".");
    }
    return year;
  }

  /** A municipality (kkkk00 or kkkk), county authority (ff0000) or Oslo district of the year. */
  private String region(String given, int year) {
    if (given == null || given.isBlank()) {
      throw Rejected.invalid("region", "Region må oppgis.");
    }
    String region = given.trim();
    if (region.matches("\\d{4}")) {
      region = region + "00";
    }
    if (!region.matches("\\d{6}")) {
      throw Rejected.invalid("region", "Region må bestå av 6 siffer uten mellomrom.");
    }
    final String code = region;
    boolean exists = classifications.municipalities(year).stream()
        .anyMatch(m -> m.accountingRegion().equals(code))
        || classifications.counties(year).stream().anyMatch(c -> c.accountingRegion().equals(code))
        || classifications.osloDistricts(year).stream().anyMatch(d -> d.code().equals(code));
    if (!exists) {
      throw Rejected.invalid("region", "Region " + code + " finnes ikke i " + year
          + " (verken kommune, fylkeskommune eller bydel i Oslo).");
    }
    return region;
  }

  private static String orgnr(FormType type, String given) {
    String orgnr = given == null || given.isBlank() ? null : given.replace(" ", "");
    if (orgnr != null && !orgnr.matches("[89]\\d{8}(,[89]\\d{8})*")) {
      throw Rejected.invalid("orgnrForetak", "Må starte med 8 eller 9 etterfulgt av 8 siffer.");
    }
    if (orgnr == null && type.orgnrLabel() != null) {
      throw Rejected.invalid("orgnrForetak", "Skjema " + type.id()
          + " rapporteres per virksomhet: organisasjonsnummer må oppgis.");
    }
    return orgnr;
  }

  /**
   * That the file is there, within the limit and text; returns the encoding it is read in. The
   * pipeline reads UTF-8 and ISO-8859-1 alike (SSB's portal sends ISO-8859-1), so UTF-8 is no
   * error: the answer says which was found.
   */
  static String content(byte[] content) {
    if (content == null) {
      throw Rejected.invalid("file", "Filvedlegg er påkrevet.");
    }
    if (content.length == 0) {
      throw Rejected.invalid("file", "Filen er tom (0 byte). En 11F/11CF-fil uten noe å "
          + "rapportere inneholder ett mellomrom.");
    }
    if (content.length > MAX_BYTES) {
      throw new Rejected(413, "VALIDATION_ERROR", Map.of("file", "Filen er på " + content.length
          + " byte; største fil som tas imot er " + MAX_BYTES / (1024 * 1024) + " MiB."));
    }
    int line = 1;
    int control = 0;
    for (int i = 0; i < content.length; i++) {
      int b = content[i] & 0xff;
      if (b == '\n') {
        line++;
      } else if (b == 0) {
        throw new Rejected(415, "VALIDATION_ERROR", Map.of("file", "Filen er ikke en tekstfil: "
            + "NUL-byte på linje " + line + " (byte " + (i + 1) + "). Last opp filen som "
            + "tekst (ISO-8859-1), ikke som regneark, PDF eller ZIP."));
      } else if (b < 0x20 && b != '\r' && b != '\t' && b != '\f') {
        control++;
      }
    }
    if (control > Math.max(8, content.length / 100)) {
      throw new Rejected(415, "VALIDATION_ERROR", Map.of("file", "Filen er ikke en tekstfil: "
          + control + " kontrolltegn. Last opp filen som tekst (ISO-8859-1)."));
    }
    boolean ascii = true;
    for (byte b : content) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    return ascii ? "US-ASCII" : TextFiles.decode(content).encoding();
  }

  private static String clip(String s) {
    String t = s.strip();
    return t.length() > 20 ? t.substring(0, 20) + "…" : t;
  }

  @Override
  public void close() {
    workers.shutdownNow();
    spark.conf().set(no.kostra.spark.Prepared.ENABLED, preparedBefore);
  }
}

package no.kostra.precheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import no.kostra.EndToEnd;
import no.kostra.TestBase;
import no.kostra.form.Form;
import no.kostra.form.Forms;
import no.kostra.layout.FixedWidthLayout;
import no.kostra.sosial.SosialForms;
import no.kostra.sosial.generate.SosialGenerator;
import no.kostra.validate.ValidationReport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code bin/kostra serve} over real HTTP: SSB's API gives what {@code validate} gives for the same
 * file; every kind of bad request gets its 4xx JSON error naming the field, and the server goes on;
 * an 11F file's identifiers appear nowhere (answer, log, temporary files); the web page, in headless
 * Chromium, uploads a file and shows its findings.
 */
@EndToEnd
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreCheckServerTest extends TestBase {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();
  private PreCheckServer server;
  private String base;
  private Path dir;
  private final StringWriter log = new StringWriter();
  private WriterAppender appender;

  /** One record in the 48-character layout (orgnr and foretaksnr blank). */
  private static String rec(String region, String funksjon, String art, long belop) {
    return String.format("0A2025 %s%18s1%-4s%3s%9d", region, "", funksjon, art, belop);
  }

  /** Bergen's 0A with a known problem: function 999 does not exist (ERROR, rule 010). */
  private static final String BERGEN = String.join("\r\n", rec("460100", "100", "010", 1000),
      rec("460100", "999", "010", 500), rec("460100", "800", "870", -1000),
      rec("460100", "840", "800", -500)) + "\r\n";

  @BeforeAll
  void startTheServer() {
    startSpark();
    dir = tempDir("precheck");
    // everything the server's classes log (request log, errors) is read back by the privacy test
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    appender = WriterAppender.newBuilder().setName("precheck-test").setTarget(log)
        .setLayout(PatternLayout.newBuilder().withPattern("%c %m%n").build()).build();
    appender.start();
    context.getConfiguration().addAppender(appender);
    context.getRootLogger().addAppender(appender);
    context.getLogger("io.javalin").addAppender(appender);
    server = PreCheckServer.start(PreCheckService.on(spark(), SCHEMAS, null, 2, 120_000),
        "127.0.0.1", 0, "test");
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  void stopTheServer() {
    server.close();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getRootLogger().removeAppender(appender);
    appender.stop();
  }

  /** A multipart body, as a browser or SSB's portal sends it. */
  private static final class Multipart {
    private final String boundary = "----kostra" + System.nanoTime();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    Multipart field(String name, String value) {
      write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n"
          + value + "\r\n");
      return this;
    }

    Multipart file(String name, String fileName, byte[] content) {
      write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
          + "\"; filename=\"" + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
      body.writeBytes(content);
      write("\r\n");
      return this;
    }

    private void write(String s) {
      body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    HttpRequest.BodyPublisher publisher() {
      write("--" + boundary + "--\r\n");
      return HttpRequest.BodyPublishers.ofByteArray(body.toByteArray());
    }

    String contentType() {
      return "multipart/form-data; boundary=" + boundary;
    }
  }

  private HttpResponse<String> post(String path, Multipart form) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", form.contentType()).POST(form.publisher()).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String form(int year, String skjema, String region) {
    return "{\"aar\": " + year + ", \"skjema\": \"" + skjema + "\", \"region\": \"" + region
        + "\", \"navn\": \"Bergen\", \"orgnrForetak\": null, \"filnavn\": \"0A_2025_460100.dat\"}";
  }

  @Test
  void ssbsApiAnswersWhatValidateGivesForTheSameFile() throws Exception {
    HttpResponse<String> answer = post("/api/kontroller-skjema", new Multipart()
        .field("kostraFormAsJson", form(2025, "0A", "460100"))
        .file("file", "0A_2025_460100.dat", BERGEN.getBytes(StandardCharsets.ISO_8859_1)));
    assertEquals(200, answer.statusCode(), answer.body());
    JsonNode report = JSON.readTree(answer.body());
    assertEquals("ERROR", report.get("severity").asText());
    assertEquals("0A_2025_460100.dat", report.at("/innparametere/filnavn").asText());
    assertEquals("Bergen", report.at("/innparametere/navn").asText());
    // the same check as bin/kostra validate: every finding, its rule and its lines
    ValidationReport expected = Forms.of(SCHEMAS, "0A").preCheck(spark(), SCHEMAS,
        new Form.PreCheck("0A_2025_460100.dat", BERGEN.getBytes(StandardCharsets.ISO_8859_1), "0A",
            2025, null, "460100", null, null, null, null));
    assertEquals(expected.validationSummary().numberOfControls(),
        report.get("antallKontroller").asLong());
    List<String> ours = new ArrayList<>();
    expected.reportEntries().forEach(e -> ours.add(e.severity() + " Kontroll " + e.ruleId()
        + " : " + e.ruleName() + " | " + e.messageText() + " | " + e.lineNumbers()));
    List<String> theirs = new ArrayList<>();
    report.get("feil").forEach(e -> theirs.add(e.get("severity").asText() + " "
        + e.get("ruleName").asText() + " | " + e.get("messageText").asText() + " | "
        + e.get("lineNumbers").toString().replace(",", ", ")));
    assertEquals(ours, theirs);
    Assertions.assertTrue(theirs.stream().anyMatch(t -> t.startsWith("ERROR Kontroll 010 : ")
        && t.endsWith("| [2]")), theirs.toString());
    // SSB's entry has all eight fields, strings never null
    JsonNode first = report.get("feil").get(0);
    for (String field : List.of("severity", "caseworker", "journalId", "individId", "contextId",
        "ruleName", "messageText", "lineNumbers")) {
      Assertions.assertTrue(first.has(field) && !first.get(field).isNull(), field + " in " + first);
    }
  }

  @Test
  void uiDataListsTheYearsAndFormsAndTheOpenApiDescribesEveryPath() throws Exception {
    JsonNode ui = JSON.readTree(get("/api/ui-data").body());
    assertEquals(List.of(2022, 2023, 2024, 2025, 2026), JSON.convertValue(ui.get("years"),
        List.class));
    List<String> ids = new ArrayList<>();
    ui.get("formTypes").forEach(t -> ids.add(t.get("id").asText()));
    Assertions.assertTrue(ids.containsAll(List.of("0A", "0AK1", "0DK4", "0F", "0M", "11F", "11CF", "7",
        "12")), ids.toString());
    Assertions.assertFalse(ids.contains("0X"), "health trusts are not checked: " + ids);
    JsonNode church = null;
    for (JsonNode t : ui.get("formTypes")) {
      if (t.get("id").asText().equals("0F")) {
        church = t;
      }
    }
    assertEquals("Organisasjonsnummer", church.get("labelOrgnr").asText());
    String openApi = get("/api/openapi.yaml").body();
    for (String path : List.of("/api/ui-data:", "/api/kontroller-skjema:", "/api/v1/kontroll:",
        "/api/openapi.yaml:", "  /:")) {
      Assertions.assertTrue(openApi.contains("\n  " + path.strip()) || openApi.contains("\n" + path),
          "OpenAPI describes " + path);
    }
    Assertions.assertTrue(get("/").body().contains("Kontroller en KOSTRA-fil før innsending"));
  }

  /** Our own endpoint: the report of validate --format json|html, and the encoding found. */
  @Test
  void ourOwnReportAsJsonAndHtmlSaysTheEncodingItRead() throws Exception {
    String withName = BERGEN + "Merknad: Bærum\r\n";
    HttpResponse<String> utf8 = post("/api/v1/kontroll", new Multipart().field("skjema", "0A")
        .field("aar", "2025").field("region", "4601")
        .file("file", "bergen.dat", withName.getBytes(StandardCharsets.UTF_8)));
    assertEquals(200, utf8.statusCode(), utf8.body());
    assertEquals("UTF-8", utf8.headers().firstValue("X-Kostra-Encoding").orElse(""));
    JsonNode report = JSON.readTree(utf8.body());
    assertEquals("FATAL", report.at("/validationSummary/severity").asText());
    assertEquals("UTF-8", report.get("encoding").asText());
    HttpResponse<String> latin1 = post("/api/v1/kontroll?format=html", new Multipart()
        .field("skjema", "0A").field("aar", "2025").field("region", "460100")
        .file("file", "bergen.dat", withName.getBytes(StandardCharsets.ISO_8859_1)));
    assertEquals(200, latin1.statusCode());
    assertEquals("ISO-8859-1", latin1.headers().firstValue("X-Kostra-Encoding").orElse(""));
    Assertions.assertTrue(latin1.body().contains("<h1>Kontrollrapport</h1>")
        && latin1.body().contains("ISO-8859-1"), latin1.body());
  }

  record Bad(String name, String path, Multipart form, int status, String field, String says) {}

  @TestFactory
  Stream<DynamicTest> badRequestsGetAClearErrorAndTheServerGoesOn() {
    byte[] ok = BERGEN.getBytes(StandardCharsets.ISO_8859_1);
    byte[] binary = {'P', 'K', 3, 4, 0, 0, 8, 0, 0, 0, 0x1f, (byte) 0x8b};
    byte[] tooLarge = new byte[PreCheckService.MAX_BYTES + 1];
    java.util.Arrays.fill(tooLarge, (byte) ' ');
    String ssb = "/api/kontroller-skjema";
    List<Bad> cases = List.of(
        new Bad("no file part", ssb, new Multipart().field("kostraFormAsJson",
            form(2025, "0A", "460100")), 400, "file", "påkrevet"),
        new Bad("no form part", ssb, new Multipart().file("file", "a.dat", ok), 400,
            "kostraFormAsJson", "mangler"),
        new Bad("form part not JSON", ssb, new Multipart().field("kostraFormAsJson", "aar=2025")
            .file("file", "a.dat", ok), 400, "kostraFormAsJson", "ikke gyldig JSON"),
        new Bad("empty file", ssb, new Multipart().field("kostraFormAsJson",
            form(2025, "0A", "460100")).file("file", "a.dat", new byte[0]), 400, "file", "tom"),
        new Bad("binary file", ssb, new Multipart().field("kostraFormAsJson",
            form(2025, "0A", "460100")).file("file", "a.zip", binary), 415, "file",
            "ikke en tekstfil"),
        new Bad("unknown form", ssb, new Multipart().field("kostraFormAsJson",
            form(2025, "0Z", "460100")).file("file", "a.dat", ok), 400, "skjema",
            "Ukjent skjema"),
        new Bad("year without rules", ssb, new Multipart().field("kostraFormAsJson",
            form(2019, "0A", "460100")).file("file", "a.dat", ok), 400, "aar", "2022–2026"),
        new Bad("region that does not exist that year", ssb, new Multipart()
            .field("kostraFormAsJson", form(2025, "0A", "120100")).file("file", "a.dat", ok), 400,
            "region", "finnes ikke i 2025"),
        new Bad("region not six digits", ssb, new Multipart().field("kostraFormAsJson",
            form(2025, "0A", "46 01")).file("file", "a.dat", ok), 400, "region", "6 siffer"),
        new Bad("a church form without orgnr", ssb, new Multipart().field("kostraFormAsJson",
            form(2025, "0F", "460100")).file("file", "a.dat", ok), 400, "orgnrForetak",
            "organisasjonsnummer må oppgis"),
        new Bad("a file over the limit", ssb, new Multipart().field("kostraFormAsJson",
            form(2025, "0A", "460100")).file("file", "a.dat", tooLarge), 413, "file", "MiB"),
        new Bad("our endpoint: year not a number", "/api/v1/kontroll", new Multipart()
            .field("skjema", "0A").field("aar", "i fjor").field("region", "460100")
            .file("file", "a.dat", ok), 400, "aar", "årstall"));
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      HttpResponse<String> answer = post(c.path(), c.form());
      assertEquals(c.status(), answer.statusCode(), answer.body());
      JsonNode error = JSON.readTree(answer.body());
      assertEquals(c.status(), error.get("httpStatusCode").asInt());
      assertEquals(c.path(), error.get("url").asText());
      String says = error.path("validationErrors").path(c.field()).asText();
      Assertions.assertTrue(says.contains(c.says()), c.field() + ": " + error);
      // and the next request is answered
      assertEquals(200, get("/api/ui-data").statusCode());
    }));
  }

  @Test
  void notMultipartAnUnknownPathAndACheckThatTakesTooLong() throws Exception {
    HttpResponse<String> json = http.send(HttpRequest.newBuilder(URI.create(base
        + "/api/kontroller-skjema")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(415, json.statusCode(), json.body());
    HttpResponse<String> unknown = get("/api/kontroller");
    assertEquals(404, unknown.statusCode());
    assertEquals("VALIDATION_ERROR", JSON.readTree(unknown.body()).get("errorType").asText());
    // a service that gives each check 1 ms: the check is cancelled, the answer is 503
    try (PreCheckServer hurried = PreCheckServer.start(PreCheckService.on(spark(), SCHEMAS, null,
        1, 1), "127.0.0.1", 0, "test")) {
      HttpResponse<String> late = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + hurried.port() + "/api/kontroller-skjema")).header("Content-Type",
          "multipart/form-data; boundary=b").POST(HttpRequest.BodyPublishers.ofString(
          "--b\r\nContent-Disposition: form-data; name=\"kostraFormAsJson\"\r\n\r\n"
              + form(2025, "0A", "460100") + "\r\n--b\r\nContent-Disposition: form-data; "
              + "name=\"file\"; filename=\"a.dat\"\r\n\r\n" + BERGEN + "\r\n--b--\r\n")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(503, late.statusCode(), late.body());
      Assertions.assertTrue(JSON.readTree(late.body()).at("/validationErrors/ROOT").asText()
          .contains("ikke ferdig"), late.body());
    }
    assertEquals(200, post("/api/kontroller-skjema", new Multipart()
        .field("kostraFormAsJson", form(2025, "0A", "460100"))
        .file("file", "a.dat", BERGEN.getBytes(StandardCharsets.ISO_8859_1))).statusCode());
  }

  /**
   * The attack: an 11F file with real-looking identifiers is checked; its fødselsnummer, DUF
   * numbers, journal numbers and caseworkers must not come back in the answer, nor appear in the
   * server's log or in any file written while it was checked.
   */
  @Test
  void anElevenFFilesIdentifiersAppearNowhere() throws Exception {
    Path in = Files.createDirectories(dir.resolve("sosial"));
    // Klepp: some hundred recipients (a small municipality may send the one-space "nothing" file)
    SosialGenerator.forYear(2025, SCHEMAS).seed(11).faults(false).only(Set.of("1120"))
        .writeTo(in);
    Path file;
    try (var files = Files.list(in)) {
      file = files.filter(f -> f.getFileName().toString().startsWith("11F_")).findFirst()
          .orElseThrow();
    }
    byte[] content = Files.readAllBytes(file);
    FixedWidthLayout layout = SosialForms.load(SCHEMAS).layout("11F", 2025);
    Set<String> secrets = new HashSet<>();
    // the identity numbers alone are unique to this file: the other test JVM writes generated
    // 11F files of its own under the same temporary folder, with the same synthetic caseworkers
    // (NAV0001-NAV0040), birth dates and, by chance, journal numbers
    Set<String> numbers = new HashSet<>();
    for (String line : new String(content, StandardCharsets.ISO_8859_1).split("\r?\n")) {
      if (line.length() != layout.recordLength()) {
        continue;
      }
      for (String field : List.of("PERSON_FODSELSNR", "PERSON_DUF", "PERSON_JOURNALNR",
          "SAKSBEHANDLER", "FODSELSDATO")) {
        String value = layout.field(field).cut(line).strip();
        if (value.length() >= 4 && !value.chars().allMatch(c -> c == '0')) {
          secrets.add(value);
          if (field.equals("PERSON_FODSELSNR") || field.equals("PERSON_DUF")) {
            numbers.add(value);
          }
        }
      }
    }
    Assertions.assertTrue(numbers.size() >= 3, "the file has identity numbers: " + numbers.size());
    Assertions.assertTrue(secrets.size() >= 3, "the file has identifiers: " + secrets.size());
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    long before = System.currentTimeMillis() - 1000;
    String answers = "";
    for (String path : List.of("/api/kontroller-skjema", "/api/v1/kontroll",
        "/api/v1/kontroll?format=html")) {
      Multipart form = path.equals("/api/kontroller-skjema")
          ? new Multipart().field("kostraFormAsJson", "{\"aar\": 2025, \"skjema\": \"11F\", "
              + "\"region\": \"112000\", \"filnavn\": \"" + file.getFileName() + "\"}")
          : new Multipart().field("skjema", "11F").field("aar", "2025").field("region", "112000");
      HttpResponse<String> answer = post(path, form.file("file", file.getFileName().toString(),
          content));
      assertEquals(200, answer.statusCode(), answer.body());
      answers += answer.body();
    }
    Assertions.assertTrue(answers.contains("journal") || answers.contains("journalId"), answers);
    String logged = log.toString();
    Assertions.assertTrue(logged.contains("/api/kontroller-skjema"), "the request log is captured");
    List<String> found = new ArrayList<>();
    for (String secret : secrets) {
      if (answers.contains(secret)) {
        found.add("answer: " + secret);
      }
      if (logged.contains(secret)) {
        found.add("log: " + secret);
      }
    }
    // every file written under the temporary folder while the checks ran (Jetty's multipart
    // spill, Spark's block manager) is read for the file's identity numbers
    // (the other test JVM creates and removes folders there meanwhile: what vanishes is skipped)
    Files.walkFileTree(tmp, new java.nio.file.SimpleFileVisitor<>() {
      @Override
      public java.nio.file.FileVisitResult visitFile(Path p,
          java.nio.file.attribute.BasicFileAttributes attrs) {
        if (attrs.isRegularFile() && attrs.lastModifiedTime().toMillis() >= before
            && attrs.size() <= 50_000_000) {
          try {
            String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
            numbers.stream().filter(text::contains).forEach(s -> found.add(p + ": " + s));
          } catch (IOException e) {
            // gone or unreadable meanwhile: not ours
          }
        }
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult visitFileFailed(Path p, IOException e) {
        return java.nio.file.FileVisitResult.CONTINUE;
      }
    });
    // the generated input itself is under the temporary folder: it is the one place allowed
    found.removeIf(f -> f.startsWith(in.toString()));
    assertEquals(List.of(), found);
  }

  /** The web page in a real browser: choose year and form, give region, upload, read findings. */
  @Test
  void theWebPageUploadsAFileAndShowsItsFindings() throws Exception {
    Path upload = dir.resolve("0A_2025_460100.dat");
    Files.writeString(upload, BERGEN, StandardCharsets.ISO_8859_1);
    try (HeadlessChromium browser = HeadlessChromium.start(dir.resolve("chromium"))) {
      browser.open(base + "/");
      browser.waitFor("document.body.dataset.klar === 'ja'", Duration.ofSeconds(60));
      assertEquals("Organisasjonsnummer", browser.eval("document.getElementById('orgnrEtikett')"
          + ".textContent").asText());
      browser.eval("(() => { const s = document.getElementById('aar'); s.value = '2025'; "
          + "const f = document.getElementById('skjema'); f.value = '0A'; "
          + "f.dispatchEvent(new Event('change')); "
          + "document.getElementById('region').value = '460100'; return true; })()");
      assertEquals("skjult", browser.eval("document.getElementById('orgnrRad').className")
          .asText(), "0A has no orgnr field");
      browser.upload("#fil", upload);
      browser.eval("document.getElementById('kontroller').click()");
      browser.waitFor("document.body.dataset.ferdig === '1'", Duration.ofSeconds(120));
      assertEquals("", browser.eval("document.getElementById('feilmelding').textContent")
          .asText());
      JsonNode page = browser.eval("JSON.stringify({"
          + "result: document.getElementById('alvorlighet').textContent, "
          + "verdict: document.getElementById('dom').textContent, "
          + "rules: [...document.querySelectorAll('#oppsummering tbody tr')].map(r => "
          + "[...r.cells].map(c => c.textContent)), "
          + "findings: [...document.querySelectorAll('#funn tbody tr')].map(r => "
          + "[...r.cells].map(c => c.textContent)), "
          + "download: document.getElementById('lastNed').download})");
      JsonNode shown = JSON.readTree(page.asText());
      Assertions.assertTrue(shown.get("result").asText().startsWith("Feil: 0 fatale feil, 1 feil"),
          shown.toString());
      assertEquals("Filen må korrigeres før den kan sendes inn.", shown.get("verdict").asText());
      assertEquals("kontrollrapport_0A_2025_460100.json", shown.get("download").asText());
      Map<String, String> findings = new LinkedHashMap<>();
      shown.get("findings").forEach(r -> findings.put(r.get(1).asText(), r.get(3).asText()));
      assertEquals("2", findings.entrySet().stream().filter(e -> e.getKey().startsWith("010 "))
          .map(Map.Entry::getValue).findFirst().orElse("(no 010 finding)"), shown.toString());
      assertEquals(shown.get("findings").size(), sum(shown.get("rules")), shown.toString());
      // a bad request is shown on the page, in Norwegian, naming the field
      browser.eval("document.getElementById('region').value = '999900'; "
          + "document.getElementById('kontroller').click(); true");
      browser.waitFor("document.body.dataset.ferdig === '2'", Duration.ofSeconds(60));
      Assertions.assertTrue(browser.eval("document.getElementById('feilmelding').textContent").asText()
          .startsWith("Region: Region 999900 finnes ikke i 2025"));
    }
  }

  private static int sum(JsonNode rules) {
    int n = 0;
    for (JsonNode r : rules) {
      n += r.get(3).asInt();
    }
    return n;
  }
}

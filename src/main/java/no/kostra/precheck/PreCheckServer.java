package no.kostra.precheck;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/kostra serve}: the pre-check over HTTP (Javalin on Jetty 11).
 *
 * <ul>
 *   <li>{@code GET /}: the web page (Norwegian): year, form, region, orgnr, file; the report.
 *   <li>{@code POST /api/kontroller-skjema}: SSB's API ({@link SsbApi}), multipart with the parts
 *       {@code kostraFormAsJson} and {@code file}.
 *   <li>{@code GET /api/ui-data}: SSB's list of years and forms.
 *   <li>{@code POST /api/v1/kontroll?format=json|html}: our own report (what
 *       {@code bin/kostra validate --format json|html} writes), multipart with the parts
 *       {@code file}, {@code skjema}, {@code aar}, {@code region}, {@code orgnr} and (11F/11CF)
 *       {@code skalRapportere}.
 *   <li>{@code GET /api/openapi.yaml}: the OpenAPI description of all of them.
 * </ul>
 *
 * A request the service cannot check gets a 4xx JSON error in SSB's shape ({@link SsbApi.ApiError})
 * naming the field; the server goes on. Uploads are held in memory only (multipart parts are
 * never spilled to disk, bodies over the limit are refused before they are read), and the log
 * names no file, region or content: only the request's method, path, status and time.
 */
public final class PreCheckServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PreCheckServer.class);
  /** Room for the form fields and multipart framing beside the largest file. */
  private static final long MAX_REQUEST_BYTES = PreCheckService.MAX_BYTES + 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final PreCheckService service;
  private final Javalin app;

  private PreCheckServer(PreCheckService service, String version) {
    this.service = service;
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.http.maxRequestSize = MAX_REQUEST_BYTES;
      // parts stay in memory up to the limit: nothing a respondent uploads is written to disk
      config.jetty.multipartConfig.maxFileSize(PreCheckService.MAX_BYTES, SizeUnit.BYTES);
      config.jetty.multipartConfig.maxTotalRequestSize(MAX_REQUEST_BYTES, SizeUnit.BYTES);
      config.jetty.multipartConfig.maxInMemoryFileSize((int) MAX_REQUEST_BYTES + 1,
          SizeUnit.BYTES);
      // requests beyond the pool wait in Jetty's queue; the pool bounds the bodies in memory
      config.jetty.threadPool = new QueuedThreadPool(24, 4);
      config.requestLogger.http((ctx, ms) -> LOG.info("{} {} {} {} ms", ctx.method(), ctx.path(),
          ctx.statusCode(), Math.round(ms)));
    });
    app.before(this::refuseLargeBodies);
    app.get("/", ctx -> ctx.contentType("text/html; charset=utf-8")
        .result(resource("precheck/index.html")));
    app.get("/api/ui-data", ctx -> json(ctx, 200, SsbApi.uiData(version, service)));
    app.get("/api/openapi.yaml", ctx -> ctx.contentType("application/yaml; charset=utf-8")
        .result(resource("precheck/openapi.yaml")));
    app.post("/api/kontroller-skjema", this::ssbCheck);
    app.post("/api/v1/kontroll", this::ownCheck);
    app.exception(PreCheckService.Rejected.class, (e, ctx) -> error(ctx, e.status(),
        e.errorType(), e.errors()));
    app.exception(Exception.class, (e, ctx) -> {
      if (isTooLarge(e)) {
        error(ctx, 413, "VALIDATION_ERROR", Map.of("file", "Forespørselen er større enn "
            + PreCheckService.MAX_BYTES / (1024 * 1024) + " MiB."));
        return;
      }
      // the exception's class and message only: a message never carries a file's content
      LOG.error("pre-check failed on {}: {}", ctx.path(), e.toString());
      error(ctx, 500, "SYSTEM_ERROR", null);
    });
    app.error(404, ctx -> {
      if (ctx.result() == null || ctx.path().startsWith("/api/")) {
        error(ctx, 404, "VALIDATION_ERROR", Map.of("ROOT", "Ukjent adresse " + ctx.path()));
      }
    });
  }

  /** Starts the server on the address ({@code port} 0: any free port). */
  public static PreCheckServer start(PreCheckService service, String bind, int port,
      String version) {
    PreCheckServer server = new PreCheckServer(service, version);
    server.app.start(bind, port);
    return server;
  }

  public int port() {
    return app.port();
  }

  private void refuseLargeBodies(Context ctx) {
    if (ctx.contentLength() > MAX_REQUEST_BYTES) {
      throw new PreCheckService.Rejected(413, "VALIDATION_ERROR", Map.of("file",
          "Forespørselen er på " + ctx.contentLength() + " byte; største fil som tas imot er "
              + PreCheckService.MAX_BYTES / (1024 * 1024) + " MiB."));
    }
  }

  /** SSB's contract: the form as JSON in one part, the file in another. */
  private void ssbCheck(Context ctx) {
    requireMultipart(ctx);
    String formJson = ctx.formParam("kostraFormAsJson");
    if (formJson == null || formJson.isBlank()) {
      throw PreCheckService.Rejected.invalid("kostraFormAsJson",
          "Delen kostraFormAsJson mangler.");
    }
    SsbApi.KostraForm form;
    try {
      form = JSON.readValue(formJson, SsbApi.KostraForm.class);
    } catch (IOException e) {
      throw PreCheckService.Rejected.invalid("kostraFormAsJson",
          "kostraFormAsJson er ikke gyldig JSON for skjemaet (aar, skjema, region, navn, "
              + "orgnrForetak, filnavn).");
    }
    UploadedFile file = ctx.uploadedFile("file");
    String name = form.filnavn() != null && !form.filnavn().isBlank() ? form.filnavn()
        : file != null ? file.filename() : null;
    PreCheckService.Checked checked = service.check(new PreCheckService.Request(name,
        bytes(file), form.skjema(), form.aar(), form.region(), form.orgnrForetak(), null));
    SsbApi.KostraForm echo = new SsbApi.KostraForm(form.aar(), form.skjema(), form.region(),
        form.navn(), form.orgnrForetak(), name);
    ctx.header("X-Kostra-Encoding", checked.encoding());
    json(ctx, 200, SsbApi.report(echo, checked.report()));
  }

  /** Ours: plain form fields and the file; the report as {@code validate} writes it. */
  private void ownCheck(Context ctx) {
    requireMultipart(ctx);
    String format = ctx.queryParamAsClass("format", String.class).getOrDefault("json");
    if (!format.equals("json") && !format.equals("html")) {
      throw PreCheckService.Rejected.invalid("format", "format må være json eller html.");
    }
    UploadedFile file = ctx.uploadedFile("file");
    String year = ctx.formParam("aar");
    Integer aar;
    try {
      aar = year == null || year.isBlank() ? null : Integer.valueOf(year.trim());
    } catch (NumberFormatException e) {
      throw PreCheckService.Rejected.invalid("aar", "Årgang må være et årstall.");
    }
    String answer = ctx.formParam("skalRapportere");
    Boolean somethingToReport = answer == null || answer.isBlank() ? null
        : switch (answer.trim().toLowerCase()) {
          case "ja", "true" -> true;
          case "nei", "false" -> false;
          default -> throw PreCheckService.Rejected.invalid("skalRapportere",
              "skalRapportere må være ja eller nei.");
        };
    String name = file != null ? file.filename() : null;
    PreCheckService.Checked checked = service.check(new PreCheckService.Request(name,
        bytes(file), ctx.formParam("skjema"), aar, ctx.formParam("region"),
        ctx.formParam("orgnr"), somethingToReport));
    var report = checked.report().withEncoding(checked.encoding());
    ctx.header("X-Kostra-Encoding", checked.encoding());
    if (format.equals("html")) {
      ctx.status(200).contentType("text/html; charset=utf-8")
          .result(report.toHtml(name == null ? "fil" : name));
    } else {
      ctx.status(200).contentType("application/json; charset=utf-8").result(report.toJson());
    }
  }

  private static void requireMultipart(Context ctx) {
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase().startsWith("multipart/form-data")) {
      throw new PreCheckService.Rejected(415, "VALIDATION_ERROR", Map.of("ROOT",
          "Forespørselen må være multipart/form-data (delene file og skjemaets felt)."));
    }
  }

  private static byte[] bytes(UploadedFile file) {
    if (file == null) {
      return null;
    }
    try (InputStream in = file.content()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isTooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("exceeds") || m.contains("too large") || m.contains("Request exceeds")) {
        return true;
      }
    }
    return false;
  }

  private static void error(Context ctx, int status, String type, Map<String, String> errors) {
    json(ctx, status, new SsbApi.ApiError(System.currentTimeMillis(), status, type, ctx.path(),
        errors));
  }

  private static void json(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json; charset=utf-8")
          .result(JSON.writeValueAsString(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = PreCheckServer.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    app.stop();
    service.close();
  }
}

package no.kostra.precheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import no.kostra.form.Form;
import no.kostra.form.Forms;
import no.kostra.ingest.SubmittedFiles;
import no.kostra.schemas.SchemaDir;
import no.kostra.spark.KostraSession;

/**
 * {@code bin/benchmark-precheck}: the pre-check service started in this JVM and driven over HTTP
 * as clients drive it, on the files of a folder (the national demo's input).
 *
 * <ol>
 *   <li>latency: one client sends one file again and again (after a warm-up); p50 and p95;
 *   <li>throughput: every accounting and 11F/11CF file of the folder once, one after another;
 *   <li>load: {@code clients} clients at once for {@code seconds}, each answer compared with the
 *       throughput pass's answer for the same file (pseudonyms aside: they come from a one-off key
 *       per check); the heap used at the end.
 * </ol>
 * Arguments: {@code FOLDER [latency-files] [requests] [clients] [seconds] [max-files]}.
 */
public final class PreCheckBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PSEUDONYM = Pattern.compile("\\b[0-9a-f]{32}\\b");

  private record Upload(String name, byte[] content, String skjema, int year, String region,
      String orgnr) {}

  private PreCheckBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args[0]);
    List<String> latencyFiles = args.length > 1 ? List.of(args[1].split(","))
        : List.of("0A_2025_460100.dat", "11F_2025_030101.dat");
    int requests = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    int clients = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 60;
    int maxFiles = args.length > 5 ? Integer.parseInt(args[5]) : Integer.MAX_VALUE;
    long t0 = System.nanoTime();
    SchemaDir schemas = SchemaDir.locate();
    PreCheckService service = PreCheckService.on(KostraSession.getOrCreate(), schemas, null,
        Math.max(2, clients / 2), 300_000);
    try (PreCheckServer server = PreCheckServer.start(service, "127.0.0.1", 0, "benchmark")) {
      System.out.printf("benchmark-precheck: service started in %.1f s%n", secs(t0));
      String url = "http://127.0.0.1:" + server.port() + "/api/kontroller-skjema";
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      List<Upload> all = uploads(folder, schemas);
      // the throughput and load passes take every file, or the first max-files of them
      List<Upload> uploads = all.subList(0, Math.min(maxFiles, all.size()));
      System.out.printf("benchmark-precheck: %d accounting and 11F/11CF files in %s%n",
          all.size(), folder);

      for (String name : latencyFiles) {
        Upload u = all.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(
            () -> new IllegalArgumentException(name + " is not in " + folder));
        for (int i = 0; i < Math.min(20, requests); i++) { // warm-up
          send(http, url, u);
        }
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
          long t = System.nanoTime();
          send(http, url, u);
          ms.add((System.nanoTime() - t) / 1_000_000);
        }
        Collections.sort(ms);
        System.out.printf("latency %s (%d lines, %d bytes): %d requests, p50 %d ms, p95 %d ms, "
                + "max %d ms%n", name, lines(u.content()), u.content().length, requests,
            ms.get(ms.size() / 2), ms.get((int) (ms.size() * 0.95)), ms.get(ms.size() - 1));
      }

      Map<String, String> expected = new ConcurrentHashMap<>();
      long t = System.nanoTime();
      for (Upload u : uploads) {
        expected.put(u.name(), signature(send(http, url, u)));
      }
      double took = secs(t);
      System.out.printf("throughput: %d files one after another in %.1f s: %.1f files/s%n",
          uploads.size(), took, uploads.size() / took);

      AtomicInteger answered = new AtomicInteger();
      AtomicInteger wrong = new AtomicInteger();
      AtomicLong slowest = new AtomicLong();
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        running.add(pool.submit(() -> {
          int i = client;
          while (System.nanoTime() < end) {
            Upload u = uploads.get(Math.floorMod(i * 7919, uploads.size()));
            i += clients;
            long s = System.nanoTime();
            String got = signature(send(http, url, u));
            slowest.accumulateAndGet((System.nanoTime() - s) / 1_000_000, Math::max);
            answered.incrementAndGet();
            if (!got.equals(expected.get(u.name()))) {
              wrong.incrementAndGet();
              System.out.println("load: a different answer for " + u.name());
            }
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get();
      }
      pool.shutdown();
      Runtime rt = Runtime.getRuntime();
      System.out.printf("load: %d clients for %d s: %d answers (%.1f/s), %d differing from the "
              + "sequential pass, slowest %d ms; heap used %d MB of %d MB (max %d MB)%n", clients,
          seconds, answered.get(), answered.get() / (double) seconds, wrong.get(), slowest.get(),
          (rt.totalMemory() - rt.freeMemory()) >> 20, rt.totalMemory() >> 20, rt.maxMemory() >> 20);
      System.gc();
      System.out.printf("load: heap used after a full collection %d MB%n",
          (rt.totalMemory() - rt.freeMemory()) >> 20);
    }
  }

  /** Every accounting and 11F/11CF file of the folder, with what its name says it is. */
  private static List<Upload> uploads(Path folder, SchemaDir schemas) throws Exception {
    List<Upload> out = new ArrayList<>();
    var recognisers = Forms.recognisers(schemas);
    try (var files = Files.list(folder)) {
      for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith("_") || name.startsWith(".")) {
          continue;
        }
        byte[] content = Files.readAllBytes(p);
        var s = SubmittedFiles.recogniseOne(name, content, recognisers);
        if (s.declared() == null || !List.of("regnskap", "sosial").contains(
            s.declared().stage()) || !"name".equals(s.by())) {
          continue;
        }
        Form form = Forms.ofStage(s.declared().stage());
        Form.PreCheck d = form.declared(name, content, s.declared(), null);
        if (d != null && !d.skjema().startsWith("0X") && !d.skjema().startsWith("0Y")) {
          out.add(new Upload(name, content, d.skjema(), d.year(), d.region(), d.orgnr()));
        }
      }
    }
    return out;
  }

  private static String send(HttpClient http, String url, Upload u) {
    String boundary = "----bench" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String form = "{\"aar\": " + u.year() + ", \"skjema\": \"" + u.skjema() + "\", \"region\": \""
        + u.region() + "\", \"orgnrForetak\": " + (u.orgnr() == null ? "null" : "\"" + u.orgnr()
        + "\"") + ", \"filnavn\": \"" + u.name() + "\"}";
    body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; "
        + "name=\"kostraFormAsJson\"\r\n\r\n" + form + "\r\n--" + boundary
        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + u.name()
        + "\"\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.writeBytes(u.content());
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
          .header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return "HTTP " + r.statusCode() + " " + r.body();
      }
      return r.body();
    } catch (Exception e) {
      return "failed: " + e;
    }
  }

  /** The answer without the one-off pseudonyms (a new key per check). */
  private static String signature(String answer) {
    try {
      JsonNode n = JSON.readTree(answer);
      return PSEUDONYM.matcher(n.toString()).replaceAll("#");
    } catch (Exception e) {
      return answer;
    }
  }

  private static int lines(byte[] content) {
    int n = 0;
    for (byte b : content) {
      if (b == '\n') {
        n++;
      }
    }
    return n;
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}

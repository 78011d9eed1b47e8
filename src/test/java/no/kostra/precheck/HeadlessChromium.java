package no.kostra.precheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Chromium, headless, driven over its DevTools protocol (a WebSocket, JDK client): open a
 * page, run JavaScript in it, give a file input a file as a user's upload does. No driver binary.
 */
final class HeadlessChromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  static HeadlessChromium start(Path profile) throws Exception {
    String binary = System.getenv().getOrDefault("KOSTRA_CHROMIUM", "/usr/bin/chromium");
    if (!new File(binary).canExecute()) {
      throw new IllegalStateException("headless Chromium is needed at " + binary
          + " (Debian's chromium package; bin/test installs it, or set KOSTRA_CHROMIUM)");
    }
    Process p = new ProcessBuilder(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
        "--user-data-dir=" + profile, "about:blank")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on standard error
    Pattern listening = Pattern.compile("DevTools listening on ws://127\\.0\\.0\\.1:(\\d+)/");
    BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(),
        StandardCharsets.UTF_8));
    String port = null;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    StringBuilder seen = new StringBuilder();
    for (String line; port == null && System.nanoTime() < until
        && (line = err.readLine()) != null; ) {
      seen.append(line).append('\n');
      Matcher m = listening.matcher(line);
      if (m.find()) {
        port = m.group(1);
      }
    }
    if (port == null) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not open its DevTools port:\n" + seen);
    }
    Thread drain = new Thread(() -> {
      try {
        while (err.readLine() != null) {
          // the browser's own chatter; read so that it never blocks on a full pipe
        }
      } catch (java.io.IOException ignored) {
        // the process ended
      }
    }, "chromium-stderr");
    drain.setDaemon(true);
    drain.start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    String pageSocket = null;
    for (JsonNode t : targets) {
      if ("page".equals(t.path("type").asText())) {
        pageSocket = t.path("webSocketDebuggerUrl").asText();
      }
    }
    if (pageSocket == null) {
      p.destroyForcibly();
      throw new IllegalStateException("no page target in " + targets);
    }
    HeadlessChromium[] self = new HeadlessChromium[1];
    WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket),
        new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              String message = text.toString();
              text.setLength(0);
              self[0].received(message);
            }
            w.request(1);
            return null;
          }
        }).get(30, TimeUnit.SECONDS);
    self[0] = new HeadlessChromium(p, ws);
    return self[0];
  }

  private void received(String message) {
    try {
      JsonNode node = JSON.readTree(message);
      if (node.has("id")) {
        CompletableFuture<JsonNode> f = pending.remove(node.get("id").asInt());
        if (f != null) {
          f.complete(node);
        }
      }
    } catch (java.io.IOException e) {
      // not JSON: not a reply of ours
    }
  }

  /** One protocol command; its result (an error reply fails). */
  JsonNode send(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode command = JSON.createObjectNode();
    command.put("id", id);
    command.put("method", method);
    command.set("params", JSON.valueToTree(params));
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    socket.sendText(JSON.writeValueAsString(command), true).get(10, TimeUnit.SECONDS);
    JsonNode answer = reply.get(60, TimeUnit.SECONDS);
    if (answer.has("error")) {
      throw new IllegalStateException(method + ": " + answer.get("error"));
    }
    return answer.get("result");
  }

  void open(String url) throws Exception {
    send("Page.navigate", Map.of("url", url));
  }

  /** The value of a JavaScript expression (promises awaited), as JSON. */
  JsonNode eval(String expression) throws Exception {
    JsonNode result = send("Runtime.evaluate", Map.of("expression", expression,
        "awaitPromise", true, "returnByValue", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException(expression + ": " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** Waits until the expression is true in the page (or fails after the time). */
  void waitFor(String expression, Duration within) throws Exception {
    long until = System.nanoTime() + within.toNanos();
    BooleanSupplier done = () -> {
      try {
        return eval(expression).asBoolean(false);
      } catch (Exception e) {
        return false; // the page is still loading
      }
    };
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException("not true within " + within + ": " + expression);
      }
      Thread.sleep(100);
    }
  }

  /** Gives the file input of the selector a file, as a user's choice in the dialog does. */
  void upload(String selector, Path file) throws Exception {
    int root = send("DOM.getDocument", Map.of()).path("root").path("nodeId").asInt();
    int node = send("DOM.querySelector", Map.of("nodeId", root, "selector", selector))
        .path("nodeId").asInt();
    send("DOM.setFileInputFiles", Map.of("nodeId", node,
        "files", List.of(file.toAbsolutePath().toString())));
  }

  @Override
  public void close() {
    socket.abort();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}

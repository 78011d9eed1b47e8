package no.kostra.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import no.kostra.csvforms.CsvFormGenerator;
import no.kostra.regnskap.generate.RegnskapGenerator;
import no.kostra.schemas.SchemaDir;
import no.kostra.sosial.generate.SosialGenerator;
import no.kostra.ingest.Pseudonymizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The release job, unchanged, on a real Spark standalone cluster, then the analysts' notebooks on
 * the warehouse it made. The cluster: a Master and a Worker started
 * from the project's classpath and bound to 127.0.0.1, the job submitted with SparkSubmit in
 * client mode (as {@code spark-submit} does), the warehouse on a path both see. The same job run
 * embedded ({@code --master local[2]}) must publish the same release: the release id is a hash of
 * the exported figures, so equal ids mean equal numbers. Runs after {@code package} (failsafe),
 * since the Worker's executors load the project's jar.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterReleaseIT {

  private static final Path ROOT = Path.of(System.getProperty("user.dir"));
  private static Path work;
  private static Path sparkHome;
  private static final List<Process> DAEMONS = new ArrayList<>();
  private static String master;
  /** The embedded run's warehouse: the notebooks run on it. */
  private static Path embeddedWarehouse;

  @BeforeAll
  static void startCluster() throws Exception {
    work = Files.createTempDirectory("kostra-cluster");
    // a SPARK_HOME whose jars/ is the runtime classpath: the Worker starts executors with it
    sparkHome = work.resolve("spark-home");
    Files.createDirectories(sparkHome.resolve("jars"));
    Files.createDirectories(sparkHome.resolve("conf"));
    // a distribution's marker: the launcher then takes jars/ as the classpath
    Files.writeString(sparkHome.resolve("RELEASE"), "Spark (the project's classpath)\n");
    for (String jar : classpath()) {
      Path source = Path.of(jar);
      Files.createSymbolicLink(sparkHome.resolve("jars").resolve(source.getFileName()), source);
    }
    int port = freePort();
    int ui = freePort();
    master = "spark://127.0.0.1:" + port;
    DAEMONS.add(java("org.apache.spark.deploy.master.Master", work.resolve("master.log"),
        "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port",
        String.valueOf(ui)));
    DAEMONS.add(java("org.apache.spark.deploy.worker.Worker", work.resolve("worker.log"), master,
        "--host", "127.0.0.1", "--cores", "2", "--memory", "3g", "--webui-port",
        String.valueOf(freePort()), "--work-dir", work.resolve("worker").toString()));
    // ready when the Master's status page counts the Worker as alive
    waitFor(URI.create("http://127.0.0.1:" + ui + "/json/"), "\"aliveworkers\" : 1");
  }

  @AfterAll
  static void stopCluster() {
    DAEMONS.forEach(p -> p.destroy());
    DAEMONS.forEach(p -> {
      try {
        p.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  @Test
  @Order(1)
  void theReleaseJobRunsUnchangedOnAStandaloneClusterAndPublishesWhatEmbeddedDoes()
      throws Exception {
    SchemaDir schemas = SchemaDir.locate();
    Path in = work.resolve("in");
    Set<String> only = Set.of("1151", "1144", "46");
    RegnskapGenerator.forYear(2025, schemas).seed(5).faults(0).only(only).writeTo(in);
    SosialGenerator.forYear(2025, schemas).seed(5).faults(false).only(only).writeTo(in);
    CsvFormGenerator.forYear(2025, schemas).seed(5).faults(false).only(only).writeTo(in);
    Path job = work.resolve("2025-final.yaml");
    Files.writeString(job, String.join("\n", "id: 2025-final", "years: [2025]",
        "release_date: 2026-06-15", "kind: final", "input: " + in,
        "tables: [key_figures, completeness]", "exports: [csv, px, statbank]",
        "statbank: {table: \"12345\"}", "suppression: {threshold: 3}", ""));
    Path key = Pseudonymizer.createKeyFile(work.resolve("pseudonym.key"));

    long t0 = System.nanoTime();
    Path onCluster = submit(master, work.resolve("wh-cluster"), job, key, "cluster");
    double clusterSeconds = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    Path embedded = submit("local[2]", work.resolve("wh-embedded"), job, key, "embedded");
    embeddedWarehouse = embedded;
    double embeddedSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("cluster release %.1f s, embedded %.1f s%n", clusterSeconds,
        embeddedSeconds);

    // the cluster did the work: its executors ran tasks (the Worker started an executor)
    try (Stream<Path> apps = Files.list(work.resolve("worker"))) {
      assertTrue(apps.anyMatch(p -> p.getFileName().toString().startsWith("app-")),
          "an application ran on the Worker");
    }
    List<String> clusterReleases = releases(onCluster);
    assertEquals(1, clusterReleases.size(), clusterReleases.toString());
    assertEquals(clusterReleases, releases(embedded), "the same figures, the same release id");
    Path a = onCluster.resolve("exports/releases").resolve(clusterReleases.get(0));
    Path b = embedded.resolve("exports/releases").resolve(clusterReleases.get(0));
    for (String file : List.of("key_figures.csv", "completeness.csv", "statbank/kommuner1.dat")) {
      assertEquals(Files.readString(b.resolve(file)), Files.readString(a.resolve(file)), file);
    }
    // the tables the job wrote are Delta tables on the shared path
    for (String table : List.of("regnskap", "sosialhjelp", "submissions", "key_figures",
        "published_key_figures", "releases", "runs", "completeness")) {
      assertTrue(Files.isDirectory(onCluster.resolve(table).resolve("_delta_log")), table);
    }
    assertTrue(Files.readString(a.resolve("completeness.csv")).contains("2025;11F;371;2;2;"));
  }

  /**
   * Every notebook in notebooks/ executes headless on the project's kernel against the release's
   * warehouse (with the reference tables): a failing cell fails nbconvert, and the test.
   */
  @Test
  @Order(2)
  void theNotebooksRunOnTheProjectsKernel() throws Exception {
    assertTrue(embeddedWarehouse != null, "the release ran");
    assertTrue(new File("/usr/bin/jupyter").canExecute(), "Jupyter is needed: Debian's "
        + "jupyter-nbconvert, python3-ipykernel, jupyter-client, python3-nbclient (bin/test installs "
        + "them)");
    run("reference", cli(embeddedWarehouse, "reference"));
    Path jupyter = work.resolve("jupyter");
    run("kernel", java("no.kostra.cli.KostraCli", work.resolve("kernel.log"),
        List.of("-Xmx3g", "-Dkostra.schemas=" + ROOT.resolve("data-schemas")), "notebook-kernel",
        "--dir", jupyter.resolve("kernels").toString()));
    List<Path> notebooks;
    try (Stream<Path> files = Files.list(ROOT.resolve("notebooks"))) {
      notebooks = files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertTrue(notebooks.size() >= 3, notebooks.toString());
    Path out = work.resolve("executed");
    for (Path notebook : notebooks) {
      long t0 = System.nanoTime();
      Path log = work.resolve(notebook.getFileName() + ".log");
      ProcessBuilder pb = new ProcessBuilder("/usr/bin/jupyter", "nbconvert", "--to", "notebook",
          "--execute", "--ExecutePreprocessor.timeout=600", "--output-dir", out.toString(),
          notebook.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("JUPYTER_PATH", jupyter.toString());
      pb.environment().put("KOSTRA_WAREHOUSE", embeddedWarehouse.toString());
      pb.environment().put("KOMMUNE", "1144"); // Kvitsøy sent its forms in this small year
      Process p = pb.start();
      assertTrue(p.waitFor(10, TimeUnit.MINUTES), notebook + " did not finish");
      assertEquals(0, p.exitValue(), () -> notebook + " failed:\n" + readQuietly(log));
      String executed = Files.readString(out.resolve(notebook.getFileName()));
      assertTrue(executed.contains("\"output_type\": \"display_data\""), notebook
          + ": tables and charts shown");
      assertTrue(!executed.contains("\"output_type\": \"error\""), notebook.toString());
      System.out.printf("notebook %s executed in %.1f s%n", notebook.getFileName(),
          (System.nanoTime() - t0) / 1e9);
    }
  }

  private static Process cli(Path warehouse, String... command) throws IOException {
    List<String> args = new ArrayList<>(List.of("--master", "local[2]", "--conf",
        "spark.driver.host=127.0.0.1", "--class", "no.kostra.cli.KostraCli",
        ROOT.resolve("target/kostra.jar").toString(), "--warehouse", warehouse.toString()));
    args.addAll(List.of(command));
    return java("org.apache.spark.deploy.SparkSubmit", work.resolve(command[0] + ".log"),
        List.of("-Xmx3g", "-Dkostra.schemas=" + ROOT.resolve("data-schemas")),
        args.toArray(String[]::new));
  }

  private static void run(String what, Process p) throws Exception {
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), what + " did not finish");
    assertEquals(0, p.exitValue(), what + " failed: see " + work);
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Runs {@code release} through SparkSubmit against {@code masterUrl}; returns the warehouse. */
  private static Path submit(String masterUrl, Path warehouse, Path job, Path key, String name)
      throws Exception {
    Path log = work.resolve(name + ".log");
    // in client mode SparkSubmit's JVM is the driver: its options are given to it directly
    Process p = java("org.apache.spark.deploy.SparkSubmit", log, List.of("-Xmx3g",
        "-Dkostra.schemas=" + ROOT.resolve("data-schemas")), "--master", masterUrl,
        "--deploy-mode", "client", "--name", "kostra-" + name,
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.executor.memory=2g", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.executor.extraJavaOptions=-Dkostra.schemas="
            + ROOT.resolve("data-schemas"),
        "--class", "no.kostra.cli.KostraCli", ROOT.resolve("target/kostra.jar").toString(),
        "--warehouse", warehouse.toString(), "release", "--job", job.toString(),
        "--key-file", key.toString());
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), name + " run did not finish");
    String output = Files.readString(log);
    assertEquals(0, p.exitValue(), name + " run failed:\n" + output);
    assertTrue(output.contains("release: publish      succeeded"), output);
    return warehouse;
  }

  private static List<String> releases(Path warehouse) throws IOException {
    try (Stream<Path> dirs = Files.list(warehouse.resolve("exports/releases"))) {
      return dirs.map(d -> d.getFileName().toString()).filter(n -> !n.startsWith("."))
          .sorted().toList();
    }
  }

  /** A JVM on the project's classpath with the flags every Spark JVM needs (STACK.md). */
  private static Process java(String mainClass, Path log, String... args) throws IOException {
    return java(mainClass, log, List.of("-Xmx1g"), args);
  }

  private static Process java(String mainClass, Path log, List<String> jvmOptions,
      String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of(System.getProperty("kostra.sparkFlags", "").trim().split("\\s+")));
    command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath()), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command.stream().filter(s -> !s.isEmpty()).toList())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_MASTER_HOST", "127.0.0.1");
    env.put("SPARK_SCALA_VERSION", "2.12"); // else the launcher looks for a source build
    return pb.start();
  }

  /** The packaged jar and its runtime dependencies (target/classpath.txt, written at package). */
  private static List<String> classpath() throws IOException {
    List<String> cp = new ArrayList<>();
    cp.add(ROOT.resolve("target/kostra.jar").toString());
    cp.addAll(List.of(Files.readString(ROOT.resolve("target/classpath.txt")).trim()
        .split(File.pathSeparator)));
    return cp;
  }

  private static void waitFor(URI status, String text) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    String last = "(no answer)";
    while (System.nanoTime() < deadline) {
      try {
        last = http.send(HttpRequest.newBuilder(status).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        if (last.contains(text)) {
          return;
        }
      } catch (IOException notYet) {
        // the Master is still starting
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no '" + text + "' at " + status + ": " + last + "\n"
        + Files.readString(work.resolve("master.log")) + Files.readString(work.resolve(
            "worker.log")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

package no.kostra.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import no.kostra.form.IngestAll;
import no.kostra.ingest.IdentifierScan;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.schemas.SchemaDir;
import no.kostra.spark.KostraSession;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bin/fuzz-ingest [--files N] [--seed S] [--big] [--batch B] [--work DIR]}: the ingest fed
 * anything (issue 23). It generates a few municipalities' real submissions (accounting, 11F/11CF,
 * skjema 7/12), makes N mutated files of them — truncated, overlong and cut records, flipped
 * bytes, BOMs and UTF-16, CR/LF mixes, tabs, NUL bytes, empty and one-byte files, a huge line,
 * binary content, one form's content under another's name, duplicates under other names —
 * plus, once, symbolic links (one broken), a folder named as a file, a file that grows while it
 * is read and (with {@code --big}) a 200 MB file, and ingests them in batches. Per file it checks
 * that the ingest did not crash on it, that it was not silently dropped (a row in {@code
 * ingested_files}), and that lines read = rows accepted + lines rejected; over everything, that no
 * identity number of the input is in any table, any byte under the warehouse or any message.
 * Prints the counts by mutation and outcome; exit code 1 if any check failed.
 */
public final class FuzzIngest {

  private static final String[] KINDS = {"truncate_lines", "overlong_lines", "flip_bytes",
      "utf8_bom", "utf16", "mixed_eol", "tabs", "nul_bytes", "empty", "one_byte", "huge_line",
      "binary", "other_form_name", "duplicate", "odd_name", "cut_mid_record", "latin1_as_utf8",
      "blank_lines"};

  private FuzzIngest() {}

  public static void main(String[] args) throws Exception {
    int files = 200;
    long seed = 23;
    boolean big = false;
    int batch = 100;
    Path work = null;
    boolean checkOnly = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--files" -> files = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--big" -> big = true;
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        case "--check-only" -> checkOnly = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (--files N --seed S --big --batch B --work DIR --check-only)");
      }
    }
    if (work == null) {
      work = Files.createTempDirectory("kostra-fuzz");
    }
    System.exit(checkOnly ? check(work, seed) : run(work, files, seed, big, batch));
  }

  /** One mutated file: its name in the input, the mutation, its source. */
  record Fuzzed(Path path, String kind, String source) {}

  static int run(Path work, int n, long seed, boolean big, int batchSize) throws Exception {
    long t0 = System.nanoTime();
    Path base = work.resolve("base");
    // a few municipalities of every size and form: Bergen, Stavanger, a district of Oslo's
    // forms, small Kvitsøy and Utsira
    int rc = KostraCli.run(System.out, System.err, "generate", "--year", "2025", "--out",
        base.toString(), "--only", "4601,1103,1144,1151,3201,5001", "--seed", "" + seed);
    if (rc != 0) {
      return rc;
    }
    List<Path> sources;
    try (Stream<Path> s = Files.walk(base)) {
      sources = s.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("_")).sorted().toList();
    }
    IdentifierScan scan = new IdentifierScan();
    for (Path p : sources) {
      if (p.getFileName().toString().startsWith("11")) {
        scan.collectIdentityNumbers(Files.readString(p, StandardCharsets.ISO_8859_1));
      }
    }
    Path in = work.resolve("in");
    Files.createDirectories(in);
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Fuzzed> fuzzed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path source = sources.get(rnd.nextInt(sources.size()));
      String kind = KINDS[i % KINDS.length];
      fuzzed.add(mutate(in, i, source, kind, sources, rnd));
    }
    List<Fuzzed> special = specials(in, sources, big);
    fuzzed.addAll(special);
    System.err.printf("fuzz: %d mutated files of %d sources (%d identity numbers to look for) "
        + "in %s (%.1f s)%n", fuzzed.size(), sources.size(), scan.secrets().size(), in,
        (System.nanoTime() - t0) / 1e9);

    SparkSession spark = KostraSession.getOrCreate();
    Warehouse warehouse = Warehouse.at(spark, work.resolve("warehouse").toString());
    SchemaDir schemas = SchemaDir.locate();
    Pseudonymizer key = Pseudonymizer.ephemeral();
    List<String> messages = new ArrayList<>();
    Map<String, String> crashes = new TreeMap<>();
    // batches of files in folders of their own (the specials together, last)
    List<List<Fuzzed>> batches = new ArrayList<>();
    List<Fuzzed> plain = fuzzed.subList(0, n);
    for (int i = 0; i < plain.size(); i += batchSize) {
      batches.add(plain.subList(i, Math.min(plain.size(), i + batchSize)));
    }
    batches.add(special);
    long ti = System.nanoTime();
    Map<String, Path> moved = new java.util.HashMap<>();
    for (int b = 0; b < batches.size(); b++) {
      Path dir = work.resolve("batch" + b);
      Files.createDirectories(dir);
      for (Fuzzed f : batches.get(b)) {
        Path target = dir.resolve(f.path().getFileName());
        Files.move(f.path(), target, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        moved.put(f.path().getFileName().toString(), target);
      }
      Thread grower = b == batches.size() - 1 ? grow(dir.resolve("grows_while_read.dat")) : null;
      try {
        IngestAll.run(warehouse, schemas, dir.toString(), () -> key, messages::add);
      } catch (RuntimeException e) {
        // find the file(s) it crashed on: each alone
        for (Fuzzed f : batches.get(b)) {
          Path alone = work.resolve("alone").resolve(f.path().getFileName().toString());
          Files.createDirectories(alone);
          Path target = dir.resolve(f.path().getFileName());
          if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            continue;
          }
          Files.move(target, alone.resolve(target.getFileName()),
              java.nio.file.LinkOption.NOFOLLOW_LINKS);
          try {
            IngestAll.run(warehouse, schemas, alone.toString(), () -> key, messages::add);
          } catch (RuntimeException e2) {
            crashes.put(f.path().getFileName().toString(), f.kind() + ": " + e2);
          }
        }
        if (crashes.isEmpty()) {
          crashes.put("batch" + b, "the batch crashed, no file alone did: " + e);
        }
      } finally {
        if (grower != null) {
          grower.interrupt();
        }
      }
    }
    double ingestSeconds = (System.nanoTime() - ti) / 1e9;

    return checks(warehouse, work, fuzzed, scan, messages, crashes, moved, ingestSeconds);
  }

  /**
   * {@code --check-only}: the checks again over a work folder a run left (its batches and
   * warehouse), each file's mutation read back from its name.
   */
  static int check(Path work, long seed) throws Exception {
    IdentifierScan scan = new IdentifierScan();
    List<Fuzzed> fuzzed = new ArrayList<>();
    Map<String, Path> moved = new java.util.HashMap<>();
    try (Stream<Path> s = Files.walk(work.resolve("base"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        if (p.getFileName().toString().startsWith("11")) {
          scan.collectIdentityNumbers(Files.readString(p, StandardCharsets.ISO_8859_1));
        }
      }
    }
    java.util.regex.Pattern index = java.util.regex.Pattern.compile(
        "^(\\d{4})_|_(\\d+)\\.[a-z]+$|^innsending (\\d+) ");
    try (Stream<Path> s = Files.list(work)) {
      for (Path batch : s.filter(p -> p.getFileName().toString().startsWith("batch")).sorted()
          .toList()) {
        try (Stream<Path> files = Files.list(batch)) {
          for (Path f : files.sorted().toList()) {
            String name = f.getFileName().toString();
            java.util.regex.Matcher m = index.matcher(name);
            String kind = name.startsWith("link_") ? "symlink" : name.contains("_broken")
                ? "broken_symlink" : name.contains("_folder") ? "folder_named_as_file"
                : name.startsWith("grows_") ? "grows_while_read" : name.contains("_200MB")
                ? "file_200MB" : null;
            if (kind == null && m.find()) {
              String i = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2)
                  : m.group(3);
              kind = KINDS[Integer.parseInt(i) % KINDS.length];
            }
            fuzzed.add(new Fuzzed(f, kind == null ? "unknown" : kind, "?"));
            moved.put(name, f);
          }
        }
      }
    }
    SparkSession spark = KostraSession.getOrCreate();
    Warehouse warehouse = Warehouse.at(spark, work.resolve("warehouse").toString());
    return checks(warehouse, work, fuzzed, scan, List.of(), Map.of(), moved, -1);
  }

  private static int checks(Warehouse warehouse, Path work, List<Fuzzed> fuzzed,
      IdentifierScan scan, List<String> messages, Map<String, String> crashes,
      Map<String, Path> moved, double ingestSeconds) throws IOException {
    // per file: a row in ingested_files, and lines read = accepted + rejected
    Map<String, Row> ingested = new LinkedHashMap<>();
    for (Row r : warehouse.read(Tables.INGESTED_FILES).select("source_file", "lines_read",
        "rows_accepted", "lines_rejected", "file_sha256").collectAsList()) {
      ingested.put(Path.of(r.getString(0).replaceFirst("^file:", "")).getFileName().toString(),
          r);
    }
    Map<String, String> status = new LinkedHashMap<>();
    for (Row r : warehouse.read(Tables.SUBMISSIONS).select("source_file", "status")
        .collectAsList()) {
      status.put(Path.of(r.getString(0).replaceFirst("^file:", "")).getFileName().toString(),
          r.getString(1));
    }
    Map<String, String> ingestedByBytes = new java.util.HashMap<>();
    for (Fuzzed f : fuzzed) {
      String name = f.path().getFileName().toString();
      Path path = moved.get(name);
      if (ingested.containsKey(name) && path != null && Files.isRegularFile(path)) {
        ingestedByBytes.putIfAbsent(no.kostra.ingest.TextFiles.sha256(Files.readAllBytes(path)),
            name);
      }
    }
    Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    for (Fuzzed f : fuzzed) {
      String name = f.path().getFileName().toString();
      String outcome;
      Row r = ingested.get(name);
      if (crashes.containsKey(name)) {
        outcome = "CRASH";
        failures.add(name + " (" + f.kind() + "): crashed: " + crashes.get(name));
      } else if (f.kind().equals("folder_named_as_file")) {
        outcome = r == null ? "not a file: skipped" : "UNEXPECTED ROW";
      } else if (r == null && sameBytesIngested(f, ingestedByBytes, moved) != null) {
        // the same declaration and bytes as a file ingested before: skipped as already
        // ingested, its lines are that file's (a resubmission changes nothing)
        outcome = "skipped: the same bytes as an ingested file";
      } else if (r == null) {
        outcome = f.kind().equals("broken_symlink") ? "MISSING (broken link)" : "MISSING";
        failures.add(name + " (" + f.kind() + "): no row in ingested_files (dropped silently)");
      } else if (r.getInt(1) != r.getInt(2) + r.getInt(3)) {
        outcome = "UNBALANCED";
        failures.add(name + " (" + f.kind() + "): lines read " + r.getInt(1) + " != accepted "
            + r.getInt(2) + " + rejected " + r.getInt(3));
      } else {
        String s = status.getOrDefault(name, "no submission");
        outcome = (r.getInt(3) == 0 ? "all lines accepted" : r.getInt(2) == 0
            ? "every line rejected" : "some lines rejected") + ", " + s;
      }
      outcomes.computeIfAbsent(f.kind(), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    }

    // no identity number of the input anywhere
    List<String> leaks = new ArrayList<>();
    for (String table : warehouse.tableNames()) {
      // row by row (the accounting of a 200 MB file is millions of rows: no one string)
      var rows = warehouse.read(table).selectExpr("to_json(struct(*))").toLocalIterator();
      while (rows.hasNext()) {
        String found = scan.findIn(rows.next().getString(0), 11);
        if (found != null) {
          leaks.add("table " + table + " holds " + found.substring(0, 4) + "…");
          break;
        }
      }
    }
    try (Stream<Path> s = Files.walk(work.resolve("warehouse"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String found = scan.findIn(new String(Files.readAllBytes(p),
            StandardCharsets.ISO_8859_1), 11);
        if (found != null) {
          leaks.add(p + " holds " + found.substring(0, 4) + "…");
        }
      }
    }
    String inMessages = scan.findIn(String.join("\n", messages), 11);
    if (inMessages != null) {
      leaks.add("the ingest's messages hold " + inMessages.substring(0, 4) + "…");
    }

    System.out.printf("%-22s %s%n", "mutation", "outcome: files");
    outcomes.forEach((kind, byOutcome) -> System.out.printf("%-22s %s%n", kind, byOutcome));
    Map<String, Integer> total = new TreeMap<>();
    outcomes.values().forEach(m -> m.forEach((o, c) -> total.merge(o, c, Integer::sum)));
    System.out.printf("%-22s %s%n", "all", total);
    System.out.printf("fuzz: %d files, ingest %.1f s, %d crashes, %d failures, %d leaks%n",
        fuzzed.size(), ingestSeconds, crashes.size(), failures.size(), leaks.size());
    failures.forEach(f -> System.out.println("FAIL " + f));
    leaks.forEach(l -> System.out.println("LEAK " + l));
    return failures.isEmpty() && leaks.isEmpty() ? 0 : 1;
  }

  /**
   * Another fuzzed file with a row of its own and the same bytes, or null: a file whose submission
   * (declaration and bytes) was ingested before is skipped, its lines are that file's. The
   * declaration is each form's reading of the name; equal bytes are what the harness can check.
   */
  private static String sameBytesIngested(Fuzzed f, Map<String, String> ingestedByBytes,
      Map<String, Path> at) throws IOException {
    Path path = at.get(f.path().getFileName().toString());
    if (path == null || !Files.isRegularFile(path)) {
      return null;
    }
    return ingestedByBytes.get(no.kostra.ingest.TextFiles.sha256(Files.readAllBytes(path)));
  }

  private static Fuzzed mutate(Path in, int i, Path source, String kind, List<Path> sources,
      SplittableRandom rnd) throws IOException {
    byte[] bytes = Files.readAllBytes(source);
    String name = source.getFileName().toString();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
    byte[] out;
    switch (kind) {
      case "truncate_lines", "overlong_lines", "tabs", "blank_lines" -> {
        for (int k = 0; k < 1 + rnd.nextInt(5) && !lines.isEmpty(); k++) {
          int at = rnd.nextInt(lines.size());
          String l = lines.get(at);
          lines.set(at, switch (kind) {
            case "truncate_lines" -> l.substring(0, rnd.nextInt(l.length() + 1));
            case "overlong_lines" -> l + "X".repeat(1 + rnd.nextInt(40));
            case "tabs" -> l.replaceFirst(" ", "\t");
            default -> "   ";
          });
        }
        out = String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
      }
      case "flip_bytes", "nul_bytes" -> {
        out = bytes.clone();
        for (int k = 0; k < 1 + rnd.nextInt(8) && out.length > 0; k++) {
          int at = rnd.nextInt(out.length);
          out[at] = kind.equals("nul_bytes") ? 0 : (byte) (out[at] ^ (1 << rnd.nextInt(8)));
        }
      }
      case "utf8_bom" -> out = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
          bytes);
      case "utf16" -> out = concat(new byte[] {(byte) 0xFF, (byte) 0xFE},
          text.getBytes(StandardCharsets.UTF_16LE));
      case "latin1_as_utf8" -> out = text.getBytes(StandardCharsets.UTF_8);
      case "mixed_eol" -> {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
          b.append(l).append(switch (rnd.nextInt(3)) {
            case 0 -> "\r\n";
            case 1 -> "\r";
            default -> "\n";
          });
        }
        out = b.toString().getBytes(StandardCharsets.ISO_8859_1);
      }
      case "empty" -> out = new byte[0];
      case "one_byte" -> out = new byte[] {(byte) rnd.nextInt(256)};
      case "huge_line" -> {
        int at = lines.isEmpty() ? 0 : rnd.nextInt(lines.size());
        lines.add(at, "9".repeat(5_000_000));
        out = String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
      }
      case "binary" -> {
        out = new byte[1 + rnd.nextInt(100_000)];
        for (int k = 0; k < out.length; k++) {
          out[k] = (byte) rnd.nextInt(256);
        }
      }
      case "other_form_name" -> {
        // this file's content under another source's name (another form, often)
        Path other = sources.get(rnd.nextInt(sources.size()));
        name = other.getFileName().toString();
        out = bytes;
      }
      case "cut_mid_record" -> out = java.util.Arrays.copyOf(bytes,
          bytes.length == 0 ? 0 : rnd.nextInt(bytes.length));
      default -> out = bytes; // duplicate, odd_name: the bytes as they are
    }
    String fileName = kind.equals("odd_name") ? "innsending " + i + " (kopi).txt"
        : String.format("%04d_%s", i, name);
    if (kind.equals("other_form_name") || kind.equals("duplicate")) {
      // the agreed name of the (other) form, made unique by a suffix the name rules ignore
      fileName = name.replaceFirst("(\\.[a-z]+)$", "_" + i + "$1");
    }
    Path target = in.resolve(fileName);
    Files.write(target, out);
    return new Fuzzed(target, kind, source.getFileName().toString());
  }

  /** Once per run: links, a folder named as a file, a growing file, and the 200 MB file. */
  private static List<Fuzzed> specials(Path in, List<Path> sources, boolean big)
      throws IOException {
    List<Fuzzed> out = new ArrayList<>();
    Path accounting = sources.stream().filter(p -> p.getFileName().toString().startsWith("0A_"))
        .findFirst().orElseThrow();
    Path link = in.resolve("link_" + accounting.getFileName());
    Files.createSymbolicLink(link, accounting.toAbsolutePath());
    out.add(new Fuzzed(link, "symlink", accounting.getFileName().toString()));
    Path broken = in.resolve("0A_2025_110300_broken.dat");
    Files.createSymbolicLink(broken, in.resolve("does-not-exist.dat").toAbsolutePath());
    out.add(new Fuzzed(broken, "broken_symlink", "none"));
    Path folder = in.resolve("0M_2025_460100_folder.dat");
    Files.createDirectories(folder);
    out.add(new Fuzzed(folder, "folder_named_as_file", "none"));
    Path grows = in.resolve("grows_while_read.dat");
    Files.copy(accounting, grows);
    out.add(new Fuzzed(grows, "grows_while_read", accounting.getFileName().toString()));
    if (big) {
      Path huge = in.resolve("0A_2025_460100_200MB.dat");
      byte[] chunk = Files.readAllBytes(accounting);
      try (var o = Files.newOutputStream(huge)) {
        long written = 0;
        while (written < 200L * 1024 * 1024) {
          o.write(chunk);
          written += chunk.length;
        }
      }
      out.add(new Fuzzed(huge, "file_200MB", accounting.getFileName().toString()));
    }
    return out;
  }

  /** Appends a line to the file every few milliseconds until interrupted. */
  private static Thread grow(Path file) {
    Thread t = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          Files.writeString(file, "0A2025 460100                  1242 010      100\n",
              StandardCharsets.ISO_8859_1, java.nio.file.StandardOpenOption.APPEND);
          Thread.sleep(5);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, "grows-while-read");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

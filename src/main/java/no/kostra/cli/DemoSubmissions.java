package no.kostra.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The demo's late and corrected submissions: what happens between the March and the June release
 * (key-figures.md §9). Two municipalities' 11F and 11CF files are held back from the March run and
 * arrive for June; one municipality sends its skjema 12 again with a corrected rate.
 */
final class DemoSubmissions {

  private DemoSubmissions() {}

  /** Moves the 11F and 11CF files of {@code n} municipalities (not Oslo) from {@code in} to {@code late}. */
  static List<Path> holdBack(Path in, Path late, int n) throws IOException {
    try (Stream<Path> s = Files.list(in)) { // a correction left by an earlier demo in this folder
      for (Path p : s.filter(p -> p.getFileName().toString().endsWith("_v2.csv")).toList()) {
        Files.delete(p);
      }
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(in)) {
      files = s.filter(p -> p.getFileName().toString().matches("11F_\\d{4}_\\d{4}00\\.dat"))
          .filter(p -> !p.getFileName().toString().contains("_0301"))
          .filter(p -> size(p) > 10).sorted().toList();
    }
    Files.createDirectories(late);
    // one of the late ones is a small municipality with 1-3 recipients: real late reporters
    // are often the smallest, and their counts are withheld in June beside what March published
    List<Path> chosen = new ArrayList<>();
    files.stream().filter(p -> lines(p) >= 1 && lines(p) <= 3).findFirst().ifPresent(chosen::add);
    for (int i = 1; chosen.size() < n && i <= n && !files.isEmpty(); i++) {
      Path f = files.get(i * files.size() / (n + 1));
      if (!chosen.contains(f)) {
        chosen.add(f);
      }
    }
    List<Path> held = new ArrayList<>();
    for (Path f11 : chosen) {
      for (String name : List.of(f11.getFileName().toString(),
          f11.getFileName().toString().replace("11F_", "11CF_"))) {
        if (Files.exists(in.resolve(name))) {
          held.add(Files.move(in.resolve(name), late.resolve(name),
              StandardCopyOption.REPLACE_EXISTING));
        }
      }
    }
    return held;
  }

  private static long lines(Path p) {
    try (Stream<String> s = Files.lines(p, java.nio.charset.StandardCharsets.ISO_8859_1)) {
      return s.filter(l -> !l.isBlank()).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Moves the held files back and writes a corrected skjema 12 for one municipality. */
  static String bringBackAndCorrect(Path late, Path in, List<Path> held) throws IOException {
    for (Path f : held) {
      Files.move(f, in.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
    Path rates;
    try (Stream<Path> s = Files.list(in)) {
      rates = s.filter(p -> p.getFileName().toString().matches("skjema12_\\d{4}_\\d{4}\\.csv"))
          .filter(p -> !p.getFileName().toString().contains("_0301")).sorted().findFirst()
          .orElse(null);
    }
    if (rates == null) {
      return "none (no skjema 12 file)";
    }
    List<String> lines = Files.readAllLines(rates, StandardCharsets.UTF_8);
    List<String> fixed = new ArrayList<>();
    for (String l : lines) {
      String[] f = l.split(";", -1);
      fixed.add(f.length == 4 && f[2].equals("01") && f[3].trim().matches("\\d+")
          ? f[0] + ";" + f[1] + ";01;" + (Integer.parseInt(f[3].trim()) + 500) : l);
    }
    String name = rates.getFileName().toString().replace(".csv", "_v2.csv");
    Files.write(in.resolve(name), fixed, StandardCharsets.UTF_8);
    return name + " (rate for single adults + 500 NOK)";
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}

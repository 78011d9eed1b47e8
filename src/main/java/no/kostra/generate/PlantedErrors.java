package no.kostra.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import no.kostra.reference.Classifications;
import no.kostra.reference.Population;
import no.kostra.schemas.SchemaDir;

/**
 * The classic KOSTRA mistakes that pass the control rules, planted in a generated year
 * ({@code generate --plant-errors}) so that editing, the outlier ranking against last year, has
 * something real to find. Each form's generator plants its own kinds (the accounting's: amounts
 * in NOK, income with an expense's sign, one function booked on another, a doubled file; 11F: a
 * month repeated over the year), each in its own municipality drawn from the seed among those of
 * a fitting size; {@code _planted_errors.csv} lists them with the files and the base variables
 * each must show in (the first is the one it must top).
 */
public final class PlantedErrors {

  public static final String MANIFEST = "_planted_errors.csv";

  /** One planted error: where, what, and the base variables it must show in (first = primary). */
  public record Planted(String region, String kind, List<String> files, List<String> variables) {}

  private PlantedErrors() {}

  /**
   * Municipalities (not Oslo) of {@code from..to} inhabitants at the end of the year that {@code
   * usable} accepts, by code, for a form's generator to draw from with {@link #draw}.
   */
  public static List<String> municipalities(SchemaDir schemas, int year, long from, long to,
      Predicate<String> usable) {
    Classifications classifications = Classifications.load(schemas);
    Population population = Population.load(schemas);
    int calyear = population.hasCalendarYear(year + 1) ? year : year - 1;
    Map<String, Long> pop = population.atEndOfYear(calyear, 0, null, classifications);
    List<String> out = new ArrayList<>();
    for (Classifications.Municipality m : classifications.municipalities(year)) {
      long p = pop.getOrDefault(m.code(), 0L);
      if (!m.code().equals("0301") && p >= from && p <= to && usable.test(m.code())) {
        out.add(m.code());
      }
    }
    return out;
  }

  /** The stream a form draws its municipalities from: one per (seed, year, form). */
  public static SplittableRandom picks(long seed, int year, String form) {
    return Draws.stream(seed * 7919 + year, "planted", form);
  }

  /** Removes and returns a drawn one, or null when none is left. */
  public static String draw(List<String> from, SplittableRandom pick) {
    return from.isEmpty() ? null : from.remove(pick.nextInt(from.size()));
  }

  /** Adds a form's planted errors to the folder's manifest (replacing that form's earlier rows). */
  public static void record(Path dir, String form, List<Planted> planted) {
    List<String> rows = new ArrayList<>();
    rows.add("form,region,kind,files,variables");
    for (String[] c : rows(dir)) {
      if (!c[0].equals(form)) {
        rows.add(String.join(",", c));
      }
    }
    for (Planted p : planted) {
      rows.add(form + "," + p.region() + "," + p.kind() + "," + String.join(" ", p.files()) + ","
          + String.join(" ", p.variables()));
    }
    try {
      GeneratedFiles.writeAtomically(dir.resolve(MANIFEST), String.join("\n", rows) + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The municipalities the other forms planted theirs in (one mistake per municipality). */
  public static java.util.Set<String> taken(Path dir, String form) {
    return rows(dir).stream().filter(c -> !c[0].equals(form)).map(c -> c[1])
        .collect(java.util.stream.Collectors.toSet());
  }

  /** What a generated folder's manifest lists (empty when nothing was planted). */
  public static List<Planted> read(Path dir) {
    return rows(dir).stream().map(c -> new Planted(c[1], c[2], List.of(c[3].split(" ")),
        List.of(c[4].split(" ")))).toList();
  }

  private static List<String[]> rows(Path dir) {
    Path f = dir.resolve(MANIFEST);
    if (!Files.exists(f)) {
      return List.of();
    }
    try {
      return Files.readAllLines(f, StandardCharsets.UTF_8).stream().skip(1)
          .map(l -> l.split(",", -1)).filter(c -> c.length == 5).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A generated file's lines and line ending, rewritten the way it was written. */
  public record Text(List<String> lines, String newline, boolean finalNewline) {

    public static Text read(Path f) {
      try {
        String s = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        String nl = s.contains("\r\n") ? "\r\n" : "\n";
        boolean last = s.endsWith(nl);
        List<String> lines = new ArrayList<>(List.of(s.split(nl, -1)));
        if (last) {
          lines.remove(lines.size() - 1);
        }
        return new Text(lines, nl, last);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public Text with(List<String> other) {
      return new Text(other, newline, finalNewline);
    }

    public void write(Path f) {
      try {
        GeneratedFiles.writeAtomically(f, String.join(newline, lines)
            + (finalNewline ? newline : ""), StandardCharsets.ISO_8859_1);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

package no.kostra.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import no.kostra.ingest.TextFiles;
import no.kostra.schemas.SchemaDir;

/**
 * One scheduled publication run, as a statistician writes it in {@code jobs/} (e.g.
 * {@code jobs/2025-final.yaml}): the reporting years to (re)publish, the release date and kind
 * (preliminary 15 March / final 15 June), where the submissions arrive, which tables and exports,
 * and the suppression settings. {@code configHash} is the SHA-256 of the file's bytes, recorded
 * with every run.
 */
public record ReleaseJob(String id, List<Integer> years, LocalDate releaseDate, String kind,
    String input, List<String> tables, List<String> exports, Suppression suppression,
    Map<String, Object> statbank, Path file, String configHash) {

  /**
   * The job's {@code suppression:} settings. {@code threshold}: counts of persons at or below it
   * are withheld, zeros included (SSB's KOSTRA practice: 3); required, so that a release's
   * protection is always what its job file says.
   */
  public record Suppression(Integer threshold) {}

  public static final List<String> KINDS = List.of("preliminary", "final");
  public static final List<String> EXPORTS = List.of("csv", "px", "statbank", "factsheets");

  /** The file's fields (snake_case keys; an unknown key is an error naming the file). */
  record JobFile(String id, List<Integer> years, String releaseDate, String kind, String input,
      List<String> tables, List<String> exports, Suppression suppression,
      Map<String, Object> statbank) {}

  public static ReleaseJob load(Path file) {
    JobFile f = SchemaDir.readYamlFile(file, JobFile.class);
    String where = file + ": ";
    if (f.id() == null || !f.id().matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(where + "id must be letters, digits, '.', '_' or '-'");
    }
    if (f.years() == null || f.years().isEmpty()) {
      throw new IllegalArgumentException(where + "years: at least one reporting year");
    }
    if (!KINDS.contains(f.kind())) {
      throw new IllegalArgumentException(where + "kind must be one of " + KINDS + ", not "
          + f.kind());
    }
    if (f.input() == null || f.input().isBlank()) {
      throw new IllegalArgumentException(where + "input: the folder the submissions arrive in");
    }
    LocalDate date;
    try {
      date = LocalDate.parse(String.valueOf(f.releaseDate()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(where + "release_date must be a date (YYYY-MM-DD), not "
          + f.releaseDate(), e);
    }
    List<String> exports = f.exports() == null ? List.of() : List.copyOf(f.exports());
    for (String e : exports) {
      if (!EXPORTS.contains(e)) {
        throw new IllegalArgumentException(where + "exports: " + e + " is not one of " + EXPORTS);
      }
    }
    if (f.suppression() == null || f.suppression().threshold() == null
        || f.suppression().threshold() < 0) {
      throw new IllegalArgumentException(where + "suppression: {threshold: N} (counts of persons "
          + "at or below N are withheld; SSB's KOSTRA practice is 3)");
    }
    Map<String, Object> statbank = f.statbank() == null ? Map.of() : Map.copyOf(f.statbank());
    if (exports.contains("statbank")) {
      StatbankExport.Settings.of(statbank, where); // checked now, not on the day
    }
    return new ReleaseJob(f.id(), List.copyOf(f.years()), date, f.kind(), f.input(),
        f.tables() == null ? List.of() : List.copyOf(f.tables()), exports,
        f.suppression(), statbank, file,
        hash(file));
  }

  /** The job reading its submissions from another folder (the demo writes its own input). */
  public ReleaseJob withInput(Path folder) {
    return new ReleaseJob(id, years, releaseDate, kind, folder.toString(), tables, exports,
        suppression, statbank, file, configHash);
  }

  /**
   * {@code jobs/<year>-<kind>.yaml} if the project has it, else the same job written for the
   * year: 15 March preliminary, 15 June final of the next year, threshold 3.
   */
  public static ReleaseJob standard(int year, String kind, Path jobsDir) {
    Path file = jobsDir.resolve(year + "-" + kind + ".yaml");
    if (Files.isRegularFile(file)) {
      return load(file);
    }
    try {
      Path tmp = Files.createTempFile("kostra-job", ".yaml");
      Files.writeString(tmp, String.join("\n", "id: " + year + "-" + kind,
          "years: [" + year + "]", "release_date: " + (year + 1)
              + (kind.equals("final") ? "-06-15" : "-03-15"),
          "kind: " + kind, "input: demo-input/" + year, "tables: [key_figures, completeness]",
          "exports: [csv, px, factsheets]", "suppression: {threshold: 3}", ""));
      return load(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String hash(Path file) {
    try {
      return TextFiles.sha256(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

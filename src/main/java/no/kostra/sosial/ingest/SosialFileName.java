package no.kostra.sosial.ingest;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a person-level file declares in its name: {@code 11F_2025_460100.dat} (form, reporting year,
 * municipality as 6 digits), {@code 11CF_2025_030105.dat} (an Oslo district), or the 4-digit
 * municipality ({@code 11F_2025_4601.dat}), in any case, and SSB's own naming
 * ({@code 11F_V2025_R460100.dat}). In production the portal supplies these. A file under any other
 * name is recognised by its content (SosialRecogniser).
 */
public record SosialFileName(String skjema, int aargang, String region) implements Serializable {

  private static final Pattern NAME =
      Pattern.compile("(11F|11CF)_V?(\\d{4})_R?(\\d{4}|\\d{6})(?:[._].*)?",
          Pattern.CASE_INSENSITIVE);

  /** The declaration of the file's name, or null when the name is not one of ours. */
  public static SosialFileName of(String path) {
    String name = no.kostra.ingest.IngestFiles.baseName(path);
    Matcher m = NAME.matcher(name);
    if (!m.matches()) {
      return null;
    }
    String region = no.kostra.ingest.IngestFiles.sixDigitRegion(m.group(3));
    return new SosialFileName(m.group(1).toUpperCase(java.util.Locale.ROOT), Integer.parseInt(m.group(2)), region);
  }

  /** Whether a file belongs to the person-level forms (the other files are accounting). */
  public static boolean isSosialFile(String path) {
    return of(path) != null;
  }
}

package no.kostra.csvforms;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a CSV form file declares in its name: {@code skjema7_2025_4601.csv} (form 7, reporting year
 * 2025, municipality 4601 → region 460100) or {@code skjema7_2025_030105.csv} (an Oslo district).
 */
public record CsvFormFileName(String skjema, int aargang, String region) implements Serializable {

  private static final Pattern NAME =
      Pattern.compile("skjema(7|12)_(\\d{4})_(\\d{4}|\\d{6})(?:[._].*)?\\.csv", Pattern.CASE_INSENSITIVE);

  public static CsvFormFileName of(String path) {
    String name = no.kostra.ingest.IngestFiles.baseName(path);
    Matcher m = NAME.matcher(name);
    if (!m.matches()) {
      return null;
    }
    String region = no.kostra.ingest.IngestFiles.sixDigitRegion(m.group(3));
    return new CsvFormFileName(m.group(1), Integer.parseInt(m.group(2)), region);
  }

  public static boolean isCsvFormFile(String path) {
    return of(path) != null;
  }
}

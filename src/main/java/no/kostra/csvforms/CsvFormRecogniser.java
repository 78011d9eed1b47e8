package no.kostra.csvforms;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import no.kostra.ingest.FileRecogniser;

/**
 * Skjema 7 and 12 files: named as {@link CsvFormFileName} reads names, or starting with the form's
 * header line; by content, the year and region are those of the first data line.
 */
public final class CsvFormRecogniser extends FileRecogniser {

  public static final String STAGE = "csvforms";

  private final CsvForms forms;

  public CsvFormRecogniser(CsvForms forms) {
    super(STAGE, false);
    this.forms = forms;
  }

  @Override
  public Declared byName(String fileName) {
    CsvFormFileName name = CsvFormFileName.of(fileName);
    return name == null ? null
        : new Declared(STAGE, name.skjema(), name.aargang(), name.region());
  }

  @Override
  public Map<String, Integer> matchingLines(List<String> lines) {
    if (lines.isEmpty()) {
      return Map.of();
    }
    List<String> header = fields(lines.get(0));
    for (String form : CsvForms.FORMS) {
      if (header.equals(forms.form(form).columns())) {
        return Map.of(form, lines.size()); // the header makes every line a line of the form
      }
    }
    return Map.of();
  }

  @Override
  public Declared byContent(String form, List<String> lines) {
    List<String> columns = forms.form(form).columns();
    if (lines.size() < 2) {
      return null;
    }
    List<String> first = fields(lines.get(1));
    if (first.size() != columns.size()) {
      return null;
    }
    String year = first.get(columns.indexOf("aargang"));
    String region = first.get(columns.indexOf("region"));
    if (!year.matches("\\d{4}") || !region.matches("\\d{4}|\\d{6}")) {
      return null;
    }
    return new Declared(STAGE, form, Integer.parseInt(year),
        no.kostra.ingest.IngestFiles.sixDigitRegion(region));
  }

  private static List<String> fields(String line) {
    return Arrays.stream(line.replace("\uFEFF", "").split(";", -1))
        .map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
  }
}

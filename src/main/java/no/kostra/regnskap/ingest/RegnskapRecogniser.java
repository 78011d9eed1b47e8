package no.kostra.regnskap.ingest;

import java.util.List;
import java.util.Map;
import java.util.Set;
import no.kostra.ingest.FileRecogniser;
import no.kostra.regnskap.RegnskapForms;
import no.kostra.schemas.SchemaDir;

/**
 * Accounting files: named as {@link SubmissionKey} reads names, or made of 48-character records
 * that start with a skjema code and a year. The skjema, year and region are read by the parser
 * itself (from the name, else from the first record), so what is declared here is only the stage.
 */
public final class RegnskapRecogniser extends FileRecogniser {

  public static final String STAGE = "regnskap";

  private final int recordLength;
  private final Set<String> skjemaCodes;

  public RegnskapRecogniser(SchemaDir schemas) {
    super(STAGE, false);
    this.recordLength = RegnskapForms.layout(schemas).recordLength();
    this.skjemaCodes = Set.copyOf(RegnskapForms.load(schemas).skjema().keySet());
  }

  @Override
  public Declared byName(String fileName) {
    return SubmissionKey.fromFileName(fileName) == null ? null
        : new Declared(STAGE, STAGE, null, null);
  }

  @Override
  public Map<String, Integer> matchingLines(List<String> lines) {
    int n = 0;
    for (String line : lines) {
      if (line.length() == recordLength && skjemaCodes.contains(line.substring(0, 2))
          && line.substring(2, 6).chars().allMatch(c -> c >= '0' && c <= '9')) {
        n++;
      }
    }
    return Map.of(STAGE, n);
  }

  @Override
  public Declared byContent(String form, List<String> lines) {
    return new Declared(STAGE, STAGE, null, null);
  }
}

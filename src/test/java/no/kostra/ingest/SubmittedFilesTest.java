package no.kostra.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import no.kostra.csvforms.CsvForms;
import no.kostra.form.Forms;
import no.kostra.schemas.SchemaDir;
import no.kostra.sosial.SosialForms;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * How a file's name and content are weighed (no Spark): one row per case, with the stage, form,
 * year and region it must be read as, or "rejected whole".
 */
class SubmittedFilesTest {

  private static final SchemaDir SCHEMAS = SchemaDir.locate();
  private static final List<FileRecogniser> RECOGNISERS = Forms.recognisers(SCHEMAS);
  private static final SosialForms SOSIAL = SosialForms.load(SCHEMAS);

  /** An 11F (2025) or 11CF record of the right length for municipality 4601 (or a district). */
  private static String social(String form, int year, String kommune, String bydel) {
    int length = SOSIAL.layout(form, year).recordLength();
    String head = kommune + String.format("%02d", year % 100) + bydel;
    return head + "9".repeat(length - head.length());
  }

  private static List<String> times(int n, String line) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(line);
    }
    return out;
  }

  private static final String ACCOUNTING = "0A2025 460100                  1242 010      100";
  private static final String F11 = social("11F", 2025, "4601", "  ");
  private static final String CF11 = social("11CF", 2025, "4601", "  ");
  private static final String OSLO = social("11F", 2025, "0301", "05");

  static Stream<Arguments> cases() {
    return Stream.of(
        // name, lines, expected "stage form year region by" or "rejected"
        Arguments.of("11F_2025_460100.dat", times(3, F11), "sosial 11F 2025 460100 name"),
        Arguments.of("11f_2025_460100.dat", times(3, F11), "sosial 11F 2025 460100 name"),
        Arguments.of("11F_V2025_R460100.dat", times(3, F11), "sosial 11F 2025 460100 name"),
        Arguments.of("sosialhjelp_bydel05_2025.dat", times(3, OSLO),
            "sosial 11F 2025 030105 content"),
        Arguments.of("noname", times(3, CF11), "sosial 11CF 2025 460100 content"),
        Arguments.of("0A_2025_460100.dat", times(3, F11), "sosial 11F 2025 460100 content"),
        Arguments.of("skjema7_2025_4601.csv", times(3, F11), "sosial 11F 2025 460100 content"),
        Arguments.of("11F_2025_460100.dat", times(3, CF11), "sosial 11CF 2025 460100 content"),
        Arguments.of("11F_2025_460100.dat", times(3, ACCOUNTING), "regnskap regnskap null null content"),
        Arguments.of("regnskap.txt", times(3, ACCOUNTING), "regnskap regnskap null null content"),
        Arguments.of("0A_2025_460100.dat", times(3, ACCOUNTING), "regnskap regnskap null null name"),
        // the name decides where the content is of no form: its stage judges the lines
        Arguments.of("0A_2025_460100.dat", times(3, ACCOUNTING.substring(1)),
            "regnskap regnskap null null name"),
        Arguments.of("11F_2025_460100.dat", List.of(" "), "sosial 11F 2025 460100 name"),
        // most lines decide; a tie goes to the person-level form
        Arguments.of("0A_2025_460100.dat", List.of(ACCOUNTING, F11, ACCOUNTING),
            "regnskap regnskap null null name"),
        Arguments.of("0A_2025_460100.dat", List.of(ACCOUNTING, F11),
            "sosial 11F 2025 460100 content"),
        // one record of another municipality does not move the file
        Arguments.of("x.dat", List.of(social("11F", 2025, "1101", "  "), F11, F11),
            "sosial 11F 2025 460100 content"),
        Arguments.of("x.csv", List.of("aargang;region;post;verdi", "2025;4601;01;8100"),
            "csvforms 12 2025 460100 content"),
        Arguments.of("x.csv", List.of("aargang;region;funksjon;post;verdi", "2025;030105;242;02;1,5"),
            "csvforms 7 2025 030105 content"),
        // no form: rejected whole
        Arguments.of("rest.dat", times(3, F11.substring(5)), "rejected"),
        Arguments.of("rest.dat", List.of(), "rejected"),
        Arguments.of("x.csv", List.of("aargang;region;post;verdi", "x;y;01;8100"), "rejected"),
        Arguments.of("x.dat", times(2, "ABCD25  " + F11.substring(8)), "rejected"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("cases")
  void nameAndContentAreWeighed(String name, List<String> lines, String expected) {
    var s = SubmittedFiles.decide("file:/in/" + name, "/in/" + name, lines, RECOGNISERS);
    if (expected.equals("rejected")) {
      assertNull(s.declared(), String.valueOf(s));
      assertTrue(s.note().contains("nothing of its content is kept"), s.note());
      return;
    }
    var d = s.declared();
    assertEquals(expected, d.stage() + " " + d.form() + " " + d.year() + " " + d.region() + " "
        + s.by());
  }

  @Test
  void theHeadIsReadInWholeLines() {
    byte[] bytes = (F11 + "\n" + F11.substring(0, 100)).getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(List.of(F11), SubmittedFiles.headLines(new IngestFiles.Head(bytes, false)));
    assertEquals(2, SubmittedFiles.headLines(new IngestFiles.Head(bytes, true)).size());
    assertFalse(CsvForms.load(SCHEMAS).form("7").columns().isEmpty());
  }
}

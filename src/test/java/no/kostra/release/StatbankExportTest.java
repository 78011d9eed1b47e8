package no.kostra.release;

import static no.kostra.release.PublishedRows.cell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.kostra.keyfigures.KeyFigureDefinitions;
import no.kostra.keyfigures.KeyFigureDefinitions.Indicator;
import no.kostra.schemas.SchemaDir;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The StatBank load files of publishing.md §3.1–3.3, from published rows written by hand. */
class StatbankExportTest {

  /** Scratch files of this class (JUnit removes the folder when the class ends). */
  @org.junit.jupiter.api.io.TempDir
  static java.nio.file.Path scratch;

  private static final KeyFigureDefinitions DEFS = KeyFigureDefinitions.load(SchemaDir.locate());
  // two level 1 key figures: 0 and 1 stored decimals
  private static final List<Indicator> INDICATORS = List.of(
      DEFS.indicators().stream().filter(i -> i.id().equals("nd_sosial_per_innbygger")).findFirst()
          .orElseThrow(),
      DEFS.indicators().stream().filter(i -> i.id().equals("andel_nd_sosial_av_samlede"))
          .findFirst().orElseThrow());
  private static final String ND = "nd_sosial_per_innbygger";
  private static final String SHARE = "andel_nd_sosial_av_samlede";

  private static List<Row> published() {
    return List.of(
        cell(2025, 2025, "4601", "Bergen", "kommune", ND, 1, "5799", null, 0, null),
        cell(2025, 2025, "4601", "Bergen", "kommune", SHARE, 1, "6.9", null, 1, null),
        cell(2025, 2025, "1151", "Utsira", "kommune", ND, 1, "-12", null, 0, null),
        cell(2025, 2025, "1151", "Utsira", "kommune", SHARE, 1, null, ":", 1, null),
        cell(2025, 2025, "3101", "Halden", "kommune", ND, 1, null, "..", 0, null),
        cell(2025, 2025, "3101", "Halden", "kommune", SHARE, 1, null, "..", 1, null),
        // only one of the two figures exists for it: the other is '.' (01)
        cell(2025, 2025, "5001", "Trondheim", "kommune", SHARE, 1, "3", null, 1, null),
        cell(2025, 2025, "EAK", "Landet", "EAK", ND, 1, "4844", null, 0, "estimated"),
        cell(2025, 2025, "EAK", "Landet", "EAK", SHARE, 1, "5.8", null, 1, "estimated"),
        cell(2025, 2025, "EKG12", "KOSTRA-gruppe 12", "EKG", SHARE, 1, null, ".", 1, null),
        // today's borders are not in the load files (as in the PX files)
        cell(2025, 2026, "4601", "Bergen", "kommune", ND, 1, "5800", null, 0, null));
  }

  private static Map<String, byte[]> files() {
    return files("final");
  }

  private static Map<String, byte[]> files(String kind) {
    return StatbankExport.write(new StatbankExport.Settings("12345", "KostraSosial12345"),
        INDICATORS, published(), LocalDate.of(2026, kind.equals("final") ? 6 : 3, 15), kind);
  }

  @Test
  void everyExportSaysWhetherItsFiguresArePreliminary() throws Exception {
    // a reader with only the load files, a PX file or the CSV sees the release's status
    JsonNode march = new ObjectMapper().readTree(files("preliminary").get("transfer.json"));
    assertEquals("foreløpige", march.get("tallstatus").asText());
    assertTrue(march.get("fotnote").asText().startsWith("Foreløpige tall (ureviderte), publisert "
        + "15.3.2026"), march.toString());
    assertEquals("endelige", new ObjectMapper().readTree(files("final").get("transfer.json"))
        .get("tallstatus").asText());
    Map<String, String> px = ReleaseRunTest.parsePx(new String(PxExport.write(INDICATORS.get(0), 1,
        published(), LocalDate.of(2026, 3, 15), "preliminary"), StandardCharsets.UTF_8));
    assertTrue(px.get("NOTEX").startsWith("\"Foreløpige tall"), px.get("NOTEX"));
    java.nio.file.Path csv = java.nio.file.Files.createTempDirectory(scratch, "status")
        .resolve("key_figures.csv");
    no.kostra.keyfigures.KeyFigureExport.writeCsv(published(), csv, "preliminary");
    List<String> lines = java.nio.file.Files.readAllLines(csv);
    assertTrue(lines.get(0).endsWith(";release_status"), lines.get(0));
    assertTrue(lines.size() > 1 && lines.subList(1, lines.size()).stream()
        .allMatch(l -> l.endsWith(";preliminary")), lines.toString());
  }

  private static String text(Map<String, byte[]> files, String name) {
    return new String(files.get(name), StandardCharsets.UTF_8);
  }

  @Test
  void subtablesHaveDecimalCommasExactDecimalsAndLoadCodesForSymbols() {
    Map<String, byte[]> files = files();
    assertEquals(Set.of("kommuner1.dat", "grupper1.dat", "uttrekksbeskrivelse.json",
        "transfer.body", "transfer.json"), files.keySet());
    // region; year; ND; share; code ND; code share — ordered by code, no header
    assertEquals(String.join("\n",
        "1151;2025;-12;;;04",
        "3101;2025;;;02;02",
        "4601;2025;5799;6,9;;",
        "5001;2025;;3,0;01;", ""), text(files, "kommuner1.dat"));
    assertEquals(String.join("\n",
        "EKG12;2025;;;01;01",
        "EAK;2025;4844;5,8;;", ""), text(files, "grupper1.dat"));
  }

  @Test
  void theExtractionDescriptionNamesEveryColumnAndCode() throws Exception {
    JsonNode d = new ObjectMapper().readTree(files().get("uttrekksbeskrivelse.json"));
    assertEquals("12345", d.get("TabellId").asText());
    assertEquals("15.06.2026 klokka 08:00", d.get("Uttaksbeskrivelse_lagd").asText());
    JsonNode sub = d.get("deltabller").get(0);
    assertEquals("kommuner1.dat", sub.get("deltabell").asText());
    assertEquals("1151;2025;-12;;;04", sub.get("eksempel_linje").asText());
    assertEquals("åååå", sub.get("variabler").get(1).get("Kodeliste_text").asText()
        .replaceAll(".*format = ", ""));
    JsonNode stats = sub.get("statistikkvariabler");
    assertEquals("3", stats.get(0).get("kolonnenummer").asText());
    assertEquals("0", stats.get(0).get("Antall_lagrede_desimaler").asText());
    assertEquals("1", stats.get(1).get("Antall_lagrede_desimaler").asText());
    JsonNode codes = sub.get("null_prikk_missing");
    assertEquals("5", codes.get(0).get("kolonnenummer").asText());
    assertEquals("3", codes.get(0).get("gjelder_for__kolonner_nummer").asText());
    assertEquals("6", codes.get(1).get("kolonnenummer").asText());
    assertEquals("4", codes.get(1).get("gjelder_for__kolonner_nummer").asText());
    JsonNode regions = d.get("kodelister").get(0);
    assertEquals("KOKregion0000", regions.get("kodeliste").asText());
    assertEquals(4, regions.get("koder").size());
    assertEquals("Utsira", regions.get("koder").get(0).get("text").asText());
    assertEquals(List.of("01", "02", "04"), List.of(
        d.get("null_prikk_missing_kodeliste").get(0).get("Kode").asText(),
        d.get("null_prikk_missing_kodeliste").get(1).get("Kode").asText(),
        d.get("null_prikk_missing_kodeliste").get(2).get("Kode").asText()));
  }

  @Test
  void theTransferIsOnePartPerSubtableWithCrlf() {
    Map<String, byte[]> files = files();
    String body = text(files, "transfer.body");
    assertTrue(body.startsWith("--12345\r\nContent-Disposition:form-data; filename=kommuner1.dat"
        + "\r\nContent-type:text/plain\r\n\r\n1151;2025;-12;;;04\r\n"), body);
    assertTrue(body.endsWith("EAK;2025;4844;5,8;;\r\n--12345--\r\n"), body);
    assertEquals(0, body.replace("\r\n", "").chars().filter(c -> c == '\n' || c == '\r').count(),
        "every line ends with CRLF");
    assertTrue(text(files, "transfer.json").contains("\"publiseringsdato\" : \"2026-06-15\""));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a value with more decimals than stored|4601;2025;5799;6,90;;|column 4",
      "a decimal point|4601;2025;5799;6.9;;|column 4",
      "an empty value without its code|4601;2025;;6,9;;|column 3",
      "a value and a code|4601;2025;5799;6,9;04;|column 3",
      "an unknown load code|4601;2025;;6,9;03;|column 3",
      "a literal symbol|4601;2025;:;6,9;;|literal",
      "a region outside the code list|9999;2025;5799;6,9;;|code list",
      "a year outside the release|4601;2024;5799;6,9;;|year 2024",
      "a missing column|4601;2025;5799;6,9;|5 columns",
      "a second row for a region and year|4601;2025;5799;6,9;;/4601;2025;5799;6,9;;|second row"})
  void theClientsChecksRefuseWhatStatbankWouldRefuse(String what, String lines, String message) {
    var e = assertThrows(IllegalStateException.class, () -> StatbankExport.check("kommuner1.dat",
        lines.replace("/", "\n") + "\n", List.of("4601"), Set.of(2025), INDICATORS));
    assertTrue(e.getMessage().startsWith("statbank/kommuner1.dat line "), e.getMessage());
    assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
  }

  @Test
  void aJobNamesItsTableWithFiveDigits() {
    assertEquals("12345", StatbankExport.Settings.of(Map.of("table", "12345"), "j: ").tableId());
    var e = assertThrows(IllegalArgumentException.class,
        () -> StatbankExport.Settings.of(Map.of("table", "1234"), "jobs/x.yaml: "));
    assertTrue(e.getMessage().startsWith("jobs/x.yaml: statbank.table must be"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> StatbankExport.Settings.of(Map.of("table", "12345", "tabel", "x"), "j: "));
  }
}

package no.kostra.sosial.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import no.kostra.EndToEnd;
import no.kostra.TestBase;
import no.kostra.cli.KostraCli;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.sosial.SosialForms;
import no.kostra.sosial.generate.SosialGenerator;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The hard requirement of the person-level forms: after ingest and validation, no identity number,
 * DUF number, birth date, journal number or caseworker is anywhere — not in any column of any table,
 * not in any file written under the warehouse, not in what the commands print, not in the reports.
 */
@EndToEnd
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PseudonymisationTest extends TestBase {

  /** Every clear value the files below hold, in the forms a leak could take. */
  private static final List<String> SECRETS = List.of(
      "15859010331", "12037540143", "15859010332", "201512345609", "15059000100", "47838030188",
      "15051990", "150590", "1990-05-15", "15.05.1990", "12031975", "1975-03-12", "07031980",
      "JRN-4711", "JRN-4712", "JRN-4713", "JRN-9001", "Kari Nordm", "Ola Hansen", "Sara Saksb");

  private Path input;
  private Path warehouseDir;
  private Path keyFile;
  private String printed;
  private String jsonReport;
  private String htmlReport;

  @BeforeAll
  void ingestFilesWithKnownIdentities() throws IOException {
    startSpark();
    input = tempDir("pseudo-in");
    warehouseDir = tempDir("pseudo-wh");
    keyFile = tempDir("pseudo-key").resolve("pseudonym.key");
    Pseudonymizer.createKeyFile(keyFile);
    System.setProperty(Pseudonymizer.KEY_FILE_PROPERTY, keyFile.toString());
    SosialForms forms = SosialForms.load(SCHEMAS);
    write(forms, "11F", 2025, "11F_2025_460100.dat", List.of(
        person("4601", "25", "JRN-4711", "15859010331", null, "15051990", "Kari Nordm"),
        person("4601", "25", "JRN-4712", "15859010332", null, "12031975", "Ola Hansen"),
        person("4601", "25", "JRN-4713", null, "201512345609", "07031980", "Kari Nordm")),
        // a line of the wrong length holding an identity number: rejected, and withheld
        "460125  15051990JRN-471515859010331");
    write(forms, "11F", 2024, "11F_2024_110300.dat", List.of(
        person("1103", "24", "JRN-9001", "15859010331", null, null, "Sara Saksb"),
        person("1103", "24", "JRN-4711", "12037540143", null, null, "Sara Saksb")), null);
    Map<String, String> kvp = person("4601", "25", "JRN-4711", "47838030188", null, "07031980",
        "Ola Hansen");
    kvp.putAll(Map.of("REG_DATO", "01012025", "VEDTAK_DATO", "01022025", "BEGYNT_DATO",
        "01032025", "KVP_KOMM", "2", "KVP_MED_ASTONAD", "2", "STATUS", "2"));
    write(forms, "11CF", 2025, "11CF_2025_460100.dat", List.of(kvp), null);
    Files.copy(Path.of("src/test/resources/fixtures/kvalifisering_minimal.dat"),
        input.resolve("11CF_2024_030114.dat"));

    // what the commands print, results and progress both, without touching System.out/err
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      assertEquals(0, KostraCli.run(capture, capture, "--warehouse", warehouseDir.toString(),
          "ingest", input.toString(), "--key-file", keyFile.toString()));
      printed = out.toString(StandardCharsets.UTF_8);
      out.reset();
      KostraCli.run(capture, capture, "validate", input.resolve("11F_2025_460100.dat").toString(),
          "--skjema", "11F", "--year", "2025", "--region", "460100");
      jsonReport = out.toString(StandardCharsets.UTF_8);
      out.reset();
      KostraCli.run(capture, capture, "validate",
          input.resolve("11CF_2024_030114.dat").toString(), "--skjema", "11CF", "--year", "2024",
          "--region", "030114", "--format", "html");
      htmlReport = out.toString(StandardCharsets.UTF_8);
    }
  }

  @AfterAll
  void forgetTheKey() {
    System.clearProperty(Pseudonymizer.KEY_FILE_PROPERTY);
  }

  @Test
  void noTableHoldsAClearIdentifierInAnyColumn() {
    Warehouse wh = warehouse(warehouseDir);
    List<String> tables = wh.tableNames();
    assertFalse(tables.isEmpty());
    for (String table : tables) {
      StringBuilder text = new StringBuilder();
      for (Row r : wh.read(table).selectExpr("to_json(struct(*))").collectAsList()) {
        text.append(r.getString(0)).append('\n');
      }
      assertNoSecret(table, text.toString());
    }
    long records = wh.read("sosialhjelp").count() + wh.read("kvalifisering").count();
    assertEquals(8, records, "5 11F and 3 11CF records were read");
  }

  @Test
  void noFileUnderTheWarehouseHoldsOne() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(warehouseDir)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertFalse(files.isEmpty());
    String key = Files.readString(keyFile).trim();
    for (Path f : files) {
      String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      assertNoSecret(f.toString(), bytes);
      assertFalse(bytes.contains(key), "the key is in " + f);
    }
  }

  @Test
  void nothingPrintedOrReportedHoldsOne() {
    assertNoSecret("ingest output", printed);
    assertNoSecret("JSON report", jsonReport);
    assertNoSecret("HTML report", htmlReport);
    // the reports still point the respondent to the record: line number and pseudonymous key
    org.junit.jupiter.api.Assertions.assertTrue(jsonReport.contains("\"lineNumbers\" : [ 4 ]"),
        jsonReport);
    org.junit.jupiter.api.Assertions.assertTrue(htmlReport.contains("journal&#61;"), htmlReport);
  }

  @Test
  void theSamePersonHasTheSamePseudonymAcrossYearsAndMunicipalities() {
    Warehouse wh = warehouse(warehouseDir);
    List<Row> rows = sql(wh, "SELECT aargang, region, person_pseudonym, id_type, age, fnr_valid, "
        + "duf_valid, journal_pseudonym FROM sosialhjelp ORDER BY aargang, region, line_number");
    Map<String, Row> byKey = new LinkedHashMap<>();
    rows.forEach(r -> byKey.put(r.getInt(0) + "/" + r.getString(1) + "/" + r.getString(3) + "/"
        + r.getAs("age"), r));
    Row p2024 = rows.get(0);
    Row p2025 = rows.get(2);
    assertEquals(2024, p2024.getInt(0));
    assertEquals(2025, p2025.getInt(0));
    assertNotNull(p2025.getString(2));
    assertEquals(p2025.getString(2), p2024.getString(2), "one person, one pseudonym, in 1103 2024 "
        + "and 4601 2025");
    assertEquals(35, p2025.<Integer>getAs("age"), "from the birth date");
    assertEquals(34, p2024.<Integer>getAs("age"), "from the identity number before 2025");
    List<String> types = new ArrayList<>();
    rows.forEach(r -> types.add(r.getString(3)));
    assertEquals(List.of("synthetic", "fnr", "synthetic", "invalid", "duf"), types);
    // journal numbers are scoped to the municipality: JRN-4711 in 1103 and 4601 are two pseudonyms
    assertFalse(rows.get(1).getString(7).equals(rows.get(2).getString(7)));
  }

  @Test
  void aDifferentKeyGivesDifferentPseudonyms() {
    String a = Pseudonymizer.fromFile(keyFile).pseudonym("fnr", "15859010331");
    String b = Pseudonymizer.fromText("another key of at least thirty-two characters")
        .pseudonym("fnr", "15859010331");
    assertFalse(a.equals(b));
    Row stored = sql(warehouse(warehouseDir), "SELECT person_pseudonym FROM sosialhjelp "
        + "WHERE aargang = 2025 AND line_number = 1").get(0);
    assertEquals(a, stored.getString(0));
  }

  private static void assertNoSecret(String where, String text) {
    for (String secret : SECRETS) {
      assertFalse(text.contains(secret), "'" + secret + "' found in " + where);
    }
  }

  private static Map<String, String> person(String kommune, String version, String journal,
      String fnr, String duf, String birthDate, String caseworker) {
    Map<String, String> r = new LinkedHashMap<>(Map.of("KOMMUNE_NR", kommune, "VERSION", version,
        "PERSON_JOURNALNR", journal, "KJONN", "1", "EKTSTAT", "1", "BU18", "2", "VKLO", "5",
        "TRYGDESIT", "12", "ARBSIT", "04", "SAKSBEHANDLER", caseworker));
    r.putAll(Map.of("STMND_1", "01", "BIDRAG", "9000", "LAAN", "0", "BIDRAG_JAN", "9000",
        "GITT_OKONOMIRAD", "2", "FAAT_INDIVIDUELL_PLAN", "2", "BOSIT", "1", "VILKARSOSLOV", "2",
        "VILKARSAMEKT", "2"));
    if (fnr != null) {
      r.put("PERSON_FODSELSNR", fnr);
    }
    if (duf != null) {
      r.put("PERSON_DUF", duf);
    }
    if (birthDate != null) {
      r.put("FODSELSDATO", birthDate);
    }
    return r;
  }

  private void write(SosialForms forms, String form, int year, String name,
      List<Map<String, String>> records, String extraLine) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Map<String, String> r : records) {
      lines.add(SosialGenerator.formatRecord(forms.layout(form, year), r));
    }
    if (extraLine != null) {
      lines.add(extraLine);
    }
    Files.writeString(input.resolve(name), String.join("\n", lines) + "\n",
        StandardCharsets.ISO_8859_1);
  }
}

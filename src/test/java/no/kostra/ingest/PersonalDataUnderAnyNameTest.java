package no.kostra.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import no.kostra.EndToEnd;
import no.kostra.TestBase;
import no.kostra.form.IngestAll;
import no.kostra.layout.FixedWidthLayout;
import no.kostra.regnskap.ingest.SubmissionKey;
import no.kostra.regnskap.validate.RegnskapValidation;
import no.kostra.sosial.SosialForms;
import no.kostra.sosial.generate.SosialGenerator;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.sosial.validate.SosialValidation;
import no.kostra.validate.ValidationReport;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The attack of a careless respondent and a curious user (issue 16): correct 11F and 11CF files
 * under every name people give files, and files of no form at all, are ingested; then no
 * fødselsnummer, DUF number, birth date, journal number or caseworker of the input may be found in
 * any table, any byte under the warehouse, the ingest's messages or any pre-check report, and the
 * pre-check's pseudonyms must not be the warehouse's.
 */
@EndToEnd
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PersonalDataUnderAnyNameTest extends TestBase {

  private static final int YEAR = 2025;
  /** A to F: the municipalities whose generated files are renamed. */
  private static final List<String> MUNICIPALITIES =
      List.of("1101", "1506", "3101", "3401", "3403", "1804");

  private Path input;
  private Path warehouseDir;
  private Path keyFile;
  private final IdentifierScan scan = new IdentifierScan();
  private final List<String> messages = new ArrayList<>();
  private final Map<String, String> reports = new LinkedHashMap<>();

  @BeforeAll
  void ingestSocialFilesUnderAnyName() throws IOException {
    startSpark();
    Path generated = tempDir("anyname-gen");
    SosialGenerator.forYear(YEAR, SCHEMAS).seed(16).faults(false).oddNames(false)
        .only(Set.copyOf(MUNICIPALITIES)).writeTo(generated);
    SosialForms forms = SosialForms.load(SCHEMAS);
    for (String form : SosialForms.FORMS) {
      for (String m : MUNICIPALITIES) {
        collectSecrets(forms.layout(form, YEAR), generated.resolve(file(form, m)));
      }
    }
    Assertions.assertTrue(scan.secrets().size() > 1000,
        "identifiers to look for: " + scan.secrets().size());

    input = tempDir("anyname-in");
    String a = MUNICIPALITIES.get(0);
    String b = MUNICIPALITIES.get(1);
    String c = MUNICIPALITIES.get(2);
    String d = MUNICIPALITIES.get(3);
    String e = MUNICIPALITIES.get(4);
    String f = MUNICIPALITIES.get(5);
    // 11F, correct records, under names of every kind (the last one: a line starting with an
    // identity number, as a shifted record would)
    String fnrFirst = scan.secrets().stream().filter(s -> s.matches("\\d{11}")).findFirst()
        .orElseThrow();
    Files.writeString(input.resolve("11f_2025_" + a + "00.dat"), read(generated, "11F", a)
        + fnrFirst + "  25" + a + "\n", StandardCharsets.ISO_8859_1);
    copy(generated, "11F", b, "sosialhjelp_bydel01_2025.dat");
    copy(generated, "11F", c, "11F_V2025_R" + c + "00.dat");
    Files.createDirectories(input.resolve("innsending/mars"));
    copy(generated, "11F", d, "innsending/mars/" + d + "-2025");
    copy(generated, "11F", e, "0A_2025_" + e + "00.dat"); // an accounting name
    copy(generated, "11F", f, "skjema7_2025_" + f + ".csv"); // a staffing name
    // 11CF under a name of its own and under the other form's name
    copy(generated, "11CF", a, "kvp.txt");
    copy(generated, "11CF", b, "11F_2025_" + b + "00.dat");
    // records of no layout: cut short (the person-level fields still in them)
    Files.writeString(input.resolve("rest_" + c + ".dat"), cut(generated, "11CF", c),
        StandardCharsets.ISO_8859_1);
    Files.writeString(input.resolve("0A_2025_" + d + "00.dat"), cut(generated, "11CF", d),
        StandardCharsets.ISO_8859_1);
    Files.writeString(input.resolve("11CF_2025_" + e + "00.dat"), cut(generated, "11CF", e),
        StandardCharsets.ISO_8859_1);
    // (records cut short under a skjema 7/12 name: PersonalDataTest, without a third stage here)
    // an accounting file with two person-level records pasted into it
    List<String> social = read(generated, "11F", a).lines().limit(2).toList();
    Files.writeString(input.resolve("0A_2025_" + a + "00.dat"), String.join("\n",
        accounting(a, "242", "010", 100), social.get(0), accounting(a, "800", "870", -60),
        social.get(1), accounting(a, "840", "800", -40)) + "\n", StandardCharsets.ISO_8859_1);

    warehouseDir = tempDir("anyname-wh");
    // a fixed key (owner-only, as keygen writes it): the byte scan below reads compressed Parquet,
    // where a random key's pseudonyms, cut up by the compression, now and then hold one of the
    // thousands of 8-digit secrets by chance (seen once here: '06021997' in sosialhjelp's
    // Parquet); with a fixed key the test is the same every run (the decoded scan,
    // noTableHoldsAnIdentifierOfTheInput, is the exact one)
    keyFile = tempDir("anyname-key").resolve("pseudonym.key");
    Files.createFile(keyFile, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.writeString(keyFile, "5e".repeat(32) + "\n", StandardCharsets.UTF_8);
    var result = IngestAll.run(warehouse(warehouseDir), SCHEMAS, input.toString(),
        () -> Pseudonymizer.fromFile(keyFile), messages::add);
    Assertions.assertTrue(result.reconciles(), String.join("\n", messages));

    // the pre-check of every file as a respondent runs it, with the production key configured as
    // it is on the office's machines: the report must not use it
    System.setProperty(Pseudonymizer.KEY_FILE_PROPERTY, keyFile.toString());
    try {
      SosialValidation sosial = SosialValidation.load(spark(), SCHEMAS);
      Path twice = tempDir("anyname-precheck").resolve("11F_2025_" + a + "00.dat");
      String records = read(generated, "11F", a);
      // the same persons twice: findings that name them by pseudonym
      Files.writeString(twice, records + records, StandardCharsets.ISO_8859_1);
      report("pre-check 11F twice", sosial.checkFile(twice, "11F", YEAR, a + "00", null), twice);
      // a file under a name of its own, and person-level records checked as the accounting form
      // a respondent chose by mistake
      Path odd = input.resolve("sosialhjelp_bydel01_2025.dat");
      report("pre-check 11F odd name", sosial.checkFile(odd, "11F", YEAR, b + "00", null), odd);
      Path asAccounting = input.resolve("0A_2025_" + e + "00.dat");
      report("pre-check 0A of 11F records", RegnskapValidation.load(spark(), SCHEMAS)
          .checkFile(asAccounting, new SubmissionKey("0A", YEAR, null, e + "00", null)),
          asAccounting);
    } finally {
      System.clearProperty(Pseudonymizer.KEY_FILE_PROPERTY);
    }
  }

  @Test
  void noTableHoldsAnIdentifierOfTheInput() {
    Warehouse wh = warehouse(warehouseDir);
    for (String table : wh.tableNames()) {
      StringBuilder text = new StringBuilder();
      for (Row r : wh.read(table).selectExpr("to_json(struct(*))").collectAsList()) {
        text.append(r.getString(0)).append('\n');
      }
      assertNoSecret("table " + table, text.toString());
    }
  }

  @Test
  void noByteUnderTheWarehouseHoldsOne() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(warehouseDir)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    Assertions.assertTrue(files.size() > 20);
    for (Path f : files) {
      assertNoSecret(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void noMessageOrReportHoldsOne() {
    assertNoSecret("ingest messages", String.join("\n", messages));
    Assertions.assertEquals(6, reports.size());
    reports.forEach(this::assertNoSecret);
  }

  @Test
  void theSocialFilesReachTheirTablesWhateverTheyAreCalled() {
    Warehouse wh = warehouse(warehouseDir);
    Map<String, String> expected = new LinkedHashMap<>();
    List<String> m = MUNICIPALITIES;
    expected.put("sosialhjelp|11f_2025_" + m.get(0) + "00.dat", m.get(0) + "00");
    expected.put("sosialhjelp|sosialhjelp_bydel01_2025.dat", m.get(1) + "00");
    expected.put("sosialhjelp|11F_V2025_R" + m.get(2) + "00.dat", m.get(2) + "00");
    expected.put("sosialhjelp|innsending/mars/" + m.get(3) + "-2025", m.get(3) + "00");
    expected.put("sosialhjelp|0A_2025_" + m.get(4) + "00.dat", m.get(4) + "00");
    expected.put("sosialhjelp|skjema7_2025_" + m.get(5) + ".csv", m.get(5) + "00");
    expected.put("kvalifisering|kvp.txt", m.get(0) + "00");
    expected.put("kvalifisering|11F_2025_" + m.get(1) + "00.dat", m.get(1) + "00");
    for (var e : expected.entrySet()) {
      String[] tableAndFile = e.getKey().split("\\|");
      List<Row> rows = sql(wh, "SELECT DISTINCT skjema, aargang, region FROM " + tableAndFile[0]
          + " WHERE source_file LIKE '%/" + tableAndFile[1] + "'");
      assertEquals(1, rows.size(), e.getKey() + ": " + rows);
      assertEquals(YEAR, rows.get(0).getInt(1));
      assertEquals(e.getValue(), rows.get(0).getString(2), e.getKey());
    }
    // the shifted line of the first file is rejected, and nothing of it kept
    List<Row> shifted = sql(wh, "SELECT raw_line FROM rejected_lines WHERE source_file LIKE "
        + "'%/11f_2025_" + m.get(0) + "00.dat'");
    assertEquals(1, shifted.size());
    Assertions.assertTrue(shifted.get(0).getString(0).startsWith("["), shifted.get(0).getString(0));
  }

  @Test
  void aFileOfNoFormIsRejectedWholeAndEveryLineIsAccountedFor() {
    Warehouse wh = warehouse(warehouseDir);
    for (Row f : sql(wh, "SELECT source_file, lines_read, rows_accepted, lines_rejected, "
        + "file_sha256 FROM ingested_files")) {
      assertEquals(f.getInt(1), f.getInt(2) + f.getInt(3), f.getString(0));
      long rejected = sql(wh, "SELECT count(*) FROM rejected_lines WHERE file_sha256 = '"
          + f.getString(4) + "' AND source_file = '" + f.getString(0) + "'").get(0).getLong(0);
      assertEquals(f.getInt(3), rejected, f.getString(0));
    }
    String rest = "rest_" + MUNICIPALITIES.get(2) + ".dat";
    Row file = sql(wh, "SELECT rows_accepted, lines_rejected FROM ingested_files WHERE "
        + "source_file LIKE '%/" + rest + "'").get(0);
    assertEquals(0, file.getInt(0));
    Assertions.assertTrue(file.getInt(1) > 10);
    List<Row> lines = sql(wh, "SELECT DISTINCT reason, raw_line LIKE '[%characters withheld%]' "
        + "FROM rejected_lines WHERE source_file LIKE '%/" + rest + "'");
    assertEquals(1, lines.size(), lines.toString());
    Assertions.assertTrue(lines.get(0).getString(0).startsWith("the file is not recognised as any form"),
        lines.get(0).getString(0));
    Assertions.assertTrue(lines.get(0).getBoolean(1));
    Row outcome = sql(wh, "SELECT s.status, s.severity FROM submissions s JOIN ingested_files f "
        + "ON s.submission_id = f.file_sha256 WHERE f.source_file LIKE '%/" + rest + "'").get(0);
    assertEquals("rejected", outcome.getString(0));
    assertEquals("FATAL", outcome.getString(1));
    // the accounting file keeps its accounting records and withholds the pasted person records
    List<Row> pasted = sql(wh, "SELECT raw_line FROM rejected_lines WHERE source_file LIKE "
        + "'%/0A_2025_" + MUNICIPALITIES.get(0) + "00.dat'");
    assertEquals(2, pasted.size());
    pasted.forEach(r -> Assertions.assertTrue(r.getString(0).startsWith("["), r.getString(0)));
    assertEquals(3L, sql(wh, "SELECT count(*) FROM regnskap WHERE region = '"
        + MUNICIPALITIES.get(0) + "00'").get(0).getLong(0));
  }

  @Test
  void thePreCheckCannotBeUsedAsAnOracleForProductionPseudonyms() {
    Set<String> production = new HashSet<>();
    Warehouse wh = warehouse(warehouseDir);
    for (String table : List.of("sosialhjelp", "kvalifisering")) {
      for (Row r : wh.read(table).selectExpr("person_pseudonym", "journal_pseudonym",
          "saksbehandler_pseudonym").collectAsList()) {
        for (int i = 0; i < 3; i++) {
          if (!r.isNullAt(i)) {
            production.add(r.getString(i));
          }
        }
      }
    }
    Assertions.assertTrue(production.size() > 1000);
    Pattern hex = Pattern.compile("[0-9a-f]{32}");
    int seen = 0;
    for (var report : reports.entrySet()) {
      Matcher m = hex.matcher(report.getValue());
      while (m.find()) {
        seen++;
        assertFalse(production.contains(m.group()), "the production pseudonym " + m.group()
            + " is in " + report.getKey());
      }
    }
    Assertions.assertTrue(seen > 10, "the reports name records by pseudonym: " + seen);
    String twice = reports.get("pre-check 11F twice json");
    Assertions.assertTrue(twice.contains("engangsnøkkel"), "the report says how its pseudonyms were made");
    Assertions.assertTrue(reports.get("pre-check 11F twice html").contains("engangsnøkkel"));
  }

  private void report(String what, ValidationReport report, Path file) {
    reports.put(what + " json", report.toJson());
    reports.put(what + " html", report.toHtml(file.getFileName().toString()));
  }

  private List<Path> inputFiles() throws IOException {
    try (Stream<Path> walk = Files.walk(input)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private void assertNoSecret(String where, String text) {
    assertNoSecret(where, text, 0);
  }

  private void assertNoSecret(String where, String text, int shortest) {
    String found = scan.findIn(text, shortest);
    if (found != null) {
      Assertions.fail("'" + found + "' found in " + where);
    }
  }

  /** Every identifier of the file's records: what must never be found anywhere. */
  private void collectSecrets(FixedWidthLayout layout, Path file) throws IOException {
    scan.collect(layout, Files.readString(file, StandardCharsets.ISO_8859_1));
  }

  private static String file(String form, String municipality) {
    return form + "_" + YEAR + "_" + municipality + "00.dat";
  }

  private static String read(Path dir, String form, String municipality) throws IOException {
    return Files.readString(dir.resolve(file(form, municipality)), StandardCharsets.ISO_8859_1);
  }

  private void copy(Path dir, String form, String municipality, String as) throws IOException {
    Files.copy(dir.resolve(file(form, municipality)), input.resolve(as));
  }

  /** The records with their last five characters cut off: no layout's length. */
  private static String cut(Path dir, String form, String municipality) throws IOException {
    StringBuilder out = new StringBuilder();
    read(dir, form, municipality).lines().filter(l -> !l.isBlank())
        .forEach(l -> out.append(l, 0, l.length() - 5).append('\n'));
    return out.toString();
  }

  private static String accounting(String municipality, String funksjon, String art, long belop) {
    return String.format("0A2025 %s00%18s1%-4s%3s%9d", municipality, "", funksjon, art, belop);
  }
}

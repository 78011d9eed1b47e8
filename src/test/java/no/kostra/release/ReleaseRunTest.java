package no.kostra.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import no.kostra.EndToEnd;
import no.kostra.TestBase;
import no.kostra.csvforms.CsvFormGenerator;
import no.kostra.regnskap.generate.RegnskapGenerator;
import no.kostra.sosial.generate.SosialGenerator;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** A release job from arriving files to key figures, completeness and the runs log. */
@EndToEnd
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseRunTest extends TestBase {

  private static Path job(Path dir, Path input) throws Exception {
    Path file = dir.resolve("2025-final.yaml");
    Files.writeString(file, String.join("\n",
        "id: 2025-final", "years: [2025]", "release_date: 2026-06-15", "kind: final",
        "input: " + input.toAbsolutePath(), "tables: [key_figures, completeness]",
        "exports: [csv, px, statbank, factsheets]", "statbank: {table: \"12345\"}",
        "suppression: {threshold: 3}", ""));
    return file;
  }

  // the scenario's state, step to step (one instance for the class, steps in order)
  private Path in;
  private Warehouse wh;
  private ReleaseJob job;
  private final Pseudonymizer key = Pseudonymizer.ephemeral();
  private ReleaseRun.Result first;
  private Publication.Result release;
  private byte[] exported;
  private int stepsPassed;

  /** A step runs only when every step before it passed: the first failure names its step. */
  private void after(int steps) {
    Assumptions.assumeTrue(stepsPassed == steps, "an earlier step failed");
  }

  @Test
  @Order(1)
  void theFirstRunIngestsComputesAndReportsHowCompleteEachFormIs() throws Exception {
    in = tempDir("release-in");
    Set<String> only = Set.of("1151", "1144", "46");
    RegnskapGenerator.forYear(2025, SCHEMAS).seed(5).faults(0).only(only).writeTo(in);
    SosialGenerator.forYear(2025, SCHEMAS).seed(5).faults(false).only(only).writeTo(in);
    CsvFormGenerator.forYear(2025, SCHEMAS).seed(5).faults(false).only(only).writeTo(in);
    wh = warehouse(tempDir("release-wh"));
    job = ReleaseJob.load(job(tempDir("release-job"), in));

    first = ReleaseRun.of(wh, SCHEMAS, job).key(() -> key).run();

    assertEquals("succeeded", first.status());
    assertEquals(List.of("ingest", "compute", "completeness", "publish"),
        first.stages().stream().map(ReleaseRun.Stage::name).toList());
    Map<String, Completeness.Form> forms = first.completeness().stream()
        .collect(Collectors.toMap(Completeness.Form::skjema, f -> f));
    // 11F: every municipality but Oslo (356) and Oslo's 15 reporting districts; two delivered
    Completeness.Form f11 = forms.get("11F");
    assertEquals(371, f11.expected());
    assertEquals(2, f11.delivered());
    assertEquals(2, f11.accepted());
    assertEquals(369, f11.missing().size());
    Assertions.assertTrue(f11.summary().startsWith("11F 2025: 2 of 371 accepted; missing: 030101, "),
        f11.summary());
    Assertions.assertFalse(f11.missing().contains("1151"));
    // 0C: the county authorities but Oslo's (14); Vestland (46) delivered
    assertEquals(14, forms.get("0C").expected());
    assertEquals(1, forms.get("0C").accepted());
    Assertions.assertFalse(forms.get("0C").missing().contains("4600"));
    // skjema 12: municipalities only, Oslo included (it reports the city's rates)
    assertEquals(357, forms.get("12").expected());
    // beside the forms, the reference data the figures need: the 2025 guideline rates are
    // placeholders, so what needs them is '..'
    Completeness.Form guideline = forms.get("ref:benefit-guideline-rates");
    assertEquals(List.of(1, 1, 0, List.of("placeholder")), List.of(guideline.expected(),
        guideline.delivered(), guideline.accepted(), guideline.rejected()));
    assertEquals("reference benefit-guideline-rates 2025: placeholder, not the published values; "
        + "every figure that needs it is '..'", guideline.summary());
    assertEquals(List.of(row("0A"), row("0C"), row("0M"), row("0P"), row("11F"), row("11CF"),
            row("7"), row("12"), row("ref:benefit-guideline-rates")),
        sql(wh, "SELECT skjema FROM completeness ORDER BY CASE WHEN skjema LIKE '0%' THEN 0 "
            + "WHEN skjema = '11F' THEN 1 WHEN skjema = '11CF' THEN 2 WHEN skjema = '7' THEN 3 "
            + "ELSE 4 END, skjema"));
    // the figures follow: Kvitsøy's cases are counted, a municipality that sent nothing is '..'
    assertEquals(List.of(row("..")), sql(wh, "SELECT status FROM key_figures WHERE year = 2025 "
        + "AND structure_year = 2025 AND region = '5001' AND indicator = 'antall_mottakere'"));
    assertEquals(List.of(row(true)), sql(wh, "SELECT value >= 0 FROM key_figures WHERE "
        + "structure_year = 2025 AND region = '1144' AND indicator = 'antall_mottakere'"));
    stepsPassed = 1;
  }

  @Test
  @Order(2)
  void theReleaseWithholdsSmallCountsAndItsFilesAgreeWithTheTables() throws Exception {
    after(1);
    // the release: every figure of the year, rounded, small counts of persons withheld
    release = first.release();
    Assertions.assertTrue(release.created());
    assertEquals(List.of(row(release.releaseId(), "final", 1L)), sql(wh, "SELECT release_id, "
        + "kind, count(*) OVER () FROM releases"));
    assertEquals(List.of(row((long) release.rows())), sql(wh, "SELECT count(*) FROM "
        + "published_key_figures WHERE release_id = '" + release.releaseId() + "'"));
    // Utsira's handful of KVP participants (at most 3) and everything 11CF says about them
    List<Row> kvp = sql(wh, "SELECT k.value, p.status, p.value FROM key_figures k JOIN "
        + "published_key_figures p USING (year, structure_year, region, indicator) WHERE "
        + "k.structure_year = 2025 AND region = '1151' AND indicator = 'kvp_deltakere'");
    boolean few = ((java.math.BigDecimal) kvp.get(0).get(0)).intValue() <= 3;
    assertEquals(few ? ":" : null, kvp.get(0).get(1));
    // no published count of persons is 1, 2 or 3 (or 0)
    assertEquals(List.of(row(0L)), sql(wh, "SELECT count(*) FROM published_key_figures WHERE "
        + "indicator IN ('mottakere', 'kvp_deltakere', 'mottakere_18_24', 'antall_mottakere') "
        + "AND value <= 3"));
    // ratios on withheld counts are withheld too; population-based denominators never are
    assertEquals(List.of(row(0L)), sql(wh, "SELECT count(*) FROM published_key_figures p JOIN "
        + "published_key_figures c USING (release_id, year, structure_year, region) WHERE "
        + "p.indicator = 'andel_mottakere_18_24' AND c.indicator = 'mottakere_18_24' AND "
        + "c.status = ':' AND p.status IS NULL"));
    Path dir = release.dir();
    Map<String, Object> manifest = new com.fasterxml.jackson.databind.ObjectMapper()
        .readValue(dir.resolve("manifest.json").toFile(), Map.class);
    @SuppressWarnings("unchecked")
    Map<String, String> hashes = (Map<String, String>) manifest.get("files");
    for (String name : List.of("key_figures.csv", "completeness.csv", "px/antall_mottakere.px",
        "statbank/kommuner1.dat", "statbank/uttrekksbeskrivelse.json", "faktaark/index.html",
        "faktaark/1151.html")) {
      assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest
          .getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve(name)))), hashes.get(name));
    }
    exported = Files.readAllBytes(dir.resolve("key_figures.csv"));
    // the release's status is in the file itself, on every row
    Assertions.assertTrue(new String(exported, StandardCharsets.UTF_8).lines().skip(1)
        .allMatch(l -> l.endsWith(";final")));
    // the load file agrees with the PX file: Utsira's count of recipients, value or load code
    String utsira = Files.readAllLines(dir.resolve("statbank/kommuner1.dat")).stream()
        .filter(l -> l.startsWith("1151;2025;")).findFirst().orElseThrow();
    // a fact sheet per municipality (those that sent nothing show '..'), the index, the style
    try (var sheets = Files.list(dir.resolve("faktaark"))) {
      assertEquals(357 + 2, sheets.count());
    }
    Assertions.assertTrue(Files.readString(dir.resolve("faktaark/index.html"))
        .contains("<a href=\"1151.html\">1151 Utsira</a>"));
    // one PX file per level 1 key figure, valid PC-Axis: read back, every cell as published
    Map<String, String> px = parsePx(Files.readString(dir.resolve("px/antall_mottakere.px")));
    assertEquals("\"utf-8\"", px.get("CODEPAGE"));
    assertEquals("\"Endelige tall, publisert 15.6.2026.\"", px.get("NOTEX"));
    assertEquals("\":\"", px.get("DATASYMBOL4"));
    List<String> codes = List.of(px.get("CODES(\"region\")").replace("\"", "").split(","));
    List<String> tokens = List.of(px.get("DATA").trim().split("\\s+"));
    assertEquals(codes.size(), tokens.size(), "one year: a cell per region");
    assertEquals(List.of(px.get("VALUES(\"region\")").split("\",\"")).size(), codes.size());
    Map<String, String> cells = new java.util.HashMap<>();
    for (int i = 0; i < codes.size(); i++) {
      Assertions.assertTrue(tokens.get(i).matches("-?\\d+(\\.\\d+)?|\"\\.{1,4}\""), tokens.get(i));
      cells.put(codes.get(i), tokens.get(i));
    }
    for (Row r : sql(wh, "SELECT region, value, status FROM published_key_figures WHERE "
        + "indicator = 'antall_mottakere' AND structure_year = year")) {
      String expected = r.get(2) == null ? ((java.math.BigDecimal) r.get(1))
          .setScale(0, java.math.RoundingMode.HALF_UP).toPlainString()
          : Map.of(":", "\"....\"", "..", "\"..\"", ".", "\".\"").get(r.getString(2));
      assertEquals(expected, cells.get(r.getString(0)), r.getString(0));
    }
    String pxUtsira = cells.get("1151");
    List<String> levelOne = no.kostra.keyfigures.KeyFigureDefinitions.load(SCHEMAS)
        .indicatorsFor(2025).stream().filter(i -> i.level() == 1).map(i -> i.id()).toList();
    int column = 2 + levelOne.indexOf("antall_mottakere");
    String[] loadLine = utsira.split(";", -1);
    String loadCode = loadLine[column + (loadLine.length - 2) / 2];
    assertEquals(pxUtsira.startsWith("\"") ? "" : pxUtsira, loadLine[column]);
    assertEquals(Map.of("\"....\"", "04", "\"..\"", "02", "\".\"", "01")
        .getOrDefault(pxUtsira, ""), loadCode);
    stepsPassed = 2;
  }

  @Test
  @Order(3)
  void theAuditOfThePublishedTablesPassesAndCatchesAWithheldCellPublished() throws Exception {
    after(2);
    // the audit of the published tables alone: nothing withheld can be derived, nothing
    // inconsistent; publishing one withheld base cell again (its computed value) is caught
    var audit = DisclosureAudit.of(wh, SCHEMAS, null);
    Assertions.assertTrue(audit.passed(), audit.toString());
    assertEquals(release.releaseId(), audit.releaseId());
    // something is withheld, not everything (three small municipalities' cells: many are)
    Assertions.assertTrue(audit.withheld() > 0 && audit.withheld() < release.rows(),
        audit.toString());
    List<Row> asPublished = new java.util.ArrayList<>(sql(wh, "SELECT * FROM published_key_figures"
        + " WHERE release_id = '" + release.releaseId() + "' ORDER BY region, indicator"));
    int target = -1;
    for (int i = 0; i < asPublished.size() && target < 0; i++) {
      Row r = asPublished.get(i);
      target = ":".equals(r.getAs("status")) && r.<Integer>getAs("level") == 3 ? i : -1;
    }
    Assertions.assertTrue(target >= 0, "a withheld base cell");
    Row t = asPublished.get(target);
    Object computed = sql(wh, "SELECT value FROM key_figures WHERE year = " + t.getAs("year")
        + " AND structure_year = " + t.getAs("structure_year") + " AND region = '"
        + t.getAs("region") + "' AND indicator = '" + t.getAs("indicator") + "'").get(0).get(0);
    Object[] fields = new Object[t.length()];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = t.get(i);
    }
    fields[t.fieldIndex("value")] = computed;
    fields[t.fieldIndex("status")] = null;
    asPublished.set(target, new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
        fields, t.schema()));
    var tampered = DisclosureAudit.check("tampered", SCHEMAS,
        no.kostra.keyfigures.KeyFigureDefinitions.load(SCHEMAS), asPublished, 3);
    Assertions.assertFalse(tampered.passed(), "publishing " + t.getAs("region") + " "
        + t.getAs("indicator") + " = " + computed + " is caught");
    stepsPassed = 3;
  }

  @Test
  @Order(4)
  void aRerunFindsNothingNewAndLeavesTheReleaseUntouched() throws Exception {
    after(3);
    Path dir = release.dir();
    // a rerun finds nothing new and gives the same completeness and the same release, untouched
    var second = ReleaseRun.of(wh, SCHEMAS, job).key(() -> key).run();
    assertEquals("0 new files", second.stages().get(0).detail());
    assertEquals(first.completeness(), second.completeness());
    assertEquals(release.releaseId(), second.release().releaseId());
    Assertions.assertFalse(second.release().created());
    Assertions.assertArrayEquals(exported, Files.readAllBytes(dir.resolve("key_figures.csv")));
    assertEquals(List.of(row(1L)), sql(wh, "SELECT count(*) FROM releases"));
    List<Row> runs = sql(wh, "SELECT job, status, config_hash, size(stages) FROM runs "
        + "ORDER BY started_at");
    assertEquals(2, runs.size());

    assertEquals(row("2025-final", "succeeded", job.configHash(), 4), runs.get(1));
    stepsPassed = 4;
  }

  @Test
  @Order(5)
  void aJuneRunKilledBeforeRecordingLeavesMarchAndTheNextRunPublishesJune() throws Exception {
    after(4);
    Path dir = release.dir();
    // the June run: Trondheim's 11F arrives late, Utsira corrects its rates (a new file)
    Path late = tempDir("release-late");
    SosialGenerator.forYear(2025, SCHEMAS).seed(6).faults(false).only(Set.of("5001"))
        .writeTo(late);
    Files.copy(late.resolve("11F_2025_500100.dat"), in.resolve("11F_2025_500100.dat"));
    List<String> rates = Files.readAllLines(in.resolve("skjema12_2025_1151.csv"));
    List<String> corrected = rates.stream().map(l -> l.matches("2025;1151;01;.*")
        ? "2025;1151;01;" + (Integer.parseInt(l.split(";")[3].trim()) + 500) : l).toList();
    Assertions.assertNotEquals(rates, corrected);
    Files.write(in.resolve("skjema12_2025_1151_v2.csv"), corrected);
    // the June run is killed just before it records its release: March stays the release
    var crash = assertThrows(IllegalStateException.class, () -> ReleaseRun.of(wh, SCHEMAS, job)
        .key(() -> key).progress(m -> {
          if (m.contains("recording the release")) {
            throw new IllegalStateException("killed");
          }
        }).run());
    assertEquals("killed", crash.getMessage());
    assertEquals(List.of(row(release.releaseId())), sql(wh, "SELECT release_id FROM releases"));
    Assertions.assertArrayEquals(exported, Files.readAllBytes(dir.resolve("key_figures.csv")));
    assertEquals(List.of(row((long) release.rows())), sql(wh, "SELECT count(*) FROM "
        + "published_key_figures WHERE release_id = '" + release.releaseId() + "'"));
    // the next run completes it
    var june = ReleaseRun.of(wh, SCHEMAS, job).key(() -> key).run();
    Assertions.assertTrue(june.release().created());
    assertEquals(List.of(row((long) june.release().rows())), sql(wh, "SELECT count(*) FROM "
        + "published_key_figures WHERE release_id = '" + june.release().releaseId() + "'"));
    assertEquals(List.of(row("failed")), sql(wh, "SELECT status FROM runs WHERE "
        + "exists(stages, s -> s.detail = 'killed')"));
    Assertions.assertNotEquals(release.releaseId(), june.release().releaseId());
    Map<String, String> reasons = sql(wh, "SELECT region, indicator, reason, old_status, "
        + "new_status FROM revisions WHERE release_id = '" + june.release().releaseId() + "' AND "
        + "structure_year = 2025").stream().collect(Collectors.toMap(
            r -> r.getString(0) + " " + r.getString(1), r -> r.getString(2) + " " + r.get(3) + "->"
                + r.get(4)));
    // Trondheim's thousands are a secondary cell now: with Utsira's 1 withheld and Kvitsøy's
    // published, the national total (published, the missing municipalities estimated from the
    // reporting members of their groups) minus Kvitsøy and Trondheim would give Utsira's count
    assertEquals(List.of(row((Object) null), row(":"), row(":")), sql(wh, "SELECT status FROM "
        + "published_key_figures WHERE release_id = '" + june.release().releaseId() + "' AND "
        + "structure_year = 2025 AND indicator = 'antall_mottakere' AND region IN ('EAK', "
        + "'1151', '5001') ORDER BY region DESC"));
    assertEquals("new submission ..->:", reasons.get("5001 antall_mottakere"));
    assertEquals("corrected submission null->null", reasons.get("1151 sats_enslige"));
    Assertions.assertNull(reasons.get("1151 sats_enslige_prosent_av_veiledende"),
        "against a placeholder guideline rate it stays '..'");
    assertEquals("members' submissions null->null", reasons.get("EAK sats_enslige"));
    Assertions.assertNull(reasons.get("1144 innbyggere"), "unchanged cells are not listed");
    // with Utsira and Kvitsøy alone reporting in March, the national estimate was their sum
    // times a known factor, so Kvitsøy's count went with Utsira's 1; June's reporters free it
    assertEquals("disclosure control :->null", reasons.get("1144 antall_mottakere"));
    assertEquals(List.of(row(2L)), sql(wh, "SELECT count(*) FROM releases"));
    // how far from final: the summary per indicator in the June folder and on the fact sheets'
    // index (the March release, the first of the year, has none)
    Assertions.assertFalse(Files.exists(dir.resolve(Publication.REVISIONS_SUMMARY)));
    Map<String, String[]> summary = Files.readAllLines(june.release().dir()
            .resolve(Publication.REVISIONS_SUMMARY)).stream().skip(1).map(l -> l.split(";", -1))
        .collect(Collectors.toMap(c -> c[0], c -> c));
    assertEquals(String.join(";", Revisions.SUMMARY_COLUMNS), Files.readAllLines(june.release()
        .dir().resolve(Publication.REVISIONS_SUMMARY)).get(0));
    // Utsira's rate for single adults +500: its cell and the aggregates' sums changed by 500
    assertEquals("500", summary.get("sats_enslige")[6], "largest absolute change");
    // Kvitsøy's count withheld in March is published in June; Trondheim's arrival replaced an
    // estimate in the national total
    Assertions.assertTrue(Long.parseLong(summary.get("antall_mottakere")[9]) >= 1);
    Assertions.assertTrue(Long.parseLong(summary.get("mottakere")[11]) >= 1);
    // each indicator's changed cells are the revisions table's rows of cells March published
    for (Map.Entry<String, String[]> e : summary.entrySet()) {
      assertEquals(List.of(row(Long.parseLong(e.getValue()[3]))), sql(wh, "SELECT count(*) "
          + "FROM revisions r JOIN published_key_figures p ON p.release_id = '"
          + release.releaseId() + "' AND p.year = r.year AND p.structure_year = r.structure_year "
          + "AND p.region = r.region AND p.indicator = r.indicator WHERE r.release_id = '"
          + june.release().releaseId() + "' AND r.indicator = '" + e.getKey() + "'"), e.getKey());
    }
    String index = Files.readString(june.release().dir().resolve("faktaark/index.html"));
    Assertions.assertTrue(index.contains("Hvor langt fra endelig?"), "the fact sheets' index");
    // the earlier release stays as it was published
    Assertions.assertArrayEquals(exported, Files.readAllBytes(dir.resolve("key_figures.csv")));
    stepsPassed = 5;
  }

  @Test
  @Order(6)
  void aRunWhileAnotherHoldsTheLockRefusesAndChangesNothing() throws Exception {
    after(5);
    // a second run while one holds the warehouse's lock refuses and changes nothing
    try (FileChannel channel = FileChannel.open(Path.of(wh.root()).resolve("_release.lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = channel.lock()) {
      var refused = assertThrows(IllegalStateException.class,
          () -> ReleaseRun.of(wh, SCHEMAS, job).key(() -> key).run());
      Assertions.assertTrue(refused.getMessage().contains("another release run"),
          refused.getMessage());
    }
    assertEquals(List.of(row(4L)), sql(wh, "SELECT count(*) FROM runs"));
  }

  /** Keyword statements of a PX file (KEYWORD or KEYWORD("sub") -> raw value), DATA included. */
  static Map<String, String> parsePx(String text) {
    Assertions.assertTrue(text.endsWith(";\r\n"), "statements end with ; and CRLF");
    Map<String, String> out = new java.util.LinkedHashMap<>();
    var m = java.util.regex.Pattern.compile("([A-Z0-9-]+(?:\\(\"[^\"]*\"\\))?)=(.*?);\r\n",
        java.util.regex.Pattern.DOTALL).matcher(text);
    int end = 0;
    while (m.find()) {
      assertEquals(end, m.start(), "nothing between statements");
      out.put(m.group(1), m.group(2));
      end = m.end();
    }
    assertEquals(text.length(), end);
    for (String k : List.of("DECIMALS", "MATRIX", "SUBJECT-CODE", "SUBJECT-AREA", "CONTENTS",
        "UNITS", "TITLE", "STUB", "HEADING", "DATA")) {
      Assertions.assertTrue(out.containsKey(k), "mandatory keyword " + k);
    }
    Assertions.assertTrue(out.keySet().stream().toList().indexOf("DATA") == out.size() - 1,
        "DATA comes last");
    Assertions.assertTrue(out.get("MATRIX").length() <= 10, "MATRIX at most 8 characters");
    return out;
  }

  @Test
  @Order(0)
  void aJobFileWithAMistakeIsRejectedNamingTheFile() throws Exception {
    Path dir = tempDir("release-bad");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "id: x\nyears: [2025]\nrelease_date: 2026-06-15\nkind: final-ish\n"
        + "input: in\n");
    var e = assertThrows(IllegalArgumentException.class, () -> ReleaseJob.load(bad));
    Assertions.assertTrue(e.getMessage().contains("bad.yaml") && e.getMessage().contains("kind"),
        e.getMessage());
    Files.writeString(bad, "id: x\nyears: [2025]\nrelease_date: 2026-06-15\nkind: final\n"
        + "input: in\nsupression: {threshold: 3}\n");
    var typo = assertThrows(RuntimeException.class, () -> ReleaseJob.load(bad));
    Assertions.assertTrue(typo.getMessage().contains("supression"), typo.getMessage());
    // the threshold is the job's, never a default in code
    Files.writeString(bad, "id: x\nyears: [2025]\nrelease_date: 2026-06-15\nkind: final\n"
        + "input: in\n");
    var none = assertThrows(IllegalArgumentException.class, () -> ReleaseJob.load(bad));
    Assertions.assertTrue(none.getMessage().contains("bad.yaml: suppression: {threshold: N}"),
        none.getMessage());
    Files.writeString(bad, "id: x\nyears: [2025]\nrelease_date: 2026-06-15\nkind: final\n"
        + "input: in\nsuppression: {treshold: 3}\n");
    var nested = assertThrows(RuntimeException.class, () -> ReleaseJob.load(bad));
    Assertions.assertTrue(nested.getMessage().contains("treshold"), nested.getMessage());
  }
}

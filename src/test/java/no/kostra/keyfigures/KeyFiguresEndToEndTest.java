package no.kostra.keyfigures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import no.kostra.EndToEnd;
import org.junit.jupiter.api.Assertions;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import no.kostra.TestBase;
import no.kostra.regnskap.generate.RegnskapGenerator;
import no.kostra.regnskap.form.RegnskapIngest;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** From files in the real format to the published key figure, checked against hand computation. */
@EndToEnd
class KeyFiguresEndToEndTest extends TestBase {

  /** One record in the 48-character layout (orgnr and foretaksnr blank). */
  private static String rec(String skjema, String region, char kk, String funksjon, String art,
      long belop) {
    return String.format("%s2025 %s%18s%c%-4s%3s%9d", skjema, region, "", kk, funksjon, art, belop);
  }

  private static void write(Path dir, String name, String... records) throws Exception {
    Files.writeString(dir.resolve(name), String.join("\n", records) + "\n", StandardCharsets.US_ASCII);
  }

  @Test
  void netOperatingExpenditureOnTheSocialServicesPerInhabitantByHand() throws Exception {
    Warehouse wh = warehouse(tempDir("e2e-wh"));
    Path first = tempDir("e2e-first");
    // Oslo's first 0M, superseded by the resubmission below. Every file balances (skatt 800/870
    // and rammetilskudd 840/800 close the operating accounts), else the control rules reject it.
    write(first, "0M_2025_030100.dat",
        rec("0M", "030100", '3', "242", "010", 5_000_000),
        rec("0M", "030100", '3', "800", "870", -3_000_000),
        rec("0M", "030100", '3', "840", "800", -2_000_000));
    RegnskapIngest.into(wh, SCHEMAS).from(first.toString()).run();

    Path second = tempDir("e2e-second");
    write(second, "0M_2025_030100_v2.dat",
        rec("0M", "030100", '3', "242", "010", 1_000_000),
        rec("0M", "030100", '3', "281", "470", 2_000_000),
        rec("0M", "030100", '3', "281", "700", -100_000),
        rec("0M", "030100", '3', "800", "870", -2_000_000),
        rec("0M", "030100", '3', "840", "800", -900_000));
    write(second, "0M_2025_115100.dat",
        rec("0M", "115100", '3', "242", "010", 500),
        rec("0M", "115100", '3', "242", "729", -20), // income 600..895: subtracted
        rec("0M", "115100", '3', "243", "010", 200),
        rec("0M", "115100", '3', "243", "010", 5), // duplicate key: summed, as SSB does
        rec("0M", "115100", '3', "281", "470", 300),
        rec("0M", "115100", '3', "281", "810", -50),
        rec("0M", "115100", '3', "281", "900", -40), // art 900 is outside 600..895: ignored
        rec("0M", "115100", '3', "276", "590", 10), // depreciation counts
        rec("0M", "115100", '3', "120", "010", 999), // not a social-services function
        rec("0M", "115100", '3', "800", "870", -1_000),
        rec("0M", "115100", '3', "840", "800", -904),
        rec("0M", "115100", '4', "242", "230", 777), // investering: not operating
        rec("0M", "115100", '4', "870", "910", -777));
    write(second, "0A_2025_115100.dat",
        rec("0A", "115100", '1', "242", "010", 300),
        rec("0A", "115100", '1', "800", "870", -200),
        rec("0A", "115100", '1', "840", "800", -100));
    write(second, "0A_2025_500100.dat",
        rec("0A", "500100", '1', "242", "010", 100_000),
        rec("0A", "500100", '1', "800", "870", -60_000),
        rec("0A", "500100", '1', "840", "800", -40_000));
    RegnskapIngest.into(wh, SCHEMAS).from(second.toString()).run();

    // a third Oslo 0M that the control rules reject (it does not balance) does not replace the
    // accepted one: the portal would not have taken it
    Path third = tempDir("e2e-third");
    write(third, "0M_2025_030100_v3.dat", rec("0M", "030100", '3', "242", "010", 7_000_000));
    var rejectedRun = RegnskapIngest.into(wh, SCHEMAS).from(third.toString()).run();
    assertEquals(Map.of("rejected", 1L), rejectedRun.submissionsByStatus());
    // Utsira's 0M repeats a key (rule 015, WARNING): accepted with warnings, and still counted
    assertEquals(List.of(row("accepted", 4L), row("accepted_with_warnings", 1L), row("rejected", 1L)),
        sql(wh, "SELECT status, count(*) FROM submissions GROUP BY status ORDER BY status"));

    var result = KeyFigures.in(wh, SCHEMAS).year(2025).run();

    // population 31.12.2025 (1.1.2026): Oslo 728 714, Utsira 219, Trondheim 218 460
    // konsern: Utsira (500 - 20 + 200 + 5 + 300 - 50 + 10) = 945 -> 945 000 / 219 = 4315.07
    //          Oslo 2 900 000 -> 2 900 000 000 / 728 714 = 3979.63; Trondheim sent no 0M: ..
    // kasse:   Utsira 300 000 / 219 = 1369.86; Trondheim 100 000 000 / 218 460 = 457.75;
    //          Oslo sent no 0A: ..
    assertEquals(Map.of(
            "konsern 1151", "4315", "konsern 0301", "3980", "konsern 5001", "..",
            "kasse 1151", "1370", "kasse 0301", "..", "kasse 5001", "458"),
        published(wh, Set.of("1151", "0301", "5001")));

    // the national figure rests on the two reporters and estimates the 355 others within their
    // KOSTRA groups (KeyFiguresTest computes an estimated aggregate by hand)
    List<Row> eak = sql(wh, "SELECT flags, members_reported, members_expected FROM key_figures "
        + "WHERE region = 'EAK' AND indicator = 'nd_sosial_per_innbygger' AND structure_year = year");
    assertEquals(List.of(row("estimated", 2, 357)), eak);
    // every region once per indicator and borders; all but the submitters missing
    assertEquals(List.of(row(0L)), sql(wh, "SELECT count(*) FROM (SELECT structure_year, region, "
        + "indicator FROM key_figures GROUP BY 1, 2, 3 HAVING count(*) > 1)"));
    assertEquals(List.of(row(355L)), sql(wh, "SELECT count(*) FROM key_figures WHERE "
        + "indicator = 'nd_sosial_per_innbygger' AND region_level = 'kommune' AND status = '..' "
        + "AND structure_year = year"));

    // rerunning gives the same table content
    List<Row> before = sql(wh, "SELECT * FROM key_figures ORDER BY structure_year, indicator, region");
    KeyFigures.in(wh, SCHEMAS).year(2025).run();
    assertEquals(before, sql(wh, "SELECT * FROM key_figures ORDER BY structure_year, indicator, region"));

    Path csv = KeyFigureExport.writeCsv(result.rows(), tempDir("e2e-csv").resolve("kf.csv"));
    List<String> lines = Files.readAllLines(csv);
    assertEquals(String.join(";", KeyFigureExport.HEADER), lines.get(0));
    Assertions.assertTrue(lines.contains(
        "2025;2025;1151;Utsira;kommune;nd_sosial_per_innbygger;1;4315;945;219;NOK;;;"));
    Assertions.assertTrue(lines.contains("2025;2025;5001;Trondheim - Tråante;kommune;"
        + "nd_sosial_per_innbygger;1;..;;218460;NOK;..;;"));
    byte[] exported = Files.readAllBytes(csv);
    KeyFigureExport.writeCsv(KeyFigures.in(wh, SCHEMAS).year(2025).compute().rows(), csv);
    Assertions.assertArrayEquals(exported, Files.readAllBytes(csv), "a rerun exports the same bytes");
  }

  private Map<String, String> published(Warehouse wh, Set<String> regions) {
    Map<String, String> out = new HashMap<>();
    for (Row r : sql(wh, "SELECT indicator, region, value, status FROM key_figures WHERE "
        + "indicator IN ('nd_sosial_per_innbygger', 'nd_sosial_per_innbygger_kasse') "
        + "AND structure_year = year")) {
      if (regions.contains(r.getString(1))) {
        String scope = r.getString(0).endsWith("kasse") ? "kasse" : "konsern";
        out.put(scope + " " + r.getString(1), r.get(3) != null ? r.getString(3)
            : ((BigDecimal) r.get(2)).setScale(0, java.math.RoundingMode.HALF_UP).toPlainString());
      }
    }
    return out;
  }

  @Test
  void generatedYearFromFilesToKeyFiguresAgreesWithAnIndependentSum() throws Exception {
    Path in = tempDir("gen-in");
    List<String> municipalities = List.of("0301", "1151", "4601", "1103", "5001", "3201", "1508", "5501");
    Set<String> only = new java.util.HashSet<>(municipalities);
    only.add("46");
    var generated = RegnskapGenerator.forYear(2025, SCHEMAS).seed(7).faults(10).only(only)
        .writeTo(in);
    Warehouse wh = warehouse(tempDir("gen-wh"));

    var ingest = RegnskapIngest.into(wh, SCHEMAS).from(in.toString()).run();

    assertEquals(generated.files(), ingest.filesIngested());
    assertEquals(generated.records(), ingest.linesRead());
    assertEquals(ingest.linesRead(), ingest.rowsAccepted() + ingest.linesRejected());
    // every form the generator writes, and all of them pass the control rules unless a fault was
    // injected: balances, særbedrift (0I/0J), church (0F/0G), quarterly files, Oslo's districts
    assertEquals(List.of(row("0A"), row("0AK1"), row("0AK2"), row("0AK3"), row("0AK4"), row("0B"),
            row("0C"), row("0CK1"), row("0CK2"), row("0CK3"), row("0CK4"), row("0D"), row("0F"),
            row("0G"), row("0I"), row("0J"), row("0M"), row("0N"), row("0P"), row("0Q")),
        sql(wh, "SELECT DISTINCT skjema FROM submissions ORDER BY skjema"));
    assertEquals(15L, sql(wh, "SELECT count(*) FROM submissions WHERE region LIKE '0301%' "
        + "AND region <> '030100' AND status = 'accepted'").get(0).getLong(0));

    // each injected fault is caught by the rule the manifest names; its file is rejected, except
    // a duplicate key (a warning: SSB sums duplicates)
    List<String[]> faults = Files.readAllLines(in.resolve("_manifest.csv")).stream().skip(1)
        .map(l -> l.split(",", -1)).filter(f -> !f[3].isEmpty()).toList();
    assertEquals(10, faults.size());
    Set<String> faulty = new java.util.HashSet<>();
    for (String[] f : faults) {
      faulty.add(f[0] + ":" + f[2]);
      List<Row> outcome = sql(wh, "SELECT s.status, collect_set(v.rule_id) FROM submissions s "
          + "LEFT JOIN validation_results v USING (submission_id) WHERE s.source_file LIKE '%/"
          + f[0] + "' GROUP BY s.status");
      assertEquals(1, outcome.size(), f[0]);
      Assertions.assertTrue(outcome.get(0).getList(1).contains(f[4]),
          f[0] + " " + f[3] + ": expected rule " + f[4] + ", found " + outcome.get(0).getList(1));
      assertEquals(f[3].equals("duplicate_key") ? "accepted_with_warnings" : "rejected",
          outcome.get(0).getString(0), f[0] + " " + f[3]);
    }

    var result = KeyFigures.in(wh, SCHEMAS).year(2025).run();

    // a rejected file never reaches the figures
    Set<String> rejectedFiles = sql(wh, "SELECT source_file FROM submissions WHERE status = 'rejected'")
        .stream().map(r -> Path.of(r.getString(0)).getFileName().toString())
        .collect(Collectors.toSet());
    // oracle for the others: the same definition summed straight from the files' text
    int checked = 0;
    for (String code : municipalities) {
      String file = "0M_2025_" + code + "00.dat";
      Row kf = result.rows().stream().filter(r -> r.getAs("region").equals(code)
          && r.<Integer>getAs("structure_year") == 2025
          && r.getAs("indicator").equals("nd_sosial_per_innbygger")).findFirst().orElseThrow();
      if (rejectedFiles.contains(file)) {
        assertEquals("..", kf.getAs("status"), code);
        continue;
      }
      // a duplicate key leaves the sum as it was; count only untouched or warned files
      long expected = independentNumerator(in.resolve(file));
      assertEquals(new BigDecimal(expected).setScale(6), kf.getAs("numerator"), code);
      BigDecimal value = kf.getAs("value");
      // plausible magnitude: a few thousand NOK per inhabitant
      Assertions.assertTrue(value.intValue() > 1000 && value.intValue() < 20000, code + " " + value);
      checked++;
    }
    Assertions.assertTrue(checked > 0, "at least one municipality's 0M was clean");
  }

  /** ND over functions 242/243/276/281, drift (kontoklasse 3), arts 010-480, 590, 600-895. */
  private static long independentNumerator(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    long sum = 0;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).replace("\r", "");
      int fn = Integer.parseInt(l.substring(32, 35));
      int art = Integer.parseInt(l.substring(36, 39));
      long belop = Long.parseLong(l.substring(39).trim());
      boolean social = fn == 242 || fn == 243 || fn == 276 || fn == 281;
      boolean ndArt = (art >= 10 && art <= 480) || art == 590 || (art >= 600 && art <= 895);
      if (l.charAt(31) == '3' && social && ndArt) {
        sum += belop; // with file signs, (010..480) + 590 - (600..895 as positive income) = plain sum
      }
    }
    return sum;
  }

  @Test
  void scaleSplitsRecordsWithoutChangingAnyFigure() throws Exception {
    Path one = tempDir("scale1");
    Path three = tempDir("scale3");
    var a = RegnskapGenerator.forYear(2025, SCHEMAS).seed(3).faults(0).only(Set.of("1151"))
        .writeTo(one);
    var b = RegnskapGenerator.forYear(2025, SCHEMAS).seed(3).faults(0).only(Set.of("1151"))
        .scale(3).writeTo(three);
    assertEquals(3 * a.records(), b.records());
    Warehouse w1 = warehouse(tempDir("scale1-wh"));
    Warehouse w3 = warehouse(tempDir("scale3-wh"));
    RegnskapIngest.into(w1, SCHEMAS).from(one.toString()).run();
    RegnskapIngest.into(w3, SCHEMAS).from(three.toString()).run();
    String q = "SELECT skjema, kontoklasse, funksjon, art, sum(belop) FROM regnskap "
        + "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4";
    assertEquals(sql(w1, q), sql(w3, q));
  }
}

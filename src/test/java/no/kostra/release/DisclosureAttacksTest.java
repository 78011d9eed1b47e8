package no.kostra.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.kostra.keyfigures.KeyFigureDefinitions;
import no.kostra.keyfigures.KeyFigureExport;
import no.kostra.schemas.SchemaDir;
import no.kostra.warehouse.Tables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;

/**
 * Attacks on a release, each built from the published CSV alone (issue 17), on small crafted
 * figures (no Spark): what an attacker reads must not tell a withheld count.
 */
class DisclosureAttacksTest {

  /** Scratch files of this class (JUnit removes the folder when the class ends). */
  @org.junit.jupiter.api.io.TempDir
  static java.nio.file.Path scratch;

  private static final SchemaDir SCHEMAS = SchemaDir.locate();
  private static final KeyFigureDefinitions DEFS = KeyFigureDefinitions.load(SCHEMAS);

  /** A computed key_figures row (unrounded, as the compute stage writes it). */
  private static Row figure(String region, String level, String indicator, int indicatorLevel,
      String value, String numerator, String denominator, String status, String flags) {
    int decimals = indicatorLevel == 3 ? 0 : DEFS.indicators().stream()
        .filter(i -> i.id().equals(indicator)).findFirst().orElseThrow().decimals();
    return new GenericRowWithSchema(new Object[] {2025, 2025, region, region, level, indicator,
        indicatorLevel, value == null ? null : new BigDecimal(value).setScale(10),
        numerator == null ? null : new BigDecimal(numerator).setScale(6),
        denominator == null ? null : new BigDecimal(denominator).setScale(6), 1, "unit", decimals,
        status, flags, null, null, "test"}, Tables.KEY_FIGURES_SCHEMA);
  }

  private static List<Row> publish(List<Row> figures) {
    List<Row> out = new ArrayList<>();
    Publication.protect(SCHEMAS, DEFS, figures, 3, out);
    return out;
  }

  /** The published CSV, read back as an attacker reads it: region|indicator -> its columns. */
  private static Map<String, String[]> csv(List<Row> published) throws IOException {
    Path file = Files.createTempDirectory(scratch, "attack").resolve("key_figures.csv");
    KeyFigureExport.writeCsv(published, file);
    Map<String, String[]> out = new HashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> header = List.of(lines.get(0).split(";", -1));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(";", -1);
      out.put(f[header.indexOf("region")] + "|" + f[header.indexOf("indicator")], f);
    }
    return out;
  }

  @Test
  void aRatioOnAWithheldZeroIsWithheldNotNotDefined() throws IOException {
    // Utsira: no recipients this year (0 is withheld as ':'); every ratio on the count divides by 0
    List<Row> figures = List.of(
        figure("1151", "kommune", "mottakere", 3, "0", "0", null, null, null),
        figure("1151", "kommune", "stonad_kr", 3, "0", "0", null, null, null),
        figure("1151", "kommune", "bd_281", 3, "120", "120", null, null, null),
        figure("1151", "kommune", "stonad_per_mottaker", 2, null, "0", "0", ".", null),
        figure("1151", "kommune", "bd_281_per_mottaker", 2, null, "120", "0", ".", null),
        figure("1151", "kommune", "andel_6_mnd", 2, null, null, "0", ".", null));
    Map<String, String[]> published = csv(publish(figures));
    // the attack: a '.' on a ratio whose denominator is a withheld count says the count is 0
    int value = 7;
    for (var ratio : List.of("stonad_per_mottaker", "bd_281_per_mottaker", "andel_6_mnd")) {
      String[] row = published.get("1151|" + ratio);
      assertFalse(row[value].equals("."), ratio + " published as '.' beside a withheld count");
      assertEquals(":", row[value], ratio);
    }
    assertEquals(":", published.get("1151|mottakere")[value]);
  }

  /** Rows as published_key_figures holds them: the figures with their release's id. */
  private static List<Row> released(List<Row> rows, String releaseId) {
    var schema = Tables.KEY_FIGURES_SCHEMA.add("release_id", "string");
    List<Row> out = new ArrayList<>();
    for (Row r : rows) {
      Object[] f = new Object[r.length() + 1];
      for (int i = 0; i < r.length(); i++) {
        f[i] = r.get(i);
      }
      f[r.length()] = releaseId;
      out.add(new GenericRowWithSchema(f, schema));
    }
    return out;
  }

  /**
   * The March → June attack: the late municipality is missing in March, so March publishes every
   * other member of its KOSTRA group; in June it reports 2 (withheld) and the group's total is
   * published. Total (June) − Σ other members (March) = the withheld count, unless the June
   * protection takes what March published into account.
   */
  @Test
  void aLaterReleaseDoesNotGiveAWithheldCountAwayTogetherWithAnEarlierOne() throws IOException {
    Map.Entry<String, List<String>> smallest = smallestGroup();
    String group = smallest.getKey();
    List<String> municipalities = smallest.getValue();
    String late = municipalities.get(0);
    List<Row> march = new ArrayList<>();
    List<Row> june = new ArrayList<>();
    int others = 0;
    for (int i = 1; i < municipalities.size(); i++) {
      String value = Integer.toString(10 + 5 * i);
      others += 10 + 5 * i;
      march.add(figure(municipalities.get(i), "kommune", "mottakere_18_24", 3, value, value, null,
          null, null));
      june.add(figure(municipalities.get(i), "kommune", "mottakere_18_24", 3, value, value, null,
          null, null));
    }
    march.add(figure(late, "kommune", "mottakere_18_24", 3, null, null, null, "..", null));
    // (March's estimated group total is left out: the attack needs only the members March
    // published, and a hand-made estimate would not be the compute stage's)
    june.add(figure(late, "kommune", "mottakere_18_24", 3, "2", "2", null, null, null));
    june.add(figure(group, "EKG", "mottakere_18_24", 3, Integer.toString(others + 2),
        Integer.toString(others + 2), null, null, null));

    List<Row> marchPublished = publish(march);
    Map<String, String[]> marchCsv = csv(marchPublished);
    // protected one release at a time (as before): the attack gives the count back
    Map<String, String[]> naive = csv(publish(june));
    assertEquals(Integer.valueOf(2), attack(naive, marchCsv, group, late, municipalities));
    // protected against what March published: the attack finds a ':' in its way
    List<Row> juneOut = new ArrayList<>();
    Publication.Earlier earlier = Publication.Earlier.of(released(marchPublished, "2025-march"));
    var protection = Publication.protect(SCHEMAS, DEFS, june, 3, earlier, juneOut);
    assertEquals(null, attack(csv(juneOut), marchCsv, group, late, municipalities));
    assertTrue(protection.secondary() >= 1, protection.toString());
    // and the audit over both releases passes, where the naive June fails it
    assertTrue(DisclosureAudit.check("june", SCHEMAS, DEFS, juneOut, 3, earlier).passed());
    List<Row> naiveOut = publish(june);
    assertFalse(DisclosureAudit.check("naive", SCHEMAS, DEFS, naiveOut, 3, earlier).passed());
  }

  /** Total of June − Σ the other members as March published them; null where a ':' is in the way. */
  private static Integer attack(Map<String, String[]> june, Map<String, String[]> march,
      String group, String late, List<String> municipalities) {
    int value = 7;
    String total = june.get(group + "|mottakere_18_24")[value];
    if (total.equals(":")) {
      return null;
    }
    int sum = 0;
    for (String m : municipalities) {
      if (m.equals(late)) {
        continue;
      }
      String[] known = june.get(m + "|mottakere_18_24");
      if (known[value].equals(":")) {
        known = march.get(m + "|mottakere_18_24");
      }
      if (known[value].equals(":") || known[value].equals("..")) {
        return null;
      }
      sum += Integer.parseInt(known[value]);
    }
    return Integer.parseInt(total) - sum;
  }

  @Test
  void theAuditSeesAStatusBesideAWithheldCount() {
    List<Row> tampered = List.of(
        PublishedRows.cell(2025, 2025, "1151", "Utsira", "kommune", "mottakere", 3, null, ":", 0,
            null),
        PublishedRows.cell(2025, 2025, "1151", "Utsira", "kommune", "stonad_per_mottaker", 2,
            null, ".", 0, null));
    var report = DisclosureAudit.check("tampered", SCHEMAS, DEFS, tampered, 3);
    assertFalse(report.passed());
    assertTrue(report.inconsistent().stream().anyMatch(s -> s.contains("stonad_per_mottaker")
        && s.contains("as '.'")), report.inconsistent().toString());
  }

  @Test
  void noNumeratorIsPublishedWithMoreDigitsThanItsBaseFigure() throws IOException {
    // an estimated group total: unrounded, its numerator is Σ reported × a factor the published
    // populations give, i.e. the reporters' exact sum
    List<Row> figures = List.of(
        figure("EKG01", "EKG", "mottakere_18_24", 3, "1369.683837", "1369.683837", null, null,
            "estimated"),
        figure("EKG01", "EKG", "innbyggere_18_24", 3, "18509", "18509", null, null, null),
        figure("EKG01", "EKG", "andel_mottakere_18_24", 1, "7.3999", "1369.683837", "18509", null,
            "estimated"));
    Map<String, String[]> published = csv(publish(figures));
    int numerator = 8;
    int denominator = 9;
    for (String[] row : published.values()) {
      assertFalse(row[numerator].contains(","), String.join(";", row));
      assertFalse(row[denominator].contains(","), String.join(";", row));
    }
    assertEquals("1370", published.get("EKG01|andel_mottakere_18_24")[numerator]);
    assertEquals("1370", published.get("EKG01|mottakere_18_24")[numerator]);
  }

  /** The smallest KOSTRA group of 2025 with at least four members: its code and members. */
  private static Map.Entry<String, List<String>> smallestGroup() {
    Map<String, String> groups = no.kostra.reference.KostraGroups.load(SCHEMAS).groups(2025,
        no.kostra.reference.Classifications.load(SCHEMAS));
    Map<String, List<String>> members = new java.util.TreeMap<>();
    groups.forEach((m, g) -> members.computeIfAbsent(g, k -> new ArrayList<>()).add(m));
    return members.entrySet().stream().filter(e -> e.getValue().size() >= 4)
        .min(java.util.Comparator.comparingInt((Map.Entry<String, List<String>> e) ->
            e.getValue().size()).thenComparing(Map.Entry::getKey)).orElseThrow();
  }

  /** The age variables of one municipality: total, 18-24, 20-66, 25-66, 18-66. */
  private static List<Row> ages(String region, int total, int a18to24, int a20to66,
      int a25to66, int a18to66) {
    List<Row> rows = new ArrayList<>();
    String[][] v = {{"mottakere", "" + total}, {"mottakere_18_24", "" + a18to24},
        {"mottakere_20_66", "" + a20to66}, {"mottakere_25_66", "" + a25to66},
        {"mottakere_18_66", "" + a18to66}};
    for (String[] x : v) {
      rows.add(figure(region, "kommune", x[0], 3, x[1], x[1], null, null, null));
    }
    return rows;
  }

  /** Leak 3: the parts of the age family an attacker computes from whatever was published. */
  private static Map<String, Integer> parts(Map<String, String[]> csv, String region) {
    int value = 7;
    Map<String, Integer> known = new HashMap<>();
    for (String v : List.of("mottakere", "mottakere_18_24", "mottakere_20_66",
        "mottakere_25_66", "mottakere_18_66")) {
      String[] row = csv.get(region + "|" + v);
      if (row != null && row[value].matches("\\d+")) {
        known.put(v, Integer.parseInt(row[value]));
      }
    }
    Map<String, Integer> out = new HashMap<>();
    if (known.containsKey("mottakere") && known.containsKey("mottakere_18_66")) {
      out.put("other", known.get("mottakere") - known.get("mottakere_18_66"));
    }
    if (known.containsKey("mottakere_20_66") && known.containsKey("mottakere_25_66")) {
      int a20to24 = known.get("mottakere_20_66") - known.get("mottakere_25_66");
      out.put("20-24", a20to24);
      if (known.containsKey("mottakere_18_24")) {
        out.put("18-19", known.get("mottakere_18_24") - a20to24);
      }
    }
    if (known.containsKey("mottakere_18_66") && known.containsKey("mottakere_20_66")
        && known.containsKey("mottakere_18_24") && known.containsKey("mottakere_25_66")) {
      out.put("18-19", known.get("mottakere_18_66") - known.get("mottakere_20_66"));
    }
    return out;
  }

  @Test
  void noSmallAgeGroupIsTheDifferenceOfTwoPublishedOnes() throws IOException {
    // 40 recipients: 2 aged 18-19, 4 aged 20-24, 33 aged 25-66 and 1 under 18 or over 66; no
    // published variable is small, but the differences are
    List<Row> figures = ages("4632", 40, 6, 37, 33, 39);
    Map<String, String[]> naive = new HashMap<>();
    for (Row r : figures) { // published as computed: what the release did before parts counted
      naive.put("4632|" + r.getAs("indicator"), new String[] {"", "", "", "", "", "", "",
          r.<BigDecimal>getAs("value").stripTrailingZeros().toPlainString()});
    }
    assertEquals(Map.of("other", 1, "20-24", 4, "18-19", 2), parts(naive, "4632"));
    assertFalse(DisclosureAudit.check("naive", SCHEMAS, DEFS, naivePublished(figures, Map.of()),
        3).passed());

    List<Row> published = publish(figures);
    Map<String, String[]> csv = csv(published);
    parts(csv, "4632").forEach((part, n) -> assertTrue(n > 3,
        "the age group " + part + " is derivable and small: " + n));
    // the headline level 1 figures stay: the total, 18-24 and 20-66
    for (String v : List.of("mottakere", "mottakere_18_24", "mottakere_20_66")) {
      Row row = published.stream().filter(r -> r.getAs("indicator").equals(v)).findFirst()
          .orElseThrow();
      assertEquals(null, row.<String>getAs("status"), v);
    }
    var report = DisclosureAudit.check("protected", SCHEMAS, DEFS, published, 3);
    assertTrue(report.passed(), report.toString());
  }

  /** The rows as published with the given statuses (':' withholds), values as computed. */
  private static List<Row> naivePublished(List<Row> figures, Map<String, String> statuses) {
    List<Row> out = new ArrayList<>();
    for (Row r : figures) {
      String status = statuses.get(r.<String>getAs("region") + "|" + r.getAs("indicator"));
      Object[] f = new Object[r.length()];
      for (int i = 0; i < r.length(); i++) {
        f[i] = r.get(i);
      }
      if (Publication.SUPPRESSED.equals(status)) {
        f[r.fieldIndex("value")] = null;
        f[r.fieldIndex("numerator")] = null;
        f[r.fieldIndex("status")] = status;
      }
      out.add(new GenericRowWithSchema(f, Tables.KEY_FIGURES_SCHEMA));
    }
    return out;
  }

  @Test
  void twoWithheldCountsThatSumToOneAreNotLeftToNonNegativity() throws IOException {
    // a KOSTRA group whose two smallest members have 0 and 1 young recipients: withheld both,
    // the group total minus the published members is 1, so each is 0 or 1 (and the 0 is known
    // to be at most 1); rank alone (level 1) cannot see it
    Map.Entry<String, List<String>> smallest = smallestGroup();
    String group = smallest.getKey();
    List<String> municipalities = smallest.getValue();
    List<Row> figures = new ArrayList<>();
    int total = 0;
    for (int i = 0; i < municipalities.size(); i++) {
      int n = i < 2 ? i : 20 + 5 * i;
      total += n;
      figures.add(figure(municipalities.get(i), "kommune", "mottakere_25_66", 3, "" + n,
          "" + n, null, null, null));
    }
    figures.add(figure(group, "EKG", "mottakere_25_66", 3, "" + total, "" + total, null, null,
        null));
    // withheld where small and nothing else: the rank test passes, the interval audit does not
    Map<String, String> naive = Map.of(municipalities.get(0) + "|mottakere_25_66", ":",
        municipalities.get(1) + "|mottakere_25_66", ":");
    var naiveReport = DisclosureAudit.check("naive", SCHEMAS, DEFS,
        naivePublished(figures, naive), 3);
    assertEquals(List.of(), naiveReport.derivable());
    assertFalse(naiveReport.narrow().isEmpty(), naiveReport.toString());

    Map<String, String[]> csv = csv(publish(figures));
    // the attack: the group total minus every published member bounds the withheld ones
    int value = 7;
    String g = csv.get(group + "|mottakere_25_66")[value];
    if (!g.equals(":")) {
      int rest = Integer.parseInt(g);
      for (String m : municipalities) {
        String x = csv.get(m + "|mottakere_25_66")[value];
        rest -= x.equals(":") ? 0 : Integer.parseInt(x);
      }
      assertTrue(rest >= 2, "the withheld members sum to " + rest + ": each is pinned");
    }
    var report = DisclosureAudit.check("protected", SCHEMAS, DEFS, publish(figures), 3);
    assertTrue(report.passed(), report.toString());
  }

  @Test
  void noSmallComplementIsTheTotalMinusAPublishedSubset() throws IOException {
    // 40 recipients, 38 of them with work income, 39 with an individual plan, 37 given economic
    // advice, 36 on assistance for 6 months or more: no published count is small, but the total
    // minus each subset is (2, 1, 3, 4: the last one is not)
    List<Row> figures = ages("4632", 40, 10, 30, 25, 35);
    String[][] subsets = {{"mottakere_arbeidsinntekt", "38"}, {"mottakere_individuell_plan",
        "39"}, {"mottakere_okonomiradgivning", "37"}, {"mottakere_6_mnd", "36"}};
    for (String[] x : subsets) {
      figures.add(figure("4632", "kommune", x[0], 3, x[1], x[1], null, null, null));
    }
    var naive = DisclosureAudit.check("naive", SCHEMAS, DEFS, naivePublished(figures, Map.of()),
        3);
    assertFalse(naive.passed(), "the naive publication gives the complements away");

    List<Row> published = publish(figures);
    Map<String, String[]> csv = csv(published);
    int value = 7;
    String total = csv.get("4632|mottakere")[value];
    for (String[] x : subsets) {
      String subset = csv.get("4632|" + x[0])[value];
      if (total.matches("\\d+") && subset.matches("\\d+")) {
        int complement = Integer.parseInt(total) - Integer.parseInt(subset);
        assertTrue(complement > 3, "recipients without " + x[0] + ": " + complement);
      }
    }
    // the total is the age family's to publish, and it stays (no age group is small here)
    assertEquals("40", total);
    assertEquals("36", csv.get("4632|mottakere_6_mnd")[value], "a complement of 4 is no secret");
    var report = DisclosureAudit.check("protected", SCHEMAS, DEFS, published, 3);
    assertTrue(report.passed(), report.toString());
  }
}

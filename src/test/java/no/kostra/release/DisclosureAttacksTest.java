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
    Path file = Files.createTempDirectory("kostra-attack").resolve("key_figures.csv");
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
    Map<String, String> groups = no.kostra.reference.KostraGroups.load(SCHEMAS).groups(2025,
        no.kostra.reference.Classifications.load(SCHEMAS));
    Map<String, List<String>> members = new java.util.TreeMap<>();
    groups.forEach((m, g) -> members.computeIfAbsent(g, k -> new ArrayList<>()).add(m));
    String group = members.entrySet().stream().filter(e -> e.getValue().size() >= 4)
        .min(java.util.Comparator.comparingInt((Map.Entry<String, List<String>> e) ->
            e.getValue().size()).thenComparing(Map.Entry::getKey)).orElseThrow().getKey();
    List<String> municipalities = members.get(group);
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
    march.add(figure(group, "EKG", "mottakere_18_24", 3, Double.toString(others * 1.1),
        Double.toString(others * 1.1), null, null, "estimated"));
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
}

package no.kostra.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import no.kostra.schemas.SchemaDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reforms (series on one structure), KOSTRA groups and population bands on the shipped data. */
class ClassificationsTest {

  private static final SchemaDir SCHEMAS = SchemaDir.at(Path.of("data-schemas"));
  private static final Classifications CLASSIFICATIONS = Classifications.load(SCHEMAS);

  /** Sums a year's figures by municipality into another year's structure. */
  private static Map<String, BigDecimal> onStructure(Map<String, BigDecimal> figures, int dataYear,
      int targetYear) {
    Map<String, String> mapping = CLASSIFICATIONS.mapping(dataYear, targetYear);
    Map<String, BigDecimal> out = new TreeMap<>();
    figures.forEach((code, v) -> out.merge(mapping.get(code), v, BigDecimal::add));
    return out;
  }

  @Test
  void renumberedMunicipalitiesContinueUnderTheirNewCode() {
    Map<String, String> m = CLASSIFICATIONS.mapping(2022, 2024);
    assertEquals("3101", m.get("3001")); // Halden 3001 -> 3101
    assertEquals("3201", m.get("3024")); // Bærum
    assertEquals("5501", m.get("5401")); // Tromsø
    assertEquals("0301", m.get("0301"));
    assertEquals("4601", m.get("4601"));
    assertEquals(356, m.size());
  }

  @Test
  void alesundBefore2024IsOnlyComparableWithAlesundAndHaramTogether() {
    assertEquals("1508+1580", CLASSIFICATIONS.mapping(2023, 2025).get("1507"));
    // and 2024 figures on the 2020-2023 structure: both parts summed into 1507
    Map<String, BigDecimal> y2024 = Map.of("1508", new BigDecimal(700), "1580",
        new BigDecimal(120), "3101", new BigDecimal(50));
    assertEquals(Map.of("1507", new BigDecimal(820), "3001", new BigDecimal(50)),
        onStructure(y2024, 2024, 2023));
    Map<String, BigDecimal> y2023 = Map.of("1507", new BigDecimal(810));
    assertEquals(Map.of("1508+1580", new BigDecimal(810)), onStructure(y2023, 2023, 2024));
  }

  @Test
  void codesOfEveryReformLieOnTodaysBorders() {
    assertEquals("3101", CLASSIFICATIONS.onTodaysBorders("0101")); // Halden (-2019)
    assertEquals("3101", CLASSIFICATIONS.onTodaysBorders("3001")); // Halden (2020-2023)
    assertEquals("3201", CLASSIFICATIONS.onTodaysBorders("0219")); // Bærum (-2019)
    assertEquals("5501", CLASSIFICATIONS.onTodaysBorders("1902")); // Tromsø (-2019)
    assertEquals("1508", CLASSIFICATIONS.onTodaysBorders("1504")); // Ålesund (1977-2019)
    assertEquals("1580", CLASSIFICATIONS.onTodaysBorders("1534")); // Haram (-2019) is Haram again
    assertEquals("1508+1580", CLASSIFICATIONS.onTodaysBorders("1507")); // Ålesund 2020-2023
    assertEquals(null, CLASSIFICATIONS.onTodaysBorders("1850")); // Tysfjord: split, no single place
  }

  @Test
  void everyCodeOfEveryYearHasAPlaceOnEveryOtherYearsStructure() {
    for (int from : CLASSIFICATIONS.years()) {
      for (int to : CLASSIFICATIONS.years()) {
        Map<String, String> m = CLASSIFICATIONS.mapping(from, to);
        assertEquals(CLASSIFICATIONS.municipalities(from).size(), m.size(), from + "->" + to);
      }
    }
  }

  @Test
  void kostraGroupsCoverEveryMunicipalityOncePerYearWithOsloAlone() {
    KostraGroups groups = KostraGroups.load(SCHEMAS);
    for (int year : CLASSIFICATIONS.years()) {
      Map<String, String> g = groups.groups(year, CLASSIFICATIONS);
      assertEquals(CLASSIFICATIONS.municipalities(year).size(), g.size());
      assertEquals(List.of("0301"), g.entrySet().stream()
          .filter(e -> e.getValue().equals("EKG13")).map(Map.Entry::getKey).toList());
      assertEquals(17, Set.copyOf(g.values()).size(), "17 groups in " + year);
    }
    assertEquals("EKG01", groups.groups(2024, CLASSIFICATIONS).get("1580")); // Haram, as SSB placed it
    assertEquals("EKG11", groups.groups(2024, CLASSIFICATIONS).get("1508"));
    assertEquals("EKG11", groups.groups(2023, CLASSIFICATIONS).get("1507"));
  }

  @Test
  void theShippedKostraGroupFileIsWhatTheDocumentedRuleGives(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("groups.csv");
    KostraGroups.write(KostraGroups.approximate(CLASSIFICATIONS, Population.load(SCHEMAS)), file);
    assertEquals(Files.readString(SCHEMAS.resolve(KostraGroups.FILE)), Files.readString(file));
  }

  @Test
  void kostraGroupFileTakesKlassCodesWithOrWithoutThePrefix() {
    assertEquals("EKG01", KostraGroups.normalise("01"));
    assertEquals("EKG01", KostraGroups.normalise("1"));
    assertEquals("EKG13", KostraGroups.normalise("EKG13"));
  }

  @Test
  void populationBandsSumToTheTotals() {
    Population population = Population.load(SCHEMAS);
    for (int year = 2022; year <= 2025; year++) {
      Map<String, Long> total = population.atEndOfYear(year, 0, null, CLASSIFICATIONS);
      Map<String, Long> children = population.atEndOfYear(year, 0, 17, CLASSIFICATIONS);
      Map<String, Long> working = population.atEndOfYear(year, 18, 66, CLASSIFICATIONS);
      Map<String, Long> old = population.atEndOfYear(year, 67, null, CLASSIFICATIONS);
      Map<String, Long> young = population.atEndOfYear(year, 18, 24, CLASSIFICATIONS);
      Map<String, Long> rest = population.atEndOfYear(year, 25, 66, CLASSIFICATIONS);
      assertEquals(CLASSIFICATIONS.municipalities(year).size(), total.size());
      for (String code : total.keySet()) {
        assertEquals(total.get(code), children.get(code) + working.get(code) + old.get(code), code);
        assertEquals(working.get(code), young.get(code) + rest.get(code), code);
      }
    }
    // 31.12.2024 = 1 January 2025 (reference-data README: 5 594 340)
    assertEquals(5_594_340L, Population.load(SCHEMAS).atEndOfYear(2024, 0, null, CLASSIFICATIONS)
        .values().stream().mapToLong(Long::longValue).sum());
    assertTrue(!population.hasReportingYear(2026), "1 January 2027 is not in the file");
  }

}

package no.kostra.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import no.kostra.EndToEnd;
import no.kostra.TestBase;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The reference stage's tables: complete, consistent with each other, the same on a rerun. */
@EndToEnd
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferenceTablesTest extends TestBase {

  private Warehouse warehouse;
  private ReferenceTables.Result result;

  @BeforeAll
  void writeTables() {
    startSpark();
    warehouse = warehouse(tempDir("reference"));
    result = ReferenceTables.into(warehouse, SCHEMAS).run();
  }

  @Test
  void yearsWithoutPopulationAreNamed() {
    assertEquals(List.of(2026), result.yearsWithoutPopulation());
    assertEquals(0L, sql(warehouse, "SELECT count(*) FROM population WHERE year = 2026").get(0)
        .getLong(0));
  }

  @Test
  void regionsOfEachYear() {
    List<Row> r = sql(warehouse, "SELECT level, count(*), count(kostra_group), count_if(asss) "
        + "FROM regions WHERE year = 2025 GROUP BY level ORDER BY level");
    assertEquals(List.of(row("bydel", 17L, 0L, 0L), row("fylke", 15L, 0L, 0L),
        row("kommune", 357L, 357L, 12L)), r);
    // 2023: Bærum was 3024 and is an ASSS member under that code
    assertEquals(List.of(row("3024")), sql(warehouse,
        "SELECT region FROM regions WHERE year = 2023 AND asss AND region_name = 'Bærum'"));
  }

  @Test
  void populationBandsSumToThePopulationTable() {
    // per year: the total band (both sexes) = the single-year table = the reference README's figure
    List<Row> totals = sql(warehouse, "SELECT b.year, b.persons, p.persons FROM "
        + "(SELECT year, sum(persons) persons FROM population_bands WHERE band = 'total' AND sex = 'total' GROUP BY year) b "
        + "JOIN (SELECT year, sum(persons) persons FROM population GROUP BY year) p USING (year) ORDER BY year");
    assertEquals(4, totals.size());
    for (Row t : totals) {
      assertEquals(t.getLong(1), t.getLong(2), "year " + t.getInt(0));
    }
    assertEquals(5_594_340L, totals.get(2).getLong(1)); // 31.12.2024 = 1.1.2025
    // bands that partition: 0-17 + 18-66 + 67+ = total; female + male = total; per municipality
    assertEquals(0L, sql(warehouse, "SELECT count(*) FROM (SELECT year, region, "
        + "sum(CASE WHEN band IN ('0-17', '18-66', '67+') THEN persons END) parts, "
        + "sum(CASE WHEN band = 'total' THEN persons END) total FROM population_bands "
        + "WHERE sex = 'total' GROUP BY year, region) WHERE parts <> total").get(0).getLong(0));
    assertEquals(0L, sql(warehouse, "SELECT count(*) FROM (SELECT year, region, band, "
        + "sum(CASE WHEN sex <> 'total' THEN persons END) sexes, "
        + "sum(CASE WHEN sex = 'total' THEN persons END) total FROM population_bands "
        + "GROUP BY year, region, band) WHERE sexes <> total").get(0).getLong(0));
  }

  @Test
  void functionChartTablesAgreeWithTheChart() {
    assertEquals(List.of(row(75L)), sql(warehouse,
        "SELECT count(*) FROM function_chart WHERE year = 2026 AND list = 'kommune'"));
    assertEquals(List.of(row("257+258")), sql(warehouse, "SELECT chart_funksjon FROM "
        + "function_mapping WHERE data_year = 2023 AND chart_year = 2025 AND funksjon = '254'"));
  }

  @Test
  void municipalityMappingPutsEveryYearOnEveryOtherYearsBorders() {
    assertEquals(List.of(row("1508+1580")), sql(warehouse, "SELECT target_region FROM "
        + "municipality_mapping WHERE data_year = 2023 AND target_year = 2025 AND region = '1507'"));
    assertEquals(List.of(row("1507", 2L)), sql(warehouse, "SELECT target_region, count(*) FROM "
        + "municipality_mapping WHERE data_year = 2025 AND target_year = 2022 "
        + "AND region IN ('1508', '1580') GROUP BY 1"));
    assertEquals(List.of(row("3101")), sql(warehouse, "SELECT target_region FROM "
        + "municipality_mapping WHERE data_year = 2022 AND target_year = 2026 AND region = '3001'"));
  }

  @Test
  void aRerunGivesTheSameTables() {
    List<Row> before = sql(warehouse, "SELECT * FROM regions ORDER BY year, region");
    long population = sql(warehouse, "SELECT sum(persons) FROM population").get(0).getLong(0);
    ReferenceTables.into(warehouse, SCHEMAS).run();
    assertEquals(before, sql(warehouse, "SELECT * FROM regions ORDER BY year, region"));
    assertEquals(population, sql(warehouse, "SELECT sum(persons) FROM population").get(0).getLong(0));
  }
}

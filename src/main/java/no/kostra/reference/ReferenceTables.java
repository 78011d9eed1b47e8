package no.kostra.reference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import no.kostra.schemas.SchemaDir;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The reference stage: writes the classifications of data-schemas/classifications as warehouse
 * tables for every reporting year they cover, so analysts join them in SQL and the key figures
 * read one version of them. Each table is replaced whole (one Delta commit each): a rerun with the
 * same data-schemas gives the same tables.
 *
 * <ul>
 *   <li>{@code regions}: municipalities, counties and Oslo districts per year, with county, KOSTRA
 *       group and ASSS membership;
 *   <li>{@code population}: persons at 31.12 of the reporting year by municipality, sex and single
 *       year of age; {@code population_bands}: the same summed over the age bands of
 *       classifications/age-bands.csv (a year without population has no rows, and is named in
 *       the result);
 *   <li>{@code municipality_mapping}: where each year's municipality codes lie on each other
 *       year's borders (sum predecessors; "1508+1580" = only comparable together);
 *   <li>{@code function_chart}, {@code function_changes}, {@code function_mapping}: the function
 *       chart per year, its changes, and where each year's functions go on each other year's chart.
 * </ul>
 */
public final class ReferenceTables {

  public static final String REGIONS = no.kostra.warehouse.Tables.REGIONS;
  public static final String POPULATION = no.kostra.warehouse.Tables.POPULATION;
  public static final String POPULATION_BANDS = no.kostra.warehouse.Tables.POPULATION_BANDS;
  public static final String FUNCTION_CHART = no.kostra.warehouse.Tables.FUNCTION_CHART;
  public static final String FUNCTION_CHANGES = no.kostra.warehouse.Tables.FUNCTION_CHANGES;
  public static final String FUNCTION_MAPPING = no.kostra.warehouse.Tables.FUNCTION_MAPPING;
  public static final String MUNICIPALITY_MAPPING = no.kostra.warehouse.Tables.MUNICIPALITY_MAPPING;

  public static final StructType REGIONS_SCHEMA = new StructType()
      .add("year", DataTypes.IntegerType, false).add("region", DataTypes.StringType, false)
      .add("region_name", DataTypes.StringType).add("level", DataTypes.StringType, false)
      .add("county_code", DataTypes.StringType).add("accounting_region", DataTypes.StringType)
      .add("kostra_group", DataTypes.StringType).add("asss", DataTypes.BooleanType)
      .add("reports", DataTypes.BooleanType);
  public static final StructType POPULATION_SCHEMA = new StructType()
      .add("year", DataTypes.IntegerType, false).add("region", DataTypes.StringType, false)
      .add("sex", DataTypes.StringType, false).add("age", DataTypes.IntegerType, false)
      .add("persons", DataTypes.LongType, false);
  public static final StructType POPULATION_BANDS_SCHEMA = new StructType()
      .add("year", DataTypes.IntegerType, false).add("region", DataTypes.StringType, false)
      .add("band", DataTypes.StringType, false).add("age_from", DataTypes.IntegerType, false)
      .add("age_to", DataTypes.IntegerType).add("sex", DataTypes.StringType, false)
      .add("persons", DataTypes.LongType, false);
  public static final StructType FUNCTION_CHART_SCHEMA = new StructType()
      .add("year", DataTypes.IntegerType, false).add("list", DataTypes.StringType, false)
      .add("funksjon", DataTypes.StringType, false).add("name_no", DataTypes.StringType);
  public static final StructType FUNCTION_CHANGES_SCHEMA = new StructType()
      .add("year", DataTypes.IntegerType, false).add("type", DataTypes.StringType, false)
      .add("from_funksjon", DataTypes.createArrayType(DataTypes.StringType))
      .add("to_funksjon", DataTypes.createArrayType(DataTypes.StringType))
      .add("activity", DataTypes.StringType).add("share", DataTypes.DoubleType)
      .add("status", DataTypes.StringType).add("source", DataTypes.StringType);
  public static final StructType FUNCTION_MAPPING_SCHEMA = new StructType()
      .add("data_year", DataTypes.IntegerType, false).add("chart_year", DataTypes.IntegerType, false)
      .add("funksjon", DataTypes.StringType, false).add("chart_funksjon", DataTypes.StringType, false)
      .add("weight", DataTypes.DoubleType, false)
      .add("notes", DataTypes.createArrayType(DataTypes.StringType));

  public static final StructType MUNICIPALITY_MAPPING_SCHEMA = new StructType()
      .add("data_year", DataTypes.IntegerType, false).add("target_year", DataTypes.IntegerType, false)
      .add("region", DataTypes.StringType, false).add("target_region", DataTypes.StringType, false);

  /** An age band of classifications/age-bands.csv. */
  public record AgeBand(String band, int ageFrom, Integer ageTo, String nameNo) {}

  /** What was written: rows per table and the reporting years without population. */
  public record Result(Map<String, Long> rows, List<Integer> yearsWithoutPopulation) {}

  private final Warehouse warehouse;
  private final SchemaDir schemas;
  private Consumer<String> progress = m -> {};

  private ReferenceTables(Warehouse warehouse, SchemaDir schemas) {
    this.warehouse = warehouse;
    this.schemas = schemas;
  }

  public static ReferenceTables into(Warehouse warehouse, SchemaDir schemas) {
    return new ReferenceTables(warehouse, schemas);
  }

  public ReferenceTables progress(Consumer<String> progress) {
    this.progress = progress;
    return this;
  }

  public static List<AgeBand> ageBands(SchemaDir schemas) {
    List<AgeBand> bands = new ArrayList<>();
    Classifications.readCsv(schemas.resolve("classifications/age-bands.csv"), r -> bands.add(
        new AgeBand(r.get("band"), Integer.parseInt(r.get("age_from")),
            r.get("age_to").isBlank() ? null : Integer.parseInt(r.get("age_to")), r.get("name_no"))));
    return bands;
  }

  public Result run() {
    Classifications classifications = Classifications.load(schemas);
    Population population = Population.load(schemas);
    KostraGroups groups = KostraGroups.load(schemas);
    FunctionChart chart = FunctionChart.load(schemas);
    Set<String> asss = new TreeSet<>();
    Classifications.readCsv(schemas.resolve("classifications/asss-members.csv"),
        r -> asss.add(r.get("municipality_code")));
    List<Integer> years = classifications.years();
    Map<String, Long> counts = new java.util.LinkedHashMap<>();

    List<Row> regions = new ArrayList<>();
    List<Row> persons = new ArrayList<>();
    List<Row> bands = new ArrayList<>();
    List<Integer> withoutPopulation = new ArrayList<>();
    List<AgeBand> ageBands = ageBands(schemas);
    for (int year : years) {
      Map<String, String> group = groups.groups(year, classifications);
      Map<String, String> asssIn = classifications.from2024To(year);
      Set<String> asssCodes = new TreeSet<>();
      asss.forEach(code -> asssCodes.add(asssIn.get(code)));
      for (var m : classifications.municipalities(year)) {
        regions.add(RowFactory.create(year, m.code(), m.name(), "kommune", m.countyCode(),
            m.accountingRegion(), group.get(m.code()), asssCodes.contains(m.code()), true));
      }
      for (var c : classifications.counties(year)) {
        regions.add(RowFactory.create(year, c.code(), c.name(), "fylke", c.code(),
            c.accountingRegion(), null, false, !c.code().equals("03")));
      }
      for (var d : classifications.osloDistricts(year)) {
        regions.add(RowFactory.create(year, d.code(), d.name(), "bydel", "03", d.code(), null,
            false, d.reports()));
      }
      if (!population.hasReportingYear(year)) {
        withoutPopulation.add(year);
        progress.accept("no population at 31.12." + year + " yet (1 January " + (year + 1)
            + " is not in classifications/population.csv.gz): population tables have no rows for "
            + year);
        continue;
      }
      Map<String, long[][]> counted = population.bySexAndAge(year + 1, year, classifications);
      counted.forEach((code, bySex) -> {
        for (int sex = 0; sex < Population.SEXES.size(); sex++) {
          for (int age = 0; age <= Population.MAX_AGE; age++) {
            persons.add(RowFactory.create(year, code, Population.SEXES.get(sex), age,
                bySex[sex][age]));
          }
        }
        for (AgeBand band : ageBands) {
          int to = band.ageTo() == null ? Population.MAX_AGE : band.ageTo();
          long all = 0;
          for (int sex = 0; sex < Population.SEXES.size(); sex++) {
            long sum = 0;
            for (int age = band.ageFrom(); age <= to; age++) {
              sum += bySex[sex][age];
            }
            all += sum;
            bands.add(RowFactory.create(year, code, band.band(), band.ageFrom(), band.ageTo(),
                Population.SEXES.get(sex), sum));
          }
          bands.add(RowFactory.create(year, code, band.band(), band.ageFrom(), band.ageTo(),
              "total", all));
        }
      });
    }

    List<Row> municipalityMapping = new ArrayList<>();
    for (int from : years) {
      for (int to : years) {
        classifications.mapping(from, to).forEach((code, target) ->
            municipalityMapping.add(RowFactory.create(from, to, code, target)));
      }
    }

    List<Row> chartRows = new ArrayList<>();
    List<Row> mappingRows = new ArrayList<>();
    for (int year = chart.completeFrom(); year <= chart.completeTo(); year++) {
      int y = year;
      chart.lists(year).forEach((list, codes) -> codes.forEach(code ->
          chartRows.add(RowFactory.create(y, list, code, chart.name(code)))));
      for (int target = chart.completeFrom(); target <= chart.completeTo(); target++) {
        int t = target;
        chart.mapping(year, target).forEach((code, targets) -> targets.forEach(tg ->
            mappingRows.add(RowFactory.create(y, t, code, tg.code(), tg.weight(),
                tg.notes()))));
      }
    }
    List<Row> changeRows = new ArrayList<>();
    for (FunctionChart.Change c : chart.changes()) {
      changeRows.add(RowFactory.create(c.year(), c.type(),
          c.from(),
          c.to(), c.activity(), c.share(),
          c.status(), c.source().strip()));
    }
    SparkSession spark = warehouse.spark();
    write(spark, REGIONS, regions, REGIONS_SCHEMA, counts);
    write(spark, POPULATION, persons, POPULATION_SCHEMA, counts);
    write(spark, POPULATION_BANDS, bands, POPULATION_BANDS_SCHEMA, counts);
    write(spark, MUNICIPALITY_MAPPING, municipalityMapping, MUNICIPALITY_MAPPING_SCHEMA, counts);
    write(spark, FUNCTION_CHART, chartRows, FUNCTION_CHART_SCHEMA, counts);
    write(spark, FUNCTION_CHANGES, changeRows, FUNCTION_CHANGES_SCHEMA, counts);
    write(spark, FUNCTION_MAPPING, mappingRows, FUNCTION_MAPPING_SCHEMA, counts);
    return new Result(counts, withoutPopulation);
  }

  private void write(SparkSession spark, String table, List<Row> rows, StructType schema,
      Map<String, Long> counts) {
    long t0 = System.nanoTime();
    warehouse.replace(spark.createDataFrame(rows, schema).coalesce(1), table, "true");
    counts.put(table, (long) rows.size());
    progress.accept(String.format("%s: %d rows (%.1f s)", table, rows.size(),
        (System.nanoTime() - t0) / 1e9));
  }
}

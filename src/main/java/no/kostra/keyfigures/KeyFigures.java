package no.kostra.keyfigures;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import no.kostra.keyfigures.KeyFigureDefinitions.Indicator;
import no.kostra.keyfigures.KeyFigureDefinitions.Source;
import no.kostra.keyfigures.KeyFigureDefinitions.Variable;
import no.kostra.keyfigures.RegionStructure.Aggregate;
import no.kostra.keyfigures.RegionStructure.Region;
import no.kostra.reference.FunctionChart;
import no.kostra.schemas.SchemaDir;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;

/**
 * Stage 3: key figures and base data for every region and aggregate, for the requested reporting
 * years, each on its own year's borders and chart and on today's (the latest classification
 * year's), as defined in data-schemas/indicators.
 *
 * <p>The ingested tables are read once, in one Spark job for all years ({@link BaseData}); what is
 * left is a few hundred thousand sums, which this class turns into figures with exact decimal
 * arithmetic: a region's value of a base variable is missing when one of its units has no current
 * accepted submission of the form (never zero); aggregates sum their members' numerators and
 * denominators and then divide (key-figures.md §6.2), estimating a missing municipality's value by
 * the population ratio of the reporters in its KOSTRA group (§8) and flagging the cell.
 */
public final class KeyFigures {

  private final Warehouse warehouse;
  private final SchemaDir schemas;
  private final List<Integer> years = new ArrayList<>();
  private boolean allYears;
  private Integer structureYear;
  private Consumer<String> progress = message -> {};

  private KeyFigures(Warehouse warehouse, SchemaDir schemas) {
    this.warehouse = warehouse;
    this.schemas = schemas;
  }

  public static KeyFigures in(Warehouse warehouse, SchemaDir schemas) {
    return new KeyFigures(warehouse, schemas);
  }

  public KeyFigures year(int year) {
    this.years.add(year);
    return this;
  }

  public KeyFigures years(List<Integer> years) {
    this.years.addAll(years);
    return this;
  }

  /** Every reporting year with a submission in the warehouse (and a classification). */
  public KeyFigures allYears() {
    this.allYears = true;
    return this;
  }

  /** Today's borders and chart (default: the latest year of the classifications). */
  public KeyFigures structureYear(int year) {
    this.structureYear = year;
    return this;
  }

  /** Where to report the progress of the stage's steps (default: nowhere). */
  public KeyFigures progress(Consumer<String> progress) {
    this.progress = progress;
    return this;
  }

  /** The figures of a run: rows of {@link Tables#KEY_FIGURES_SCHEMA}. */
  public record Result(List<Integer> years, int structureYear, int indicators, int variables,
      List<Row> rows, String definitionVersion) {
    public long missing() {
      return rows.stream().filter(r -> "..".equals(r.getAs("status"))).count();
    }
  }

  /** Computes the years' figures and replaces them (all borders) in {@code key_figures}. */
  public Result run() {
    Result result = compute();
    long t0 = System.nanoTime();
    String in = result.years().stream().map(String::valueOf).collect(Collectors.joining(", "));
    // in slices of ≈ 20 000 rows: one local relation of all rows would be a single task of
    // tens of MB, which a cluster ships badly
    var rdd = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(
        warehouse.spark().sparkContext()).parallelize(result.rows(),
        Math.max(1, result.rows().size() / 20_000));
    var frame = warehouse.spark().createDataFrame(rdd, Tables.KEY_FIGURES_SCHEMA);
    if (warehouse.exists(Tables.KEY_FIGURES) && !sameColumns(
        warehouse.read(Tables.KEY_FIGURES).schema(), Tables.KEY_FIGURES_SCHEMA)) {
      // a table of an earlier version of this stage: its rows are recomputed, not mixed
      progress.accept("key_figures has an older layout: rewritten with this run's years only");
      frame.write().format("delta").mode("overwrite").option("overwriteSchema", "true")
          .save(warehouse.path(Tables.KEY_FIGURES));
    } else {
      warehouse.replace(frame, Tables.KEY_FIGURES, "year IN (" + in + ")");
    }
    progress.accept(String.format("wrote %d rows to key_figures (%.1f s)", result.rows().size(),
        (System.nanoTime() - t0) / 1e9));
    return result;
  }

  /** Same column names and types in the same order (Delta reports every column nullable). */
  private static boolean sameColumns(org.apache.spark.sql.types.StructType a,
      org.apache.spark.sql.types.StructType b) {
    return java.util.Arrays.equals(a.fieldNames(), b.fieldNames()) && java.util.Arrays.stream(
        a.fields()).allMatch(f -> f.dataType().equals(b.apply(f.name()).dataType()));
  }

  public Result compute() {
    long t0 = System.nanoTime();
    KeyFigureDefinitions defs = KeyFigureDefinitions.load(schemas);
    RegionStructure.Reference ref = RegionStructure.Reference.load(schemas);
    FunctionChart chart = FunctionChart.load(schemas);
    List<Integer> classificationYears = ref.classifications().years();
    int today = structureYear != null ? structureYear
        : classificationYears.get(classificationYears.size() - 1);
    List<Integer> run = new ArrayList<>(new TreeSet<>(allYears ? yearsInWarehouse() : years));
    if (run.isEmpty()) {
      throw new IllegalStateException(allYears ? "no submissions in the warehouse"
          : "no reporting year given");
    }
    for (int y : run) {
      if (!classificationYears.contains(y)) {
        throw new IllegalArgumentException("no classification (municipalities) for " + y
            + "; the classifications cover " + classificationYears);
      }
    }
    progress.accept(String.format("definitions %s, reference data loaded (%.1f s)",
        defs.version(), (System.nanoTime() - t0) / 1e9));
    long t1 = System.nanoTime();
    BaseData.Values values = BaseData.compute(warehouse, schemas, defs, run);
    progress.accept(String.format("base data of %s from the ingested tables in one Spark job "
        + "(%.1f s)", run, (System.nanoTime() - t1) / 1e9));
    long t2 = System.nanoTime();
    // data year -> the reference tables a variable needs that are not official for it
    Map<Integer, Set<String>> unofficial = new HashMap<>();
    defs.variables().stream().map(Variable::reference).filter(java.util.Objects::nonNull)
        .distinct().forEach(name -> {
          Map<Integer, no.kostra.reference.OfficialReference.Status> status =
              no.kostra.reference.OfficialReference.years(schemas, name);
          for (int year : run) {
            if (status.get(year) != no.kostra.reference.OfficialReference.Status.OFFICIAL) {
              unofficial.computeIfAbsent(year, y -> new TreeSet<>()).add(name);
            }
          }
        });
    List<Row> rows = new ArrayList<>();
    for (int year : run) {
      for (int borders : year == today ? List.of(year) : List.of(year, today)) {
        RegionStructure structure = RegionStructure.of(year, borders, ref);
        rows.addAll(new YearFigures(defs, structure, values, chart,
            unofficial.getOrDefault(year, Set.of())).rows());
      }
    }
    progress.accept(String.format("%d rows for %d regions and aggregates per year (%.1f s)",
        rows.size(), rows.stream().map(r -> r.getAs("region")).distinct().count(),
        (System.nanoTime() - t2) / 1e9));
    return new Result(List.copyOf(run), today, defs.indicators().size(), defs.variables().size(),
        rows, defs.version());
  }

  private List<Integer> yearsInWarehouse() {
    if (!warehouse.exists(Tables.SUBMISSIONS)) {
      return List.of();
    }
    return warehouse.read(Tables.SUBMISSIONS).select("aargang").where("aargang IS NOT NULL")
        .distinct().collectAsList().stream().map(r -> r.getInt(0)).sorted().toList();
  }

  /**
   * A base variable's value for a region or aggregate (null = missing), the members whose own
   * data it rests on, and its flags.
   */
  record Cell(BigDecimal value, Set<String> reported, int expected, Set<String> flags) {
    static Cell missing(int expected) {
      return new Cell(null, Set.of(), expected, Set.of());
    }
  }

  /** The figures of one data year on one year's borders. */
  static final class YearFigures {
    private final KeyFigureDefinitions defs;
    private final RegionStructure structure;
    private final BaseData.Values values;
    private final int year;
    /** The functions of the county lists of the chart (Oslo's county authority reads these). */
    private final Set<String> countyFunctions;
    /** The reference tables not official for this year: what needs them is missing. */
    private final Set<String> unofficialReferences;
    private final Map<String, Map<String, Map<String, BigDecimal>>> accounting;
    private final Map<String, Set<String>> accountingNotes = new HashMap<>();
    private final Map<String, Map<String, BigDecimal[]>> ratioCache = new HashMap<>();
    /** region code -> variable -> value (null = missing); absent = not defined at its level. */
    private final Map<String, Map<String, Cell>> cells = new LinkedHashMap<>();

    YearFigures(KeyFigureDefinitions defs, RegionStructure structure, BaseData.Values values,
        FunctionChart chart, Set<String> unofficialReferences) {
      this.defs = defs;
      this.unofficialReferences = unofficialReferences;
      this.structure = structure;
      this.values = values;
      this.year = structure.dataYear;
      this.accounting = onChart(values.accounting().getOrDefault(year, Map.of()), chart);
      // Oslo's county authority (0300) is the city's accounts on the county functions only
      Set<String> county = new java.util.HashSet<>();
      if (structure.structureYear >= chart.completeFrom()
          && structure.structureYear <= chart.completeTo()) {
        chart.lists(structure.structureYear).forEach((list, codes) -> {
          if (list.equals("fylke") || list.equals("finans_fylke")) {
            county.addAll(codes);
          }
        });
      }
      this.countyFunctions = Set.copyOf(county);
    }

    /**
     * The accounting sums by function, expressed on the structure year's chart (a split code
     * becomes the joined code of its successors; a move with unknown share is a series break).
     */
    private Map<String, Map<String, Map<String, BigDecimal>>> onChart(
        Map<String, Map<String, Map<String, BigDecimal>>> byUnit, FunctionChart chart) {
      if (structure.structureYear == year) {
        return byUnit;
      }
      Map<String, List<FunctionChart.Target>> mapping = chart.mapping(year, structure.structureYear);
      Map<String, Map<String, Map<String, BigDecimal>>> out = new HashMap<>();
      byUnit.forEach((unit, byKey) -> byKey.forEach((key, byFunction) -> byFunction.forEach(
          (f, amount) -> {
            for (FunctionChart.Target t : mapping.getOrDefault(f,
                List.of(new FunctionChart.Target(f, 1.0, List.of())))) {
              out.computeIfAbsent(unit, u -> new HashMap<>())
                  .computeIfAbsent(key, k -> new TreeMap<>())
                  .merge(t.code(), amount.multiply(BigDecimal.valueOf(t.weight())),
                      BigDecimal::add);
              if (t.notes().contains("break")) {
                accountingNotes.computeIfAbsent(unit, u -> new TreeSet<>()).add(t.code());
              }
            }
          })));
      return out;
    }

    List<Row> rows() {
      for (Region r : structure.regions) {
        Map<String, Cell> byVariable = new LinkedHashMap<>();
        for (Variable v : defs.variables()) {
          if (defined(v, r.level())) {
            byVariable.put(v.id(), regionCell(v, r));
          }
        }
        cells.put(r.code(), byVariable);
      }
      Map<String, Region> regionsByCode = new HashMap<>();
      structure.regions.forEach(r -> regionsByCode.put(r.code(), r));
      for (Aggregate a : structure.aggregates) {
        cells.put(a.code(), aggregateCells(a, regionsByCode));
      }
      List<Row> rows = new ArrayList<>();
      List<Indicator> indicators = defs.indicatorsFor(year);
      for (Region r : structure.regions) {
        emit(rows, r.code(), r.name(), r.level(), indicators, null);
      }
      for (Aggregate a : structure.aggregates) {
        emit(rows, a.code(), a.name(), a.code().replaceAll("\\d+$", ""), indicators, a);
      }
      return rows;
    }

    /** Whether the variable exists for regions of the level (its source has the level). */
    private boolean defined(Variable v, String level) {
      Source s = defs.source(v.source());
      boolean sourceHasLevel = s.isPopulation() ? s.levels().contains(level)
          : s.skjema().containsKey(level);
      return sourceHasLevel && v.levelsOrDefault().contains(level);
    }

    /**
     * The missing cell of a variable whose reference table is not official for the year (a
     * placeholder, or no row): never computed against an invented number, and flagged with the
     * reference it lacks; null where the reference is there.
     */
    private Cell withoutReference(Variable v, int expected) {
      if (v.reference() == null || !unofficialReferences.contains(v.reference())) {
        return null;
      }
      return new Cell(null, Set.of(), expected,
          Set.of(no.kostra.reference.OfficialReference.flag(v.reference())));
    }

    private Cell regionCell(Variable v, Region r) {
      Cell noReference = withoutReference(v, 1);
      if (noReference != null) {
        return noReference;
      }
      Source s = defs.source(v.source());
      if (s.isPopulation()) {
        Long persons = RegionStructure.band(r, v.ageFrom(), v.ageTo());
        return persons == null ? Cell.missing(1)
            : new Cell(BigDecimal.valueOf(persons), Set.of(r.code()), 1, Set.of());
      }
      String skjema = s.skjema().get(r.formLevel());
      Set<String> reported = values.reported(year, skjema);
      List<String> units = r.units();
      if (s.osloByDistricts() && !r.districtUnits().isEmpty()
          && !units.stream().allMatch(reported::contains)) {
        units = r.districtUnits(); // the city is the sum of its reporting districts
      }
      if (!reported.containsAll(units)) {
        return Cell.missing(1);
      }
      BigDecimal sum = BigDecimal.ZERO;
      Set<String> flags = new TreeSet<>();
      for (String unit : units) {
        if ("regnskap".equals(s.table())) {
          List<int[]> ranges = defs.functionRanges(v, year);
          Map<String, BigDecimal> byFunction = accounting.getOrDefault(unit, Map.of())
              .getOrDefault(BaseData.aggregateKey(v.aggregate(), s.scope()), Map.of());
          // a region that reads another level's form (0300: the city's 0A/0M) takes that
          // form's functions of its own level only
          boolean ownLevel = r.formLevel().equals(r.level());
          for (Map.Entry<String, BigDecimal> e : byFunction.entrySet()) {
            if (inRanges(e.getKey(), ranges)
                && (ownLevel || countyFunctions.contains(e.getKey()))) {
              sum = sum.add(e.getValue());
              if (accountingNotes.getOrDefault(unit, Set.of()).contains(e.getKey())) {
                flags.add("series_break");
              }
            }
          }
        } else {
          sum = sum.add(values.record(year, unit, v.id()));
        }
      }
      return new Cell(sum, Set.of(r.code()), 1, flags);
    }

    /** A function code ("254", or a joined "257+258") lies in the ranges when all its parts do. */
    static boolean inRanges(String code, List<int[]> ranges) {
      for (String part : code.split("\\+")) {
        int f;
        try {
          f = Integer.parseInt(part.trim());
        } catch (NumberFormatException e) {
          return false;
        }
        if (ranges.stream().noneMatch(r -> f >= r[0] && f <= r[1])) {
          return false;
        }
      }
      return true;
    }

    /**
     * Sums over the aggregate's members. A missing member's value is estimated as its population
     * × (Σ value / Σ population) of the reporting members of its KOSTRA group (all reporters of the
     * level when its group has none, or it has no group), unless the variable is not estimated
     * (benefit rates) or the population is unknown: then the sum covers the reporters only.
     */
    private Map<String, Cell> aggregateCells(Aggregate a, Map<String, Region> regions) {
      Map<String, Cell> out = new LinkedHashMap<>();
      String level = a.memberLevel();
      for (Variable v : defs.variables()) {
        if (!defined(v, level)) {
          continue;
        }
        Cell noReference = withoutReference(v, a.members().size());
        if (noReference != null) {
          out.put(v.id(), noReference);
          continue;
        }
        Map<String, BigDecimal[]> ratios = ratioCache.computeIfAbsent(level + "|" + v.id(),
            k -> ratios(v, level, regions));
        BigDecimal total = BigDecimal.ZERO;
        Set<String> reported = new TreeSet<>();
        boolean estimated = false;
        boolean partial = false;
        Set<String> flags = new TreeSet<>();
        for (String m : a.members()) {
          Cell c = cells.get(m).get(v.id());
          if (c.value() != null) {
            total = total.add(c.value());
            reported.add(m);
            flags.addAll(c.flags());
            continue;
          }
          BigDecimal estimate = v.estimated() ? estimate(regions.get(m), ratios) : null;
          if (estimate != null) {
            total = total.add(estimate);
            estimated = true;
          } else {
            partial = true;
          }
        }
        if (a.seriesBreak()) {
          flags.add("series_break");
        }
        if (estimated) {
          flags.add("estimated");
        }
        if (partial) {
          flags.add("partial");
        }
        out.put(v.id(), reported.isEmpty() ? Cell.missing(a.members().size())
            : new Cell(total, reported, a.members().size(), flags));
      }
      return out;
    }

    private Map<String, BigDecimal[]> ratios(Variable v, String level,
        Map<String, Region> regions) {
      return Estimation.ratios(regions.values(), level,
          code -> cells.get(code).get(v.id()).value());
    }

    private static BigDecimal estimate(Region r, Map<String, BigDecimal[]> ratios) {
      return Estimation.estimate(r, ratios);
    }

    private void emit(List<Row> rows, String code, String name, String level,
        List<Indicator> indicators, Aggregate aggregate) {
      Map<String, Cell> byVariable = cells.get(code);
      for (Indicator ind : indicators) {
        Cell num = byVariable.get(ind.numerator());
        Cell den = ind.denominator() == null ? null : byVariable.get(ind.denominator());
        if (num == null || (ind.denominator() != null && den == null)) {
          continue; // not defined for this kind of region
        }
        rows.add(row(code, name, level, ind.id(), ind.level(), num, den, ind.scale(), ind.unit(),
            ind.decimals(), aggregate));
      }
      for (Variable v : defs.variables()) {
        Cell c = byVariable.get(v.id());
        if (c != null) {
          rows.add(row(code, name, level, v.id(), 3, c, null, 1, v.unit(), v.decimalsOrZero(),
              aggregate));
        }
      }
    }

    private Row row(String code, String name, String level, String indicator, int indicatorLevel,
        Cell num, Cell den, int scale, String unit, int decimals, Aggregate aggregate) {
      BigDecimal value = null;
      String status = null;
      if (num.value() == null || (den != null && den.value() == null)) {
        status = "..";
      } else if (den != null && den.value().signum() == 0) {
        status = ".";
      } else {
        BigDecimal scaled = num.value().multiply(BigDecimal.valueOf(scale));
        value = den == null ? scaled.setScale(10, RoundingMode.HALF_UP)
            : scaled.divide(den.value(), 10, RoundingMode.HALF_UP);
      }
      Set<String> flags = new TreeSet<>(num.flags());
      Integer reported = null;
      Integer expected = null;
      if (den != null) {
        flags.addAll(den.flags());
      }
      if (aggregate != null) {
        Set<String> both = new TreeSet<>(num.reported());
        if (den != null) {
          both.retainAll(den.reported());
        }
        reported = both.size();
        expected = aggregate.members().size();
      }
      return new GenericRowWithSchema(new Object[] {year, structure.structureYear, code, name,
          level, indicator, indicatorLevel, value,
          num.value() == null ? null : num.value().setScale(6, RoundingMode.HALF_UP),
          den == null || den.value() == null ? null : den.value().setScale(6, RoundingMode.HALF_UP),
          scale, unit, decimals, status, flags.isEmpty() ? null : String.join(",", flags),
          reported, expected, defs.version()}, Tables.KEY_FIGURES_SCHEMA);
    }
  }
}

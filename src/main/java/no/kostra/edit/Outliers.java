package no.kostra.edit;

import static org.apache.spark.sql.functions.col;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import no.kostra.edit.HidiroglouBerthelot.Parameters;
import no.kostra.edit.HidiroglouBerthelot.Scored;
import no.kostra.edit.HidiroglouBerthelot.Unit;
import no.kostra.reference.Classifications;
import no.kostra.reference.KostraGroups;
import no.kostra.schemas.SchemaDir;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Editing, step 1: every base variable and key figure of every municipality, Oslo district and
 * county authority, this year against the comparison year on today's borders, scored with the
 * Hidiroglou–Berthelot method within strata ({@link OutlierSettings}), into {@code
 * edit_candidates} (the year's rows replaced on each run) and a page and CSV per year ({@link
 * EditPages}). The comparison year's values are its newest release's published figures (what the
 * municipalities were told, withheld cells missing), else the warehouse's.
 *
 * <p>Nothing is dropped: a value that cannot be scored by the ratio gets a status that says why —
 * {@code sign_change}, {@code to_zero}, {@code from_zero} (scored as a doubling at the unit's size,
 * since those are the classic mistakes: an income's sign, a function booked elsewhere), {@code
 * zero} (0 both years), {@code missing} (no value this year), {@code no_previous} (none to compare
 * with: not reported, withheld, or a unit new on these borders).
 */
public final class Outliers {

  public static final String TABLE = Tables.EDIT_CANDIDATES;

  public static final StructType SCHEMA = new StructType()
      .add("year", DataTypes.IntegerType, false)
      .add("against_year", DataTypes.IntegerType, false)
      .add("against", DataTypes.StringType, false) // release id, or "warehouse"
      .add("structure_year", DataTypes.IntegerType, false)
      .add("region", DataTypes.StringType, false)
      .add("region_name", DataTypes.StringType, false)
      .add("region_level", DataTypes.StringType, false)
      .add("stratum", DataTypes.StringType, false)
      .add("variable", DataTypes.StringType, false)
      .add("variable_level", DataTypes.IntegerType, false)
      .add("value", DataTypes.createDecimalType(38, 10), true)
      .add("previous", DataTypes.createDecimalType(38, 10), true)
      .add("ratio", DataTypes.DoubleType, true)
      .add("median_ratio", DataTypes.DoubleType, true)
      .add("lower", DataTypes.DoubleType, true) // the ratio's bounds for this unit's size
      .add("upper", DataTypes.DoubleType, true)
      .add("score", DataTypes.DoubleType, true) // >= 1: outside the bounds
      .add("rank_in_stratum", DataTypes.IntegerType, true)
      .add("rank_in_variable", DataTypes.IntegerType, true)
      .add("candidate", DataTypes.BooleanType, false)
      .add("status", DataTypes.StringType, false)
      .add("note", DataTypes.StringType, true)
      .add("parameters", DataTypes.StringType, false);

  private static final List<String> LEVELS = List.of("kommune", "bydel", "fylkeskommune");

  private final Warehouse warehouse;
  private final SchemaDir schemas;
  private int year;
  private Integer against;
  private Consumer<String> progress = m -> { };

  private Outliers(Warehouse warehouse, SchemaDir schemas) {
    this.warehouse = warehouse;
    this.schemas = schemas;
  }

  public static Outliers in(Warehouse warehouse, SchemaDir schemas) {
    return new Outliers(warehouse, schemas);
  }

  public Outliers year(int year) {
    this.year = year;
    return this;
  }

  /** The comparison year (default: the year before). */
  public Outliers against(Integer year) {
    this.against = year;
    return this;
  }

  public Outliers progress(Consumer<String> progress) {
    this.progress = progress;
    return this;
  }

  /** What a run wrote. */
  public record Result(int year, int againstYear, String against, int structureYear,
      List<Row> rows, long candidates, EditPages.Written pages) {}

  /** One figure of one region: value (null = not published/missing) and its status symbol. */
  private record Figure(String region, String name, String level, String variable,
      int variableLevel, BigDecimal value, String status) {}

  public Result run() {
    int y0 = against != null ? against : year - 1;
    OutlierSettings settings = OutlierSettings.load(schemas);
    if (!warehouse.exists(Tables.KEY_FIGURES)) {
      throw new IllegalStateException("no key_figures in " + warehouse.root()
          + ": run `bin/kostra compute --year " + year + "` first");
    }
    Integer structureYear = warehouse.read(Tables.KEY_FIGURES).where(col("year").equalTo(year))
        .agg(org.apache.spark.sql.functions.max("structure_year")).first().getAs(0);
    if (structureYear == null) {
      throw new IllegalStateException("no key figures of " + year + " in " + warehouse.root()
          + ": run `bin/kostra compute --year " + year + "` first");
    }
    List<Figure> current = figures(warehouse.read(Tables.KEY_FIGURES), year, structureYear);
    String source = warehouse.exists(Tables.PUBLISHED_KEY_FIGURES)
        ? no.kostra.warehouse.Releases.newestOf(warehouse, y0).orElse(null) : null;
    List<Figure> previous = source == null ? List.of() : figures(warehouse.read(
        Tables.PUBLISHED_KEY_FIGURES).where(col("release_id").equalTo(source)), y0, structureYear);
    if (previous.isEmpty()) {
      source = "warehouse";
      previous = figures(warehouse.read(Tables.KEY_FIGURES), y0, structureYear);
    }
    if (previous.isEmpty()) {
      throw new IllegalStateException("no figures of " + y0 + " on the borders of "
          + structureYear + " to compare with, in a release or in key_figures: run `bin/kostra "
          + "compute --year " + y0 + "` (or pass --against)");
    }
    progress.accept("outliers: " + year + " against " + y0 + " ("
        + (source.equals("warehouse") ? "the warehouse's key_figures" : "release " + source)
        + "), borders of " + structureYear);
    Map<String, String> groups = KostraGroups.load(schemas)
        .groups(structureYear, Classifications.load(schemas));
    Map<String, Figure> before = new HashMap<>();
    previous.forEach(f -> before.put(f.region() + "|" + f.variable(), f));
    Map<String, List<Figure>> byVariable = new TreeMap<>();
    current.forEach(f -> byVariable.computeIfAbsent(f.variable(), k -> new ArrayList<>()).add(f));
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, List<Figure>> v : byVariable.entrySet()) {
      OutlierSettings.Effective p = settings.forVariable(v.getKey());
      rows.addAll(scoreVariable(year, v.getValue(), before, groups, p, y0, source,
          structureYear));
    }
    long candidates = rows.stream().filter(r -> r.<Boolean>getAs("candidate")).count();
    var frame = warehouse.spark().createDataFrame(rows, SCHEMA);
    warehouse.replace(frame, TABLE, "year = " + year);
    EditPages.Written pages = EditPages.write(warehouse, year);
    progress.accept(String.format("outliers: %d values of %d variables scored; %d candidates "
        + "(score >= threshold or a sign/zero change); %s", rows.size(), byVariable.size(),
        candidates, pages.html()));
    return new Result(year, y0, source, structureYear, rows, candidates, pages);
  }

  private static List<Figure> figures(org.apache.spark.sql.Dataset<Row> table, int year,
      int structureYear) {
    return table.where(col("year").equalTo(year).and(col("structure_year").equalTo(structureYear))
            .and(col("region_level").isin(LEVELS.toArray())))
        .select("region", "region_name", "region_level", "indicator", "level", "value", "status")
        .collectAsList().stream()
        .map(r -> new Figure(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
            r.getInt(4), r.getDecimal(5), r.getString(6))).toList();
  }

  private static String stratum(Figure f, Map<String, String> groups, String strata) {
    if (strata.equals("none")) {
      return "alle";
    }
    return switch (f.level()) {
      case "bydel" -> "bydeler i Oslo";
      case "fylkeskommune" -> "fylkeskommuner";
      default -> groups.getOrDefault(f.region(), "uten KOSTRA-gruppe");
    };
  }

  /** A figure with its comparison value, before the scores. */
  private static final class Pair {
    final Figure now;
    final Figure then;
    String stratum;
    String status;
    String note;
    Scored scored;
    Double score;

    Pair(Figure now, Figure then) {
      this.now = now;
      this.then = then;
    }

    double x1() {
      return now.value().doubleValue();
    }

    double x2() {
      return then.value().doubleValue();
    }
  }

  private static List<Row> scoreVariable(int year, List<Figure> figures, Map<String, Figure> before,
      Map<String, String> groups, OutlierSettings.Effective p, int y0, String source,
      int structureYear) {
    List<Pair> pairs = new ArrayList<>();
    for (Figure f : figures) {
      Pair pair = new Pair(f, before.get(f.region() + "|" + f.variable()));
      pair.stratum = stratum(f, groups, p.strata());
      classify(pair, y0);
      pairs.add(pair);
    }
    // the ratio's units: both values of one sign and not both equal zero
    Map<String, List<Pair>> strata = new TreeMap<>();
    Map<String, List<Pair>> levels = new TreeMap<>();
    for (Pair pair : pairs) {
      if ("ratio".equals(pair.status)) {
        strata.computeIfAbsent(pair.stratum, k -> new ArrayList<>()).add(pair);
        levels.computeIfAbsent(pair.now.level(), k -> new ArrayList<>()).add(pair);
      }
    }
    Map<String, Bounds> boundsOfStratum = new HashMap<>();
    Map<String, Bounds> boundsOfLevel = new HashMap<>();
    levels.forEach((level, list) -> boundsOfLevel.put(level, Bounds.of(list, p)));
    strata.forEach((s, list) -> {
      if (list.size() >= p.minUnits()) {
        boundsOfStratum.put(s, Bounds.of(list, p));
      }
    });
    for (Pair pair : pairs) {
      Bounds b = boundsOfStratum.get(pair.stratum);
      if (b == null && boundsOfLevel.containsKey(pair.now.level())) {
        b = boundsOfLevel.get(pair.now.level());
        if (pair.status.equals("ratio") || pair.status.endsWith("zero")
            || pair.status.equals("sign_change")) {
          pair.note = join(pair.note, "stratum " + pair.stratum + " has fewer than "
              + p.minUnits() + " units to compare: scored against every " + pair.now.level());
        }
      }
      if (b == null) {
        if (pair.status.equals("ratio")) {
          pair.status = "not_scored";
          pair.note = join(pair.note, "too few units of the level to score");
        }
        continue;
      }
      switch (pair.status) {
        case "ratio" -> {
          pair.scored = b.scored(pair);
          pair.score = pair.scored.score();
          pair.status = pair.scored.outlier() ? "outlier" : "within";
        }
        // a value that went to or came from zero counts as a doubling at its size; a sign
        // change as a tripling: both are what the ratio cannot see and editing must
        case "to_zero", "from_zero" -> pair.score = b.scoreOf(1, Math.max(Math.abs(pair.x1()),
            Math.abs(pair.x2())));
        case "sign_change" -> pair.score = b.scoreOf(2, Math.max(Math.abs(pair.x1()),
            Math.abs(pair.x2())));
        default -> { }
      }
    }
    Comparator<Pair> byScore = Comparator.comparing((Pair x) -> -x.score)
        .thenComparing(x -> x.now.region());
    List<Pair> scored = pairs.stream().filter(x -> x.score != null).sorted(byScore).toList();
    Map<Pair, Integer> rankInVariable = new HashMap<>();
    Map<Pair, Integer> rankInStratum = new HashMap<>();
    Map<String, Integer> next = new HashMap<>();
    for (int i = 0; i < scored.size(); i++) {
      rankInVariable.put(scored.get(i), i + 1);
      rankInStratum.put(scored.get(i), next.merge(scored.get(i).stratum, 1, Integer::sum));
    }
    List<Row> rows = new ArrayList<>();
    pairs.sort(Comparator.comparing(x -> x.now.region()));
    for (Pair x : pairs) {
      boolean candidate = x.score != null && (x.score >= p.candidateScore()
          || x.status.equals("sign_change") || x.status.endsWith("_zero"));
      rows.add(new GenericRowWithSchema(new Object[] {year, y0, source,
          structureYear, x.now.region(), x.now.name(), x.now.level(), x.stratum, x.now.variable(),
          x.now.variableLevel(), x.now.value(), x.then == null ? null : x.then.value(),
          x.scored == null ? null : x.scored.ratio(),
          x.scored == null ? null : x.scored.medianRatio(),
          x.scored == null ? null : x.scored.lowerRatio(),
          x.scored == null ? null : x.scored.upperRatio(), x.score,
          rankInStratum.get(x), rankInVariable.get(x), candidate, x.status, x.note,
          p.describe()}, SCHEMA));
    }
    return rows;
  }

  /** Sets a pair's status from its two values: "ratio" where the method can score it. */
  private static void classify(Pair x, int y0) {
    if (x.now.value() == null) {
      x.status = "missing";
      x.note = "no value this year (" + (x.now.status() == null ? "not computed"
          : x.now.status().equals(".") ? "÷ 0" : "status " + x.now.status()) + ")";
    } else if (x.then == null || x.then.value() == null) {
      x.status = "no_previous";
      x.note = x.then == null ? "no figure of " + y0 + " for this region on these borders"
          : ":".equals(x.then.status()) ? "withheld in " + y0 + "'s release"
          : "no value in " + y0 + " (status " + x.then.status() + ")";
    } else {
      int s1 = x.now.value().signum();
      int s2 = x.then.value().signum();
      x.status = s1 == 0 && s2 == 0 ? "zero" : s1 == 0 ? "to_zero" : s2 == 0 ? "from_zero"
          : s1 != s2 ? "sign_change" : "ratio";
      if (x.status.equals("ratio") && s1 < 0) {
        x.note = "negative in both years: scored on the amounts";
      }
    }
  }

  private static String join(String a, String b) {
    return a == null ? b : a + "; " + b;
  }

  /** One stratum's method result, and the score a transition the ratio cannot see would get. */
  private record Bounds(Map<Pair, Scored> scored, Parameters p, double median, double em,
      double dq1, double dq3) {

    static Bounds of(List<Pair> pairs, OutlierSettings.Effective settings) {
      Parameters p = settings.parameters();
      List<Unit> units = new ArrayList<>();
      Map<String, Pair> byId = new HashMap<>();
      for (Pair x : pairs) {
        units.add(new Unit(x.now.region(), Math.abs(x.x1()), Math.abs(x.x2())));
        byId.put(x.now.region(), x);
      }
      HidiroglouBerthelot.Stratum s = HidiroglouBerthelot.stratum(units, p);
      Map<Pair, Scored> out = new HashMap<>();
      s.scored().forEach(sc -> out.put(byId.get(sc.unit().id()), sc));
      return new Bounds(out, p, s.medianRatio(), s.medianEffect(), s.dq1(), s.dq3());
    }

    Scored scored(Pair x) {
      return scored.get(x);
    }

    /** The score of a unit of {@code size} whose centred ratio is {@code s}. */
    double scoreOf(double s, double size) {
      double e = s * Math.pow(size, p.u());
      return e >= em ? (e - em) / (p.c() * dq3) : (em - e) / (p.c() * dq1);
    }
  }
}

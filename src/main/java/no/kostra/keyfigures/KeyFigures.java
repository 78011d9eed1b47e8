package no.kostra.keyfigures;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.sum;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import no.kostra.keyfigures.KeyFigureDefinitions.AggregateVersion;
import no.kostra.keyfigures.KeyFigureDefinitions.Indicator;
import no.kostra.reference.Classifications;
import no.kostra.reference.Classifications.Municipality;
import no.kostra.reference.Population;
import no.kostra.regnskap.RegnskapForms;
import no.kostra.schemas.SchemaDir;
import no.kostra.warehouse.Submissions;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;

/**
 * Stage 3: key figures per municipality and the national aggregate for one reporting year, from the
 * accounting rows in the warehouse and the population, as defined in data-schemas/indicators.
 *
 * <p>Numerators are summed in Spark; the division and rounding happen on exact decimals (a few
 * hundred regions), half away from zero. A municipality without a submission of the form an
 * indicator needs is published as missing ({@code ..}), never as zero; the aggregate sums the
 * numerators and denominators of the members that reported and divides (key-figures.md §6.2, §8).
 */
public final class KeyFigures {

  public static final String NATIONAL = "EAK";

  private final Warehouse warehouse;
  private final SchemaDir schemas;
  private int year;
  private Consumer<String> progress = message -> {};

  private KeyFigures(Warehouse warehouse, SchemaDir schemas) {
    this.warehouse = warehouse;
    this.schemas = schemas;
  }

  public static KeyFigures in(Warehouse warehouse, SchemaDir schemas) {
    return new KeyFigures(warehouse, schemas);
  }

  public KeyFigures year(int year) {
    this.year = year;
    return this;
  }

  /** Where to report the progress of the stage's steps (default: nowhere). */
  public KeyFigures progress(Consumer<String> progress) {
    this.progress = progress;
    return this;
  }

  public record Result(int year, List<String> indicators, List<Row> rows) {
    public long missing() {
      return rows.stream().filter(r -> "..".equals(r.getAs("status"))).count();
    }
  }

  /** Computes the year's key figures and replaces them in {@code key_figures}. */
  public Result run() {
    Result result = compute();
    String in = result.indicators().stream().map(i -> "'" + i + "'")
        .collect(Collectors.joining(","));
    warehouse.replace(warehouse.spark().createDataFrame(result.rows(), Tables.KEY_FIGURES_SCHEMA),
        Tables.KEY_FIGURES, "year = " + year + " AND indicator IN (" + in + ")");
    return result;
  }

  public Result compute() {
    KeyFigureDefinitions defs = KeyFigureDefinitions.load(schemas);
    RegnskapForms forms = RegnskapForms.load(schemas);
    Classifications classifications = Classifications.load(schemas);
    Population population = Population.load(schemas);
    List<Municipality> municipalities = classifications.municipalities(year);
    List<Indicator> indicators = defs.indicatorsFor(year);
    if (indicators.isEmpty()) {
      throw new IllegalStateException("no key figure is in force in " + year);
    }
    List<Row> rows = new ArrayList<>();
    for (Indicator indicator : indicators) {
      long t0 = System.nanoTime();
      var acc = indicator.numerator().accounts();
      String skjema = forms.scopeSkjema(acc.scope(), "kommune");
      Map<String, BigDecimal> numerators = accountNumerators(skjema,
          defs.aggregate(acc.aggregate(), year), defs.functions(acc.functionGroup(), year));
      // every region with a current submission has an entry (zero when no row is in scope)
      Set<String> reported = numerators.keySet();
      progress.accept(String.format("%s: numerators of %d regions with a current %s (%.1f s)",
          indicator.id(), reported.size(), skjema,
          (System.nanoTime() - t0) / 1e9));
      var pop = indicator.denominator().population();
      Map<String, Long> denominators =
          population.atEndOfYear(year, pop.ageFrom(), pop.ageTo(), classifications);

      BigDecimal sumNum = BigDecimal.ZERO;
      BigDecimal sumDen = BigDecimal.ZERO;
      int members = 0;
      for (Municipality m : municipalities) {
        BigDecimal den = BigDecimal.valueOf(denominators.getOrDefault(m.code(), 0L));
        if (!reported.contains(m.accountingRegion())) {
          rows.add(row(indicator, m.code(), m.name(), "kommune", null, den, null, null));
          continue;
        }
        // a submission without rows in these functions is a real zero
        BigDecimal num = numerators.getOrDefault(m.accountingRegion(), BigDecimal.ZERO);
        rows.add(row(indicator, m.code(), m.name(), "kommune", num, den, null, null));
        sumNum = sumNum.add(num);
        sumDen = sumDen.add(den);
        members++;
      }
      rows.add(row(indicator, NATIONAL, "Landet", "landet", members == 0 ? null : sumNum,
          members == 0 ? null : sumDen, members, municipalities.size()));
    }
    return new Result(year, indicators.stream().map(Indicator::id).toList(), rows);
  }

  private Row row(Indicator ind, String region, String name, String level, BigDecimal numerator,
      BigDecimal denominator, Integer reported, Integer expected) {
    BigDecimal value = null;
    String status = null;
    if (numerator == null || denominator == null || denominator.signum() == 0) {
      status = "..";
    } else {
      value = numerator.multiply(BigDecimal.valueOf(ind.scale()))
          .divide(denominator, ind.decimals(), RoundingMode.HALF_UP);
    }
    return new GenericRowWithSchema(new Object[] {year, region, name, level, ind.id(),
        value == null ? null : value.setScale(4, RoundingMode.UNNECESSARY),
        numerator == null ? null : numerator.setScale(4, RoundingMode.UNNECESSARY),
        denominator == null ? null : denominator.setScale(4, RoundingMode.UNNECESSARY),
        ind.unit(), ind.decimals(), status, reported, expected}, Tables.KEY_FIGURES_SCHEMA);
  }

  /**
   * The rows of the current submission of a skjema for the year: per unit (region, orgnr) the
   * annual submission received last among those the control rules did not reject. A rejected
   * resubmission does not erase accepted data, as the portal would not have taken it.
   */
  private Dataset<Row> currentRows(String skjema) {
    Dataset<Row> current = Submissions.current(warehouse, skjema)
        .where(col("aargang").equalTo(year))
        .select(col("submission_id").as("current_submission"));
    return warehouse.readOrEmpty(Tables.REGNSKAP, Tables.REGNSKAP_SCHEMA)
        .where(col("aargang").equalTo(year).and(col("kvartal").isNull())
            .and(col("skjema").equalTo(skjema)))
        .join(current, col("file_sha256").equalTo(col("current_submission")), "left_semi");
  }

  /**
   * Σ sign × normalised amount per region over the aggregate's arts and the given functions, for
   * every region with a current submission of the skjema (one pass over the year's rows).
   */
  private Map<String, BigDecimal> accountNumerators(String skjema, AggregateVersion aggregate,
      List<String> functions) {
    List<Row> terms = aggregate.signByArt().entrySet().stream()
        .map(e -> RowFactory.create(e.getKey(), e.getValue())).toList();
    var termSchema = new org.apache.spark.sql.types.StructType()
        .add("term_art", org.apache.spark.sql.types.DataTypes.IntegerType)
        .add("sign", org.apache.spark.sql.types.DataTypes.IntegerType);
    Dataset<Row> signs = warehouse.spark().createDataFrame(terms, termSchema);
    Dataset<Row> amounts = currentRows(skjema)
        .withColumn("in_scope", col("kontotype").equalTo(aggregate.kontotype())
            .and(col("funksjon").isin(functions.toArray())))
        .withColumn("art_code", expr("try_cast(art AS INT)"))
        .join(org.apache.spark.sql.functions.broadcast(signs), col("art_code")
            .equalTo(col("term_art")).and(col("in_scope")), "left")
        // normalised amount: income arts (600-999) turned positive, as SSB's definitions read
        .withColumn("contribution", expr("CASE WHEN sign IS NULL THEN 0L "
            + "WHEN art_code >= 600 THEN -CAST(sign AS BIGINT) * belop "
            + "ELSE CAST(sign AS BIGINT) * belop END"))
        .groupBy("region")
        .agg(sum("contribution").as("numerator"));
    Map<String, BigDecimal> result = new HashMap<>();
    for (Row r : amounts.collectAsList()) {
      result.put(r.getString(0), BigDecimal.valueOf(r.getLong(1)));
    }
    return result;
  }
}

package no.kostra.csvforms;

import static org.apache.spark.sql.functions.col;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import no.kostra.reference.Classifications;
import no.kostra.schemas.SchemaDir;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The national guideline rate (classifications/benefit-guideline-rates.csv) of each skjema 12
 * post's household type, per year: what the skjema 12 rules and the key figures compare a
 * municipality's rates with.
 */
public final class GuidelineRates {

  private GuidelineRates() {}

  /** Columns g_year, g_post, guideline (NOK per month), guideline_placeholder. */
  public static Dataset<Row> byPost(SparkSession spark, SchemaDir schemas, CsvForms forms,
      Collection<Integer> years) {
    List<Row> rates = new ArrayList<>();
    Classifications.readCsv(schemas.resolve("classifications/benefit-guideline-rates.csv"), r ->
        rates.add(RowFactory.create(Integer.parseInt(r.get("year")), r.get("category"),
            new BigDecimal(r.get("nok_per_month")), Boolean.parseBoolean(r.get("placeholder")))));
    List<Row> postCategory = new ArrayList<>();
    for (int year : years) {
      for (CsvForms.Post p : forms.form("12").version(year).posts()) {
        if (p.guideline() != null) {
          postCategory.add(RowFactory.create(year, p.post(), p.guideline()));
        }
      }
    }
    Dataset<Row> categories = spark.createDataFrame(postCategory, new StructType()
        .add("g_year", DataTypes.IntegerType).add("g_post", DataTypes.StringType)
        .add("category", DataTypes.StringType));
    Dataset<Row> byCategory = spark.createDataFrame(rates, new StructType()
        .add("r_year", DataTypes.IntegerType).add("r_category", DataTypes.StringType)
        .add("guideline", CsvForms.VALUE_TYPE).add("guideline_placeholder", DataTypes.BooleanType));
    return categories.join(byCategory, col("g_year").equalTo(col("r_year"))
        .and(col("category").equalTo(col("r_category")))).select("g_year", "g_post", "guideline",
        "guideline_placeholder");
  }
}

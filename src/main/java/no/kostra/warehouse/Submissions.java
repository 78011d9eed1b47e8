package no.kostra.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.row_number;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/** Which submission counts, for every form: the rule the computation and the cross-form checks share. */
public final class Submissions {

  private Submissions() {}

  /**
   * The current submission of a skjema per (year, region, orgnr): the annual submission received
   * last among those the control rules did not reject. A rejected resubmission does not erase
   * accepted data, as the portal would not have taken it. Columns: submission_id, aargang, region,
   * orgnr.
   */
  public static Dataset<Row> current(Warehouse warehouse, String skjema) {
    return current(warehouse, java.util.List.of(skjema)).drop("skjema");
  }

  /** {@link #current(Warehouse, String)} for several forms in one pass; adds the column skjema. */
  public static Dataset<Row> current(Warehouse warehouse, java.util.Collection<String> skjemas) {
    return current(warehouse.readOrEmpty(Tables.SUBMISSIONS, Tables.SUBMISSIONS_SCHEMA), skjemas);
  }

  /** The same over a given state of the submissions table (e.g. an earlier Delta version). */
  public static Dataset<Row> current(Dataset<Row> submissions,
      java.util.Collection<String> skjemas) {
    return submissions
        .where(col("kvartal").isNull().and(col("skjema").isin(skjemas.toArray()))
            .and(col("status").notEqual("rejected")))
        .withColumn("rank", row_number().over(Window
            .partitionBy(col("skjema"), col("aargang"), col("region"), expr("coalesce(orgnr, '')"))
            .orderBy(desc("received_at"), desc("source_file"))))
        .where(col("rank").equalTo(1))
        .select("submission_id", "skjema", "aargang", "region", "orgnr");
  }
}

package no.kostra.edit;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Editing, step 2: what the statistician decided about a candidate (a region's variable of a
 * year) or about a WARNING finding of a submission, with who, when and why. {@code
 * edit_decisions} is append-only (a Delta table: its history is the audit trail); the latest
 * decision per item counts.
 */
public final class Decisions {

  public static final String TABLE = Tables.EDIT_DECISIONS;

  public static final Set<String> KINDS = Set.of("accepted", "queried", "corrected");

  public static final StructType SCHEMA = new StructType()
      .add("item", DataTypes.StringType, false) // candidate | finding
      .add("year", DataTypes.IntegerType, false)
      .add("region", DataTypes.StringType, false)
      .add("variable", DataTypes.StringType, false) // the variable, or a finding's rule id
      .add("submission_id", DataTypes.StringType, true) // a finding's submission
      .add("decision", DataTypes.StringType, false)
      .add("reason", DataTypes.StringType, false)
      .add("decided_by", DataTypes.StringType, false)
      .add("decided_at", DataTypes.TimestampType, false);

  /** One decision, the latest of its item. */
  public record Decision(String item, int year, String region, String variable,
      String submissionId, String decision, String reason, String decidedBy, Instant decidedAt) {

    String key() {
      return key(item, region, variable, submissionId);
    }

    static String key(String item, String region, String variable, String submissionId) {
      // a finding is its submission's (the region is the submission's own)
      return item + "|" + ("finding".equals(item) ? "" : region) + "|" + variable + "|"
          + (submissionId == null ? "" : submissionId);
    }
  }

  private Decisions() {}

  /** Appends one decision (the caller has checked that its item exists). */
  public static Decision record(Warehouse warehouse, Decision d) {
    if (!KINDS.contains(d.decision())) {
      throw new IllegalArgumentException("--decision: " + d.decision() + " is not one of "
          + "accepted, queried, corrected");
    }
    if (d.reason() == null || d.reason().isBlank()) {
      throw new IllegalArgumentException("--reason: say why (it is what a reader of the "
          + "published figure will be told)");
    }
    Row row = RowFactory.create(d.item(), d.year(), d.region(), d.variable(), d.submissionId(),
        d.decision(), d.reason(), d.decidedBy(), Timestamp.from(d.decidedAt()));
    warehouse.append(warehouse.spark().createDataFrame(List.of(row), SCHEMA), TABLE);
    return d;
  }

  /** The latest decision per item of a year, by {@link Decision#key()}. */
  public static Map<String, Decision> latest(Warehouse warehouse, int year) {
    Map<String, Decision> out = new HashMap<>();
    if (!warehouse.exists(TABLE)) {
      return out;
    }
    for (Row r : warehouse.read(TABLE).where(col("year").equalTo(year))
        .orderBy(col("decided_at"), col("decision"), col("reason")).collectAsList()) {
      Decision d = new Decision(r.getString(0), r.getInt(1), r.getString(2), r.getString(3),
          r.getString(4), r.getString(5), r.getString(6), r.getString(7),
          r.getTimestamp(8).toInstant());
      out.put(d.key(), d); // later rows replace earlier ones
    }
    return out;
  }

  /** Counts of a year's candidates at or above the threshold: decided (by kind) and open. */
  public record Summary(int year, long candidates, long open, Map<String, Long> decided) {

    public String line() {
      return String.format("editing %d: %d candidates, %d decided (%d accepted, %d queried, %d "
          + "corrected), %d open", year, candidates, candidates - open,
          decided.getOrDefault("accepted", 0L), decided.getOrDefault("queried", 0L),
          decided.getOrDefault("corrected", 0L), open);
    }
  }

  /** The year's editing status; null when {@code outliers} has not been run for it. */
  public static Summary summary(Warehouse warehouse, int year) {
    if (!warehouse.exists(Outliers.TABLE)) {
      return null;
    }
    List<Row> candidates = warehouse.read(Outliers.TABLE)
        .where(col("year").equalTo(year).and(col("candidate")))
        .select("region", "variable").collectAsList();
    if (candidates.isEmpty() && warehouse.read(Outliers.TABLE).where(col("year").equalTo(year))
        .isEmpty()) {
      return null;
    }
    Map<String, Decision> latest = latest(warehouse, year);
    Map<String, Long> decided = new java.util.TreeMap<>();
    long open = 0;
    for (Row r : candidates) {
      Decision d = latest.get(Decision.key("candidate", r.getString(0), r.getString(1), null));
      if (d == null) {
        open++;
      } else {
        decided.merge(d.decision(), 1L, Long::sum);
      }
    }
    return new Summary(year, candidates.size(), open, decided);
  }
}

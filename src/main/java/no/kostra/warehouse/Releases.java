package no.kostra.warehouse;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;

import java.util.Optional;

/** Which release is the one to read for a year: what editing and {@code explain} both ask. */
public final class Releases {

  private Releases() {}

  /** The newest release that published {@code year} (by creation, then id), if any. */
  public static Optional<String> newestOf(Warehouse warehouse, int year) {
    if (!warehouse.exists(Tables.RELEASES)) {
      return Optional.empty();
    }
    return warehouse.read(Tables.RELEASES).where(array_contains(col("years"), year))
        .orderBy(col("created_at").desc(), col("release_id").desc()).limit(1)
        .select("release_id").collectAsList().stream().map(r -> r.getString(0)).findFirst();
  }
}

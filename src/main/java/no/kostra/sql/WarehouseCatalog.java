package no.kostra.sql;

import java.util.ArrayList;
import java.util.List;
import no.kostra.release.Publication;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.SparkSession;

/**
 * The warehouse's tables by name in database {@code kostra}, for analysts' SQL (the JDBC server
 * and {@code bin/kostra sql}). The pipeline's tables are Delta tables at their location, so Delta
 * time travel works by name ({@code SELECT … FROM kostra.key_figures VERSION AS OF 3}); the
 * published releases ({@code releases}, {@code published_key_figures}, {@code revisions}) are
 * views, which SQL cannot write to; {@code key_figures_level1/2/3} are the published levels.
 *
 * <p>The catalog is Spark's in-memory one: nothing is stored outside the warehouse and no Derby
 * metastore is shared, so the pipeline can run beside a server (each reads and commits Delta
 * tables on its own); a table created after registration appears at the next {@link #register}.
 */
public final class WarehouseCatalog {

  public static final String DATABASE = "kostra";
  /** Published and immutable: registered as views (read-only). */
  public static final List<String> PUBLISHED = List.of(Publication.RELEASES, Publication.PUBLISHED,
      "revisions");

  private WarehouseCatalog() {}

  /** Registers every table of the warehouse in {@code kostra}; returns the names, views included. */
  public static List<String> register(Warehouse warehouse) {
    SparkSession spark = warehouse.spark();
    // the database holds no data of its own (external tables and views): its folder is a
    // temporary one, not spark-warehouse/ in the working directory
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kostra-sql");
      dir.toFile().deleteOnExit();
      spark.sql("CREATE DATABASE IF NOT EXISTS " + DATABASE + " LOCATION '"
          + dir.toUri().toString().replace("'", "\\'") + "'");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<String> names = new ArrayList<>();
    for (String table : warehouse.tableNames()) {
      String name = DATABASE + "." + table;
      String location = warehouse.location(table).replace("`", "``");
      spark.sql("DROP VIEW IF EXISTS " + name);
      spark.sql("DROP TABLE IF EXISTS " + name); // an external table: the data stay
      if (PUBLISHED.contains(table)) {
        spark.sql("CREATE VIEW " + name + " AS SELECT * FROM delta.`" + location + "`");
      } else {
        spark.sql("CREATE TABLE " + name + " USING delta LOCATION '"
            + location.replace("'", "\\'") + "'");
      }
      names.add(table);
    }
    if (names.contains(Tables.KEY_FIGURES)) {
      for (int level = 1; level <= 3; level++) {
        String view = Tables.KEY_FIGURES + "_level" + level;
        spark.sql("CREATE OR REPLACE VIEW " + DATABASE + "." + view + " AS "
            + Warehouse.levelViewSql(level, DATABASE + "." + Tables.KEY_FIGURES));
        names.add(view);
      }
    }
    return names;
  }
}

package no.kostra.sql;

import java.util.ArrayList;
import java.util.List;
import no.kostra.release.Publication;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The warehouse's tables by name in database {@code kostra}, for SQL (the JDBC server,
 * {@code bin/kostra sql}, notebooks). Two ways in:
 * <ul>
 *   <li>{@link Access#PUBLISHED}, the analysts' default: what the releases made public and
 *       nothing else. {@code key_figures} is a view of each year's newest release as published
 *       ({@code :} where withheld), {@code key_figures_level1/2/3} its published levels, beside
 *       {@code releases}, {@code published_key_figures}, {@code revisions} and the public reference
 *       tables (regions, population, function chart). No record, submission or unprotected figure.
 *   <li>{@link Access#INTERNAL}, for statisticians who edit the data (an explicit option, stated
 *       at start-up): every table, {@code key_figures} being the unprotected figures (small counts
 *       included) and the records of 11F/11CF pseudonymised, but person-level.
 * </ul>
 * Tables are Delta tables at their location, so Delta time travel works by name
 * ({@code SELECT … FROM kostra.regnskap VERSION AS OF 3}); published releases are views, which
 * SQL cannot write to.
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
  /** Public reference data: classifications and population, as SSB publishes them. */
  public static final List<String> REFERENCE = List.of("regions", "population",
      "population_bands", "function_chart", "function_changes", "function_mapping",
      "municipality_mapping");

  /** Who is reading: the public release only, or every internal table. */
  public enum Access {
    PUBLISHED, INTERNAL;

    /** The line a server or prompt states at start-up. */
    public String statement() {
      return this == PUBLISHED
          ? "published release tables only (key_figures = each year's newest release, withheld "
              + "cells ':'); internal tables need --internal"
          : "INTERNAL tables for statisticians: unprotected key figures (small counts included), "
              + "submissions and person-level records; not for publication";
    }
  }

  private WarehouseCatalog() {}

  /** The analysts' catalog: {@link Access#PUBLISHED}. */
  public static List<String> register(Warehouse warehouse) {
    return register(warehouse, Access.PUBLISHED);
  }

  /** Registers the tables {@code access} allows in {@code kostra}; returns the names, views included. */
  public static List<String> register(Warehouse warehouse, Access access) {
    SparkSession spark = warehouse.spark();
    // the database holds no data of its own (external tables and views): its folder is a
    // temporary one, not spark-warehouse/ in the working directory
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kostra-sql");
      dir.toFile().deleteOnExit();
      spark.sql("CREATE DATABASE IF NOT EXISTS " + DATABASE + " LOCATION "
          + no.kostra.warehouse.Sql.literal(dir.toUri().toString()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // what an earlier registration in this session left (another access, another warehouse)
    for (Row t : spark.sql("SHOW TABLES IN " + DATABASE).collectAsList()) {
      String name = DATABASE + "." + t.getAs("tableName");
      spark.sql("DROP VIEW IF EXISTS " + name);
      if (spark.catalog().tableExists(name)) {
        spark.sql("DROP TABLE " + name); // external: the data stay
      }
    }
    List<String> names = new ArrayList<>();
    for (String table : warehouse.tableNames()) {
      boolean published = PUBLISHED.contains(table);
      if (access == Access.PUBLISHED && !published && !REFERENCE.contains(table)) {
        continue;
      }
      String name = DATABASE + "." + table;
      String location = warehouse.location(table).replace("`", "``");
      if (published || access == Access.PUBLISHED) {
        spark.sql("CREATE VIEW " + name + " AS SELECT * FROM delta.`" + location + "`");
      } else {
        spark.sql("CREATE TABLE " + name + " USING delta LOCATION "
            + no.kostra.warehouse.Sql.literal(location));
      }
      names.add(table);
    }
    String keyFigures = null;
    if (access == Access.INTERNAL && names.contains(Tables.KEY_FIGURES)) {
      keyFigures = DATABASE + "." + Tables.KEY_FIGURES;
    } else if (access == Access.PUBLISHED && names.contains(Publication.PUBLISHED)
        && names.contains(Publication.RELEASES)) {
      // each year as its newest release published it
      spark.sql("CREATE VIEW " + DATABASE + "." + Tables.KEY_FIGURES + " AS SELECT p.* FROM "
          + DATABASE + "." + Publication.PUBLISHED + " p JOIN (SELECT year, max_by(release_id, "
          + "struct(created_at, release_id)) AS release_id FROM (SELECT explode(years) AS year, "
          + "release_id, created_at FROM " + DATABASE + "." + Publication.RELEASES + ") GROUP BY "
          + "year) n ON p.year = n.year AND p.release_id = n.release_id");
      names.add(Tables.KEY_FIGURES);
      keyFigures = DATABASE + "." + Tables.KEY_FIGURES;
    }
    if (keyFigures != null) {
      for (int level = 1; level <= 3; level++) {
        String view = Tables.KEY_FIGURES + "_level" + level;
        spark.sql("CREATE OR REPLACE VIEW " + DATABASE + "." + view + " AS "
            + Warehouse.levelViewSql(level, keyFigures));
        names.add(view);
      }
    }
    return names;
  }
}

package no.kostra.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import no.kostra.EndToEnd;
import no.kostra.TestBase;
import no.kostra.warehouse.Warehouse;
import org.junit.jupiter.api.Test;

/**
 * The JDBC server: the analysts see the published release (withheld cells as ':') and nothing
 * internal; statisticians get every table with Delta time travel; published releases read-only.
 */
@EndToEnd
class SqlServerTest extends TestBase {

  @Test
  void analystsSeeThePublishedReleaseAndStatisticiansEveryTable() throws Exception {
    Warehouse wh = warehouse(tempDir("sql-server"));
    // the unprotected figures (two versions): Utsira's 2 recipients are a small count
    session().sql("SELECT 2025 AS year, 2025 AS structure_year, '4601' AS region, 'Bergen' AS "
        + "region_name, 'kommune' AS region_level, 'antall_mottakere' AS indicator, 1 AS level, "
        + "CAST(7795 AS DECIMAL(38,10)) AS value, 0 AS decimals, CAST(NULL AS STRING) AS status, "
        + "'personer' AS unit, CAST(NULL AS STRING) AS flags").write().format("delta")
        .save(wh.path("key_figures"));
    session().sql("SELECT 2025 AS year, 2025 AS structure_year, '1151' AS region, 'Utsira' AS "
        + "region_name, 'kommune' AS region_level, 'antall_mottakere' AS indicator, 1 AS level, "
        + "CAST(2 AS DECIMAL(38,10)) AS value, 0 AS decimals, CAST(NULL AS STRING) AS status, "
        + "'personer' AS unit, CAST(NULL AS STRING) AS flags").write().format("delta")
        .mode("append").save(wh.path("key_figures"));
    // person-level records: internal
    session().sql("SELECT '1151' AS region, 'pseudonym' AS person").write().format("delta")
        .save(wh.path("sosialhjelp"));
    // two releases of 2025: the newest is what analysts read as key_figures
    session().sql("SELECT * FROM VALUES ('2025-preliminary-a', 'preliminary', array(2025), "
        + "TIMESTAMP '2026-03-15 08:00:00'), ('2025-final-b', 'final', array(2025), "
        + "TIMESTAMP '2026-06-15 08:00:00') AS t(release_id, kind, years, created_at)").write()
        .format("delta").save(wh.path("releases"));
    session().sql("SELECT * FROM VALUES "
        + "(2025, 2025, '4601', 'Bergen', 'kommune', 'antall_mottakere', 1, "
        + "CAST(7700 AS DECIMAL(38,10)), 0, CAST(NULL AS STRING), 'personer', "
        + "CAST(NULL AS STRING), '2025-preliminary-a'), "
        + "(2025, 2025, '4601', 'Bergen', 'kommune', 'antall_mottakere', 1, "
        + "CAST(7795 AS DECIMAL(38,10)), 0, CAST(NULL AS STRING), 'personer', "
        + "CAST(NULL AS STRING), '2025-final-b'), "
        + "(2025, 2025, '1151', 'Utsira', 'kommune', 'antall_mottakere', 1, "
        + "CAST(NULL AS DECIMAL(38,10)), 0, ':', 'personer', CAST(NULL AS STRING), "
        + "'2025-final-b') AS t(year, structure_year, region, region_name, region_level, "
        + "indicator, level, value, decimals, status, unit, flags, release_id)").write()
        .format("delta").save(wh.path("published_key_figures"));

    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (SqlServer server = SqlServer.start(wh, port)) {
      assertEquals("jdbc:hive2://127.0.0.1:" + port + "/kostra", server.jdbcUrl());
      assertFalse(server.tables().contains("sosialhjelp"), server.tables().toString());
      try (Connection c = DriverManager.getConnection(server.jdbcUrl(), "analyst", "");
          Statement s = c.createStatement()) {
        // key_figures is the newest release as published: Utsira withheld, not its 2
        assertEquals(List.of("1151 : null", "4601 null 7795"), rows(s, "SELECT region, status, "
            + "CAST(value AS INT) FROM key_figures ORDER BY region"));
        assertEquals(List.of("4601 7795"), rows(s, "SELECT region, CAST(value AS INT) FROM "
            + "key_figures_level1 WHERE status IS NULL"));
        assertEquals(List.of("2"), rows(s, "SELECT count(*) FROM releases"));
        // nothing internal: no records, no unprotected figure
        assertThrows(SQLException.class, () -> rows(s, "SELECT * FROM sosialhjelp"));
        assertEquals(List.of("0"), rows(s, "SELECT count(*) FROM key_figures WHERE value = 2"));
        // a published release cannot be changed through SQL
        assertThrows(SQLException.class,
            () -> s.execute("INSERT INTO releases VALUES ('x', 'final', array(2025), "
                + "current_timestamp())"));
        assertEquals(List.of("2"), rows(s, "SELECT count(*) FROM releases"));
      }
    }
    // the statisticians' catalog (bin/kostra sql --internal): every table, Delta time travel
    WarehouseCatalog.register(wh, WarehouseCatalog.Access.INTERNAL);
    assertEquals(List.of("[1151,2]", "[4601,7795]"), session().sql("SELECT region, CAST(value "
        + "AS INT) FROM kostra.key_figures ORDER BY region").collectAsList().stream()
        .map(Object::toString).toList());
    assertEquals(List.of("[4601]"), session().sql("SELECT region FROM kostra.key_figures "
        + "VERSION AS OF 0").collectAsList().stream().map(Object::toString).toList());
    assertEquals(1L, session().sql("SELECT * FROM kostra.sosialhjelp").count());
  }

  private static List<String> rows(Statement s, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet r = s.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<String> fields = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          fields.add(String.valueOf(r.getString(i)));
        }
        out.add(String.join(" ", fields));
      }
    }
    return out;
  }
}

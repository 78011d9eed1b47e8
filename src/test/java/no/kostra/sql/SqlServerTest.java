package no.kostra.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import no.kostra.TestBase;
import no.kostra.warehouse.Warehouse;
import org.junit.jupiter.api.Test;

/** The JDBC server: tables by name, Delta time travel, published releases read-only. */
class SqlServerTest extends TestBase {

  @Test
  void aJdbcClientQueriesTheWarehouseAndTravelsInTime() throws Exception {
    Warehouse wh = warehouse(tempDir("sql-server"));
    // two versions of key_figures and a published release
    session().sql("SELECT 2025 AS year, 2025 AS structure_year, '4601' AS region, 'Bergen' AS "
        + "region_name, 'kommune' AS region_level, 'antall_mottakere' AS indicator, 1 AS level, "
        + "CAST(7795 AS DECIMAL(38,10)) AS value, 0 AS decimals, CAST(NULL AS STRING) AS status, "
        + "'personer' AS unit, CAST(NULL AS STRING) AS flags").write().format("delta")
        .save(wh.path("key_figures"));
    session().sql("SELECT 2025 AS year, 2025 AS structure_year, '1151' AS region, 'Utsira' AS "
        + "region_name, 'kommune' AS region_level, 'antall_mottakere' AS indicator, 1 AS level, "
        + "CAST(NULL AS DECIMAL(38,10)) AS value, 0 AS decimals, ':' AS status, "
        + "'personer' AS unit, CAST(NULL AS STRING) AS flags").write().format("delta")
        .mode("append").save(wh.path("key_figures"));
    session().sql("SELECT '2025-final-abc' AS release_id, 'final' AS kind").write()
        .format("delta").save(wh.path("releases"));

    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (SqlServer server = SqlServer.start(wh, port)) {
      assertEquals("jdbc:hive2://127.0.0.1:" + port + "/kostra", server.jdbcUrl());
      try (Connection c = DriverManager.getConnection(server.jdbcUrl(), "analyst", "");
          Statement s = c.createStatement()) {
        assertEquals(List.of("1151 : null", "4601 null 7795"), rows(s, "SELECT region, status, "
            + "CAST(value AS INT) FROM key_figures ORDER BY region"));
        // Delta time travel by name: version 0 had Bergen only
        assertEquals(List.of("4601"), rows(s, "SELECT region FROM kostra.key_figures "
            + "VERSION AS OF 0"));
        assertEquals(List.of("4601 7795"), rows(s, "SELECT region, CAST(value AS INT) FROM "
            + "key_figures_level1 WHERE status IS NULL"));
        assertEquals(List.of("2025-final-abc final"), rows(s, "SELECT * FROM releases"));
        // a published release cannot be changed through SQL
        assertThrows(SQLException.class,
            () -> s.execute("INSERT INTO releases VALUES ('x', 'final')"));
        assertEquals(List.of("1"), rows(s, "SELECT count(*) FROM releases"));
      }
    }
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

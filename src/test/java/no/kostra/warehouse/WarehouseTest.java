package no.kostra.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import no.kostra.TestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class WarehouseTest extends TestBase {

  private static final StructType WIDE = new StructType()
      .add("aargang", DataTypes.IntegerType).add("region", DataTypes.StringType)
      .add("belop", DataTypes.IntegerType).add("note", DataTypes.StringType)
      .add("ingest_id", DataTypes.StringType);

  @Test
  void aNewTableKeepsStatisticsOnlyForTheColumnsTablesAreFilteredBy() {
    Warehouse wh = warehouse(tempDir("stats"));
    Dataset<Row> rows = spark().createDataFrame(List.of(row(2025, "4601", 12, "x", "run-1"),
        row(2025, "1151", -3, null, "run-1")), WIDE);
    wh.append(rows, "wide");
    wh.appendWithNewColumns(rows, "wide_evolving");
    for (String table : List.of("wide", "wide_evolving")) {
      Map<String, String> properties = DeltaTable.forPath(spark(), wh.path(table)).detail()
          .select("properties").first().getJavaMap(0);
      assertEquals("aargang,region,ingest_id", properties.get("delta.dataSkippingStatsColumns"),
          table);
      // the file's statistics name those columns and no other
      String stats = String.join("\n", spark().read().json(wh.path(table) + "/_delta_log/*.json")
          .where("add IS NOT NULL").selectExpr("add.stats").as(
              org.apache.spark.sql.Encoders.STRING()).collectAsList());
      org.junit.jupiter.api.Assertions.assertTrue(stats.contains("\"region\":\"1151\""), stats);
      org.junit.jupiter.api.Assertions.assertTrue(!stats.contains("belop") && !stats.contains("note"), stats);
    }
    // one commit: the properties come with the first rows
    assertEquals(0L, DeltaTable.forPath(spark(), wh.path("wide")).history(1).select("version")
        .first().getLong(0));
  }
}

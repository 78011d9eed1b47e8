package no.kostra.sql;

import java.util.List;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;

/**
 * A Spark Thrift server (HiveServer2 protocol) over the warehouse, bound to 127.0.0.1: any JDBC
 * client (beeline, DBeaver, Java's {@code DriverManager} with Hive's driver) connects to
 * {@code jdbc:hive2://127.0.0.1:<port>/kostra} and sees the tables {@link WarehouseCatalog}
 * registers: the published release by default, every internal table only when started with
 * {@link WarehouseCatalog.Access#INTERNAL}. Each connection gets its own Spark session over the
 * shared catalog; the server runs in the process that started it until {@link #close}.
 */
public final class SqlServer implements AutoCloseable {

  private final HiveThriftServer2 server;
  private final int port;
  private final List<String> tables;

  private SqlServer(HiveThriftServer2 server, int port, List<String> tables) {
    this.server = server;
    this.port = port;
    this.tables = tables;
  }

  /** The analysts' server: the published release tables on 127.0.0.1:{@code port}. */
  public static SqlServer start(Warehouse warehouse, int port) {
    return start(warehouse, port, WarehouseCatalog.Access.PUBLISHED);
  }

  /** Registers the tables {@code access} allows and starts listening on 127.0.0.1:{@code port}. */
  public static SqlServer start(Warehouse warehouse, int port, WarehouseCatalog.Access access) {
    // the server's own Hive session state keeps a throw-away Derby database: its log goes to
    // the temporary folder, not derby.log in the working directory
    System.setProperty("derby.stream.error.file", System.getProperty("java.io.tmpdir")
        + "/kostra-sql-derby.log");
    List<String> tables = WarehouseCatalog.register(warehouse, access);
    SparkSession spark = warehouse.spark();
    // read by the server from the session's configuration when it starts
    spark.conf().set("hive.server2.thrift.bind.host", "127.0.0.1");
    spark.conf().set("hive.server2.thrift.port", Integer.toString(port));
    spark.conf().set("hive.server2.transport.mode", "binary");
    // Hive's own web UI is not needed (and would open another port)
    spark.conf().set("hive.server2.webui.port", "0");
    HiveThriftServer2 server = HiveThriftServer2.startWithContext(spark.sqlContext());
    return new SqlServer(server, port, tables);
  }

  public String jdbcUrl() {
    return "jdbc:hive2://127.0.0.1:" + port + "/" + WarehouseCatalog.DATABASE;
  }

  public List<String> tables() {
    return tables;
  }

  @Override
  public void close() {
    server.stop();
  }
}

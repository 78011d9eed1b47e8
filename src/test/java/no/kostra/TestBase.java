package no.kostra;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import no.kostra.schemas.SchemaDir;
import no.kostra.spark.KostraSession;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the Spark tests: one local session for the whole test JVM (spark-testing-base's shared
 * context, configured like the pipeline's own session), a fresh warehouse folder per test class and
 * {@code sql(...)} / {@code row(...)} helpers.
 */
public abstract class TestBase extends JavaDataFrameSuiteBase {

  private static final SparkConf CONF = KostraSession.conf("local[2]", 2)
      .set("spark.default.parallelism", "2");

  @Override
  public SparkConf conf() {
    return CONF;
  }

  /** The pipeline needs no Hive metastore; without it no Derby database is created. */
  @Override
  public boolean enableHiveSupport() {
    return false;
  }

  @BeforeEach
  public void startSpark() {
    runBefore();
  }

  /** The temporary folders this class made ({@link #tempDir}): removed when the class ends. */
  private static final List<Path> TEMP_DIRS = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterAll
  public static void keepSparkForOtherClassesButRemoveTheirFolders() {
    // deliberately not runAfterClass(): the session is shared by every test class of the JVM
    for (Path dir : TEMP_DIRS) {
      deleteRecursively(dir);
    }
    TEMP_DIRS.clear();
  }

  /** Best effort: a file Spark still holds open is left for the OS's temporary-file cleaning. */
  protected static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // left behind; the next run does not read it (every folder has a new random name)
    }
  }

  protected static final SchemaDir SCHEMAS = SchemaDir.locate();

  protected SparkSession session() {
    return spark();
  }

  protected static Path tempDir(String prefix) {
    try {
      Path dir = Files.createTempDirectory("kostra-" + prefix);
      TEMP_DIRS.add(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected Warehouse warehouse(Path dir) {
    return Warehouse.at(spark(), dir.toString());
  }

  /** Runs SQL over the warehouse's tables (registered by name) and returns the rows. */
  protected List<Row> sql(Warehouse warehouse, String query) {
    warehouse.registerViewsFor(query);
    return spark().sql(query).collectAsList();
  }

  protected static Row row(Object... values) {
    return RowFactory.create(values);
  }

  protected static List<Row> rows(Row... rows) {
    return Arrays.asList(rows);
  }

  protected static Path fixture(String name) {
    return Path.of("src/test/resources/fixtures", name);
  }
}

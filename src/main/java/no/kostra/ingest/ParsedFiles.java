package no.kostra.ingest;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.kostra.warehouse.Tables;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Stage 1 of every form, the part they share: the files are read and parsed on the executors (one
 * task reads several whole files through the Hadoop file system, so local folders, HDFS and object
 * stores work alike) in one pass that yields each file's table rows, rejected lines, summary
 * ({@link Tables#INGESTED_FILES_SCHEMA}) and form-specific extras. The result is kept until
 * {@link #close}: the summaries decide which files are new ({@link IngestRun.Selection}), and only
 * those files' rows are written. A file whose submission hash is already known (declaration from
 * its name + bytes, {@link Hasher}) is not parsed at all: a rerun with nothing new only reads and
 * hashes the files.
 */
public final class ParsedFiles implements AutoCloseable {

  private static final String REJECTED = "\u0000rejected";
  private static final String SUMMARY = "\u0000summary";
  private static final String EXTRA = "\u0000extra";
  private static final String KNOWN = "\u0000known";

  /** What a form's parser makes of one file. */
  public record ParsedFile(Map<String, List<Row>> rowsByTable, List<Row> rejected, Row summary,
      List<Row> extras) {}

  /** A form's parser: path (as shown in lineage) and bytes of one file. Runs on the executors. */
  @FunctionalInterface
  public interface Parser extends Serializable {
    ParsedFile parse(String file, byte[] bytes) throws Exception;
  }

  /**
   * A form's submission hash of a file without parsing it (the same as its parser's summary
   * gives), or null where only parsing can tell (a declaration the name does not hold).
   */
  @FunctionalInterface
  public interface Hasher extends Serializable {
    String hash(String file, byte[] bytes);
  }

  private final JavaSparkContext jsc;
  private final JavaRDD<Tuple2<String, Row>> parsed;
  private Broadcast<Set<String>> keep;

  private ParsedFiles(JavaSparkContext jsc, JavaRDD<Tuple2<String, Row>> parsed) {
    this.jsc = jsc;
    this.parsed = parsed;
  }

  /** Parses every file whose hash is not in {@code known} ({@link #known}: the others). */
  public static ParsedFiles parse(SparkSession spark, List<String> files, Hasher hasher,
      Set<String> known, Parser parser) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Set<String>> knownHashes = jsc.broadcast(new HashSet<>(known));
    JavaRDD<Tuple2<String, Row>> parsed = jsc.parallelize(files,
            IngestFiles.partitions(jsc, files.size()))
        .flatMap(file -> {
          String name = IngestFiles.displayName(file);
          // a file that cannot be read was rejected whole when it was recognised: no bytes
          byte[] bytes = IngestFiles.readable(file) ? IngestFiles.readFully(file) : new byte[0];
          List<Tuple2<String, Row>> out = new ArrayList<>();
          String hash = hasher.hash(name, bytes);
          if (hash != null && knownHashes.value().contains(hash)) {
            out.add(new Tuple2<>(KNOWN, RowFactory.create(name, hash)));
            return out.iterator();
          }
          ParsedFile result = parser.parse(name, bytes);
          result.rowsByTable().forEach((table, rows) ->
              rows.forEach(r -> out.add(new Tuple2<>(table, r))));
          result.rejected().forEach(r -> out.add(new Tuple2<>(REJECTED, r)));
          result.extras().forEach(r -> out.add(new Tuple2<>(EXTRA, r)));
          out.add(new Tuple2<>(SUMMARY, result.summary()));
          return out.iterator();
        })
        .persist(StorageLevel.MEMORY_AND_DISK());
    return new ParsedFiles(jsc, parsed);
  }

  /** One summary per parsed file (the first action: reads every file). */
  public List<Row> summaries() {
    return tagged(SUMMARY).collect();
  }

  /** The files not parsed because their hash was known (source file names). */
  public List<String> known() {
    return tagged(KNOWN).map(r -> r.getString(0)).collect();
  }

  /** The form-specific extra rows of every file. */
  public List<Row> extras() {
    return tagged(EXTRA).collect();
  }

  /** From now on only the rows of these files (by source_file) are handed out. */
  public ParsedFiles keep(Set<String> files) {
    this.keep = jsc.broadcast(new HashSet<>(files));
    return this;
  }

  /** A table's rows of the kept files, as a Dataset of the table's schema. */
  public Dataset<Row> rows(SparkSession spark, String table, StructType schema) {
    return spark.createDataFrame(kept(tagged(table), schema.fieldIndex("source_file")), schema);
  }

  /** The rejected lines of the kept files ({@link Tables#REJECTED_LINES_SCHEMA}). */
  public Dataset<Row> rejected(SparkSession spark) {
    return spark.createDataFrame(kept(tagged(REJECTED),
        Tables.REJECTED_LINES_SCHEMA.fieldIndex("source_file")), Tables.REJECTED_LINES_SCHEMA);
  }

  private JavaRDD<Row> tagged(String tag) {
    return parsed.filter(t -> t._1().equals(tag)).map(Tuple2::_2);
  }

  private JavaRDD<Row> kept(JavaRDD<Row> rows, int sourceFile) {
    if (keep == null) {
      throw new IllegalStateException("keep(files) first: only new files are written");
    }
    Broadcast<Set<String>> files = keep;
    return rows.filter(r -> files.value().contains(r.getString(sourceFile)));
  }

  /** Frees the parsed files (also once they are written, before the control rules run). */
  @Override
  public void close() {
    parsed.unpersist(true);
  }
}

package no.kostra.sosial.ingest;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import no.kostra.ingest.IngestFiles;
import no.kostra.ingest.IngestRun;
import no.kostra.schemas.SchemaDir;
import no.kostra.sosial.SosialForms;
import no.kostra.sosial.validate.SosialValidation;
import no.kostra.validate.ValidationOutcome;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Stages 1 and 2 for 11F and 11CF: reads every person-level file under a folder (named
 * {@code 11F_<year>_<region>.dat}, see {@link SosialFileName}), parses and pseudonymises it on the
 * executors, writes {@code sosialhjelp} / {@code kvalifisering}, {@code rejected_lines}, runs the
 * control rules ({@code validation_results}, {@code submissions}) and commits
 * {@code ingested_files} last, as the accounting ingest does: idempotent by content hash, and the
 * rows of a run that died before its last commit are removed by the next.
 */
public final class SosialIngest {

  private final Warehouse warehouse;
  private final SchemaDir schemas;
  private final java.util.function.Supplier<Pseudonymizer> pseudonyms;
  private String input;
  private Consumer<String> progress = message -> {};

  private SosialIngest(Warehouse warehouse, SchemaDir schemas,
      java.util.function.Supplier<Pseudonymizer> pseudonyms) {
    this.warehouse = warehouse;
    this.schemas = schemas;
    this.pseudonyms = pseudonyms;
  }

  /** The key is asked for only when there are files to pseudonymise. */
  public static SosialIngest into(Warehouse warehouse, SchemaDir schemas,
      java.util.function.Supplier<Pseudonymizer> pseudonyms) {
    return new SosialIngest(warehouse, schemas, pseudonyms);
  }

  public SosialIngest from(String inputDir) {
    this.input = inputDir;
    return this;
  }

  public SosialIngest progress(Consumer<String> progress) {
    this.progress = progress;
    return this;
  }

  public IngestRun.Result run() {
    var spark = warehouse.spark();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long t00 = System.nanoTime();
    List<String> files = IngestFiles.filesToIngest(warehouse, input, SosialFileName::isSosialFile);
    progress.accept(String.format("found %d 11F/11CF files (%.1f s)", files.size(), seconds(t00)));
    IngestRun run = IngestRun.start();
    if (files.isEmpty()) {
      return IngestRun.Result.none(run);
    }
    String ingestId = run.id();
    Timestamp ingestedAt = run.at();
    SosialForms forms = SosialForms.load(schemas);
    SosialLineParser parser =
        new SosialLineParser(forms, pseudonyms.get().notInside(warehouse.root()));

    // kind: 0 = 11F record, 1 = 11CF record, 2 = rejected line, 3 = file summary, 4 = placeholder
    JavaRDD<Tuple2<Integer, Row>> parsed = jsc.parallelize(files,
            IngestFiles.partitions(jsc, files.size()))
        .flatMap(file -> {
          SosialFileName name = SosialFileName.of(file);
          var result = parser.parse(IngestFiles.displayName(file), IngestFiles.readFully(file),
              name.skjema(), name.aargang(), name.region(), ingestId, ingestedAt);
          int kind = SosialForms.FORMS.indexOf(name.skjema());
          List<Tuple2<Integer, Row>> out = new ArrayList<>(result.accepted().size() + 2);
          result.accepted().forEach(r -> out.add(new Tuple2<>(kind, r)));
          result.rejected().forEach(r -> out.add(new Tuple2<>(2, r)));
          out.add(new Tuple2<>(3, result.summary()));
          out.add(new Tuple2<>(4, RowFactory.create(result.summary().getString(0),
              result.placeholder())));
          return out.iterator();
        })
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long t0 = System.nanoTime();
      List<Row> summaries = parsed.filter(t -> t._1() == 3).map(Tuple2::_2).collect();
      progress.accept(String.format("parsed and pseudonymised %d files (%.1f s)", summaries.size(),
          seconds(t0)));
      IngestRun.Selection selection =
          IngestRun.Selection.of(summaries, IngestFiles.knownHashes(warehouse));
      Map<String, Row> keep = selection.keep();
      IngestRun.Recorded recorded = IngestRun.Recorded.NOTHING;
      if (!keep.isEmpty()) {
        Broadcast<Set<String>> keepFiles = jsc.broadcast(new HashSet<>(keep.keySet()));
        long t1 = System.nanoTime();
        Map<String, Dataset<Row>> written = new LinkedHashMap<>();
        for (String form : SosialForms.FORMS) {
          int kind = SosialForms.FORMS.indexOf(form);
          StructType schema = forms.tableSchema(form);
          int sourceFile = schema.fieldIndex("source_file");
          Dataset<Row> records = spark.createDataFrame(parsed
              .filter(t -> t._1() == kind && keepFiles.value().contains(t._2().getString(sourceFile)))
              .map(Tuple2::_2), schema);
          warehouse.appendWithNewColumns(records, forms.table(form));
          written.put(form, warehouse.read(forms.table(form)).where(run.rows()));
        }
        warehouse.append(spark.createDataFrame(parsed
            .filter(t -> t._1() == 2 && keepFiles.value().contains(t._2().getString(0)))
            .map(Tuple2::_2), Tables.REJECTED_LINES_SCHEMA), Tables.REJECTED_LINES);
        progress.accept(String.format("wrote %d records to %s (%.1f s)", selection.rowsAccepted(),
            String.join(", ", SosialForms.FORMS.stream().map(forms::table).toList()), seconds(t1)));
        Map<String, Boolean> placeholders = new TreeMap<>();
        parsed.filter(t -> t._1() == 4).map(Tuple2::_2).collect()
            .forEach(r -> placeholders.put(r.getString(0), r.getBoolean(1)));
        List<Row> declared = new ArrayList<>();
        for (Row s : keep.values()) {
          declared.add(RowFactory.create(s.getString(1), s.getString(0), s.getAs("skjema"),
              s.getAs("aargang"), s.getAs("region"), s.getAs("lines_read"), s.getAs("ingested_at"),
              null, placeholders.get(s.getString(0))));
        }
        parsed.unpersist(true);

        long t2 = System.nanoTime();
        try (ValidationOutcome outcome = SosialValidation.load(spark, schemas).validate(
            spark.createDataFrame(declared, SosialValidation.DECLARED_SCHEMA), written,
            warehouse.read(Tables.REJECTED_LINES).where(run.rows()))) {
          recorded = run.record(warehouse, outcome);
        }
        progress.accept(String.format("validated %d submissions: %s, %d findings (%.1f s)",
            keep.size(), recorded.submissionsByStatus(), recorded.findings(), seconds(t2)));
        // last: this commit is what marks the run as complete
        warehouse.append(spark.createDataFrame(new ArrayList<>(keep.values()),
            Tables.INGESTED_FILES_SCHEMA), Tables.INGESTED_FILES);
      }
      return IngestRun.Result.of(run, files.size(), selection, recorded);
    } finally {
      parsed.unpersist(true);
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}

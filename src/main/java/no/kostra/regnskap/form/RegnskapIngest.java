package no.kostra.regnskap.form;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import no.kostra.ingest.FileRecogniser.Declared;
import no.kostra.ingest.FormIngest;
import no.kostra.ingest.ParsedFiles;
import no.kostra.regnskap.RegnskapForms;
import no.kostra.regnskap.ingest.RegnskapLineParser;
import no.kostra.regnskap.ingest.RegnskapRecogniser;
import no.kostra.regnskap.validate.RegnskapValidation;
import no.kostra.schemas.SchemaDir;
import no.kostra.validate.ValidationOutcome;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stages 1 and 2 for accounting ({@link FormIngest}): every file is parsed into {@code regnskap}
 * (the 48-character records; skjema, year and region read from the records), and a file no form
 * recognised ({@link #rejectWhole}) is recorded here with every line rejected and nothing of its
 * content kept, as the reference rejects a file of the wrong form (record length, FATAL).
 *
 * <p>Idempotent: a file whose content (SHA-256) was ingested before is skipped, so rerunning on the
 * same folder changes nothing. {@code ingested_files} is written last; rows of a run that died before
 * that commit are removed at the start of the next run, so they are neither lost nor counted twice.
 */
public final class RegnskapIngest extends FormIngest<RegnskapIngest> {

  private final SchemaDir schemas;

  private RegnskapIngest(Warehouse warehouse, SchemaDir schemas) {
    super(warehouse);
    this.schemas = schemas;
  }

  public static RegnskapIngest into(Warehouse warehouse, SchemaDir schemas) {
    return new RegnskapIngest(warehouse, schemas);
  }

  @Override
  protected String label() {
    return "accounting";
  }

  /** Any file: the accounting records say what they are (the parser rejects what is not one). */
  @Override
  protected Declared byName(String file) {
    return new Declared(RegnskapRecogniser.STAGE, null, null, null);
  }

  @Override
  protected List<Output> tables() {
    return List.of(new Output(Tables.REGNSKAP, Tables.REGNSKAP_SCHEMA));
  }

  @Override
  protected FileParser parser(String ingestId, Timestamp ingestedAt) {
    return parser(new RegnskapLineParser(RegnskapForms.layout(schemas),
        RegnskapForms.load(schemas)), ingestId, ingestedAt);
  }

  /** Static: what is shipped to the executors holds no reference to this (driver-side) object. */
  private static FileParser parser(RegnskapLineParser parser, String ingestId,
      Timestamp ingestedAt) {
    return new FileParser() {
      @Override
      public String hash(String file, Declared declared, byte[] bytes) {
        return RegnskapLineParser.submissionHash(file, bytes);
      }

      @Override
      public ParsedFiles.ParsedFile parse(String file, Declared declared, byte[] bytes,
          String reason) {
        var result = reason != null ? parser.rejectWhole(file, bytes, reason, ingestId, ingestedAt)
            : parser.parse(file, bytes, ingestId, ingestedAt);
        return new ParsedFiles.ParsedFile(Map.of(Tables.REGNSKAP, result.accepted()),
            result.rejected(), result.summary(), List.of());
      }
    };
  }

  @Override
  protected Dataset<Row> declared(SparkSession spark, Collection<Row> files, List<Row> extras) {
    return spark.createDataFrame(new ArrayList<>(files), Tables.INGESTED_FILES_SCHEMA)
        .selectExpr("file_sha256 AS submission_id", "source_file", "skjema", "aargang", "kvartal",
            "region", "orgnr", "lines_read", "ingested_at AS received_at");
  }

  @Override
  protected ValidationOutcome validate(Dataset<Row> declared, Map<String, Dataset<Row>> rows,
      Dataset<Row> rejected) {
    return RegnskapValidation.load(warehouse.spark(), schemas).validate(declared,
        rows.get(Tables.REGNSKAP), rejected);
  }
}

package no.kostra.csvforms;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import no.kostra.ingest.FileRecogniser.Declared;
import no.kostra.ingest.FormIngest;
import no.kostra.ingest.ParsedFiles;
import no.kostra.schemas.SchemaDir;
import no.kostra.validate.ValidationOutcome;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stages 1 and 2 for skjema 7 and 12 ({@link FormIngest}): every {@code skjema7_<year>_<region>.csv}
 * and {@code skjema12_...} (or a file recognised as one by its content) into {@code staffing} /
 * {@code benefit_rates}; the control rules cross-check against the accounting and last year in
 * the warehouse.
 */
public final class CsvFormIngest extends FormIngest<CsvFormIngest> {

  private final SchemaDir schemas;

  private CsvFormIngest(Warehouse warehouse, SchemaDir schemas) {
    super(warehouse);
    this.schemas = schemas;
  }

  public static CsvFormIngest into(Warehouse warehouse, SchemaDir schemas) {
    return new CsvFormIngest(warehouse, schemas);
  }

  public static String table(String form) {
    return form.equals("7") ? CsvForms.STAFFING : CsvForms.BENEFIT_RATES;
  }

  @Override
  protected String label() {
    return "skjema 7/12";
  }

  @Override
  protected Declared byName(String file) {
    if (!CsvFormFileName.isCsvFormFile(file)) {
      return null;
    }
    CsvFormFileName name = CsvFormFileName.of(file);
    return new Declared(CsvFormRecogniser.STAGE, name.skjema(), name.aargang(), name.region());
  }

  @Override
  protected List<Output> tables() {
    return CsvForms.FORMS.stream().map(f -> new Output(table(f), CsvForms.TABLE_SCHEMA)).toList();
  }

  @Override
  protected FileParser parser(String ingestId, Timestamp ingestedAt) {
    return parser(new CsvFormParser(CsvForms.load(schemas)), ingestId, ingestedAt);
  }

  /** Static: what is shipped to the executors holds no reference to this (driver-side) object. */
  private static FileParser parser(CsvFormParser parser, String ingestId, Timestamp ingestedAt) {
    return new FileParser() {
      @Override
      public String hash(String file, Declared name, byte[] bytes) {
        return CsvFormParser.submissionHash(name.form(), name.year(), name.region(), bytes);
      }

      @Override
      public ParsedFiles.ParsedFile parse(String file, Declared name, byte[] bytes,
          String reason) {
        var result = parser.parse(file, bytes, name.form(), name.year(), name.region(),
            ingestId, ingestedAt);
        return new ParsedFiles.ParsedFile(Map.of(table(name.form()), result.accepted()),
            result.rejected(), result.summary(), List.of());
      }
    };
  }

  @Override
  protected Dataset<Row> declared(SparkSession spark, Collection<Row> files, List<Row> extras) {
    return spark.createDataFrame(new ArrayList<>(files), Tables.INGESTED_FILES_SCHEMA)
        .selectExpr("file_sha256 AS submission_id", "source_file", "skjema", "aargang", "region",
            "lines_read", "ingested_at AS received_at");
  }

  @Override
  protected ValidationOutcome validate(Dataset<Row> declared, Map<String, Dataset<Row>> rows,
      Dataset<Row> rejected) {
    Dataset<Row> both = rows.values().stream().reduce(Dataset::unionByName).orElseThrow();
    return CsvFormValidation.load(warehouse.spark(), schemas).validate(declared, both, rejected,
        warehouse);
  }
}

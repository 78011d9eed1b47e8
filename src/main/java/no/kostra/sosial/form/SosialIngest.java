package no.kostra.sosial.form;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import no.kostra.ingest.FileRecogniser.Declared;
import no.kostra.ingest.FormIngest;
import no.kostra.ingest.ParsedFiles;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.schemas.SchemaDir;
import no.kostra.sosial.SosialForms;
import no.kostra.sosial.ingest.SosialFileName;
import no.kostra.sosial.ingest.SosialLineParser;
import no.kostra.sosial.ingest.SosialRecogniser;
import no.kostra.sosial.validate.SosialValidation;
import no.kostra.validate.ValidationOutcome;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Stages 1 and 2 for 11F and 11CF ({@link FormIngest}): every person-level file (named
 * {@code 11F_<year>_<region>.dat}, see {@link SosialFileName}, or recognised by its content) is
 * parsed and pseudonymised on the executors into {@code sosialhjelp} / {@code kvalifisering}; the
 * control rules run on the parsed rows beside the writes.
 */
public final class SosialIngest extends FormIngest<SosialIngest> {

  private final SchemaDir schemas;
  private final Supplier<Pseudonymizer> pseudonyms;
  private final SosialForms forms;

  private SosialIngest(Warehouse warehouse, SchemaDir schemas, Supplier<Pseudonymizer> pseudonyms) {
    super(warehouse);
    this.schemas = schemas;
    this.pseudonyms = pseudonyms;
    this.forms = SosialForms.load(schemas);
  }

  /** The key is asked for only when there are files to pseudonymise. */
  public static SosialIngest into(Warehouse warehouse, SchemaDir schemas,
      Supplier<Pseudonymizer> pseudonyms) {
    return new SosialIngest(warehouse, schemas, pseudonyms);
  }

  @Override
  protected String label() {
    return "11F/11CF";
  }

  @Override
  protected Declared byName(String file) {
    if (!SosialFileName.isSosialFile(file)) {
      return null;
    }
    SosialFileName name = SosialFileName.of(file);
    return new Declared(SosialRecogniser.STAGE, name.skjema(), name.aargang(), name.region());
  }

  @Override
  protected List<Output> tables() {
    return SosialForms.FORMS.stream()
        .map(form -> new Output(forms.table(form), forms.tableSchema(form))).toList();
  }

  @Override
  protected FileParser parser(String ingestId, Timestamp ingestedAt) {
    return parser(forms, new SosialLineParser(forms, pseudonyms.get().notInside(warehouse.root())),
        ingestId, ingestedAt);
  }

  /** Static: what is shipped to the executors holds no reference to this (driver-side) object. */
  private static FileParser parser(SosialForms forms, SosialLineParser parser, String ingestId,
      Timestamp ingestedAt) {
    return new FileParser() {
      @Override
      public String hash(String file, Declared name, byte[] bytes) {
        return SosialLineParser.submissionHash(name.form(), name.year(), name.region(), bytes);
      }

      @Override
      public ParsedFiles.ParsedFile parse(String file, Declared name, byte[] bytes,
          String reason) {
        var result = parser.parse(file, bytes, name.form(), name.year(), name.region(),
            ingestId, ingestedAt);
        // extra: whether the file is the one-character "nothing to report"
        return new ParsedFiles.ParsedFile(Map.of(forms.table(name.form()), result.accepted()),
            result.rejected(), result.summary(),
            List.of(RowFactory.create(result.summary().getString(0), result.placeholder())));
      }
    };
  }

  @Override
  protected Dataset<Row> declared(SparkSession spark, Collection<Row> files, List<Row> extras) {
    Map<String, Boolean> placeholders = new TreeMap<>();
    extras.forEach(r -> placeholders.put(r.getString(0), r.getBoolean(1)));
    List<Row> declared = new ArrayList<>();
    for (Row s : files) {
      declared.add(RowFactory.create(s.getString(1), s.getString(0), s.getAs("skjema"),
          s.getAs("aargang"), s.getAs("region"), s.getAs("lines_read"), s.getAs("ingested_at"),
          null, placeholders.get(s.getString(0))));
    }
    return spark.createDataFrame(declared, SosialValidation.DECLARED_SCHEMA);
  }

  /** The control rules run on the parsed rows beside the writes (few rows, many small rules). */
  @Override
  protected boolean validatesWrittenRows() {
    return false;
  }

  @Override
  protected ValidationOutcome validate(Dataset<Row> declared, Map<String, Dataset<Row>> rows,
      Dataset<Row> rejected) {
    Map<String, Dataset<Row>> byForm = new java.util.LinkedHashMap<>();
    SosialForms.FORMS.forEach(form -> byForm.put(form, rows.get(forms.table(form))));
    return SosialValidation.load(warehouse.spark(), schemas).validate(declared, byForm, rejected);
  }
}

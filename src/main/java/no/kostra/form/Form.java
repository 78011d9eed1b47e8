package no.kostra.form;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import no.kostra.generate.Generation;
import no.kostra.ingest.FileRecogniser;
import no.kostra.ingest.FormIngest;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.schemas.SchemaDir;
import no.kostra.validate.ValidationReport;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One kind of submission (accounting, 11F/11CF, skjema 7/12) as the shared stages see it: how its
 * files are recognised, how they are ingested and validated, how one file is pre-checked, what
 * changed between two years, and which skjema codes it reports in completeness. A form is one
 * package implementing this and one line in
 * {@code META-INF/services/no.kostra.form.Form} ({@link Forms}); nothing in {@code ingest},
 * {@code validate}, {@code warehouse} or {@code release} names a form.
 */
public interface Form {

  /** The stage its files are recognised as ({@link FileRecogniser#stage()}): regnskap, sosial... */
  String stage();

  /** What reports call its files: "accounting", "11F/11CF", "skjema 7/12". */
  String label();

  /** Its skjema codes in the order reports list them (completeness); annual forms only. */
  List<String> skjemas(SchemaDir schemas);

  /** Whether a skjema code (any form of it: quarterly accounting too) is this form's. */
  default boolean handles(SchemaDir schemas, String skjema) {
    return skjemas(schemas).contains(skjema);
  }

  FileRecogniser recogniser(SchemaDir schemas);

  /** Its ingest (stages 1 and 2); the key is asked for only if the form holds personal data. */
  FormIngest<?> ingest(Warehouse warehouse, SchemaDir schemas, Supplier<Pseudonymizer> key);

  /**
   * What a respondent's pre-check of one file gives, before anything is submitted: the file's
   * name and content (in memory: the service writes nothing), what the respondent declares, and
   * the warehouse to cross-check against (null: none).
   */
  record PreCheck(String fileName, byte[] content, String skjema, int year, String quarter,
      String region, String orgnr, Integer rulesYear, Boolean somethingToReport,
      Warehouse warehouse) {

    /** A local file, read whole. */
    public static PreCheck ofFile(Path file, String skjema, int year, String quarter,
        String region, String orgnr, Integer rulesYear, Boolean somethingToReport,
        Warehouse warehouse) {
      return new PreCheck(file.toString(), no.kostra.ingest.TextFiles.readAll(file), skjema, year,
          quarter, region, orgnr, rulesYear, somethingToReport, warehouse);
    }
  }

  ValidationReport preCheck(SparkSession spark, SchemaDir schemas, PreCheck request);

  /**
   * A skjema as the pre-check offers it (the web page's list, SSB's {@code /api/ui-data}): its
   * code, Norwegian title, quarter (null: annual) and the label of its orgnr field (null: the form
   * has none).
   */
  record PreCheckType(String id, String title, String quarter, String orgnrLabel) {}

  /** The skjemas a respondent can pre-check, in the order the page lists them. */
  List<PreCheckType> preCheckTypes(SchemaDir schemas);

  /** The reporting years this form has layouts and rules for. */
  List<Integer> preCheckYears(SchemaDir schemas);

  /**
   * A pre-check of a file as the pipeline would take it: skjema, year, region (and orgnr) from
   * what recognised it (its name, else its content), the form's own records where those do not
   * tell; null when nothing says which submission it is.
   */
  default PreCheck declared(String fileName, byte[] content, FileRecogniser.Declared recognised,
      Warehouse warehouse) {
    if (recognised.year() == null || recognised.region() == null) {
      return null;
    }
    return new PreCheck(fileName, content, recognised.form(), recognised.year(), null,
        recognised.region(), null, null, null, warehouse);
  }

  /**
   * Writes the form's synthetic submissions of a year in its real format (faults planted as asked)
   * and returns the line {@code bin/kostra generate} prints.
   */
  String generate(Generation generation);

  /** What changed in the form's layout, code lists and rules from one year to another. */
  List<String> changes(SchemaDir schemas, String skjema, int from, int to);

  /**
   * One of its tables as the key figures read it (default: as it is). Skjema 12's rates are read
   * with the national guideline rate of each post beside them.
   */
  default Dataset<Row> asKeyFigureSource(Warehouse warehouse, SchemaDir schemas, String table,
      Dataset<Row> rows, Collection<Integer> years) {
    return rows;
  }
}

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

  /** What a respondent's pre-check of one file gives, before anything is submitted. */
  record PreCheck(Path file, String skjema, int year, String quarter, String region,
      String orgnr, Integer rulesYear, Boolean somethingToReport, Warehouse warehouse) {}

  ValidationReport preCheck(SparkSession spark, SchemaDir schemas, PreCheck request);

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

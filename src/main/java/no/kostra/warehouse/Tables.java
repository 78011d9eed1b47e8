package no.kostra.warehouse;

import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createDecimalType;

import org.apache.spark.sql.types.StructType;

/** Names and declared schemas of the warehouse's tables: every stage writes exactly these. */
public final class Tables {

  private Tables() {}

  /** One row per accepted accounting record, typed per the layout, with lineage. */
  public static final String REGNSKAP = "regnskap";
  /** Every line that could not be parsed, with the reason; nothing is dropped silently. */
  public static final String REJECTED_LINES = "rejected_lines";
  /** One row per ingested file: its hash and line counts (lines read = accepted + rejected). */
  public static final String INGESTED_FILES = "ingested_files";
  /** One row per received file (submission) with its declared key and validation outcome. */
  public static final String SUBMISSIONS = "submissions";
  /** One row per finding of the control rules. */
  public static final String VALIDATION_RESULTS = "validation_results";

  public static final StructType SUBMISSIONS_SCHEMA = new StructType()
      // SHA-256 of the declaration (from the file name) and the bytes: TextFiles.submissionHash
      .add("submission_id", StringType, false)
      .add("source_file", StringType, false)
      .add("skjema", StringType, true)
      .add("aargang", IntegerType, true)
      .add("kvartal", StringType, true)
      .add("region", StringType, true)
      .add("orgnr", StringType, true)
      .add("received_at", TimestampType, false)
      .add("lines_read", IntegerType, false)
      .add("records_checked", LongType, false) // records with a non-zero amount
      .add("number_of_controls", LongType, false)
      .add("severity", StringType, false) // highest finding: OK, INFO, WARNING, ERROR, FATAL
      .add("num_fatal", LongType, false)
      .add("num_errors", LongType, false)
      .add("num_warnings", LongType, false)
      .add("num_info", LongType, false)
      .add("status", StringType, false) // accepted / accepted_with_warnings / rejected
      .add("ingest_id", StringType, false);

  public static final StructType VALIDATION_RESULTS_SCHEMA = new StructType()
      .add("submission_id", StringType, false)
      .add("rule_id", StringType, false)
      .add("rule_name", StringType, false)
      .add("severity", StringType, false)
      .add("message", StringType, false)
      .add("line_numbers", org.apache.spark.sql.types.DataTypes.createArrayType(IntegerType), false)
      .add("record_key", StringType, true)
      .add("ingest_id", StringType, false);

  /** Key figures per region (municipality, county authority, aggregate) and year. */
  public static final String KEY_FIGURES = "key_figures";

  // The other tables' names, in one place (their schemas stay with the stage that writes them).
  /** Skjema 7 and 12 (csvforms). */
  public static final String STAFFING = "staffing";
  public static final String BENEFIT_RATES = "benefit_rates";
  /** Completeness per form and year (release.Completeness). */
  public static final String COMPLETENESS = "completeness";
  /** Releases, their published rows and what changed since the previous one (release). */
  public static final String RELEASES = "releases";
  public static final String PUBLISHED_KEY_FIGURES = "published_key_figures";
  public static final String REVISIONS = "revisions";
  /** Editing (edit): the outlier ranking of a year, and the statisticians' decisions. */
  public static final String EDIT_CANDIDATES = "edit_candidates";
  public static final String EDIT_DECISIONS = "edit_decisions";
  /** The log of release runs (release.ReleaseRun). */
  public static final String RUNS = "runs";
  /** The classifications by year (reference.ReferenceTables). */
  public static final String REGIONS = "regions";
  public static final String POPULATION = "population";
  public static final String POPULATION_BANDS = "population_bands";
  public static final String FUNCTION_CHART = "function_chart";
  public static final String FUNCTION_CHANGES = "function_changes";
  public static final String FUNCTION_MAPPING = "function_mapping";
  public static final String MUNICIPALITY_MAPPING = "municipality_mapping";

  public static final StructType REGNSKAP_SCHEMA = new StructType()
      .add("skjema", StringType, false)
      .add("aargang", IntegerType, false)
      .add("kvartal", StringType, true) // null = annual accounts
      .add("region", StringType, false)
      .add("orgnr", StringType, true)
      .add("foretaksnr", StringType, true)
      .add("kontoklasse", StringType, false)
      .add("funksjon_kapittel", StringType, false) // raw 4 characters, as in the file
      .add("art_sektor", StringType, false) // raw 3 characters
      .add("belop", IntegerType, false) // 1000 NOK, file sign: expenses/assets +, income/liabilities -
      .add("kontotype", StringType, true) // drift/investering/balanse; null if kontoklasse misfits skjema
      .add("funksjon", StringType, true) // trimmed, appropriation forms only
      .add("art", StringType, true)
      .add("kapittel", StringType, true) // trimmed, balance forms only
      .add("sektor", StringType, true)
      .add("source_file", StringType, false)
      .add("line_number", IntegerType, false)
      .add("file_sha256", StringType, false)
      .add("ingest_id", StringType, false)
      .add("ingested_at", TimestampType, false);

  public static final StructType REJECTED_LINES_SCHEMA = new StructType()
      .add("source_file", StringType, false)
      .add("line_number", IntegerType, false)
      .add("field", StringType, true) // null when the whole line is at fault (length, TAB)
      .add("reason", StringType, false)
      .add("raw_line", StringType, false)
      .add("file_sha256", StringType, false)
      .add("ingest_id", StringType, false)
      .add("ingested_at", TimestampType, false);

  public static final StructType INGESTED_FILES_SCHEMA = new StructType()
      .add("source_file", StringType, false)
      .add("file_sha256", StringType, false)
      // the submission the file declares: from its name (0A_2025_030100.dat, 0AK3_2025_030100.dat,
      // 0A_V2019_K4_R040200...), else from its first record; null when neither tells
      .add("skjema", StringType, true) // as submitted: 0A, or 0AK3 for a quarterly file
      .add("aargang", IntegerType, true)
      .add("kvartal", StringType, true)
      .add("region", StringType, true)
      .add("orgnr", StringType, true)
      .add("file_bytes", LongType, false)
      .add("encoding", StringType, false)
      .add("lines_read", IntegerType, false) // non-blank lines
      .add("blank_lines", IntegerType, false) // empty or all-blank lines: no data, counted here
      .add("rows_accepted", IntegerType, false)
      .add("lines_rejected", IntegerType, false)
      .add("ingest_id", StringType, false)
      .add("ingested_at", TimestampType, false);

  /**
   * Long form: one row per (year, borders, region, indicator). Level 1/2 indicators from
   * indicators/key-figures.yaml, level 3 = every base variable (numerator = value). {@code value}
   * is unrounded; publication rounds it half away from zero to {@code decimals}.
   */
  public static final StructType KEY_FIGURES_SCHEMA = new StructType()
      .add("year", IntegerType, false)
      // the year whose borders (and function chart) the figure is on: = year, or today's
      .add("structure_year", IntegerType, false)
      .add("region", StringType, false) // kkkk, 0301dd, ff00 (county authority), EAK, EKA15, ...
      .add("region_name", StringType, false)
      // kommune / bydel / fylkeskommune, or the aggregate kind: EKA EKG EAK EAKUO ASSS EAB EAFK
      .add("region_level", StringType, false)
      .add("indicator", StringType, false)
      .add("level", IntegerType, false) // 1 key figure, 2 detail, 3 base data
      .add("value", createDecimalType(38, 10), true) // null = not published (see status)
      .add("numerator", createDecimalType(38, 6), true)
      .add("denominator", createDecimalType(38, 6), true)
      .add("scale", IntegerType, false)
      .add("unit", StringType, false)
      .add("decimals", IntegerType, false)
      .add("status", StringType, true) // null = value; '..' data missing; '.' not defined (÷ 0)
      // estimated: an aggregate with non-reporters estimated; partial: summed over reporters
      // only; series_break: not comparable with the year's own borders or chart
      .add("flags", StringType, true)
      .add("members_reported", IntegerType, true) // aggregates: members with every input form
      .add("members_expected", IntegerType, true)
      .add("definition_version", StringType, false);
}

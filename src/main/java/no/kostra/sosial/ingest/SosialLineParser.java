package no.kostra.sosial.ingest;

import java.io.Serializable;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import no.kostra.ingest.PersonalData;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.ingest.TextFiles;
import no.kostra.layout.FixedWidthLayout;
import no.kostra.layout.FixedWidthLayout.Field;
import no.kostra.sosial.SosialForms;
import no.kostra.warehouse.Tables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;

/**
 * Parses one 11F or 11CF file with the layout of its reporting year into rows of the form's table
 * ({@link SosialForms#tableSchema}), rejected lines and a per-file summary. Serializable: Spark runs
 * it on the executors.
 *
 * <p>This is where personal identifiers are seen in clear text, and the only place: the fødsels-,
 * D- and DUF number, the birth date, the journal number and the caseworker are checked and turned
 * into derived values and keyed pseudonyms here, and the row holds nothing else of them. A line
 * that cannot be cut by the layout (length, TAB) is kept in rejected_lines with everything after
 * the municipality, year and district withheld, since its identifier positions are unknown.
 *
 * <p>A line is accepted when it has the layout's length and no TAB (rule 001); whether its values
 * are allowed is for the control rules, which see {@code format_problems} (rule 002) and the typed
 * values (null where a value is blank or cannot be read).
 */
public final class SosialLineParser implements Serializable {

  /** Layout positions 1–8 (KOMMUNE_NR, VERSION, BYDELSNR) are the same in every layout year. */
  private static final int OPEN_PREFIX = 8;
  private static final Pattern INTEGER = Pattern.compile("\\s*-?\\d+");
  private static final Pattern MONTH_FLAG = Pattern.compile("STMND_\\d+");

  private final SosialForms forms;
  private final Pseudonymizer pseudonyms;
  private final Map<String, StructType> schemas = new HashMap<>();

  public SosialLineParser(SosialForms forms, Pseudonymizer pseudonyms) {
    this.forms = forms;
    this.pseudonyms = pseudonyms;
    for (String form : SosialForms.FORMS) {
      schemas.put(form, forms.tableSchema(form));
    }
  }

  /** What one file gave; {@code placeholder}: the file is the one-character "nothing to report". */
  public record ParsedFile(List<Row> accepted, List<Row> rejected, Row summary, boolean placeholder) {}

  /**
   * The submission's hash: form, year, submitting region and the bytes; null when the name does
   * not declare year and region (the first line tells, so the file must be parsed).
   */
  public static String submissionHash(String form, Integer year, String region, byte[] bytes) {
    return year == null || region == null ? null
        : TextFiles.submissionHash(form + "|" + year + "|" + region, bytes);
  }

  /**
   * Parses a file declared as {@code declared} (form, year, region). Year or region missing from the
   * declaration are read from the first line (VERSION, KOMMUNE_NR and BYDELSNR).
   */
  public ParsedFile parse(String sourceFile, byte[] bytes, String form, Integer year, String region,
      String ingestId, Timestamp ingestedAt) {
    TextFiles.Decoded decoded = TextFiles.decode(bytes);
    TextFiles.NonBlankLines lines = TextFiles.nonBlankLines(decoded.text());
    String first = lines.size() > 0 ? lines.lines()[0] : "";
    int reportingYear = year != null ? year : yearOf(first, forms.years(form));
    String submitter = region != null ? region : regionOf(first);
    String sha256 = submissionHash(form, reportingYear, submitter, bytes);
    FixedWidthLayout layout = forms.layout(form, reportingYear);
    StructType schema = schemas.get(form);
    List<Row> accepted = new ArrayList<>();
    List<Row> rejected = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.lines()[i];
      int lineNumber = lines.numbers()[i];
      String problem = lineProblem(line, layout);
      if (problem != null) {
        rejected.add(RowFactory.create(sourceFile, lineNumber, null, problem,
            withheld(line, submitter), sha256,
            ingestId, ingestedAt));
      } else {
        accepted.add(record(line, layout, schema, form, reportingYear, submitter, sourceFile,
            lineNumber, sha256, ingestId, ingestedAt));
      }
    }
    // the agreed "nothing to report" file: exactly one character (the reference checks the length)
    boolean placeholder = decoded.text().replaceAll("[\r\n]+$", "").length() == 1;
    Row summary = new GenericRowWithSchema(new Object[] {sourceFile, sha256, form, reportingYear,
        null, submitter, null, (long) bytes.length, decoded.encoding(), lines.size(), lines.blank(),
        accepted.size(), rejected.size(), ingestId, ingestedAt}, Tables.INGESTED_FILES_SCHEMA);
    return new ParsedFile(accepted, rejected, summary, placeholder);
  }

  private static String lineProblem(String line, FixedWidthLayout layout) {
    int tab = line.indexOf('\t');
    if (tab >= 0) {
      return "linjen har et tabulatortegn i posisjon " + (tab + 1) + "; records er "
          + layout.recordLength() + " tegn med faste posisjoner, uten tabulator";
    }
    if (line.length() != layout.recordLength()) {
      return "recorden er på " + line.length() + " tegn, skal være " + layout.recordLength()
          + " (filbeskrivelse " + layout.id() + " " + layout.reportingYear() + ")";
    }
    return null;
  }

  /**
   * The raw line as rejected_lines keeps it: its first 8 positions when they are what identifies a
   * submission (the submitting municipality's KOMMUNE_NR, then VERSION and BYDELSNR as digits or
   * blanks), and otherwise nothing but its length. A line that does not fit the layout may be
   * shifted, or another file's: its first positions could then be a birth date or the start of an
   * identity number.
   */
  static String withheld(String line, String region) {
    boolean identifiesSubmission = line.length() >= OPEN_PREFIX && region != null
        && region.length() >= 4 && line.startsWith(region.substring(0, 4))
        && line.substring(4, OPEN_PREFIX).chars().allMatch(c -> c == ' ' || (c >= '0' && c <= '9'));
    if (!identifiesSubmission) {
      return PersonalData.withheld(line.length());
    }
    return line.substring(0, OPEN_PREFIX)
        + (line.length() > OPEN_PREFIX ? " " + PersonalData.withheld(line.length() - OPEN_PREFIX)
            : "");
  }

  /**
   * How to read each field of one layout into the table's row, worked out once per layout: the
   * row index, the identifier role, the code set. The hot loop then does no lookups.
   */
  private record FieldPlan(Field field, String role, int index, Set<String> codes, boolean monthFlag) {}

  private record Plan(List<FieldPlan> fields, int kommune, Map<String, Integer> index) {
    int at(String column) {
      return index.get(column);
    }
  }

  private transient Map<String, Plan> plans;

  private Plan plan(String form, FixedWidthLayout layout, StructType schema) {
    if (plans == null) {
      plans = new HashMap<>();
    }
    return plans.computeIfAbsent(form + "/" + layout.reportingYear(), k -> {
      Map<String, Integer> index = new HashMap<>();
      for (String name : schema.fieldNames()) {
        index.put(name, schema.fieldIndex(name));
      }
      List<FieldPlan> fields = new ArrayList<>();
      int kommune = -1;
      for (Field f : layout.fields()) {
        String role = forms.identifierRole(f.name());
        int at = role == null ? schema.fieldIndex(forms.columnName(f.name())) : -1;
        if (f.name().equals("KOMMUNE_NR")) {
          kommune = fields.size();
        }
        fields.add(new FieldPlan(f, role, at, f.codes(), MONTH_FLAG.matcher(f.name()).matches()));
      }
      return new Plan(List.copyOf(fields), kommune, Map.copyOf(index));
    });
  }

  private Row record(String line, FixedWidthLayout layout, StructType schema, String form,
      int year, String region, String sourceFile, int lineNumber, String sha256, String ingestId,
      Timestamp ingestedAt) {
    Plan plan = plan(form, layout, schema);
    Object[] v = new Object[schema.size()];
    v[plan.at("skjema")] = form;
    v[plan.at("aargang")] = year;
    v[plan.at("region")] = region;
    List<String> problems = new ArrayList<>(2);
    String kommune = plan.fields().get(plan.kommune()).field().cut(line).trim();
    PersonIdentifiers.Fnr fnr = PersonIdentifiers.NONE;
    String fnrRaw = null;
    String dufRaw = null;
    Boolean birthDateValid = null;
    LocalDate birthDate = null;
    int months = 0;
    for (FieldPlan p : plan.fields()) {
      Field f = p.field();
      String raw = f.cut(line);
      String value = raw.isBlank() ? "" : raw.trim();
      if (f.mandatory() && value.isEmpty()) {
        problems.add(f.name() + ": mangler obligatorisk verdi");
      }
      if (p.role() != null) {
        switch (p.role()) {
          case SosialForms.FODSELSNUMMER -> {
            fnrRaw = value;
            fnr = PersonIdentifiers.fodselsnummer(value, year);
          }
          case SosialForms.DUF -> {
            dufRaw = value;
            v[plan.at("duf_valid")] = PersonIdentifiers.dufValid(value);
          }
          case SosialForms.BIRTH_DATE -> {
            birthDate = PersonIdentifiers.parseDate(value, f.datePattern(), year);
            birthDateValid = birthDate != null;
            if (!value.isEmpty() && birthDate == null) {
              problems.add(f.name() + ": feil i dato-felt");
            }
          }
          case SosialForms.JOURNAL -> v[plan.at("journal_pseudonym")] =
              pseudonyms.pseudonym("journal:" + kommune, value);
          case SosialForms.CASEWORKER -> v[plan.at("saksbehandler_pseudonym")] =
              pseudonyms.pseudonym("saksbehandler:" + kommune, value);
          default -> throw new IllegalStateException("unknown identifier role " + p.role());
        }
        continue;
      }
      if (value.isEmpty()) {
        continue; // null in the row
      }
      switch (f.dataType()) {
        case "INTEGER_TYPE" -> {
          Integer n = INTEGER.matcher(raw).matches() ? parseInt(value) : null;
          if (n == null) {
            problems.add(f.name() + ": feil i heltall-felt");
          }
          v[p.index()] = n;
        }
        case "DATE_TYPE" -> {
          LocalDate d = PersonIdentifiers.parseDate(value, f.datePattern(), year);
          if (d == null) {
            problems.add(f.name() + ": feil i dato-felt");
          }
          v[p.index()] = d == null ? null : Date.valueOf(d);
        }
        default -> {
          v[p.index()] = value;
          boolean listed = p.codes().contains(value);
          if (!p.codes().isEmpty() && !listed) {
            problems.add(f.name() + ": feil kode");
          }
          if (p.monthFlag() && listed) {
            months++;
          }
        }
      }
    }
    boolean hasFnr = fnrRaw != null && !fnrRaw.isEmpty();
    boolean hasDuf = dufRaw != null && !dufRaw.isEmpty();
    v[plan.at("person_pseudonym")] = hasFnr ? pseudonyms.pseudonym("fnr", fnrRaw)
        : hasDuf ? pseudonyms.pseudonym("duf", dufRaw) : null;
    v[plan.at("id_type")] = !hasFnr && hasDuf ? "duf" : fnr.type();
    v[plan.at("fnr_valid")] = fnr.valid();
    v[plan.at("fnr_mod11_valid")] = fnr.mod11Valid();
    v[plan.at("birth_date_valid")] = birthDateValid;
    // the birth date field (2025 on) is the better source: it exists for every person, also one
    // without a usable identity number (social-assistance.md §4.3)
    LocalDate birth = birthDate != null ? birthDate : fnr.birthDate();
    v[plan.at("age")] = PersonIdentifiers.ageAtEndOf(year, birth);
    v[plan.at("age_source")] = birthDate != null ? "fodselsdato"
        : fnr.birthDate() != null ? "fodselsnummer" : null;
    v[plan.at("id_sex")] = fnr.sex();
    v[plan.at("stonadsmaneder")] = months;
    v[plan.at("format_problems")] = problems.toArray(new String[0]);
    v[plan.at("source_file")] = sourceFile;
    v[plan.at("line_number")] = lineNumber;
    v[plan.at("file_sha256")] = sha256;
    v[plan.at("ingest_id")] = ingestId;
    v[plan.at("ingested_at")] = ingestedAt;
    return RowFactory.create(v);
  }

  private static Integer parseInt(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The reporting year of a line (VERSION = last two digits), else the newest layout year. */
  private static int yearOf(String line, List<Integer> layoutYears) {
    if (line.length() >= 6 && line.substring(4, 6).chars().allMatch(Character::isDigit)) {
      return 2000 + Integer.parseInt(line.substring(4, 6));
    }
    return layoutYears.get(layoutYears.size() - 1);
  }

  /** KOMMUNE_NR + BYDELSNR (or 00) of a line, as the 6-digit region; "000000" if unreadable. */
  private static String regionOf(String line) {
    if (line.length() >= 8 && line.substring(0, 4).chars().allMatch(Character::isDigit)) {
      String bydel = line.substring(6, 8).trim();
      return line.substring(0, 4) + (bydel.matches("\\d\\d") ? bydel : "00");
    }
    return "000000";
  }
}

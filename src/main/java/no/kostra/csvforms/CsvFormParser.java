package no.kostra.csvforms;

import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import no.kostra.ingest.PersonalData;
import no.kostra.ingest.TextFiles;
import no.kostra.warehouse.Tables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;

/**
 * Reads one CSV form file (skjema 7 or 12) into table rows, rejected lines and a file summary.
 * Every non-blank line is either a row or a rejected line naming the field; the header line,
 * when it is right, is neither and is not counted in lines_read (lines read = rows accepted +
 * lines rejected). A value is never changed silently: more than two decimals is a rejection, not
 * a rounding.
 */
public final class CsvFormParser implements Serializable {

  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d{1,2})?");
  private static final Pattern YEAR = Pattern.compile("\\d{4}");

  private final CsvForms forms;

  public CsvFormParser(CsvForms forms) {
    this.forms = forms;
  }

  public record ParsedFile(List<Row> accepted, List<Row> rejected, Row summary) {}

  /** The submission's hash: form, year and region (from the file's name) and the bytes. */
  public static String submissionHash(String form, int year, String region, byte[] bytes) {
    return TextFiles.submissionHash(form + "|" + year + "|" + region, bytes);
  }

  public ParsedFile parse(String sourceFile, byte[] bytes, String form, int year, String region,
      String ingestId, Timestamp ingestedAt) {
    CsvForms.Form def = forms.form(form);
    String sha256 = submissionHash(form, year, region, bytes);
    TextFiles.Decoded decoded = TextFiles.decode(bytes);
    TextFiles.NonBlankLines lines = TextFiles.nonBlankLines(decoded.text());
    List<Row> accepted = new ArrayList<>();
    List<Row> rejected = new ArrayList<>();
    int blank = lines.blank();
    int linesRead = 0;
    String headerProblem = null;
    boolean headerSeen = false;
    CsvForms.Version version = def.version(year);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.lines()[i];
      int lineNumber = lines.numbers()[i];
      if (!headerSeen) {
        headerSeen = true;
        List<String> names = Arrays.stream(line.replace("\uFEFF", "").split(";", -1))
            .map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
        if (!names.equals(def.columns())) {
          headerProblem = "første linje skal være overskriften " + String.join(";", def.columns())
              + " (skjema " + form + "), fant '" + PersonalData.keptText(line) + "'";
          linesRead++;
          rejected.add(reject(sourceFile, lineNumber, "header", headerProblem, line, sha256,
              ingestId, ingestedAt));
        }
        continue;
      }
      linesRead++;
      if (headerProblem != null) {
        // kept and counted, but judged only by the header's finding (one FATAL, not one per line)
        rejected.add(reject(sourceFile, lineNumber, "not_read",
            "ikke lest: filen har ingen gyldig overskriftslinje", line, sha256, ingestId, ingestedAt));
        continue;
      }
      String[] values = line.split(";", -1);
      if (values.length != def.columns().size()) {
        rejected.add(reject(sourceFile, lineNumber, "line", values.length + " felt skilt med "
            + "';', skal være " + def.columns().size() + " (" + String.join(";", def.columns())
            + ")", line, sha256, ingestId, ingestedAt));
        continue;
      }
      String aargang = value(values, def, "aargang");
      if (!YEAR.matcher(aargang).matches()) {
        rejected.add(reject(sourceFile, lineNumber, "aargang", "aargang '" + PersonalData.keptText(aargang)
            + "' er ikke et årstall med 4 siffer", line, sha256, ingestId, ingestedAt));
        continue;
      }
      String raw = value(values, def, "verdi");
      String number = raw.replace(" ", "").replace("\u00A0", "").replace(',', '.');
      if (!NUMBER.matcher(number).matches()) {
        rejected.add(reject(sourceFile, lineNumber, "verdi", "verdi '" + PersonalData.keptText(raw)
            + "' er ikke et tall med høyst to desimaler", line, sha256, ingestId, ingestedAt));
        continue;
      }
      String post = value(values, def, "post");
      CsvForms.Post p = version.post(post);
      String rowRegion = value(values, def, "region");
      accepted.add(RowFactory.create(form, Integer.parseInt(aargang),
          no.kostra.ingest.IngestFiles.sixDigitRegion(rowRegion),
          def.hasFunction() ? emptyToNull(value(values, def, "funksjon")) : null, post,
          new BigDecimal(number), p == null ? null : p.unit(), sourceFile, lineNumber, sha256,
          ingestId, ingestedAt));
    }
    Row summary = new GenericRowWithSchema(new Object[] {sourceFile, sha256, form, year, null,
        region, null, (long) bytes.length, decoded.encoding(), linesRead, blank, accepted.size(),
        rejected.size(), ingestId, ingestedAt}, Tables.INGESTED_FILES_SCHEMA);
    return new ParsedFile(accepted, rejected, summary);
  }

  private static String value(String[] values, CsvForms.Form def, String column) {
    return values[def.columns().indexOf(column)].trim();
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  private static Row reject(String file, int line, String field, String reason, String raw,
      String sha256, String ingestId, Timestamp at) {
    // skjema 7/12 hold no personal data, but a line that is not one of theirs may
    return RowFactory.create(file, line, field, reason, PersonalData.keptText(raw), sha256,
        ingestId, at);
  }
}

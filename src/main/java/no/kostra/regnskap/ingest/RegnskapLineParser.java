package no.kostra.regnskap.ingest;

import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import no.kostra.ingest.PersonalData;
import no.kostra.ingest.TextFiles;
import no.kostra.layout.FixedWidthLayout;
import no.kostra.layout.FixedWidthLayout.Field;
import no.kostra.regnskap.RegnskapForms;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import no.kostra.warehouse.Tables;

/**
 * Parses one accounting file (48-character KOSTRA records) into typed rows, rejected lines and a
 * per-file summary. Pure Java and serialisable, so Spark runs it on the executors, one file per task.
 *
 * <p>What it accepts is the syntax every later stage relies on: the record length, no TAB, the code
 * lists of skjema / kvartal / kontoklasse, a 4-digit year, a 6-digit region and the amount syntax
 * of SSB's rule 014. Everything else (is this function valid this year, does the file balance) is a
 * control rule and is judged by validation, on accepted rows.
 *
 * <p>Lines are numbered as an editor shows them (physical lines, from 1), so a respondent finds the
 * line the report names. Blank lines carry no data: they are counted, not rejected.
 */
public final class RegnskapLineParser implements Serializable {

  private final FixedWidthLayout layout;
  private final RegnskapForms forms;
  private final List<FixedWidthLayout.Checker> checkers;
  private final Field skjema;
  private final Field aargang;
  private final Field kvartal;
  private final Field region;
  private final Field orgnr;
  private final Field foretaksnr;
  private final Field kontoklasse;
  private final Field funksjonKapittel;
  private final Field artSektor;
  private final Field belop;

  public RegnskapLineParser(FixedWidthLayout layout, RegnskapForms forms) {
    this.layout = layout;
    this.forms = forms;
    this.checkers = layout.fields().stream().map(Field::checker).toList();
    this.skjema = layout.field("skjema");
    this.aargang = layout.field("aargang");
    this.kvartal = layout.field("kvartal");
    this.region = layout.field("region");
    this.orgnr = layout.field("orgnr");
    this.foretaksnr = layout.field("foretaksnr");
    this.kontoklasse = layout.field("kontoklasse");
    this.funksjonKapittel = layout.field("funksjon_kapittel");
    this.artSektor = layout.field("art_sektor");
    this.belop = layout.field("belop");
  }

  /** What one file gave: accepted rows (regnskap schema), rejected lines, and its summary row. */
  public record ParsedFile(List<Row> accepted, List<Row> rejected, Row summary) {}

  /** The submission's hash, as {@link #parse} computes it: the name's declaration and the bytes. */
  public static String submissionHash(String sourceFile, byte[] bytes) {
    SubmissionKey named = SubmissionKey.fromFileName(sourceFile);
    return TextFiles.submissionHash(named == null ? null : named.declaration(), bytes);
  }

  public ParsedFile parse(String sourceFile, byte[] bytes, String ingestId, Timestamp ingestedAt) {
    SubmissionKey named = SubmissionKey.fromFileName(sourceFile);
    String sha256 = submissionHash(sourceFile, bytes);
    TextFiles.Decoded decoded = TextFiles.decode(bytes);
    List<Row> accepted = new ArrayList<>();
    List<Row> rejected = new ArrayList<>();
    TextFiles.NonBlankLines lines = TextFiles.nonBlankLines(decoded.text());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.lines()[i];
      int lineNumber = lines.numbers()[i];
      Problem problem = check(line);
      if (problem != null) {
        // an accounting line holds no personal data, but a line that is not one may
        rejected.add(RowFactory.create(sourceFile, lineNumber, problem.field, problem.reason,
            PersonalData.keptText(line), sha256, ingestId, ingestedAt));
      } else {
        accepted.add(toRow(line, sourceFile, lineNumber, sha256, ingestId, ingestedAt));
      }
    }
    SubmissionKey key = named;
    if (key == null && !accepted.isEmpty()) {
      key = SubmissionKey.fromRecord(accepted.get(0));
    }
    return new ParsedFile(accepted, rejected,
        summary(sourceFile, sha256, key, bytes, decoded, lines.size(), lines.blank(), accepted,
            rejected, ingestId, ingestedAt));
  }

  /**
   * A file that no form recognises (SubmittedFiles): every non-blank line is rejected for the
   * reason given, and nothing of its content is kept, since nobody knows what it holds. It is
   * recorded as the accounting submission its name declares, if any (the reference's record
   * length check, rule 001, makes it FATAL).
   */
  public ParsedFile rejectWhole(String sourceFile, byte[] bytes, String reason, String ingestId,
      Timestamp ingestedAt) {
    SubmissionKey named = SubmissionKey.fromFileName(sourceFile);
    String sha256 = submissionHash(sourceFile, bytes);
    TextFiles.Decoded decoded = TextFiles.decode(bytes);
    List<Row> rejected = new ArrayList<>();
    TextFiles.NonBlankLines lines = TextFiles.nonBlankLines(decoded.text());
    for (int i = 0; i < lines.size(); i++) {
      rejected.add(RowFactory.create(sourceFile, lines.numbers()[i], null, reason,
          PersonalData.withheld(lines.lines()[i].length()), sha256, ingestId, ingestedAt));
    }
    return new ParsedFile(List.of(), rejected, summary(sourceFile, sha256, named, bytes, decoded,
        rejected.size(), lines.blank(), List.of(), rejected, ingestId, ingestedAt));
  }

  private static Row summary(String sourceFile, String sha256, SubmissionKey key, byte[] bytes,
      TextFiles.Decoded decoded, int linesRead, int blank, List<Row> accepted, List<Row> rejected,
      String ingestId, Timestamp ingestedAt) {
    return new GenericRowWithSchema(new Object[] {sourceFile, sha256,
        key == null ? null : key.skjema(), key == null ? null : key.aargang(),
        key == null ? null : key.kvartal(), key == null ? null : key.region(),
        key == null ? null : key.orgnr(),
        (long) bytes.length, decoded.encoding(), linesRead, blank, accepted.size(), rejected.size(),
        ingestId, ingestedAt}, Tables.INGESTED_FILES_SCHEMA);
  }

  private record Problem(String field, String reason) {}

  private Problem check(String line) {
    int tab = line.indexOf('\t');
    if (tab >= 0) {
      return new Problem(null, "linjen har et tabulatortegn i posisjon " + (tab + 1)
          + "; records er " + layout.recordLength() + " tegn med faste posisjoner, uten tabulator");
    }
    if (line.length() != layout.recordLength()) {
      return new Problem(null, "recorden er på " + line.length() + " tegn, skal være "
          + layout.recordLength());
    }
    for (FixedWidthLayout.Checker c : checkers) {
      Field f = c.field();
      String problem = c.problem(f.cut(line));
      if (problem != null) {
        return new Problem(f.name(), f.name() + " (posisjon " + f.from() + "-" + f.to() + "): "
            + problem);
      }
    }
    return null;
  }

  private Row toRow(String line, String sourceFile, int lineNumber, String sha256, String ingestId,
      Timestamp ingestedAt) {
    String skjemaCode = skjema.cut(line);
    String kk = kontoklasse.cut(line);
    String code1Raw = funksjonKapittel.cut(line);
    String code2Raw = artSektor.cut(line);
    String kontotype = forms.kontotype(skjemaCode, kk);
    RegnskapForms.Skjema form = forms.skjema().get(skjemaCode);
    boolean balance = form != null && "balanse".equals(form.kind());
    String code1 = blankToNull(code1Raw.trim());
    String code2 = blankToNull(code2Raw.trim());
    return RowFactory.create(
        skjemaCode,
        Integer.parseInt(aargang.cut(line)),
        blankToNull(kvartal.cut(line).trim()),
        region.cut(line),
        blankToNull(orgnr.cut(line).trim()),
        blankToNull(foretaksnr.cut(line).trim()),
        kk,
        code1Raw,
        code2Raw,
        Integer.parseInt(belop.cut(line).trim()),
        kontotype,
        balance ? null : code1,
        balance ? null : code2,
        balance ? code1 : null,
        balance ? code2 : null,
        sourceFile, lineNumber, sha256, ingestId, ingestedAt);
  }

  private static String blankToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}

package no.kostra.regnskap.ingest;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;

/**
 * What a file declares to be: skjema as submitted (0A, or 0AK3 for a quarterly file), year,
 * quarter, region and orgnr. In production the portal supplies these; in a folder of files they come
 * from the file name, or else from the file's first record.
 */
public record SubmissionKey(String skjema, Integer aargang, String kvartal, String region,
    String orgnr) implements Serializable {

  /** 0A_2025_030100.dat, 0AK3_2025_030100.dat, 0I_2025_030100_976990803.dat */
  private static final Pattern OURS =
      Pattern.compile("(0[A-Z])(K([1-4]))?_(\\d{4})_(\\d{6})(?:_(\\d{9}))?(?:[._].*)?");
  /** SSB's test files: 0A_V2019_K4_R040200_OK.dat (quarter 4 = a 0AK4 submission) */
  private static final Pattern SSB =
      Pattern.compile("(0[A-Z])_V(\\d{4})(?:_K([1-4]))?_R(\\d{6})(?:[._].*)?");

  public static SubmissionKey fromFileName(String path) {
    String name = no.kostra.ingest.IngestFiles.baseName(path);
    Matcher m = OURS.matcher(name);
    if (m.matches()) {
      String q = m.group(3);
      return new SubmissionKey(m.group(1) + (q == null ? "" : "K" + q), Integer.parseInt(m.group(4)),
          q, m.group(5), m.group(6));
    }
    m = SSB.matcher(name);
    if (m.matches()) {
      String q = m.group(3);
      return new SubmissionKey(m.group(1) + (q == null ? "" : "K" + q), Integer.parseInt(m.group(2)),
          q, m.group(4), null);
    }
    return null;
  }

  /** The declaration as text, for the submission's hash (TextFiles.submissionHash). */
  public String declaration() {
    return skjema + "|" + aargang + "|" + (kvartal == null ? "" : kvartal) + "|" + region + "|"
        + (orgnr == null ? "" : orgnr);
  }

  /** From an accepted record (Tables.REGNSKAP_SCHEMA order). */
  public static SubmissionKey fromRecord(Row r) {
    String kvartal = r.getString(2);
    return new SubmissionKey(r.getString(0) + (kvartal == null ? "" : "K" + kvartal), r.getInt(1),
        kvartal, r.getString(3), r.getString(4));
  }
}

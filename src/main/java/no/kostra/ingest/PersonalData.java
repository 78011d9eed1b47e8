package no.kostra.ingest;

/**
 * What of a submitted line may be kept where people read it (rejected_lines, findings, reports,
 * logs). A line of a person-level form, or a line whose form is unknown, may hold a fødselsnummer,
 * a DUF number, a birth date, a journal number or a caseworker's name at positions nobody can
 * know once the line does not fit its layout: of such a line nothing is kept but its length. A
 * line of a form that holds no personal data (accounting, skjema 7/12) is kept in full, which is
 * what a respondent needs to find the fault, unless it does not look like a line of such a form:
 * longer than any of their records could plausibly be, or holding an identity number or a DUF
 * number (valid check digits).
 *
 * <p>The check digits are the population register's (mod 11, two digits) and the UDI's for DUF
 * numbers (social-assistance.md §4); {@code sosial.ingest.PersonIdentifiers} uses the same ones.
 */
public final class PersonalData {

  private PersonalData() {}

  /** Weights of the fødselsnummer's first and second check digit. */
  static final int[] FNR_K1 = {3, 7, 6, 1, 8, 9, 4, 5, 2, 1};
  static final int[] FNR_K2 = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1};
  /** Weights of a DUF number's two check digits (Σ mod 11 = digits 11-12). */
  static final int[] DUF_WEIGHTS = {4, 6, 3, 2, 4, 6, 3, 2, 7, 5};

  /**
   * Lines of the non-personal forms longer than this are not kept: the accounting record has 48
   * characters and a skjema 7/12 line a few dozen, while the shortest person-level record (11CF)
   * has 136.
   */
  public static final int LONGEST_KEPT_LINE = 100;

  /** Whether 11 digits (0-9 values) have the fødselsnummer's two valid check digits. */
  public static boolean fnrCheckDigitsValid(int[] d) {
    return d.length == 11 && weighted(d, 0, FNR_K1) % 11 == 0 && weighted(d, 0, FNR_K2) % 11 == 0;
  }

  /**
   * The fødselsnummer's next check digit: of the first 9 digits (k1) or of the first 10 (k2);
   * 10 when the digits have none (such a number is never issued).
   */
  public static int fnrCheckDigit(int[] digits) {
    int[] weights = digits.length == 9 ? FNR_K1 : FNR_K2;
    int sum = 0;
    for (int i = 0; i < digits.length; i++) {
      sum += digits[i] * weights[i];
    }
    int k = 11 - sum % 11;
    return k == 11 ? 0 : k;
  }

  /** A DUF number's check number (digits 11-12) of its first 10 digits. */
  public static int dufCheckNumber(int[] ten) {
    return weighted(ten, 0, DUF_WEIGHTS) % 11;
  }

  /** Whether 12 digits have a DUF number's valid check digits. */
  public static boolean dufCheckDigitsValid(int[] d) {
    return d.length == 12 && weighted(d, 0, DUF_WEIGHTS) % 11 == d[10] * 10 + d[11];
  }

  /**
   * Whether the text holds, anywhere in a run of digits, 11 digits that are a fødselsnummer or
   * D-number (valid check digits and a day and month that can be one) or 12 that are a DUF number.
   */
  public static boolean holdsIdentityNumber(String text) {
    return !identityNumbers(text, true).isEmpty();
  }

  /**
   * The identity numbers in the text, as {@link #holdsIdentityNumber} finds them (the fuzzing
   * harness collects what must never reach the warehouse); {@code first}: stop at the first.
   */
  public static java.util.List<String> identityNumbers(String text, boolean first) {
    java.util.List<String> found = new java.util.ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      if (!isDigit(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && isDigit(text.charAt(i))) {
        i++;
      }
      if (i - start >= 11) {
        int[] run = text.substring(start, i).chars().map(c -> c - '0').toArray();
        for (int at = 0; at + 11 <= run.length; at++) {
          if (fnrLike(run, at)) {
            found.add(text.substring(start + at, start + at + 11));
          } else if (at + 12 <= run.length && weighted(run, at, DUF_WEIGHTS) % 11
              == run[at + 10] * 10 + run[at + 11]) {
            found.add(text.substring(start + at, start + at + 12));
          } else {
            continue;
          }
          if (first) {
            return found;
          }
        }
      }
    }
    return found;
  }

  /**
   * A rejected line of a form without personal data, as it may be kept: the line itself, or, when
   * it does not look like a line of such a form, only its length.
   */
  public static String keptText(String line) {
    if (line.length() > LONGEST_KEPT_LINE || holdsIdentityNumber(line)) {
      return withheld(line.length());
    }
    return line;
  }

  /** What is kept of a line of which nothing may be kept. */
  public static String withheld(int length) {
    return "[" + length + " characters withheld: may hold personal data]";
  }

  private static boolean fnrLike(int[] d, int at) {
    if (weighted(d, at, FNR_K1) % 11 != 0 || weighted(d, at, FNR_K2) % 11 != 0) {
      return false;
    }
    int day = d[at] * 10 + d[at + 1];
    int month = d[at + 2] * 10 + d[at + 3];
    day = day > 40 ? day - 40 : day; // D-number
    month = month > 80 ? month - 80 : month > 40 ? month - 40 : month; // synthetic / H-number
    return day >= 1 && day <= 31 && month >= 1 && month <= 12;
  }

  private static int weighted(int[] digits, int at, int[] weights) {
    int sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += digits[at + i] * weights[i];
    }
    return sum;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}

package no.kostra.sosial.ingest;

import java.time.DateTimeException;
import java.time.LocalDate;
import no.kostra.ingest.PersonalData;

/**
 * Checks and derivations on Norwegian identity numbers and DUF numbers (social-assistance.md §4),
 * done at ingest while the clear value is still in memory. Nothing here keeps the value.
 */
public final class PersonIdentifiers {

  private PersonIdentifiers() {}

  /**
   * What a fødselsnummer field tells. {@code type}: fnr, dnr (D-number), synthetic (the population
   * register's test numbers, month + 80), adapted (DDMMYY + 00100/00200/99999, no real number
   * known), invalid, none (blank). {@code valid} is rule 05's test; {@code birthDate} is null when
   * it cannot be derived; {@code sex} "1" male, "2" female, null unknown.
   */
  public record Fnr(String type, boolean mod11Valid, boolean valid, LocalDate birthDate, String sex) {}

  public static final Fnr NONE = new Fnr("none", false, false, null, null);

  public static Fnr fodselsnummer(String raw, int reportingYear) {
    String v = raw == null ? "" : raw.trim();
    if (v.isEmpty()) {
      return NONE;
    }
    if (v.length() != 11 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return new Fnr("invalid", false, false, null, null);
    }
    int[] d = v.chars().map(c -> c - '0').toArray();
    boolean mod11 = PersonalData.fnrCheckDigitsValid(d);
    int day = d[0] * 10 + d[1];
    int month = d[2] * 10 + d[3];
    int yy = d[4] * 10 + d[5];
    String suffix = v.substring(6);
    boolean adapted = suffix.equals("00100") || suffix.equals("00200") || suffix.equals("99999");
    if (!mod11 && adapted) {
      // no century in an adapted number: the latest that is not after 31.12 of the year after
      LocalDate date = date(2000 + yy, month, day);
      if (date == null || date.isAfter(LocalDate.of(reportingYear + 1, 12, 31))) {
        date = date(1900 + yy, month, day);
      }
      if (date == null) {
        return new Fnr("invalid", false, false, null, null);
      }
      String sex = suffix.equals("00100") ? "1" : suffix.equals("00200") ? "2" : null;
      return new Fnr("adapted", false, true, date, sex);
    }
    if (!mod11) {
      return new Fnr("invalid", false, false, null, null);
    }
    String type = "fnr";
    if (day > 40) {
      type = "dnr";
      day -= 40;
    }
    if (month > 80) {
      type = "synthetic";
      month -= 80;
    }
    Integer century = century(d[6] * 100 + d[7] * 10 + d[8], yy);
    LocalDate birth = century == null ? null : date(century + yy, month, day);
    // a number with valid check digits is accepted even if its date part is impossible (as the
    // reference); its age is then unknown
    return new Fnr(type, true, true, birth, d[8] % 2 == 1 ? "1" : "2");
  }

  /** The century from the individual number (the reference's rule); null when none fits. */
  static Integer century(int individual, int yy) {
    if (individual <= 499) {
      return 1900;
    }
    if (individual <= 749 && yy >= 54) {
      return 1800;
    }
    if (yy <= 39) {
      return 2000;
    }
    if (individual >= 900) {
      return 1900;
    }
    return null;
  }

  /** DUF number: 12 digits, digits 11–12 = Σ(first ten × 4 6 3 2 4 6 3 2 7 5) mod 11. Null if blank. */
  public static Boolean dufValid(String raw) {
    String v = raw == null ? "" : raw.trim();
    if (v.isEmpty()) {
      return null;
    }
    if (v.length() != 12 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    int[] d = v.chars().map(c -> c - '0').toArray();
    return PersonalData.dufCheckDigitsValid(d);
  }

  /** Age reached in the reporting year (year difference only, as SSB counts it). */
  public static Integer ageAtEndOf(int reportingYear, LocalDate birth) {
    return birth == null ? null : reportingYear - birth.getYear();
  }

  /**
   * A strict date (no 31.02): {@code ddMMyyyy}, or {@code ddMMyy} with the century that puts it
   * closest to, and not after, 31.12 of the year after the reporting year. Null if blank or invalid.
   */
  public static LocalDate parseDate(String raw, String pattern, int reportingYear) {
    String v = raw == null ? "" : raw.trim();
    if (v.length() != pattern.length() || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    int day = Integer.parseInt(v.substring(0, 2));
    int month = Integer.parseInt(v.substring(2, 4));
    return switch (pattern) {
      case "ddMMyyyy" -> date(Integer.parseInt(v.substring(4, 8)), month, day);
      case "ddMMyy" -> {
        int yy = Integer.parseInt(v.substring(4, 6));
        LocalDate d = date(2000 + yy, month, day);
        yield d != null && !d.isAfter(LocalDate.of(reportingYear + 1, 12, 31)) ? d
            : date(1900 + yy, month, day);
      }
      default -> throw new IllegalArgumentException("unsupported date pattern " + pattern);
    };
  }

  private static LocalDate date(int year, int month, int day) {
    try {
      return LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      return null;
    }
  }
}

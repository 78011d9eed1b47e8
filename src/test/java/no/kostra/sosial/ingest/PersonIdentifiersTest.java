package no.kostra.sosial.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import no.kostra.ingest.Pseudonymizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Identity numbers as social-assistance.md §4 describes them, table-driven. */
class PersonIdentifiersTest {

  /** Scratch files of this class (JUnit removes the folder when the class ends). */
  @org.junit.jupiter.api.io.TempDir
  static java.nio.file.Path scratch;

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      # number     | type      | mod11 | valid | birth date | sex | why
      15859010331  | synthetic | true  | true  | 1990-05-15 | 1   | test number (month + 80), male
      02918520018  | synthetic | true  | true  | 1985-11-02 | 2   | test number, female
      47838030188  | synthetic | true  | true  | 1980-03-07 | 1   | D-number (day + 40) of a test number
      12037540143  | fnr       | true  | true  | 1975-03-12 | 1   | ordinary number, 1900s (individual 400)
      20860860172  | synthetic | true  | true  | 2008-06-20 | 1   | individual 600 with YY 08: 2000s
      15859010332  | invalid   | false | false | -          | -   | last check digit wrong
      02020212345  | invalid   | false | false | -          | -   | the 11CF fixture's number
      01010100100  | adapted   | false | true  | 2001-01-01 | 1   | adapted male: century not after 31.12 of year + 1
      01010100200  | adapted   | false | true  | 2001-01-01 | 2   | adapted female
      31129099999  | adapted   | false | true  | 1990-12-31 | -   | adapted, sex unknown
      31029000100  | invalid   | false | false | -          | -   | adapted suffix, impossible date
      1585901033   | invalid   | false | false | -          | -   | ten digits
      1585901033X  | invalid   | false | false | -          | -   | not digits
      -            | none      | false | false | -          | -   | blank
      """)
  void fodselsnummer(String number, String type, boolean mod11, boolean valid, String birth,
      String sex, String why) {
    var fnr = PersonIdentifiers.fodselsnummer(number, 2025);
    assertEquals(type, fnr.type(), why);
    assertEquals(mod11, fnr.mod11Valid(), why);
    assertEquals(valid, fnr.valid(), why);
    assertEquals(birth == null ? null : LocalDate.parse(birth), fnr.birthDate(), why);
    assertEquals(sex, fnr.sex(), why);
  }

  @ParameterizedTest(name = "individual {0}, YY {1} -> {2}")
  @CsvSource(nullValues = "-", textBlock = """
      0,   99, 1900
      499, 0,  1900
      500, 54, 1800
      749, 99, 1800
      500, 39, 2000
      999, 0,  2000
      900, 40, 1900
      999, 99, 1900
      750, 40, -
      600, 45, -
      """)
  void centuryFromTheIndividualNumber(int individual, int yy, Integer century) {
    assertEquals(century, PersonIdentifiers.century(individual, yy));
  }

  @ParameterizedTest(name = "DUF {0}: {1}")
  @CsvSource(nullValues = "-", textBlock = """
      201512345609, true
      201512345610, false
      199012345678, false
      20151234560,  false
      -,            -
      """)
  void dufNumber(String duf, Boolean valid) {
    assertEquals(valid, PersonIdentifiers.dufValid(duf));
  }

  @Test
  void datesAreStrict() {
    assertNull(PersonIdentifiers.parseDate("31022025", "ddMMyyyy", 2025), "31 February");
    assertEquals(LocalDate.of(2024, 2, 29), PersonIdentifiers.parseDate("29022024", "ddMMyyyy", 2024));
    assertNull(PersonIdentifiers.parseDate("1 022025", "ddMMyyyy", 2025));
    assertNull(PersonIdentifiers.parseDate("010225", "ddMMyyyy", 2025), "too short for the pattern");
  }

  @Test
  void sixCharacterDatesTakeTheLatestCenturyNotAfterTheYearAfter() {
    assertEquals(LocalDate.of(2023, 2, 2), PersonIdentifiers.parseDate("020223", "ddMMyy", 2024));
    assertEquals(LocalDate.of(2025, 12, 31), PersonIdentifiers.parseDate("311225", "ddMMyy", 2024));
    assertEquals(LocalDate.of(1926, 1, 1), PersonIdentifiers.parseDate("010126", "ddMMyy", 2024));
  }

  @Test
  void ageIsTheAgeReachedInTheYear() {
    assertEquals(35, PersonIdentifiers.ageAtEndOf(2025, LocalDate.of(1990, 12, 31)));
    assertNull(PersonIdentifiers.ageAtEndOf(2025, null), "unknown, never -1");
  }

  @Test
  void pseudonymsAreKeyedStableAndDomainSeparated() {
    Pseudonymizer a = Pseudonymizer.fromText("a".repeat(40));
    Pseudonymizer b = Pseudonymizer.fromText("b".repeat(40));
    assertEquals(a.pseudonym("fnr", "15859010331"), a.pseudonym("fnr", " 15859010331 "));
    assertNotEquals(a.pseudonym("fnr", "15859010331"), b.pseudonym("fnr", "15859010331"));
    assertNotEquals(a.pseudonym("fnr", "15859010331"), a.pseudonym("duf", "15859010331"));
    assertEquals(32, a.pseudonym("fnr", "15859010331").length());
    assertNull(a.pseudonym("fnr", "   "));
  }

  @Test
  void aKeyInsideTheWarehouseIsRefused() throws java.io.IOException {
    java.nio.file.Path warehouse = java.nio.file.Files.createTempDirectory(scratch, "wh");
    java.nio.file.Path inside = Pseudonymizer.createKeyFile(warehouse.resolve("keys/pseudonym.key"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> Pseudonymizer.fromFile(inside).notInside(warehouse.toString()));
    java.nio.file.Path outside = Pseudonymizer.createKeyFile(
        java.nio.file.Files.createTempDirectory(scratch, "key").resolve("pseudonym.key"));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        java.nio.file.Files.getPosixFilePermissions(outside)));
    Pseudonymizer.fromFile(outside).notInside(warehouse.toString());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> Pseudonymizer.createKeyFile(outside), "an existing key is never replaced");
  }
}

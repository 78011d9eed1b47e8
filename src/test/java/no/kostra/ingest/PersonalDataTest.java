package no.kostra.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What of a rejected line of a form without personal data is kept: one row per case. */
class PersonalDataTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // a quarterly accounting record: an 11-digit run that is no identity number
      "0A20194040200                  1120 010    36328|kept",
      "0I2025 460100976990803976990803 1242 010      100|kept",
      "0A2025 460100                  1242 010     10 0|kept",
      // a synthetic fødselsnummer, a D-number and a DUF number, anywhere in a line
      "2025;4601;15859010331;8100|withheld",
      "0A2025 46010015859010331       1242 010      100|withheld",
      "2025;4601;01;55059012370|withheld",
      "201512345609 is a DUF number|withheld",
  })
  void aLineIsKeptUnlessItMayHoldPersonalData(String line, String expected) {
    String kept = PersonalData.keptText(line);
    assertEquals(expected, kept.equals(line) ? "kept" : "withheld", kept);
  }

  @org.junit.jupiter.api.Test
  void aPersonRecordUnderAStaffingNameIsRejectedWithNothingOfItKept() {
    // an 11CF record cut short (no layout's length, so no form by content) in a skjema 12 file:
    // its header is wrong and every line is rejected, quoting nothing of the line
    String record = "4601250115859010331JRN-4711  Kari Nordm" + " ".repeat(100);
    var parser = new no.kostra.csvforms.CsvFormParser(no.kostra.csvforms.CsvForms.load(
        no.kostra.schemas.SchemaDir.locate()));
    var parsed = parser.parse("skjema12_2025_4601.csv", (record + "\n" + record + "\n")
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), "12", 2025, "460100", "t",
        new java.sql.Timestamp(0));
    assertEquals(2, parsed.rejected().size());
    for (var r : parsed.rejected()) {
      for (int i = 0; i < r.length(); i++) {
        String text = String.valueOf(r.get(i));
        org.junit.jupiter.api.Assertions.assertFalse(text.contains("15859010331")
            || text.contains("JRN-4711") || text.contains("Kari"), text);
      }
    }
  }

  @ParameterizedTest(name = "{0} characters")
  @CsvSource({"48, kept", "100, kept", "101, withheld", "338, withheld"})
  void aLineLongerThanAnyRecordOfTheFormIsWithheld(int length, String expected) {
    String line = "0A2025 460100" + " ".repeat(length - 13);
    String kept = PersonalData.keptText(line);
    assertEquals(expected, kept.equals(line) ? "kept" : "withheld");
    assertEquals(expected.equals("kept") ? line : "[" + length
        + " characters withheld: may hold personal data]", kept);
  }
}

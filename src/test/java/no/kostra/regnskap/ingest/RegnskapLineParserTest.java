package no.kostra.regnskap.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.stream.Stream;
import no.kostra.regnskap.RegnskapForms;
import no.kostra.schemas.SchemaDir;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The parser on SSB's real 0A file of 2019 Q4, and table-driven on malformed lines. */
class RegnskapLineParserTest {

  private static final SchemaDir SCHEMAS = SchemaDir.locate();
  private static final RegnskapLineParser PARSER =
      new RegnskapLineParser(RegnskapForms.layout(SCHEMAS), RegnskapForms.load(SCHEMAS));
  private static final Timestamp NOW = Timestamp.valueOf("2026-01-02 08:00:00");
  private static final String GOOD = "0A20254030100                  1242 010     1234";

  // column positions in Tables.REGNSKAP_SCHEMA
  private static final int SKJEMA = 0, AARGANG = 1, KVARTAL = 2, REGION = 3, ORGNR = 4,
      KONTOKLASSE = 6, FUNKSJON_KAPITTEL = 7, BELOP = 9, KONTOTYPE = 10, FUNKSJON = 11, ART = 12,
      KAPITTEL = 13, LINE = 16;

  private static RegnskapLineParser.ParsedFile parse(String text) {
    return PARSER.parse("test.dat", text.getBytes(StandardCharsets.ISO_8859_1), "t", NOW);
  }

  @Test
  void parsesTheRealFixtureWithItsCountsAndSums() throws Exception {
    byte[] bytes = Files.readAllBytes(Path.of("src/test/resources/fixtures/0A_V2019_K4_R040200_OK.dat"));
    var parsed = PARSER.parse("0A_V2019_K4_R040200_OK.dat", bytes, "t", NOW);
    List<Row> rows = parsed.accepted();

    assertEquals(1644, rows.size());
    assertEquals(0, parsed.rejected().size());
    Row summary = parsed.summary();
    assertEquals(1644, summary.<Integer>getAs("lines_read")); // lines read
    assertEquals(0, summary.<Integer>getAs("blank_lines")); // blank
    assertEquals("UTF-8", summary.<String>getAs("encoding")); // plain ASCII is valid UTF-8
    // the declared submission, from SSB's file name: 0A, version 2019, quarter 4, region 040200
    assertEquals("0AK4", summary.<String>getAs("skjema"));
    assertEquals(2019, summary.<Integer>getAs("aargang"));
    assertEquals("4", summary.<String>getAs("kvartal"));
    assertEquals("040200", summary.<String>getAs("region"));

    Row first = rows.get(0);
    assertEquals("0A", first.getString(SKJEMA));
    assertEquals(2019, first.getInt(AARGANG));
    assertEquals("4", first.getString(KVARTAL));
    assertEquals("040200", first.getString(REGION));
    assertNull(first.get(ORGNR));
    assertEquals("1", first.getString(KONTOKLASSE));
    assertEquals("120 ", first.getString(FUNKSJON_KAPITTEL)); // raw, untrimmed
    assertEquals("120", first.getString(FUNKSJON));
    assertEquals("010", first.getString(ART));
    assertNull(first.get(KAPITTEL));
    assertEquals(36328, first.getInt(BELOP));
    assertEquals("drift", first.getString(KONTOTYPE));
    assertEquals(1, first.getInt(LINE));
    assertEquals(1644, rows.get(1643).getInt(LINE)); // the last line has no final newline

    // amount text "0" (63 rows) and "-0" (7 rows) are both kept as records with value 0
    String[] lines = new String(bytes, StandardCharsets.US_ASCII).split("\n");
    assertEquals(63, Stream.of(lines).filter(l -> l.substring(39).trim().equals("0")).count());
    assertEquals(7, Stream.of(lines).filter(l -> l.substring(39).trim().equals("-0")).count());
    assertEquals(70, rows.stream().filter(r -> r.getInt(BELOP) == 0).count());
    assertEquals(322, rows.stream().filter(r -> r.getInt(BELOP) < 0).count());
    assertEquals(-547580, rows.stream().mapToInt(r -> r.getInt(BELOP)).min().getAsInt());
    assertEquals(137496, rows.stream().mapToInt(r -> r.getInt(BELOP)).max().getAsInt());

    // kontoklasse 1 = drift (1 500 rows), 0 = investering (144 rows)
    assertEquals(1500, rows.stream().filter(r -> "drift".equals(r.getString(KONTOTYPE))).count());
    assertEquals(144, rows.stream().filter(r -> "investering".equals(r.getString(KONTOTYPE))).count());

    // the sums the reference reports for rules 095 and 110 (fixtures/README.md), by hand:
    // expenses are arts 010-599, everything else is the other side
    assertEquals(1557532, sum(rows, "drift", true));
    assertEquals(-1521694, sum(rows, "drift", false));
    assertEquals(238889, sum(rows, "investering", true));
    assertEquals(-125504, sum(rows, "investering", false));
  }

  private static long sum(List<Row> rows, String kontotype, boolean expenses) {
    return rows.stream().filter(r -> kontotype.equals(r.getString(KONTOTYPE)))
        .filter(r -> {
          int art = Integer.parseInt(r.getString(ART));
          return expenses == (art >= 10 && art <= 599);
        })
        .mapToLong(r -> r.getInt(BELOP)).sum();
  }

  static Stream<Arguments> malformedLines() {
    return Stream.of(
        Arguments.of("wrong length (47)", GOOD.substring(0, 47), null, "recorden er på 47 tegn, skal være 48"),
        Arguments.of("wrong length (49)", GOOD + "1", null, "recorden er på 49 tegn"),
        Arguments.of("TAB", GOOD.substring(0, 36) + "\t" + GOOD.substring(37), null, "tabulatortegn i posisjon 37"),
        Arguments.of("letter in amount", GOOD.substring(0, 39) + "     12O5", "belop", "belop (posisjon 40-48): '     12O5' er ikke et heltall"),
        Arguments.of("thousand separator", GOOD.substring(0, 39) + "    1 000", "belop", "er ikke et heltall"),
        Arguments.of("minus not next to digits", GOOD.substring(0, 39) + "-     100", "belop", "er ikke et heltall"),
        Arguments.of("plus sign", GOOD.substring(0, 39) + "     +100", "belop", "er ikke et heltall"),
        Arguments.of("decimal point", GOOD.substring(0, 39) + "      1.5", "belop", "er ikke et heltall"),
        Arguments.of("blank amount", GOOD.substring(0, 39) + "         ", "belop", "er ikke et heltall"),
        Arguments.of("amount beyond int", GOOD.substring(0, 39) + "999999999", null, null),
        Arguments.of("unknown skjema", "0Z" + GOOD.substring(2), "skjema", "skjema (posisjon 1-2): '0Z' er ikke en gyldig kode"),
        Arguments.of("year not digits", "0A20X5" + GOOD.substring(6), "aargang", "aargang (posisjon 3-6): '20X5' har ikke formatet"),
        Arguments.of("bad quarter", "0A20255" + GOOD.substring(7), "kvartal", "kvartal (posisjon 7-7): '5' er ikke en gyldig kode"),
        Arguments.of("region with letter", "0A2025 03O100" + GOOD.substring(13), "region", "region (posisjon 8-13)"),
        Arguments.of("region with non-ASCII", "0A2025 03ø100" + GOOD.substring(13), "region", "har ikke formatet"),
        Arguments.of("unknown kontoklasse", GOOD.substring(0, 31) + "7" + GOOD.substring(32), "kontoklasse", "'7' er ikke en gyldig kode"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedLines")
  void rejectsAMalformedLineWithAReadableReasonAndKeepsTheRest(String name, String bad,
      String field, String reason) {
    var parsed = parse(GOOD + "\n" + bad + "\n" + GOOD + "\n");
    if (reason == null) { // a valid line after all (999999999 fits in an int)
      assertEquals(3, parsed.accepted().size());
      return;
    }
    assertEquals(2, parsed.accepted().size(), "the good lines around it are kept");
    assertEquals(1, parsed.rejected().size());
    Row rejected = parsed.rejected().get(0);
    assertEquals("test.dat", rejected.getString(0));
    assertEquals(2, rejected.getInt(1), "line number");
    assertEquals(field, rejected.getString(2));
    assertTrue(rejected.getString(3).contains(reason), rejected.getString(3));
    assertEquals(bad, rejected.getString(4), "the raw line is kept");
    assertEquals(3, parsed.summary().<Integer>getAs("lines_read")); // lines read = accepted + rejected
  }

  @Test
  void acceptsCrlfAndCountsBlankLinesWithoutLosingLineNumbers() {
    var parsed = parse(GOOD + "\r\n\r\n   \r\n" + GOOD.replace("1234", "-999") + "\r\n");
    assertEquals(2, parsed.accepted().size());
    assertEquals(4, parsed.accepted().get(1).getInt(LINE), "physical line number");
    assertEquals(-999, parsed.accepted().get(1).getInt(BELOP));
    assertEquals(2, parsed.summary().<Integer>getAs("lines_read")); // lines read
    assertEquals(2, parsed.summary().<Integer>getAs("blank_lines")); // blank lines
  }

  @Test
  void decodesIso88591AndUtf8() {
    byte[] latin1 = (GOOD + "\n").getBytes(StandardCharsets.ISO_8859_1);
    assertEquals("UTF-8", PARSER.parse("a", latin1, "t", NOW).summary().<String>getAs("encoding"));
    byte[] withLatin1Letter = ("0A2025 03\u00f8100" + GOOD.substring(13)).getBytes(StandardCharsets.ISO_8859_1);
    var parsed = PARSER.parse("b", withLatin1Letter, "t", NOW);
    assertEquals("ISO-8859-1", parsed.summary().<String>getAs("encoding"));
    assertTrue(parsed.rejected().get(0).getString(4).contains("\u00f8"), "decoded, not mangled");
  }

  @Test
  void balanceFormsFillKapittelAndSektor() {
    var parsed = parse("0G2022 380500976990803         55990080  -163048\n");
    Row r = parsed.accepted().get(0);
    assertEquals("balanse", r.getString(KONTOTYPE));
    assertEquals("5990", r.getString(KAPITTEL));
    assertEquals("080", r.getString(14));
    assertEquals("976990803", r.getString(ORGNR));
    assertNull(r.get(FUNKSJON));
  }

  @Test
  void aKontoklasseThatMisfitsTheSkjemaIsKeptWithoutKontotype() {
    // 0M uses 3/4; kontoklasse 1 is valid in the layout but not for 0M: rule 009 judges it later
    var parsed = parse("0M2025 030100                  1242 010     1234\n");
    assertEquals(1, parsed.accepted().size());
    assertNull(parsed.accepted().get(0).get(KONTOTYPE));
  }
}

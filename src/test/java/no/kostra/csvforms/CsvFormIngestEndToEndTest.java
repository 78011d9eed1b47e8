package no.kostra.csvforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import no.kostra.EndToEnd;
import no.kostra.TestBase;
import no.kostra.ingest.IngestRun;
import no.kostra.reference.Classifications;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Generated skjema 7 and 12 files of 2025 for 40 municipalities (Oslo as 15 districts), with one
 * fault per rule and missing forms, ingested as a statistician would: everything accounted for,
 * every fault found by its rule on its line, nothing else found, a rerun does nothing.
 */
@EndToEnd
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CsvFormIngestEndToEndTest extends TestBase {

  private Warehouse warehouse;
  private Path input;
  private CsvFormGenerator.Result generated;
  private IngestRun.Result first;

  @BeforeAll
  void generateAndIngest() {
    startSpark();
    input = tempDir("csvforms-input");
    Classifications c = Classifications.load(SCHEMAS);
    Set<String> only = c.municipalities(2025).stream().map(Classifications.Municipality::code)
        .filter(code -> code.equals("0301") || code.compareTo("4600") > 0).limit(40)
        .collect(Collectors.toSet());
    generated = CsvFormGenerator.forYear(2025, SCHEMAS).seed(7).only(only).writeTo(input);
    warehouse = warehouse(tempDir("csvforms-wh"));
    first = CsvFormIngest.into(warehouse, SCHEMAS).from(input.toString()).run();
  }

  @Test
  void everyLineIsARowOrARejectedLine() {
    Assertions.assertTrue(first.reconciles());
    assertEquals(generated.files(), first.filesIngested());
    for (Row r : sql(warehouse, "SELECT source_file, lines_read, rows_accepted, lines_rejected "
        + "FROM ingested_files")) {
      assertEquals(r.getInt(1), r.getInt(2) + r.getInt(3), r.getString(0));
    }
    long rows = sql(warehouse, "SELECT count(*) FROM staffing").get(0).getLong(0)
        + sql(warehouse, "SELECT count(*) FROM benefit_rates").get(0).getLong(0);
    long rejected = sql(warehouse, "SELECT count(*) FROM rejected_lines").get(0).getLong(0);
    // every line of every file but the header lines that were right
    long headersRight = generated.files() - generated.faults().stream()
        .filter(f -> f.rule().equals("001")).count();
    assertEquals(generated.lines() - headersRight, rows + rejected);
  }

  @Test
  void everyPlantedFaultIsFoundByItsRuleOnItsLineAndNothingElse() {
    Map<String, List<Row>> findings = new HashMap<>();
    for (Row r : sql(warehouse, "SELECT s.source_file, v.rule_id, v.line_numbers FROM "
        + "validation_results v JOIN submissions s USING (submission_id)")) {
      String name = Path.of(r.getString(0)).getFileName().toString();
      findings.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(r);
    }
    long planted = 0;
    for (CsvFormGenerator.Fault f : generated.faults()) {
      if (f.rule().equals("missing")) {
        assertFalse(Files.exists(input.resolve(f.file())), f.file() + " should not be sent");
        continue;
      }
      planted++;
      List<Row> inFile = findings.getOrDefault(f.file(), List.of());
      assertEquals(1, inFile.size(), f + ": " + inFile);
      Row finding = inFile.get(0);
      assertEquals(f.rule(), finding.getString(1), f.toString());
      if (f.line() > 0) {
        Assertions.assertTrue(finding.getList(2).contains(f.line()),
            f + " lines " + finding.getList(2));
      }
    }
    // 2025's guideline rates are placeholders: no "below the guideline" fault (rule 023) is
    // planted or found
    assertEquals(24, planted, "16 skjema 7 and 8 skjema 12 faults");
    assertFalse(generated.faults().stream().anyMatch(f -> f.rule().equals("023")));
    assertEquals(planted, findings.values().stream().mapToLong(List::size).sum());
    assertEquals(5, generated.faults().stream().filter(f -> f.rule().equals("missing")).count());
  }

  @Test
  void staffingAndRatesArePlausible() {
    // Oslo's districts sum to the city; FTEs per 10 000 inhabitants as the accounting implies
    Row oslo = sql(warehouse, "SELECT count(DISTINCT region), sum(verdi) FROM staffing "
        + "WHERE region LIKE '0301%' AND post IN ('01','02','03','04','05','06')").get(0);
    assertEquals(15L, oslo.getLong(0));
    Assertions.assertTrue(oslo.getDecimal(1).doubleValue() > 1000, "Oslo FTEs " + oslo.get(1));
    Row below = sql(warehouse, "SELECT count(*) FROM benefit_rates WHERE post = '01' "
        + "AND verdi < 8100 AND verdi > 0").get(0);
    assertEquals(0L, below.getLong(0), "single rates at or above the 2025 guideline");
  }

  @Test
  void aRerunIngestsNothing() {
    IngestRun.Result again = CsvFormIngest.into(warehouse, SCHEMAS).from(input.toString()).run();
    assertEquals(0, again.filesIngested());
    assertEquals(generated.files(), again.filesSkipped().size());
  }
}

package no.kostra.csvforms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import no.kostra.TestBase;
import no.kostra.validate.ExpectedFindings;
import no.kostra.validate.RuleSet;
import no.kostra.validate.ValidationOutcome;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Every skjema 7 / 12 control rule, table-driven from src/test/resources/rules/csvforms-cases.yaml:
 * each case is written as a real CSV file, parsed as ingest does, all cases are validated in one
 * run against a warehouse holding Stavanger's accounting for 2025 and its skjema 7 for 2024 (for
 * the cross-checks), and each case's expected findings are checked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CsvFormRulesTest extends TestBase {

  record Case(String name, String base, Integer year, String region, Map<Integer, String> replace,
      List<Integer> remove, List<String> add, List<String> lines, Map<String, Integer> expect,
      Boolean none, String severity, Map<String, String> message, Map<String, Integer> also) {}

  record CaseFile(Map<String, List<String>> base, List<Case> cases) {}

  private CaseFile file;
  private final Map<String, Map<String, List<ExpectedFindings.Found>>> found = new HashMap<>();

  @BeforeAll
  void validateAllCases() throws Exception {
    startSpark();
    file = new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .readValue(Path.of("src/test/resources/rules/csvforms-cases.yaml").toFile(), CaseFile.class);
    Warehouse warehouse = warehouse(tempDir("csvforms-rules"));
    seedCrossCheckSources(warehouse);
    CsvFormParser parser = new CsvFormParser(CsvForms.load(SCHEMAS));
    Timestamp now = new Timestamp(0);
    List<Row> declared = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    List<Row> rejected = new ArrayList<>();
    int sha = CsvForms.TABLE_SCHEMA.fieldIndex("file_sha256");
    int rejectedSha = Tables.REJECTED_LINES_SCHEMA.fieldIndex("file_sha256");
    for (int i = 0; i < file.cases().size(); i++) {
      Case c = file.cases().get(i);
      int year = c.year() == null ? 2025 : c.year();
      String region = c.region() == null ? "1103" : c.region();
      String text = String.join("\r\n", lines(c, year, region)) + "\r\n";
      String id = "case-" + i;
      String region6 = region.length() == 4 ? region + "00" : region;
      var parsed = parser.parse(c.name(), text.getBytes(StandardCharsets.UTF_8), c.base(), year,
          region6, "test", now);
      parsed.accepted().forEach(r -> rows.add(withValue(r, sha, id)));
      parsed.rejected().forEach(r -> rejected.add(withValue(r, rejectedSha, id)));
      declared.add(RowFactory.create(id, c.name(), c.base(), year, region6,
          parsed.summary().<Integer>getAs("lines_read"), now));
    }
    var spark = session();
    try (ValidationOutcome outcome = CsvFormValidation.load(spark, SCHEMAS).validate(
        spark.createDataFrame(declared, CsvFormValidation.DECLARED_SCHEMA),
        spark.createDataFrame(rows, CsvForms.TABLE_SCHEMA),
        spark.createDataFrame(rejected, Tables.REJECTED_LINES_SCHEMA), warehouse)) {
      for (Row f : outcome.findings().collectAsList()) {
        String caseName = file.cases().get(Integer.parseInt(
            f.<String>getAs("submission_id").substring(5))).name();
        ExpectedFindings.add(found.computeIfAbsent(caseName, k -> new HashMap<>()), f);
      }
    }
  }

  private List<String> lines(Case c, int year, String region) {
    List<String> lines = new ArrayList<>(c.lines() != null ? c.lines() : file.base().get(c.base()));
    if (c.replace() != null) {
      c.replace().forEach((n, text) -> lines.set(n - 1, text));
    }
    if (c.remove() != null) {
      c.remove().stream().sorted(java.util.Comparator.reverseOrder())
          .forEach(n -> lines.remove(n - 1));
    }
    if (c.add() != null) {
      lines.addAll(c.add());
    }
    return lines.stream().map(l -> l.replace("{Y}", "" + year).replace("{R}", region)).toList();
  }

  private static Row withValue(Row r, int index, Object value) {
    Object[] values = new Object[r.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = i == index ? value : r.get(i);
    }
    return RowFactory.create(values);
  }

  /** Stavanger: an accepted 0A for 2025 with wages on 242, 243, 281 and skjema 7 for 2024. */
  private void seedCrossCheckSources(Warehouse warehouse) {
    Timestamp t = new Timestamp(0);
    List<Row> submissions = List.of(
        RowFactory.create("acc", "0A_2025_110300.dat", "0A", 2025, null, "110300", null, t, 3, 3L,
            3L, "OK", 0L, 0L, 0L, 0L, "accepted", "seed"),
        RowFactory.create("s7", "skjema7_2024_1103.csv", "7", 2024, null, "110300", null, t, 1, 1L,
            1L, "OK", 0L, 0L, 0L, 0L, "accepted", "seed"));
    warehouse.append(session().createDataFrame(submissions, Tables.SUBMISSIONS_SCHEMA),
        Tables.SUBMISSIONS);
    List<Row> accounts = new ArrayList<>();
    Object[][] wages = {{"242", 8000}, {"243", 100}, {"281", 3000}};
    for (Object[] w : wages) {
      accounts.add(RowFactory.create("0A", 2025, null, "110300", null, null, "1", w[0] + " ", "010",
          w[1], "drift", w[0], "010", null, null, "0A_2025_110300.dat", 1, "acc", "seed", t));
    }
    warehouse.append(session().createDataFrame(accounts, Tables.REGNSKAP_SCHEMA), Tables.REGNSKAP);
    warehouse.append(session().createDataFrame(List.of(RowFactory.create("7", 2024, "110300",
        "242", "02", new BigDecimal("10.00"), "aarsverk", "skjema7_2024_1103.csv", 2, "s7", "seed",
        t)), CsvForms.TABLE_SCHEMA), CsvForms.STAFFING);
  }

  @TestFactory
  List<DynamicTest> eachCase() {
    return file.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      Map<String, List<ExpectedFindings.Found>> f = found.getOrDefault(c.name(), Map.of());
      if (Boolean.TRUE.equals(c.none())) {
        assertEquals(Map.of(), f, "no finding expected in '" + c.name() + "'");
      } else {
        ExpectedFindings.check(c.name(), c.expect(), c.severity(), c.message(), c.also(), f);
      }
    })).toList();
  }

  /** Every rule of both forms has a case where it fires and one where it passes. */
  @Test
  void everyRuleIsTestedFailingAndPassing() {
    RuleSet rules = RuleSet.load(SCHEMAS, CsvFormValidation.RULES_FILE);
    for (String form : CsvForms.FORMS) {
      Set<String> ids = new TreeSet<>();
      rules.forValidator(form).rules().forEach(r -> ids.add(r.id()));
      for (String id : ids) {
        boolean fails = file.cases().stream().anyMatch(c -> c.base().equals(form)
            && c.expect() != null && c.expect().getOrDefault(id, 0) > 0);
        boolean passes = file.cases().stream().anyMatch(c -> c.base().equals(form)
            && (Boolean.TRUE.equals(c.none()) || (c.expect() != null
                && c.expect().getOrDefault(id, -1) == 0)));
        assertEquals(true, fails, "skjema " + form + " rule " + id + " has no failing case");
        assertEquals(true, passes, "skjema " + form + " rule " + id + " has no passing case");
      }
    }
  }
}

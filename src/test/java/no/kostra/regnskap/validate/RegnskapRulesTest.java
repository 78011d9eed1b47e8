package no.kostra.regnskap.validate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import no.kostra.TestBase;
import no.kostra.regnskap.RegnskapForms;
import no.kostra.regnskap.ingest.RegnskapLineParser;
import no.kostra.validate.ExpectedFindings;
import no.kostra.validate.RuleSet;
import no.kostra.warehouse.Tables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Every control rule, table-driven from src/test/resources/rules/regnskap-cases.yaml: each case is
 * written as real 48-character lines, all cases are validated in one run, and each case's expected
 * finding counts (and severity) are checked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegnskapRulesTest extends TestBase {

  record Case(String name, String skjema, Integer year, String quarter, String region, String orgnr,
      String recordSkjema, Integer recordYear, String recordQuarter, String recordRegion, String recordOrgnr,
      String recordForetaksnr, List<String> records, List<String> lines, Map<String, Integer> expect,
      String severity, Map<String, String> message, Map<String, Integer> also) {}

  record CaseFile(List<Case> cases) {}

  private List<Case> cases;
  private final Map<String, Map<String, List<ExpectedFindings.Found>>> found = new HashMap<>(); // case -> rule -> findings

  @BeforeAll
  void validateAllCases() throws Exception {
    startSpark();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).setPropertyNamingStrategy(
        com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);
    cases = yaml.readValue(Path.of("src/test/resources/rules/regnskap-cases.yaml").toFile(),
        CaseFile.class).cases();
    RegnskapLineParser parser =
        new RegnskapLineParser(RegnskapForms.layout(SCHEMAS), RegnskapForms.load(SCHEMAS));
    Timestamp now = new Timestamp(0);
    List<Row> declared = new ArrayList<>();
    List<Row> records = new ArrayList<>();
    List<Row> rejected = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      String id = "case-" + i;
      List<String> lines = new ArrayList<>(c.lines() == null ? List.of() : c.lines());
      for (String r : c.records() == null ? List.<String>of() : c.records()) {
        lines.add(line(c, r));
      }
      var parsed = parser.parse(id + ".dat",
          (String.join("\n", lines) + (lines.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.ISO_8859_1),
          "test", now);
      parsed.accepted().forEach(r -> records.add(withId(r, 17, id)));
      parsed.rejected().forEach(r -> rejected.add(withId(r, 5, id)));
      declared.add(RowFactory.create(id, id + ".dat", skjema(c), year(c), c.quarter(), region(c),
          c.orgnr(), parsed.summary().<Integer>getAs("lines_read"), now));
    }
    var spark = spark();
    try (var outcome = RegnskapValidation.load(spark, SCHEMAS).validate(
        spark.createDataFrame(declared, RegnskapValidation.DECLARED_SCHEMA),
        spark.createDataFrame(records, Tables.REGNSKAP_SCHEMA),
        spark.createDataFrame(rejected, Tables.REJECTED_LINES_SCHEMA))) {
      for (Row f : outcome.findings().collectAsList()) {
        ExpectedFindings.add(found.computeIfAbsent(f.getAs("submission_id"), k -> new HashMap<>()), f);
        batchFindings.add(f.mkString("|"));
      }
    }
    this.declared = declared;
    this.records = records;
    this.rejected = rejected;
  }

  private List<Row> declared;
  private List<Row> records;
  private List<Row> rejected;
  private final List<String> batchFindings = new ArrayList<>();

  /**
   * The pre-check service runs the same rules as plans prepared once per rules year (no
   * checkpoints, a FATAL line excluding the rest by a join): every case, run that way, gives
   * exactly the findings of the ingest's way.
   */
  @Test
  void thePreCheckServicesPreparedPlansFindWhatTheIngestFinds() {
    RegnskapValidation validation = RegnskapValidation.load(spark(), SCHEMAS);
    var lists = RegnskapCodeLists.load(SCHEMAS);
    Map<Integer, List<Row>> byYear = new java.util.TreeMap<>();
    for (Row d : declared) {
      Integer y = (Integer) d.get(3);
      int year = Math.min(Math.max(y == null ? lists.lastYear() : y, lists.firstYear()),
          lists.lastYear());
      byYear.computeIfAbsent(year, k -> new ArrayList<>()).add(d);
    }
    List<String> prepared = new ArrayList<>();
    byYear.forEach((year, rows) -> validation.preparedFindings(year, rows, records, rejected)
        .forEach(f -> prepared.add(f.mkString("|"))));
    List<String> batch = new ArrayList<>(batchFindings);
    java.util.Collections.sort(batch);
    java.util.Collections.sort(prepared);
    Assertions.assertTrue(batch.size() > 100, "the cases have findings: " + batch.size());
    Assertions.assertEquals(batch, prepared);
  }

  @TestFactory
  List<DynamicTest> everyCaseGivesItsExpectedFindings() {
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      Map<String, List<ExpectedFindings.Found>> byRule = found.getOrDefault("case-" + i, Map.of());
      tests.add(DynamicTest.dynamicTest(c.name(), () -> ExpectedFindings.check(c.name(),
          c.expect(), c.severity(), c.message(), c.also(), byRule)));
    }
    return tests;
  }

  @Test
  void everyRuleHasAFailingAndAPassingCase() {
    Set<String> ids = RuleSet.load(SCHEMAS, RegnskapValidation.RULES_FILE).rules().stream()
        .map(RuleSet.Rule::id).collect(Collectors.toCollection(TreeSet::new));
    Set<String> failing = new TreeSet<>();
    Set<String> passing = new TreeSet<>();
    for (Case c : cases) {
      c.expect().forEach((rule, count) -> (count > 0 ? failing : passing).add(rule));
    }
    Set<String> missingFail = new TreeSet<>(ids);
    missingFail.removeAll(failing);
    Set<String> missingPass = new TreeSet<>(ids);
    missingPass.removeAll(passing);
    Assertions.assertTrue(missingFail.isEmpty(), "rules without a failing case: " + missingFail);
    Assertions.assertTrue(missingPass.isEmpty(), "rules without a passing case: " + missingPass);
  }

  private static String skjema(Case c) {
    return c.skjema() == null ? "0A" : c.skjema();
  }

  private static int year(Case c) {
    return c.year() == null ? 2025 : c.year();
  }

  private static String region(Case c) {
    return c.region() == null ? "030100" : c.region();
  }

  /** "kk funksjon art belop" as a 48-character record of the case ("_" = blank). */
  private static String line(Case c, String shortForm) {
    String[] f = shortForm.split(" ");
    String skjema = c.recordSkjema() != null ? c.recordSkjema() : skjema(c).substring(0, 2);
    String quarter = c.recordQuarter() != null ? c.recordQuarter()
        : c.quarter() != null ? c.quarter() : " ";
    String region = c.recordRegion() != null ? c.recordRegion() : region(c);
    int year = c.recordYear() != null ? c.recordYear() : year(c);
    return String.format("%s%d%s%s%9s%9s%s%-4s%3s%9s", skjema, year, quarter, region,
        c.recordOrgnr() == null ? "" : c.recordOrgnr(),
        c.recordForetaksnr() == null ? "" : c.recordForetaksnr(), f[0], blank(f[1]), blank(f[2]),
        f[3]);
  }

  private static String blank(String s) {
    return s.equals("_") ? "" : s;
  }

  private static Row withId(Row r, int index, String id) {
    Object[] values = new Object[r.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = i == index ? id : r.get(i);
    }
    return RowFactory.create(values);
  }
}

package no.kostra.sosial.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;


import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.kostra.TestBase;
import no.kostra.sosial.SosialForms;
import no.kostra.sosial.generate.SosialGenerator;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.sosial.ingest.SosialLineParser;
import no.kostra.validate.ExpectedFindings;
import no.kostra.validate.RuleSet;
import no.kostra.warehouse.Tables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Every 11F/11CF control rule, table-driven from src/test/resources/rules/sosial-cases.yaml: each
 * case is written as real fixed-width records in the layout of its year, parsed and pseudonymised
 * as ingest does, all cases are validated in one run, and each case's expected finding counts (and
 * severity) are checked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SosialRulesTest extends TestBase {

  record Case(String name, String form, Integer year, String region, Map<String, String> set,
      List<String> clear, List<Map<String, Object>> records, String file, List<String> lines,
      Boolean skalRapportere, Map<String, Integer> expect, Boolean none, String severity,
      Map<String, String> message, Map<String, Integer> also) {

    String formOrDefault() {
      return form == null ? "11F" : form;
    }

    int yearOrDefault() {
      return year == null ? 2025 : year;
    }

    String regionOrDefault() {
      return region == null ? "460100" : region;
    }
  }

  record CaseFile(Map<String, Map<String, String>> base, List<Case> cases) {}

  /** Distinct valid synthetic numbers for records that do not set their own. */
  private static final List<String> NUMBERS = List.of("15859010331", "15859015147", "02918520018",
      "47838030188");
  private static final Pattern YEAR = Pattern.compile("\\{Y([+-]\\d+)?}");

  private CaseFile file;
  private final Map<String, Map<String, List<ExpectedFindings.Found>>> found = new HashMap<>(); // case -> rule -> findings

  @BeforeAll
  void validateAllCases() throws Exception {
    startSpark();
    file = new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .readValue(Path.of("src/test/resources/rules/sosial-cases.yaml").toFile(), CaseFile.class);
    SosialForms forms = SosialForms.load(SCHEMAS);
    SosialLineParser parser = new SosialLineParser(forms, Pseudonymizer.fromText("k".repeat(40)));
    Timestamp now = new Timestamp(0);
    List<Row> declared = new ArrayList<>();
    Map<String, List<Row>> records = new HashMap<>();
    List<Row> rejected = new ArrayList<>();
    for (int i = 0; i < file.cases().size(); i++) {
      Case c = file.cases().get(i);
      String text = c.file() != null ? c.file() : String.join("\n", lines(c, forms)) + "\n";
      var parsed = parser.parse("case-" + i + ".dat", text.getBytes(StandardCharsets.ISO_8859_1),
          c.formOrDefault(), c.yearOrDefault(), c.regionOrDefault(), "test", now);
      // cases with the same records are distinct submissions here (the hash would join them)
      String id = "case-" + i;
      found.put(id, new HashMap<>());
      int hashColumn = forms.tableSchema(c.formOrDefault()).fieldIndex("file_sha256");
      parsed.accepted().forEach(r -> records.computeIfAbsent(c.formOrDefault(), f -> new ArrayList<>())
          .add(withId(r, hashColumn, id)));
      parsed.rejected().forEach(r -> rejected.add(withId(r, 5, id)));
      declared.add(RowFactory.create(id, "case-" + i + ".dat", c.formOrDefault(), c.yearOrDefault(),
          c.regionOrDefault(), parsed.summary().<Integer>getAs("lines_read"), now, c.skalRapportere(),
          parsed.placeholder()));
    }
    var spark = spark();
    Map<String, Dataset<Row>> byForm = new HashMap<>();
    records.forEach((form, rows) -> byForm.put(form, spark.createDataFrame(rows, forms.tableSchema(form))));
    try (var outcome = SosialValidation.load(spark, SCHEMAS).validate(
        spark.createDataFrame(declared, SosialValidation.DECLARED_SCHEMA), byForm,
        spark.createDataFrame(rejected, Tables.REJECTED_LINES_SCHEMA))) {
      for (Row f : outcome.findings().collectAsList()) {
        ExpectedFindings.add(found.get(f.<String>getAs("submission_id")), f);
        batchFindings.add(f.mkString("|"));
      }
    }
    this.declared = declared;
    this.records = records;
    this.rejected = rejected;
  }

  private List<Row> declared;
  private Map<String, List<Row>> records;
  private List<Row> rejected;
  private final List<String> batchFindings = new ArrayList<>();

  /**
   * The pre-check service runs the same rules as plans prepared once per form and rules year:
   * every case, run that way, gives exactly the findings of the ingest's way.
   */
  @Test
  void thePreCheckServicesPreparedPlansFindWhatTheIngestFinds() {
    SosialValidation validation = SosialValidation.load(spark(), SCHEMAS);
    Map<List<Object>, List<Row>> groups = new java.util.TreeMap<>(
        java.util.Comparator.comparing(Object::toString));
    for (Row d : declared) {
      groups.computeIfAbsent(List.of(d.getString(2), d.getInt(3)), k -> new ArrayList<>()).add(d);
    }
    List<String> prepared = new ArrayList<>();
    groups.forEach((key, rows) -> validation.preparedFindings((String) key.get(0),
            (Integer) key.get(1), rows, records.getOrDefault((String) key.get(0), List.of()),
            rejected)
        .forEach(f -> prepared.add(f.mkString("|"))));
    List<String> batch = new ArrayList<>(batchFindings);
    java.util.Collections.sort(batch);
    java.util.Collections.sort(prepared);
    Assertions.assertTrue(batch.size() > 100, "the cases have findings: " + batch.size());
    assertEquals(batch, prepared);
  }

  @TestFactory
  List<DynamicTest> everyCaseGivesItsExpectedFindings() {
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < file.cases().size(); i++) {
      Case c = file.cases().get(i);
      Map<String, List<ExpectedFindings.Found>> byRule = found.get("case-" + i);
      tests.add(DynamicTest.dynamicTest(c.formOrDefault() + " " + c.yearOrDefault() + ": " + c.name(),
          () -> {
            if (Boolean.TRUE.equals(c.none())) {
              assertEquals(Map.of(), byRule, "no finding expected in '" + c.name() + "'");
              return;
            }
            ExpectedFindings.check(c.name(), c.expect(), c.severity(), c.message(), c.also(),
                byRule);
          }));
    }
    return tests;
  }

  @Test
  void everyRuleOfEachFormHasAFailingAndAPassingCase() {
    RuleSet rules = RuleSet.load(SCHEMAS, SosialValidation.RULES_FILE);
    for (String form : SosialForms.FORMS) {
      Set<String> ids = new TreeSet<>();
      rules.forValidator(form).rules().forEach(r -> ids.add(r.id()));
      Set<String> failing = new TreeSet<>();
      Set<String> passing = new TreeSet<>();
      for (Case c : file.cases()) {
        if (!c.formOrDefault().equals(form)) {
          continue;
        }
        if (Boolean.TRUE.equals(c.none())) {
          passing.addAll(ids);
        } else {
          c.expect().forEach((rule, count) -> (count > 0 ? failing : passing).add(rule));
        }
      }
      Set<String> missingFail = new TreeSet<>(ids);
      missingFail.removeAll(failing);
      org.junit.jupiter.api.Assertions.assertTrue(missingFail.isEmpty(), form + " rules without a failing case: " + missingFail);
      Set<String> missingPass = new TreeSet<>(ids);
      missingPass.removeAll(passing);
      org.junit.jupiter.api.Assertions.assertTrue(missingPass.isEmpty(), form + " rules without a passing case: " + missingPass);
    }
  }

  /** The case's records as lines of its year's layout, or its raw lines. */
  private List<String> lines(Case c, SosialForms forms) {
    if (c.lines() != null) {
      return c.lines();
    }
    List<Map<String, Object>> changes = c.records() == null ? List.of(Map.of()) : c.records();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < changes.size(); i++) {
      Map<String, String> r = new LinkedHashMap<>(file.base().get(c.formOrDefault()));
      r.put("KOMMUNE_NR", c.regionOrDefault().substring(0, 4));
      r.put("VERSION", String.format("%02d", c.yearOrDefault() % 100));
      if (c.regionOrDefault().startsWith("0301") && !c.regionOrDefault().endsWith("00")) {
        r.put("BYDELSNR", c.regionOrDefault().substring(4));
      }
      r.put("PERSON_FODSELSNR", NUMBERS.get(i));
      r.put("PERSON_JOURNALNR", String.format("J%07d", i + 1));
      apply(r, c.set(), c.clear());
      Map<String, String> own = new LinkedHashMap<>();
      List<String> ownClear = null;
      for (var e : changes.get(i).entrySet()) {
        if (e.getKey().equals("clear")) {
          @SuppressWarnings("unchecked")
          List<String> prefixes = (List<String>) e.getValue();
          ownClear = prefixes;
        } else {
          own.put(e.getKey(), (String) e.getValue());
        }
      }
      apply(r, own, ownClear);
      r.replaceAll((k, v) -> years(v, c.yearOrDefault()));
      out.add(SosialGenerator.formatRecord(forms.layout(c.formOrDefault(), c.yearOrDefault()), r));
    }
    return out;
  }

  private static Row withId(Row r, int index, String id) {
    Object[] values = new Object[r.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = i == index ? id : r.get(i);
    }
    return RowFactory.create(values);
  }

  private static void apply(Map<String, String> r, Map<String, String> set, List<String> clear) {
    if (clear != null) {
      r.keySet().removeIf(k -> clear.stream().anyMatch(k::startsWith));
    }
    if (set != null) {
      set.forEach((k, v) -> {
        if (v.equals("_")) {
          r.remove(k);
        } else {
          r.put(k, v);
        }
      });
    }
  }

  private static String years(String value, int year) {
    Matcher m = YEAR.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int offset = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
      m.appendReplacement(out, Integer.toString(year + offset));
    }
    return m.appendTail(out).toString();
  }
}

package no.kostra.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import no.kostra.regnskap.validate.RegnskapCodeLists;
import no.kostra.schemas.SchemaDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The function chart: comparable series across merges, splits, retirements and moved activities on
 * a small hand-made chart and series, and the real chart as the accounting rules' one source.
 */
class FunctionChartTest {

  /** 2001: 262 + 263 -> 265, 282 retired, 233 -> 242 (share 0.25); 2002: 254 -> 257 + 258. */
  private static final String CHART = """
      complete_from: 2000
      complete_to: 2002
      functions:
        - {code: "233", name_no: "Annet forebyggende helsearbeid", lists: [kommune], valid_from: null, valid_to: null}
        - {code: "242", name_no: "Råd og veiledning", lists: [kommune], valid_from: null, valid_to: null}
        - {code: "254", name_no: null, lists: [kommune], valid_from: null, valid_to: 2001}
        - {code: "257", name_no: null, lists: [kommune], valid_from: 2002, valid_to: null}
        - {code: "258", name_no: null, lists: [kommune], valid_from: 2002, valid_to: null}
        - {code: "262", name_no: null, lists: [kommune], valid_from: null, valid_to: 2000}
        - {code: "263", name_no: null, lists: [kommune], valid_from: null, valid_to: 2000}
        - {code: "265", name_no: null, lists: [kommune], valid_from: 2001, valid_to: null}
        - {code: "282", name_no: null, lists: [kommune], valid_from: null, valid_to: 2000}
      changes:
        - {year: 2001, type: merge, from: ["262", "263"], to: ["265"], status: SEED, source: test}
        - {year: 2001, type: retire, from: ["282"], to: [], status: SEED, source: test}
        - {year: 2001, type: move, from: ["233"], to: ["242"], activity: sosialt forebyggende arbeid, share: %s, status: SEED, source: test}
        - {year: 2002, type: split, from: ["254"], to: ["257", "258"], status: REF, source: test}
      """;

  private static FunctionChart chart(Path dir, String share) throws Exception {
    Files.createDirectories(dir.resolve("classifications"));
    Files.writeString(dir.resolve("classifications/function-chart.yaml"), CHART.formatted(share));
    return FunctionChart.load(SchemaDir.at(dir));
  }

  private static Map<String, BigDecimal> series(Object... codeAndValue) {
    Map<String, BigDecimal> m = new TreeMap<>();
    for (int i = 0; i < codeAndValue.length; i += 2) {
      m.put((String) codeAndValue[i], new BigDecimal(codeAndValue[i + 1].toString()));
    }
    return m;
  }

  private static void assertValues(Map<String, BigDecimal> expected, Map<String, BigDecimal> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((k, v) -> assertEquals(0, v.compareTo(actual.get(k)),
        k + ": expected " + v + ", got " + actual.get(k)));
  }

  @Test
  void mergeSumsThePredecessorsOnTheLaterChart(@TempDir Path dir) throws Exception {
    var e = chart(dir, "0.25").express(series("262", 10, "263", 5, "242", 3), 2000, 2001);
    assertEquals(0, new BigDecimal(15).compareTo(e.values().get("265")));
    assertEquals(Set.of("merged"), e.notes().get("265"));
  }

  @Test
  void mergedCodeOnTheEarlierChartIsOnlyTheSumOfThePredecessors(@TempDir Path dir) throws Exception {
    var e = chart(dir, "0.25").express(series("265", 15), 2001, 2000);
    assertValues(series("262+263", 15), e.values());
  }

  @Test
  void splitGoesForwardToTheSumOfTheSuccessorsAndBackwardIntoTheOldCode(@TempDir Path dir)
      throws Exception {
    FunctionChart c = chart(dir, "0.25");
    assertValues(series("257+258", 40), c.express(series("254", 40), 2001, 2002).values());
    var back = c.express(series("257", 30, "258", 12), 2002, 2001);
    assertValues(series("254", 42), back.values());
    assertEquals(Set.of("split"), back.notes().get("254"));
  }

  @Test
  void retiredFunctionKeepsItsFiguresFlaggedAndIsNotComparable(@TempDir Path dir) throws Exception {
    FunctionChart c = chart(dir, "0.25");
    var e = c.express(series("282", 7), 2000, 2002);
    assertValues(series("282", 7), e.values());
    assertEquals(Set.of("retired"), e.notes().get("282"));
    assertFalse(c.mapping(2000, 2002).get("282").get(0).comparable());
  }

  @Test
  void movedActivityWithAKnownShareMovesThatShare(@TempDir Path dir) throws Exception {
    // 233 = 20 of which a quarter was "sosialt forebyggende arbeid"; 242 = 8
    var e = chart(dir, "0.25").express(series("233", 20, "242", 8), 2000, 2001);
    assertValues(series("233", 15, "242", 13), e.values());
    assertEquals(Set.of("moved"), e.notes().get("242"));
  }

  @Test
  void movedActivityWithAnUnknownShareIsASeriesBreak(@TempDir Path dir) throws Exception {
    FunctionChart c = chart(dir, "null");
    var e = c.express(series("233", 20, "242", 8), 2000, 2001);
    assertValues(series("233", 20, "242", 8), e.values());
    assertEquals(Set.of("break"), e.notes().get("233"));
    assertEquals(Set.of("break"), e.notes().get("242"));
    assertEquals(Set.of("break"), c.express(series("242", 8), 2001, 2000).notes().get("242"));
  }

  @Test
  void aSeriesAcrossEveryChangeOnTheLatestChart(@TempDir Path dir) throws Exception {
    FunctionChart c = chart(dir, "0.25");
    var e = c.express(series("233", 20, "242", 8, "254", 40, "262", 10, "263", 5, "282", 7), 2000,
        2002);
    assertValues(series("233", 15, "242", 13, "257+258", 40, "265", 15, "282", 7), e.values());
    // the same year on its own chart is unchanged
    assertValues(series("254", 40), c.express(series("254", 40), 2001, 2001).values());
    assertThrows(IllegalArgumentException.class, () -> c.express(series("257", 1), 2000, 2002));
  }

  @Test
  void diffListsNewAndRemovedFunctionsAndTheRecordedChanges(@TempDir Path dir) throws Exception {
    FunctionChart c = chart(dir, "0.25");
    var d = c.diff(2000, 2002);
    assertEquals(Map.of("kommune", List.of("257", "258", "265")), d.added());
    assertEquals(Map.of("kommune", List.of("254", "262", "263", "282")), d.removed());
    assertEquals(4, d.changes().size());
    String text = c.describe(d);
    assertTrue(text.contains("2001 merge: 262, 263 -> 265"), text);
    assertTrue(text.contains("2002 split: 254 -> 257, 258"), text);
  }

  @Test
  void theRealChartIsTheAccountingRulesFunctionLists() {
    SchemaDir schemas = SchemaDir.at(Path.of("data-schemas"));
    FunctionChart real = FunctionChart.load(schemas);
    var accounting = RegnskapCodeLists.load(schemas).byYear();
    for (int year = real.completeFrom(); year <= real.completeTo(); year++) {
      for (var list : real.lists(year).entrySet()) {
        assertEquals(list.getValue(), accounting.get(year).get("funksjoner." + list.getKey()),
            year + " " + list.getKey());
      }
    }
    assertTrue(real.codes(2023, "kommune").contains("254"));
    assertFalse(real.codes(2024, "kommune").contains("254"));
    assertTrue(real.codes(2024, "kommune").containsAll(List.of("257", "258")));
    assertEquals(75, real.codes(2026, "kommune").size()); // accounting.md §7: 75 kommune functions
    assertEquals(61, real.codes(2026, "fylke").size());
    // 2023 figures on the 2024 chart: 254 only as 257 + 258
    assertEquals("257+258", real.mapping(2023, 2024).get("254").get(0).code());
    assertThrows(IllegalArgumentException.class, () -> real.lists(2021));
  }

  @Test
  void everyFunctionGroupNamesFunctionsOfTheChart() {
    SchemaDir schemas = SchemaDir.at(Path.of("data-schemas"));
    FunctionChart real = FunctionChart.load(schemas);
    var definitions = no.kostra.keyfigures.KeyFigureDefinitions.load(schemas);
    for (var group : definitions.groups()) {
      for (int year = real.completeFrom(); year <= real.completeTo(); year++) {
        List<String> valid = real.codes(year, "kommune");
        for (String f : definitions.functions(group.id(), year)) {
          assertTrue(valid.contains(f), group.id() + ": " + f + " not in the chart of " + year);
        }
      }
    }
  }

  @Test
  void aKeyFigureOnTwoFunctionScopedFiguresDividesLikeByLike() {
    // wage costs of 242, 243, 276 and 281 over the FTEs of 242, 243 and 281 (SSB's FTEs leave the
    // qualification programme out from 2008) would be a wage per FTE that no one pays
    SchemaDir schemas = SchemaDir.at(Path.of("data-schemas"));
    FunctionChart real = FunctionChart.load(schemas);
    var definitions = no.kostra.keyfigures.KeyFigureDefinitions.load(schemas);
    int checked = 0;
    for (var indicator : definitions.indicators()) {
      var numerator = definitions.variable(indicator.numerator());
      var denominator = indicator.denominator() == null ? null
          : definitions.variable(indicator.denominator());
      // accounting joined with staffing by function (a share within one source may narrow)
      if (denominator == null || !scoped(numerator) || !scoped(denominator)
          || definitions.source(numerator.source()).table()
              .equals(definitions.source(denominator.source()).table())) {
        continue;
      }
      for (int year = real.completeFrom(); year <= real.completeTo(); year++) {
        assertEquals(functions(definitions, numerator, year),
            functions(definitions, denominator, year), indicator.id() + " in " + year);
      }
      checked++;
    }
    assertTrue(checked >= 10, "the per-FTE figures are checked: " + checked);
    // and the staffing figure of the social services is SSB's: without 276
    assertEquals(Set.of(242, 243, 281), functions(definitions,
        definitions.variable("aarsverk_sosial"), 2025));
  }

  private static boolean scoped(no.kostra.keyfigures.KeyFigureDefinitions.Variable v) {
    return v.functionGroup() != null || (v.functions() != null && !v.functions().isEmpty());
  }

  private static Set<Integer> functions(no.kostra.keyfigures.KeyFigureDefinitions definitions,
      no.kostra.keyfigures.KeyFigureDefinitions.Variable v, int year) {
    Set<Integer> out = new java.util.TreeSet<>();
    for (int[] r : definitions.functionRanges(v, year)) {
      for (int f = r[0]; f <= r[1]; f++) {
        out.add(f);
      }
    }
    return out;
  }
}

package no.kostra.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The assertion of the table-driven rule cases, as the reference program's tests make it: per
 * rule, how many findings and their severity, and no finding of a rule the case does not name.
 */
public final class ExpectedFindings {

  private ExpectedFindings() {}

  /**
   * {@code expect}: rule id → number of findings (0 = the rule passes); {@code severity}: the
   * severity every finding of those rules must have (null = not asserted); {@code also}: the
   * findings of other rules the case's input gives as well (rule id → number; null = none);
   * {@code found}: rule id → the severities of the case's findings. A finding of a rule in
   * neither map fails the case.
   */
  public static void check(String caseName, Map<String, Integer> expect, String severity,
      Map<String, Integer> also, Map<String, List<String>> found) {
    Map<String, List<String>> all = found == null ? Map.of() : found;
    expect.forEach((rule, count) -> {
      List<String> severities = all.getOrDefault(rule, List.of());
      assertEquals(count.intValue(), severities.size(),
          "rule " + rule + " in case '" + caseName + "'; all findings: " + all);
      if (severity != null && count > 0) {
        assertEquals(Set.of(severity), Set.copyOf(severities), "severity of rule " + rule);
      }
    });
    Map<String, Integer> others = new TreeMap<>();
    all.forEach((rule, severities) -> {
      if (!expect.containsKey(rule)) {
        others.put(rule, severities.size());
      }
    });
    assertEquals(also == null ? Map.of() : new TreeMap<>(also), others,
        "findings of rules the case does not expect, in '" + caseName + "' (list them under "
            + "'also' if the input gives them by design)");
  }
}

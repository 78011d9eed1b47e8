package no.kostra.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The assertion of the table-driven rule cases: per rule, how many findings and their severity. */
public final class ExpectedFindings {

  private ExpectedFindings() {}

  /**
   * {@code expect}: rule id → number of findings (0 = the rule passes); {@code severity}: the
   * severity every finding of those rules must have (null = not asserted); {@code found}: rule id →
   * the severities of the case's findings.
   */
  public static void check(String caseName, Map<String, Integer> expect, String severity,
      Map<String, List<String>> found) {
    expect.forEach((rule, count) -> {
      List<String> severities = found.getOrDefault(rule, List.of());
      assertEquals(count.intValue(), severities.size(),
          "rule " + rule + " in case '" + caseName + "'; all findings: " + found);
      if (severity != null && count > 0) {
        assertEquals(Set.of(severity), Set.copyOf(severities), "severity of rule " + rule);
      }
    });
  }
}

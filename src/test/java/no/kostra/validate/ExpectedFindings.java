package no.kostra.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;

/**
 * The assertion of the table-driven rule cases, as the reference program's tests make it: per
 * rule, how many findings, their severity and the message the respondent reads, and no finding of
 * a rule the case does not name.
 */
public final class ExpectedFindings {

  private ExpectedFindings() {}

  /** One finding of a case, as the respondent's report shows it. */
  public record Found(String severity, String message) {}

  /** Adds a finding row ({@link RuleEngine#FINDING_COLUMNS}) to its case's findings by rule. */
  public static void add(Map<String, List<Found>> byRule, Row finding) {
    byRule.computeIfAbsent(finding.getAs("rule_id"), k -> new ArrayList<>())
        .add(new Found(finding.getAs("severity"), finding.getAs("message")));
  }

  /**
   * {@code expect}: rule id → number of findings (0 = the rule passes); {@code severity}: the
   * severity every finding of those rules must have (null = not asserted); {@code messages}: rule
   * id → the text every finding of that rule must have (null = not asserted); {@code also}: the
   * findings of other rules the case's input gives as well (rule id → number; null = none);
   * {@code found}: rule id → the case's findings. A finding of a rule in neither map fails the
   * case. With {@code KOSTRA_RULE_MESSAGES} set, the messages found are printed (to write the
   * expected ones after a deliberate change of wording).
   */
  public static void check(String caseName, Map<String, Integer> expect, String severity,
      Map<String, String> messages, Map<String, Integer> also, Map<String, List<Found>> found) {
    Map<String, List<Found>> all = found == null ? Map.of() : found;
    if (System.getenv("KOSTRA_RULE_MESSAGES") != null) {
      all.forEach((rule, findings) -> findings.stream().map(Found::message).distinct().forEach(
          m -> System.err.println("MESSAGE\t" + caseName + "\t" + rule + "\t" + m)));
    }
    expect.forEach((rule, count) -> {
      List<Found> findings = all.getOrDefault(rule, List.of());
      assertEquals(count.intValue(), findings.size(),
          "rule " + rule + " in case '" + caseName + "'; all findings: " + all);
      if (severity != null && count > 0) {
        assertEquals(Set.of(severity), findings.stream().map(Found::severity)
            .collect(Collectors.toSet()), "severity of rule " + rule);
      }
    });
    if (messages != null) {
      messages.forEach((rule, text) -> {
        List<Found> findings = all.getOrDefault(rule, List.of());
        assertTrue(!findings.isEmpty(), "case '" + caseName + "' names the message of rule "
            + rule + ", which gives no finding");
        for (Found f : findings) {
          assertEquals(text, f.message(), "message of rule " + rule + " in case '" + caseName + "'");
        }
      });
    }
    Map<String, Integer> others = new TreeMap<>();
    all.forEach((rule, findings) -> {
      if (!expect.containsKey(rule)) {
        others.put(rule, findings.size());
      }
    });
    assertEquals(also == null ? Map.of() : new TreeMap<>(also), others,
        "findings of rules the case does not expect, in '" + caseName + "' (list them under "
            + "'also' if the input gives them by design)");
  }
}

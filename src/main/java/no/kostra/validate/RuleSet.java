package no.kostra.validate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.kostra.schemas.SchemaDir;

/**
 * A rule catalogue as written in data-schemas/rules/&lt;form&gt;/rules.yaml: rules with their scope,
 * condition in Spark SQL, severity (a level or a quarterly profile) and Norwegian message.
 */
public record RuleSet(Map<String, Map<String, String>> severityProfiles, List<Rule> rules) {

  public static final Set<String> SCOPES = Set.of("empty", "line", "record", "group", "submission");

  public RuleSet {
    severityProfiles = severityProfiles == null ? Map.of() : Map.copyOf(severityProfiles);
    rules = List.copyOf(rules);
    for (Rule r : rules) {
      if (!SCOPES.contains(r.scope())) {
        throw new IllegalArgumentException("rule " + r.id() + ": unknown scope " + r.scope());
      }
      if (!severityProfiles.containsKey(r.severity())) {
        Severity.valueOf(r.severity()); // a level, or an error naming the bad value
      }
    }
  }

  /** The rules a validator runs (a rule file can serve several forms). */
  public RuleSet forValidator(String validator) {
    return new RuleSet(severityProfiles,
        rules.stream().filter(r -> r.validators().contains(validator)).toList());
  }

  public static RuleSet load(SchemaDir schemas, String file) {
    return schemas.readYaml(file, RuleSet.class);
  }

  /**
   * One rule. Fields that do not apply to its scope are null. {@code messageValues}: extra
   * {placeholders} of the message as SQL (record rules: over the record; group rules: aggregates
   * over the group's records; submission rules: expressions over the rule's values).
   */
  public record Rule(
      String id,
      String name,
      String scope,
      List<String> validators,
      String applies,
      String when,
      List<String> groupBy,
      String having,
      String where,
      LinkedHashMap<String, String> values,
      String failsWhen,
      String ingestField,
      String severity,
      List<SeverityOverride> severityOverrides,
      String message,
      LinkedHashMap<String, String> messageValues,
      Integer validFrom,
      Integer validTo) {

    public Rule {
      validators = List.copyOf(validators);
      severityOverrides = severityOverrides == null ? List.of() : List.copyOf(severityOverrides);
      messageValues = messageValues == null ? new LinkedHashMap<>() : messageValues;
    }

    public boolean inForce(int year) {
      return (validFrom == null || year >= validFrom) && (validTo == null || year <= validTo);
    }
  }

  public record SeverityOverride(String when, String severity) {}
}

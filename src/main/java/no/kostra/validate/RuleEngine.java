package no.kostra.validate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import no.kostra.validate.RuleSet.Rule;
import no.kostra.validate.RuleSet.SeverityOverride;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Compiles a {@link RuleSet} to Spark SQL and runs it: all record rules in one projection (one
 * pass over the records), all submission rules in one aggregation (aggregates with FILTER
 * clauses), each group rule as a two-step aggregation. Form-specific code prepares the inputs:
 *
 * <ul>
 *   <li>{@code submissions}: one row per submission, {@code submission_id} and the context columns
 *       the rules' {@code applies} conditions use, plus {@code validator} (which validator runs it),
 *       {@code severity_key} (key into severity profiles: annual, church, q1..q4) and
 *       {@code rules_year} (whose code lists and rule versions apply);
 *   <li>{@code records}: the records to check, with the same context columns and
 *       {@code line_number};
 *   <li>{@code lineProblems}: lines ingest could not parse ({@code submission_id, line_number,
 *       field, reason} + context), judged by the {@code line} rules.
 * </ul>
 *
 * The findings have the schema of {@link #FINDING_COLUMNS}. Submissions with a FATAL line finding
 * get no other check, as the reference program does.
 */
public final class RuleEngine {

  public static final List<String> FINDING_COLUMNS = List.of("submission_id", "rule_id",
      "rule_name", "severity", "message", "line_numbers", "record_key");

  private static final Pattern LIST_REF = Pattern.compile("\\$\\{([A-Za-z0-9_.]+)}");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]+)}");

  private final List<Rule> rules;
  private final Map<String, Map<String, String>> profiles;
  /** year -> list name -> codes, for ${name} in conditions. */
  private final Map<Integer, Map<String, List<String>>> lists;
  private final String recordKeySql;
  private boolean checkpointEachPart = true;

  public RuleEngine(RuleSet ruleSet, Map<Integer, Map<String, List<String>>> lists,
      String recordKeySql) {
    this.rules = ruleSet.rules();
    this.profiles = ruleSet.severityProfiles();
    this.lists = new TreeMap<>(lists);
    this.recordKeySql = recordKeySql;
    if (this.lists.isEmpty()) {
      throw new IllegalArgumentException("no code lists: at least one year is needed");
    }
  }

  /**
   * Whether each part (line, record, group, submission rules) is evaluated on its own (default):
   * right for large plans such as accounting's code lists, which Catalyst would otherwise analyse
   * again for every use of the union. Small inputs with small plans run faster as one job.
   */
  public RuleEngine checkpointEachPart(boolean each) {
    this.checkpointEachPart = each;
    return this;
  }

  public List<Rule> rules() {
    return rules;
  }

  /**
   * All findings; records, lineProblems and submissions as described in the class comment. The
   * rules are compiled once per rules year present (usually one), so each plan holds only that
   * year's rule versions and code lists.
   */
  public Dataset<Row> run(Dataset<Row> submissions, Dataset<Row> records, Dataset<Row> lineProblems) {
    List<Integer> years = submissions.select("rules_year").distinct().collectAsList().stream()
        .map(r -> r.getInt(0)).sorted().toList();
    Dataset<Row> all = null;
    for (int year : years) {
      Column inYear = col("rules_year").equalTo(year);
      Dataset<Row> part = new Compiled(year).run(submissions.where(inYear), records.where(inYear),
          lineProblems.where(inYear));
      all = all == null ? part : all.unionByName(part);
    }
    return all != null ? all : explode(submissions, List.of(), "", "");
  }

  /**
   * The findings of one rules year as one plan that reads its inputs when it runs and collects
   * nothing while it is built: no checkpoint, no data-dependent shape (a FATAL line stops the other
   * rules by an anti-join instead of a list of ids). Its analysed plan can be run again on new
   * inputs ({@link no.kostra.spark.Prepared}), which is what a warm pre-check of one file wants:
   * the rules are analysed once instead of for every file.
   */
  public Dataset<Row> reusable(int year, Dataset<Row> submissions, Dataset<Row> records,
      Dataset<Row> lineProblems) {
    return new Compiled(year).reusable(submissions, records, lineProblems);
  }

  /** Per submission row: how many rules (other than line rules) apply, for each rules year. */
  public String applicableRulesSql() {
    StringBuilder s = new StringBuilder("CASE rules_year");
    for (int year : lists.keySet()) {
      s.append(" WHEN ").append(year).append(" THEN ").append(new Compiled(year).applicableRulesSql());
    }
    return s.append(" ELSE 0 END").toString();
  }

  /** The rule set compiled for one rules year: versions in force, that year's code lists. */
  private final class Compiled {
    private final int year;
    private final List<Rule> inForce;

    Compiled(int year) {
      this.year = year;
      if (!lists.containsKey(year)) {
        throw new IllegalArgumentException("no code lists for rules year " + year);
      }
      this.inForce = rules.stream().filter(r -> r.inForce(year)).toList();
    }

    Dataset<Row> run(Dataset<Row> submissions, Dataset<Row> records, Dataset<Row> lineProblems) {
      // each part is evaluated on its own (localCheckpoint): one plan per part stays small enough
      // for Catalyst to analyse quickly, where the union of all would be analysed again and again
      long t = System.nanoTime();
      Dataset<Row> lineFindings = lineFindings(lineProblems).localCheckpoint();
      List<Object> fatal = lineFindings.where(col("severity").equalTo("FATAL"))
          .select("submission_id").distinct().collectAsList().stream().map(r -> (Object) r.get(0))
          .toList();
      Dataset<Row> checked = fatal.isEmpty() ? records
          : records.where(col("submission_id").isin(fatal.toArray()).unary_$bang());
      Dataset<Row> subs = fatal.isEmpty() ? submissions
          : submissions.where(col("submission_id").isin(fatal.toArray()).unary_$bang());
      timing("line rules", t);
      List<Dataset<Row>> parts = new ArrayList<>();
      parts.add(lineFindings);
      t = System.nanoTime();
      parts.add(evaluated(recordFindings(checked)));
      timing("record rules", t);
      for (Dataset<Row> part : groupFindings(checked)) {
        t = System.nanoTime();
        parts.add(evaluated(part));
        timing("group rules", t);
      }
      t = System.nanoTime();
      // one aggregation over the records serves both the submission rules and the empty check
      Dataset<Row> sums = evaluated(submissionSums(checked));
      parts.add(evaluated(submissionFindings(subs, sums)));
      timing("submission rules", t);
      t = System.nanoTime();
      parts.add(evaluated(emptyFindings(subs, sums, lineProblems)));
      timing("empty", t);
      Dataset<Row> findings = parts.get(0);
      for (Dataset<Row> part : parts.subList(1, parts.size())) {
        findings = findings.unionByName(part);
      }
      return findings;
    }

    Dataset<Row> reusable(Dataset<Row> submissions, Dataset<Row> records,
        Dataset<Row> lineProblems) {
      Dataset<Row> lineFindings = lineFindings(lineProblems);
      Dataset<Row> fatal = lineFindings.where(col("severity").equalTo("FATAL"))
          .select("submission_id").distinct();
      Dataset<Row> checked = records.join(fatal, "submission_id", "left_anti");
      Dataset<Row> subs = submissions.join(fatal, "submission_id", "left_anti");
      Dataset<Row> findings = lineFindings.unionByName(recordFindings(checked));
      for (Dataset<Row> part : groupFindings(checked)) {
        findings = findings.unionByName(part);
      }
      Dataset<Row> sums = submissionSums(checked);
      return findings.unionByName(submissionFindings(subs, sums))
          .unionByName(emptyFindings(subs, sums, lineProblems));
    }

    private Dataset<Row> evaluated(Dataset<Row> part) {
      return checkpointEachPart ? part.localCheckpoint() : part;
    }

    /**
     * SQL counting, per submission row, the rules (other than line rules) that apply to it: the
     * reference's "numberOfControls" is lines x pre-rules + records x rules.
     */
    String applicableRulesSql() {
      // size(filter(array(...))) rather than a long chain of +, which Catalyst canonicalises slowly
      String gates = inForce.stream().filter(r -> !r.scope().equals("line") && !r.scope().equals("empty"))
          .map(r -> "coalesce(" + gate(r) + ", false)").collect(Collectors.joining(", "));
      return gates.isEmpty() ? "0" : "size(filter(array(" + gates + "), x -> x))";
    }

    // ---- line rules --------------------------------------------------------------------------------

    private Dataset<Row> lineFindings(Dataset<Row> problems) {
      List<String> structs = new ArrayList<>();
      for (Rule r : scoped("line")) {
        String field = r.ingestField().equals("line") ? "coalesce(field, 'line')" : "field";
        structs.add(findingStruct(r, gate(r) + " AND " + field + " = " + quote(r.ingestField()),
            Map.of("reason", "reason")));
      }
      return explode(problems, structs, "array(line_number)", "CAST(NULL AS STRING)");
    }

    // ---- record rules ------------------------------------------------------------------------------

    /** All record rules in one projection: one pass over the records. */
    private Dataset<Row> recordFindings(Dataset<Row> records) {
      List<String> structs = new ArrayList<>();
      List<String> conditions = new ArrayList<>();
      for (Rule r : scoped("record")) {
        String condition = gate(r) + " AND (" + withLists(r.when()) + ")";
        conditions.add("coalesce(" + condition + ", false)");
        structs.add(findingStruct(r, condition, messageValues(r)));
      }
      if (conditions.isEmpty()) {
        return explode(records, List.of(), "", "");
      }
      // most records break no rule: keep only those that break one before building findings
      Dataset<Row> offending = records.where(String.join(" OR ", conditions));
      return explode(offending, structs, "array(line_number)", recordKeySql);
    }

    // ---- group rules -------------------------------------------------------------------------------

    private List<Dataset<Row>> groupFindings(Dataset<Row> records) {
      List<Dataset<Row>> parts = new ArrayList<>();
      for (Rule r : scoped("group")) {
        if (!r.severityOverrides().isEmpty()) {
          throw new IllegalArgumentException("rule " + r.id() + ": group rules take no severity_overrides");
        }
        List<Column> keys = new ArrayList<>();
        keys.add(col("submission_id"));
        keys.add(col("severity_key"));
        r.groupBy().forEach(c -> keys.add(col(c)));
        // two steps: the condition on a cheap aggregation by a 64-bit hash of (submission, group
        // key) — one long per record to shuffle instead of the submission id and the key — then
        // the true groups of the few records in a failing hash group, where the condition is
        // evaluated again (a hash collision can only add candidates, which that second step drops
        // again for conditions such as count(*) > 1)
        String scope = r.where() == null ? gate(r) : gate(r) + " AND (" + withLists(r.where()) + ")";
        Dataset<Row> inScope = records.where(expr(scope)).withColumn("__group_hash",
            org.apache.spark.sql.functions.xxhash64(java.util.stream.Stream.concat(
                java.util.stream.Stream.of("submission_id"), r.groupBy().stream())
                .map(org.apache.spark.sql.functions::col).toArray(Column[]::new)));
        Dataset<Row> failing = inScope.groupBy("__group_hash")
            .agg(expr(withLists(r.having())).as("__fails"))
            .where(col("__fails")).select("__group_hash");
        List<Column> aggregates = new ArrayList<>(List.of(
            expr("sort_array(collect_list(line_number))").as("line_numbers"),
            expr(withLists(r.having())).as("__fails")));
        Map<String, String> names = new java.util.HashMap<>();
        r.messageValues().forEach((name, sql) -> {
          aggregates.add(expr(withLists(sql)).as("__mv_" + name));
          names.put(name, "__mv_" + name);
        });
        Dataset<Row> groups = inScope.join(failing, "__group_hash", "left_semi")
            .groupBy(keys.toArray(Column[]::new))
            .agg(expr("count(*)").as("rows"), aggregates.toArray(Column[]::new))
            .where(col("__fails"));
        String key = r.groupBy().stream()
            .map(c -> "concat('" + c + "=', coalesce(CAST(" + c + " AS STRING), ''))")
            .collect(Collectors.joining(", ' ', "));
        parts.add(explode(groups, List.of(findingStruct(r, "true", names)), "line_numbers",
            "concat(" + key + ")"));
      }
      return parts;
    }

    // ---- submission rules --------------------------------------------------------------------------

    /**
     * Per submission with records: how many ({@code __records}) and every submission rule's
     * values (aggregates with FILTER clauses, named {@code r<i>_<value>}).
     */
    private Dataset<Row> submissionSums(Dataset<Row> records) {
      List<Column> aggregates = new ArrayList<>(List.of(expr("count(*)").as("__records")));
      List<Rule> sumRules = scoped("submission");
      for (int i = 0; i < sumRules.size(); i++) {
        Rule r = sumRules.get(i);
        String scope = gate(r) + " AND (" + withLists(r.where()) + ")";
        String prefix = "r" + i + "_";
        aggregates.add(expr("count(*) FILTER (WHERE " + scope + ")").as(prefix + "_n"));
        for (Map.Entry<String, String> v : r.values().entrySet()) {
          aggregates.add(expr(v.getValue() + " FILTER (WHERE " + scope + ")").as(prefix + v.getKey()));
        }
      }
      return records.groupBy("submission_id")
          .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
    }

    private Dataset<Row> submissionFindings(Dataset<Row> submissions, Dataset<Row> sums) {
      List<Rule> sumRules = scoped("submission");
      if (sumRules.isEmpty()) {
        return explode(submissions, List.of(), "", "");
      }
      List<String> structs = new ArrayList<>();
      for (int i = 0; i < sumRules.size(); i++) {
        Rule r = sumRules.get(i);
        String prefix = "r" + i + "_";
        Map<String, String> names = new java.util.HashMap<>();
        String fails = r.failsWhen();
        for (String value : r.values().keySet()) {
          names.put(value, prefix + value);
          fails = fails.replaceAll("\\b" + Pattern.quote(value) + "\\b", prefix + value);
        }
        // message values of a submission rule are SQL over its values (not aggregates)
        for (Map.Entry<String, String> mv : r.messageValues().entrySet()) {
          String sql = withLists(mv.getValue());
          for (String value : r.values().keySet()) {
            sql = sql.replaceAll("\\b" + Pattern.quote(value) + "\\b", prefix + value);
          }
          names.put(mv.getKey(), "(" + sql + ")");
        }
        structs.add(findingStruct(r, prefix + "_n > 0 AND (" + fails + ")", names));
      }
      Dataset<Row> withContext = submissions.join(sums, "submission_id");
      return explode(withContext, structs, "CAST(array() AS ARRAY<INT>)", "CAST(NULL AS STRING)");
    }

    // ---- empty submissions -------------------------------------------------------------------------

    /** Submissions with neither a record ({@code sums} has a row per one with) nor a bad line. */
    private Dataset<Row> emptyFindings(Dataset<Row> submissions, Dataset<Row> sums,
        Dataset<Row> lineProblems) {
      Dataset<Row> withData = sums.select("submission_id")
          .union(lineProblems.select("submission_id")).distinct();
      Dataset<Row> empty = submissions.join(withData,
          submissions.col("submission_id").equalTo(withData.col("submission_id")), "left_anti");
      List<String> structs = scoped("empty").stream().map(r -> findingStruct(r, gate(r), Map.of()))
          .toList();
      return explode(empty, structs, "CAST(array() AS ARRAY<INT>)", "CAST(NULL AS STRING)");
    }

    // ---- compilation helpers -----------------------------------------------------------------------

    /** A record rule's extra message placeholders, as SQL over the record. */
    private Map<String, String> messageValues(Rule r) {
      Map<String, String> names = new java.util.HashMap<>();
      r.messageValues().forEach((name, sql) -> names.put(name, "(" + withLists(sql) + ")"));
      return names;
    }

    private List<Rule> scoped(String scope) {
      return inForce.stream().filter(r -> r.scope().equals(scope)).toList();
    }

    /** Whether the rule runs for the row's submission: validator and `applies`. */
    String gate(Rule r) {
      StringBuilder g = new StringBuilder("validator IN (")
          .append(r.validators().stream().map(RuleEngine::quote).collect(Collectors.joining(", ")))
          .append(")");
      if (r.applies() != null && !r.applies().isBlank()) {
        g.append(" AND (").append(withLists(r.applies())).append(")");
      }
      return g.toString();
    }

    /** Replaces ${list} by that list of the compiled year, as ('a', 'b', ...). */
    String withLists(String sql) {
      Matcher m = LIST_REF.matcher(sql);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        List<String> codes = lists.get(year).get(m.group(1));
        if (codes == null) {
          throw new IllegalArgumentException("unknown list ${" + m.group(1) + "} in " + sql);
        }
        m.appendReplacement(out, Matcher.quoteReplacement(
            "(" + codes.stream().map(RuleEngine::quote).collect(Collectors.joining(", ")) + ")"));
      }
      m.appendTail(out);
      return out.toString();
    }

    private String severitySql(Rule r) {
      String base;
      Map<String, String> profile = profiles.get(r.severity());
      if (profile == null) {
        base = quote(Severity.valueOf(r.severity()).name());
      } else {
        StringBuilder s = new StringBuilder("CASE severity_key");
        profile.forEach((k, v) -> s.append(" WHEN ").append(quote(k)).append(" THEN ")
            .append(quote(Severity.valueOf(v).name())));
        // a key the profile does not name (e.g. church for a quarterly-only profile) takes annual's
        base = s.append(" ELSE ").append(quote(profile.getOrDefault("annual", "ERROR"))).append(" END")
            .toString();
      }
      if (r.severityOverrides().isEmpty()) {
        return base;
      }
      StringBuilder s = new StringBuilder("CASE");
      for (SeverityOverride o : r.severityOverrides()) {
        s.append(" WHEN ").append(withLists(o.when())).append(" THEN ")
            .append(quote(Severity.valueOf(o.severity()).name()));
      }
      return s.append(" ELSE ").append(base).append(" END").toString();
    }

    /** {name} placeholders become the column (or the given expression) as text, '' when null. */
    String messageSql(String template, Map<String, String> names) {
      List<String> parts = new ArrayList<>();
      Matcher m = PLACEHOLDER.matcher(template);
      int last = 0;
      while (m.find()) {
        parts.add(quote(template.substring(last, m.start())));
        String column = names.getOrDefault(m.group(1), m.group(1));
        parts.add("coalesce(CAST(" + column + " AS STRING), '')");
        last = m.end();
      }
      parts.add(quote(template.substring(last)));
      return "concat(" + String.join(", ", parts) + ")";
    }

    private String findingStruct(Rule r, String condition, Map<String, String> names) {
      return "CASE WHEN coalesce(" + condition + ", false) THEN named_struct('rule_id', "
          + quote(r.id()) + ", 'rule_name', " + quote(r.name()) + ", 'severity', " + severitySql(r)
          + ", 'message', " + messageSql(r.message(), names) + ") END";
    }

  }

  /** One finding row per non-null struct of each input row. */
  private static Dataset<Row> explode(Dataset<Row> input, List<String> structs, String lineNumbersSql,
      String recordKeySql) {
    if (structs.isEmpty()) {
      return input.where("false").select(FINDING_COLUMNS.stream()
          .map(c -> c.equals("line_numbers") ? expr("CAST(array() AS ARRAY<INT>)").as(c)
              : lit(null).cast("string").as(c)).toArray(Column[]::new));
    }
    Column[] candidates = structs.stream().map(s -> expr(s)).toArray(Column[]::new);
    return input
        .select(col("submission_id"), expr(lineNumbersSql).as("line_numbers"),
            expr(recordKeySql).as("record_key"),
            // explode, then drop the nulls: a higher-order filter() would force interpreted
            // evaluation of every rule condition (no code generation), ten times slower
            org.apache.spark.sql.functions.explode(array(candidates)).as("f"))
        .where(col("f").isNotNull())
        .select(col("submission_id"), col("f.rule_id").as("rule_id"),
            col("f.rule_name").as("rule_name"), col("f.severity").as("severity"),
            col("f.message").as("message"), col("line_numbers").cast("array<int>").as("line_numbers"),
            col("record_key"));
  }

  private static void timing(String what, long start) {
    if (System.getenv("KOSTRA_TIMING") != null) {
      System.err.printf("rule engine: %s %.1f s%n", what, (System.nanoTime() - start) / 1e9);
    }
  }

  static String quote(String s) {
    return no.kostra.warehouse.Sql.literal(s);
  }
}

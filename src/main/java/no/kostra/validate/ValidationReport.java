package no.kostra.validate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The outcome of checking one submission, shaped like the reference program's structured report
 * ({@code validationSummary} + {@code reportEntries}), as JSON or as a readable HTML page.
 */
public record ValidationReport(Summary validationSummary, List<Entry> reportEntries,
    @JsonInclude(JsonInclude.Include.NON_NULL) String note,
    @JsonInclude(JsonInclude.Include.NON_NULL) String encoding) {

  public ValidationReport(Summary validationSummary, List<Entry> reportEntries) {
    this(validationSummary, reportEntries, null, null);
  }

  /** The same report with a note to the respondent (e.g. how its pseudonyms were made). */
  public ValidationReport withNote(String text) {
    return new ValidationReport(validationSummary, reportEntries, text, encoding);
  }

  /** The same report saying which encoding the file was read in (the pre-check service). */
  public ValidationReport withEncoding(String name) {
    return new ValidationReport(validationSummary, reportEntries, note, name);
  }

  public record Summary(String region, String orgnr, String skjema, Integer year, String quarter,
      long numberOfControls, Severity severity, long numFatal, long numErrors, long numWarnings,
      long numInfo) {}

  /** One finding; {@code recordKey} names the record (for personal data: pseudonyms only). */
  public record Entry(Severity severity, String ruleId, String ruleName, String messageText,
      List<Integer> lineNumbers, String recordKey) {}

  /** From one outcome row (Tables.SUBMISSIONS_SCHEMA columns) and its findings. */
  public static ValidationReport of(Row outcome, List<Row> findings) {
    Summary summary = new Summary(outcome.getAs("region"), outcome.getAs("orgnr"),
        outcome.getAs("skjema"), outcome.getAs("aargang"), outcome.getAs("kvartal"),
        outcome.<Long>getAs("number_of_controls"), Severity.valueOf(outcome.getAs("severity")),
        outcome.<Long>getAs("num_fatal"), outcome.<Long>getAs("num_errors"),
        outcome.<Long>getAs("num_warnings"), outcome.<Long>getAs("num_info"));
    return of(summary, findings);
  }

  /**
   * One submission's report counted from its findings, as {@link ValidationOutcome#summarise}
   * counts in Spark: the controls are the lines read plus, unless a line was FATAL, the records
   * checked times the rules that apply to the submission.
   */
  public static ValidationReport counted(Row declared, long recordsChecked, long applicableRules,
      List<Row> findings) {
    long[] n = new long[Severity.values().length];
    for (Row f : findings) {
      n[Severity.valueOf(f.getAs("severity")).ordinal()]++;
    }
    Severity worst = Severity.OK;
    for (Severity s : Severity.values()) {
      worst = n[s.ordinal()] > 0 ? s : worst;
    }
    long controls = ((Number) declared.getAs("lines_read")).longValue()
        + (n[Severity.FATAL.ordinal()] > 0 ? 0 : recordsChecked * applicableRules);
    Row r = declared;
    String quarter = java.util.Arrays.asList(r.schema().fieldNames()).contains("kvartal")
        ? r.getAs("kvartal") : null;
    String orgnr = java.util.Arrays.asList(r.schema().fieldNames()).contains("orgnr")
        ? r.getAs("orgnr") : null;
    return of(new Summary(r.getAs("region"), orgnr, r.getAs("skjema"), r.getAs("aargang"),
        quarter, controls, worst, n[Severity.FATAL.ordinal()], n[Severity.ERROR.ordinal()],
        n[Severity.WARNING.ordinal()], n[Severity.INFO.ordinal()]), findings);
  }

  private static ValidationReport of(Summary summary, List<Row> findings) {
    List<Entry> entries = new ArrayList<>();
    for (Row f : findings) {
      List<Integer> lines = f.getList(f.fieldIndex("line_numbers"));
      entries.add(new Entry(Severity.valueOf(f.getAs("severity")), f.getAs("rule_id"),
          f.getAs("rule_name"), f.getAs("message"), List.copyOf(lines), f.getAs("record_key")));
    }
    entries.sort(Comparator.comparing(Entry::severity).reversed()
        .thenComparing(Entry::ruleId)
        .thenComparing(e -> e.lineNumbers().isEmpty() ? 0 : e.lineNumbers().get(0))
        .thenComparing(Entry::messageText));
    return new ValidationReport(summary, List.copyOf(entries));
  }

  public int exitCode() {
    return validationSummary.severity().exitCode();
  }

  public String toJson() {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(this) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Map<Severity, String> NORWEGIAN = Map.of(Severity.OK, "OK",
      Severity.INFO, "Informasjon", Severity.WARNING, "Advarsel", Severity.ERROR, "Feil",
      Severity.FATAL, "Fatal feil");

  /** A page in Norwegian: the summary, one line per rule with its count, then every finding. */
  public String toHtml(String fileName) {
    Map<String, Object> model = new LinkedHashMap<>();
    Summary s = validationSummary;
    model.put("file", fileName);
    model.put("summary", s);
    model.put("note", note);
    model.put("encoding", encoding);
    model.put("severityText", NORWEGIAN.get(s.severity()));
    model.put("submissionOk", s.severity().exitCode() < 2);
    Map<String, Map<String, Object>> byRule = new LinkedHashMap<>();
    for (Entry e : reportEntries) {
      Map<String, Object> rule = byRule.computeIfAbsent(e.ruleId() + "|" + e.severity(), k -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ruleId", e.ruleId());
        m.put("ruleName", e.ruleName());
        m.put("severity", NORWEGIAN.get(e.severity()));
        m.put("count", 0);
        return m;
      });
      rule.put("count", (Integer) rule.get("count") + 1);
    }
    model.put("rules", new ArrayList<>(byRule.values()));
    List<Map<String, Object>> entries = new ArrayList<>();
    for (Entry e : reportEntries) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("severity", NORWEGIAN.get(e.severity()));
      m.put("cssClass", e.severity().name().toLowerCase());
      m.put("ruleId", e.ruleId());
      m.put("ruleName", e.ruleName());
      m.put("message", e.messageText());
      m.put("lines", e.lineNumbers().isEmpty() ? "" : abbreviate(e.lineNumbers()));
      m.put("recordKey", e.recordKey() == null ? "" : e.recordKey());
      entries.add(m);
    }
    model.put("entries", entries);
    model.put("hasEntries", !entries.isEmpty());
    Mustache template = new DefaultMustacheFactory("templates").compile("validation-report.mustache");
    StringWriter out = new StringWriter();
    template.execute(out, model);
    return out.toString();
  }

  private static String abbreviate(List<Integer> lines) {
    if (lines.size() <= 20) {
      return lines.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("");
    }
    return lines.subList(0, 20).stream().map(String::valueOf).reduce((a, b) -> a + ", " + b)
        .orElse("") + " … (" + lines.size() + " linjer)";
  }
}

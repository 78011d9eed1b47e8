package no.kostra.edit;

import static org.apache.spark.sql.functions.col;

import com.github.mustachejava.DefaultMustacheFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.spark.sql.Row;

/**
 * The editing desk's page and CSV of a year, {@code <warehouse>/editing/<year>/outliers.html} and
 * {@code outliers.csv}: the candidates ranked by score with their decisions, and for each region
 * among them its submissions of the year and their findings (what to look at before calling the
 * municipality). Rewritten by {@code outliers} and after every {@code decide}.
 */
public final class EditPages {

  /** Candidates listed on the page (the CSV has every row). */
  static final int PAGE_ROWS = 1000;

  public record Written(Path html, Path csv) {}

  private EditPages() {}

  public static Path folder(Warehouse warehouse, int year) {
    return Path.of(warehouse.root()).resolve("editing").resolve(Integer.toString(year));
  }

  public static Written write(Warehouse warehouse, int year) {
    List<Row> rows = warehouse.read(Outliers.TABLE).where(col("year").equalTo(year))
        .orderBy(col("variable"), col("region")).collectAsList();
    Map<String, Decisions.Decision> decisions = Decisions.latest(warehouse, year);
    Path dir = folder(warehouse, year);
    try {
      Files.createDirectories(dir);
      Path csv = dir.resolve("outliers.csv");
      writeAtomically(csv, csv(rows, decisions));
      Path html = dir.resolve("outliers.html");
      writeAtomically(html, html(warehouse, year, rows, decisions));
      return new Written(html, csv);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Decisions.Decision decision(Map<String, Decisions.Decision> decisions, Row r) {
    return decisions.get(Decisions.Decision.key("candidate", r.getAs("region"),
        r.getAs("variable"), null));
  }

  private static byte[] csv(List<Row> rows, Map<String, Decisions.Decision> decisions)
      throws IOException {
    StringBuilder out = new StringBuilder();
    List<String> columns = new ArrayList<>(List.of(Outliers.SCHEMA.fieldNames()));
    columns.addAll(List.of("decision", "reason", "decided_by", "decided_at"));
    try (CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setDelimiter(';')
        .setRecordSeparator("\n").setHeader(columns.toArray(String[]::new)).build())) {
      for (Row r : rows) {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < r.length(); i++) {
          Object v = r.get(i);
          values.add(v instanceof java.math.BigDecimal d ? d.stripTrailingZeros().toPlainString()
              : v);
        }
        Decisions.Decision d = decision(decisions, r);
        values.add(d == null ? null : d.decision());
        values.add(d == null ? null : d.reason());
        values.add(d == null ? null : d.decidedBy());
        values.add(d == null ? null : d.decidedAt().toString());
        p.printRecord(values);
      }
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] html(Warehouse warehouse, int year, List<Row> rows,
      Map<String, Decisions.Decision> decisions) {
    List<Row> candidates = rows.stream().filter(r -> r.<Boolean>getAs("candidate"))
        .sorted((a, b) -> {
          int c = Double.compare(b.<Double>getAs("score"), a.<Double>getAs("score"));
          return c != 0 ? c : (a.<String>getAs("variable") + a.getAs("region"))
              .compareTo(b.<String>getAs("variable") + b.getAs("region"));
        }).toList();
    List<Map<String, Object>> listed = new ArrayList<>();
    TreeSet<String> regions = new TreeSet<>();
    long open = 0;
    for (Row r : candidates) {
      Decisions.Decision d = decision(decisions, r);
      if (d == null) {
        open++;
      }
      if (listed.size() >= PAGE_ROWS) {
        continue;
      }
      regions.add(r.getAs("region"));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rank", r.getAs("rank_in_variable"));
      m.put("variable", r.getAs("variable"));
      m.put("region", r.getAs("region"));
      m.put("name", r.getAs("region_name"));
      m.put("stratum", r.getAs("stratum"));
      m.put("previous", number(r.getAs("previous")));
      m.put("value", number(r.getAs("value")));
      m.put("ratio", fixed(r.getAs("ratio"), 3));
      m.put("bounds", r.getAs("lower") == null ? ""
          : fixed(r.getAs("lower"), 3) + " – " + fixed(r.getAs("upper"), 3));
      m.put("score", fixed(r.getAs("score"), 2));
      m.put("status", r.getAs("status"));
      m.put("note", r.getAs("note"));
      m.put("decision", d == null ? "åpen" : d.decision());
      m.put("decided", d == null ? "" : d.reason() + " (" + d.decidedBy() + ", "
          + d.decidedAt().toString().substring(0, 16).replace('T', ' ') + ")");
      m.put("open", d == null);
      listed.add(m);
    }
    Map<String, Long> statuses = new TreeMap<>();
    rows.forEach(r -> statuses.merge(r.getAs("status"), 1L, Long::sum));
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("year", year);
    Row any = rows.isEmpty() ? null : rows.get(0);
    scope.put("against", any == null ? "" : any.getAs("against_year") + " (" + any.getAs("against")
        + ")");
    scope.put("structureYear", any == null ? "" : any.getAs("structure_year"));
    scope.put("parameters", any == null ? "" : any.getAs("parameters"));
    scope.put("values", rows.size());
    scope.put("candidates", candidates.size());
    scope.put("open", open);
    scope.put("decided", candidates.size() - open);
    scope.put("shown", listed.size());
    scope.put("rows", listed);
    scope.put("statuses", statuses.entrySet().stream()
        .map(e -> Map.of("status", e.getKey(), "count", e.getValue())).toList());
    scope.put("regions", regionSections(warehouse, year, regions, decisions));
    StringWriter out = new StringWriter();
    new DefaultMustacheFactory("editing").compile("outliers.mustache").execute(out, scope);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Each listed region's submissions of the year, and their findings. */
  private static List<Map<String, Object>> regionSections(Warehouse warehouse, int year,
      TreeSet<String> regions, Map<String, Decisions.Decision> decisions) {
    if (regions.isEmpty() || !warehouse.exists(Tables.SUBMISSIONS)) {
      return List.of();
    }
    Map<String, String> sixDigit = new TreeMap<>();
    regions.forEach(r -> sixDigit.put(r.length() == 4 ? r + "00" : r, r));
    List<Row> subs = warehouse.read(Tables.SUBMISSIONS)
        .where(col("aargang").equalTo(year).and(col("region").isin(sixDigit.keySet().toArray())))
        .orderBy(col("region"), col("skjema"), col("received_at"), col("source_file"))
        .collectAsList();
    Map<String, List<Map<String, Object>>> findings = new TreeMap<>();
    if (!subs.isEmpty() && warehouse.exists(Tables.VALIDATION_RESULTS)) {
      List<Object> ids = subs.stream().map(r -> (Object) r.getAs("submission_id")).toList();
      for (Row f : warehouse.read(Tables.VALIDATION_RESULTS)
          .where(col("submission_id").isin(ids.toArray())
              .and(col("severity").isin("WARNING", "ERROR", "FATAL")))
          .orderBy(col("submission_id"), col("rule_id"), col("message")).collectAsList()) {
        List<Map<String, Object>> list = findings.computeIfAbsent(f.getAs("submission_id"),
            k -> new ArrayList<>());
        if (list.size() < 20) {
          Decisions.Decision d = decisions.get(Decisions.Decision.key("finding",
              null, f.getAs("rule_id"), f.getAs("submission_id")));
          list.add(Map.of("rule", f.getAs("rule_id") + " " + f.getAs("rule_name"),
              "severity", f.getAs("severity"), "message", f.getAs("message"),
              "decision", d == null ? "" : d.decision() + ": " + d.reason()));
        }
      }
    }
    Map<String, Map<String, Object>> sections = new TreeMap<>();
    for (Row s : subs) {
      String region = sixDigit.get(s.<String>getAs("region"));
      Map<String, Object> section = sections.computeIfAbsent(region, k -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("region", k);
        m.put("submissions", new ArrayList<Map<String, Object>>());
        return m;
      });
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> list = (List<Map<String, Object>>) section.get("submissions");
      list.add(Map.of("skjema", String.valueOf(s.<String>getAs("skjema")),
          "file", s.getAs("source_file"),
          "received", s.getAs("received_at").toString().substring(0, 16),
          "status", s.getAs("status"), "id", s.<String>getAs("submission_id").substring(0, 12),
          "findings", findings.getOrDefault(s.<String>getAs("submission_id"), List.of())));
    }
    return new ArrayList<>(sections.values());
  }

  private static String number(Object v) {
    if (v == null) {
      return "";
    }
    java.math.BigDecimal d = (java.math.BigDecimal) v;
    return d.setScale(d.abs().compareTo(java.math.BigDecimal.valueOf(100)) >= 0 ? 0 : 2,
        java.math.RoundingMode.HALF_UP).toPlainString();
  }

  private static String fixed(Object v, int decimals) {
    return v == null ? "" : String.format(Locale.ROOT, "%." + decimals + "f", (Double) v);
  }

  private static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}

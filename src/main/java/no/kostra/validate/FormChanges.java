package no.kostra.validate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import no.kostra.csvforms.CsvForms;
import no.kostra.layout.FixedWidthLayout;
import no.kostra.reference.FunctionChart;
import no.kostra.regnskap.validate.RegnskapCodeLists;
import no.kostra.schemas.SchemaDir;
import no.kostra.sosial.SosialForms;

/**
 * What a respondent must know when a form moves from one reporting year to another, read from the
 * project's data (SSB publishes such a list for 11F/11CF only): fields added, removed, moved or
 * made mandatory and code-list changes (the fixed-width layouts of 11F/11CF; skjema 7/12's posts),
 * the function chart's and the art lists' changes (accounting), and the control rules added,
 * removed, renumbered in effect or changed in severity or condition ({@code valid_from} /
 * {@code valid_to} of the rule files).
 */
public final class FormChanges {

  private FormChanges() {}

  static final String REGNSKAP_RULES = "rules/regnskap/rules.yaml";
  static final String SOSIAL_RULES = "rules/sosial/rules.yaml";
  static final String CSV_RULES = "rules/csvforms/rules.yaml";

  /** The report as lines: a heading per section, "+" added, "-" removed, "~" changed. */
  public static List<String> describe(SchemaDir schemas, String form, int from, int to) {
    if (from >= to) {
      throw new IllegalArgumentException("--from must be before --to");
    }
    List<String> out = new ArrayList<>();
    out.add("Skjema " + form + ": endringer fra " + from + " til " + to);
    SosialForms sosial = SosialForms.load(schemas);
    if (sosial.isForm(form)) {
      layout(out, sosial.layout(form, from), sosial.layout(form, to));
      rules(out, RuleSet.load(schemas, SOSIAL_RULES).forValidator(form), from, to);
    } else if (CsvForms.FORMS.contains(form)) {
      posts(out, CsvForms.load(schemas).form(form), from, to);
      rules(out, RuleSet.load(schemas, CSV_RULES).forValidator(form), from, to);
    } else if (form.matches("0[A-Z](K[1-4])?")) {
      out.add("");
      out.add("Filbeskrivelse: uendret (48 tegn per linje, samme felt alle år).");
      FunctionChart chart = FunctionChart.load(schemas);
      out.add("");
      out.add("Funksjoner (funksjonskontoplanen):");
      chart.describe(chart.diff(from, to)).lines().forEach(l -> out.add("  " + l));
      codeLists(out, RegnskapCodeLists.load(schemas), from, to);
      String validator = form.length() == 4 ? "quarterly"
          : form.equals("0F") || form.equals("0G") ? "church" : "annual";
      rules(out, RuleSet.load(schemas, REGNSKAP_RULES).forValidator(validator), from, to);
    } else {
      throw new IllegalArgumentException("unknown form " + form + ": 0A-0Q (0AK1-0DK4), 11F, "
          + "11CF, 7 or 12");
    }
    return out;
  }

  private static void layout(List<String> out, FixedWidthLayout a, FixedWidthLayout b) {
    out.add("");
    out.add("Filbeskrivelse (" + a.recordLength() + " -> " + b.recordLength() + " tegn):");
    int before = out.size();
    Map<String, FixedWidthLayout.Field> old = new LinkedHashMap<>();
    a.fields().forEach(f -> old.put(f.name(), f));
    // a run of fields shifted alike (a field inserted or removed before them) is one line
    List<String[]> shifted = new ArrayList<>(); // first, last, offset, old span, new span
    for (FixedWidthLayout.Field f : b.fields()) {
      FixedWidthLayout.Field o = old.get(f.name());
      if (o == null) {
        flush(out, shifted);
        out.add("  + " + f.name() + " " + f.from() + "-" + f.to() + " (" + f.dataType()
            + (f.mandatory() ? ", obligatorisk" : "") + ")");
        continue;
      }
      if (o.size() != f.size()) {
        flush(out, shifted);
        out.add("  ~ " + f.name() + " " + o.from() + "-" + o.to() + " -> " + f.from() + "-"
            + f.to() + " (lengde " + o.size() + " -> " + f.size() + ")");
      } else if (o.from() != f.from()) {
        String offset = String.valueOf(f.from() - o.from());
        String[] run = shifted.isEmpty() ? null : shifted.get(shifted.size() - 1);
        if (run != null && run[2].equals(offset)) {
          run[1] = f.name();
          run[4] = run[4].substring(0, run[4].indexOf('-') + 1) + f.to();
          run[3] = run[3].substring(0, run[3].indexOf('-') + 1) + o.to();
        } else {
          flush(out, shifted);
          shifted.add(new String[] {f.name(), f.name(), offset, o.from() + "-" + o.to(),
              f.from() + "-" + f.to()});
        }
      } else {
        flush(out, shifted);
      }
      if (!o.mandatory() && f.mandatory()) {
        out.add("  ~ " + f.name() + " er obligatorisk");
      } else if (o.mandatory() && !f.mandatory()) {
        out.add("  ~ " + f.name() + " er ikke lenger obligatorisk");
      }
      if (!Objects.equals(o.datePattern(), f.datePattern())) {
        out.add("  ~ " + f.name() + " datoformat " + o.datePattern() + " -> " + f.datePattern());
      }
      codes(out, f.name(), o.codeList(), f.codeList());
    }
    flush(out, shifted);
    for (String name : old.keySet()) {
      if (b.fields().stream().noneMatch(f -> f.name().equals(name))) {
        out.add("  - " + name);
      }
    }
    if (out.size() == before) {
      out.add("  uendret");
    }
  }

  private static void flush(List<String> out, List<String[]> shifted) {
    for (String[] run : shifted) {
      int offset = Integer.parseInt(run[2]);
      out.add("  ~ " + (run[0].equals(run[1]) ? run[0] : run[0] + " .. " + run[1]) + " flyttet "
          + (offset > 0 ? "+" : "") + offset + " (" + run[3] + " -> " + run[4] + ")");
    }
    shifted.clear();
  }

  private static void codes(List<String> out, String field, List<FixedWidthLayout.Code> a,
      List<FixedWidthLayout.Code> b) {
    Map<String, String> old = new TreeMap<>();
    a.forEach(c -> old.put(c.code(), c.value()));
    Map<String, String> now = new TreeMap<>();
    b.forEach(c -> now.put(c.code(), c.value()));
    now.forEach((code, text) -> {
      if (!old.containsKey(code)) {
        out.add("  + " + field + " kode " + code + " " + text);
      } else if (!Objects.equals(old.get(code), text)) {
        out.add("  ~ " + field + " kode " + code + " \"" + old.get(code) + "\" -> \"" + text
            + "\"");
      }
    });
    old.keySet().stream().filter(c -> !now.containsKey(c))
        .forEach(c -> out.add("  - " + field + " kode " + c + " " + old.get(c)));
  }

  private static void posts(List<String> out, CsvForms.Form form, int from, int to) {
    out.add("");
    out.add("Poster og funksjoner:");
    int before = out.size();
    CsvForms.Version a = form.version(from);
    CsvForms.Version b = form.version(to);
    if (!Objects.equals(a.nameNo(), b.nameNo())) {
      out.add("  ~ skjemanavn \"" + a.nameNo() + "\" -> \"" + b.nameNo() + "\"");
    }
    for (CsvForms.Post p : b.posts()) {
      CsvForms.Post o = a.posts().stream().filter(x -> x.post().equals(p.post())).findFirst()
          .orElse(null);
      if (o == null) {
        out.add("  + post " + p.post() + " " + p.nameNo());
      } else if (!Objects.equals(o.nameNo(), p.nameNo()) || !Objects.equals(o.unit(), p.unit())) {
        out.add("  ~ post " + p.post() + " \"" + o.nameNo() + "\" -> \"" + p.nameNo() + "\"");
      }
    }
    a.posts().stream().filter(o -> b.posts().stream().noneMatch(p -> p.post().equals(o.post())))
        .forEach(o -> out.add("  - post " + o.post() + " " + o.nameNo()));
    listDiff(out, "funksjon", a.functions(), b.functions());
    if (out.size() == before) {
      out.add("  uendret");
    }
  }

  private static void codeLists(List<String> out, RegnskapCodeLists lists, int from, int to) {
    Map<String, List<String>> a = lists.byYear().get(from);
    Map<String, List<String>> b = lists.byYear().get(to);
    out.add("");
    if (a == null || b == null) {
      out.add("Artslister: ingen kodelister for " + (a == null ? from : to));
      return;
    }
    out.add("Arter, kapitler og sektorer:");
    int before = out.size();
    for (String list : new TreeSet<>(b.keySet())) {
      if (list.startsWith("arter.") || list.startsWith("kapitler.")
          || list.startsWith("sektorer.")) {
        listDiff(out, list, a.getOrDefault(list, List.of()), b.get(list));
      }
    }
    if (out.size() == before) {
      out.add("  uendret");
    }
  }

  private static void listDiff(List<String> out, String what, List<String> a, List<String> b) {
    List<String> added = b.stream().filter(c -> !a.contains(c)).toList();
    List<String> removed = a.stream().filter(c -> !b.contains(c)).toList();
    if (!added.isEmpty()) {
      out.add("  + " + what + " " + String.join(" ", added));
    }
    if (!removed.isEmpty()) {
      out.add("  - " + what + " " + String.join(" ", removed));
    }
  }

  /** Rules in force in one year and not the other, and rules whose severity or test changed. */
  private static void rules(List<String> out, RuleSet rules, int from, int to) {
    out.add("");
    out.add("Kontroller:");
    int before = out.size();
    Map<String, List<RuleSet.Rule>> a = byId(rules, from);
    Map<String, List<RuleSet.Rule>> b = byId(rules, to);
    for (Map.Entry<String, List<RuleSet.Rule>> e : b.entrySet()) {
      List<RuleSet.Rule> old = a.get(e.getKey());
      RuleSet.Rule now = e.getValue().get(0);
      if (old == null) {
        out.add("  + " + e.getKey() + " " + now.name() + " (" + now.severity() + ")");
        continue;
      }
      RuleSet.Rule was = old.get(0);
      if (!was.name().equals(now.name())) {
        out.add("  ~ " + e.getKey() + " \"" + was.name() + "\" -> \"" + now.name() + "\"");
      }
      if (!was.severity().equals(now.severity())) {
        out.add("  ~ " + e.getKey() + " " + now.name() + ": " + was.severity() + " -> "
            + now.severity());
      }
      if (!test(old).equals(test(e.getValue()))) {
        out.add("  ~ " + e.getKey() + " " + now.name() + ": ny kontroll ("
            + test(e.getValue()) + ")");
      }
    }
    a.forEach((id, old) -> {
      if (!b.containsKey(id)) {
        out.add("  - " + id + " " + old.get(0).name());
      }
    });
    if (out.size() == before) {
      out.add("  uendret");
    }
  }

  private static Map<String, List<RuleSet.Rule>> byId(RuleSet rules, int year) {
    Map<String, List<RuleSet.Rule>> out = new TreeMap<>();
    rules.rules().stream().filter(r -> r.inForce(year))
        .forEach(r -> out.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r));
    return out;
  }

  /** What a rule tests, as one text (its conditions, whatever its scope). */
  private static String test(List<RuleSet.Rule> rules) {
    List<String> parts = new ArrayList<>();
    for (RuleSet.Rule r : rules) {
      for (String s : new String[] {r.applies(), r.when(), r.where(), r.having(),
          r.failsWhen()}) {
        if (s != null) {
          parts.add(s.replaceAll("\\s+", " ").trim());
        }
      }
    }
    return String.join("; ", parts);
  }
}

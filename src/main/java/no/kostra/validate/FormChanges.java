package no.kostra.validate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import no.kostra.layout.FixedWidthLayout;

/**
 * What a respondent must know when a form moves from one reporting year to another, read from the
 * project's data (SSB publishes such a list for 11F/11CF only): fields added, removed, moved or
 * made mandatory and code-list changes (the fixed-width layouts of 11F/11CF; skjema 7/12's posts),
 * the function chart's and the art lists' changes (accounting), and the control rules added,
 * removed, renumbered in effect or changed in severity or condition ({@code valid_from} /
 * {@code valid_to} of the rule files). The sections every form shares; each form
 * ({@code no.kostra.form.Form#changes}) puts its own together from them.
 */
public final class FormChanges {

  private FormChanges() {}

  /** The changes of a fixed-width layout: fields added, removed, moved, made mandatory; codes. */
  public static void layout(List<String> out, FixedWidthLayout a, FixedWidthLayout b) {
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

  /** The codes of a list added ("+") and removed ("-"). */
  public static void listDiff(List<String> out, String what, List<String> a, List<String> b) {
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
  /** The control rules added, removed, or changed in severity or condition between two years. */
  public static void rules(List<String> out, RuleSet rules, int from, int to) {
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

package no.kostra.reference;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import no.kostra.schemas.SchemaDir;

/**
 * The function chart (funksjonskontoplan) by reporting year, from
 * data-schemas/classifications/function-chart.yaml: which functions are valid in which list, what
 * changed between two years, and how one year's figures are expressed on another year's chart.
 */
public final class FunctionChart {

  public static final String FILE = "classifications/function-chart.yaml";

  /** One function and the years and lists it is valid in. */
  public record Function(String code, String nameNo, List<String> lists, Integer validFrom,
      Integer validTo) {
    public Function {
      lists = List.copyOf(lists);
    }

    public boolean validIn(int year) {
      return (validFrom == null || year >= validFrom) && (validTo == null || year <= validTo);
    }
  }

  /** How the chart of {@code year - 1} became the chart of {@code year}. */
  public record Change(int year, String type, List<String> from, List<String> to, String activity,
      Double share, String status, String source) {
    public Change {
      from = List.copyOf(from);
      to = to == null ? List.of() : List.copyOf(to);
      if (!Set.of("merge", "split", "retire", "move").contains(type)) {
        throw new IllegalArgumentException("function change in " + year + ": unknown type " + type);
      }
      if (share != null && (share < 0 || share > 1)) {
        throw new IllegalArgumentException("function change in " + year + ": share must be 0..1");
      }
    }
  }

  record ChartFile(int completeFrom, int completeTo, List<Function> functions,
      List<Change> changes) {}

  /**
   * Where a figure of a data year goes on the target chart: {@code weight} of it to {@code code}
   * (a code of the target chart, or "a+b" when only the sum of those can be compared), with notes
   * saying why when the figure is not simply carried over ("merged", "split", "retired", "break").
   */
  public record Target(String code, double weight, List<String> notes) {
    public Target {
      notes = List.copyOf(notes);
    }

    public boolean comparable() {
      return !notes.contains("break") && !notes.contains("retired");
    }
  }

  private final ChartFile file;

  private FunctionChart(ChartFile file) {
    this.file = file;
    for (Change c : file.changes()) {
      for (String code : concat(c.from(), c.to())) {
        if (file.functions().stream().noneMatch(f -> f.code().equals(code))) {
          throw new IllegalArgumentException(FILE + ": change of " + c.year() + " names function "
              + code + ", which is not in the chart");
        }
      }
    }
  }

  public static FunctionChart load(SchemaDir schemas) {
    return new FunctionChart(schemas.readYaml(FILE, ChartFile.class));
  }

  public int completeFrom() {
    return file.completeFrom();
  }

  public int completeTo() {
    return file.completeTo();
  }

  public List<Function> functions() {
    return file.functions();
  }

  public List<Change> changes() {
    return file.changes();
  }

  /** Every list of the chart with its valid codes in the year (sorted). */
  public Map<String, List<String>> lists(int year) {
    requireComplete(year);
    Map<String, Set<String>> lists = new TreeMap<>();
    for (Function f : file.functions()) {
      if (f.validIn(year)) {
        for (String list : f.lists()) {
          lists.computeIfAbsent(list, l -> new TreeSet<>()).add(f.code());
        }
      }
    }
    Map<String, List<String>> result = new LinkedHashMap<>();
    lists.forEach((k, v) -> result.put(k, List.copyOf(v)));
    return result;
  }

  /** The valid codes of one list in the year. */
  public List<String> codes(int year, String list) {
    List<String> codes = lists(year).get(list);
    if (codes == null) {
      throw new IllegalArgumentException("the function chart has no list " + list + " in " + year);
    }
    return codes;
  }

  public String name(String code) {
    return file.functions().stream().filter(f -> f.code().equals(code) && f.nameNo() != null)
        .map(Function::nameNo).findFirst().orElse(null);
  }

  private void requireComplete(int year) {
    if (year < file.completeFrom() || year > file.completeTo()) {
      throw new IllegalArgumentException("the function chart lists every valid function for "
          + file.completeFrom() + "-" + file.completeTo() + " only, not " + year + " (" + FILE + ")");
    }
  }

  /** What changed from the chart of {@code from} to the chart of {@code to} (from &lt; to). */
  public record Diff(int from, int to, Map<String, List<String>> added,
      Map<String, List<String>> removed, List<Change> changes) {}

  public Diff diff(int from, int to) {
    if (from >= to) {
      throw new IllegalArgumentException("--from must be before --to");
    }
    Map<String, List<String>> added = new TreeMap<>();
    Map<String, List<String>> removed = new TreeMap<>();
    if (from >= file.completeFrom() && to <= file.completeTo()) {
      Map<String, List<String>> a = lists(from);
      Map<String, List<String>> b = lists(to);
      for (String list : new TreeSet<>(concat(a.keySet(), b.keySet()))) {
        Set<String> before = new TreeSet<>(a.getOrDefault(list, List.of()));
        Set<String> after = new TreeSet<>(b.getOrDefault(list, List.of()));
        List<String> plus = after.stream().filter(c -> !before.contains(c)).toList();
        List<String> minus = before.stream().filter(c -> !after.contains(c)).toList();
        if (!plus.isEmpty()) {
          added.put(list, plus);
        }
        if (!minus.isEmpty()) {
          removed.put(list, minus);
        }
      }
    }
    List<Change> changes = file.changes().stream()
        .filter(c -> c.year() > from && c.year() <= to)
        .sorted(Comparator.comparingInt(Change::year)).toList();
    return new Diff(from, to, added, removed, changes);
  }

  /** The diff as the readable changelog `bin/kostra chart` prints (Norwegian codes, English text). */
  public String describe(Diff d) {
    StringBuilder s = new StringBuilder();
    s.append("Function chart ").append(d.from()).append(" -> ").append(d.to()).append('\n');
    if (d.from() < file.completeFrom() || d.to() > file.completeTo()) {
      s.append("  (lists are complete for ").append(file.completeFrom()).append('-')
          .append(file.completeTo()).append(" only: showing the recorded changes)\n");
    }
    d.added().forEach((list, codes) -> s.append("  new in ").append(list).append(": ")
        .append(labelled(codes)).append('\n'));
    d.removed().forEach((list, codes) -> s.append("  no longer in ").append(list).append(": ")
        .append(labelled(codes)).append('\n'));
    for (Change c : d.changes()) {
      s.append("  ").append(c.year()).append(' ').append(c.type()).append(": ")
          .append(labelled(c.from()));
      if (!c.to().isEmpty()) {
        s.append(" -> ").append(labelled(c.to()));
      }
      if (c.activity() != null) {
        s.append(" (activity: ").append(c.activity()).append(')');
      }
      s.append(" [").append(c.status()).append("]\n      ").append(c.source().strip()).append('\n');
    }
    if (d.added().isEmpty() && d.removed().isEmpty() && d.changes().isEmpty()) {
      s.append("  no changes\n");
    }
    return s.toString();
  }

  private String labelled(List<String> codes) {
    List<String> out = new ArrayList<>();
    for (String c : codes) {
      String n = name(c);
      out.add(n == null ? c : c + " " + n);
    }
    return String.join(", ", out);
  }

  /**
   * For every function code of {@code dataYear}'s chart (and the codes the changes name), where its
   * figures go when expressed on {@code chartYear}'s chart. Forward in time a merge sums the old
   * codes into the new one and a split maps the old code to the sum of its successors ("257+258");
   * backward a split sums the successors into the old code and a merge can only show the merged
   * code as the sum of its predecessors. A move with a known share divides the figure; with an
   * unknown share both functions carry "break". A joined code ("a+b") is not mapped further.
   */
  public Map<String, List<Target>> mapping(int dataYear, int chartYear) {
    Set<String> codes = new TreeSet<>();
    for (Function f : file.functions()) {
      if (f.validIn(dataYear)) {
        codes.add(f.code());
      }
    }
    Map<String, List<Target>> result = new TreeMap<>();
    for (String code : codes) {
      List<Target> targets = List.of(new Target(code, 1.0, List.of()));
      if (chartYear > dataYear) {
        for (Change c : changesBetween(dataYear, chartYear, true)) {
          targets = step(targets, c, true);
        }
      } else if (chartYear < dataYear) {
        for (Change c : changesBetween(chartYear, dataYear, false)) {
          targets = step(targets, c, false);
        }
      }
      result.put(code, targets);
    }
    return result;
  }

  /** A year's figures on another year's chart: sums per target code, and why where not plain. */
  public record Expressed(Map<String, java.math.BigDecimal> values, Map<String, Set<String>> notes) {}

  /**
   * Expresses figures by function of {@code dataYear} on {@code chartYear}'s chart (amounts are
   * additive: shares of a moved activity are multiplied, merged codes summed). A code the data
   * year's chart does not have is an error, not a silent drop.
   */
  public Expressed express(Map<String, java.math.BigDecimal> figures, int dataYear, int chartYear) {
    Map<String, List<Target>> mapping = mapping(dataYear, chartYear);
    Map<String, java.math.BigDecimal> values = new TreeMap<>();
    Map<String, Set<String>> notes = new TreeMap<>();
    figures.forEach((code, value) -> {
      List<Target> targets = mapping.get(code);
      if (targets == null) {
        throw new IllegalArgumentException("function " + code + " is not in the chart of " + dataYear);
      }
      for (Target t : targets) {
        values.merge(t.code(), value.multiply(java.math.BigDecimal.valueOf(t.weight())),
            java.math.BigDecimal::add);
        notes.computeIfAbsent(t.code(), c -> new TreeSet<>()).addAll(t.notes());
      }
    });
    return new Expressed(values, notes);
  }

  private List<Change> changesBetween(int earlier, int later, boolean ascending) {
    Comparator<Change> byYear = Comparator.comparingInt(Change::year);
    return file.changes().stream().filter(c -> c.year() > earlier && c.year() <= later)
        .sorted(ascending ? byYear : byYear.reversed()).toList();
  }

  private static List<Target> step(List<Target> targets, Change c, boolean forward) {
    List<Target> out = new ArrayList<>();
    for (Target t : targets) {
      String code = t.code();
      if (code.contains("+")) {
        out.add(t);
        continue;
      }
      switch (c.type() + (forward ? ">" : "<")) {
        case "merge>" -> out.add(c.from().contains(code)
            ? with(t, c.to().get(0), 1.0, "merged") : t);
        case "merge<" -> out.add(c.to().contains(code)
            ? with(t, String.join("+", c.from()), 1.0, "merged") : t);
        case "split>" -> out.add(c.from().contains(code)
            ? with(t, String.join("+", c.to()), 1.0, "split") : t);
        case "split<" -> out.add(c.to().contains(code)
            ? with(t, c.from().get(0), 1.0, "split") : t);
        case "retire>" -> out.add(c.from().contains(code) ? with(t, code, 1.0, "retired") : t);
        case "retire<" -> out.add(t); // the retired code does not occur in later data
        case "move>" -> {
          if (c.from().contains(code) && c.share() != null) {
            out.add(with(t, code, 1.0 - c.share(), "moved"));
            out.add(with(t, c.to().get(0), c.share(), "moved"));
          } else if (c.share() == null && (c.from().contains(code) || c.to().contains(code))) {
            out.add(with(t, code, 1.0, "break"));
          } else {
            out.add(t);
          }
        }
        case "move<" -> out.add(c.from().contains(code) || c.to().contains(code)
            ? with(t, code, 1.0, "break") : t);
        default -> throw new IllegalStateException(c.type());
      }
    }
    return out;
  }

  private static Target with(Target t, String code, double weight, String note) {
    Set<String> notes = new LinkedHashSet<>(t.notes());
    notes.add(note);
    return new Target(code, t.weight() * weight, new ArrayList<>(notes));
  }

  private static <T> List<T> concat(java.util.Collection<T> a, java.util.Collection<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}

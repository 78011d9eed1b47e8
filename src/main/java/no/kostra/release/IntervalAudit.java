package no.kostra.release;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * The level 2 audit (publishing.md §2.7): the interval each withheld cell can take given every
 * published cell of its problem, their linear relations and that counts are never negative. The
 * rank test (level 1) says a withheld cell is not determined; non-negativity can still pin it: a
 * withheld 0 whose published row total minus its published siblings is 0, or two withheld cells
 * that sum to 0.
 *
 * <p>The bounds are linear programs over the inner cells, solved by ojAlgo. To keep them small,
 * every unit's inner cells (a municipality's age bands) are first solved from the unit's own
 * published cells, exactly where those give them: x = x0 + N·t, with t the unit's remaining
 * freedom (none where the unit is published in full). The programs then run over the t of the
 * units that have a withheld cell, against the aggregates and non-negativity.
 *
 * <p>The protection interval (GaussSuppression's {@code protectionIntervals}, SSB's default):
 * a sensitive cell (a count at or below the threshold, withheld or an unpublished part) must be
 * able to reach its value + 1 and its interval must be at least 2 wide. Where the reader does not
 * know the value (an audit from the published files), a cell fails when the published cells prove
 * it at or below the threshold and pin it to less than 2.
 */
final class IntervalAudit {

  private static final double EPS = 1e-6;

  /** How far a constraint is relaxed against rounding noise (relative to its value). */
  private static final double FEASIBILITY = 1e-7;

  static {
    // ojAlgo prints a note on its first use when it has no hardware profile of this machine
    if (System.getProperty("shut.up.ojAlgo") == null) {
      System.setProperty("shut.up.ojAlgo", "true");
    }
  }

  private IntervalAudit() {}

  /** A withheld or part cell's interval, and why it fails (null: it passes). */
  record Bounds(String key, double lower, double upper, String failure) {}

  /**
   * The bounds of every target whose interval could fail, with a failure reason where it does.
   * Targets: cells withheld by {@code status} (primary, secondary) and part cells ({@link Publication#PART},
   * never a published row); a target with a known value is sensitive at or below
   * {@code threshold}.
   */
  static List<Bounds> check(List<GaussSuppression.Cell> cells, Map<String, CellStatus> status,
      Map<Integer, String> unitOfInner, int threshold) {
    return check(cells, status, unitOfInner, threshold, null);
  }

  /** As {@link #check}, for the targets whose keys are in {@code only} (null: all). */
  static List<Bounds> check(List<GaussSuppression.Cell> cells, Map<String, CellStatus> status,
      Map<Integer, String> unitOfInner, int threshold, java.util.Set<String> only) {
    Reduced reduced = Reduced.of(cells, status, unitOfInner);
    reduced.link();
    // the same column on both borders is the same program: solved once (in parallel, each
    // program a model of its own)
    Map<List<Object>, List<GaussSuppression.Cell>> byObjective = new java.util.LinkedHashMap<>();
    for (GaussSuppression.Cell c : cells) {
      CellStatus st = status.get(c.key());
      boolean withheld = st != null && st.withheld() || c.key().startsWith(Publication.PART);
      if (!withheld || c.measure() == null || c.column().isEmpty()
          || (only != null && !only.contains(c.key()))) {
        continue;
      }
      BigDecimal value = c.measure().value();
      if (value != null && value.doubleValue() > threshold + 0.5) {
        continue; // not sensitive: a secondary cell's interval is no one's secret
      }
      byObjective.computeIfAbsent(List.of(c.column(), c.measure().scale(),
          value == null ? "" : value.stripTrailingZeros()), k -> new ArrayList<>()).add(c);
    }
    List<Map.Entry<List<Object>, List<GaussSuppression.Cell>>> programs =
        new ArrayList<>(byObjective.entrySet());
    // a parallel stream's toList keeps the order: result i is program i's
    List<java.util.Optional<Bounds>> results = programs.parallelStream().map(e ->
        java.util.Optional.ofNullable(bounds(reduced, e.getValue().get(0), threshold))).toList();
    List<Bounds> out = new ArrayList<>();
    for (int i = 0; i < programs.size(); i++) {
      Bounds b = results.get(i).orElse(null);
      if (b != null) {
        for (GaussSuppression.Cell c : programs.get(i).getValue()) {
          out.add(new Bounds(c.key(), b.lower(), b.upper(), b.failure()));
        }
      }
    }
    return out;
  }

  /** One target's bounds (null where it needs no program). */
  private static Bounds bounds(Reduced reduced, GaussSuppression.Cell c, int threshold) {
    BigDecimal value = c.measure().value();
    double scale = c.measure().scale().doubleValue();
    double[] objective = reduced.objective(c.column(), scale);
    double constant = objective[objective.length - 1];
    // with non-negative coefficients the fixed inner cells are a lower bound already
    if (value == null && c.column().values().stream().allMatch(x -> x.signum() > 0)
        && constant > threshold + EPS) {
      return null;
    }
    // the largest value first: the smallest is needed only where the largest leaves the width
    // in doubt (the value itself is feasible, so width >= upper - value)
    double upper = reduced.optimum(objective, true);
    double lower;
    if (value != null && upper >= value.doubleValue() + 2 - EPS) {
      lower = Double.NaN; // not needed: wide enough whatever the lower bound
    } else if (value == null && upper > threshold + EPS) {
      lower = Double.NaN; // not proved small: nothing to pin
    } else {
      lower = reduced.optimum(objective, false);
    }
    String failure = null;
    if (value != null) {
      if (upper < value.doubleValue() + 1 - EPS) {
        failure = "cannot exceed " + format(upper) + " (value " + value.stripTrailingZeros()
            .toPlainString() + ", needs value + 1)";
      } else if (!Double.isNaN(lower) && upper - lower < 2 - EPS) {
        failure = "lies in [" + format(lower) + ", " + format(upper) + "], narrower than 2";
      }
    } else if (upper <= threshold + EPS && upper - lower < 2 - EPS) {
      failure = "lies in [" + format(lower) + ", " + format(upper) + "]: at most " + threshold
          + " and narrower than 2";
    }
    return new Bounds(c.key(), lower, upper, failure);
  }

  private static String format(double v) {
    return BigDecimal.valueOf(Math.round(v * 1000) / 1000.0).stripTrailingZeros().toPlainString();
  }

  /**
   * Gauss–Jordan elimination of augmented rows (k coefficients, then the value), in place: the
   * row of each column's pivot (-1 where the column is free). Throws {@code contradiction} where
   * a row reduces to 0 = c ≠ 0.
   */
  static int[] reduce(List<double[]> m, int k, String contradiction) {
    int[] pivotOfColumn = new int[k];
    java.util.Arrays.fill(pivotOfColumn, -1);
    int rank = 0;
    for (int col = 0; col < k && rank < m.size(); col++) {
      int best = -1;
      for (int i = rank; i < m.size(); i++) {
        if (Math.abs(m.get(i)[col]) > 1e-9 && (best < 0
            || Math.abs(m.get(i)[col]) > Math.abs(m.get(best)[col]))) {
          best = i;
        }
      }
      if (best < 0) {
        continue;
      }
      double[] p = m.get(best);
      m.set(best, m.get(rank));
      m.set(rank, p);
      double pv = p[col];
      for (int j = 0; j <= k; j++) {
        p[j] /= pv;
      }
      for (int i = 0; i < m.size(); i++) {
        double f = m.get(i)[col];
        if (i != rank && f != 0) {
          for (int j = 0; j <= k; j++) {
            m.get(i)[j] -= f * p[j];
          }
        }
      }
      pivotOfColumn[col] = rank++;
    }
    for (int i = rank; i < m.size(); i++) {
      double rhs = m.get(i)[k];
      if (Math.abs(rhs) > 1e-6 * Math.max(1, Math.abs(rhs))) {
        throw new IllegalStateException(contradiction);
      }
    }
    return pivotOfColumn;
  }

  /**
   * The values of k unknowns that augmented rows determine (NaN where they leave one free): the
   * parts of a family at one region from the values of its variables.
   */
  static double[] determined(List<double[]> rows, int k) {
    List<double[]> m = new ArrayList<>();
    rows.forEach(r -> m.add(r.clone()));
    int[] pivot = reduce(m, k, "the values of one region's variables contradict each other");
    double[] out = new double[k];
    for (int col = 0; col < k; col++) {
      out[col] = Double.NaN;
      if (pivot[col] >= 0) {
        double[] row = m.get(pivot[col]);
        boolean alone = true;
        for (int j = 0; j < k; j++) {
          alone &= j == col || Math.abs(row[j]) < 1e-12;
        }
        out[col] = alone ? row[k] : Double.NaN;
      }
    }
    return out;
  }

  /**
   * The published cells as constraints on the free parameters t: x = x0 + N·t per unit, every
   * constraint that is not one unit's exact own cell kept as lower ≤ row·(x0 + N·t) ≤ upper, and
   * x0 + N·t ≥ 0 for every inner cell that is not fixed.
   */
  private static final class Reduced {
    final double[] x0; // per inner cell
    final Map<Integer, Map<Integer, Double>> n = new HashMap<>(); // inner cell -> t index -> coef
    int parameters;
    final List<double[]> rowBounds = new ArrayList<>(); // lower, upper in t terms
    final List<Map<Integer, Double>> rows = new ArrayList<>();
    final Map<Map<Integer, Double>, Integer> rowIndex = new HashMap<>();

    private Reduced(int inner) {
      x0 = new double[inner];
    }

    static Reduced of(List<GaussSuppression.Cell> cells, Map<String, CellStatus> status,
        Map<Integer, String> unitOfInner) {
      int size = unitOfInner.keySet().stream().mapToInt(i -> i + 1).max().orElse(0);
      for (GaussSuppression.Cell c : cells) {
        for (int i : c.column().keySet()) {
          size = Math.max(size, i + 1);
        }
      }
      Reduced r = new Reduced(size);
      // published constraints: the unit's own exact cells, and the rest
      Map<String, List<GaussSuppression.Cell>> own = new TreeMap<>();
      List<GaussSuppression.Cell> shared = new ArrayList<>();
      for (GaussSuppression.Cell c : cells) {
        CellStatus st = status.get(c.key());
        if (st == null || !st.published() || c.measure() == null
            || c.measure().value() == null || c.column().isEmpty()) {
          continue;
        }
        String unit = null;
        for (int i : c.column().keySet()) {
          String u = unitOfInner.getOrDefault(i, "#" + i);
          unit = unit == null || unit.equals(u) ? u : "";
        }
        if (!unit.isEmpty() && c.measure().halfWidth().signum() == 0) {
          own.computeIfAbsent(unit, k -> new ArrayList<>()).add(c);
        } else {
          shared.add(c);
        }
      }
      // every unit's inner cells, solved from its own exact cells
      Map<String, List<Integer>> innerOfUnit = new TreeMap<>();
      for (int i = 0; i < size; i++) {
        innerOfUnit.computeIfAbsent(unitOfInner.getOrDefault(i, "#" + i), k -> new ArrayList<>())
            .add(i);
      }
      for (Map.Entry<String, List<Integer>> u : innerOfUnit.entrySet()) {
        r.solveUnit(u.getValue(), own.getOrDefault(u.getKey(), List.of()));
      }
      for (GaussSuppression.Cell c : shared) {
        double scale = c.measure().scale().doubleValue();
        double[] row = r.objective(c.column(), scale);
        double constant = row[row.length - 1];
        double value = c.measure().value().doubleValue();
        double half = c.measure().halfWidth().doubleValue();
        Map<Integer, Double> terms = new TreeMap<>();
        for (int j = 0; j < row.length - 1; j++) {
          if (Math.abs(row[j]) > 1e-12) {
            terms.put(j, row[j]);
          }
        }
        if (terms.isEmpty()) {
          if (Math.abs(constant - value) > half + 1e-6 * Math.max(1, Math.abs(value))) {
            throw new IllegalStateException("the published values contradict each other at "
                + c.key() + ": " + value + " published, its members give " + constant);
          }
          continue;
        }
        // the same sum on both borders (and Oslo as its county) is one constraint
        // a hair wider than exact: floating-point noise must not make the true data infeasible
        double slack = FEASIBILITY * Math.max(1, Math.abs(value));
        double lo = value - half - constant - slack;
        double hi = value + half - constant + slack;
        Integer seen = r.rowIndex.get(terms);
        if (seen == null) {
          r.rowIndex.put(terms, r.rows.size());
          r.rows.add(terms);
          r.rowBounds.add(new double[] {lo, hi});
        } else {
          double[] b = r.rowBounds.get(seen);
          b[0] = Math.max(b[0], lo);
          b[1] = Math.min(b[1], hi);
        }
      }
      return r;
    }

    /**
     * Gauss–Jordan on the unit's own cells (coefficients over its k inner cells): x = x0 + N·t
     * with one parameter per free column.
     */
    private void solveUnit(List<Integer> inner, List<GaussSuppression.Cell> own) {
      int k = inner.size();
      Map<Integer, Integer> position = new HashMap<>();
      for (int j = 0; j < k; j++) {
        position.put(inner.get(j), j);
      }
      List<double[]> m = new ArrayList<>();
      for (GaussSuppression.Cell c : own) {
        double scale = c.measure().scale().doubleValue();
        double[] row = new double[k + 1];
        c.column().forEach((i, x) -> row[position.get(i)] = x.doubleValue() / scale);
        row[k] = c.measure().value().doubleValue();
        m.add(row);
      }
      int[] pivotOfColumn = reduce(m, k, "the published values of one unit contradict each other"
          + " (inner cells " + inner + ")");
      Map<Integer, Integer> parameterOfColumn = new HashMap<>();
      for (int col = 0; col < k; col++) {
        if (pivotOfColumn[col] < 0) {
          parameterOfColumn.put(col, parameters++);
        }
      }
      for (int col = 0; col < k; col++) {
        int i = inner.get(col);
        Map<Integer, Double> coefficients = new TreeMap<>();
        if (pivotOfColumn[col] < 0) {
          x0[i] = 0;
          coefficients.put(parameterOfColumn.get(col), 1.0);
        } else {
          double[] row = m.get(pivotOfColumn[col]);
          x0[i] = row[k];
          for (Map.Entry<Integer, Integer> free : parameterOfColumn.entrySet()) {
            double f = row[free.getKey()];
            if (Math.abs(f) > 1e-12) {
              coefficients.put(free.getValue(), -f);
            }
          }
        }
        if (!coefficients.isEmpty()) {
          n.put(i, coefficients);
        }
      }
    }

    /** A column (over inner cells, scaled) in t terms: coefficients per t, then the constant. */
    double[] objective(Map<Integer, BigInteger> column, double scale) {
      double[] out = new double[parameters + 1];
      column.forEach((i, x) -> {
        double c = x.doubleValue() / scale;
        out[parameters] += c * x0[i];
        Map<Integer, Double> free = n.get(i);
        if (free != null) {
          free.forEach((t, f) -> out[t] += c * f);
        }
      });
      return out;
    }

    /** Parameters linked by a constraint, as one component: its rows and its boxes. */
    private int[] component;
    private final Map<Integer, List<Integer>> rowsOfComponent = new HashMap<>();
    private final Map<Integer, List<Integer>> innerOfComponent = new HashMap<>();
    private double[] lowerOfT;
    private double[] upperOfT;

    /**
     * Groups the parameters into components (a constraint or an inner cell's non-negativity links
     * the parameters it holds), and turns non-negativity of an inner cell with one parameter into
     * a bound on it.
     */
    void link() {
      if (component != null) {
        return;
      }
      int[] parent = new int[parameters];
      for (int t = 0; t < parameters; t++) {
        parent[t] = t;
      }
      List<java.util.Collection<Integer>> groups = new ArrayList<>();
      rows.forEach(r -> groups.add(r.keySet()));
      n.values().forEach(c -> groups.add(c.keySet()));
      for (var g : groups) {
        Integer first = null;
        for (int t : g) {
          if (first == null) {
            first = find(parent, t);
          } else {
            parent[find(parent, t)] = first;
          }
        }
      }
      component = new int[parameters];
      for (int t = 0; t < parameters; t++) {
        component[t] = find(parent, t);
      }
      for (int i = 0; i < rows.size(); i++) {
        rowsOfComponent.computeIfAbsent(component[rows.get(i).keySet().iterator().next()],
            k -> new ArrayList<>()).add(i);
      }
      lowerOfT = new double[parameters];
      upperOfT = new double[parameters];
      java.util.Arrays.fill(lowerOfT, Double.NEGATIVE_INFINITY);
      java.util.Arrays.fill(upperOfT, Double.POSITIVE_INFINITY);
      for (Map.Entry<Integer, Map<Integer, Double>> e : n.entrySet()) {
        Map<Integer, Double> c = e.getValue();
        if (c.size() == 1) {
          var only = c.entrySet().iterator().next();
          double bound = (-x0[e.getKey()] - FEASIBILITY) / only.getValue();
          if (only.getValue() > 0) {
            lowerOfT[only.getKey()] = Math.max(lowerOfT[only.getKey()], bound);
          } else {
            upperOfT[only.getKey()] = Math.min(upperOfT[only.getKey()], bound);
          }
        } else {
          innerOfComponent.computeIfAbsent(component[c.keySet().iterator().next()],
              k -> new ArrayList<>()).add(e.getKey());
        }
      }
    }

    private static int find(int[] parent, int t) {
      while (parent[t] != t) {
        parent[t] = parent[parent[t]];
        t = parent[t];
      }
      return t;
    }

    /** The smallest or largest value of the form given the constraints and x ≥ 0. */
    double optimum(double[] form, boolean maximise) {
      double constant = form[form.length - 1];
      java.util.Set<Integer> components = new java.util.TreeSet<>();
      for (int t = 0; t < parameters; t++) {
        if (Math.abs(form[t]) > 1e-12) {
          components.add(component[t]);
        }
      }
      if (components.isEmpty()) {
        return constant;
      }
      ExpressionsBasedModel model = new ExpressionsBasedModel();
      Map<Integer, Variable> vars = new HashMap<>();
      for (int t = 0; t < parameters; t++) {
        if (components.contains(component[t])) {
          Variable v = model.addVariable("t" + t);
          v.lower(Double.isInfinite(lowerOfT[t]) ? null : BigDecimal.valueOf(lowerOfT[t]));
          v.upper(Double.isInfinite(upperOfT[t]) ? null : BigDecimal.valueOf(upperOfT[t]));
          vars.put(t, v);
        }
      }
      for (int k : components) {
        for (int i : rowsOfComponent.getOrDefault(k, List.of())) {
          Expression e = model.addExpression("r" + i).lower(rowBounds.get(i)[0])
              .upper(rowBounds.get(i)[1]);
          rows.get(i).forEach((t, f) -> e.set(vars.get(t), f));
        }
        for (int i : innerOfComponent.getOrDefault(k, List.of())) {
          Expression e = model.addExpression("n" + i).lower(-x0[i] - FEASIBILITY);
          n.get(i).forEach((t, f) -> e.set(vars.get(t), f));
        }
      }
      Expression objective = model.addExpression("objective").weight(1);
      for (int t = 0; t < parameters; t++) {
        if (Math.abs(form[t]) > 1e-12) {
          objective.set(vars.get(t), form[t]);
        }
      }
      Optimisation.Result result = maximise ? model.maximise() : model.minimise();
      if (result.getState() == Optimisation.State.UNBOUNDED) {
        return maximise ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      }
      if (!result.getState().isOptimal()) {
        throw new IllegalStateException("the interval audit's program ended " + result.getState()
            + " (" + vars.size() + " parameters, " + model.getExpressions().size()
            + " constraints): the published values do not fit their relations");
      }
      return constant + result.getValue();
    }
  }
}

package no.kostra.release;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Secondary suppression by Gaussian elimination (publishing.md §2.3, §2.6), on exact integers.
 *
 * <p>Every published cell of a table is a linear form over the inner cells (a municipality is
 * itself; an aggregate is the sum of its reporting members plus the estimates of its missing ones,
 * with rational coefficients scaled to integers — scaling does not change a span). A withheld
 * (primary) cell is disclosed exactly when its column lies in the span of the published columns.
 * Candidates are walked from the most to the least preferred for publication (large values first);
 * one that would bring a primary column into the span is withheld too (secondary). The audit
 * ({@link #disclosed}) is separate code: the rank of the published columns with and without each
 * withheld cell.
 */
final class GaussSuppression {

  /**
   * A cell: its key, its column (inner cell index -> integer coefficient), value for ordering;
   * {@code primary}: must not be derivable; {@code fixed}: published already (by an earlier
   * release) and so published whatever this release does; {@code hidden}: withheld whatever the
   * elimination says (the interval audit asked for it); {@code measure}: what the cell's value
   * says of its column, for the interval audit ({@link IntervalAudit}; null: nothing).
   */
  record Cell(String key, Map<Integer, BigInteger> column, long order, boolean primary,
      boolean fixed, boolean hidden, Measure measure) {
    Cell(String key, Map<Integer, BigInteger> column, long order, boolean primary) {
      this(key, column, order, primary, false, false, null);
    }

    Cell(String key, Map<Integer, BigInteger> column, long order, boolean primary,
        boolean fixed) {
      this(key, column, order, primary, fixed, false, null);
    }

    Cell hide() {
      return new Cell(key, column, order, primary, fixed, true, measure);
    }
  }

  /**
   * A cell's value as a constraint on its column: column · x = scale · value, within ± scale ·
   * halfWidth (half a unit of the last published digit where the value is a rounded estimate,
   * 0 where it is an exact sum of counts). {@code value} is what was published, or for a withheld
   * cell what the publisher knows (null where the reader does not know it).
   */
  record Measure(java.math.BigDecimal value, BigInteger scale, java.math.BigDecimal halfWidth) {}

  /**
   * Status per key ({@link CellStatus}): primary, secondary, published, published before (fixed),
   * or exposed: a primary cell that the fixed cells alone already give (before this release:
   * nothing this release withholds can protect it).
   */
  static Map<String, CellStatus> suppress(List<Cell> cells) {
    Map<String, CellStatus> status = new LinkedHashMap<>();
    List<Map.Entry<String, TreeMap<Integer, BigInteger>>> targets = new ArrayList<>();
    for (Cell c : cells) {
      if (c.primary()) {
        status.put(c.key(), CellStatus.PRIMARY);
        TreeMap<Integer, BigInteger> t = new TreeMap<>(c.column());
        if (!t.isEmpty()) {
          targets.add(Map.entry(c.key(), t));
        }
      }
    }
    List<Integer> pivots = new ArrayList<>();
    List<TreeMap<Integer, BigInteger>> basis = new ArrayList<>();
    // what earlier releases published is public: it spans first, and a target it gives is exposed
    for (Cell c : cells) {
      if (c.hidden() && !c.primary()) {
        status.put(c.key(), CellStatus.SECONDARY);
      }
      if (!c.fixed() || c.primary() || c.hidden()) {
        continue;
      }
      status.put(c.key(), CellStatus.PUBLISHED_BEFORE);
      TreeMap<Integer, BigInteger> v = reduce(new TreeMap<>(c.column()), pivots, basis);
      if (v.isEmpty()) {
        continue;
      }
      int r = v.firstKey();
      List<Map.Entry<String, TreeMap<Integer, BigInteger>>> left = new ArrayList<>();
      for (var t : targets) {
        TreeMap<Integer, BigInteger> reduced = eliminate(t.getValue(), r, v);
        if (reduced.isEmpty()) {
          status.put(t.getKey(), CellStatus.EXPOSED);
        } else {
          left.add(Map.entry(t.getKey(), reduced));
        }
      }
      pivots.add(r);
      basis.add(v);
      targets = left;
    }
    List<Cell> candidates = new ArrayList<>(cells.stream()
        .filter(c -> !c.primary() && !c.fixed() && !c.hidden()).toList());
    // publish large cells, sacrifice small ones; then cells built from many inner cells; then key
    candidates.sort(Comparator.comparingLong(Cell::order).reversed()
        .thenComparing(c -> -c.column().size()).thenComparing(Cell::key));
    for (Cell c : candidates) {
      TreeMap<Integer, BigInteger> v = reduce(new TreeMap<>(c.column()), pivots, basis);
      if (v.isEmpty()) {
        status.put(c.key(), CellStatus.PUBLISHED); // implied by what is already published
        continue;
      }
      int r = v.firstKey();
      List<Map.Entry<String, TreeMap<Integer, BigInteger>>> trial = new ArrayList<>();
      boolean discloses = false;
      for (var t : targets) {
        TreeMap<Integer, BigInteger> reduced = eliminate(t.getValue(), r, v);
        if (reduced.isEmpty()) {
          discloses = true;
          break;
        }
        trial.add(Map.entry(t.getKey(), reduced));
      }
      if (discloses) {
        status.put(c.key(), CellStatus.SECONDARY);
        continue;
      }
      pivots.add(r);
      basis.add(v);
      targets = trial;
      status.put(c.key(), CellStatus.PUBLISHED);
    }
    return status;
  }

  /**
   * The audit, independent of {@link #suppress}: the keys of withheld cells (primary or secondary, with a
   * primary among them) whose column lies in the span of the published cells' columns (published
   * now or by an earlier release).
   */
  static List<String> disclosed(List<Cell> cells, Map<String, CellStatus> status) {
    Basis published = Basis.of(cells, status);
    List<String> out = new ArrayList<>();
    for (Cell c : cells) {
      if (c.primary() && published.spans(c)) {
        out.add(c.key());
      }
    }
    return out;
  }

  /** A reduced basis of the published cells' columns (now or by an earlier release). */
  private record Basis(List<Integer> pivots, List<TreeMap<Integer, BigInteger>> rows) {
    static Basis of(List<Cell> cells, Map<String, CellStatus> status) {
      Basis b = new Basis(new ArrayList<>(), new ArrayList<>());
      for (Cell c : cells) {
        CellStatus st = status.get(c.key());
        if (st != null && st.published()) {
          TreeMap<Integer, BigInteger> v = reduce(new TreeMap<>(c.column()), b.pivots, b.rows);
          if (!v.isEmpty()) {
            b.pivots.add(v.firstKey());
            b.rows.add(v);
          }
        }
      }
      return b;
    }

    /** Whether the cell's column lies in the span (an empty column never does). */
    boolean spans(Cell c) {
      return !c.column().isEmpty() && reduce(new TreeMap<>(c.column()), pivots, rows).isEmpty();
    }
  }

  /**
   * The withheld cells that are not primary and lie in the span of the published ones (now or
   * earlier): withholding them protects nothing.
   */
  static List<String> implied(List<Cell> cells, Map<String, CellStatus> status) {
    Basis published = Basis.of(cells, status);
    List<String> out = new ArrayList<>();
    for (Cell c : cells) {
      if (!c.primary() && status.get(c.key()) == CellStatus.SECONDARY && published.spans(c)) {
        out.add(c.key());
      }
    }
    return out;
  }

  private static TreeMap<Integer, BigInteger> reduce(TreeMap<Integer, BigInteger> w,
      List<Integer> pivots, List<TreeMap<Integer, BigInteger>> basis) {
    for (int i = 0; i < basis.size() && !w.isEmpty(); i++) {
      w = eliminate(w, pivots.get(i), basis.get(i));
    }
    return w;
  }

  /** w − (w[r] / b[r]) · b, fraction-free: b[r]·w − w[r]·b, divided by the gcd of its entries. */
  private static TreeMap<Integer, BigInteger> eliminate(TreeMap<Integer, BigInteger> w, int r,
      TreeMap<Integer, BigInteger> b) {
    BigInteger wr = w.get(r);
    if (wr == null) {
      return w;
    }
    BigInteger br = b.get(r);
    TreeMap<Integer, BigInteger> out = new TreeMap<>();
    w.forEach((k, x) -> out.put(k, x.multiply(br)));
    b.forEach((k, x) -> out.merge(k, x.multiply(wr).negate(), BigInteger::add));
    out.values().removeIf(x -> x.signum() == 0);
    BigInteger g = BigInteger.ZERO;
    for (BigInteger x : out.values()) {
      g = g.gcd(x);
    }
    if (g.signum() != 0 && !g.equals(BigInteger.ONE)) {
      BigInteger gcd = g;
      out.replaceAll((k, x) -> x.divide(gcd));
    }
    return out;
  }
}

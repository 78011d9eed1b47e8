package no.kostra.edit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Hidiroglou–Berthelot method for one variable within one stratum, as SSB's KOSTRA tooling
 * applies it ({@code Hb()} in statisticsnorway/ssb-kostra; SSB handbook 2005/84, "Datarevisjon"):
 * units with both values above zero are compared by the ratio {@code r = x1 / x2} (this year
 * over the comparison year); with {@code r_M} the median ratio, the centred ratio is
 * {@code s = r / r_M - 1} above the median and {@code 1 - r_M / r} below it, weighted by size,
 * {@code E = s · max(x1, x2)^U}; with the quartiles {@code E_Q1, E_M, E_Q3} of E, a unit is an
 * outlier outside {@code [E_M - C·d_Q1, E_M + C·d_Q3]}, {@code d_Q1 = max(E_M - E_Q1, |A·E_M|)} and
 * {@code d_Q3 = max(E_Q3 - E_M, |A·E_M|)} ({@code A} itself replaces {@code |A·E_M|} where
 * {@code E_M = 0}). The bounds, turned back into ratios for each unit's size, are what the unit's
 * ratio must lie within. Quartiles are R's default (type 7), as {@code quantile()} computes them.
 *
 * <p>The score puts a unit's distance from {@code E_M} in units of its side's bound width,
 * {@code (E - E_M) / (C·d_Q3)} or {@code (E_M - E) / (C·d_Q1)}: above 1 is outside the bounds,
 * and the ranking of candidates orders by it.
 */
public final class HidiroglouBerthelot {

  /**
   * The method's parameters: {@code u} size weight (SSB's pU, default 0.5), {@code a} minimum
   * spread as a share of the median (pA, 0.05), {@code c} width of the bounds (pC, 20).
   */
  public record Parameters(double u, double a, double c) {
    public static final Parameters SSB = new Parameters(0.5, 0.05, 20);
  }

  /** One unit's values: this year's {@code x1} and the comparison year's {@code x2}, both > 0. */
  public record Unit(String id, double x1, double x2) {}

  /** One stratum's result: every unit scored, and the median ratio, median effect and spreads. */
  public record Stratum(List<Scored> scored, double medianRatio, double medianEffect, double dq1,
      double dq3) {}

  /** What the method says of one unit. */
  public record Scored(Unit unit, double ratio, double medianRatio, double effect,
      double lowerRatio, double upperRatio, double score, boolean outlier) {}

  private HidiroglouBerthelot() {}

  /**
   * Scores the units of one stratum (each with {@code x1, x2 > 0}). Where half or more of them
   * have {@code x1 == x2}, those are left out, as SSB does (an unchanged value tells nothing of the
   * spread): they come back scored 0, within their bounds.
   */
  public static Stratum stratum(List<Unit> units, Parameters p) {
    List<Unit> used = units;
    long equal = units.stream().filter(u -> u.x1() == u.x2()).count();
    if (!units.isEmpty() && equal * 2 >= units.size() && equal < units.size()) {
      used = units.stream().filter(u -> u.x1() != u.x2()).toList();
    }
    List<Scored> out = new ArrayList<>();
    if (used.isEmpty() || equal == units.size()) {
      for (Unit u : units) {
        out.add(new Scored(u, 1, 1, 0, 1, 1, 0, false));
      }
      return new Stratum(out, 1, 0, p.a(), p.a());
    }
    double[] ratios = used.stream().mapToDouble(u -> u.x1() / u.x2()).toArray();
    double median = quantile(ratios, 0.5);
    double[] effects = new double[used.size()];
    for (int i = 0; i < used.size(); i++) {
      effects[i] = effect(used.get(i), median, p);
    }
    double q1 = quantile(effects, 0.25);
    double em = quantile(effects, 0.5);
    double q3 = quantile(effects, 0.75);
    double floor = em != 0 ? Math.abs(em * p.a()) : p.a();
    double dq1 = Math.max(em - q1, floor);
    double dq3 = Math.max(q3 - em, floor);
    double lower = em - p.c() * dq1;
    double upper = em + p.c() * dq3;
    for (Unit u : units) {
      if (!used.contains(u)) {
        out.add(new Scored(u, 1, median, 0, lowerRatio(u, median, lower, p),
            upperRatio(u, median, upper, p), 0, false));
        continue;
      }
      double r = u.x1() / u.x2();
      double e = effect(u, median, p);
      double score = e >= em ? (e - em) / (p.c() * dq3) : (em - e) / (p.c() * dq1);
      double lo = lowerRatio(u, median, lower, p);
      double hi = upperRatio(u, median, upper, p);
      out.add(new Scored(u, r, median, e, lo, hi, score, r < lo || r > hi));
    }
    return new Stratum(out, median, em, dq1, dq3);
  }

  private static double effect(Unit u, double median, Parameters p) {
    double r = u.x1() / u.x2();
    double s = r >= median ? r / median - 1 : 1 - median / r;
    return s * Math.pow(Math.max(u.x1(), u.x2()), p.u());
  }

  /** The ratio at the lower bound for this unit's size (infinite bound: 0). */
  private static double lowerRatio(Unit u, double median, double lower, Parameters p) {
    double w = Math.pow(Math.max(u.x1(), u.x2()), p.u());
    return w - lower <= 0 ? 0 : median * w / (w - lower);
  }

  private static double upperRatio(Unit u, double median, double upper, Parameters p) {
    double w = Math.pow(Math.max(u.x1(), u.x2()), p.u());
    return median * (w + upper) / w;
  }

  /** R's quantile type 7 (its default): linear between the order statistics at (n - 1)·q. */
  static double quantile(double[] values, double q) {
    double[] x = values.clone();
    Arrays.sort(x);
    double h = (x.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, x.length - 1);
    return x[lo] + (h - lo) * (x[hi] - x[lo]);
  }
}

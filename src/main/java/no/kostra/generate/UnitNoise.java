package no.kostra.generate;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The draws that make a unit what it is from year to year. A municipality that spends much on
 * social assistance one year does so the next: real accounts and caseloads change by a few per
 * cent a year, not by the 30 % the generators' per-year draws alone would give (and editing, the
 * Hidiroglou–Berthelot method against last year, is meaningless on years drawn independently).
 *
 * <p>{@link #ANCHOR_YEAR} is the year the seeds were made for: there each draw is the year's own,
 * taken from the year's stream in the order it always was, so the anchor year's files stay
 * byte-identical. In any other year the same stream is consumed the same way (the rest of the
 * year's draws stay put), but a keyed draw returns the anchor year's draw for that key, moved by a
 * small yearly change: {@code sqrt(1 - s²) · anchor + s · own} keeps a standard normal.
 * Uniform draws (whether an art is booked at all) are the anchor year's exactly.
 */
public final class UnitNoise {

  /** The year whose draws the other years vary around (the demo's year). */
  public static final int ANCHOR_YEAR = 2025;

  private final SplittableRandom rnd;
  private final Map<String, Double> anchor; // null: this is the anchor year (or its replay)
  private final Map<String, Double> recorded; // non-null when replaying the anchor year
  private final double yearly;

  private UnitNoise(SplittableRandom rnd, Map<String, Double> anchor, Map<String, Double> recorded,
      double yearly) {
    this.rnd = rnd;
    this.anchor = anchor;
    this.recorded = recorded;
    this.yearly = yearly;
  }

  /** The anchor year's own draws, as they always were. */
  public static UnitNoise own(SplittableRandom rnd) {
    return new UnitNoise(rnd, null, null, 0);
  }

  /** A replay of the anchor year that records every keyed draw (for {@link #around}). */
  public static UnitNoise recording(SplittableRandom anchorStream) {
    return new UnitNoise(anchorStream, null, new HashMap<>(), 0);
  }

  /**
   * Another year's draws around the anchor's: {@code yearly} is the standard deviation of the
   * year's own part (0.2 on a log-normal of σ 0.25 is a 5 % change a year).
   */
  public static UnitNoise around(UnitNoise replay, SplittableRandom rnd, double yearly) {
    return new UnitNoise(rnd, Map.copyOf(replay.recorded), null, yearly);
  }

  /** The year's stream, for the draws that are the year's own (the anchor's are keyed). */
  public SplittableRandom stream() {
    return rnd;
  }

  /** A standard normal draw that persists across years under {@code key}. */
  public double gaussian(String key) {
    double own = rnd.nextGaussian();
    return blend(key, own);
  }

  /** The same from a Box–Muller draw (the 11F generator's way of drawing). */
  public double gaussianBoxMuller(String key) {
    double own = Draws.gaussian(1 - rnd.nextDouble(), rnd.nextDouble());
    return blend(key, own);
  }

  /** A uniform draw in [0, 1) that is the anchor year's under {@code key}. */
  public double uniform(String key) {
    double own = rnd.nextDouble();
    if (recorded != null) {
      recorded.put(key, own);
    }
    Double a = anchor == null ? null : anchor.get(key);
    return a == null ? own : a;
  }

  private double blend(String key, double own) {
    if (recorded != null) {
      recorded.put(key, own);
    }
    Double a = anchor == null ? null : anchor.get(key);
    return a == null ? own : Math.sqrt(1 - yearly * yearly) * a + yearly * own;
  }

  /** Nominal growth of amounts from the anchor year (about 4 % a year). */
  public static double growth(int year) {
    return Math.pow(1.04, year - ANCHOR_YEAR);
  }
}

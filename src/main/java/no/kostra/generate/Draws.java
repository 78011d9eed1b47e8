package no.kostra.generate;

import java.util.SplittableRandom;

/**
 * The generators' seeded randomness: one stream per (seed, year, what, unit), so a file does not
 * change when another municipality or form is added or left out ({@code --only}), and the same
 * seed gives byte-identical files. Each generator still mixes its seed and year its own way (three
 * formulas): making them one would change every file they write, and so the demo's release ids.
 */
public final class Draws {

  private Draws() {}

  /**
   * A stream for one thing of one unit: {@code base} (the generator's seed and year, mixed by the
   * generator) extended by the characters of {@code what|unit}.
   */
  public static SplittableRandom stream(long base, String what, String unit) {
    long h = base;
    for (char c : (what + "|" + unit).toCharArray()) {
      h = h * 31 + c;
    }
    return new SplittableRandom(h);
  }

  /**
   * A standard normal draw from two uniform draws (Box-Muller; SplittableRandom has no
   * nextGaussian on Java 17). {@code u} in (0, 1]: the caller keeps it away from 0.
   */
  public static double gaussian(double u, double v) {
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

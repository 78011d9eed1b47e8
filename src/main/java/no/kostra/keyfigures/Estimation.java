package no.kostra.keyfigures;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import no.kostra.keyfigures.RegionStructure.Region;

/**
 * How an aggregate estimates a member that did not report (key-figures.md §8): its population ×
 * (Σ value / Σ population) of the reporting members of its KOSTRA group, or of every reporter of
 * the level when its group has none (or it has no group). Shared by the key figures and by the
 * explanation of a published aggregate ({@link Provenance}), so both say the same.
 */
final class Estimation {

  private Estimation() {}

  /** Per stratum (KOSTRA group, "" = every reporter of the level): {Σ value, Σ population}. */
  static Map<String, BigDecimal[]> ratios(Iterable<Region> regions, String level,
      Function<String, BigDecimal> valueOf) {
    Map<String, BigDecimal[]> sums = new HashMap<>();
    for (Region r : regions) {
      if (!r.level().equals(level)) {
        continue;
      }
      BigDecimal value = valueOf.apply(r.code());
      Long pop = RegionStructure.band(r, 0, null);
      if (value == null || pop == null) {
        continue;
      }
      for (String stratum : r.group() == null ? List.of("") : List.of(r.group(), "")) {
        BigDecimal[] s = sums.computeIfAbsent(stratum,
            k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
        s[0] = s[0].add(value);
        s[1] = s[1].add(BigDecimal.valueOf(pop));
      }
    }
    return sums;
  }

  /** The stratum a member's estimate is taken from, or null when there is none to take. */
  static String stratum(Region r, Map<String, BigDecimal[]> ratios) {
    String s = r.group() != null && ratios.containsKey(r.group()) ? r.group() : "";
    BigDecimal[] sums = ratios.get(s);
    return sums == null || sums[1].signum() == 0 ? null : s;
  }

  /** The estimate of a member that did not report, or null (population or reporters unknown). */
  static BigDecimal estimate(Region r, Map<String, BigDecimal[]> ratios) {
    Long pop = RegionStructure.band(r, 0, null);
    String stratum = stratum(r, ratios);
    if (pop == null || stratum == null) {
      return null;
    }
    BigDecimal[] s = ratios.get(stratum);
    return s[0].multiply(BigDecimal.valueOf(pop)).divide(s[1], 12, RoundingMode.HALF_UP);
  }
}

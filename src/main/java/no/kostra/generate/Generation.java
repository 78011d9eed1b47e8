package no.kostra.generate;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * One {@code bin/kostra generate}: what every form's generator is asked for, and what one form's
 * generator leaves for the next (the forms generate in the registry's order: the staffing of
 * skjema 7 follows the wage costs the accounting generator wrote on the same functions).
 *
 * @param faults malformed accounting lines to plant, one per annual appropriation file
 * @param ruleFaults whether the other forms plant one fault per control rule
 * @param only municipality (4-digit) or county (2-digit) codes, or null for all
 * @param plantErrors whether each form plants its classic mistakes that pass the control rules
 *     ({@link PlantedErrors})
 */
public record Generation(int year, Path out, long seed, int scale, int faults, boolean ruleFaults,
    Set<String> only, boolean plantErrors, Shared shared) {

  /** What the forms' generators pass on within one generation. */
  public static final class Shared {
    private Map<String, Map<String, Long>> wageCosts;

    /** Per region (6 digits) and function, the wage costs (1 000 NOK) the accounting holds. */
    public Map<String, Map<String, Long>> wageCosts() {
      return wageCosts;
    }

    public void wageCosts(Map<String, Map<String, Long>> costs) {
      this.wageCosts = costs;
    }
  }
}

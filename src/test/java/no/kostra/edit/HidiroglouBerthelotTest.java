package no.kostra.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import no.kostra.edit.HidiroglouBerthelot.Parameters;
import no.kostra.edit.HidiroglouBerthelot.Scored;
import no.kostra.edit.HidiroglouBerthelot.Unit;
import org.junit.jupiter.api.Test;

/**
 * The method against SSB's {@code Hb()} (statisticsnorway/ssb-kostra R/Hb.R) with its defaults
 * (pU 0.5, pA 0.05, pC 20): the expected numbers were computed by a separate transcription of
 * that R function (R's quantile type 7), not by this class.
 */
class HidiroglouBerthelotTest {

  private static final double[] X2 = {100, 200, 150, 120, 80, 300, 250, 90, 110, 4000};
  private static final double[] X1 = {104, 210, 149, 126, 84, 309, 262, 93, 330, 4100};
  /** Per unit: lower and upper ratio bound, outlier. */
  private static final Object[][] EXPECTED = {
      {0.738973145, 1.16172637, false}, {0.809001215, 1.126847761, false},
      {0.776958717, 1.142026792, false}, {0.759268173, 1.150955999, false},
      {0.715416682, 1.174993811, false}, {0.842297094, 1.112298503, false},
      {0.828531231, 1.118171963, false}, {0.726766259, 1.168494151, false},
      {0.847593176, 1.11008965, true}, {0.979600407, 1.06274988, false}};

  private static List<Unit> units() {
    List<Unit> units = new ArrayList<>();
    for (int i = 0; i < X1.length; i++) {
      units.add(new Unit("u" + i, X1[i], X2[i]));
    }
    return units;
  }

  @Test
  void boundsAndOutliersAreThoseOfSsbsHb() {
    HidiroglouBerthelot.Stratum s = HidiroglouBerthelot.stratum(units(), Parameters.SSB);
    assertEquals(1.044, s.medianRatio(), 1e-12);
    assertEquals(0.0067250284112154515, s.medianEffect(), 1e-12);
    for (int i = 0; i < X1.length; i++) {
      Scored u = s.scored().get(i);
      assertEquals("u" + i, u.unit().id());
      assertEquals((double) EXPECTED[i][0], u.lowerRatio(), 1e-8, "lower bound of u" + i);
      assertEquals((double) EXPECTED[i][1], u.upperRatio(), 1e-8, "upper bound of u" + i);
      assertEquals(EXPECTED[i][2], u.outlier(), "outlier u" + i);
      // the score says the same as the bounds: above 1 exactly when outside them
      assertEquals(u.outlier(), u.score() > 1, "score of u" + i + " = " + u.score());
    }
  }

  @Test
  void quartilesAreRsTypeSeven() {
    double[] x = {7, 1, 3, 10};
    assertEquals(2.5, HidiroglouBerthelot.quantile(x, 0.25), 1e-12);
    assertEquals(5.0, HidiroglouBerthelot.quantile(x, 0.5), 1e-12);
    assertEquals(7.75, HidiroglouBerthelot.quantile(x, 0.75), 1e-12);
    assertEquals(4.0, HidiroglouBerthelot.quantile(new double[] {4}, 0.75), 1e-12);
  }

  @Test
  void whereHalfTheUnitsAreUnchangedTheyAreLeftOutOfTheSpread() {
    // SSB: units with x1 == x2 enter only if they are under half the stratum; else the method
    // runs on the changed ones, and an unchanged unit is within its bounds
    List<Unit> units = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      units.add(new Unit("same" + i, 1000, 1000));
    }
    double[] changed = {1010, 1020, 1030, 1040, 1050, 1060, 5000};
    for (int i = 0; i < changed.length; i++) {
      units.add(new Unit(i == changed.length - 1 ? "d" : "c" + i, changed[i], 1000));
    }
    HidiroglouBerthelot.Stratum s = HidiroglouBerthelot.stratum(units, Parameters.SSB);
    Scored same = s.scored().get(0);
    assertFalse(same.outlier());
    assertEquals(0, same.score());
    Scored d = s.scored().stream().filter(u -> u.unit().id().equals("d")).findFirst().orElseThrow();
    assertTrue(d.outlier(), "a fivefold value is found among the changed units");
    // the median ratio is that of the seven changed units only, not 1.0 of the unchanged
    assertEquals(1.04, s.medianRatio(), 1e-12);
  }

  @Test
  void aStratumOfUnchangedValuesHasNoOutlier() {
    List<Unit> units = List.of(new Unit("a", 5, 5), new Unit("b", 7, 7));
    HidiroglouBerthelot.Stratum s = HidiroglouBerthelot.stratum(units, Parameters.SSB);
    assertTrue(s.scored().stream().noneMatch(Scored::outlier));
  }
}

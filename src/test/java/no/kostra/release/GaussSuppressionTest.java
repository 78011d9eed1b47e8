package no.kostra.release;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Secondary suppression on the non-tree region structure of publishing.md §2.4. */
class GaussSuppressionTest {

  private static final List<String> INNER = List.of("0301", "1103", "1111", "1112", "4601", "4611",
      "4612", "4613");
  private static final long[] COUNTS = {100, 40, 5, 6, 55, 1, 8, 9};

  private static GaussSuppression.Cell cell(String key, long value, boolean primary,
      String... members) {
    Map<Integer, BigInteger> column = new TreeMap<>();
    for (String m : members) {
      column.put(INNER.indexOf(m), BigInteger.ONE);
    }
    return new GaussSuppression.Cell(key, column, value, primary);
  }

  /** The worked example: counties 03/11/46 cut across KOSTRA groups 05/07/12/13; 4611 has 1. */
  private static List<GaussSuppression.Cell> example() {
    List<GaussSuppression.Cell> cells = new ArrayList<>();
    for (int i = 0; i < INNER.size(); i++) {
      cells.add(cell(INNER.get(i), COUNTS[i], COUNTS[i] <= 3, INNER.get(i)));
    }
    cells.add(cell("EKA03", 100, false, "0301"));
    cells.add(cell("EKG13", 100, false, "0301"));
    cells.add(cell("EKA11", 51, false, "1103", "1111", "1112"));
    cells.add(cell("EKA46", 73, false, "4601", "4611", "4612", "4613"));
    cells.add(cell("EKG05", 12, false, "1111", "1112", "4611"));
    cells.add(cell("EKG07", 17, false, "4612", "4613"));
    cells.add(cell("EKG12", 95, false, "1103", "4601"));
    cells.add(cell("EAK", 224, false, INNER.toArray(String[]::new)));
    cells.add(cell("EAKUO", 124, false, INNER.subList(1, INNER.size()).toArray(String[]::new)));
    return cells;
  }

  @Test
  void theWorkedExampleSuppressesWhatTheGuideDerives() {
    Map<String, CellStatus> status = GaussSuppression.suppress(example());
    Map<CellStatus, List<String>> byStatus = status.entrySet().stream().collect(Collectors.groupingBy(
        Map.Entry::getValue, TreeMap::new, Collectors.mapping(Map.Entry::getKey,
            Collectors.toList())));
    assertEquals(List.of("4611"), byStatus.get(CellStatus.PRIMARY));
    assertEquals(List.of("4612", "EKG05", "EKG07"),
        byStatus.get(CellStatus.SECONDARY).stream().sorted().toList());
    assertEquals(List.of(), GaussSuppression.disclosed(example(), status));
  }

  @Test
  void theAuditCatchesWhatAPerSumHeuristicLeaves() {
    // every sum holds 0, 2 or 3 withheld cells, yet 4611 = EKA46 - 4601 - EKG07
    Map<String, CellStatus> heuristic = new TreeMap<>();
    example().forEach(c -> heuristic.put(c.key(), CellStatus.PUBLISHED));
    for (String k : List.of("4612", "1111", "1112", "4613")) {
      heuristic.put(k, CellStatus.SECONDARY);
    }
    heuristic.put("4611", CellStatus.PRIMARY);
    assertEquals(List.of("4611"), GaussSuppression.disclosed(example(), heuristic));
    // and EAK - EAKUO gives Oslo when Oslo is withheld and both totals are published
    List<GaussSuppression.Cell> oslo = new ArrayList<>(example());
    oslo.set(0, cell("0301", 2, true, "0301"));
    Map<String, CellStatus> naive = new TreeMap<>();
    oslo.forEach(c -> naive.put(c.key(), c.primary() ? CellStatus.PRIMARY : CellStatus.PUBLISHED));
    naive.put("EKA03", CellStatus.SECONDARY);
    naive.put("EKG13", CellStatus.SECONDARY);
    // (4611 is left unprotected here too; the point is Oslo)
    assertEquals(List.of("0301", "4611"), GaussSuppression.disclosed(oslo, naive));
    Map<String, CellStatus> gauss = GaussSuppression.suppress(oslo);
    assertEquals(List.of(), GaussSuppression.disclosed(oslo, gauss));
  }

  @Test
  void randomTablesAlwaysPassTheAuditAndTheOrderOfInputDoesNotMatter() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      int inner = 4 + random.nextInt(12);
      List<GaussSuppression.Cell> cells = new ArrayList<>();
      long[] values = new long[inner];
      for (int i = 0; i < inner; i++) {
        values[i] = random.nextInt(4) == 0 ? random.nextInt(4) : 4 + random.nextInt(50);
        cells.add(new GaussSuppression.Cell("m" + i, Map.of(i, BigInteger.ONE), values[i],
            values[i] <= 3));
      }
      for (int a = 0; a < 2 + random.nextInt(6); a++) {
        Map<Integer, BigInteger> column = new TreeMap<>();
        long sum = 0;
        for (int i = 0; i < inner; i++) {
          if (random.nextBoolean()) {
            // an estimated aggregate: integer-scaled rational coefficients
            column.put(i, BigInteger.valueOf(1 + random.nextInt(3)));
            sum += values[i] * column.get(i).longValue();
          }
        }
        cells.add(new GaussSuppression.Cell("a" + a, column, sum, sum <= 3));
      }
      Map<String, CellStatus> status = GaussSuppression.suppress(cells);
      assertEquals(List.of(), GaussSuppression.disclosed(cells, status), "round " + round);
      List<GaussSuppression.Cell> shuffled = new ArrayList<>(cells);
      java.util.Collections.shuffle(shuffled, random);
      assertEquals(new TreeMap<>(status), new TreeMap<>(GaussSuppression.suppress(shuffled)),
          "round " + round);
    }
  }

  @Test
  void variablesThatAddUpAreProtectedTogether() {
    // recipients 18-24 and 25-66 and their sum 18-66 in two municipalities and the country:
    // inner cells (municipality, part); 18-24 in A is 2 (primary)
    Map<String, Integer> inner = Map.of("A|18-24", 0, "A|25-66", 1, "B|18-24", 2, "B|25-66", 3);
    long[][] counts = {{2, 40}, {30, 50}};
    List<GaussSuppression.Cell> cells = new ArrayList<>();
    String[] m = {"A", "B"};
    for (int i = 0; i < 2; i++) {
      cells.add(family("18_24|" + m[i], counts[i][0], inner, m[i] + "|18-24"));
      cells.add(family("25_66|" + m[i], counts[i][1], inner, m[i] + "|25-66"));
      cells.add(family("18_66|" + m[i], counts[i][0] + counts[i][1], inner, m[i] + "|18-24",
          m[i] + "|25-66"));
    }
    cells.add(family("18_24|EAK", 32, inner, "A|18-24", "B|18-24"));
    cells.add(family("25_66|EAK", 90, inner, "A|25-66", "B|25-66"));
    cells.add(family("18_66|EAK", 122, inner, "A|18-24", "A|25-66", "B|18-24", "B|25-66"));
    Map<String, CellStatus> status = GaussSuppression.suppress(cells);
    assertEquals(CellStatus.PRIMARY, status.get("18_24|A"));
    // as separate tables, 18-66 and 25-66 of A would both be published: 42 - 40 = 2
    Map<String, CellStatus> separate = new TreeMap<>(status);
    separate.replaceAll((k, v) -> k.equals("18_24|A") ? CellStatus.PRIMARY : CellStatus.PUBLISHED);
    assertEquals(List.of("18_24|A"), GaussSuppression.disclosed(cells, separate));
    assertEquals(List.of(), GaussSuppression.disclosed(cells, status));
    org.junit.jupiter.api.Assertions.assertTrue(status.values().stream()
        .filter(CellStatus.SECONDARY::equals).count() >= 2, status.toString());
  }

  private static GaussSuppression.Cell family(String key, long value, Map<String, Integer> inner,
      String... parts) {
    Map<Integer, BigInteger> column = new TreeMap<>();
    for (String p : parts) {
      column.put(inner.get(p), BigInteger.ONE);
    }
    return new GaussSuppression.Cell(key, column, value, value <= 3);
  }
}

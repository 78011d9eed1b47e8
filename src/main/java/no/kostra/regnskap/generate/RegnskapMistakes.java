package no.kostra.regnskap.generate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import no.kostra.generate.PlantedErrors;
import no.kostra.generate.PlantedErrors.Planted;
import no.kostra.generate.PlantedErrors.Text;
import no.kostra.schemas.SchemaDir;

/**
 * The accounting mistakes the control rules let through, planted in a generated year:
 *
 * <ul>
 *   <li>{@code nok_not_thousands}: a small municipality's 0A and 0M in NOK instead of 1 000 NOK,
 *       every amount × 1 000 (a small one: a larger one's amounts overflow the 9 positions);
 *   <li>{@code income_sign}: the income (arts 600-895) of the social services (242, 243, 276,
 *       281) booked with an expense's sign, in 0A and 0M;
 *   <li>{@code function_swap}: everything on 281 (economic assistance) booked on 242, 0A and 0M;
 *   <li>{@code doubled_file}: the 0M file's records written twice (rule 015, duplicates, is a
 *       WARNING: the submission is accepted).
 * </ul>
 */
public final class RegnskapMistakes {

  private static final Set<String> SOCIAL = Set.of("242", "243", "276", "281");

  private RegnskapMistakes() {}

  public static List<Planted> plant(Path dir, int year, long seed, SchemaDir schemas) {
    SplittableRandom pick = PlantedErrors.picks(seed, year, "regnskap");
    List<Planted> planted = new ArrayList<>();
    // a file with a malformed line planted by the generator would be rejected for that alone
    Set<String> faulty = faultFiles(dir);
    Set<String> taken = PlantedErrors.taken(dir, "regnskap");
    List<String> small = PlantedErrors.municipalities(schemas, year, 500, 3_000,
        m -> !taken.contains(m) && clean(dir, faulty, year, m)
            && fitsThousandfold(dir.resolve(name("0A", year, m)))
            && fitsThousandfold(dir.resolve(name("0M", year, m))));
    String nok = PlantedErrors.draw(small, pick);
    if (nok != null) {
      List<String> files = List.of(name("0A", year, nok), name("0M", year, nok));
      // accounts kept in NOK balance in NOK: the closing lines take up the generator's
      // rounding to 1 000 NOK, as the respondent's own system would have
      files.forEach(f -> rewrite(dir.resolve(f), (fn, art, amount) -> amount * 1000));
      files.forEach(f -> rebalance(dir.resolve(f)));
      planted.add(new Planted(nok, "nok_not_thousands", files,
          List.of("nd_sosial", "nd_sosial_kasse", "nd_tjenester")));
    }
    List<String> mid = PlantedErrors.municipalities(schemas, year, 20_000, 150_000,
        m -> !taken.contains(m) && clean(dir, faulty, year, m));
    String sign = PlantedErrors.draw(mid, pick);
    if (sign != null) {
      List<String> files = List.of(name("0A", year, sign), name("0M", year, sign));
      boolean grants = hasGrants(dir.resolve(files.get(1)));
      // the accounts still balance: the error came with the export, after the closing
      files.forEach(f -> rewrite(dir.resolve(f), (fn, art, amount) -> SOCIAL.contains(fn)
          && art >= 600 && art <= 895 && amount < 0 ? -amount : amount));
      files.forEach(f -> rebalance(dir.resolve(f)));
      planted.add(new Planted(sign, "income_sign", files, grants
          ? List.of("tilskudd_sosial", "nd_sosial") : List.of("nd_sosial")));
    }
    String swap = PlantedErrors.draw(mid, pick);
    if (swap != null) {
      List<String> files = List.of(name("0A", year, swap), name("0M", year, swap));
      for (String f : files) {
        Text t = Text.read(dir.resolve(f));
        t.with(t.lines().stream().map(l -> isRecord(l) && l.substring(32, 36).trim().equals("281")
            ? l.substring(0, 32) + "242 " + l.substring(36) : l).toList()).write(dir.resolve(f));
      }
      planted.add(new Planted(swap, "function_swap", files, List.of("nd_281", "nd_242")));
    }
    String doubled = PlantedErrors.draw(mid, pick);
    if (doubled != null) {
      Path f = dir.resolve(name("0M", year, doubled));
      Text t = Text.read(f);
      List<String> twice = new ArrayList<>(t.lines());
      twice.addAll(t.lines());
      t.with(twice).write(f);
      planted.add(new Planted(doubled, "doubled_file", List.of(f.getFileName().toString()),
          List.of("nd_sosial", "nd_tjenester")));
    }
    PlantedErrors.record(dir, "regnskap", planted);
    return planted;
  }

  /** The generator's files with a planted malformed line ({@code _manifest.csv}'s fault column). */
  private static Set<String> faultFiles(Path dir) {
    Path manifest = dir.resolve("_manifest.csv");
    if (!Files.exists(manifest)) {
      return Set.of();
    }
    return Text.read(manifest).lines().stream().map(l -> l.split(",", -1))
        .filter(c -> c.length == 5 && !c[3].isEmpty() && !c[0].equals("file"))
        .map(c -> c[0]).collect(java.util.stream.Collectors.toSet());
  }

  private static boolean clean(Path dir, Set<String> faulty, int year, String m) {
    return List.of(name("0A", year, m), name("0M", year, m)).stream()
        .allMatch(f -> Files.exists(dir.resolve(f)) && !faulty.contains(f));
  }

  /**
   * Closes drift (kontoklasse 1/3) and investering (0/4) at zero again on their closing lines,
   * rammetilskudd (840, art 800) and borrowing (870, art 910), as the respondent's system closes
   * its accounts before the export.
   */
  private static void rebalance(Path f) {
    Text t = Text.read(f);
    long drift = 0;
    long investering = 0;
    for (String l : t.lines()) {
      if (isRecord(l)) {
        long v = Long.parseLong(l.substring(39).trim());
        if (l.charAt(31) == '1' || l.charAt(31) == '3') {
          drift += v;
        } else {
          investering += v;
        }
      }
    }
    List<String> out = new ArrayList<>();
    for (String l : t.lines()) {
      String key = isRecord(l) ? l.substring(32, 36).trim() + ":" + l.substring(36, 39) : "";
      boolean driftLine = isRecord(l) && (l.charAt(31) == '1' || l.charAt(31) == '3');
      if (driftLine && key.equals("840:800") && drift != 0) {
        l = l.substring(0, 39) + String.format("%9d", Long.parseLong(l.substring(39).trim())
            - drift);
        drift = 0;
      } else if (isRecord(l) && !driftLine && key.equals("870:910") && investering != 0) {
        l = l.substring(0, 39) + String.format("%9d", Long.parseLong(l.substring(39).trim())
            - investering);
        investering = 0;
      }
      out.add(l);
    }
    t.with(out).write(f);
  }

  private static String name(String skjema, int year, String municipality) {
    return skjema + "_" + year + "_" + municipality + "00.dat";
  }

  private interface AmountChange {
    long apply(String funksjon, int art, long amount);
  }

  private static boolean isRecord(String l) {
    return l.length() == 48 && l.substring(36, 39).matches("\\d{3}")
        && l.substring(39).trim().matches("-?\\d+");
  }

  /** Changes the amounts of a 48-character file (a malformed line planted earlier stays). */
  private static void rewrite(Path f, AmountChange change) {
    Text t = Text.read(f);
    List<String> out = new ArrayList<>();
    for (String l : t.lines()) {
      if (!isRecord(l)) {
        out.add(l);
        continue;
      }
      long amount = Long.parseLong(l.substring(39).trim());
      out.add(l.substring(0, 39) + String.format("%9d", change.apply(l.substring(32, 36).trim(),
          Integer.parseInt(l.substring(36, 39)), amount)));
    }
    t.with(out).write(f);
  }

  private static boolean fitsThousandfold(Path f) {
    if (!Files.exists(f)) {
      return false;
    }
    return Text.read(f).lines().stream().filter(RegnskapMistakes::isRecord)
        .mapToLong(l -> Long.parseLong(l.substring(39).trim()) * 1000)
        .allMatch(v -> v <= 999_999_999L && v >= -99_999_999L);
  }

  private static boolean hasGrants(Path f) {
    return Text.read(f).lines().stream().anyMatch(l -> isRecord(l)
        && SOCIAL.contains(l.substring(32, 36).trim())
        && (l.substring(36, 39).equals("700") || l.substring(36, 39).equals("810")));
  }
}

package no.kostra.regnskap.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import no.kostra.reference.Classifications;
import no.kostra.reference.Classifications.County;
import no.kostra.reference.Classifications.Municipality;
import no.kostra.reference.Population;
import no.kostra.schemas.SchemaDir;

/**
 * Writes realistic synthetic accounting submissions for every municipality (0A kommunekasse, 0M
 * konsolidert) and county authority (0C, 0P) of a reporting year, in the real 48-character format.
 *
 * <p>Magnitudes come from the profile in data-schemas scaled by each unit's real population; the
 * accounts balance as the control rules demand (drift and investering each sum to within +-25, 590
 * against 990, 570 against 970). Every file draws from its own random stream seeded by (seed, year,
 * region, skjema), so the output is byte-identical for a seed and independent of the order of work.
 *
 * <p>{@code faults} lines are made malformed on purpose (TAB, wrong length, non-numeric amount,
 * unknown skjema), one per file, and listed in {@code _manifest.csv}; some files use CRLF or lack
 * the final newline, as real files do. {@code scale} splits every record into that many records with
 * the same total (SSB sums duplicate keys), multiplying the volume without changing any figure.
 */
public final class RegnskapGenerator {

  private static final String[] FAULT_KINDS = {"tab", "short_line", "non_numeric_amount",
      "thousand_separator", "unknown_skjema"};

  private final int year;
  private final GeneratorProfile profile;
  private final Classifications classifications;
  private final Population population;
  private long seed = 2025;
  private int scale = 1;
  private int faults = 5;
  private Set<String> onlyRegions;

  private RegnskapGenerator(int year, SchemaDir schemas) {
    this.year = year;
    this.profile = schemas.readYaml(GeneratorProfile.FILE, GeneratorProfile.class);
    this.classifications = Classifications.load(schemas);
    this.population = Population.load(schemas);
  }

  public static RegnskapGenerator forYear(int year, SchemaDir schemas) {
    return new RegnskapGenerator(year, schemas);
  }

  public RegnskapGenerator seed(long seed) {
    this.seed = seed;
    return this;
  }

  public RegnskapGenerator scale(int scale) {
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be >= 1");
    }
    this.scale = scale;
    return this;
  }

  public RegnskapGenerator faults(int faults) {
    this.faults = Math.max(0, faults);
    return this;
  }

  /** Only these municipality (4-digit) or county (2-digit) codes; null = every unit of the year. */
  public RegnskapGenerator only(Set<String> codes) {
    this.onlyRegions = codes == null || codes.isEmpty() ? null : Set.copyOf(codes);
    return this;
  }

  public record Result(Path dir, int files, long records, List<String> faultLines) {}

  /** One accounting record before formatting. */
  record Rec(String skjema, String region, char kontoklasse, String funksjon, String art, long belop) {}

  public Result writeTo(Path dir) {
    int calyear = population.hasCalendarYear(year + 1) ? year : year - 1; // 2026: latest count
    Map<String, Long> pop = population.atEndOfYear(calyear, 0, null, classifications);
    List<Municipality> municipalities = classifications.municipalities(year).stream()
        .filter(m -> onlyRegions == null || onlyRegions.contains(m.code())).toList();
    List<County> counties = classifications.counties(year).stream()
        .filter(c -> !c.code().equals("03")) // Oslo's county functions are in its own 0A/0M
        .filter(c -> onlyRegions == null || onlyRegions.contains(c.code())).toList();

    Map<String, List<Rec>> files = new TreeMap<>();
    for (Municipality m : municipalities) {
      long persons = pop.getOrDefault(m.code(), 0L);
      boolean oslo = m.code().equals("0301");
      List<GeneratorProfile.Function> functions = new ArrayList<>(profile.kommuneFunctions());
      if (oslo) {
        functions.addAll(profile.fylkeFunctions());
      }
      UnitAccounts kasse = accounts(m.accountingRegion(), "0A", persons, functions,
          profile.investmentFunctionsKommune());
      files.put(fileName("0A", m.accountingRegion()), kasse.records('1', '0', "0A"));
      UnitAccounts konsern = kasse.withEnterprises(
          random("0M", m.accountingRegion()), profile.enterprises(), persons, profile);
      files.put(fileName("0M", m.accountingRegion()), konsern.records('3', '4', "0M"));
    }
    for (County c : counties) {
      long persons = classifications.municipalities(year).stream()
          .filter(m -> m.countyCode().equals(c.code()))
          .mapToLong(m -> pop.getOrDefault(m.code(), 0L)).sum();
      UnitAccounts kasse = accounts(c.accountingRegion(), "0C", persons, profile.fylkeFunctions(),
          profile.investmentFunctionsFylke());
      files.put(fileName("0C", c.accountingRegion()), kasse.records('1', '0', "0C"));
      files.put(fileName("0P", c.accountingRegion()), kasse.records('3', '4', "0P"));
    }
    return write(dir, files);
  }

  private String fileName(String skjema, String region) {
    return skjema + "_" + year + "_" + region + ".dat";
  }

  private SplittableRandom random(String skjema, String region) {
    long h = seed;
    for (String part : new String[] {Integer.toString(year), region, skjema}) {
      h = h * 1_000_003L + part.hashCode(); // String.hashCode is specified, so this is stable
    }
    return new SplittableRandom(h);
  }

  private UnitAccounts accounts(String region, String skjema, long persons,
      List<GeneratorProfile.Function> functions, List<String> investmentFunctions) {
    SplittableRandom rnd = random(skjema, region);
    UnitAccounts a = new UnitAccounts(year, region);
    // small municipalities have higher costs per inhabitant (diseconomies of scale)
    double level = Math.exp(0.12 * rnd.nextGaussian(0, 1))
        * (1 + 0.25 * Math.max(0, Math.log10(8000.0 / Math.max(persons, 1))));
    double grossTotal = 0;
    for (GeneratorProfile.Function f : functions) {
      if (!f.validIn(year)) {
        continue;
      }
      double gross = f.perCapita() * persons / 1000.0 * level * Math.exp(0.25 * rnd.nextGaussian());
      if (gross < 1) {
        continue;
      }
      grossTotal += gross;
      GeneratorProfile.Mix mix = profile.mixes().get(f.mix());
      if (mix == null) {
        throw new IllegalStateException("profile: unknown mix " + f.mix() + " for function " + f.code());
      }
      Map<String, Double> included = new TreeMap<>();
      mix.expense().forEach((art, w) -> {
        if (w >= profile.alwaysInclude() || rnd.nextDouble() >= profile.omitProbability()) {
          included.put(art, w);
        }
      });
      double weights = included.values().stream().mapToDouble(Double::doubleValue).sum();
      included.forEach((art, w) -> a.drift(f.code(), art, Math.round(gross * w / weights)));
      if (!"transfers".equals(f.mix()) && !"grants".equals(f.mix())) {
        a.drift(f.code(), "590", Math.round(gross * profile.depreciationShare()
            * Math.exp(0.3 * rnd.nextGaussian())));
      }
      Map<String, Double> income = new TreeMap<>(mix.income());
      f.income().forEach((art, share) -> income.merge(art, share, Double::sum));
      income.forEach((art, share) -> {
        if (share >= profile.alwaysInclude() || rnd.nextDouble() >= profile.omitProbability()) {
          a.drift(f.code(), art, -Math.round(gross * share * Math.exp(0.2 * rnd.nextGaussian())));
        }
      });
    }
    // depreciation is balanced by its counter-entry on 860 (rules 145-155)
    a.drift("860", "990", -a.sumDrift(r -> r.art().equals("590")));
    double k = persons / 1000.0;
    a.drift("870", "500", Math.round(900 * k * Math.exp(0.3 * rnd.nextGaussian())));
    a.drift("870", "510", Math.round(1500 * k * Math.exp(0.3 * rnd.nextGaussian())));
    a.drift("870", "900", -Math.round(300 * k * Math.exp(0.3 * rnd.nextGaussian())));
    a.drift("880", "550", Math.round(800 * k * Math.exp(0.5 * rnd.nextGaussian())));

    // investering: a few projects, financed by VAT compensation, grants, the transfer from drift
    // and borrowing (which closes the accounts)
    double invest = profile.investmentPerCapita() * k * Math.exp(0.4 * rnd.nextGaussian());
    List<String> pool = new ArrayList<>(investmentFunctions);
    int projects = Math.min(pool.size(), 3 + rnd.nextInt(4));
    for (int i = 0; i < projects; i++) {
      String fn = pool.remove(rnd.nextInt(pool.size()));
      double part = invest / projects * (0.5 + rnd.nextDouble());
      profile.investmentMix().forEach((art, w) -> {
        if (w >= profile.alwaysInclude() || rnd.nextDouble() >= profile.omitProbability()) {
          a.investering(fn, art, Math.round(part * w));
        }
      });
      if (i == 0) {
        a.investering(fn, "810", -Math.round(part * 0.1));
      }
    }
    long invested = a.sumInvestering(r -> true);
    a.investering("841", "729", -Math.round(invested * 0.15));
    long transfer = Math.min(Math.round(grossTotal * profile.transferToInvestmentShare()
        * Math.exp(0.3 * rnd.nextGaussian())), invested / 2);
    a.drift("880", "570", transfer);
    a.investering("880", "970", -transfer);
    a.investering("870", "910", -a.sumInvestering(r -> true) + rnd.nextInt(-25, 26));

    // financing of drift: skatt (800/870) and rammetilskudd (840/800) close the operating accounts
    long need = a.sumDrift(r -> true);
    long tax = Math.round(need * profile.taxShare() * (0.9 + 0.2 * rnd.nextDouble()));
    a.drift("800", "870", -tax);
    a.drift("840", "800", -(need - tax) + rnd.nextInt(-25, 26));
    return a;
  }

  private Result write(Path dir, Map<String, List<Rec>> files) {
    try {
      Files.createDirectories(dir);
      List<String> names = new ArrayList<>(files.keySet());
      // which files get a fault, a CRLF ending or no final newline: drawn once from the seed
      SplittableRandom pick = new SplittableRandom(seed * 31 + year);
      List<String> faultFiles = new ArrayList<>();
      List<String> candidates = new ArrayList<>(names);
      for (int i = 0; i < Math.min(faults, candidates.size()); i++) {
        faultFiles.add(candidates.remove(pick.nextInt(candidates.size())));
      }
      List<String> manifest = new ArrayList<>();
      manifest.add("file,records,line,fault");
      List<String> faultLines = new ArrayList<>();
      long total = 0;
      for (String name : names) {
        List<String> lines = new ArrayList<>();
        for (Rec r : files.get(name)) {
          for (long part : split(r.belop(), scale)) {
            lines.add(format(r, part));
          }
        }
        int faultIndex = faultFiles.indexOf(name);
        if (faultIndex >= 0) {
          SplittableRandom fr = random("fault", name);
          int line = fr.nextInt(lines.size());
          String kind = FAULT_KINDS[faultIndex % FAULT_KINDS.length];
          lines.set(line, inject(kind, lines.get(line)));
          faultLines.add(name + ":" + (line + 1) + ":" + kind);
          manifest.add(name + "," + lines.size() + "," + (line + 1) + "," + kind);
        } else {
          manifest.add(name + "," + lines.size() + ",,");
        }
        boolean crlf = Math.floorMod(name.hashCode() + seed, 10) == 0;
        boolean finalNewline = Math.floorMod(name.hashCode() + seed, 7) != 0;
        String nl = crlf ? "\r\n" : "\n";
        String text = String.join(nl, lines) + (finalNewline ? nl : "");
        writeAtomically(dir.resolve(name), text);
        total += lines.size();
      }
      writeAtomically(dir.resolve("_manifest.csv"), String.join("\n", manifest) + "\n");
      return new Result(dir, names.size(), total, faultLines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeAtomically(Path target, String text) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.write(tmp, text.getBytes(StandardCharsets.ISO_8859_1));
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private String format(Rec r, long belop) {
    // skjema(2) aargang(4) kvartal(1) region(6) orgnr(9) foretaksnr(9) kontoklasse(1)
    // funksjon(4, left-aligned) art(3) belop(9, right-aligned)
    String line = r.skjema() + year + " " + r.region() + " ".repeat(18) + r.kontoklasse()
        + String.format("%-4s%3s%9d", r.funksjon(), r.art(), belop);
    if (line.length() != 48) {
      throw new IllegalStateException("amount too large for the 9-character field: " + r);
    }
    return line;
  }

  private static String inject(String kind, String line) {
    return switch (kind) {
      case "tab" -> line.substring(0, 36) + "\t" + line.substring(37);
      case "short_line" -> line.substring(0, 47);
      case "non_numeric_amount" -> line.substring(0, 39) + String.format("%9s", "12O5");
      case "thousand_separator" -> line.substring(0, 39) + String.format("%9s", "1 000");
      case "unknown_skjema" -> "0Z" + line.substring(2);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /** Splits an amount into n parts that sum to it (n = 1: the amount itself). */
  static long[] split(long amount, int n) {
    long[] parts = new long[n];
    long base = amount / n;
    for (int i = 0; i < n; i++) {
      parts[i] = base;
    }
    parts[0] += amount - base * n;
    return parts;
  }

  /** The accounts of one unit, keyed by (kontoklasse kind, funksjon, art); amounts summed. */
  static final class UnitAccounts {
    private final int year;
    private final String region;
    private final Map<String, Long> drift = new TreeMap<>();
    private final Map<String, Long> investering = new TreeMap<>();

    UnitAccounts(int year, String region) {
      this.year = year;
      this.region = region;
    }

    void drift(String funksjon, String art, long belop) {
      drift.merge(funksjon + ":" + art, belop, Long::sum);
    }

    void investering(String funksjon, String art, long belop) {
      investering.merge(funksjon + ":" + art, belop, Long::sum);
    }

    long sumDrift(java.util.function.Predicate<Rec> p) {
      return sum(drift, p);
    }

    long sumInvestering(java.util.function.Predicate<Rec> p) {
      return sum(investering, p);
    }

    private long sum(Map<String, Long> rows, java.util.function.Predicate<Rec> p) {
      return rows.entrySet().stream().map(e -> rec("", ' ', e)).filter(p)
          .mapToLong(Rec::belop).sum();
    }

    private Rec rec(String skjema, char kk, Map.Entry<String, Long> e) {
      String[] key = e.getKey().split(":");
      return new Rec(skjema, region, kk, key[0], key[1], e.getValue());
    }

    /** Records in file order: drift first, then investering, each by funksjon and art. */
    List<Rec> records(char driftKk, char investeringKk, String skjema) {
      List<Rec> out = new ArrayList<>();
      drift.entrySet().stream().filter(e -> e.getValue() != 0)
          .forEach(e -> out.add(rec(skjema, driftKk, e)));
      investering.entrySet().stream().filter(e -> e.getValue() != 0)
          .forEach(e -> out.add(rec(skjema, investeringKk, e)));
      return out;
    }

    /**
     * The consolidated accounts: these accounts plus municipal enterprises (KF). A KF's own costs
     * are covered by its fees; its result goes to a fund, so the consolidated drift still balances.
     */
    UnitAccounts withEnterprises(SplittableRandom rnd, List<GeneratorProfile.Enterprise> enterprises,
        long persons, GeneratorProfile profile) {
      UnitAccounts c = new UnitAccounts(year, region);
      c.drift.putAll(drift);
      c.investering.putAll(investering);
      for (GeneratorProfile.Enterprise e : enterprises) {
        if (rnd.nextDouble() >= e.share()) {
          continue;
        }
        double cost = e.perCapita() * persons / 1000.0 * Math.exp(0.3 * rnd.nextGaussian());
        long wages = Math.round(cost * 0.45);
        long pension = Math.round(cost * 0.05);
        long tax = Math.round(cost * 0.06);
        long goods = Math.round(cost * 0.30);
        long depreciation = Math.round(cost * profile.depreciationShare() * 4);
        long costs = wages + pension + tax + goods + depreciation;
        long fees = Math.round(costs * (0.9 + 0.18 * rnd.nextDouble()));
        c.drift(e.function(), "010", wages);
        c.drift(e.function(), "090", pension);
        c.drift(e.function(), "099", tax);
        c.drift(e.function(), "250", goods);
        c.drift(e.function(), "590", depreciation);
        c.drift("860", "990", -depreciation);
        c.drift(e.function(), e.feeArt(), -fees);
        long result = fees - (costs - depreciation); // cash result of the enterprise
        if (result >= 0) {
          c.drift("880", "550", result);
        } else {
          c.drift("880", "950", result);
        }
      }
      return c;
    }
  }
}

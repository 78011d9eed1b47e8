package no.kostra.regnskap.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import no.kostra.generate.UnitNoise;
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

  /** Faults in the order they are injected, each with the control rule that must catch it. */
  private static final String[][] FAULT_KINDS = {{"tab", "001"}, {"short_line", "001"},
      {"non_numeric_amount", "014"}, {"thousand_separator", "014"}, {"unknown_skjema", "003"},
      {"wrong_function", "010"}, {"wrong_art", "012"}, {"imbalance", "110"},
      {"duplicate_key", "015"}, {"drift_on_841", "020"}};

  private final int year;
  private final GeneratorProfile profile;
  private final Classifications classifications;
  private final Population population;
  private long seed = 2025;
  private int scale = 1;
  private int faults = 5;
  private Set<String> onlyRegions;

  private RegnskapGenerator(int year, SchemaDir schemas) {
    this(year, schemas.readYaml(GeneratorProfile.FILE, GeneratorProfile.class),
        Classifications.load(schemas), Population.load(schemas));
  }

  private RegnskapGenerator(int year, GeneratorProfile profile, Classifications classifications,
      Population population) {
    this.year = year;
    this.profile = profile;
    this.classifications = classifications;
    this.population = population;
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

  /**
   * What was written; {@code wageCosts}: per region (6 digits) and function, the wage costs of the
   * annual 0A drift accounts (arts 010-099 minus 710, 1000 NOK), so the staffing generator can
   * write FTEs that agree with them.
   */
  public record Result(Path dir, int files, long records, List<String> faultLines,
      Map<String, Map<String, Long>> wageCosts) {}

  /** One accounting record before formatting (funksjon/art hold kapittel/sektor on balances). */
  record Rec(String skjema, String region, String orgnr, String kvartal, char kontoklasse,
      String funksjon, String art, long belop) {}

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
      String region = m.accountingRegion();
      boolean oslo = m.code().equals("0301");
      List<GeneratorProfile.Function> functions = new ArrayList<>(profile.kommuneFunctions());
      if (oslo) {
        functions.addAll(profile.fylkeFunctions());
      }
      UnitAccounts kasse = accounts(region, "0A", persons, functions,
          profile.investmentFunctionsKommune());
      files.put(fileName("0A", region, null), kasse.records('1', '0', "0A", null, null));
      SplittableRandom rnd = random("0M", region);
      UnitAccounts enterprises = new UnitAccounts(year, region);
      UnitAccounts konsern = kasse.withEnterprises(rnd, profile.enterprises(), persons, profile,
          enterprises);
      files.put(fileName("0M", region, null), konsern.records('3', '4', "0M", null, null));
      UnitAccounts balance = balance(region, "0B", persons);
      files.put(fileName("0B", region, null), balance.balanceRecords('2', "0B", null));
      files.put(fileName("0N", region, null), balance.balanceRecords('5', "0N", null));
      if (!enterprises.isEmpty()) { // the municipal enterprise (KF) reports 0I and 0J itself
        String orgnr = orgnr("KF", region);
        files.put(fileName("0I", region, orgnr), enterprises.records('3', '4', "0I", orgnr, null));
        files.put(fileName("0J", region, orgnr),
            balance(region, "0J", persons / 20).balanceRecords('5', "0J", orgnr));
      }
      String church = orgnr("kirke", region);
      files.put(fileName("0F", region, church), churchAccounts(region, persons).records('3', '4',
          "0F", church, null));
      files.put(fileName("0G", region, church), churchBalance(region, persons)
          .balanceRecords('5', "0G", church));
      for (int q = 1; q <= 4; q++) {
        files.put(fileName("0AK" + q, region, null), kasse.quarter(q, random("0AK" + q, region))
            .records('1', '0', "0A", null, Integer.toString(q)));
      }
      if (oslo) {
        for (int d = 1; d <= 15; d++) {
          String district = String.format("0301%02d", d);
          files.put(fileName("0A", district, null), districtAccounts(district,
              persons / 15).records('1', '0', "0A", null, null));
        }
      }
    }
    for (County c : counties) {
      long persons = classifications.municipalities(year).stream()
          .filter(m -> m.countyCode().equals(c.code()))
          .mapToLong(m -> pop.getOrDefault(m.code(), 0L)).sum();
      String region = c.accountingRegion();
      UnitAccounts kasse = accounts(region, "0C", persons, profile.fylkeFunctions(),
          profile.investmentFunctionsFylke());
      files.put(fileName("0C", region, null), kasse.records('1', '0', "0C", null, null));
      files.put(fileName("0P", region, null), kasse.records('3', '4', "0P", null, null));
      UnitAccounts balance = balance(region, "0D", persons / 4);
      files.put(fileName("0D", region, null), balance.balanceRecords('2', "0D", null));
      files.put(fileName("0Q", region, null), balance.balanceRecords('5', "0Q", null));
      for (int q = 1; q <= 4; q++) {
        files.put(fileName("0CK" + q, region, null), kasse.quarter(q, random("0CK" + q, region))
            .records('1', '0', "0C", null, Integer.toString(q)));
      }
    }
    return write(dir, files);
  }

  private String fileName(String skjema, String region, String orgnr) {
    return skjema + "_" + year + "_" + region + (orgnr == null ? "" : "_" + orgnr) + ".dat";
  }

  /** A synthetic but well-formed 9-digit organisation number, stable per unit. */
  private String orgnr(String unit, String region) {
    long h = Math.floorMod((long) (unit + region).hashCode() * 31 + seed, 90_000_000L);
    return Long.toString(910_000_000L + h);
  }

  /**
   * A balance sheet: assets (kapittel 10-29) = liabilities and equity (31-5990), memorandum
   * accounts (9100 + motpost 9999) netting to zero. Kapittel 45 became 451-454 in 2024.
   */
  private UnitAccounts balance(String region, String skjema, long persons) {
    SplittableRandom rnd = random(skjema, region);
    UnitAccounts a = new UnitAccounts(year, region);
    double total = 200_000 * persons / 1000.0 * Math.exp(0.3 * rnd.nextGaussian());
    // the 9 positions hold -99 999 999 at least: Oslo's loans (kapittel 45/451) can exceed that
    // in a year with a high draw, and a real respondent splits such a balance too; capped
    // where the largest liability (0.45 x 1.2 of the total) would not fit
    total = Math.min(total, 99_999_999 / (0.45 * 1.2));
    String[][] assets = {{"10", "000", "0.10"}, {"13", "070", "0.05"}, {"19", "000", "0.05"},
        {"21", "000", "0.05"}, {"22", "000", "0.10"}, {"24", "000", "0.55"}, {"27", "000", "0.10"}};
    String loans = year >= 2024 ? "451" : "45";
    String[][] liabilities = {{"31", "000", "0.05"}, {"32", "070", "0.10"}, {"35", "000", "0.05"},
        {loans, "000", "0.45"}, {"51", "000", "0.10"}, {"53", "000", "0.05"}, {"55", "000", "0.05"},
        {"56", "000", "0.10"}};
    long assetSum = 0;
    for (String[] k : assets) {
      long v = Math.round(total * Double.parseDouble(k[2]) * (0.8 + 0.4 * rnd.nextDouble()));
      a.balance(k[0], k[1], v);
      assetSum += v;
    }
    long liabilitySum = 0;
    for (String[] k : liabilities) {
      long v = -Math.round(total * Double.parseDouble(k[2]) * (0.8 + 0.4 * rnd.nextDouble()));
      a.balance(k[0], k[1], v);
      liabilitySum += v;
    }
    a.balance("5990", "000", -(assetSum + liabilitySum) + rnd.nextInt(-5, 6)); // kapitalkonto
    long guarantees = Math.round(total * 0.02);
    a.balance("9100", "000", guarantees);
    a.balance("9999", "000", -guarantees);
    return a;
  }

  /** The joint parish council (kirkelig fellesråd): church services financed by the municipality. */
  private UnitAccounts churchAccounts(String region, long persons) {
    SplittableRandom rnd = random("0F", region);
    UnitAccounts a = new UnitAccounts(year, region);
    double gross = 700 * persons / 1000.0 * Math.exp(0.2 * rnd.nextGaussian());
    a.drift("041", "010", Math.round(gross * 0.5));
    a.drift("041", "090", Math.round(gross * 0.1));
    a.drift("041", "099", Math.round(gross * 0.08));
    a.drift("042", "010", Math.round(gross * 0.1));
    a.drift("043", "230", Math.round(gross * 0.1));
    a.drift("044", "120", Math.round(gross * 0.07));
    long depreciation = Math.round(gross * 0.05);
    a.drift("043", "590", depreciation);
    a.drift("043", "990", -depreciation);
    a.drift("041", "600", -Math.round(gross * 0.1));
    a.drift("041", "830", -a.sumDrift(r -> true) + rnd.nextInt(-10, 11)); // grant from the municipality
    long invest = Math.round(gross * 0.2);
    a.investering("043", "230", invest);
    a.investering("089", "910", -invest);
    return a;
  }

  private UnitAccounts churchBalance(String region, long persons) {
    UnitAccounts a = new UnitAccounts(year, region);
    long total = Math.max(1, persons * 2);
    a.balance("10", null, total / 2);
    a.balance("21", null, total / 2);
    a.balance("31", null, -total / 4);
    a.balance("5990", null, -(total / 2 + total / 2 - total / 4));
    return a;
  }

  /** Oslo districts' services: gross operating expenditure in NOK per inhabitant. */
  private static final String[][] DISTRICT_SERVICES = {{"242", "1400"}, {"243", "900"},
      {"244", "1400"}, {"253", "9000"}, {"281", "2500"}, {"691", "400"}, {"692", "200"}};
  /** Share of a district service's gross expenditure on wages (010) and pension/tax (090). */
  private static final double DISTRICT_WAGE_SHARE = 0.6;
  private static final double DISTRICT_SOCIAL_SHARE = 0.1;

  /** Wage costs (010-099) per inhabitant of a district's services: the staffing generator's basis. */
  public static Map<String, Double> districtWagesPerCapita() {
    Map<String, Double> wages = new TreeMap<>();
    for (String[] f : DISTRICT_SERVICES) {
      wages.put(f[0], Double.parseDouble(f[1]) * (DISTRICT_WAGE_SHARE + DISTRICT_SOCIAL_SHARE));
    }
    return wages;
  }

  /** An Oslo district (bydel): its own services and internal purchases from the city (298/798). */
  private UnitAccounts districtAccounts(String region, long persons) {
    SplittableRandom rnd = random("0A", region);
    UnitNoise noise = UnitNoise.own(rnd);
    if (year != UnitNoise.ANCHOR_YEAR) {
      UnitNoise replay = UnitNoise.recording(anchor().random("0A", region));
      anchor().districtAccounts(region, persons, replay, 1.0);
      noise = UnitNoise.around(replay, rnd, YEARLY_CHANGE);
    }
    return districtAccounts(region, persons, noise, UnitNoise.growth(year));
  }

  private UnitAccounts districtAccounts(String region, long persons, UnitNoise noise,
      double growth) {
    SplittableRandom rnd = noise.stream();
    UnitAccounts a = new UnitAccounts(year, region);
    for (String[] f : DISTRICT_SERVICES) {
      double gross = growth * Double.parseDouble(f[1]) * persons / 1000.0
          * Math.exp(0.25 * noise.gaussian("gross|" + f[0]));
      a.drift(f[0], "010", Math.round(gross * DISTRICT_WAGE_SHARE));
      a.drift(f[0], "090", Math.round(gross * DISTRICT_SOCIAL_SHARE));
      a.drift(f[0], "370", Math.round(gross * (1 - DISTRICT_WAGE_SHARE - DISTRICT_SOCIAL_SHARE)));
    }
    long internal = Math.round(200 * persons / 1000.0);
    a.drift("242", "298", internal);
    a.drift("120", "798", -internal);
    a.drift("840", "800", -a.sumDrift(r -> true) + rnd.nextInt(-10, 11)); // the city's allocation
    return a;
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
    UnitNoise noise = UnitNoise.own(rnd);
    if (year != UnitNoise.ANCHOR_YEAR) {
      // the unit's level and booking practice are the anchor year's, moved a little
      UnitNoise replay = UnitNoise.recording(anchor().random(skjema, region));
      anchor().accounts(region, skjema, persons, functions, investmentFunctions, replay, 1.0);
      noise = UnitNoise.around(replay, rnd, YEARLY_CHANGE);
    }
    return accounts(region, skjema, persons, functions, investmentFunctions, noise,
        UnitNoise.growth(year));
  }

  /** The standard deviation of a unit's yearly change, in units of its draws' σ. */
  private static final double YEARLY_CHANGE = 0.2;

  private RegnskapGenerator anchorGenerator;

  /** The same generator for the anchor year (its draws are what the other years vary around). */
  private RegnskapGenerator anchor() {
    if (anchorGenerator == null) {
      anchorGenerator = new RegnskapGenerator(UnitNoise.ANCHOR_YEAR, profile, classifications,
          population).seed(seed);
    }
    return anchorGenerator;
  }

  private UnitAccounts accounts(String region, String skjema, long persons,
      List<GeneratorProfile.Function> functions, List<String> investmentFunctions,
      UnitNoise noise, double growth) {
    SplittableRandom rnd = noise.stream();
    UnitAccounts a = new UnitAccounts(year, region);
    // small municipalities have higher costs per inhabitant (diseconomies of scale)
    double level = growth * Math.exp(0.12 * noise.gaussian("level"))
        * (1 + 0.25 * Math.max(0, Math.log10(8000.0 / Math.max(persons, 1))));
    double grossTotal = 0;
    for (GeneratorProfile.Function f : functions) {
      if (!f.validIn(year)) {
        continue;
      }
      double gross = f.perCapita() * persons / 1000.0 * level
          * Math.exp(0.25 * noise.gaussian("gross|" + f.code()));
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
        if (w >= profile.alwaysInclude()
            || noise.uniform("art|" + f.code() + "|" + art) >= profile.omitProbability()) {
          included.put(art, w);
        }
      });
      double weights = included.values().stream().mapToDouble(Double::doubleValue).sum();
      included.forEach((art, w) -> a.drift(f.code(), art, Math.round(gross * w / weights)));
      if (!"transfers".equals(f.mix()) && !"grants".equals(f.mix())) {
        a.drift(f.code(), "590", Math.round(gross * profile.depreciationShare()
            * Math.exp(0.3 * noise.gaussian("590|" + f.code()))));
      }
      Map<String, Double> income = new TreeMap<>(mix.income());
      f.income().forEach((art, share) -> income.merge(art, share, Double::sum));
      income.forEach((art, share) -> {
        String key = f.code() + "|" + art;
        if (share >= profile.alwaysInclude()
            || noise.uniform("income|" + key) >= profile.omitProbability()) {
          a.drift(f.code(), art, -Math.round(gross * share
              * Math.exp(0.2 * noise.gaussian("share|" + key))));
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

  private static Map<String, Map<String, Long>> wageCosts(Map<String, List<Rec>> files) {
    Map<String, Map<String, Long>> wages = new TreeMap<>();
    files.forEach((name, records) -> {
      for (Rec r : records) {
        if (r.skjema().equals("0A") && r.kvartal() == null && r.kontoklasse() == '1') {
          int art = Integer.parseInt(r.art());
          if ((art >= 10 && art <= 99) || art == 710) { // 710 (refund) is negative in the file
            wages.computeIfAbsent(r.region(), k -> new TreeMap<>()).merge(r.funksjon(), r.belop(),
                Long::sum);
          }
        }
      }
    });
    return wages;
  }

  private Result write(Path dir, Map<String, List<Rec>> files) {
    try {
      Files.createDirectories(dir);
      List<String> names = new ArrayList<>(files.keySet());
      // which files get a fault, a CRLF ending or no final newline: drawn once from the seed
      SplittableRandom pick = new SplittableRandom(seed * 31 + year);
      List<String> faultFiles = new ArrayList<>();
      // faults go into annual appropriation files of municipalities and counties (0A, 0M, 0C, 0P)
      List<String> candidates = new ArrayList<>(names.stream()
          .filter(n -> n.matches("0[ACMP]_\\d{4}_\\d{4}00\\.dat")).toList());
      int faultCount = Math.min(faults, candidates.size());
      for (int i = 0; i < faultCount; i++) {
        faultFiles.add(candidates.remove(pick.nextInt(candidates.size())));
      }
      List<String> manifest = new ArrayList<>();
      manifest.add("file,records,line,fault,rule");
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
          String[] kind = FAULT_KINDS[faultIndex % FAULT_KINDS.length];
          // semantic faults go into an operating expense line; syntax faults anywhere
          List<Integer> eligible = new ArrayList<>();
          for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            int art = Integer.parseInt(l.substring(36, 39));
            if ((l.charAt(31) == '1' || l.charAt(31) == '3') && art >= 10 && art <= 480
                && Long.parseLong(l.substring(39).trim()) > 1) {
              eligible.add(i);
            }
          }
          int line = eligible.get(fr.nextInt(eligible.size()));
          if (kind[0].equals("duplicate_key")) {
            long amount = Long.parseLong(lines.get(line).substring(39).trim());
            String head = lines.get(line).substring(0, 39);
            lines.set(line, head + String.format("%9d", amount / 2));
            lines.add(line + 1, head + String.format("%9d", amount - amount / 2));
          } else {
            lines.set(line, inject(kind[0], lines.get(line)));
          }
          faultLines.add(name + ":" + (line + 1) + ":" + kind[0]);
          manifest.add(name + "," + lines.size() + "," + (line + 1) + "," + kind[0] + "," + kind[1]);
        } else {
          manifest.add(name + "," + lines.size() + ",,,");
        }
        boolean crlf = Math.floorMod(name.hashCode() + seed, 10) == 0;
        boolean finalNewline = Math.floorMod(name.hashCode() + seed, 7) != 0;
        String nl = crlf ? "\r\n" : "\n";
        String text = String.join(nl, lines) + (finalNewline ? nl : "");
        writeAtomically(dir.resolve(name), text);
        total += lines.size();
      }
      writeAtomically(dir.resolve("_manifest.csv"), String.join("\n", manifest) + "\n");
      return new Result(dir, names.size(), total, faultLines, wageCosts(files));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeAtomically(Path target, String text) throws IOException {
    no.kostra.generate.GeneratedFiles.writeAtomically(target, text, StandardCharsets.ISO_8859_1);
  }

  private String format(Rec r, long belop) {
    // skjema(2) aargang(4) kvartal(1) region(6) orgnr(9) foretaksnr(9) kontoklasse(1)
    // funksjon(4, left-aligned) art(3) belop(9, right-aligned)
    String line = r.skjema() + year + (r.kvartal() == null ? " " : r.kvartal()) + r.region()
        + String.format("%9s", r.orgnr() == null ? "" : r.orgnr()) + " ".repeat(9) + r.kontoklasse()
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
      case "wrong_function" -> line.substring(0, 32) + "999 " + line.substring(36);
      case "wrong_art" -> line.substring(0, 36) + "999" + line.substring(39);
      case "imbalance" -> line.substring(0, 39)
          + String.format("%9d", Long.parseLong(line.substring(39).trim()) + 500);
      case "drift_on_841" -> line.substring(0, 32) + "841 " + line.substring(36);
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
      return rows.entrySet().stream().map(e -> rec("", ' ', e, null, null)).filter(p)
          .mapToLong(Rec::belop).sum();
    }

    private Rec rec(String skjema, char kk, Map.Entry<String, Long> e, String orgnr,
        String kvartal) {
      String[] key = e.getKey().split(":", -1);
      return new Rec(skjema, region, orgnr, kvartal, kk, key[0], key[1], e.getValue());
    }

    boolean isEmpty() {
      return drift.isEmpty() && investering.isEmpty();
    }

    void balance(String kapittel, String sektor, long belop) {
      investering.merge(kapittel + ":" + (sektor == null ? "" : sektor), belop, Long::sum);
    }

    /** Records in file order: drift first, then investering, each by funksjon and art. */
    List<Rec> records(char driftKk, char investeringKk, String skjema, String orgnr,
        String kvartal) {
      List<Rec> out = new ArrayList<>();
      drift.entrySet().stream().filter(e -> e.getValue() != 0)
          .forEach(e -> out.add(rec(skjema, driftKk, e, orgnr, kvartal)));
      investering.entrySet().stream().filter(e -> e.getValue() != 0)
          .forEach(e -> out.add(rec(skjema, investeringKk, e, orgnr, kvartal)));
      return out;
    }

    /** Balance records (kapittel:sektor kept in the investering map by {@link #balance}). */
    List<Rec> balanceRecords(char kk, String skjema, String orgnr) {
      List<Rec> out = new ArrayList<>();
      investering.entrySet().stream().filter(e -> e.getValue() != 0)
          .forEach(e -> out.add(rec(skjema, kk, e, orgnr, null)));
      return out;
    }

    /**
     * Figures so far this year at the end of quarter q: about q/4 of the year, by function and
     * main art (quarterly reporting need not be a closed accounting).
     */
    UnitAccounts quarter(int q, SplittableRandom rnd) {
      UnitAccounts out = new UnitAccounts(year, region);
      double share = q / 4.0;
      drift.forEach((key, v) -> {
        String[] k = key.split(":");
        out.drift(k[0], mainArt(k[1]), Math.round(v * share * (0.9 + 0.2 * rnd.nextDouble())));
      });
      investering.forEach((key, v) -> {
        String[] k = key.split(":");
        out.investering(k[0], mainArt(k[1]), Math.round(v * share * (0.8 + 0.4 * rnd.nextDouble())));
      });
      return out;
    }

    /** The first art of the art's group, so quarterly files hold fewer, coarser rows. */
    private static String mainArt(String art) {
      int a = Integer.parseInt(art);
      if (a < 100 || a == 590 || a == 990 || a >= 700 || a == 570 || a == 970 || a == 600
          || a == 630 || a == 910 || a == 870 || a == 800 || a == 500 || a == 510 || a == 550
          || a == 950 || a == 900 || a == 89) {
        return art;
      }
      return a < 300 ? "200" : a < 400 ? "370" : a < 500 ? "470" : a < 700 ? "620" : art;
    }

    /**
     * The consolidated accounts: these accounts plus municipal enterprises (KF). A KF's own costs
     * are covered by its fees; its result goes to a fund, so the consolidated drift still balances.
     */
    UnitAccounts withEnterprises(SplittableRandom rnd, List<GeneratorProfile.Enterprise> enterprises,
        long persons, GeneratorProfile profile, UnitAccounts own) {
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
        // the enterprise's own accounts (0I), which the consolidated accounts 0M include
        for (UnitAccounts target : List.of(c, own)) {
          target.drift(e.function(), "010", wages);
          target.drift(e.function(), "090", pension);
          target.drift(e.function(), "099", tax);
          target.drift(e.function(), "250", goods);
          target.drift(e.function(), "590", depreciation);
          target.drift("860", "990", -depreciation);
          target.drift(e.function(), e.feeArt(), -fees);
          long result = fees - (costs - depreciation); // cash result of the enterprise
          if (result >= 0) {
            target.drift("880", "550", result);
          } else {
            target.drift("880", "950", result);
          }
        }
      }
      return c;
    }
  }
}

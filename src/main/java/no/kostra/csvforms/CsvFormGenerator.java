package no.kostra.csvforms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import no.kostra.generate.Draws;
import no.kostra.generate.GeneratedFiles;
import java.util.TreeMap;
import no.kostra.reference.Classifications;
import no.kostra.reference.Classifications.Municipality;
import no.kostra.reference.Population;
import no.kostra.regnskap.generate.GeneratorProfile;
import no.kostra.regnskap.generate.RegnskapGenerator;
import no.kostra.schemas.SchemaDir;

/**
 * Writes realistic skjema 7 and skjema 12 files of a year for every municipality (skjema 7 from
 * each Oslo district, as Oslo's districts run the social services; skjema 12 once for Oslo).
 *
 * <ul>
 *   <li>FTEs follow the wage costs the accounting generator writes on the same functions (its
 *       profile, data-schemas/synthetic/regnskap-profile.yaml) at about 800 000 NOK per FTE, so
 *       accounting and staffing agree as they do in real submissions (about 20 FTEs per 10 000
 *       inhabitants), split over the staff groups; debt counselling on 281.
 *   <li>Rates: the national guideline of the year, or up to 15 % above it (a third of the
 *       municipalities); housing included in a few.
 *   <li>As at the 2006 release (seeds.md §4), three municipalities send no skjema 7 and two no
 *       skjema 12; with faults on, one fault per control rule in files of their own.
 * </ul>
 * {@code _manifest_csvforms.csv} lists the missing forms and each fault with its file, line and
 * the rule expected to catch it.
 */
public final class CsvFormGenerator {

  /** Wage costs incl. pension and employer's tax per FTE in the synthetic data, NOK. */
  static final double WAGE_PER_FTE = 800_000;
  /** Share of each staff group (posts 01-06) in a function's FTEs. */
  private static final double[] STAFF_MIX = {0.08, 0.45, 0.15, 0.17, 0.10, 0.05};
  private static final int MISSING_7 = 3;
  private static final int MISSING_12 = 2;
  /** Fewer municipalities than this: nobody is missing. */
  private static final int MISSING_FROM = 20;

  private final int year;
  private final CsvForms forms;
  private final Classifications classifications;
  private final Population population;
  private final GeneratorProfile profile;
  private final Map<String, Integer> guideline = new TreeMap<>();
  /** Whether the year's guideline rates are the published ones (not placeholders). */
  private final boolean guidelineOfficial;
  private long seed = 2025;
  private boolean faults = true;
  private Set<String> only;
  private Map<String, Map<String, Long>> wageCosts;

  private CsvFormGenerator(int year, SchemaDir schemas) {
    this.year = year;
    this.forms = CsvForms.load(schemas);
    this.classifications = Classifications.load(schemas);
    this.population = Population.load(schemas);
    this.profile = schemas.readYaml(GeneratorProfile.FILE, GeneratorProfile.class);
    this.guidelineOfficial = no.kostra.reference.OfficialReference.of(schemas,
        "benefit-guideline-rates", year) == no.kostra.reference.OfficialReference.Status.OFFICIAL;
    Classifications.readCsv(schemas.resolve("classifications/benefit-guideline-rates.csv"), r -> {
      if (Integer.parseInt(r.get("year")) == year) {
        guideline.put(r.get("category"), Integer.parseInt(r.get("nok_per_month")));
      }
    });
  }

  public static CsvFormGenerator forYear(int year, SchemaDir schemas) {
    return new CsvFormGenerator(year, schemas);
  }

  public CsvFormGenerator seed(long seed) {
    this.seed = seed;
    return this;
  }

  public CsvFormGenerator faults(boolean faults) {
    this.faults = faults;
    return this;
  }

  /** Only these municipalities (4-digit codes); null = all. */
  public CsvFormGenerator only(Set<String> municipalities) {
    this.only = municipalities;
    return this;
  }

  /**
   * The wage costs of the accounting written in the same run (region → function → 1000 NOK, see
   * RegnskapGenerator.Result): FTEs are then drawn around them, as a municipality's staffing and
   * accounts agree. Without them FTEs follow the accounting profile's averages.
   */
  public CsvFormGenerator wageCosts(Map<String, Map<String, Long>> wageCosts) {
    this.wageCosts = wageCosts;
    return this;
  }

  /** One planted fault or missing form: file, line (0 = the file as a whole), what, rule. */
  public record Fault(String file, int line, String fault, String rule) {}

  public record Result(Path dir, int files, long lines, List<Fault> faults) {}

  public Result writeTo(Path dir) {
    int popYear = population.hasReportingYear(year) ? year : year - 1; // 2026: the latest count
    Map<String, Long> persons = population.atEndOfYear(popYear, 0, null, classifications);
    Map<String, Double> wages = wagesPerCapita();
    Map<String, Double> districtWages = RegnskapGenerator.districtWagesPerCapita();
    CsvForms.Version v7 = forms.form("7").version(year);
    CsvForms.Version v12 = forms.form("12").version(year);
    if (guideline.size() < v12.posts().stream().filter(p -> p.guideline() != null).count()) {
      throw new IllegalStateException("no guideline rates for " + year
          + " in classifications/benefit-guideline-rates.csv");
    }
    List<Municipality> municipalities = classifications.municipalities(year).stream()
        .filter(m -> only == null || only.contains(m.code())).toList();
    // who sends nothing: drawn once from the seed, never Oslo; a handful of municipalities
    // (--only for a test or a look) all send, as a national count of 3 and 2 means nothing there
    List<String> byDraw = municipalities.size() < MISSING_FROM ? List.of()
        : municipalities.stream().map(Municipality::code).filter(c -> !c.equals("0301"))
            .sorted(Comparator.comparingLong(c -> random("missing", c).nextLong())).toList();
    Set<String> missing7 = Set.copyOf(byDraw.subList(0, Math.min(MISSING_7, byDraw.size())));
    Set<String> missing12 = Set.copyOf(byDraw.subList(Math.min(MISSING_7, byDraw.size()),
        Math.min(MISSING_7 + MISSING_12, byDraw.size())));
    Map<String, List<String>> files = new TreeMap<>();
    List<Fault> planted = new ArrayList<>();
    for (Municipality m : municipalities) {
      long pop = persons.getOrDefault(m.code(), 0L);
      if (missing7.contains(m.code())) {
        planted.add(new Fault(fileName("7", m.code()), 0, "skjema 7 not sent", "missing"));
      } else if (m.code().equals("0301")) {
        for (int d = 1; d <= 15; d++) {
          String district = String.format("0301%02d", d);
          files.put(fileName("7", district), staffing(district, staffingBasis(district,
              pop / 15, districtWages), v7));
        }
      } else {
        files.put(fileName("7", m.code()), staffing(m.code(), staffingBasis(m.code() + "00", pop,
            wages), v7));
      }
      if (missing12.contains(m.code())) {
        planted.add(new Fault(fileName("12", m.code()), 0, "skjema 12 not sent", "missing"));
      } else {
        files.put(fileName("12", m.code()), rates(m.code(), v12));
      }
    }
    if (faults) {
      plant(files, planted, missing7, missing12);
    }
    return write(dir, files, planted);
  }

  /** Wage costs (arts 010-099 minus 710) per inhabitant on each function, from the profile. */
  private Map<String, Double> wagesPerCapita() {
    Map<String, Double> result = new TreeMap<>();
    for (GeneratorProfile.Function f : profile.kommuneFunctions()) {
      GeneratorProfile.Mix mix = profile.mixes().get(f.mix());
      double share = mix.expense().entrySet().stream()
          .filter(e -> Integer.parseInt(e.getKey()) >= 10 && Integer.parseInt(e.getKey()) <= 99)
          .mapToDouble(Map.Entry::getValue).sum();
      double refund = mix.income().getOrDefault("710", 0.0);
      result.put(f.code(), f.perCapita() * (share - refund));
    }
    return result;
  }

  /** A unit's wage costs by function (NOK) and its residents: what its FTEs are drawn from. */
  private record Basis(Map<String, Double> wagesNok, long persons) {}

  private Basis staffingBasis(String region6, long persons, Map<String, Double> perCapita) {
    Map<String, Double> wages = new TreeMap<>();
    if (wageCosts != null) {
      wageCosts.getOrDefault(region6, Map.of()).forEach((f, thousands) ->
          wages.put(f, Math.max(0, thousands) * 1000.0));
    } else {
      perCapita.forEach((f, nok) -> wages.put(f, nok * persons));
    }
    return new Basis(wages, persons);
  }

  private List<String> staffing(String region, Basis basis, CsvForms.Version version) {
    SplittableRandom rnd = random("7", region);
    List<String> lines = new ArrayList<>();
    lines.add(String.join(";", forms.form("7").columns()));
    long persons = basis.persons();
    for (String function : version.functions()) {
      Double wagesNok = basis.wagesNok().get(function);
      if (wagesNok == null) {
        continue; // the unit has no costs on the function (an Oslo district's 276)
      }
      double fte = wagesNok / WAGE_PER_FTE * Math.exp(0.1 * gaussian(rnd));
      double[] parts = new double[STAFF_MIX.length];
      for (int i = 0; i < parts.length; i++) {
        parts[i] = round1(fte * STAFF_MIX[i] * (0.7 + 0.6 * rnd.nextDouble()));
      }
      double total = 0;
      for (int i = 0; i < parts.length; i++) {
        if (parts[i] > 0) {
          lines.add(line7(region, function, String.format("%02d", i + 1), parts[i]));
          total += parts[i];
        }
      }
      if (function.equals("281") && version.post("07") != null && total > 0) {
        lines.add(line7(region, "281", "07", Math.min(total, round1(total * (0.15
            + 0.2 * rnd.nextDouble())))));
        long cases = Math.round(persons * 0.0012 * Math.exp(0.3 * gaussian(rnd)));
        lines.add(year + ";" + code4(region) + ";281;08;" + cases);
      }
    }
    return lines;
  }

  private String line7(String region, String function, String post, double fte) {
    return year + ";" + code4(region) + ";" + function + ";" + post + ";"
        + BigDecimal.valueOf(fte).setScale(1, RoundingMode.HALF_UP).toPlainString().replace('.', ',');
  }

  private List<String> rates(String municipality, CsvForms.Version version) {
    SplittableRandom rnd = random("12", municipality);
    double above = rnd.nextDouble() < 0.35 ? 1 + 0.15 * rnd.nextDouble() : 1.0;
    List<String> lines = new ArrayList<>();
    lines.add(String.join(";", forms.form("12").columns()));
    for (CsvForms.Post p : version.posts()) {
      long value = p.guideline() != null
          ? Math.round(guideline.get(p.guideline()) * above / 50.0) * 50
          : rnd.nextDouble() < 0.05 ? 1 : 0;
      lines.add(year + ";" + municipality + ";" + p.post() + ";" + value);
    }
    return lines;
  }

  /**
   * One fault per rule, each in a file of its own (so each file's findings are exactly its fault),
   * in municipalities drawn from the seed.
   */
  private void plant(Map<String, List<String>> files, List<Fault> planted, Set<String> missing7,
      Set<String> missing12) {
    String[][] faults7 = {
        {"000", "no data lines (only the header)"}, {"001", "header misspelt"},
        {"002", "a line with six fields"}, {"003", "aargang not a year"},
        {"003", "aargang of last year"}, {"004", "verdi with three decimals"},
        {"005", "another municipality's region"}, {"006", "post 09 does not exist"},
        {"007", "funksjon 999 not in the chart"}, {"008", "funksjon 253 not on skjema 7"},
        {"009", "post 08 on funksjon 242"}, {"010", "negative FTEs"},
        {"011", "a debt case count with decimals"}, {"012", "a line twice"},
        {"013", "debt counselling FTEs above the total on 281"},
        {"014", "FTEs ten times the population's need"}};
    String[][] faults12 = {
        {"000", "no data lines (only the header)"}, {"020", "post 03 left out"},
        {"021", "rate 0"}, {"022", "rate three times the guideline"},
        {"023", "rate below the guideline"}, {"024", "housing code 2"},
        {"025", "couples below singles"}, {"012", "a post twice"}, {"011", "rate with øre"}};
    SplittableRandom pick = new SplittableRandom(seed * 43 + year);
    for (String form : CsvForms.FORMS) {
      List<String> pool = new ArrayList<>(files.keySet().stream()
          .filter(f -> f.startsWith("skjema" + form + "_") && !f.contains("_0301")).toList());
      String[][] list = form.equals("7") ? faults7 : faults12;
      for (String[] fault : list) {
        // a file that has what the fault changes (a debt-counselling line, at least one data line)
        boolean needs281 = fault[1].contains("debt");
        List<String> able = pool.stream().filter(f -> files.get(f).size() > 2 && (!needs281
            || String.join("\n", files.get(f)).contains(";281;07;"))).toList();
        if (able.isEmpty()) {
          continue;
        }
        String file = able.get(pick.nextInt(able.size()));
        pool.remove(file);
        if (fault[0].equals("023") && !guidelineOfficial) {
          // "below the state's rate" is no fault against a placeholder (rule 023 is silent):
          // the file stays clean, drawn all the same so the other faults keep their files
          continue;
        }
        List<String> lines = files.get(file);
        int line = form.equals("7") ? fault7(fault[0], fault[1], lines)
            : fault12(fault[0], fault[1], lines);
        planted.add(new Fault(file, line, fault[1], fault[0]));
      }
    }
  }

  /** Changes the file's lines; returns the line number of the fault (0 = the whole file). */
  private int fault7(String rule, String what, List<String> lines) {
    String[] f = lines.get(1).split(";", -1);
    String key = f[0] + ";" + f[1] + ";";
    switch (what) {
      case "no data lines (only the header)" -> {
        lines.subList(1, lines.size()).clear();
        return 0;
      }
      case "header misspelt" -> {
        lines.set(0, "aar;region;funksjon;post;verdi");
        return 1;
      }
      case "a line with six fields" -> lines.set(1, lines.get(1) + ";x");
      case "aargang not a year" -> lines.set(1, "20X5;" + f[1] + ";" + f[2] + ";" + f[3] + ";" + f[4]);
      case "aargang of last year" ->
          lines.set(1, (year - 1) + ";" + f[1] + ";" + f[2] + ";" + f[3] + ";" + f[4]);
      case "verdi with three decimals" -> lines.set(1, key + f[2] + ";" + f[3] + ";1,125");
      case "another municipality's region" ->
          lines.set(1, f[0] + ";9999;" + f[2] + ";" + f[3] + ";" + f[4]);
      case "negative FTEs" -> lines.set(1, key + f[2] + ";" + f[3] + ";-" + f[4]);
      case "a line twice" -> {
        lines.add(2, lines.get(1));
        return 3;
      }
      case "post 09 does not exist" -> {
        lines.add(key + "242;09;1,0");
        return lines.size();
      }
      case "funksjon 999 not in the chart" -> {
        lines.add(key + "999;01;1,0");
        return lines.size();
      }
      case "funksjon 253 not on skjema 7" -> {
        lines.add(key + "253;02;1,0");
        return lines.size();
      }
      case "post 08 on funksjon 242" -> {
        lines.add(key + "242;08;4");
        return lines.size();
      }
      case "a debt case count with decimals" -> {
        int at = indexOf(lines, ";281;08;");
        lines.set(at, key + "281;08;12,5");
        return at + 1;
      }
      case "debt counselling FTEs above the total on 281" -> {
        int at = indexOf(lines, ";281;07;");
        lines.set(at, key + "281;07;999,0");
        return at + 1;
      }
      case "FTEs ten times the population's need" -> {
        for (int i = 1; i < lines.size(); i++) {
          String[] g = lines.get(i).split(";", -1);
          if (!g[3].equals("07") && !g[3].equals("08")) {
            lines.set(i, line7(g[1], g[2], g[3], Double.parseDouble(g[4].replace(',', '.')) * 10));
          }
        }
        return 0;
      }
      default -> throw new IllegalStateException(what);
    }
    return 2;
  }

  /** As fault7; rate faults go on post 04 (children 0-5), away from the singles/couples check. */
  private int fault12(String rule, String what, List<String> lines) {
    String[] s = lines.get(1).split(";", -1);
    String key = s[0] + ";" + s[1] + ";";
    int child = indexOf(lines, ";04;");
    long childRate = Long.parseLong(lines.get(child).split(";", -1)[3]);
    int childGuideline = guideline.get("barn_0_5");
    switch (what) {
      case "no data lines (only the header)" -> {
        lines.subList(1, lines.size()).clear();
        return 0;
      }
      case "post 03 left out" -> {
        lines.remove(indexOf(lines, ";03;"));
        return 0;
      }
      case "rate 0" -> lines.set(child, key + "04;0");
      case "rate three times the guideline" -> lines.set(child, key + "04;" + childGuideline * 3);
      case "rate below the guideline" -> lines.set(child, key + "04;" + (childGuideline - 100));
      case "rate with øre" -> lines.set(child, key + "04;" + childRate + ",50");
      case "housing code 2" -> {
        int at = indexOf(lines, ";07;");
        lines.set(at, key + "07;2");
        return at + 1;
      }
      case "couples below singles" -> {
        long couple = Long.parseLong(lines.get(indexOf(lines, ";02;")).split(";", -1)[3]);
        lines.set(indexOf(lines, ";01;"), key + "01;" + (couple + 100));
        return 0;
      }
      case "a post twice" -> {
        lines.add(child + 1, lines.get(child));
        return child + 2;
      }
      default -> throw new IllegalStateException(what);
    }
    return child + 1;
  }

  private static int indexOf(List<String> lines, String part) {
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).contains(part)) {
        return i;
      }
    }
    throw new IllegalStateException("no line with " + part);
  }

  private Result write(Path dir, Map<String, List<String>> files, List<Fault> planted) {
    try {
      Files.createDirectories(dir);
      long lines = 0;
      for (Map.Entry<String, List<String>> e : files.entrySet()) {
        GeneratedFiles.writeAtomically(dir.resolve(e.getKey()),
            String.join("\r\n", e.getValue()) + "\r\n", StandardCharsets.UTF_8);
        lines += e.getValue().size();
      }
      List<String> manifest = new ArrayList<>();
      manifest.add("file,line,fault,rule");
      for (Fault f : planted) {
        manifest.add(f.file() + "," + f.line() + "," + f.fault().replace(',', ' ') + "," + f.rule());
      }
      GeneratedFiles.writeAtomically(dir.resolve("_manifest_csvforms.csv"),
          String.join("\n", manifest) + "\n", StandardCharsets.UTF_8);
      return new Result(dir, files.size(), lines, List.copyOf(planted));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + dir, e);
    }
  }

  private String fileName(String form, String region) {
    return "skjema" + form + "_" + year + "_" + region + ".csv";
  }

  private static String code4(String region) {
    return region.length() == 6 && region.endsWith("00") ? region.substring(0, 4) : region;
  }

  private static double round1(double x) {
    return Math.round(x * 10) / 10.0;
  }

  private SplittableRandom random(String what, String region) {
    return Draws.stream(seed * 1_000_033L + year, what, region);
  }

  private static double gaussian(SplittableRandom rnd) {
    return Draws.gaussian(Math.max(rnd.nextDouble(), 1e-12), rnd.nextDouble());
  }

}

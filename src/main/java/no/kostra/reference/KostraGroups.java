package no.kostra.reference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import no.kostra.schemas.SchemaDir;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * KOSTRA groups (KOSTRA-grupper, KLASS 112, the 2020 grouping) by reporting year, read from
 * data-schemas/classifications/kostra-groups.csv, which has the columns of a KLASS correspondence
 * (municipality → group) so an official export can replace it without a code change.
 *
 * <p>The shipped file is an APPROXIMATION made by {@link #approximate}: no official membership file
 * is available offline. See classifications/README-kostra-groups.md for the rule.
 */
public final class KostraGroups {

  public static final String FILE = "classifications/kostra-groups.csv";
  public static final String OSLO = "0301";

  /** One row of the correspondence: a municipality code in a group for a span of years. */
  public record Member(String municipality, String municipalityName, String group,
      String groupName, int validFrom, Integer validTo) {
    boolean validIn(int year) {
      return year >= validFrom && (validTo == null || year <= validTo);
    }
  }

  /** The 17 groups of the 2020 grouping (key-figures.md §7). */
  public static final Map<String, String> GROUP_NAMES = groupNames();

  private final List<Member> members;

  private KostraGroups(List<Member> members) {
    this.members = List.copyOf(members);
  }

  public static KostraGroups load(SchemaDir schemas) {
    List<Member> members = new ArrayList<>();
    Classifications.readCsv(schemas.resolve(FILE), r -> {
      String to = r.get("validTo");
      members.add(new Member(r.get("sourceCode"), r.get("sourceName"), normalise(r.get("targetCode")),
          r.get("targetName"), Integer.parseInt(r.get("validFrom").substring(0, 4)),
          to == null || to.isBlank() ? null : Integer.parseInt(to.substring(0, 4))));
    });
    return new KostraGroups(members);
  }

  /** KLASS writes group codes with or without the EKG prefix: "01" and "EKG01" are the same. */
  static String normalise(String code) {
    return code.startsWith("EKG") ? code : "EKG" + (code.length() == 1 ? "0" + code : code);
  }

  /**
   * Municipality code → group (EKGnn) for every municipality of the year's list; a municipality
   * without a group, or with two, is an error naming it.
   */
  public Map<String, String> groups(int year, Classifications classifications) {
    Map<String, String> result = new TreeMap<>();
    for (Member m : members) {
      if (m.validIn(year)) {
        String before = result.put(m.municipality(), m.group());
        if (before != null) {
          throw new IllegalStateException(FILE + ": municipality " + m.municipality() + " is in "
              + before + " and " + m.group() + " in " + year);
        }
      }
    }
    List<String> missing = classifications.municipalities(year).stream()
        .map(Classifications.Municipality::code).filter(c -> !result.containsKey(c)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(FILE + " has no KOSTRA group for " + missing + " in " + year);
    }
    return result;
  }

  // ---- the approximation ------------------------------------------------------------------------

  /** The population band of the 2020 grouping and its groups, with the official group sizes. */
  private record Band(long from, long to, List<String> groups, List<Integer> sizes) {}

  /**
   * Assigns every municipality of the 2020-2023 structure to a group from the published criteria
   * (SSB Rapporter 2020/48; key-figures.md §7), then carries the assignment to the 2024 codes.
   *
   * <ol>
   *   <li>Population: residents on 1 January 2020 (the figures the 2020 grouping was built on),
   *       summed into the 2020-2023 structure.
   *   <li>Oslo alone in 13.
   *   <li>Bound costs ("bundne kostnader"): not available offline. Proxy: the demographic
   *       dependency ratio (residents 0-15 and 67+ per resident 16-66), the age part of the
   *       expenditure equalisation; high ratio = high bound costs.
   *   <li>Free disposable income ("frie disponible inntekter"): not available offline. Proxy: the
   *       relative population change 1.1.2015-1.1.2020; a shrinking municipality gets the regional
   *       grants that raise free income per inhabitant. Group 17 (the eight with the highest tax
   *       income) is the eight municipalities under 10 000 residents with the lowest change.
   *   <li>Within each band the official group sizes are kept in proportion: the municipalities are
   *       sorted by the cost proxy and cut into low/high, then by the income proxy into
   *       low/medium/high (largest remainder; ties by municipality code).
   *   <li>2024: each code carries its group to its 2024 code (code history); 1507 Ålesund becomes
   *       1508 and keeps its group; 1580 Haram goes to group 01, as SSB placed it.
   * </ol>
   */
  public static List<Member> approximate(Classifications classifications, Population population) {
    int structure = 2022; // the 2020-2023 structure
    Map<String, Long> total = population.atStartOfYear(2020, structure, 0, null, classifications);
    Map<String, Long> young = population.atStartOfYear(2020, structure, 0, 15, classifications);
    Map<String, Long> old = population.atStartOfYear(2020, structure, 67, null, classifications);
    Map<String, Long> in2015 = population.atStartOfYear(2015, structure, 0, null, classifications);
    Map<String, Double> cost = new HashMap<>();
    Map<String, Double> income = new HashMap<>();
    for (String code : total.keySet()) {
      long working = total.get(code) - young.get(code) - old.get(code);
      cost.put(code, (young.get(code) + old.get(code)) / (double) Math.max(working, 1));
      income.put(code, -(total.get(code) - in2015.get(code)) / (double) Math.max(in2015.get(code), 1));
    }
    Comparator<String> byIncomeHighFirst = Comparator.<String, Double>comparing(income::get)
        .reversed().thenComparing(Comparator.naturalOrder());
    Map<String, String> group = new TreeMap<>();
    group.put(OSLO, "EKG13");
    total.keySet().stream().filter(c -> !c.equals(OSLO) && total.get(c) < 10_000)
        .sorted(byIncomeHighFirst).limit(8).forEach(c -> group.put(c, "EKG17"));
    List<Band> bands = List.of(
        new Band(0, 599, List.of("EKG16"), List.of(8)),
        new Band(600, 1_999, List.of("EKG14", "EKG15"), List.of(25, 36)),
        new Band(2_000, 9_999, List.of("EKG01", "EKG02", "EKG03", "EKG04", "EKG05", "EKG06"),
            List.of(39, 18, 9, 39, 33, 28)),
        new Band(10_000, 19_999, List.of("EKG07", "EKG08"), List.of(38, 13)),
        new Band(20_000, 29_999, List.of("EKG09"), List.of(27)),
        new Band(30_000, 44_999, List.of("EKG10"), List.of(13)),
        new Band(45_000, 74_999, List.of("EKG11"), List.of(10)),
        new Band(75_000, Long.MAX_VALUE, List.of("EKG12"), List.of(11)));
    for (Band band : bands) {
      List<String> codes = total.keySet().stream().filter(c -> !group.containsKey(c))
          .filter(c -> total.get(c) >= band.from() && total.get(c) <= band.to())
          .sorted().toList();
      if (band.groups().size() == 6) { // 2 000-9 999: low/high cost, then low/medium/high income
        List<String> byCost = codes.stream().sorted(Comparator.<String, Double>comparing(cost::get)
            .thenComparing(Comparator.naturalOrder())).toList();
        List<Integer> costCut = cut(byCost.size(), List.of(66, 100));
        assignByIncome(byCost.subList(0, costCut.get(0)), band.groups().subList(0, 3),
            band.sizes().subList(0, 3), income, group);
        assignByIncome(byCost.subList(costCut.get(0), byCost.size()), band.groups().subList(3, 6),
            band.sizes().subList(3, 6), income, group);
      } else {
        assignByIncome(codes, band.groups(), band.sizes(), income, group);
      }
    }
    List<Member> members = new ArrayList<>();
    Map<String, String> names2022 = names(classifications, structure);
    group.forEach((code, g) -> members.add(new Member(code, names2022.get(code), g,
        GROUP_NAMES.get(g), 2020, 2023)));
    Map<String, String> names2024 = names(classifications, 2024);
    Map<String, String> from2024 = classifications.from2024To(structure);
    for (String code2024 : names2024.keySet()) {
      String g = code2024.equals("1580") ? "EKG01" : group.get(from2024.get(code2024));
      members.add(new Member(code2024, names2024.get(code2024), g, GROUP_NAMES.get(g), 2024, null));
    }
    return members;
  }

  /** Low income first: the lowest incomes go to the first group of the band. */
  private static void assignByIncome(List<String> codes, List<String> groups, List<Integer> sizes,
      Map<String, Double> income, Map<String, String> group) {
    List<String> sorted = codes.stream().sorted(Comparator.<String, Double>comparing(income::get)
        .thenComparing(Comparator.naturalOrder())).toList();
    List<Integer> cuts = cut(sorted.size(), sizes);
    int at = 0;
    for (int i = 0; i < groups.size(); i++) {
      for (String c : sorted.subList(at, at + cuts.get(i))) {
        group.put(c, groups.get(i));
      }
      at += cuts.get(i);
    }
  }

  /** n split in proportion to the sizes, largest remainder (earlier group first on ties). */
  static List<Integer> cut(int n, List<Integer> sizes) {
    int sum = sizes.stream().mapToInt(Integer::intValue).sum();
    List<Integer> result = new ArrayList<>();
    double[] remainder = new double[sizes.size()];
    int given = 0;
    for (int i = 0; i < sizes.size(); i++) {
      double exact = n * (double) sizes.get(i) / sum;
      result.add((int) Math.floor(exact));
      remainder[i] = exact - Math.floor(exact);
      given += result.get(i);
    }
    while (given < n) {
      int best = 0;
      for (int i = 1; i < remainder.length; i++) {
        if (remainder[i] > remainder[best]) {
          best = i;
        }
      }
      result.set(best, result.get(best) + 1);
      remainder[best] = -1;
      given++;
    }
    return result;
  }

  private static Map<String, String> names(Classifications classifications, int year) {
    Map<String, String> names = new TreeMap<>();
    classifications.municipalities(year).forEach(m -> names.put(m.code(), m.name()));
    return names;
  }

  /** Writes members in the correspondence layout (sorted, so the file is reproducible). */
  public static void write(List<Member> members, Path file) {
    List<Member> sorted = new ArrayList<>(members);
    sorted.sort(Comparator.comparingInt(Member::validFrom).thenComparing(Member::municipality));
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator("\n")
            .setHeader("sourceCode", "sourceName", "targetCode", "targetName", "validFrom",
                "validTo").get())) {
      for (Member m : sorted) {
        csv.printRecord(m.municipality(), m.municipalityName(), m.group(), m.groupName(),
            m.validFrom() + "-01-01", m.validTo() == null ? "" : m.validTo() + "-12-31");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Labels made from the published criteria (not KLASS's own wording, which is not offline). */
  private static Map<String, String> groupNames() {
    Map<String, String> n = new LinkedHashMap<>();
    String[][] rows = {
        {"EKG01", "2 000-9 999", "lave", "lave"}, {"EKG02", "2 000-9 999", "lave", "middels"},
        {"EKG03", "2 000-9 999", "lave", "høye"}, {"EKG04", "2 000-9 999", "høye", "lave"},
        {"EKG05", "2 000-9 999", "høye", "middels"}, {"EKG06", "2 000-9 999", "høye", "høye"},
        {"EKG07", "10 000-19 999", "lave", "lave"},
        {"EKG08", "10 000-19 999", "lave", "middels eller høye"},
        {"EKG09", "20 000-29 999", "lave", "lave eller middels"},
        {"EKG10", "30 000-44 999", "lave", "lave"}, {"EKG11", "45 000-74 999", "lave", "lave"},
        {"EKG12", "75 000-300 000", "lave", "lave eller middels"},
        {"EKG14", "600-1 999", "middels", "lave eller middels"},
        {"EKG15", "600-1 999", "middels", "høye"},
        {"EKG16", "0-599", "middels", "lave, middels eller høye"}};
    for (String[] r : rows) {
      n.put(r[0], "Kommuner med " + r[1] + " innbyggere, " + r[2] + " bundne kostnader per "
          + "innbygger, " + r[3] + " frie disponible inntekter per innbygger");
    }
    n.put("EKG13", "Oslo kommune");
    n.put("EKG17", "De åtte kommunene med høyest skatteinntekter per innbygger");
    return java.util.Collections.unmodifiableMap(new TreeMap<>(n));
  }
}

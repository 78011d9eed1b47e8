package no.kostra.keyfigures;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import no.kostra.reference.Classifications;
import no.kostra.reference.Classifications.Municipality;
import no.kostra.reference.KostraGroups;
import no.kostra.reference.Population;
import no.kostra.schemas.SchemaDir;

/**
 * The regions key figures are published for, for one data year on one year's borders: the
 * municipalities (kommune), Oslo's districts (bydel), the county authorities (fylkeskommune, code
 * {@code ff00}) and the aggregates over them (key-figures.md §6.1): EKAnn, EKGnn, EAK, EAKUO, ASSS
 * over municipalities, EAB over Oslo's reporting districts, EAFK over the county authorities
 * (Oslo's county tasks as 0300 included, as SSB codes it) and EAFKUO over all but 0300.
 *
 * <p>On the data year's own borders every municipality is one reporting unit. On a later year's
 * borders (today's) a municipality is the sum of the data year's municipalities that became it
 * ({@link Classifications#mapping}); a municipality later split (1507 Ålesund 2020-2023) becomes
 * the joined region of its parts ("1508+1580"), which belongs to an aggregate only where all its
 * parts do: the aggregates it cannot be placed in are flagged as series breaks.
 */
public final class RegionStructure {

  static final String KOMMUNE = "kommune";
  static final String BYDEL = "bydel";
  static final String FYLKESKOMMUNE = "fylkeskommune";
  static final String OSLO = "0301";
  /** Oslo as a county authority: SSB copies the city's county functions to 0300. */
  static final String OSLO_COUNTY = "0300";

  /**
   * A published region that is not an aggregate. {@code units}: the 6-digit codes of the
   * submissions it consists of; {@code districtUnits}: Oslo's reporting districts (for forms Oslo
   * reports per district). {@code population}: persons by sex and age at 31.12, null if unknown.
   */
  record Region(String code, String name, String level, List<String> units,
      List<String> districtUnits, String county, String group, boolean asss,
      long[][] population) {

    /**
     * The level whose form the region's figures come from: its own, but Oslo's county authority
     * (0300) is the city's own accounts (0A/0M of 0301: Oslo sends no 0C/0P).
     */
    String formLevel() {
      return code.equals(OSLO_COUNTY) ? KOMMUNE : level;
    }
  }

  /** An aggregate: members are regions of {@code memberLevel}; {@code breaks}: unplaceable parts. */
  record Aggregate(String code, String name, String memberLevel, List<String> members,
      boolean seriesBreak) {}

  final int dataYear;
  final int structureYear;
  final List<Region> regions;
  final List<Aggregate> aggregates;

  private RegionStructure(int dataYear, int structureYear, List<Region> regions,
      List<Aggregate> aggregates) {
    this.dataYear = dataYear;
    this.structureYear = structureYear;
    this.regions = List.copyOf(regions);
    this.aggregates = List.copyOf(aggregates);
  }

  /** Reference data the structures are built from, loaded once per run. */
  record Reference(Classifications classifications, KostraGroups groups, Set<String> asss2024,
      Population population) {
    static Reference load(SchemaDir schemas) {
      Set<String> asss = new TreeSet<>();
      Classifications.readCsv(schemas.resolve("classifications/asss-members.csv"),
          r -> asss.add(r.get("municipality_code")));
      return new Reference(Classifications.load(schemas), KostraGroups.load(schemas), asss,
          Population.load(schemas));
    }
  }

  /**
   * What a municipality is compared with on {@code structureYear}'s borders (the fact sheets):
   * municipality code → its KOSTRA group (EKGnn, null where it has none) and its county's
   * municipalities (EKAnn).
   */
  public record Comparison(String group, String county) {}

  public static Map<String, Comparison> comparisons(SchemaDir schemas, int dataYear,
      int structureYear) {
    Map<String, Comparison> out = new TreeMap<>();
    for (Region r : of(dataYear, structureYear, Reference.load(schemas)).regions) {
      if (r.level().equals(KOMMUNE)) {
        out.put(r.code(), new Comparison(r.group(), r.county() == null ? null : "EKA" + r.county()));
      }
    }
    return out;
  }

  static RegionStructure of(int dataYear, int structureYear, Reference ref) {
    Classifications c = ref.classifications();
    boolean hasPopulation = ref.population().hasReportingYear(dataYear);
    Map<String, long[][]> pop = hasPopulation
        ? ref.population().bySexAndAge(dataYear + 1, structureYear, c) : Map.of();
    Map<String, long[][]> popOwn = hasPopulation
        ? ref.population().bySexAndAge(dataYear + 1, dataYear, c) : Map.of();
    Map<String, Municipality> target = new TreeMap<>();
    c.municipalities(structureYear).forEach(m -> target.put(m.code(), m));
    Map<String, String> group = ref.groups().groups(structureYear, c);
    Map<String, String> in2024 = c.from2024To(structureYear);
    Set<String> asss = ref.asss2024().stream().map(in2024::get).collect(Collectors.toSet());

    // target region -> the data year's municipalities it is made of
    Map<String, List<Municipality>> parts = new TreeMap<>();
    Map<String, String> mapping = dataYear == structureYear ? null
        : c.mapping(dataYear, structureYear);
    for (Municipality m : c.municipalities(dataYear)) {
      String to = mapping == null ? m.code() : mapping.get(m.code());
      parts.computeIfAbsent(to, x -> new ArrayList<>()).add(m);
    }
    List<String> districts = c.osloDistricts(dataYear).stream()
        .filter(Classifications.District::reports).map(Classifications.District::code).toList();

    List<Region> regions = new ArrayList<>();
    Set<String> unplaced = new TreeSet<>(); // aggregate codes a joined region could not enter
    parts.forEach((code, from) -> {
      List<String> pieces = List.of(code.split("\\+"));
      String name = pieces.stream().map(p -> target.get(p).name()).collect(Collectors.joining(" + "));
      String county = same(pieces, p -> target.get(p).countyCode(), "EKA", unplaced);
      String grp = same(pieces, group::get, "", unplaced);
      boolean isAsss = pieces.stream().allMatch(asss::contains);
      if (!isAsss && pieces.stream().anyMatch(asss::contains)) {
        unplaced.add("ASSS");
      }
      long[][] population = null;
      if (hasPopulation) {
        population = new long[Population.SEXES.size()][Population.MAX_AGE + 1];
        for (String p : pieces) {
          add(population, pop.get(p));
        }
      }
      regions.add(new Region(code, name, KOMMUNE,
          from.stream().map(Municipality::accountingRegion).toList(),
          code.equals(OSLO) ? districts : List.of(), county, grp, isAsss, population));
    });
    Map<String, String> districtNames = new LinkedHashMap<>();
    c.osloDistricts(dataYear).forEach(d -> districtNames.put(d.code(), d.name()));
    for (String d : districts) {
      regions.add(new Region(d, districtNames.get(d), BYDEL, List.of(d), List.of(), "03", null,
          false, null));
    }
    // county authorities: Oslo's county tasks are the municipality's (it sends no 0C); a county
    // code that is not valid in both years (the 2024 splits) has no comparable authority
    Set<String> structureCounties = c.counties(structureYear).stream()
        .map(Classifications.County::code).collect(Collectors.toSet());
    for (Classifications.County county : c.counties(dataYear)) {
      if (county.code().equals("03") || !structureCounties.contains(county.code())) {
        continue;
      }
      long[][] population = null;
      if (hasPopulation) {
        population = new long[Population.SEXES.size()][Population.MAX_AGE + 1];
        for (Municipality m : c.municipalities(dataYear)) {
          if (m.countyCode().equals(county.code())) {
            add(population, popOwn.get(m.code()));
          }
        }
      }
      regions.add(new Region(county.code() + "00", county.name(), FYLKESKOMMUNE,
          List.of(county.accountingRegion()), List.of(), county.code(), null, false, population));
    }
    // Oslo is a county too: its county tasks are in the city's own accounts, and SSB publishes
    // them as county authority 0300 (key-figures.md §2), in EAFK and not in EAFKUO
    c.municipalities(dataYear).stream().filter(m -> m.code().equals(OSLO)
        && structureCounties.contains("03")).findFirst().ifPresent(oslo -> regions.add(
            new Region(OSLO_COUNTY, oslo.name(), FYLKESKOMMUNE, List.of(oslo.accountingRegion()),
                List.of(), "03", null, false, hasPopulation ? popOwn.get(OSLO) : null)));

    List<Aggregate> aggregates = new ArrayList<>();
    List<Region> municipalities = regions.stream().filter(r -> r.level().equals(KOMMUNE)).toList();
    for (Classifications.County county : c.counties(structureYear)) {
      String code = "EKA" + county.code();
      aggregates.add(new Aggregate(code, county.name() + " (kommunene)", KOMMUNE,
          members(municipalities, r -> county.code().equals(r.county())),
          unplaced.contains(code)));
    }
    new TreeSet<>(group.values()).forEach(g -> aggregates.add(new Aggregate(g,
        "KOSTRA-gruppe " + g.substring(3), KOMMUNE,
        members(municipalities, r -> g.equals(r.group())), unplaced.contains(g))));
    aggregates.add(new Aggregate("EAK", "Landet", KOMMUNE, members(municipalities, r -> true),
        false));
    aggregates.add(new Aggregate("EAKUO", "Landet uten Oslo", KOMMUNE,
        members(municipalities, r -> !r.code().equals(OSLO)), false));
    aggregates.add(new Aggregate("ASSS", "ASSS-kommunene", KOMMUNE,
        members(municipalities, Region::asss), unplaced.contains("ASSS")));
    aggregates.add(new Aggregate("EAB", "Oslo, bydelene", BYDEL, districts, false));
    aggregates.add(new Aggregate("EAFK", "Alle fylkeskommuner", FYLKESKOMMUNE,
        members(regions, r -> r.level().equals(FYLKESKOMMUNE)), false));
    aggregates.add(new Aggregate("EAFKUO", "Alle fylkeskommuner uten Oslo", FYLKESKOMMUNE,
        members(regions, r -> r.level().equals(FYLKESKOMMUNE) && !r.code().equals(OSLO_COUNTY)),
        false));
    return new RegionStructure(dataYear, structureYear, regions, aggregates);
  }

  /** The value all pieces share, or null (and the aggregates of each piece's value flagged). */
  private static String same(List<String> pieces, java.util.function.Function<String, String> of,
      String prefix, Set<String> unplaced) {
    Set<String> values = pieces.stream().map(of).collect(Collectors.toCollection(TreeSet::new));
    if (values.size() == 1) {
      return values.iterator().next();
    }
    values.forEach(v -> unplaced.add(prefix + v));
    return null;
  }

  private static List<String> members(List<Region> regions,
      java.util.function.Predicate<Region> in) {
    return regions.stream().filter(in).map(Region::code).toList();
  }

  private static void add(long[][] into, long[][] from) {
    if (from == null) {
      return; // a municipality without residents in the file: none counted
    }
    for (int sex = 0; sex < into.length; sex++) {
      for (int age = 0; age < into[sex].length; age++) {
        into[sex][age] += from[sex][age];
      }
    }
  }

  /** Residents aged from..to (null = no upper bound) of a region, or null when unknown. */
  static Long band(Region r, int from, Integer to) {
    if (r.population() == null) {
      return null;
    }
    int upper = to == null ? Population.MAX_AGE : Math.min(to, Population.MAX_AGE);
    long sum = 0;
    for (long[] ages : r.population()) {
      for (int age = from; age <= upper; age++) {
        sum += ages[age];
      }
    }
    return sum;
  }
}

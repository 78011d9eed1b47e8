package no.kostra.keyfigures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import no.kostra.schemas.SchemaDir;

/**
 * The key figures and what they are built from, as defined in data-schemas/indicators: the
 * indicator catalogue (key-figures.yaml), the base data it divides (base-data.yaml), the accounting
 * aggregates as signed art hierarchies (regnskap-aggregates.yaml) and the function groups
 * (function-groups.yaml), each versioned by reporting year. Loading checks that every reference
 * between them resolves, so a typo in a definition fails before any figure is computed.
 */
public record KeyFigureDefinitions(List<Indicator> indicators, List<Variable> variables,
    List<Source> sources, List<Aggregate> aggregates, List<FunctionGroup> groups,
    String version, List<NotCollected> notCollected) {

  static final List<String> FILES = List.of("indicators/key-figures.yaml",
      "indicators/base-data.yaml", "indicators/regnskap-aggregates.yaml",
      "indicators/function-groups.yaml");

  public static KeyFigureDefinitions load(SchemaDir schemas) {
    IndicatorFile file = schemas.readYaml(FILES.get(0), IndicatorFile.class);
    BaseDataFile base = schemas.readYaml(FILES.get(1), BaseDataFile.class);
    List<Indicator> indicators = file.indicators().stream()
        .map(i -> i.withDefaults(file.defaults())).toList();
    KeyFigureDefinitions defs = new KeyFigureDefinitions(indicators, base.variables(),
        base.sources(), schemas.readYaml(FILES.get(2), AggregateFile.class).aggregates(),
        schemas.readYaml(FILES.get(3), GroupFile.class).groups(), version(schemas),
        file.notCollected() == null ? List.of() : List.copyOf(file.notCollected()));
    defs.check();
    return defs;
  }

  /** The first 12 hex digits of SHA-256 over the four definition files: stored with every figure. */
  private static String version(SchemaDir schemas) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String f : FILES) {
        sha.update(Files.readAllBytes(schemas.resolve(f)));
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void check() {
    for (NotCollected n : notCollected) {
      if (indicators.stream().anyMatch(i -> i.id().equals(n.id()))) {
        throw new IllegalStateException("key-figures.yaml: " + n.id() + " is both an indicator "
            + "and not collected");
      }
    }
    Map<String, Variable> byId = new LinkedHashMap<>();
    for (Variable v : variables) {
      if (byId.put(v.id(), v) != null) {
        throw new IllegalStateException("base-data.yaml: variable " + v.id() + " twice");
      }
      Source s = source(v.source());
      if ("regnskap".equals(s.table())) {
        Objects.requireNonNull(v.aggregate(), v.id() + ": an accounting variable needs an aggregate");
        aggregateDefinition(v.aggregate());
        if (v.functionGroup() != null) {
          group(v.functionGroup());
        } else if (v.functions() == null || v.functions().isEmpty()) {
          throw new IllegalStateException(v.id() + ": needs function_group or functions");
        }
      } else if (v.functionGroup() != null) {
        group(v.functionGroup()); // a record source's rows by function (skjema 7)
      } else if ("population".equals(s.table())) {
        Objects.requireNonNull(v.ageFrom(), v.id() + ": a population variable needs age_from");
      } else {
        Objects.requireNonNull(v.measure(), v.id() + ": a record variable needs a measure");
      }
    }
    Map<String, String> familySource = new java.util.HashMap<>();
    for (Variable v : variables) {
      if (v.family() != null && !familySource.computeIfAbsent(v.family(), f -> v.source())
          .equals(v.source())) {
        throw new IllegalStateException("base-data.yaml: family " + v.family()
            + " mixes sources (its members must be estimated alike)");
      }
    }
    for (Source s : sources) {
      if (s.protectBy() != null && (!byId.containsKey(s.protectBy())
          || !byId.get(s.protectBy()).source().equals(s.id()))) {
        throw new IllegalStateException("base-data.yaml: source " + s.id() + " protect_by "
            + s.protectBy() + " is not one of its variables");
      }
    }
    java.util.Set<String> ids = new java.util.HashSet<>(byId.keySet());
    for (Indicator i : indicators) {
      if (!ids.add(i.id())) {
        throw new IllegalStateException("key-figures.yaml: indicator id " + i.id()
            + " is used twice (or is also a base variable, which is published as level 3)");
      }
      for (String ref : i.variables()) {
        if (!byId.containsKey(ref)) {
          throw new IllegalStateException("indicator " + i.id() + " refers to unknown base variable "
              + ref);
        }
      }
      if (i.level() != 1 && i.level() != 2) {
        throw new IllegalStateException("indicator " + i.id() + ": level must be 1 or 2 "
            + "(level 3 = the base data)");
      }
    }
  }

  record IndicatorFile(Indicator defaults, List<Indicator> indicators,
      List<NotCollected> notCollected) {}

  /**
   * A figure a seed asks for that the real forms do not carry (key-figures.yaml: not_collected):
   * kept in the catalogue with the reason, so the gap is visible rather than silently absent.
   */
  public record NotCollected(String id, String nameNo, String nameEn, String seed,
      String reason) {
    public NotCollected {
      if (id == null || seed == null || reason == null) {
        throw new IllegalStateException("key-figures.yaml: a not_collected entry needs id, seed "
            + "and reason: " + id);
      }
    }

    /** "andel_koordinator: not collected (…); seed: …". */
    public String summary() {
      return id + " (" + nameNo + "): not collected — " + reason + " (asked for in " + seed + ")";
    }
  }

  record BaseDataFile(List<Source> sources, List<Variable> variables) {}

  record AggregateFile(List<Aggregate> aggregates) {}

  record GroupFile(List<FunctionGroup> groups) {}

  /** Indicators in force in the year, in catalogue order. */
  public List<Indicator> indicatorsFor(int year) {
    return indicators.stream().filter(i -> inForce(i.validFrom(), i.validTo(), year)).toList();
  }

  public Variable variable(String id) {
    return variables.stream().filter(v -> v.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no base variable " + id));
  }

  public Source source(String id) {
    return sources.stream().filter(s -> s.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("base-data.yaml: no source " + id));
  }

  private Aggregate aggregateDefinition(String id) {
    return aggregates.stream().filter(x -> x.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no aggregate " + id));
  }

  /** The version of an accounting aggregate in force in the year for the scope (kasse/konsern). */
  public AggregateVersion aggregate(String id, int year, String scope) {
    return aggregateDefinition(id).versions().stream()
        .filter(v -> inForce(v.validFrom(), v.validTo(), year))
        .filter(v -> v.scope() == null || v.scope().equals(scope)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("aggregate " + id + " has no version for "
            + year + (scope == null ? "" : " (" + scope + ")")));
  }

  private FunctionGroup group(String groupId) {
    return groups.stream().filter(x -> x.id().equals(groupId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no function group " + groupId));
  }

  public FunctionGroupVersion functionGroup(String groupId, int year) {
    return group(groupId).versions().stream().filter(v -> inForce(v.validFrom(), v.validTo(), year))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("function group " + groupId
            + " has no version for " + year));
  }

  /** The functions an accounting variable sums in the year, as inclusive numeric ranges. */
  public List<int[]> functionRanges(Variable v, int year) {
    return v.functionGroup() != null ? functionGroup(v.functionGroup(), year).numericRanges()
        : v.functions().stream().map(f -> new int[] {Integer.parseInt(f), Integer.parseInt(f)})
            .toList();
  }

  /**
   * The condition on a record's {@code funksjon} column that keeps a variable's functions in each
   * of the years (its function group is versioned by year); null where it names none.
   */
  public String functionCondition(Variable v, java.util.Collection<Integer> years) {
    if (v.functionGroup() == null && (v.functions() == null || v.functions().isEmpty())) {
      return null;
    }
    List<String> byYear = new java.util.ArrayList<>();
    for (int year : new java.util.TreeSet<>(years)) {
      List<String> ranges = functionRanges(v, year).stream().map(r -> r[0] == r[1]
          ? "CAST(funksjon AS INT) = " + r[0]
          : "CAST(funksjon AS INT) BETWEEN " + r[0] + " AND " + r[1]).toList();
      byYear.add("(aargang = " + year + " AND (" + String.join(" OR ", ranges) + "))");
    }
    return byYear.isEmpty() ? "FALSE" : "(" + String.join(" OR ", byYear) + ")";
  }

  public List<String> functions(String groupId, int year) {
    return functionGroup(groupId, year).functions();
  }

  static boolean inForce(Integer from, Integer to, int year) {
    return (from == null || year >= from) && (to == null || year <= to);
  }

  /**
   * A key figure: numerator / denominator × scale. Without a denominator the value is the
   * numerator itself (a count or an amount).
   */
  public record Indicator(String id, String nameNo, String nameEn, String numerator,
      String denominator, Integer scale, String unit, Integer decimals, Integer level, String area,
      Integer validFrom, Integer validTo, String source) {

    Indicator withDefaults(Indicator d) {
      if (d == null) {
        return this;
      }
      return new Indicator(id, nameNo, nameEn, numerator, denominator, scale, unit, decimals, level,
          area != null ? area : d.area(), validFrom != null ? validFrom : d.validFrom(),
          validTo != null ? validTo : d.validTo(), source);
    }

    public List<String> variables() {
      return denominator == null ? List.of(numerator) : List.of(numerator, denominator);
    }
  }

  /**
   * Where base data come from. {@code skjema}: the form per region level ("kommune",
   * "fylkeskommune", "bydel") whose current accepted submission makes a unit reported;
   * {@code oslo}: "own" (Oslo reports the city) or "districts" (the city is the sum of its
   * districts); {@code levels}: for population, the levels it exists for.
   */
  public record Source(String id, String table, String scope, Map<String, String> skjema,
      String oslo, List<String> levels, String protectBy) {
    public Source {
      skjema = skjema == null ? Map.of() : Map.copyOf(skjema);
      levels = levels == null ? List.copyOf(skjema.keySet()) : List.copyOf(levels);
    }

    public boolean isPopulation() {
      return "population".equals(table);
    }

    public boolean osloByDistricts() {
      return "districts".equals(oslo);
    }
  }

  /** One base variable (grunnlagsdata), see base-data.yaml. */
  public record Variable(String id, String nameNo, String nameEn, String source, String unit,
      Integer decimals, String aggregate, String functionGroup, List<String> functions,
      String measure, String filter, Integer ageFrom, Integer ageTo, Boolean estimate,
      List<String> levels, Boolean protect, String family, List<String> parts,
      Double suppressionWeight, String within, String reference) {

    /**
     * The variable as the total of a family within it: the family's parts and the rest (its
     * persons in none of them) as its parts.
     */
    public Variable withParts(List<String> newParts) {
      return new Variable(id, nameNo, nameEn, source, unit, decimals, aggregate, functionGroup,
          functions, measure, filter, ageFrom, ageTo, estimate, levels, protect, family,
          List.copyOf(newParts), suppressionWeight, within, reference);
    }

    /**
     * How much the secondary suppression prefers to publish the variable's cells: candidates are
     * ordered by value × weight (SSBtools' weightVar), so a variable weighted below 1 is withheld
     * first where some cell of its family must go; default 1.
     */
    public double suppressionWeightOrOne() {
      return suppressionWeight == null ? 1.0 : suppressionWeight;
    }

    /** The disclosure-control family: variables that add up are protected together. */
    public String familyOrSelf() {
      return family != null ? family : id;
    }

    /** The disjoint parts the variable is the sum of (itself when it has no family). */
    public List<String> partsOrSelf() {
      return parts != null && !parts.isEmpty() ? parts : List.of(id);
    }

    /** A count of persons: withheld at publication where it is at or below the threshold. */
    public boolean protectedCount() {
      return protect != null && protect;
    }

    /** Whether aggregates estimate a missing unit's value (key-figures.md §8); default yes. */
    public boolean estimated() {
      return estimate == null || estimate;
    }

    /**
     * The region levels the variable is published for: as listed, else municipalities and Oslo's
     * districts (the social services are municipal; a county authority's "0" would be no figure).
     */
    public List<String> levelsOrDefault() {
      return levels != null ? levels : List.of("kommune", "bydel");
    }

    public int decimalsOrZero() {
      return decimals == null ? 0 : decimals;
    }
  }

  public record Aggregate(String id, String nameNo, String nameEn, String source,
      List<AggregateVersion> versions) {}

  public record AggregateVersion(Integer validFrom, Integer validTo, String scope,
      String kontotype, List<Term> terms) {

    /** art (as a number) -> sign; ranges expanded, a later term for the same art is an error. */
    public Map<Integer, Integer> signByArt() {
      Map<Integer, Integer> result = new TreeMap<>();
      for (Term t : terms) {
        int[] range = range(t.arts());
        for (int art = range[0]; art <= range[1]; art++) {
          if (result.put(art, t.sign()) != null) {
            throw new IllegalStateException("art " + art + " appears in two terms of an aggregate");
          }
        }
      }
      return result;
    }
  }

  static int[] range(String text) {
    String[] parts = text.split("-");
    return new int[] {Integer.parseInt(parts[0].trim()),
        Integer.parseInt(parts[parts.length - 1].trim())};
  }

  public record Term(String arts, int sign) {
    public Term {
      if (sign != 1 && sign != -1) {
        throw new IllegalArgumentException("term sign must be 1 or -1: " + arts);
      }
    }
  }

  public record FunctionGroup(String id, String nameNo, String nameEn,
      List<FunctionGroupVersion> versions) {}

  /** The functions of a group: listed codes, and/or every code in the ranges (e.g. 100-799). */
  public record FunctionGroupVersion(Integer validFrom, Integer validTo, List<String> functions,
      List<String> ranges, String source) {
    public FunctionGroupVersion {
      functions = functions == null ? List.of() : List.copyOf(functions);
      ranges = ranges == null ? List.of() : List.copyOf(ranges);
    }

    /** Inclusive numeric ranges of the group: listed codes as one-code ranges. */
    public List<int[]> numericRanges() {
      List<int[]> out = new ArrayList<>();
      functions.forEach(f -> out.add(new int[] {Integer.parseInt(f), Integer.parseInt(f)}));
      ranges.forEach(r -> out.add(range(r)));
      return out;
    }
  }
}

package no.kostra.keyfigures;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import no.kostra.schemas.SchemaDir;

/**
 * The key figures and what they are built from, as defined in data-schemas/indicators: the
 * indicator catalogue, the accounting aggregates (signed art hierarchies) and the function groups,
 * each versioned by reporting year.
 */
public record KeyFigureDefinitions(List<Indicator> indicators, List<Aggregate> aggregates,
    List<FunctionGroup> groups) {

  public static KeyFigureDefinitions load(SchemaDir schemas) {
    return new KeyFigureDefinitions(
        schemas.readYaml("indicators/key-figures.yaml", IndicatorFile.class).indicators(),
        schemas.readYaml("indicators/regnskap-aggregates.yaml", AggregateFile.class).aggregates(),
        schemas.readYaml("indicators/function-groups.yaml", GroupFile.class).groups());
  }

  record IndicatorFile(List<Indicator> indicators) {}

  record AggregateFile(List<Aggregate> aggregates) {}

  record GroupFile(List<FunctionGroup> groups) {}

  /** Indicators in force in the year, in catalogue order. */
  public List<Indicator> indicatorsFor(int year) {
    return indicators.stream().filter(i -> inForce(i.validFrom(), i.validTo(), year)).toList();
  }

  public AggregateVersion aggregate(String id, int year) {
    Aggregate a = aggregates.stream().filter(x -> x.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no aggregate " + id));
    return a.versions().stream().filter(v -> inForce(v.validFrom(), v.validTo(), year)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("aggregate " + id + " has no version for " + year));
  }

  public List<String> functions(String groupId, int year) {
    FunctionGroup g = groups.stream().filter(x -> x.id().equals(groupId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no function group " + groupId));
    return g.versions().stream().filter(v -> inForce(v.validFrom(), v.validTo(), year)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("function group " + groupId
            + " has no version for " + year)).functions();
  }

  static boolean inForce(Integer from, Integer to, int year) {
    return (from == null || year >= from) && (to == null || year <= to);
  }

  public record Indicator(String id, String nameNo, String nameEn, Numerator numerator,
      Denominator denominator, int scale, String unit, int decimals, int level, String area,
      Integer validFrom, Integer validTo, String source) {}

  public record Numerator(AccountsTerm accounts) {}

  public record AccountsTerm(String aggregate, String functionGroup, String scope) {}

  public record Denominator(PopulationTerm population) {}

  public record PopulationTerm(int ageFrom, Integer ageTo) {}

  public record Aggregate(String id, String nameNo, String nameEn, String source,
      List<AggregateVersion> versions) {}

  public record AggregateVersion(Integer validFrom, Integer validTo, String kontotype,
      List<Term> terms) {

    /** art (as a number) -> sign; ranges expanded, a later term for the same art is an error. */
    public Map<Integer, Integer> signByArt() {
      Map<Integer, Integer> result = new TreeMap<>();
      for (Term t : terms) {
        String[] range = t.arts().split("-");
        int from = Integer.parseInt(range[0].trim());
        int to = Integer.parseInt(range[range.length - 1].trim());
        for (int art = from; art <= to; art++) {
          if (result.put(art, t.sign()) != null) {
            throw new IllegalStateException("art " + art + " appears in two terms of an aggregate");
          }
        }
      }
      return result;
    }
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

  public record FunctionGroupVersion(Integer validFrom, Integer validTo, List<String> functions,
      String source) {
    public FunctionGroupVersion {
      functions = List.copyOf(functions);
    }
  }
}

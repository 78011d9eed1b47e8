package no.kostra.keyfigures;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import no.kostra.keyfigures.KeyFigureDefinitions.Source;
import no.kostra.keyfigures.KeyFigureDefinitions.Variable;
import no.kostra.keyfigures.RegionStructure.Aggregate;
import no.kostra.keyfigures.RegionStructure.Region;
import no.kostra.schemas.SchemaDir;

/**
 * What an outsider can rebuild from the published method (publishing.md §2.6 step 5): every
 * published region's value of a base variable as a linear form over the reporting units' own
 * values (the submissions: kkkk00, 0301dd), with exact rational coefficients. A municipality is
 * the sum of its units; an aggregate is the sum of its reporting members plus, for an estimated
 * variable, each missing member's estimate population × Σ reporters / Σ their population within
 * its KOSTRA group (all reporters where the group has none) — the same rule as {@link KeyFigures}.
 * Disclosure control builds its relation matrix from these.
 */
public final class LinearForms {

  /** A rational coefficient num / den (den > 0). */
  public record Coefficient(BigInteger num, BigInteger den) {
    Coefficient plus(Coefficient o) {
      BigInteger n = num.multiply(o.den).add(o.num.multiply(den));
      BigInteger d = den.multiply(o.den);
      BigInteger g = n.gcd(d);
      return g.signum() == 0 ? new Coefficient(BigInteger.ZERO, BigInteger.ONE)
          : new Coefficient(n.divide(g), d.divide(g));
    }

    Coefficient times(BigInteger n, BigInteger d) {
      BigInteger a = num.multiply(n);
      BigInteger b = den.multiply(d);
      BigInteger g = a.gcd(b);
      return new Coefficient(a.divide(g), b.divide(g));
    }
  }

  private final KeyFigureDefinitions defs;
  private final RegionStructure.Reference reference;
  private final Map<String, RegionStructure> structures = new HashMap<>();

  private LinearForms(KeyFigureDefinitions defs, RegionStructure.Reference reference) {
    this.defs = defs;
    this.reference = reference;
  }

  /** Loads the reference data once; structures are built per (data year, borders) on demand. */
  public static LinearForms load(SchemaDir schemas, KeyFigureDefinitions defs) {
    return new LinearForms(defs, RegionStructure.Reference.load(schemas));
  }

  /**
   * Region code → (unit → coefficient) for the variable, data year on a structure year's borders.
   * {@code reported}: the region codes whose value is published or withheld (not missing).
   * Regions missing their value have no form.
   */
  public Map<String, Map<String, Coefficient>> of(String variable, int dataYear,
      int structureYear, Set<String> reported) {
    RegionStructure structure = structures.computeIfAbsent(dataYear + "|" + structureYear,
        k -> RegionStructure.of(dataYear, structureYear, reference));
    Variable v = defs.variable(variable);
    Source s = defs.source(v.source());
    Map<String, Region> regions = new LinkedHashMap<>();
    structure.regions.forEach(r -> regions.put(r.code(), r));
    Map<String, Map<String, Coefficient>> forms = new LinkedHashMap<>();
    for (Region r : structure.regions) {
      if (reported.contains(r.code())) {
        List<String> units = s.osloByDistricts() && !r.districtUnits().isEmpty()
            ? r.districtUnits() : r.units();
        Map<String, Coefficient> form = new TreeMap<>();
        units.forEach(u -> form.put(u, new Coefficient(BigInteger.ONE, BigInteger.ONE)));
        forms.put(r.code(), form);
      }
    }
    Map<String, Map<String, Coefficient>> ratioForms = new HashMap<>();
    Map<String, BigInteger> ratioPopulation = new HashMap<>();
    for (Region r : structure.regions) {
      Long pop = RegionStructure.band(r, 0, null);
      if (!forms.containsKey(r.code()) || pop == null) {
        continue;
      }
      for (String stratum : r.group() == null ? List.of(r.level() + "|")
          : List.of(r.level() + "|" + r.group(), r.level() + "|")) {
        Map<String, Coefficient> f = ratioForms.computeIfAbsent(stratum, k -> new TreeMap<>());
        forms.get(r.code()).forEach((u, c) -> f.merge(u, c, Coefficient::plus));
        ratioPopulation.merge(stratum, BigInteger.valueOf(pop), BigInteger::add);
      }
    }
    for (Aggregate a : structure.aggregates) {
      Map<String, Coefficient> form = new TreeMap<>();
      boolean any = false;
      for (String m : a.members()) {
        Region member = regions.get(m);
        if (forms.containsKey(m)) {
          forms.get(m).forEach((u, c) -> form.merge(u, c, Coefficient::plus));
          any = true;
          continue;
        }
        Long pop = RegionStructure.band(member, 0, null);
        if (!v.estimated() || pop == null) {
          continue;
        }
        String stratum = member.level() + "|" + (member.group() == null ? "" : member.group());
        if (!ratioPopulation.containsKey(stratum)) {
          stratum = member.level() + "|";
        }
        BigInteger popSum = ratioPopulation.get(stratum);
        if (popSum == null || popSum.signum() == 0) {
          continue;
        }
        ratioForms.get(stratum).forEach((u, c) -> form.merge(u,
            c.times(BigInteger.valueOf(pop), popSum), Coefficient::plus));
      }
      if (any && reported.contains(a.code())) {
        form.values().removeIf(c -> c.num().signum() == 0);
        forms.put(a.code(), form);
      }
    }
    return forms;
  }
}

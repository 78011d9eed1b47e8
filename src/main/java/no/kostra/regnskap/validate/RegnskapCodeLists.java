package no.kostra.regnskap.validate;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import no.kostra.reference.FunctionChart;
import no.kostra.schemas.SchemaDir;

/**
 * The valid accounting codes per reporting year (data-schemas/rules/regnskap/codelists/YEAR.yaml)
 * and how they are combined per skjema and region (codelist-use.yaml).
 */
public final class RegnskapCodeLists {

  static final String DIR = "rules/regnskap/codelists";
  static final String USE = "rules/regnskap/codelist-use.yaml";
  static final List<String> REGION_CLASSES = List.of("kommune", "oslo", "bydel", "fylke");

  /** year -> flat name (funksjoner.kommune, kun_drift_arter, ...) -> codes */
  private final Map<Integer, Map<String, List<String>>> byYear = new TreeMap<>();
  private final Use use;

  /** One composition entry: these lists are valid for these skjema (and region classes). */
  public record Entry(List<String> skjema, List<String> regionClass, Boolean specialOrgnr,
      List<String> lists) {}

  public record SpecialOrgnr(String orgnr, String name) {}

  public record Use(List<Entry> funksjoner, List<Entry> arter, List<Entry> kapitler,
      List<Entry> sektorer, List<SpecialOrgnr> specialOrgnr,
      @JsonProperty("art_921_drift_regions") List<String> art921DriftRegions,
      @JsonProperty("rule_130_exempt_regions") List<String> rule130ExemptRegions,
      @JsonProperty("rule_135_exempt_regions") List<String> rule135ExemptRegions,
      @JsonProperty("quarterly_retired_functions_kommune") List<String> retiredKommune,
      @JsonProperty("quarterly_retired_functions_fylke") List<String> retiredFylke) {}

  private RegnskapCodeLists(Use use) {
    this.use = use;
  }

  /**
   * The year's code lists: functions from the function chart (classifications/function-chart.yaml,
   * one source of truth), arts, kapitler and sektorer from codelists/YEAR.yaml.
   */
  @SuppressWarnings("unchecked")
  public static RegnskapCodeLists load(SchemaDir schemas) {
    RegnskapCodeLists c = new RegnskapCodeLists(schemas.readYaml(USE, Use.class));
    FunctionChart chart = FunctionChart.load(schemas);
    Path dir = schemas.resolve(DIR);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().matches("\\d{4}\\.yaml")).toList()) {
        Map<String, Object> raw = schemas.readYaml(DIR + "/" + f.getFileName(), Map.class);
        int year = ((Number) raw.get("year")).intValue();
        Map<String, List<String>> flat = new LinkedHashMap<>();
        if (raw.containsKey("funksjoner")) {
          throw new IllegalStateException(f + ": functions belong in " + FunctionChart.FILE);
        }
        chart.lists(year).forEach((list, codes) -> flat.put("funksjoner." + list, codes));
        raw.forEach((k, v) -> {
          if (v instanceof Map<?, ?> m) {
            m.forEach((n, codes) -> flat.put(k + "." + n, (List<String>) codes));
          } else if (v instanceof List<?> l) {
            flat.put(k, (List<String>) l);
          }
        });
        // exceptions of codelist-use.yaml are the same every year
        flat.put("art_921_drift_regions", c.use.art921DriftRegions());
        flat.put("rule_130_exempt_regions", c.use.rule130ExemptRegions());
        flat.put("rule_135_exempt_regions", c.use.rule135ExemptRegions());
        flat.put("quarterly_retired_functions_kommune", c.use.retiredKommune());
        flat.put("quarterly_retired_functions_fylke", c.use.retiredFylke());
        flat.put("special_orgnr", c.use.specialOrgnr().stream().map(SpecialOrgnr::orgnr).toList());
        c.byYear.put(year, flat);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (c.byYear.isEmpty()) {
      throw new IllegalStateException("no code lists in " + dir);
    }
    return c;
  }

  public Map<Integer, Map<String, List<String>>> byYear() {
    return byYear;
  }

  public int firstYear() {
    return ((TreeMap<Integer, ?>) byYear).firstKey();
  }

  public int lastYear() {
    return ((TreeMap<Integer, ?>) byYear).lastKey();
  }

  public List<String> specialOrgnr() {
    return use.specialOrgnr().stream().map(SpecialOrgnr::orgnr).toList();
  }

  /**
   * Every valid (year, skjema base, region class, special orgnr, kind, code), expanded from the
   * composition entries: the lookup table records are joined with.
   */
  public List<Object[]> validCodes() {
    if (validCodes == null) {
      validCodes = List.copyOf(expandValidCodes());
    }
    return validCodes;
  }

  /** Expanded once: {@link #validitySql} asks for every year and kind. */
  private List<Object[]> validCodes;

  private List<Object[]> expandValidCodes() {
    List<Object[]> rows = new ArrayList<>();
    Map<String, List<Entry>> kinds = Map.of("funksjon", use.funksjoner(), "art", use.arter(),
        "kapittel", use.kapitler(), "sektor", use.sektorer());
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (var year : byYear.entrySet()) {
      for (var kind : kinds.entrySet()) {
        for (Entry e : kind.getValue()) {
          for (String skjema : e.skjema()) {
            for (String regionClass : e.regionClass() == null ? REGION_CLASSES : e.regionClass()) {
              for (boolean special : e.specialOrgnr() == null ? List.of(false, true)
                  : List.of(e.specialOrgnr())) {
                for (String list : e.lists()) {
                  List<String> codes = year.getValue().get(kindListPrefix(kind.getKey()) + "." + list);
                  if (codes == null) {
                    throw new IllegalStateException("codelist-use.yaml names list " + list
                        + " for " + kind.getKey() + ", missing in codelists/" + year.getKey() + ".yaml");
                  }
                  for (String code : codes) {
                    String key = year.getKey() + "|" + skjema + "|" + regionClass + "|" + special
                        + "|" + kind.getKey() + "|" + code;
                    if (seen.add(key)) {
                      rows.add(new Object[] {year.getKey(), skjema, regionClass, special,
                          kind.getKey(), code});
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return rows;
  }

  /**
   * SQL saying whether the column's code is valid for the row's submission, for one year:
   * {@code CASE WHEN code_context IN (contexts sharing a code set) THEN column IN (set) ... END},
   * where code_context is 'skjema base|region class|special orgnr'. Evaluated in generated code,
   * this is much cheaper than joining every record with a lookup table.
   */
  public String validitySql(int year, String kind, String column) {
    Map<java.util.Set<String>, java.util.Set<String>> contextsBySet = new LinkedHashMap<>();
    Map<String, java.util.Set<String>> setByContext = new TreeMap<>();
    for (Object[] row : validCodes()) {
      if ((Integer) row[0] == year && row[4].equals(kind)) {
        setByContext.computeIfAbsent(row[1] + "|" + row[2] + "|" + row[3],
            k -> new java.util.TreeSet<>()).add((String) row[5]);
      }
    }
    setByContext.forEach((context, codes) -> contextsBySet
        .computeIfAbsent(codes, k -> new java.util.TreeSet<>()).add(context));
    if (contextsBySet.isEmpty()) {
      return "false";
    }
    StringBuilder sql = new StringBuilder("CASE");
    contextsBySet.forEach((codes, contexts) -> sql.append(" WHEN code_context IN (")
        .append(quoted(contexts)).append(") THEN coalesce(").append(column).append(" IN (")
        .append(quoted(codes)).append("), false)"));
    return sql.append(" ELSE false END").toString();
  }

  private static String quoted(java.util.Collection<String> values) {
    return no.kostra.warehouse.Sql.literals(values);
  }

  private static String kindListPrefix(String kind) {
    return switch (kind) {
      case "funksjon" -> "funksjoner";
      case "art" -> "arter";
      case "kapittel" -> "kapitler";
      case "sektor" -> "sektorer";
      default -> throw new IllegalArgumentException(kind);
    };
  }
}

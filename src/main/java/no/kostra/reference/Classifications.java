package no.kostra.reference;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import no.kostra.schemas.SchemaDir;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Municipalities and counties valid in each reporting year, and the way from 2024 borders to the
 * structure of an earlier year (data-schemas/classifications, from SSB's KLASS via the sources named
 * in its README).
 */
public final class Classifications {

  public record Municipality(String code, String name, String countyCode) {
    /** Region code in accounting files: the municipality number + "00". */
    public String accountingRegion() {
      return code + "00";
    }
  }

  public record County(String code, String name) {
    /** Region code of the county authority in accounting files: county number + "0000". */
    public String accountingRegion() {
      return code + "0000";
    }
  }

  /** An Oslo district (bydel, KLASS 241); {@code reports}: it submits its own files. */
  public record District(String code, String name, boolean reports) {}

  private record DistrictSpan(int from, Integer to, District district) {}

  private final Map<Integer, List<Municipality>> municipalities = new HashMap<>();
  private final List<DistrictSpan> districts = new ArrayList<>();
  private final Map<Integer, List<County>> counties = new HashMap<>();
  /** old code -> 2024 code (4-digit groups only). */
  private final Map<String, String> to2024 = new HashMap<>();
  private final List<String[]> overrides = new ArrayList<>();

  private Classifications() {}

  public static Classifications load(SchemaDir schemas) {
    Classifications c = new Classifications();
    readCsv(schemas.resolve("classifications/municipalities.csv"), r -> c.municipalities
        .computeIfAbsent(Integer.parseInt(r.get("year")), y -> new ArrayList<>())
        .add(new Municipality(r.get("municipality_code"), r.get("municipality_name"),
            r.get("county_code"))));
    readCsv(schemas.resolve("classifications/counties.csv"), r -> c.counties
        .computeIfAbsent(Integer.parseInt(r.get("year")), y -> new ArrayList<>())
        .add(new County(r.get("county_code"), r.get("county_name"))));
    readCsv(schemas.resolve("classifications/municipality-code-history.csv"), r -> {
      if (r.get("code_2024").matches("\\d{4}")) {
        c.to2024.put(r.get("old_code"), r.get("code_2024"));
      }
    });
    readCsv(schemas.resolve("classifications/population-structure-overrides.csv"),
        r -> c.overrides.add(new String[] {r.get("code_2024"), r.get("year_from"),
            r.get("year_to"), r.get("code")}));
    readCsv(schemas.resolve("classifications/oslo-districts.csv"), r -> c.districts.add(
        new DistrictSpan(Integer.parseInt(r.get("year_from")),
            r.get("year_to").isBlank() ? null : Integer.parseInt(r.get("year_to")),
            new District(r.get("district_code"), r.get("district_name"),
                Boolean.parseBoolean(r.get("reports"))))));
    c.municipalities.values().forEach(l -> l.sort(Comparator.comparing(Municipality::code)));
    c.counties.values().forEach(l -> l.sort(Comparator.comparing(County::code)));
    return c;
  }

  public List<Municipality> municipalities(int year) {
    List<Municipality> list = municipalities.get(year);
    if (list == null) {
      throw new IllegalArgumentException("no municipality list for reporting year " + year
          + " in data-schemas/classifications/municipalities.csv (years "
          + municipalities.keySet().stream().sorted().toList() + ")");
    }
    return List.copyOf(list);
  }

  /** The reporting years the municipality list covers, ascending. */
  public List<Integer> years() {
    return municipalities.keySet().stream().sorted().toList();
  }

  /** Oslo's districts valid in the year (with and without their own reporting). */
  public List<District> osloDistricts(int year) {
    return districts.stream().filter(d -> year >= d.from() && (d.to() == null || year <= d.to()))
        .map(DistrictSpan::district).sorted(Comparator.comparing(District::code)).toList();
  }

  public List<County> counties(int year) {
    List<County> list = counties.get(year);
    if (list == null) {
      throw new IllegalArgumentException("no county list for reporting year " + year);
    }
    return List.copyOf(list);
  }

  /**
   * For every municipality code of 2024 borders, the code it belongs to in {@code year}'s structure.
   * Built from the code history; a 2024 code with no predecessor of its own is resolved by
   * population-structure-overrides.csv, and any code left unresolved is an error, not a silent drop.
   */
  public Map<String, String> from2024To(int year) {
    Map<String, String> result = new HashMap<>();
    List<String> valid = municipalities(year).stream().map(Municipality::code).toList();
    for (String code : valid) {
      String code2024 = to2024.get(code);
      if (code2024 != null && !result.containsKey(code2024)) {
        result.put(code2024, code);
      }
    }
    for (String[] o : overrides) {
      if (year >= Integer.parseInt(o[1]) && year <= Integer.parseInt(o[2])) {
        result.put(o[0], o[3]);
      }
    }
    List<String> missing = municipalities(2024).stream().map(Municipality::code)
        .filter(c -> !result.containsKey(c)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("2024 municipalities " + missing + " have no code in the "
          + year + " structure; add them to population-structure-overrides.csv");
    }
    return result;
  }

  /**
   * Where any municipality code in use since 1994 (municipality-code-history.csv) lies on today's
   * (2024) borders, for series over the reforms of 2020 and 2024: the 2024 code it belongs to, or
   * the joined codes of the parts a municipality was later split into ("1508+1580" for 1507
   * Ålesund 2020-2023, from population-structure-overrides.csv); null for a code the history
   * cannot place (a municipality split between several, "Rest" in the source).
   */
  public String onTodaysBorders(String code) {
    java.util.Set<String> parts = new java.util.TreeSet<>();
    if (to2024.containsKey(code)) {
      parts.add(to2024.get(code));
    }
    for (String[] o : overrides) {
      if (o[3].equals(code)) {
        parts.add(o[0]);
      }
    }
    return parts.isEmpty() ? null : String.join("+", parts);
  }

  /**
   * Where each municipality code of {@code dataYear}'s list goes on {@code targetYear}'s borders,
   * so a series can be shown on one structure by summing: a renumbered or merged municipality goes
   * to its successor (sum of predecessors); a municipality split later has no single successor and
   * goes to the joined code of its parts ("1508+1580": 1507 Ålesund before 2024 can be compared
   * only with Ålesund and Haram together); backwards, the parts are summed into the old code.
   */
  public Map<String, String> mapping(int dataYear, int targetYear) {
    Map<String, String> target = from2024To(targetYear);
    Map<String, String> result = new java.util.TreeMap<>();
    Map<String, String> toTarget = new HashMap<>();
    target.forEach((code2024, code) -> toTarget.put(code2024, code));
    Map<String, java.util.Set<String>> dataParts = new HashMap<>();
    from2024To(dataYear).forEach((code2024, code) -> dataParts.computeIfAbsent(code,
        c -> new java.util.TreeSet<>()).add(code2024));
    for (Municipality m : municipalities(dataYear)) {
      java.util.Set<String> targets = new java.util.TreeSet<>();
      for (String code2024 : dataParts.getOrDefault(m.code(), java.util.Set.of())) {
        targets.add(toTarget.get(code2024));
      }
      if (targets.isEmpty()) {
        throw new IllegalStateException("municipality " + m.code() + " of " + dataYear
            + " has no place in the " + targetYear + " structure");
      }
      result.put(m.code(), String.join("+", targets));
    }
    return result;
  }

  public static void readCsv(Path file, Consumer<CSVRecord> each) {
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
        .setCommentMarker('#').setTrim(true).get();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      format.parse(in).forEach(each);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}

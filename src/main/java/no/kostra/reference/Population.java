package no.kostra.reference;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import no.kostra.schemas.SchemaDir;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Residents by municipality (2024 borders), single year of age and sex, on 1 January of 2015-2026
 * (SSB table 07459, via data-schemas/classifications/population.csv.gz).
 *
 * <p>KOSTRA divides by the population at 31.12 of the reporting year, which is the 1 January count
 * of the next year ({@link #atEndOfYear}).
 */
public final class Population {

  public static final int MAX_AGE = 105; // top category "105 and over"

  /** The sexes of the file, in the order of the first index of the counts. */
  public static final java.util.List<String> SEXES = java.util.List.of("female", "male");

  /** calyear -> municipality (2024 code) -> persons by sex (index of SEXES) and age. */
  private final Map<Integer, Map<String, long[][]>> byYear = new HashMap<>();

  private Population() {}

  /** Loaded once per file and JVM: 908 208 rows take seconds to parse and never change in a run. */
  private static final Map<Path, Population> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

  public static Population load(SchemaDir schemas) {
    return CACHE.computeIfAbsent(schemas.resolve("classifications/population.csv.gz"),
        Population::read);
  }

  private static Population read(Path file) {
    Population p = new Population();
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.UTF_8))) {
      for (CSVRecord r : format.parse(in)) {
        int year = Integer.parseInt(r.get("calyear"));
        int age = Integer.parseInt(r.get("age"));
        int sex = SEXES.indexOf(r.get("sex"));
        if (sex < 0 || age < 0 || age > MAX_AGE) {
          throw new IllegalStateException(file + " line " + r.getRecordNumber()
              + ": unexpected sex or age " + r.get("sex") + "/" + r.get("age"));
        }
        long[][] counts = p.byYear.computeIfAbsent(year, y -> new HashMap<>())
            .computeIfAbsent(r.get("municipality_code"), c -> new long[SEXES.size()][MAX_AGE + 1]);
        counts[sex][age] += Long.parseLong(r.get("persons"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return p;
  }

  public boolean hasCalendarYear(int calyear) {
    return byYear.containsKey(calyear);
  }

  /** Whether the population at 31.12 of the reporting year (1 January of the next) is known. */
  public boolean hasReportingYear(int reportingYear) {
    return hasCalendarYear(reportingYear + 1);
  }

  /**
   * Residents aged ageFrom..ageTo (inclusive; null = no upper bound) at 31.12 of the reporting year,
   * by municipality code of that year's structure.
   */
  public Map<String, Long> atEndOfYear(int reportingYear, int ageFrom, Integer ageTo,
      Classifications classifications) {
    return band(bySexAndAge(reportingYear + 1, reportingYear, classifications), ageFrom, ageTo);
  }

  /** Residents aged ageFrom..ageTo on 1 January of calyear, on the structure of structureYear. */
  public Map<String, Long> atStartOfYear(int calyear, int structureYear, int ageFrom, Integer ageTo,
      Classifications classifications) {
    return band(bySexAndAge(calyear, structureYear, classifications), ageFrom, ageTo);
  }

  private static Map<String, Long> band(Map<String, long[][]> counts, int ageFrom, Integer ageTo) {
    int to = ageTo == null ? MAX_AGE : Math.min(ageTo, MAX_AGE);
    Map<String, Long> result = new TreeMap<>();
    counts.forEach((code, bySex) -> {
      long sum = 0;
      for (long[] ages : bySex) {
        for (int age = ageFrom; age <= to; age++) {
          sum += ages[age];
        }
      }
      result.put(code, sum);
    });
    return result;
  }

  /**
   * Persons by sex (index of {@link #SEXES}) and single year of age on 1 January of calyear, by
   * municipality code of structureYear's structure (2024-border figures summed into the codes of
   * that year; see {@link Classifications#from2024To}).
   */
  public Map<String, long[][]> bySexAndAge(int calyear, int structureYear,
      Classifications classifications) {
    Map<String, long[][]> counts = byYear.get(calyear);
    if (counts == null) {
      throw new IllegalArgumentException("no population for 1 January " + calyear
          + (calyear > 1 ? " (= 31.12." + (calyear - 1) + ")" : "")
          + " in data-schemas/classifications/population.csv.gz; it covers 1 January "
          + new TreeMap<>(byYear).firstKey() + "-" + new TreeMap<>(byYear).lastKey());
    }
    Map<String, String> structure = classifications.from2024To(structureYear);
    Map<String, long[][]> result = new TreeMap<>();
    for (Map.Entry<String, long[][]> e : counts.entrySet()) {
      String code = structure.get(e.getKey());
      if (code == null) {
        throw new IllegalStateException("municipality " + e.getKey() + " of the population file has no"
            + " code in the " + structureYear + " structure");
      }
      long[][] target = result.computeIfAbsent(code, c -> new long[SEXES.size()][MAX_AGE + 1]);
      for (int sex = 0; sex < SEXES.size(); sex++) {
        for (int age = 0; age <= MAX_AGE; age++) {
          target[sex][age] += e.getValue()[sex][age];
        }
      }
    }
    return result;
  }
}

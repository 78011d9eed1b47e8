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

  /** calyear -> municipality (2024 code) -> persons by age (both sexes). */
  private final Map<Integer, Map<String, long[]>> byYear = new HashMap<>();

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
        long[] ages = p.byYear.computeIfAbsent(year, y -> new HashMap<>())
            .computeIfAbsent(r.get("municipality_code"), c -> new long[MAX_AGE + 1]);
        ages[age] += Long.parseLong(r.get("persons"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return p;
  }

  public boolean hasCalendarYear(int calyear) {
    return byYear.containsKey(calyear);
  }

  /**
   * Residents aged ageFrom..ageTo (inclusive; null = no upper bound) at 31.12 of the reporting year,
   * by municipality code of that year's structure.
   */
  public Map<String, Long> atEndOfYear(int reportingYear, int ageFrom, Integer ageTo,
      Classifications classifications) {
    int calyear = reportingYear + 1;
    Map<String, long[]> counts = byYear.get(calyear);
    if (counts == null) {
      throw new IllegalArgumentException("population at 31.12." + reportingYear + " (1 January "
          + calyear + ") is not in data-schemas/classifications/population.csv.gz; it covers 1 January "
          + new TreeMap<>(byYear).firstKey() + "-" + new TreeMap<>(byYear).lastKey());
    }
    int to = ageTo == null ? MAX_AGE : Math.min(ageTo, MAX_AGE);
    Map<String, String> structure = classifications.from2024To(reportingYear);
    Map<String, Long> result = new TreeMap<>();
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      String code = structure.get(e.getKey());
      if (code == null) {
        throw new IllegalStateException("municipality " + e.getKey() + " of the population file has no"
            + " code in the " + reportingYear + " structure");
      }
      long sum = 0;
      for (int age = ageFrom; age <= to; age++) {
        sum += e.getValue()[age];
      }
      result.merge(code, sum, Long::sum);
    }
    return result;
  }
}

package no.kostra.reference;

import java.util.Map;
import java.util.TreeMap;
import no.kostra.schemas.SchemaDir;

/**
 * Whether a year of a national reference table (classifications/&lt;name&gt;.csv: a {@code year}
 * column, and {@code placeholder = true} on rows that are not the published values) is official.
 * A figure computed against a placeholder would be published against an invented number, so the
 * key figures treat a year that is not official as missing reference data.
 */
public final class OfficialReference {

  /** The state of one year of a reference table. */
  public enum Status {
    /** Every row of the year is the published value. */
    OFFICIAL,
    /** The year has rows, and at least one is a placeholder. */
    PLACEHOLDER,
    /** The table has no row for the year. */
    ABSENT
  }

  private OfficialReference() {}

  /** year -> status, for every year the table has a row for (others are {@link Status#ABSENT}). */
  public static Map<Integer, Status> years(SchemaDir schemas, String name) {
    Map<Integer, Status> out = new TreeMap<>();
    Classifications.readCsv(schemas.resolve("classifications/" + name + ".csv"), r -> {
      int year = Integer.parseInt(r.get("year"));
      boolean placeholder = r.isMapped("placeholder") && Boolean.parseBoolean(r.get("placeholder"));
      out.merge(year, placeholder ? Status.PLACEHOLDER : Status.OFFICIAL,
          (a, b) -> a == Status.PLACEHOLDER || b == Status.PLACEHOLDER ? Status.PLACEHOLDER
              : Status.OFFICIAL);
    });
    return out;
  }

  public static Status of(SchemaDir schemas, String name, int year) {
    return years(schemas, name).getOrDefault(year, Status.ABSENT);
  }

  /** The flag a figure carries where a reference it needs is not official for its year. */
  public static String flag(String name) {
    return "reference_missing:" + name;
  }
}

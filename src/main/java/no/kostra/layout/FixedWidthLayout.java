package no.kostra.layout;

import java.io.Serializable;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A fixed-width record layout in the YAML shape of SSB's kostra-kontrollprogram file descriptions
 * ({@code id, title, reportingYear, description, fields[]}). Positions are 1-based and inclusive.
 */
public record FixedWidthLayout(
    String id, String title, Integer reportingYear, String description, List<Field> fields)
    implements Serializable {

  public FixedWidthLayout {
    fields = List.copyOf(fields);
    int expected = 1;
    for (Field f : fields) {
      if (f.from() != expected) {
        throw new IllegalArgumentException("layout " + title + ": field " + f.name() + " starts at "
            + f.from() + ", expected " + expected + " (fields must be contiguous)");
      }
      expected += f.size();
    }
  }

  /** Total record length: the end of the last field. */
  public int recordLength() {
    Field last = fields.get(fields.size() - 1);
    return last.from() + last.size() - 1;
  }

  public Field field(String name) {
    return fields.stream().filter(f -> f.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no field " + name + " in layout " + title));
  }

  public record Code(String code, String value) implements Serializable {}

  /** One field. {@code pattern} is a project addition: a regex the untrimmed field must match. */
  public record Field(
      String name,
      String description,
      int from,
      int size,
      String dataType,
      boolean mandatory,
      String datePattern,
      String codelistSource,
      List<Code> codeList,
      String pattern)
      implements Serializable {

    public Field {
      codeList = codeList == null ? List.of() : List.copyOf(codeList);
    }

    /** The field's text cut from the raw line, untrimmed (the line must have the layout's length). */
    public String cut(String line) {
      return line.substring(from - 1, from - 1 + size);
    }

    public int to() {
      return from + size - 1;
    }

    public Set<String> codes() {
      return codeList.stream().map(Code::code).collect(Collectors.toUnmodifiableSet());
    }

    /** A checker for this field with the code set and pattern compiled once (hot path of ingest). */
    public Checker checker() {
      return new Checker(this, codes(),
          pattern == null || pattern.isEmpty() ? null : Pattern.compile(pattern));
    }
  }

  /**
   * Says why a value is not acceptable for a field, or null if it is: the code list, the pattern
   * and, for INTEGER_TYPE, the amount syntax of SSB's rule 014 (optional leading blanks, an optional
   * minus directly before the digits, nothing after them).
   */
  public record Checker(Field field, Set<String> codes, Pattern pattern) implements Serializable {

    private static final Pattern INTEGER = Pattern.compile("^\\s*-?\\d+$");

    public String problem(String value) {
      if (!codes.isEmpty() && !codes.contains(value)) {
        return "'" + value + "' er ikke en gyldig kode";
      }
      if (pattern != null && !pattern.matcher(value).matches()) {
        return "'" + value + "' har ikke formatet " + pattern.pattern();
      }
      if ("INTEGER_TYPE".equals(field.dataType())) {
        if (!INTEGER.matcher(value).matches()) {
          return "'" + value + "' er ikke et heltall (høyrejustert, minustegn rett foran sifrene)";
        }
        try {
          Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
          return "'" + value.trim() + "' er utenfor heltallsområdet";
        }
      }
      return null;
    }
  }
}

package no.kostra.warehouse;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Values written into Spark SQL text, one way everywhere. Spark's string literals escape with a
 * backslash ({@code 'it\'s'}); doubling the quote ({@code 'it''s'}) is two adjacent literals in
 * Spark 3.5 and silently drops the quote. Prefer the Column API where it exists; this is for the
 * places that must write SQL text (rule conditions, Delta predicates, DDL).
 */
public final class Sql {

  private Sql() {}

  /** A string literal: {@code it's} as {@code 'it\'s'}. */
  public static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** Literals separated by ", " (for {@code IN (...)}), in the collection's order. */
  public static String literals(Collection<String> values) {
    return values.stream().map(Sql::literal).collect(Collectors.joining(", "));
  }

  /** {@code column = 'value'}. */
  public static String equalTo(String column, String value) {
    return column + " = " + literal(value);
  }
}

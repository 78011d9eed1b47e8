package no.kostra.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import no.kostra.TestBase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A value written into SQL text comes back from Spark as it was, whatever it holds: the quote
 * that doubling does not escape in Spark 3.5, a backslash, both, and a predicate that would end
 * the literal early if the quote were not escaped.
 */
class SqlTest extends TestBase {

  @ParameterizedTest
  @ValueSource(strings = {"plain", "it's", "it''s", "back\\slash", "\\'", "x' OR '1'='1",
      "0A_2025_030100 (endelig).dat", "Bø i Telemark"})
  void aLiteralReadsBackAsTheValue(String value) {
    assertEquals(List.of(row(value)), session().sql("SELECT " + Sql.literal(value)).collectAsList());
    assertEquals(List.of(row(1L)), session().sql("SELECT count(*) FROM VALUES (" + Sql.literal(value)
        + ") AS t(v) WHERE " + Sql.equalTo("v", value)).collectAsList());
  }
}

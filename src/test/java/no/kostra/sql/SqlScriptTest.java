package no.kostra.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Statements of a script, split at semicolons that end them and nowhere else. */
class SqlScriptTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "two statements|SELECT 1; SELECT 2;|SELECT 1#SELECT 2|\"\"",
      "a semicolon in a string|SELECT ';' AS x; SELECT 2|SELECT ';' AS x|SELECT 2",
      "an escaped quote|SELECT 'it\\'s;' ; SELECT 2;|SELECT 'it\\'s;'#SELECT 2|\"\"",
      "in backquotes|SELECT * FROM delta.`/a;b`;|SELECT * FROM delta.`/a;b`|\"\"",
      "a line comment|SELECT 1 -- one; two\\n;|SELECT 1|\"\"",
      "a block comment|SELECT /* ; */ 1;|SELECT  1|\"\"",
      "empty statements|;; SELECT 1;;|SELECT 1|\"\"",
      "unfinished|SELECT 1; SELECT|SELECT 1|SELECT"})
  void splitsAtTheSemicolonsThatEndStatements(String what, String text, String statements,
      String rest) {
    String sql = text.replace("\\n", "\n");
    assertEquals(List.of(statements.split("#")), SqlScript.split(sql), what);
    assertEquals(rest, SqlScript.rest(sql), what);
  }
}

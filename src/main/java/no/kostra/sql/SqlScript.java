package no.kostra.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements at {@code ;} outside quotes ({@code '…'}, {@code "…"},
 * {@code `…`}) and comments ({@code -- …} to the end of the line, {@code /* … *}{@code /}), as
 * {@code bin/kostra sql -f file.sql} reads a script. Empty statements are dropped.
 */
public final class SqlScript {

  private SqlScript() {}

  /** The complete statements of {@code text}, trimmed; {@link #rest} tells what is left over. */
  public static List<String> split(String text) {
    return scan(text).statements();
  }

  /** What follows the last complete statement (an unfinished one, when typing). */
  public static String rest(String text) {
    return scan(text).rest();
  }

  private record Scan(List<String> statements, String rest) {}

  private static Scan scan(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        current.append(c);
        if (c == '\\' && quote != '`' && i + 1 < text.length()) {
          current.append(text.charAt(++i)); // an escaped character inside a string
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '-' && text.startsWith("--", i)) {
        int end = text.indexOf('\n', i);
        i = end < 0 ? text.length() - 1 : end - 1;
      } else if (c == '/' && text.startsWith("/*", i)) {
        int end = text.indexOf("*/", i + 2);
        i = end < 0 ? text.length() - 1 : end + 1;
      } else if (c == ';') {
        add(out, current);
        current.setLength(0);
      } else {
        if (c == '\'' || c == '"' || c == '`') {
          quote = c;
        }
        current.append(c);
      }
    }
    return new Scan(out, current.toString().trim());
  }

  private static void add(List<String> out, StringBuilder statement) {
    String s = statement.toString().trim();
    if (!s.isEmpty()) {
      out.add(s);
    }
  }
}

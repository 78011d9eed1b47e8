package no.kostra.validate;

/** Severities in rising order, as SSB's control program: OK < INFO < WARNING < ERROR < FATAL. */
public enum Severity {
  OK, INFO, WARNING, ERROR, FATAL;

  /** Exit code of a check, as the reference console: 0 OK/INFO, 1 WARNING, 2 ERROR/FATAL. */
  public int exitCode() {
    return switch (this) {
      case OK, INFO -> 0;
      case WARNING -> 1;
      case ERROR, FATAL -> 2;
    };
  }

  /** The outcome of a submission with this highest severity. */
  public String status() {
    return switch (this) {
      case OK, INFO -> "accepted";
      case WARNING -> "accepted_with_warnings";
      case ERROR, FATAL -> "rejected";
    };
  }

  /** SQL expression giving the rank (0..4) of a severity column, for max() over findings. */
  public static String rankSql(String column) {
    return "CASE " + column + " WHEN 'FATAL' THEN 4 WHEN 'ERROR' THEN 3 WHEN 'WARNING' THEN 2 "
        + "WHEN 'INFO' THEN 1 ELSE 0 END";
  }

  public static Severity ofRank(int rank) {
    return values()[rank];
  }
}

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

  /** SQL giving the rank (ordinal, 0..4) of a severity name column, for max() over findings. */
  public static String rankSql(String column) {
    StringBuilder s = new StringBuilder("CASE ").append(column);
    for (Severity v : values()) {
      s.append(" WHEN '").append(v.name()).append("' THEN ").append(v.ordinal());
    }
    return s.append(" ELSE 0 END").toString();
  }

  /** SQL turning a rank column (null = no finding) back into the severity name. */
  public static String nameOfRankSql(String column) {
    StringBuilder s = new StringBuilder("CASE coalesce(").append(column).append(", 0)");
    for (Severity v : values()) {
      s.append(" WHEN ").append(v.ordinal()).append(" THEN '").append(v.name()).append("'");
    }
    return s.append(" END").toString();
  }

  /** SQL giving the submission status ({@link #status}) of a rank column (null = no finding). */
  public static String statusOfRankSql(String column) {
    StringBuilder s = new StringBuilder("CASE coalesce(").append(column).append(", 0)");
    for (Severity v : values()) {
      s.append(" WHEN ").append(v.ordinal()).append(" THEN '").append(v.status()).append("'");
    }
    return s.append(" END").toString();
  }
}

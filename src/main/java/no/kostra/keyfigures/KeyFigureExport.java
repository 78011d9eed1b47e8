package no.kostra.keyfigures;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.spark.sql.Row;

/**
 * Writes key figures as CSV the way SSB publishes tables: UTF-8, semicolon-separated, decimal
 * comma, the value rounded half away from zero to the indicator's decimals from the unrounded
 * value, and the symbol ({@code ..} missing, {@code .} not defined) where there is no value.
 * Rows are sorted (indicator, borders, municipalities by code, then the other regions), and the file
 * is written to a temporary name and moved into place, so a rerun gives a byte-identical file and
 * a crash never leaves half a file.
 */
public final class KeyFigureExport {

  private KeyFigureExport() {}

  public static final List<String> HEADER = List.of("year", "structure_year", "region",
      "region_name", "region_level", "indicator", "level", "value", "numerator", "denominator",
      "unit", "status", "flags", "release_status");

  /** The figures as computed, not a release: {@code release_status} empty. */
  public static Path writeCsv(List<Row> keyFigures, Path file) {
    return writeCsv(keyFigures, file, "");
  }

  /**
   * {@code releaseStatus} on every row ("preliminary" in the 15 March release, "final" in June):
   * a reader with only this file sees whether the figures may still change.
   */
  public static Path writeCsv(List<Row> keyFigures, Path file, String releaseStatus) {
    List<Row> rows = new ArrayList<>(keyFigures);
    rows.sort(Comparator.<Row, Integer>comparing(r -> r.getAs("year"))
        .thenComparing(r -> r.<Integer>getAs("structure_year"))
        .thenComparing(r -> r.<Integer>getAs("level"))
        .thenComparing(r -> r.<String>getAs("indicator"))
        .thenComparing(r -> levelOrder(r.getAs("region_level")))
        .thenComparing(r -> r.<String>getAs("region")));
    StringWriter out = new StringWriter();
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(';').setRecordSeparator("\n")
        .setHeader(HEADER.toArray(String[]::new)).get();
    try (CSVPrinter csv = new CSVPrinter(out, format)) {
      for (Row r : rows) {
        int decimals = r.getAs("decimals");
        String status = r.getAs("status");
        csv.printRecord(r.getAs("year"), r.getAs("structure_year"), r.getAs("region"),
            r.getAs("region_name"), r.getAs("region_level"), r.getAs("indicator"),
            r.getAs("level"), status != null ? status : number(r.getAs("value"), decimals),
            number(r.getAs("numerator"), -1), number(r.getAs("denominator"), -1),
            r.getAs("unit"), status == null ? "" : status,
            r.getAs("flags") == null ? "" : r.getAs("flags"), releaseStatus);
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
      Files.writeString(tmp, out.toString(), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Municipalities first, then districts, county authorities and the aggregates. */
  public static int levelOrder(String level) {
    int i = List.of("kommune", "bydel", "fylkeskommune", "EKA", "EKG", "ASSS", "EAKUO", "EAK",
        "EAB", "EAFKUO", "EAFK").indexOf(level);
    return i < 0 ? 99 : i;
  }

  /** Decimal comma; {@code decimals} < 0 prints the exact value without trailing zeros. */
  static String number(BigDecimal v, int decimals) {
    if (v == null) {
      return "";
    }
    BigDecimal scaled = decimals >= 0 ? v.setScale(decimals, java.math.RoundingMode.HALF_UP)
        : v.stripTrailingZeros();
    if (scaled.scale() < 0) {
      scaled = scaled.setScale(0);
    }
    return scaled.toPlainString().replace('.', ',');
  }
}

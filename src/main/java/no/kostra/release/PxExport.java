package no.kostra.release;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import no.kostra.keyfigures.KeyFigureDefinitions.Indicator;
import no.kostra.keyfigures.KeyFigureExport;
import org.apache.spark.sql.Row;

/**
 * One PC-Axis file per key figure of a release (PX file format 2013, publishing.md §3.4): the
 * regions of the years' own borders (municipalities by code, then Oslo's districts, county
 * authorities and the aggregates) as the stub, the years as the heading, values rounded to the
 * indicator's decimals with a decimal point. Symbols are dot codes, as PxWeb reads them: {@code .}
 * → {@code "."}, {@code ..} → {@code ".."}, {@code :} → {@code "...."} relabelled by
 * {@code DATASYMBOL4=":"} ({@code ":"} itself is not a legal DATA token). UTF-8 with
 * {@code CODEPAGE="utf-8"} (ISO-8859-1 cannot spell Evenes - Evenášši), CRLF line ends, no clock
 * time in the file, so the same release gives the same bytes.
 */
final class PxExport {

  static final Map<String, String> SYMBOLS = Map.of(".", "\".\"", "..", "\"..\"", ":", "\"....\"");

  private PxExport() {}

  /** The PX text of one indicator over the published rows (structure_year = year only). */
  static byte[] write(Indicator indicator, int number, List<Row> published,
      LocalDate releaseDate, String kind) {
    Map<String, String> names = new LinkedHashMap<>();
    Map<String, Integer> order = new TreeMap<>();
    TreeSet<Integer> years = new TreeSet<>();
    Map<String, Row> cells = new TreeMap<>();
    for (Row r : published) {
      if (!r.getAs("indicator").equals(indicator.id())
          || !r.getAs("structure_year").equals(r.getAs("year"))) {
        continue;
      }
      String region = r.getAs("region");
      names.putIfAbsent(region, r.getAs("region_name"));
      order.putIfAbsent(region, KeyFigureExport.levelOrder(r.getAs("region_level")));
      years.add(r.getAs("year"));
      cells.put(region + "|" + r.getAs("year"), r);
    }
    List<String> regions = new ArrayList<>(names.keySet());
    regions.sort(Comparator.comparing((String c) -> order.get(c)).thenComparing(c -> c));
    StringBuilder px = new StringBuilder();
    line(px, "CHARSET=\"ANSI\";");
    line(px, "AXIS-VERSION=\"2013\";");
    line(px, "CODEPAGE=\"utf-8\";");
    line(px, "LANGUAGE=\"no\";");
    line(px, "CREATION-DATE=\"" + releaseDate.toString().replace("-", "") + " 08:00\";");
    line(px, "DECIMALS=" + indicator.decimals() + ";");
    line(px, "SHOWDECIMALS=" + indicator.decimals() + ";");
    // at most 8 characters (old PC-Axis): the indicator's place in the catalogue
    line(px, "MATRIX=" + quote(String.format("KOSN%03d", number)) + ";");
    line(px, "SUBJECT-CODE=\"OS\";");
    line(px, "SUBJECT-AREA=\"Offentlig sektor\";");
    line(px, "CONTENTS=" + quote(indicator.nameNo()) + ";");
    line(px, "TITLE=" + quote(indicator.nameNo() + ", etter region og år") + ";");
    line(px, "UNITS=" + quote(indicator.unit()) + ";");
    line(px, "STUB=\"region\";");
    line(px, "HEADING=\"år\";");
    line(px, "VALUES(\"region\")=" + list(regions.stream().map(names::get).toList()) + ";");
    line(px, "CODES(\"region\")=" + list(regions) + ";");
    List<String> yearTexts = years.stream().map(String::valueOf).toList();
    line(px, "VALUES(\"år\")=" + list(yearTexts) + ";");
    line(px, "TIMEVAL(\"år\")=TLIST(A1)," + list(yearTexts) + ";");
    line(px, "DATASYMBOL1=\".\";");
    line(px, "DATASYMBOL2=\"..\";");
    line(px, "DATASYMBOL4=\":\";");
    line(px, "SOURCE=\"KOSTRA\";");
    line(px, "NOTE=\". = ikke mulig å oppgi tall, .. = tallgrunnlag mangler, : = vises ikke av "
        + "konfidensialitetshensyn\";");
    // NOTEX: a note the reader must be shown (PX 2013), so the status travels with the file
    line(px, "NOTEX=" + quote(statusNote(kind, releaseDate)) + ";");
    line(px, "DATA=");
    for (String region : regions) {
      List<String> row = new ArrayList<>();
      for (int year : years) {
        Row r = cells.get(region + "|" + year);
        row.add(r == null ? "\".\"" : token(r, indicator.decimals()));
      }
      line(px, String.join(" ", row));
    }
    line(px, ";");
    return px.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** "Foreløpige tall ..." (the 15 March release) or "Endelige tall ..." (15 June). */
  static String statusNote(String kind, LocalDate releaseDate) {
    String date = releaseDate.getDayOfMonth() + "." + releaseDate.getMonthValue() + "."
        + releaseDate.getYear();
    return kind.equals("final") ? "Endelige tall, publisert " + date + "."
        : "Foreløpige tall (ureviderte), publisert " + date + ": de kan bli endret i den endelige "
            + "publiseringen 15. juni.";
  }

  private static String token(Row r, int decimals) {
    String status = r.getAs("status");
    if (status != null) {
      return SYMBOLS.getOrDefault(status, "\"..\"");
    }
    BigDecimal v = r.getAs("value");
    return v.setScale(decimals, RoundingMode.HALF_UP).toPlainString();
  }

  private static String quote(String text) {
    // a value cannot contain '"' (PX 2013)
    return "\"" + text.replace("\"", "'") + "\"";
  }

  private static String list(List<String> values) {
    return String.join(",", values.stream().map(PxExport::quote).toList());
  }

  private static void line(StringBuilder px, String text) {
    px.append(text).append("\r\n");
  }
}

package no.kostra.release;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import no.kostra.warehouse.Tables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;

/** Published rows written by hand, as {@code published_key_figures} holds them (no Spark). */
final class PublishedRows {

  private PublishedRows() {}

  /** A published cell: {@code value} as rounded for publication, or a symbol in {@code status}. */
  static Row cell(int year, int structureYear, String region, String name, String level,
      String indicator, int indicatorLevel, String value, String status, int decimals,
      String flags) {
    return new GenericRowWithSchema(new Object[] {year, structureYear, region, name, level,
        indicator, indicatorLevel, value == null ? null : new BigDecimal(value).setScale(10),
        null, null, 1, "unit", decimals, status, flags, null, null, "test"},
        Tables.KEY_FIGURES_SCHEMA);
  }

  static ReleaseJob job(List<String> exports, Map<String, Object> statbank) {
    return new ReleaseJob("2025-final", List.of(2025), LocalDate.of(2026, 6, 15), "final",
        "in", List.of("key_figures"), exports, new ReleaseJob.Suppression(3), statbank,
        Path.of("jobs/2025-final.yaml"), "hash");
  }
}

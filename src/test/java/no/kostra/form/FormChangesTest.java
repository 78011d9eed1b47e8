package no.kostra.form;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import no.kostra.schemas.SchemaDir;
import org.junit.jupiter.api.Test;

/** `bin/kostra changes`: what a respondent must know, from the layouts, lists and rule files. */
class FormChangesTest {

  private static final SchemaDir SCHEMAS = SchemaDir.at(Path.of("data-schemas"));

  private static void has(List<String> report, String line) {
    assertTrue(report.contains(line), "no line '" + line + "' in\n" + String.join("\n", report));
  }

  @Test
  void elevenFFrom2024To2025() {
    List<String> r = Forms.changes(SCHEMAS, "11F", 2024, 2025);
    has(r, "Filbeskrivelse (324 -> 338 tegn):");
    assertTrue(r.stream().anyMatch(l -> l.startsWith("  + FODSELSDATO 9-16")), r.toString());
    has(r, "  + 04A Fødselsdato (ERROR)");
    has(r, "  ~ 07 \"Alder 68 år eller eldre\" -> \"Alder 96 år eller eldre\"");
  }

  @Test
  void elevenFFrom2025To2026() {
    List<String> r = Forms.changes(SCHEMAS, "11F", 2025, 2026);
    has(r, "  uendret"); // the layout
    has(r, "  - 20A Viktigste kilde til livsopphold, ikke trygd");
    has(r, "  ~ 22 \"Alderspensjon og alder\" -> \"Trygdesituasjon, gyldige koder\"");
    has(r, "  + 23A Alderspensjon under 62 år (ERROR)");
    has(r, "  - 23 Overgangsstønad uten barn");
    has(r, "  + 23B Overgangsstønad uten barn (ERROR)");
    has(r, "  + 23C Barnetrygd uten barn (ERROR)");
  }

  @Test
  void elevenFFrom2023To2024() {
    List<String> r = Forms.changes(SCHEMAS, "11F", 2023, 2024);
    has(r, "  - DISTRIKTSNR");
    has(r, "  + TRYGDESIT kode 13 Barnetrygd");
    has(r, "  + 000 Skal levere filuttrekk (FATAL)");
    has(r, "  - 20 Viktigste kilde til livsopphold, trygd/pensjon");
    has(r, "  + 20B Viktigste kilde til livsopphold, trygd/stønad (ERROR)");
  }

  @Test
  void quarterlyAccountsFrom2023To2024() {
    List<String> r = Forms.changes(SCHEMAS, "0AK4", 2023, 2024);
    assertTrue(r.stream().anyMatch(l -> l.contains("254")), String.join("\n", r));
    has(r, "Kontroller:");
  }

  @Test
  void annualAccountsFrom2025To2026() {
    List<String> r = Forms.changes(SCHEMAS, "0A", 2025, 2026);
    has(r, "  + arter.basis 271 272");
    has(r, "  - arter.basis 270");
    has(r, "  ~ 190 Memoriakonti: WARNING -> ERROR");
  }

  @Test
  void staffingAndUnknownForms() {
    List<String> r = Forms.changes(SCHEMAS, "7", 2024, 2025);
    has(r, "Poster og funksjoner:");
    assertThrows(IllegalArgumentException.class,
        () -> Forms.changes(SCHEMAS, "11X", 2024, 2025));
    assertThrows(IllegalArgumentException.class,
        () -> Forms.changes(SCHEMAS, "11F", 2025, 2024));
  }
}

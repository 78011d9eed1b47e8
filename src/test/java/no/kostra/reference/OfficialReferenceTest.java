package no.kostra.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import no.kostra.reference.OfficialReference.Status;
import no.kostra.schemas.SchemaDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfficialReferenceTest {

  @Test
  void theShippedGuidelineRatesAreOfficialUntil2024() {
    SchemaDir schemas = SchemaDir.at(Path.of("data-schemas"));
    assertEquals(Status.OFFICIAL, OfficialReference.of(schemas, "benefit-guideline-rates", 2024));
    assertEquals(Status.PLACEHOLDER,
        OfficialReference.of(schemas, "benefit-guideline-rates", 2025));
    assertEquals(Status.ABSENT, OfficialReference.of(schemas, "benefit-guideline-rates", 2027));
  }

  @Test
  void oneOfficialRowDoesNotMakeAYearWithAPlaceholderOfficial(@TempDir Path dir)
      throws Exception {
    Files.createDirectories(dir.resolve("classifications"));
    Files.writeString(dir.resolve("classifications/rates.csv"), """
        # a comment
        year,category,nok_per_month,placeholder
        2030,enslige,9000,false
        2030,ektepar_samboere,15000,true
        2031,enslige,9300,false
        """);
    SchemaDir schemas = SchemaDir.at(dir);
    assertEquals(Status.PLACEHOLDER, OfficialReference.of(schemas, "rates", 2030));
    assertEquals(Status.OFFICIAL, OfficialReference.of(schemas, "rates", 2031));
  }
}

package no.kostra.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import no.kostra.TestBase;
import no.kostra.csvforms.CsvFormGenerator;
import no.kostra.regnskap.generate.RegnskapGenerator;
import no.kostra.sosial.generate.SosialGenerator;
import no.kostra.sosial.ingest.Pseudonymizer;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** A release job from arriving files to key figures, completeness and the runs log. */
class ReleaseRunTest extends TestBase {

  private static Path job(Path dir, Path input) throws Exception {
    Path file = dir.resolve("2025-final.yaml");
    Files.writeString(file, String.join("\n",
        "id: 2025-final", "years: [2025]", "release_date: 2026-06-15", "kind: final",
        "input: " + input.toAbsolutePath(), "tables: [key_figures, completeness]",
        "exports: [csv]", "suppression: {threshold: 3}", ""));
    return file;
  }

  @Test
  void aJobIngestsComputesAndReportsHowCompleteEachFormIs() throws Exception {
    Path in = tempDir("release-in");
    Set<String> only = Set.of("1151", "4601", "46");
    RegnskapGenerator.forYear(2025, SCHEMAS).seed(5).faults(0).only(only).writeTo(in);
    SosialGenerator.forYear(2025, SCHEMAS).seed(5).faults(false).only(only).writeTo(in);
    CsvFormGenerator.forYear(2025, SCHEMAS).seed(5).faults(false).only(only).writeTo(in);
    Warehouse wh = warehouse(tempDir("release-wh"));
    ReleaseJob job = ReleaseJob.load(job(tempDir("release-job"), in));
    Pseudonymizer key = Pseudonymizer.ephemeral();

    var first = ReleaseRun.of(wh, SCHEMAS, job).key(() -> key).run();

    assertEquals("succeeded", first.status());
    assertEquals(List.of("ingest", "compute", "completeness"),
        first.stages().stream().map(ReleaseRun.Stage::name).toList());
    Map<String, Completeness.Form> forms = first.completeness().stream()
        .collect(Collectors.toMap(Completeness.Form::skjema, f -> f));
    // 11F: every municipality but Oslo (356) and Oslo's 15 reporting districts; two delivered
    Completeness.Form f11 = forms.get("11F");
    assertEquals(371, f11.expected());
    assertEquals(2, f11.delivered());
    assertEquals(2, f11.accepted());
    assertEquals(369, f11.missing().size());
    Assertions.assertTrue(f11.summary().startsWith("11F 2025: 2 of 371 accepted; missing: 030101, "),
        f11.summary());
    Assertions.assertFalse(f11.missing().contains("1151"));
    // 0C: the county authorities but Oslo's (14); Vestland (46) delivered
    assertEquals(14, forms.get("0C").expected());
    assertEquals(1, forms.get("0C").accepted());
    Assertions.assertFalse(forms.get("0C").missing().contains("4600"));
    // skjema 12: municipalities only, Oslo included (it reports the city's rates)
    assertEquals(357, forms.get("12").expected());
    assertEquals(List.of(row("0A"), row("0C"), row("0M"), row("0P"), row("11F"), row("11CF"),
            row("7"), row("12")),
        sql(wh, "SELECT skjema FROM completeness ORDER BY CASE WHEN skjema LIKE '0%' THEN 0 "
            + "WHEN skjema = '11F' THEN 1 WHEN skjema = '11CF' THEN 2 WHEN skjema = '7' THEN 3 "
            + "ELSE 4 END, skjema"));
    // the figures follow: Bergen's cases are counted, a municipality that sent nothing is '..'
    assertEquals(List.of(row("..")), sql(wh, "SELECT status FROM key_figures WHERE year = 2025 "
        + "AND structure_year = 2025 AND region = '5001' AND indicator = 'antall_mottakere'"));
    assertEquals(List.of(row(true)), sql(wh, "SELECT value > 0 FROM key_figures WHERE "
        + "structure_year = 2025 AND region = '4601' AND indicator = 'antall_mottakere'"));

    // a rerun finds nothing new and gives the same completeness; both runs are logged
    var second = ReleaseRun.of(wh, SCHEMAS, job).key(() -> key).run();
    assertEquals("0 new files", second.stages().get(0).detail());
    assertEquals(first.completeness(), second.completeness());
    List<Row> runs = sql(wh, "SELECT job, status, config_hash, size(stages) FROM runs "
        + "ORDER BY started_at");
    assertEquals(2, runs.size());
    assertEquals(row("2025-final", "succeeded", job.configHash(), 3), runs.get(1));

    // a second run while one holds the warehouse's lock refuses and changes nothing
    try (FileChannel channel = FileChannel.open(Path.of(wh.root()).resolve("_release.lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = channel.lock()) {
      var refused = assertThrows(IllegalStateException.class,
          () -> ReleaseRun.of(wh, SCHEMAS, job).key(() -> key).run());
      Assertions.assertTrue(refused.getMessage().contains("another release run"),
          refused.getMessage());
    }
    assertEquals(List.of(row(2L)), sql(wh, "SELECT count(*) FROM runs"));
  }

  @Test
  void aJobFileWithAMistakeIsRejectedNamingTheFile() throws Exception {
    Path dir = tempDir("release-bad");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "id: x\nyears: [2025]\nrelease_date: 2026-06-15\nkind: final-ish\n"
        + "input: in\n");
    var e = assertThrows(IllegalArgumentException.class, () -> ReleaseJob.load(bad));
    Assertions.assertTrue(e.getMessage().contains("bad.yaml") && e.getMessage().contains("kind"),
        e.getMessage());
    Files.writeString(bad, "id: x\nyears: [2025]\nrelease_date: 2026-06-15\nkind: final\n"
        + "input: in\nsupression: {threshold: 3}\n");
    var typo = assertThrows(RuntimeException.class, () -> ReleaseJob.load(bad));
    Assertions.assertTrue(typo.getMessage().contains("supression"), typo.getMessage());
  }
}

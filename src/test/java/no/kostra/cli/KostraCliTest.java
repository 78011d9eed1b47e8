package no.kostra.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import no.kostra.EndToEnd;
import no.kostra.TestBase;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** The command-line contract: generate, ingest, compute, query, with their exit codes and output. */
@EndToEnd
class KostraCliTest extends TestBase {

  private static String stdout(String... args) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    assertEquals(0, KostraCli.run(new PrintStream(buffer, true, StandardCharsets.UTF_8), System.err,
        args), String.join(" ", args));
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void commandsRunTheStagesAndQueryPrintsCsv() throws Exception {
    Path in = tempDir("cli-in");
    Path wh = tempDir("cli-wh").resolve("warehouse");
    stdout("generate", "--year", "2024", "--out", in.toString(), "--only", "0301,1580,1508",
        "--faults", "1", "--seed", "11");
    Path key = tempDir("cli-key").resolve("pseudonym.key");
    stdout("keygen", "--out", key.toString());
    stdout("--warehouse", wh.toString(), "ingest", in.toString(), "--key-file", key.toString());
    stdout("--warehouse", wh.toString(), "compute", "--year", "2024");

    String csv = stdout("--warehouse", wh.toString(), "query",
        "SELECT count(DISTINCT region) FILTER (WHERE region_level = 'kommune') AS municipalities, "
            + "count(DISTINCT structure_year) AS borders, count(*) AS rows FROM key_figures");
    String[] counts = csv.split("\n")[1].split(",");
    assertEquals("357", counts[0], "the municipalities of 2024");
    assertEquals("2", counts[1], "2024's borders and today's");

    String reconcile = stdout("--warehouse", wh.toString(), "query",
        "SELECT sum(lines_read) = sum(rows_accepted) + sum(lines_rejected) AS reconciles, "
            + "sum(lines_rejected) FILTER (WHERE NOT source_file LIKE '%skjema%') AS rejected "
            + "FROM ingested_files");
    assertEquals("reconciles,rejected\ntrue,1\n", reconcile, "one accounting fault");

    // 11F and 11CF of the two municipalities and Oslo's 15 districts (too few for faults)
    String sosial = stdout("--warehouse", wh.toString(), "query",
        "SELECT count(*) AS submissions, count_if(status = 'rejected') AS rejected FROM submissions "
            + "WHERE skjema IN ('11F', '11CF')");
    assertEquals("submissions,rejected\n34,0\n", sosial);

    // skjema 7 from Oslo's 15 districts and the two municipalities, skjema 12 from all three; the
    // two municipalities' files take the first planted faults (no data; a wrong header / a
    // missing rate), Oslo's are clean
    String csvForms = stdout("--warehouse", wh.toString(), "query",
        "SELECT skjema, count(*) AS submissions, count_if(status = 'rejected') AS rejected "
            + "FROM submissions WHERE skjema IN ('7', '12') GROUP BY skjema ORDER BY skjema");
    assertEquals("skjema,submissions,rejected\n12,3,2\n7,17,2\n", csvForms);

    List<String> export = Files.readAllLines(wh.resolve("exports/key_figures_2024.csv"));
    assertEquals(1 + Integer.parseInt(counts[2]), export.size());
    Assertions.assertTrue(export.stream().anyMatch(l -> l.startsWith("2024;2024;1580;Haram;")),
        "Haram");
  }

  @Test
  void theCatalogueShowsWhatTheSeedsAskForAndTheFormsDoNotCarry() {
    String catalogue = stdout("catalogue", "--year", "2025");
    Assertions.assertTrue(catalogue.lines().anyMatch(l -> l.startsWith("andel_koordinator\t"
        + "not_collected\t") && l.contains("no coordinator field")), catalogue);
    Assertions.assertTrue(catalogue.lines().anyMatch(l -> l.startsWith("lonn_per_aarsverk\t"
        + "level 1\t2015-\tlonn_sosial / aarsverk_sosial\t")), catalogue);
    String changes = stdout("changes", "--form", "11f", "--from", "2025", "--to", "2026");
    Assertions.assertTrue(changes.contains("  + 23C Barnetrygd uten barn (ERROR)"), changes);
  }

  @Test
  void aFailingCommandExitsNonZeroWithAMessage() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Assertions.assertNotEquals(0, KostraCli.run(System.out,
        new PrintStream(buffer, true, StandardCharsets.UTF_8), "--warehouse",
        tempDir("cli-empty").toString(), "query", "SELECT * FROM key_figures"));
    Assertions.assertTrue(buffer.toString(StandardCharsets.UTF_8).contains("key_figures"),
        buffer.toString(StandardCharsets.UTF_8));
  }
}

package no.kostra.regnskap.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import no.kostra.EndToEnd;
import org.junit.jupiter.api.Assertions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import no.kostra.TestBase;
import no.kostra.regnskap.form.RegnskapIngest;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

@EndToEnd
class RegnskapIngestTest extends TestBase {

  private static final String GOOD = "0A20254030100                  1242 010     1234";

  @Test
  void ingestsTheFixtureAndAMalformedFileAndReconcilesLineCounts() throws Exception {
    Path input = tempDir("ingest-in");
    Files.copy(fixture("0A_V2019_K4_R040200_OK.dat"), input.resolve("0A_V2019_K4_R040200_OK.dat"));
    Files.writeString(input.resolve("broken.dat"), GOOD + "\n"
        + GOOD.substring(0, 36) + "\t" + GOOD.substring(37) + "\n" // TAB
        + GOOD.substring(0, 40) + "\n" // too short
        + GOOD.substring(0, 39) + "    12x34\n" // non-numeric amount
        + "\n"
        + GOOD.replace("1234", "  -5") + "\n");
    Warehouse wh = warehouse(tempDir("ingest-wh"));

    var result = RegnskapIngest.into(wh, SCHEMAS).from(input.toString()).run();

    assertEquals(2, result.filesIngested());
    assertEquals(1644 + 5, result.linesRead());
    assertEquals(1644 + 2, result.rowsAccepted());
    assertEquals(3, result.linesRejected());
    assertEquals(1, result.blankLines());
    Assertions.assertTrue(result.reconciles());
    assertEquals(1646L, wh.read(Tables.REGNSKAP).count());

    List<Row> rejected = sql(wh, "SELECT line_number, field, reason FROM rejected_lines "
        + "WHERE source_file LIKE '%broken.dat' ORDER BY line_number");
    assertEquals(3, rejected.size());
    assertEquals(2, rejected.get(0).getInt(0));
    Assertions.assertTrue(rejected.get(0).getString(2).contains("tabulatortegn i posisjon 37"));
    assertEquals(3, rejected.get(1).getInt(0));
    Assertions.assertTrue(rejected.get(1).getString(2).contains("recorden er på 40 tegn, skal være 48"));
    assertEquals(4, rejected.get(2).getInt(0));
    assertEquals("belop", rejected.get(2).getString(1));
    Assertions.assertTrue(rejected.get(2).getString(2).contains("'    12x34' er ikke et heltall"));

    // the file's own table agrees with the rows: lines read = accepted + rejected per file
    assertEquals(List.of(row(0L)), sql(wh, "SELECT count(*) FROM ingested_files f WHERE "
        + "lines_read <> rows_accepted + lines_rejected OR rows_accepted <> (SELECT count(*) FROM "
        + "regnskap r WHERE r.source_file = f.source_file)"));
    // the fixture's lineage: every row points to its line and the file's hash
    assertEquals(List.of(row(1644L, 1L, 1644)), sql(wh, "SELECT count(*), count(DISTINCT "
        + "file_sha256), max(line_number) FROM regnskap WHERE source_file LIKE '%R040200_OK.dat'"));
  }

  @Test
  void rerunningOnTheSameFilesChangesNothing() throws Exception {
    Path input = tempDir("rerun-in");
    Files.writeString(input.resolve("0A_2025_030100.dat"), GOOD + "\n" + GOOD.substring(1) + "\n");
    Warehouse wh = warehouse(tempDir("rerun-wh"));
    RegnskapIngest.into(wh, SCHEMAS).from(input.toString()).run();
    long versionBefore = deltaVersion(wh);

    var second = RegnskapIngest.into(wh, SCHEMAS).from(input.toString()).run();

    assertEquals(0, second.filesIngested());
    assertEquals(List.of(input.resolve("0A_2025_030100.dat").toString()), second.filesSkipped());
    assertEquals(versionBefore, deltaVersion(wh), "no new commit");
    assertEquals(1L, wh.read(Tables.REGNSKAP).count());
    assertEquals(1L, wh.read(Tables.REJECTED_LINES).count());
  }

  @Test
  void rowsOfAnIngestThatDiedBeforeItsLastCommitAreRemovedOnTheNextRun() throws Exception {
    Path input = tempDir("crash-in");
    Warehouse wh = oneFileIngested(input);
    // a run that dies after writing its rows, before it commits its files to ingested_files
    Files.writeString(input.resolve("b.dat"), GOOD.replace("1234", "  77") + "\n");
    var killed = assertThrows(IllegalStateException.class, () -> RegnskapIngest.into(wh, SCHEMAS)
        .from(input.toString()).progress(m -> {
          if (m.startsWith("wrote")) {
            throw new IllegalStateException("killed");
          }
        }).run());
    assertEquals("killed", killed.getMessage());
    assertEquals(List.of(row(2L, 1311L)), sql(wh, "SELECT count(*), sum(belop) FROM regnskap"));
    assertEquals(List.of(row(1L)), sql(wh, "SELECT count(*) FROM ingested_files"));

    var result = RegnskapIngest.into(wh, SCHEMAS).from(input.toString()).run();

    assertEquals(1, result.filesIngested());
    assertEquals(List.of(row(2L, 1311L, 2L)), sql(wh,
        "SELECT count(*), sum(belop), count(DISTINCT ingest_id) FROM regnskap"));
    assertEquals(List.of(row(2L)), sql(wh, "SELECT count(*) FROM ingested_files"));
    assertEquals(List.of(row(0L)), sql(wh, "SELECT count(*) FROM regnskap r LEFT ANTI JOIN "
        + "ingested_files f USING (ingest_id)"), "no row of the killed run is left");
  }

  @Test
  void aRunKilledAfterItsLastCommitButBeforeRemovingItsMarkerKeepsItsRows() throws Exception {
    Path input = tempDir("late-kill-in");
    Warehouse wh = oneFileIngested(input);
    // the marker of the finished run is still there, as if the process died right after the
    // commit of ingested_files: the run is complete and nothing of it may be deleted
    String finished = sql(wh, "SELECT ingest_id FROM ingested_files").get(0).getString(0);
    Files.createFile(Path.of(wh.root(), "_ingest_runs", finished));

    Files.writeString(input.resolve("b.dat"), GOOD.replace("1234", "  77") + "\n");
    var result = RegnskapIngest.into(wh, SCHEMAS).from(input.toString()).run();

    assertEquals(1, result.filesIngested());
    assertEquals(List.of(row(2L, 1311L)), sql(wh, "SELECT count(*), sum(belop) FROM regnskap"));
    Assertions.assertFalse(Files.exists(Path.of(wh.root(), "_ingest_runs", finished)),
        "the stale marker is removed");
  }

  @Test
  void aWarehouseFromBeforeTheRunMarkersIsScannedForUnfinishedRunsOnce() throws Exception {
    Path input = tempDir("old-in");
    Warehouse wh = oneFileIngested(input);
    // rows of a run that left no marker: written by a version without them, then killed
    wh.append(wh.read(Tables.REGNSKAP).withColumn("ingest_id",
        org.apache.spark.sql.functions.lit("crashed-run")), Tables.REGNSKAP);
    deleteRecursively(Path.of(wh.root(), "_ingest_runs"));
    assertEquals(2L, wh.read(Tables.REGNSKAP).count());

    Files.writeString(input.resolve("b.dat"), GOOD.replace("1234", "  77") + "\n");
    var result = RegnskapIngest.into(wh, SCHEMAS).from(input.toString()).run();

    assertEquals(1, result.filesIngested());
    assertEquals(List.of(row(2L, 1311L)), sql(wh, "SELECT count(*), sum(belop) FROM regnskap"));
    Assertions.assertTrue(Files.isDirectory(Path.of(wh.root(), "_ingest_runs")),
        "the markers are used from now on");
  }

  @Test
  void theSameBytesFromTwoMunicipalitiesAreTwoSubmissions() throws Exception {
    Path input = tempDir("empty-in");
    Files.writeString(input.resolve("0A_2025_030100.dat"), "");
    Files.writeString(input.resolve("0A_2025_110300.dat"), "");
    Warehouse wh = warehouse(tempDir("empty-wh"));
    var result = RegnskapIngest.into(wh, SCHEMAS).from(input.toString()).run();
    assertEquals(2, result.filesIngested(), "an empty file is not a rerun of another one");
    assertEquals(List.of(row("030100", "000"), row("110300", "000")), sql(wh, "SELECT s.region, "
        + "v.rule_id FROM submissions s JOIN validation_results v USING (submission_id) ORDER BY 1"));
    assertEquals(0, RegnskapIngest.into(wh, SCHEMAS).from(input.toString()).run().filesIngested(),
        "the same files again are skipped");
  }

  /** A new warehouse into which a.dat (one good record) under {@code input} was ingested. */
  private Warehouse oneFileIngested(Path input) throws Exception {
    Files.writeString(input.resolve("a.dat"), GOOD + "\n");
    Warehouse wh = warehouse(tempDir("one-file-wh"));
    RegnskapIngest.into(wh, SCHEMAS).from(input.toString()).run();
    return wh;
  }

  private long deltaVersion(Warehouse wh) {
    return io.delta.tables.DeltaTable.forPath(spark(), wh.path(Tables.REGNSKAP)).history(1)
        .select("version").first().getLong(0);
  }
}

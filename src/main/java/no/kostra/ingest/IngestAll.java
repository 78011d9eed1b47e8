package no.kostra.ingest;

import java.util.function.Consumer;
import java.util.function.Supplier;
import no.kostra.csvforms.CsvFormFileName;
import no.kostra.csvforms.CsvFormIngest;
import no.kostra.regnskap.ingest.RegnskapIngest;
import no.kostra.schemas.SchemaDir;
import no.kostra.sosial.ingest.Pseudonymizer;
import no.kostra.sosial.ingest.SosialFileName;
import no.kostra.sosial.ingest.SosialIngest;
import no.kostra.warehouse.Warehouse;

/**
 * Stages 1-2 for every form of a folder: accounting files, then 11F/11CF (pseudonymised), then
 * skjema 7/12, each ingested and validated with its own stage. What {@code bin/kostra ingest} and
 * the release run share.
 */
public final class IngestAll {

  private IngestAll() {}

  /** What the three ingests did: their descriptions, and whether every file's lines reconcile. */
  public record Result(String regnskap, String sosial, String csvForms, boolean reconciles,
      long filesIngested) {}

  public static Result run(Warehouse warehouse, SchemaDir schemas, String dir,
      Supplier<Pseudonymizer> key, Consumer<String> progress) {
    long t0 = System.nanoTime();
    var regnskap = RegnskapIngest.into(warehouse, schemas).from(dir)
        .only(file -> !SosialFileName.isSosialFile(file) && !CsvFormFileName.isCsvFormFile(file))
        .progress(m -> progress.accept("ingest regnskap: " + m)).run();
    progress.accept("ingest regnskap: " + regnskap.describe().replace("\n", "\n        ")
        + seconds(t0));
    long t1 = System.nanoTime();
    var sosial = SosialIngest.into(warehouse, schemas, key).from(dir)
        .progress(m -> progress.accept("ingest 11F/11CF: " + m)).run();
    progress.accept("ingest 11F/11CF: " + sosial.describe().replace("\n", "\n        ")
        + seconds(t1));
    long t2 = System.nanoTime();
    var csv = CsvFormIngest.into(warehouse, schemas).from(dir)
        .progress(m -> progress.accept("ingest skjema 7/12: " + m)).run();
    progress.accept("ingest skjema 7/12: " + csv.describe().replace("\n", "\n        ")
        + seconds(t2));
    return new Result(regnskap.describe(), sosial.describe(), csv.describe(),
        regnskap.reconciles() && sosial.reconciles() && csv.reconciles(),
        regnskap.filesIngested() + sosial.filesIngested() + csv.filesIngested());
  }

  private static String seconds(long start) {
    return String.format(" (%.1f s)", (System.nanoTime() - start) / 1e9);
  }
}

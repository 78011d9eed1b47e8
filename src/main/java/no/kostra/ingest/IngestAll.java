package no.kostra.ingest;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import no.kostra.csvforms.CsvFormIngest;
import no.kostra.csvforms.CsvFormRecogniser;
import no.kostra.csvforms.CsvForms;
import no.kostra.regnskap.ingest.RegnskapIngest;
import no.kostra.regnskap.ingest.RegnskapRecogniser;
import no.kostra.schemas.SchemaDir;
import no.kostra.sosial.SosialForms;
import no.kostra.sosial.ingest.Pseudonymizer;
import no.kostra.sosial.ingest.SosialIngest;
import no.kostra.sosial.ingest.SosialRecogniser;
import no.kostra.warehouse.Warehouse;

/**
 * Stages 1-2 for every form of a folder: every file is first recognised by its name and content
 * ({@link SubmittedFiles}), then accounting files are ingested, then 11F/11CF (pseudonymised), then
 * skjema 7/12, each ingested and validated with its own stage. A file that no form recognises is
 * recorded by the accounting stage, rejected whole with nothing of its content kept (as the
 * reference rejects a file of the wrong form: record length, FATAL). What {@code bin/kostra ingest}
 * and the release run share.
 */
public final class IngestAll {

  private IngestAll() {}

  /** What the three ingests did: their descriptions, and whether every file's lines reconcile. */
  public record Result(String regnskap, String sosial, String csvForms, boolean reconciles,
      long filesIngested) {}

  /** The recognisers of every form, person-level forms first. */
  public static List<FileRecogniser> recognisers(SchemaDir schemas) {
    return List.of(new SosialRecogniser(SosialForms.load(schemas)),
        new RegnskapRecogniser(schemas), new CsvFormRecogniser(CsvForms.load(schemas)));
  }

  public static Result run(Warehouse warehouse, SchemaDir schemas, String dir,
      Supplier<Pseudonymizer> key, Consumer<String> progress) {
    long tr = System.nanoTime();
    SubmittedFiles files = SubmittedFiles.recognise(warehouse.spark(), dir, recognisers(schemas));
    Map<String, String> rejectWhole = files.rejectedWhole();
    progress.accept(String.format("recognised %d files: %d accounting, %d 11F/11CF, %d skjema 7/12, "
            + "%d by content rather than name, %d of no form (rejected whole)%s",
        files.files().size(), files.of(RegnskapRecogniser.STAGE).size(),
        files.of(SosialRecogniser.STAGE).size(), files.of(CsvFormRecogniser.STAGE).size(),
        files.byContent().size(), rejectWhole.size(), seconds(tr)));
    for (SubmittedFiles.Submitted s : files.byContent()) {
      progress.accept("  " + s.name() + ": " + (s.note() != null ? s.note()
          : "read as skjema " + s.declared().form()) + " " + s.declared().year() + " "
          + s.declared().region());
    }
    rejectWhole.forEach((name, why) -> progress.accept("  " + name + ": " + why));

    long t0 = System.nanoTime();
    Map<String, ?> regnskapFiles = files.of(RegnskapRecogniser.STAGE);
    var regnskap = RegnskapIngest.into(warehouse, schemas).from(dir)
        .only(SubmittedFiles.named(regnskapFiles).or(SubmittedFiles.named(rejectWhole)))
        .rejectWhole(rejectWhole)
        .progress(m -> progress.accept("ingest regnskap: " + m)).run();
    progress.accept("ingest regnskap: " + regnskap.describe().replace("\n", "\n        ")
        + seconds(t0));
    long t1 = System.nanoTime();
    var sosial = SosialIngest.into(warehouse, schemas, key).from(dir)
        .files(files.of(SosialRecogniser.STAGE))
        .progress(m -> progress.accept("ingest 11F/11CF: " + m)).run();
    progress.accept("ingest 11F/11CF: " + sosial.describe().replace("\n", "\n        ")
        + seconds(t1));
    long t2 = System.nanoTime();
    var csv = CsvFormIngest.into(warehouse, schemas).from(dir)
        .files(files.of(CsvFormRecogniser.STAGE))
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

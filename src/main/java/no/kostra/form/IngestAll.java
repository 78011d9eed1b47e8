package no.kostra.form;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import no.kostra.ingest.IngestFiles;
import no.kostra.ingest.IngestRun;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.ingest.SubmittedFiles;
import no.kostra.schemas.SchemaDir;
import no.kostra.warehouse.Warehouse;

/**
 * Stages 1-2 for every form of a folder: every file is first recognised by its name and content
 * ({@link SubmittedFiles}), then each registered form ({@link Forms}) ingests and validates its
 * files, in the registry's order. A file that no form recognises is recorded by the first form
 * (accounting), rejected whole with nothing of its content kept (as the reference rejects a file
 * of the wrong form: record length, FATAL). What {@code bin/kostra ingest} and the release run
 * share.
 */
public final class IngestAll {

  private IngestAll() {}

  /** What the forms' ingests did: their descriptions by form, whether every file reconciles. */
  public record Result(Map<String, String> byForm, boolean reconciles, long filesIngested) {}

  public static Result run(Warehouse warehouse, SchemaDir schemas, String dir,
      Supplier<Pseudonymizer> key, Consumer<String> progress) {
    long tr = System.nanoTime();
    SubmittedFiles files = SubmittedFiles.recognise(warehouse.spark(), dir,
        Forms.recognisers(schemas));
    Map<String, String> rejectWhole = files.rejectedWhole();
    StringBuilder counts = new StringBuilder();
    for (Form form : Forms.all()) {
      counts.append(files.of(form.stage()).size()).append(' ').append(form.label()).append(", ");
    }
    progress.accept(String.format("recognised %d files: %s%d by content rather than name, %d of "
            + "no form (rejected whole)%s", files.files().size(), counts, files.byContent().size(),
        rejectWhole.size(), seconds(tr)));
    for (SubmittedFiles.Submitted s : files.byContent()) {
      progress.accept("  " + s.name() + ": " + (s.note() != null ? s.note()
          : "read as skjema " + s.declared().form()) + " " + s.declared().year() + " "
          + s.declared().region());
    }
    rejectWhole.forEach((name, why) -> progress.accept("  " + name + ": " + why));
    if (!files.files().isEmpty()) {
      // once for all forms: rows of runs that died before their last commit
      no.kostra.ingest.UnfinishedRuns.remove(warehouse);
    }

    Map<String, String> byForm = new LinkedHashMap<>();
    boolean reconciles = true;
    long ingested = 0;
    for (Form form : Forms.all()) {
      long t0 = System.nanoTime();
      String prefix = "ingest " + form.label() + ": ";
      var ingest = form.ingest(warehouse, schemas, key).from(dir).files(files.of(form.stage()))
          .afterRecovery().progress(m -> progress.accept(prefix + m));
      if (form == Forms.all().get(0)) {
        ingest.rejectWhole(rejectWhole);
      }
      IngestRun.Result result = ingest.run();
      progress.accept(prefix + result.describe().replace("\n", "\n        ") + seconds(t0));
      byForm.put(form.stage(), result.describe());
      reconciles &= result.reconciles();
      ingested += result.filesIngested();
    }
    return new Result(byForm, reconciles, ingested);
  }

  private static String seconds(long start) {
    return String.format(" (%.1f s)", (System.nanoTime() - start) / 1e9);
  }
}

package no.kostra.precheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import no.kostra.form.Form;
import no.kostra.form.Forms;
import no.kostra.ingest.FileRecogniser;
import no.kostra.ingest.SubmittedFiles;
import no.kostra.schemas.SchemaDir;
import no.kostra.validate.ValidationReport;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bin/kostra validate FILE|DIR...}: many files checked in one process by the warm
 * {@link PreCheckService}. Each file's name, else its content, says its skjema, year and region,
 * as the pipeline recognises them ({@link SubmittedFiles}); one line per file, a report per file.
 */
public final class PreCheckFolder {

  private final PreCheckService service;
  private final List<FileRecogniser> recognisers;
  private final SchemaDir schemas;
  private final String format;
  private final Path out;

  private PreCheckFolder(PreCheckService service, SchemaDir schemas, String format, Path out) {
    this.service = service;
    this.schemas = schemas;
    this.recognisers = Forms.recognisers(schemas);
    this.format = format;
    this.out = out;
  }

  /** Reports go to {@code out} as json or html; one check at a time, without a time limit. */
  public static PreCheckFolder of(SparkSession spark, SchemaDir schemas, Warehouse crossCheck,
      String format, Path out) {
    return new PreCheckFolder(PreCheckService.on(spark, schemas, crossCheck, 1, Long.MAX_VALUE),
        schemas, format, out);
  }

  /** Checks every file (folders: their files, hidden ones excepted); the worst exit code. */
  public int check(List<Path> paths, Consumer<String> line) throws IOException {
    Files.createDirectories(out);
    int worst = 0;
    Set<String> written = new HashSet<>();
    try (service) {
      for (Path file : files(paths)) {
        worst = Math.max(worst, checkOne(file, written, line));
      }
    }
    return worst;
  }

  private int checkOne(Path file, Set<String> written, Consumer<String> line) throws IOException {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      line.accept(file + ": not checked: cannot read it (" + e.getMessage() + ")");
      return 2;
    }
    String name = file.getFileName().toString();
    var submitted = SubmittedFiles.recogniseOne(name, content, recognisers);
    if (submitted.declared() == null) {
      line.accept(file + ": not checked: " + submitted.note());
      return 2;
    }
    Form form = Forms.ofStage(submitted.declared().stage());
    Form.PreCheck declared = form.declared(name, content, submitted.declared(), null);
    if (declared == null) {
      line.accept(file + ": not checked: neither its name nor its records say which skjema, "
          + "year and region it is");
      return 2;
    }
    PreCheckService.Checked checked;
    try {
      checked = service.check(new PreCheckService.Request(name, content, declared.skjema(),
          declared.year(), declared.region(), declared.orgnr(), null));
    } catch (PreCheckService.Rejected e) {
      line.accept(file + ": not checked: " + String.join("; ", e.errors().values()));
      return 2;
    }
    ValidationReport report = checked.report().withEncoding(checked.encoding());
    String reportName = unique(name + "." + format, written);
    Files.writeString(out.resolve(reportName), format.equals("json") ? report.toJson()
        : report.toHtml(name), StandardCharsets.UTF_8);
    var s = report.validationSummary();
    line.accept(String.format("%s: %s %d %s%s%s: %s (%d fatal, %d errors, %d warnings, %d info; "
            + "%d ms) -> %s", file, s.skjema(), s.year(), s.region(),
        s.orgnr() == null ? "" : " " + s.orgnr(),
        "name".equals(submitted.by()) ? "" : " (by its content)", s.severity(), s.numFatal(),
        s.numErrors(), s.numWarnings(), s.numInfo(), checked.millis(), out.resolve(reportName)));
    return s.severity().exitCode();
  }

  /** Two files of one name (from two folders) get two reports. */
  private static String unique(String name, Set<String> written) {
    String candidate = name;
    for (int i = 2; !written.add(candidate); i++) {
      candidate = name + "." + i;
    }
    return candidate;
  }

  private static List<Path> files(List<Path> paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> list = Files.list(p)) {
          list.filter(Files::isRegularFile)
              .filter(f -> !f.getFileName().toString().startsWith("."))
              .filter(f -> !f.getFileName().toString().startsWith("_"))
              .sorted().forEach(files::add);
        }
      } else {
        files.add(p);
      }
    }
    return files;
  }
}

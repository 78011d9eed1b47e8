package no.kostra.sosial.form;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import no.kostra.form.Form;
import no.kostra.generate.Generation;
import no.kostra.ingest.FileRecogniser;
import no.kostra.ingest.FormIngest;
import no.kostra.ingest.IngestFiles;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.schemas.SchemaDir;
import no.kostra.sosial.SosialForms;
import no.kostra.sosial.generate.SosialGenerator;
import no.kostra.sosial.generate.SosialMistakes;
import no.kostra.sosial.ingest.SosialRecogniser;
import no.kostra.sosial.validate.SosialValidation;
import no.kostra.validate.FormChanges;
import no.kostra.validate.RuleSet;
import no.kostra.validate.ValidationReport;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.SparkSession;

/**
 * The person-level forms 11F (økonomisk sosialhjelp) and 11CF (kvalifiseringsstønad): fixed-width
 * layouts by reporting year, pseudonymised at ingest.
 */
public final class SosialForm implements Form {

  static final String RULES = "rules/sosial/rules.yaml";

  @Override
  public String stage() {
    return SosialRecogniser.STAGE;
  }

  @Override
  public String label() {
    return "11F/11CF";
  }

  @Override
  public List<String> skjemas(SchemaDir schemas) {
    return SosialForms.FORMS;
  }

  @Override
  public FileRecogniser recogniser(SchemaDir schemas) {
    return new SosialRecogniser(SosialForms.load(schemas));
  }

  @Override
  public FormIngest<?> ingest(Warehouse warehouse, SchemaDir schemas,
      Supplier<Pseudonymizer> key) {
    return SosialIngest.into(warehouse, schemas, key);
  }

  @Override
  public String generate(Generation g) {
    long t0 = System.nanoTime();
    var result = SosialGenerator.forYear(g.year(), SchemaDir.locate()).seed(g.seed())
        .faults(g.ruleFaults()).only(g.only()).writeTo(g.out());
    String planted = g.plantErrors() ? "; planted errors: " + SosialMistakes.plant(g.out(),
        g.year(), g.seed(), SchemaDir.locate()).stream().map(p -> p.kind() + " " + p.region())
        .toList() : "";
    return String.format("generate: %d 11F/11CF files, %d 11F and %d 11CF records in %s "
            + "(%.1f s); %d injected faults (see _manifest_sosial.csv)", result.files(),
        result.records11F(), result.records11CF(), result.dir(), (System.nanoTime() - t0) / 1e9,
        result.faults().size())
        + (result.notInjected().isEmpty() ? "" : "; " + String.join("; ", result.notInjected()))
        + planted;
  }

  /** Always with a one-off key (never the production key); a 4-digit region is a municipality. */
  @Override
  public ValidationReport preCheck(SparkSession spark, SchemaDir schemas, PreCheck request) {
    String region = IngestFiles.sixDigitRegion(request.region());
    return SosialValidation.load(spark, schemas).checkFile(request.fileName(),
        request.content(), request.skjema(),
        request.year(), region, request.somethingToReport());
  }

  @Override
  public List<PreCheckType> preCheckTypes(SchemaDir schemas) {
    SosialForms forms = SosialForms.load(schemas);
    return SosialForms.FORMS.stream().map(f -> new PreCheckType(f, f + ". " + forms.title(f),
        null, null)).toList();
  }

  @Override
  public List<Integer> preCheckYears(SchemaDir schemas) {
    SosialForms forms = SosialForms.load(schemas);
    return SosialForms.FORMS.stream().flatMap(f -> forms.years(f).stream()).distinct().sorted()
        .toList();
  }

  @Override
  public List<String> changes(SchemaDir schemas, String skjema, int from, int to) {
    SosialForms forms = SosialForms.load(schemas);
    List<String> out = new ArrayList<>();
    FormChanges.layout(out, forms.layout(skjema, from), forms.layout(skjema, to));
    FormChanges.rules(out, RuleSet.load(schemas, RULES).forValidator(skjema), from, to);
    return out;
  }
}

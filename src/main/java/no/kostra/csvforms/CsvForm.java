package no.kostra.csvforms;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import no.kostra.form.Form;
import no.kostra.generate.Generation;
import no.kostra.ingest.FileRecogniser;
import no.kostra.ingest.FormIngest;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.schemas.SchemaDir;
import no.kostra.validate.FormChanges;
import no.kostra.validate.RuleSet;
import no.kostra.validate.ValidationReport;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Staffing (skjema 7) and benefit rates (skjema 12), the CSV forms. */
public final class CsvForm implements Form {

  static final String RULES = "rules/csvforms/rules.yaml";

  @Override
  public String stage() {
    return CsvFormRecogniser.STAGE;
  }

  @Override
  public String label() {
    return "skjema 7/12";
  }

  @Override
  public List<String> skjemas(SchemaDir schemas) {
    return CsvForms.FORMS;
  }

  @Override
  public FileRecogniser recogniser(SchemaDir schemas) {
    return new CsvFormRecogniser(CsvForms.load(schemas));
  }

  @Override
  public FormIngest<?> ingest(Warehouse warehouse, SchemaDir schemas,
      Supplier<Pseudonymizer> key) {
    return CsvFormIngest.into(warehouse, schemas);
  }

  /** FTEs agree with the accounting written in the same generation (else the profile's averages). */
  @Override
  public String generate(Generation g) {
    long t0 = System.nanoTime();
    var result = CsvFormGenerator.forYear(g.year(), SchemaDir.locate()).seed(g.seed())
        .faults(g.ruleFaults()).only(g.only()).wageCosts(g.shared().wageCosts()).writeTo(g.out());
    return String.format("generate: %d skjema 7/12 files, %d lines in %s (%.1f s); %d "
            + "injected faults and missing forms (see _manifest_csvforms.csv)", result.files(),
        result.lines(), result.dir(), (System.nanoTime() - t0) / 1e9, result.faults().size());
  }

  /** Cross-checked against the accounting and last year where a warehouse is given. */
  @Override
  public ValidationReport preCheck(SparkSession spark, SchemaDir schemas, PreCheck request) {
    return CsvFormValidation.load(spark, schemas).checkFile(request.fileName(), request.content(),
        request.skjema(),
        request.year(), request.region(), request.warehouse());
  }

  @Override
  public List<PreCheckType> preCheckTypes(SchemaDir schemas) {
    CsvForms forms = CsvForms.load(schemas);
    int year = preCheckYears(schemas).get(preCheckYears(schemas).size() - 1);
    return CsvForms.FORMS.stream().map(f -> new PreCheckType(f, "Skjema " + f + ". "
        + forms.form(f).version(year).nameNo(), null, null)).toList();
  }

  /** The years of the other forms' rules (2022 on): the posts have versions back to 2005. */
  @Override
  public List<Integer> preCheckYears(SchemaDir schemas) {
    return List.copyOf(no.kostra.regnskap.validate.RegnskapCodeLists.load(schemas).byYear()
        .keySet());
  }

  @Override
  public List<String> changes(SchemaDir schemas, String skjema, int from, int to) {
    List<String> out = new ArrayList<>();
    posts(out, CsvForms.load(schemas).form(skjema), from, to);
    FormChanges.rules(out, RuleSet.load(schemas, RULES).forValidator(skjema), from, to);
    return out;
  }

  /** Skjema 12's rates are read with the national guideline rate of each post beside them. */
  @Override
  public Dataset<Row> asKeyFigureSource(Warehouse warehouse, SchemaDir schemas, String table,
      Dataset<Row> rows, Collection<Integer> years) {
    if (!CsvForms.BENEFIT_RATES.equals(table)) {
      return rows;
    }
    Dataset<Row> guideline = GuidelineRates.byPost(warehouse.spark(), schemas,
        CsvForms.load(schemas), years);
    return rows.join(org.apache.spark.sql.functions.broadcast(guideline),
            rows.col("aargang").equalTo(guideline.col("g_year"))
                .and(rows.col("post").equalTo(guideline.col("g_post"))), "left")
        .withColumn("veiledende", guideline.col("guideline"));
  }

  private static void posts(List<String> out, CsvForms.Form form, int from, int to) {
    out.add("");
    out.add("Poster og funksjoner:");
    int before = out.size();
    CsvForms.Version a = form.version(from);
    CsvForms.Version b = form.version(to);
    if (!Objects.equals(a.nameNo(), b.nameNo())) {
      out.add("  ~ skjemanavn \"" + a.nameNo() + "\" -> \"" + b.nameNo() + "\"");
    }
    for (CsvForms.Post p : b.posts()) {
      CsvForms.Post o = a.posts().stream().filter(x -> x.post().equals(p.post())).findFirst()
          .orElse(null);
      if (o == null) {
        out.add("  + post " + p.post() + " " + p.nameNo());
      } else if (!Objects.equals(o.nameNo(), p.nameNo()) || !Objects.equals(o.unit(), p.unit())) {
        out.add("  ~ post " + p.post() + " \"" + o.nameNo() + "\" -> \"" + p.nameNo() + "\"");
      }
    }
    a.posts().stream().filter(o -> b.posts().stream().noneMatch(p -> p.post().equals(o.post())))
        .forEach(o -> out.add("  - post " + o.post() + " " + o.nameNo()));
    FormChanges.listDiff(out, "funksjon", a.functions(), b.functions());
    if (out.size() == before) {
      out.add("  uendret");
    }
  }
}

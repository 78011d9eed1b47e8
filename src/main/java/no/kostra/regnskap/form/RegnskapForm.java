package no.kostra.regnskap.form;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import no.kostra.form.Form;
import no.kostra.generate.Generation;
import no.kostra.ingest.FileRecogniser;
import no.kostra.regnskap.generate.RegnskapGenerator;
import no.kostra.regnskap.generate.RegnskapMistakes;
import no.kostra.ingest.FormIngest;
import no.kostra.ingest.Pseudonymizer;
import no.kostra.reference.FunctionChart;
import no.kostra.regnskap.RegnskapForms;
import no.kostra.regnskap.ingest.RegnskapRecogniser;
import no.kostra.regnskap.ingest.SubmissionKey;
import no.kostra.regnskap.validate.RegnskapCodeLists;
import no.kostra.regnskap.validate.RegnskapValidation;
import no.kostra.schemas.SchemaDir;
import no.kostra.validate.FormChanges;
import no.kostra.validate.RuleSet;
import no.kostra.validate.ValidationReport;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.SparkSession;

/** The accounting forms (0A-0Y and the quarterly 0AK1-0DK4) in the 48-character KOSTRA format. */
public final class RegnskapForm implements Form {

  static final String RULES = "rules/regnskap/rules.yaml";

  @Override
  public String stage() {
    return RegnskapRecogniser.STAGE;
  }

  @Override
  public String label() {
    return "accounting";
  }

  @Override
  public List<String> skjemas(SchemaDir schemas) {
    return List.copyOf(new TreeSet<>(RegnskapForms.load(schemas).skjema().keySet()));
  }

  @Override
  public boolean handles(SchemaDir schemas, String skjema) {
    return skjema.matches("0[A-Z](K[1-4])?");
  }

  @Override
  public FileRecogniser recogniser(SchemaDir schemas) {
    return new RegnskapRecogniser(schemas);
  }

  @Override
  public FormIngest<?> ingest(Warehouse warehouse, SchemaDir schemas,
      Supplier<Pseudonymizer> key) {
    return RegnskapIngest.into(warehouse, schemas);
  }

  /** Every accounting form of every municipality and county authority (see generate --help). */
  @Override
  public String generate(Generation g) {
    long t0 = System.nanoTime();
    var result = RegnskapGenerator.forYear(g.year(), SchemaDir.locate()).seed(g.seed())
        .scale(g.scale()).faults(g.faults()).only(g.only()).writeTo(g.out());
    g.shared().wageCosts(result.wageCosts());
    String planted = g.plantErrors() ? "; planted errors: " + RegnskapMistakes.plant(g.out(),
        g.year(), g.seed(), SchemaDir.locate()).stream().map(p -> p.kind() + " " + p.region())
        .toList() : "";
    return String.format("generate: %d accounting files, %d records in %s (%.1f s)%s%s",
        result.files(), result.records(), result.dir(), (System.nanoTime() - t0) / 1e9,
        result.faultLines().isEmpty() ? ""
            : "; injected faults: " + String.join(", ", result.faultLines()), planted);
  }

  /** A quarterly form's quarter is in its code (0AK1) unless given. */
  @Override
  public ValidationReport preCheck(SparkSession spark, SchemaDir schemas, PreCheck request) {
    String skjema = request.skjema();
    String quarter = request.quarter() != null ? request.quarter()
        : skjema.length() == 4 ? skjema.substring(3) : null;
    return RegnskapValidation.load(spark, schemas).rulesYear(request.rulesYear())
        .checkFile(request.fileName(), request.content(), new SubmissionKey(skjema, request.year(), quarter,
            request.region(), request.orgnr()));
  }

  /** Every skjema the reference program checks; the health trusts' 0X/0Y it does not accept. */
  @Override
  public List<PreCheckType> preCheckTypes(SchemaDir schemas) {
    List<PreCheckType> types = new ArrayList<>();
    for (var e : new java.util.TreeMap<>(RegnskapForms.load(schemas).skjema()).entrySet()) {
      RegnskapForms.Skjema s = e.getValue();
      if ("resultat".equals(s.kind()) || e.getKey().equals("0X") || e.getKey().equals("0Y")) {
        continue;
      }
      String orgnr = "orgnr".equals(s.reporter()) ? "Organisasjonsnummer" : null;
      types.add(new PreCheckType(e.getKey(), e.getKey() + ". " + s.name(), null, orgnr));
      if (e.getKey().matches("0[A-D]")) {
        for (int q = 1; q <= 4; q++) {
          types.add(new PreCheckType(e.getKey() + "K" + q, e.getKey() + "K" + q + ". " + s.name()
              + ", " + q + ". kvartal", Integer.toString(q), null));
        }
      }
    }
    return types;
  }

  @Override
  public List<Integer> preCheckYears(SchemaDir schemas) {
    return List.copyOf(RegnskapCodeLists.load(schemas).byYear().keySet());
  }

  /** The file's name (0A_2025_030100.dat), else its first record, says which submission it is. */
  @Override
  public PreCheck declared(String fileName, byte[] content, FileRecogniser.Declared recognised,
      Warehouse warehouse) {
    SubmissionKey key = SubmissionKey.fromFileName(fileName);
    if (key == null) {
      var parsed = new no.kostra.regnskap.ingest.RegnskapLineParser(
          RegnskapForms.layout(SchemaDir.locate()), RegnskapForms.load(SchemaDir.locate()))
          .parse(fileName, content, "precheck", new java.sql.Timestamp(0));
      org.apache.spark.sql.Row s = parsed.summary();
      key = new SubmissionKey(s.getAs("skjema"), s.getAs("aargang"), s.getAs("kvartal"),
          s.getAs("region"), s.getAs("orgnr"));
    }
    if (key.skjema() == null || key.aargang() == null || key.region() == null) {
      return null;
    }
    return new PreCheck(fileName, content, key.skjema(), key.aargang(), key.kvartal(),
        key.region(), key.orgnr(), null, null, warehouse);
  }

  /** The layout is the same every year; the function chart, the art lists and the rules change. */
  @Override
  public List<String> changes(SchemaDir schemas, String skjema, int from, int to) {
    List<String> out = new ArrayList<>();
    out.add("");
    out.add("Filbeskrivelse: uendret (48 tegn per linje, samme felt alle år).");
    FunctionChart chart = FunctionChart.load(schemas);
    out.add("");
    out.add("Funksjoner (funksjonskontoplanen):");
    chart.describe(chart.diff(from, to)).lines().forEach(l -> out.add("  " + l));
    codeLists(out, RegnskapCodeLists.load(schemas), from, to);
    String validator = skjema.length() == 4 ? "quarterly"
        : skjema.equals("0F") || skjema.equals("0G") ? "church" : "annual";
    FormChanges.rules(out, RuleSet.load(schemas, RULES).forValidator(validator), from, to);
    return out;
  }

  private static void codeLists(List<String> out, RegnskapCodeLists lists, int from, int to) {
    Map<String, List<String>> a = lists.byYear().get(from);
    Map<String, List<String>> b = lists.byYear().get(to);
    out.add("");
    if (a == null || b == null) {
      out.add("Artslister: ingen kodelister for " + (a == null ? from : to));
      return;
    }
    out.add("Arter, kapitler og sektorer:");
    int before = out.size();
    for (String list : new TreeSet<>(b.keySet())) {
      if (list.startsWith("arter.") || list.startsWith("kapitler.")
          || list.startsWith("sektorer.")) {
        FormChanges.listDiff(out, list, a.getOrDefault(list, List.of()), b.get(list));
      }
    }
    if (out.size() == before) {
      out.add("  uendret");
    }
  }
}

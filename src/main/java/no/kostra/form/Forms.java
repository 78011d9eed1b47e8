package no.kostra.form;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import no.kostra.ingest.FileRecogniser;
import no.kostra.schemas.SchemaDir;

/**
 * The registry of the forms: every {@link Form} listed in
 * {@code META-INF/services/no.kostra.form.Form}, in the order listed there, which is the order
 * they are ingested in and reported in (accounting first: skjema 7 is cross-checked against it).
 */
public final class Forms {

  private static final List<Form> ALL = load();

  private Forms() {}

  private static List<Form> load() {
    List<Form> forms = new ArrayList<>();
    ServiceLoader.load(Form.class, Forms.class.getClassLoader()).forEach(forms::add);
    if (forms.isEmpty()) {
      throw new IllegalStateException("no forms registered (META-INF/services/"
          + Form.class.getName() + " missing from the classpath)");
    }
    return List.copyOf(forms);
  }

  public static List<Form> all() {
    return ALL;
  }

  /** The form whose files a recogniser's stage names ({@link Form#stage()}). */
  public static Form ofStage(String stage) {
    return ALL.stream().filter(f -> f.stage().equals(stage)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no form of stage " + stage));
  }

  /** The form a skjema code belongs to. */
  public static Form of(SchemaDir schemas, String skjema) {
    return ALL.stream().filter(f -> f.handles(schemas, skjema)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown skjema " + skjema + ": "
            + String.join(", ", ALL.stream().map(f -> f.label() + " ("
                + String.join(", ", f.skjemas(schemas)) + ")").toList())));
  }

  /**
   * The recognisers of every form, person-level forms first: a tie in content goes to a form
   * holding personal data, so a person-level record is never handled as anything else.
   */
  public static List<FileRecogniser> recognisers(SchemaDir schemas) {
    List<FileRecogniser> all = new ArrayList<>(ALL.stream().map(f -> f.recogniser(schemas))
        .toList());
    all.sort((a, b) -> Boolean.compare(b.personal(), a.personal()));
    return all;
  }

  /** Where a skjema stands in reports: by form, then as the form lists it (unknown: last). */
  public static int rank(SchemaDir schemas, String skjema) {
    for (int i = 0; i < ALL.size(); i++) {
      int at = ALL.get(i).skjemas(schemas).indexOf(skjema);
      if (at >= 0) {
        return i * 1000 + at;
      }
    }
    return ALL.size() * 1000;
  }

  /** The changes report of {@code bin/kostra changes}: a heading, then the form's sections. */
  public static List<String> changes(SchemaDir schemas, String skjema, int from, int to) {
    if (from >= to) {
      throw new IllegalArgumentException("--from must be before --to");
    }
    List<String> out = new ArrayList<>();
    out.add("Skjema " + skjema + ": endringer fra " + from + " til " + to);
    out.addAll(of(schemas, skjema).changes(schemas, skjema, from, to));
    return out;
  }
}

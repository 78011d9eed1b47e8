package no.kostra.regnskap;

import java.io.Serializable;
import java.util.Map;
import no.kostra.layout.FixedWidthLayout;
import no.kostra.schemas.SchemaDir;

/**
 * The accounting forms of {@code data-schemas/formats/regnskap-skjema.yaml}, with the record layout
 * they share ({@code formats/regnskap.yaml}).
 */
public record RegnskapForms(Map<String, Skjema> skjema, Map<String, Map<String, String>> scopes)
    implements Serializable {

  public static final String LAYOUT_FILE = "formats/regnskap.yaml";
  public static final String FORMS_FILE = "formats/regnskap-skjema.yaml";

  public RegnskapForms {
    skjema = Map.copyOf(skjema);
    scopes = Map.copyOf(scopes);
  }

  public static RegnskapForms load(SchemaDir schemas) {
    return schemas.readYaml(FORMS_FILE, RegnskapForms.class);
  }

  public static FixedWidthLayout layout(SchemaDir schemas) {
    return schemas.readSsbYaml(LAYOUT_FILE, FixedWidthLayout.class);
  }

  /** drift / investering / balanse / resultat, or null if the kontoklasse does not belong to it. */
  public String kontotype(String skjemaCode, String kontoklasse) {
    Skjema s = skjema.get(skjemaCode);
    return s == null ? null : s.kontoklasser().get(kontoklasse);
  }

  /** The skjema a scope (konsern/kasse) reads for a reporter type (kommune/fylke). */
  public String scopeSkjema(String scope, String reporter) {
    Map<String, String> byReporter = scopes.get(scope);
    if (byReporter == null || !byReporter.containsKey(reporter)) {
      throw new IllegalArgumentException("no accounting scope " + scope + " for " + reporter
          + " in " + FORMS_FILE);
    }
    return byReporter.get(reporter);
  }

  public record Skjema(String name, String reporter, String kind, Map<String, String> kontoklasser)
      implements Serializable {
    public Skjema {
      kontoklasser = Map.copyOf(kontoklasser);
    }
  }
}

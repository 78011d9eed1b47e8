package no.kostra.edit;

import java.util.Locale;
import java.util.Map;
import no.kostra.edit.HidiroglouBerthelot.Parameters;
import no.kostra.schemas.SchemaDir;

/** {@code data-schemas/editing/outliers.yaml}: the method's parameters, per variable where set. */
public record OutlierSettings(Values defaults, Map<String, Values> variables) {

  public static final String FILE = "editing/outliers.yaml";

  /** Any of the settings; null = the default's. */
  public record Values(Double u, Double a, Double c, String strata, Integer minUnits,
      Double candidateScore) {}

  /** The settings one variable is scored with. */
  public record Effective(Parameters parameters, String strata, int minUnits,
      double candidateScore) {

    public String describe() {
      return String.format(Locale.ROOT, "HB u=%s a=%s c=%s strata=%s min_units=%d candidate>=%s",
          num(parameters.u()), num(parameters.a()), num(parameters.c()), strata, minUnits,
          num(candidateScore));
    }

    private static String num(double v) {
      return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
  }

  public static OutlierSettings load(SchemaDir schemas) {
    OutlierSettings s = schemas.readYaml(FILE, OutlierSettings.class);
    Values d = s.defaults();
    if (d == null || d.u() == null || d.a() == null || d.c() == null || d.strata() == null
        || d.minUnits() == null || d.candidateScore() == null) {
      throw new IllegalArgumentException(FILE + ": defaults must set u, a, c, strata, min_units "
          + "and candidate_score");
    }
    if (!d.strata().equals("kostra_group") && !d.strata().equals("none")) {
      throw new IllegalArgumentException(FILE + ": strata is kostra_group or none, not "
          + d.strata());
    }
    return s;
  }

  public Effective forVariable(String id) {
    Values v = variables == null ? null : variables.get(id);
    Values d = defaults;
    return new Effective(new Parameters(pick(v == null ? null : v.u(), d.u()),
        pick(v == null ? null : v.a(), d.a()), pick(v == null ? null : v.c(), d.c())),
        v != null && v.strata() != null ? v.strata() : d.strata(),
        v != null && v.minUnits() != null ? v.minUnits() : d.minUnits(),
        pick(v == null ? null : v.candidateScore(), d.candidateScore()));
  }

  private static double pick(Double own, Double fallback) {
    return own != null ? own : fallback;
  }
}

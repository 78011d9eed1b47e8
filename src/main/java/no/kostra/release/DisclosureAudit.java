package no.kostra.release;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.kostra.keyfigures.KeyFigureDefinitions;
import no.kostra.keyfigures.KeyFigureDefinitions.Indicator;
import no.kostra.keyfigures.KeyFigureDefinitions.Variable;
import no.kostra.keyfigures.LinearForms;
import no.kostra.schemas.SchemaDir;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;

/**
 * The disclosure audit of a published release (publishing.md §2.7, level 1), from what was
 * published alone: for every protected family of variables and data year, the published cells'
 * linear forms over the units (the same relations the suppression used) must not span any
 * withheld cell — no {@code :} can be computed from published values and the table's sums across
 * municipalities, EKA, EKG, EAK, EAKUO, ASSS and both borders. Also the consistency rules: no
 * withheld cell carries a value, numerator or denominator; no published count of persons is at or
 * below the release's threshold; no published ratio rests on a withheld base variable of the same
 * cell.
 *
 * <p>{@code bin/kostra audit [--release ID | --year Y]}; the publish stage runs the rank test
 * itself before anything is written, this reruns it on the tables as they are. With
 * {@code --year}, over the union of every release of the year ({@link #ofYear}).
 */
public final class DisclosureAudit {

  private DisclosureAudit() {}

  /** What the audit found: passed when nothing is derivable and nothing is inconsistent. */
  public record Report(String releaseId, int problems, int cells, int withheld,
      List<String> derivable, List<String> inconsistent, List<String> exposed,
      List<String> narrow) {
    /** Level 1 (nothing derivable), level 2 (no count pinned) and consistency all hold. */
    public boolean passed() {
      return derivable.isEmpty() && inconsistent.isEmpty() && narrow.isEmpty();
    }
  }

  /** Audits a release of the warehouse ({@code null}: the newest). */
  public static Report of(Warehouse warehouse, SchemaDir schemas, String releaseId) {
    if (!warehouse.exists(Publication.RELEASES)) {
      throw new IllegalArgumentException("no release has been published in " + warehouse.root());
    }
    String id = releaseId;
    if (id == null) {
      id = warehouse.read(Publication.RELEASES).orderBy(col("created_at").desc(),
          col("release_id").desc()).first().getAs("release_id");
    } else if (warehouse.read(Publication.RELEASES).where(col("release_id").equalTo(id))
        .isEmpty()) {
      throw new IllegalArgumentException("no release " + id + " in " + warehouse.root());
    }
    List<Row> rows = warehouse.read(Publication.PUBLISHED).where(col("release_id").equalTo(id))
        .drop("release_id").collectAsList();
    return check(id, schemas, KeyFigureDefinitions.load(schemas), rows,
        threshold(Publication.folder(warehouse).resolve(id)));
  }

  /** The release's threshold, as its manifest recorded it. */
  private static int threshold(Path releaseDir) {
    try {
      JsonNode manifest = new ObjectMapper().readTree(
          Files.readAllBytes(releaseDir.resolve("manifest.json")));
      return manifest.get("suppression").get("threshold").asInt();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the manifest of " + releaseDir, e);
    }
  }

  /**
   * Audits the union of every release that published the year: the newest release's cells
   * against everything the releases before it published (publishing.md §2.6: no combination of
   * releases may give a withheld cell). Cells that the earlier releases alone already give are
   * reported apart ({@code exposed}): nothing a later release withholds can protect them.
   */
  public static Report ofYear(Warehouse warehouse, SchemaDir schemas, int year) {
    if (!warehouse.exists(Publication.RELEASES)) {
      throw new IllegalArgumentException("no release has been published in " + warehouse.root());
    }
    List<String> ids = new ArrayList<>();
    for (Row r : warehouse.read(Publication.RELEASES).orderBy(col("created_at"),
        col("release_id")).collectAsList()) {
      if (r.<Integer>getList(r.fieldIndex("years")).contains(year)) {
        ids.add(r.getAs("release_id"));
      }
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("no release published " + year);
    }
    String newest = ids.get(ids.size() - 1);
    List<Row> rows = warehouse.read(Publication.PUBLISHED).where(col("release_id").isin(
        ids.toArray()).and(col("year").equalTo(year))).collectAsList();
    List<Row> current = new ArrayList<>();
    List<Row> earlier = new ArrayList<>();
    for (Row r : rows) {
      (newest.equals(r.getAs("release_id")) ? current : earlier).add(r);
    }
    return check(String.join(" + ", ids), schemas, KeyFigureDefinitions.load(schemas), current,
        threshold(Publication.folder(warehouse).resolve(newest)),
        Publication.Earlier.of(earlier));
  }

  /** The audit over published rows (as {@code published_key_figures} holds them). */
  static Report check(String releaseId, SchemaDir schemas, KeyFigureDefinitions defs,
      List<Row> published, int threshold) {
    return check(releaseId, schemas, defs, published, threshold, Publication.Earlier.NONE);
  }

  /** The audit of a release together with what the earlier releases of its years published. */
  static Report check(String releaseId, SchemaDir schemas, KeyFigureDefinitions defs,
      List<Row> published, int threshold, Publication.Earlier earlier) {
    List<String> inconsistent = new ArrayList<>();
    Set<String> withheldBase = new HashSet<>(); // cell#variable
    int withheld = 0;
    for (Row r : published) {
      if (!Publication.SUPPRESSED.equals(r.getAs("status"))) {
        continue;
      }
      withheld++;
      if (r.getAs("value") != null || r.getAs("numerator") != null
          || r.getAs("denominator") != null) {
        inconsistent.add(key(r) + ": withheld but carries a value");
      }
      if (r.<Integer>getAs("level") == 3) {
        withheldBase.add(Publication.cell(r) + "#" + r.getAs("indicator"));
      }
    }
    Map<String, Indicator> indicators = new HashMap<>();
    defs.indicators().forEach(i -> indicators.put(i.id(), i));
    // every row that is not ':' itself, whatever its status: a '.' (÷ 0) or '..' on a withheld
    // count says something about it
    for (Row r : published) {
      String status = r.getAs("status");
      if (Publication.SUPPRESSED.equals(status)) {
        continue;
      }
      String id = r.getAs("indicator");
      Variable v = r.<Integer>getAs("level") == 3 ? defs.variable(id) : null;
      if (status == null && v != null && v.protectedCount()
          && Publication.atMost(r.getAs("value"), threshold)) {
        inconsistent.add(key(r) + ": a count of persons at most " + threshold + " is published");
      }
      Indicator ind = indicators.get(id);
      if (ind != null && ind.variables().stream()
          .anyMatch(b -> withheldBase.contains(Publication.cell(r) + "#" + b))) {
        inconsistent.add(key(r) + ": published" + (status == null ? "" : " as '" + status + "'")
            + ", but rests on a withheld base variable");
      }
    }

    LinearForms forms = LinearForms.load(schemas, defs);
    Map<Integer, Map<String, Row>> byYear = Publication.levelThree(published,
        r -> r.getAs("status") == null || Publication.SUPPRESSED.equals(r.getAs("status")));
    List<String> derivable = new ArrayList<>();
    List<String> exposed = new ArrayList<>();
    List<String> narrow = new ArrayList<>();
    int problems = 0;
    int cells = 0;
    for (Publication.Family f : Publication.protectedFamilies(defs)) {
      // a family within a total (publishing.md §2.6): the total with the rest as a part
      List<Variable> family = f.variables();
      for (Map.Entry<Integer, Map<String, Row>> e : byYear.entrySet()) {
        Map<String, Integer> inner = new java.util.TreeMap<>();
        List<GaussSuppression.Cell> problem = new ArrayList<>(Publication.problem(forms, family,
            e.getKey(), e.getValue(), (v, r) -> Publication.SUPPRESSED.equals(r.getAs("status")),
            inner, "", unit -> unit, false));
        Map<String, GaussSuppression.Cell> current = new HashMap<>();
        problem.forEach(c -> current.put(c.key(), c));
        problem.addAll(earlier.cells(forms, family, e.getKey(), e.getValue(), inner, current));
        Map<String, CellStatus> status = new HashMap<>();
        problem.forEach(c -> status.put(c.key(), c.primary() ? CellStatus.PRIMARY
            : c.fixed() ? CellStatus.PUBLISHED_BEFORE : CellStatus.PUBLISHED));
        // what the earlier releases alone give is reported apart: no later release can undo it
        Map<String, CellStatus> earlierOnly = Publication.earlierOnly(status);
        java.util.Set<String> before = earlier.byRelease().isEmpty() ? java.util.Set.of()
            : new HashSet<>(GaussSuppression.disclosed(problem, earlierOnly));
        for (String k : GaussSuppression.disclosed(problem, status)) {
          (before.contains(k) ? exposed : derivable).add(e.getKey() + "|" + k);
        }
        // level 2: the interval of every withheld count and every part, given non-negativity
        if (f.counts()) {
          List<GaussSuppression.Cell> parts = Publication.allParts(family, problem, inner);
          parts.forEach(p -> status.put(p.key(), CellStatus.PART));
          problem.addAll(parts);
          Map<Integer, String> units = Publication.unitsOfInner(inner);
          List<IntervalAudit.Bounds> pinned = IntervalAudit.check(problem, status, units,
              threshold).stream().filter(b -> b.failure() != null).toList();
          java.util.Set<String> pinnedBefore = new HashSet<>();
          if (!pinned.isEmpty() && !earlier.byRelease().isEmpty()) {
            parts.forEach(p -> earlierOnly.put(p.key(), CellStatus.PART));
            IntervalAudit.check(problem, earlierOnly, units, threshold).stream()
                .filter(b -> b.failure() != null).forEach(b -> pinnedBefore.add(b.key()));
          }
          for (IntervalAudit.Bounds b : pinned) {
            String k = e.getKey() + "|" + b.key() + " " + b.failure();
            (before.contains(b.key()) || pinnedBefore.contains(b.key()) ? exposed : narrow)
                .add(k);
          }
        }
        problems++;
        cells += problem.size();
      }
    }
    // a family's total is in its own family's problem and in those of the families within it
    return new Report(releaseId, problems, cells, withheld, distinct(derivable),
        List.copyOf(inconsistent), distinct(exposed), distinct(narrow));
  }

  private static List<String> distinct(List<String> findings) {
    return List.copyOf(new java.util.LinkedHashSet<>(findings));
  }

  private static String key(Row r) {
    return r.getAs("year") + "/" + r.getAs("structure_year") + " " + r.getAs("region") + " "
        + r.getAs("indicator");
  }
}

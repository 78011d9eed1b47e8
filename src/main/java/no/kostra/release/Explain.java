package no.kostra.release;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import no.kostra.keyfigures.KeyFigureDefinitions;
import no.kostra.keyfigures.KeyFigureDefinitions.Indicator;
import no.kostra.keyfigures.KeyFigureDefinitions.Variable;
import no.kostra.keyfigures.Provenance;
import no.kostra.schemas.SchemaDir;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;

/**
 * "Why is our key figure X?" for one published cell (editing, issue 21): the value and status as
 * the release published them and why (withheld, missing, ÷ 0, estimated, partial); the numerator
 * and denominator and what makes them — an aggregate's members (reported, estimated with the
 * coefficient, withheld), a region's accounting sums by function × art and the submissions they
 * come from (file, SHA-256, received, status, ingest id); the definitions (their YAML entries and
 * version hash), the rule set, the code version and the input tables' Delta versions.
 *
 * <p>By default it shows what the release published and nothing more: members' values as
 * published (withheld ones as {@code :}), estimates and coefficients rounded as the published
 * numerators are, and a withheld cell says only that it is withheld. The remainder line ("withheld
 * members and rounding") makes the shown parts add up exactly to the published numerator. A
 * statistician with warehouse access asks for {@link #unpublished}: the warehouse's exact values,
 * every member, and for a withheld cell whether it is a primary cell.
 */
public final class Explain {

  private final Warehouse warehouse;
  private final SchemaDir schemas;
  private int year;
  private String region;
  private String indicator;
  private String releaseId;
  private Integer structureYear;
  private boolean unpublished;

  private Explain(Warehouse warehouse, SchemaDir schemas) {
    this.warehouse = warehouse;
    this.schemas = schemas;
  }

  public static Explain cell(Warehouse warehouse, SchemaDir schemas) {
    return new Explain(warehouse, schemas);
  }

  public Explain of(int year, String region, String indicator) {
    this.year = year;
    this.region = region;
    this.indicator = indicator;
    return this;
  }

  /** The release (default: the newest that published the year). */
  public Explain release(String id) {
    this.releaseId = id;
    return this;
  }

  /** The borders (default: the newest the release published the year on: today's). */
  public Explain structureYear(Integer year) {
    this.structureYear = year;
    return this;
  }

  /** What a statistician with warehouse access sees: exact, unpublished values. */
  public Explain unpublished(boolean on) {
    this.unpublished = on;
    return this;
  }

  /** The explanation as an ordered tree of maps and lists (JSON as it is; text rendered). */
  public Map<String, Object> run() {
    String id = releaseId != null ? releaseId : no.kostra.warehouse.Releases
        .newestOf(warehouse, year).orElseThrow(() -> new IllegalArgumentException(
            "no release of " + year + " in " + warehouse.root() + ": run one first "
                + "(bin/kostra release --job jobs/<id>.yaml)"));
    Row release = warehouse.read(Tables.RELEASES).where(col("release_id").equalTo(id))
        .collectAsList().stream().findFirst().orElseThrow(() -> new IllegalArgumentException(
            "no release " + id + " in " + warehouse.root()));
    List<Row> published = warehouse.read(Tables.PUBLISHED_KEY_FIGURES)
        .where(col("release_id").equalTo(id).and(col("year").equalTo(year))
            .and(col("region").equalTo(region)))
        .collectAsList();
    int borders = structureYear != null ? structureYear : published.stream()
        .mapToInt(r -> r.<Integer>getAs("structure_year")).max()
        .orElseThrow(() -> new IllegalArgumentException("release " + id + " published nothing "
            + "for region " + region + " in " + year));
    Row cell = published.stream().filter(r -> r.<Integer>getAs("structure_year") == borders
            && r.getAs("indicator").equals(indicator)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("release " + id + " has no cell "
            + indicator + " for region " + region + " in " + year + " on the borders of "
            + borders + " (see `bin/kostra catalogue` for the indicators)"));
    KeyFigureDefinitions defs = KeyFigureDefinitions.load(schemas);
    Map<String, Row> sameRegion = new HashMap<>();
    published.stream().filter(r -> r.<Integer>getAs("structure_year") == borders)
        .forEach(r -> sameRegion.put(r.getAs("indicator"), r));

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("mode", unpublished ? "warehouse (unpublished values: not for publication)"
        : "published");
    out.put("release", releaseInfo(release));
    out.put("cell", cellInfo(cell));
    Indicator ind = defs.indicators().stream().filter(i -> i.id().equals(indicator)).findFirst()
        .orElse(null);
    String numeratorVariable = ind == null ? indicator : ind.numerator();
    String denominatorVariable = ind == null ? null : ind.denominator();
    boolean withheld = Publication.SUPPRESSED.equals(cell.getAs("status"));
    out.put("why", why(cell, defs, numeratorVariable, denominatorVariable, sameRegion, withheld));
    out.put("definition", definition(defs, ind, numeratorVariable, denominatorVariable));
    if (withheld && !unpublished) {
      out.put("numerator", Map.of("variable", numeratorVariable, "published", ":"));
      if (denominatorVariable != null) {
        out.put("denominator", Map.of("variable", denominatorVariable, "published", ":"));
      }
      return out;
    }
    out.put("numerator", part(defs, numeratorVariable, cell.getAs("numerator"), borders, id));
    if (denominatorVariable != null) {
      out.put("denominator", part(defs, denominatorVariable, cell.getAs("denominator"), borders,
          id));
    }
    return out;
  }

  private Map<String, Object> releaseInfo(Row release) {
    Map<String, Object> m = new LinkedHashMap<>();
    String id = release.getAs("release_id");
    m.put("release_id", id);
    m.put("kind", release.getAs("kind"));
    m.put("release_date", release.getAs("release_date").toString());
    m.put("created_at", release.getAs("created_at").toString());
    m.put("definition_version", release.getAs("definition_version"));
    Path manifest = Publication.folder(warehouse).resolve(id).resolve("manifest.json");
    if (Files.exists(manifest)) {
      try {
        Map<?, ?> json = new ObjectMapper().readValue(manifest.toFile(), Map.class);
        m.put("code_version", json.get("code_version"));
        m.put("rules_hash", json.get("rules_hash"));
        m.put("config_hash", json.get("config_hash"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    m.put("input_tables", new java.util.TreeMap<>(release.<String, Long>getJavaMap(
        release.fieldIndex("input_versions"))));
    return m;
  }

  private static Map<String, Object> cellInfo(Row cell) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String f : List.of("year", "structure_year", "region", "region_name", "region_level",
        "indicator", "level", "value", "status", "flags", "numerator", "denominator", "scale",
        "unit", "decimals", "members_reported", "members_expected")) {
      Object v = cell.getAs(f);
      m.put(f, v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : v);
    }
    return m;
  }

  private List<String> why(Row cell, KeyFigureDefinitions defs, String numerator,
      String denominator, Map<String, Row> sameRegion, boolean withheld) {
    List<String> why = new ArrayList<>();
    String status = cell.getAs("status");
    String flags = cell.getAs("flags");
    if (withheld) {
      why.add("withheld (:) by disclosure control: a count of persons at or below the "
          + "threshold, or a cell that would give one away (or one an earlier release of the "
          + "year made so)");
      if (unpublished) {
        why.add(primaryOrSecondary(defs, cell, numerator, denominator));
      }
    } else if ("..".equals(status)) {
      why.add("missing (..): " + missing(numerator, denominator, sameRegion));
    } else if (".".equals(status)) {
      why.add("not defined (.): the denominator " + denominator + " is 0");
    } else {
      why.add("published");
    }
    if (flags != null) {
      for (String f : flags.split(",")) {
        why.add(switch (f) {
          case "estimated" -> "estimated: members that did not report are estimated by "
              + "population within their KOSTRA group (see the numerator's members)";
          case "partial" -> "partial: the sum covers the reporting members only";
          case "series_break" -> "series break: not comparable with the year's own borders or "
              + "function chart";
          default -> f;
        });
      }
    }
    return why;
  }

  private String missing(String numerator, String denominator, Map<String, Row> sameRegion) {
    List<String> out = new ArrayList<>();
    for (String v : denominator == null ? List.of(numerator) : List.of(numerator, denominator)) {
      Row r = sameRegion.get(v);
      if (r != null && r.getAs("value") == null) {
        out.add(v + " is missing" + (r.getAs("flags") == null ? "" : " (" + r.getAs("flags")
            + ")"));
      }
    }
    return out.isEmpty() ? "an input is missing (a form not submitted, rejected, or a reference "
        + "table not official for the year)"
        : String.join("; ", out) + ": its form was not submitted or was rejected, or its reference"
            + " table is not official for the year";
  }

  /** Warehouse access only: the cell's protected counts against the threshold. */
  private String primaryOrSecondary(KeyFigureDefinitions defs, Row cell, String numerator,
      String denominator) {
    List<String> counts = new ArrayList<>();
    for (String v : denominator == null ? List.of(numerator) : List.of(numerator, denominator)) {
      Variable var = defs.variable(v);
      String protectBy = defs.source(var.source()).protectBy();
      for (String p : new java.util.TreeSet<>(List.of(var.protectedCount() ? v : protectBy == null
          ? v : protectBy))) {
        if (!defs.variable(p).protectedCount()) {
          continue;
        }
        BigDecimal value = warehouseValue(cell, p);
        counts.add(p + " = " + (value == null ? ".." : value.stripTrailingZeros().toPlainString()));
      }
    }
    return "in the warehouse (not for publication): " + (counts.isEmpty()
        ? "no protected count of its own: a secondary cell"
        : String.join(", ", counts) + " (at or below the threshold: primary; above: secondary "
            + "or withheld by an earlier release of the year)");
  }

  private BigDecimal warehouseValue(Row cell, String variable) {
    return warehouse.read(Tables.KEY_FIGURES).where(col("year").equalTo(year)
            .and(col("structure_year").equalTo(cell.<Integer>getAs("structure_year")))
            .and(col("region").equalTo(region)).and(col("indicator").equalTo(variable)))
        .select("value").collectAsList().stream().map(r -> r.getDecimal(0))
        .filter(Objects::nonNull).findFirst().orElse(null);
  }

  private static Map<String, Object> definition(KeyFigureDefinitions defs, Indicator ind,
      String numerator, String denominator) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("definitions_version", defs.version());
    m.put("files", "data-schemas/indicators/key-figures.yaml, base-data.yaml, "
        + "regnskap-aggregates.yaml, function-groups.yaml");
    if (ind != null) {
      m.put("indicator", ind);
    }
    m.put("numerator", defs.variable(numerator));
    if (denominator != null) {
      m.put("denominator", defs.variable(denominator));
    }
    return m;
  }

  /** One base variable's value and what makes it. */
  private Map<String, Object> part(KeyFigureDefinitions defs, String variable,
      BigDecimal publishedValue, int borders, String releaseId) {
    Variable v = defs.variable(variable);
    int decimals = v.decimalsOrZero();
    Provenance.Part p = Provenance.of(warehouse, schemas, year, borders, region, variable);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("variable", variable);
    m.put("source", p.source());
    m.put("published", publishedValue == null ? null
        : publishedValue.stripTrailingZeros().toPlainString());
    if (unpublished) {
      m.put("warehouse_value", plain(p.value()));
    }
    m.put("notes", p.notes());
    if (!p.members().isEmpty()) {
      Map<String, BigDecimal> publishedMembers = publishedMemberValues(releaseId, borders,
          variable, p.members());
      List<Map<String, Object>> members = new ArrayList<>();
      BigDecimal shown = BigDecimal.ZERO;
      for (Provenance.Member member : p.members()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("region", member.region());
        row.put("name", member.name());
        row.put("kind", member.kind());
        BigDecimal value = member.value();
        if (!unpublished && value != null) {
          value = member.kind().equals("reported") ? publishedMembers.get(member.region())
              : value.setScale(decimals, RoundingMode.HALF_UP);
        }
        row.put("value", value == null ? (member.kind().equals("reported") ? ":" : null)
            : plain(value));
        if (member.kind().equals("estimated")) {
          row.put("population", member.population());
          row.put("stratum", member.stratum());
          row.put("coefficient_per_inhabitant", plain(unpublished ? member.coefficient()
              : member.coefficient().setScale(2, RoundingMode.HALF_UP)));
        }
        if (value != null) {
          shown = shown.add(value);
        }
        members.add(row);
      }
      m.put("members", members);
      m.put("sum_of_shown", plain(shown));
      BigDecimal target = unpublished ? p.total() : publishedValue;
      if (target != null) {
        BigDecimal rest = target.subtract(shown);
        m.put(unpublished ? "difference" : "withheld_members_and_rounding", plain(rest));
      }
    } else {
      if (!p.lines().isEmpty()) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (Provenance.Line l : p.lines()) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("unit", l.unit());
          row.put("funksjon", l.funksjon());
          row.put("art", l.art());
          row.put("kontotype", l.kontotype());
          row.put("amount_in_file", l.amount());
          // income arts are read positive (SSB's definitions), then signed by the aggregate
          row.put("read_as", Integer.parseInt(l.art()) >= 600 ? -l.amount() : l.amount());
          row.put("sign", l.sign());
          row.put("contribution", plain(l.contribution()));
          lines.add(row);
        }
        m.put("accounting", lines);
        m.put("sum_of_accounting", plain(p.total()));
      }
      List<Map<String, Object>> subs = new ArrayList<>();
      for (Provenance.Submission s : p.submissions()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("unit", s.unit());
        row.put("skjema", s.skjema());
        row.put("file", Path.of(s.file()).getFileName().toString());
        row.put("sha256", s.submissionId());
        row.put("received_at", s.receivedAt().toString());
        row.put("status", s.status());
        row.put("ingest_id", s.ingestId());
        subs.add(row);
      }
      m.put("submissions", subs);
    }
    return m;
  }

  private Map<String, BigDecimal> publishedMemberValues(String releaseId, int borders,
      String variable, List<Provenance.Member> members) {
    Map<String, BigDecimal> out = new HashMap<>();
    for (Row r : warehouse.read(Tables.PUBLISHED_KEY_FIGURES).where(col("release_id")
            .equalTo(releaseId).and(col("year").equalTo(year))
            .and(col("structure_year").equalTo(borders)).and(col("indicator").equalTo(variable))
            .and(col("region").isin(members.stream().map(Provenance.Member::region).toArray())))
        .select("region", "value").collectAsList()) {
      if (r.getDecimal(1) != null) {
        out.put(r.getString(0), r.getDecimal(1));
      }
    }
    return out;
  }

  private static String plain(BigDecimal v) {
    return v == null ? null : v.stripTrailingZeros().toPlainString();
  }

  public static String json(Map<String, Object> explanation) {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(explanation);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The explanation as text for a terminal. */
  @SuppressWarnings("unchecked")
  public static String text(Map<String, Object> e) {
    StringBuilder out = new StringBuilder();
    Map<String, Object> cell = (Map<String, Object>) e.get("cell");
    Map<String, Object> release = (Map<String, Object>) e.get("release");
    out.append(String.format("%s %s %s (%s) %s, borders of %s%n", cell.get("indicator"),
        cell.get("region"), cell.get("region_name"), cell.get("region_level"), cell.get("year"),
        cell.get("structure_year")));
    out.append(String.format("  published: %s %s (%s)%n", cell.get("value") == null ? ""
        : cell.get("value"), cell.get("status") == null ? "" : cell.get("status"),
        cell.get("unit")));
    out.append("  release: ").append(release.get("release_id")).append(" (")
        .append(release.get("kind")).append(", ").append(release.get("release_date"))
        .append("); mode: ").append(e.get("mode")).append('\n');
    for (String w : (List<String>) e.get("why")) {
      out.append("  why: ").append(w).append('\n');
    }
    for (String side : List.of("numerator", "denominator")) {
      Map<String, Object> p = (Map<String, Object>) e.get(side);
      if (p == null) {
        continue;
      }
      out.append(String.format("  %s: %s = %s%s%n", side, p.get("variable"), p.get("published"),
          p.containsKey("warehouse_value") ? " (warehouse " + p.get("warehouse_value") + ")"
              : ""));
      for (String n : (List<String>) p.getOrDefault("notes", List.of())) {
        out.append("    ").append(n).append('\n');
      }
      for (Map<String, Object> m : (List<Map<String, Object>>) p.getOrDefault("members",
          List.of())) {
        out.append(String.format("    %-8s %-28s %-9s %s%s%n", m.get("region"), m.get("name"),
            m.get("kind"), m.get("value") == null ? "" : m.get("value"),
            m.containsKey("coefficient_per_inhabitant") ? " = " + m.get("population") + " x "
                + m.get("coefficient_per_inhabitant") + " (" + m.get("stratum") + ")" : ""));
      }
      if (p.containsKey("withheld_members_and_rounding")) {
        out.append("    withheld members and rounding: ")
            .append(p.get("withheld_members_and_rounding")).append('\n');
      }
      for (Map<String, Object> l : (List<Map<String, Object>>) p.getOrDefault("accounting",
          List.of())) {
        out.append(String.format("    %s funksjon %-4s art %s %s: in the file %10s, read as %10s x "
                + "%2s = %s%n", l.get("unit"), l.get("funksjon"), l.get("art"), l.get("kontotype"),
            l.get("amount_in_file"), l.get("read_as"), l.get("sign"), l.get("contribution")));
      }
      for (Map<String, Object> s : (List<Map<String, Object>>) p.getOrDefault("submissions",
          List.of())) {
        out.append(String.format("    submission %s %s %s received %s, %s, ingest %s%n",
            s.get("skjema"), s.get("file"), String.valueOf(s.get("sha256")).substring(0, 12),
            s.get("received_at"), s.get("status"), s.get("ingest_id")));
      }
    }
    Map<String, Object> def = (Map<String, Object>) e.get("definition");
    out.append("  definitions ").append(def.get("definitions_version")).append(" (")
        .append(def.get("files")).append("); rules ").append(release.get("rules_hash"))
        .append("; code ").append(release.get("code_version")).append('\n');
    out.append("  input tables (Delta versions): ").append(release.get("input_tables"))
        .append('\n');
    return out.toString();
  }
}

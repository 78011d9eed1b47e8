package no.kostra.release;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import no.kostra.ingest.TextFiles;
import no.kostra.keyfigures.KeyFigureDefinitions;
import no.kostra.keyfigures.KeyFigureDefinitions.Indicator;
import no.kostra.keyfigures.KeyFigureDefinitions.Source;
import no.kostra.keyfigures.KeyFigureDefinitions.Variable;
import no.kostra.keyfigures.KeyFigureExport;
import no.kostra.keyfigures.LinearForms;
import no.kostra.keyfigures.RegionStructure;
import no.kostra.schemas.SchemaDir;
import no.kostra.warehouse.Sql;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The publish stage of a release: the job's years of {@code key_figures} with disclosure control
 * applied and values rounded half away from zero to their decimals, as an immutable snapshot.
 *
 * <p>The release id is the job id and a hash of the exported numbers, so a rerun with the same
 * inputs finds its release already published and changes nothing. The exports (CSV of the figures
 * and of completeness; as the job asks, PX files ({@link PxExport}), StatBank load files
 * ({@link StatbankExport}) and fact sheets ({@link FactSheets}); {@code manifest.json}) are
 * written to a temporary folder that is moved into {@code <warehouse>/exports/releases/<id>/} in
 * one step (outside every table's folder, so a Delta VACUUM of a table can never touch them); the
 * published rows are written under their
 * release id; the {@code releases} row is written last and is what makes the release exist, so a
 * crash at any point leaves the earlier releases intact and the next run completes this one.
 *
 * <p>Disclosure control (publishing.md §2): primary — a count of persons at or below the
 * threshold (zeros included) is withheld as {@code :}, in a municipality and an aggregate alike;
 * where a source's count of persons is that small, every figure from the source is withheld.
 * Secondary — per protected variable and data year, {@link GaussSuppression} over the linear
 * forms of every published cell on both borders ({@link LinearForms}, estimates included), so no
 * withheld cell can be derived from published totals across EKA/EKG/EAK/EAKUO/ASSS/EAB; the rank
 * audit must pass or the release stops. A ratio with a withheld numerator or denominator is
 * withheld, whatever status it would otherwise have ({@code .} and {@code ..} included).
 */
public final class Publication {

  public static final String RELEASES = Tables.RELEASES;
  public static final String PUBLISHED = Tables.PUBLISHED_KEY_FIGURES;
  public static final String SUPPRESSED = ":";

  public static final StructType RELEASES_SCHEMA = new StructType()
      .add("release_id", DataTypes.StringType, false)
      .add("job", DataTypes.StringType, false)
      .add("kind", DataTypes.StringType, false)
      .add("years", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("release_date", DataTypes.DateType, false)
      .add("created_at", DataTypes.TimestampType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("definition_version", DataTypes.StringType, false)
      .add("manifest_sha256", DataTypes.StringType, false)
      // the Delta versions of the input tables the release was computed from
      .add("input_versions", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType,
          false), false)
      .add("revisions", DataTypes.LongType, false); // cells changed against the previous release

  /** The revisions since the previous release, summarised per indicator (release folder). */
  static final String REVISIONS_SUMMARY = "revisions_summary.csv";

  private Publication() {}

  public record Result(String releaseId, boolean created, Path dir, int rows, int withheld) {}

  /**
   * Publishes the job's years: {@link #protectCells} (disclosure control, audited), {@link #export}
   * (the CSV, PX and StatBank files), the release id from those bytes, then, unless that release
   * exists, {@link #seal} (fact sheets, manifest, the folder moved into place whole) and
   * {@link #record} (the Delta rows, the revisions, and last the release itself: the commit point).
   */
  public static Result publish(Warehouse warehouse, SchemaDir schemas, ReleaseJob job,
      String runId, List<Completeness.Form> completeness, Consumer<String> progress) {
    KeyFigureDefinitions defs = KeyFigureDefinitions.load(schemas);
    Protected cells = protectCells(warehouse, schemas, defs, job, progress);
    Map<String, byte[]> files = export(defs, job, cells.published(), completeness);
    String releaseId = releaseId(job, files);
    Path dir = folder(warehouse).resolve(releaseId);
    if (warehouse.exists(RELEASES) && warehouse.read(RELEASES)
        .where(col("release_id").equalTo(releaseId)).count() > 0) {
      progress.accept("publish: nothing changed since release " + releaseId
          + " (same figures, same completeness): it stays as published");
      return new Result(releaseId, false, dir, cells.published().size(), cells.withheld());
    }
    // what changed since the previous release of the years: its rows are recorded with the
    // release, its summary per indicator goes into the folder and onto the fact sheets' index
    Revisions.Previous previous = Revisions.previous(warehouse, job.years());
    Revisions.Revised revised = previous == null ? null : Revisions.compute(warehouse, defs,
        releaseId, defs.version(), cells.published(), previous);
    Sealed sealed = seal(warehouse, schemas, defs, job, releaseId, cells, files, revised,
        progress);
    return record(warehouse, defs, job, runId, releaseId, dir, cells, sealed, previous, revised,
        progress);
  }

  /** The year's figures as they will be published, and what disclosure control did to them. */
  private record Protected(List<Row> published, Protection protection, Earlier earlier,
      int threshold, int withheld) {}

  /** Step 1: every cell rounded, small counts and what would give them away withheld; audited. */
  private static Protected protectCells(Warehouse warehouse, SchemaDir schemas,
      KeyFigureDefinitions defs, ReleaseJob job, Consumer<String> progress) {
    int threshold = job.suppression().threshold();
    List<Row> figures = warehouse.read(Tables.KEY_FIGURES)
        .where(col("year").isin(job.years().toArray())).collectAsList();
    List<Row> published = new ArrayList<>();
    Earlier earlier = Earlier.of(earlierReleases(warehouse, job.years()));
    Protection protection = protect(schemas, defs, figures, threshold, earlier, published);
    int withheld = (int) published.stream().filter(r -> SUPPRESSED.equals(r.getAs("status")))
        .count();
    progress.accept(String.format("publish: disclosure control: %d cells withheld as primary, %d "
        + "as secondary (%d of them published by an earlier release of the year%s; %d for the "
        + "level 2 intervals); %d small unpublished parts kept underivable; audit (level 1 and 2) "
        + "over this and the earlier releases passed; %d published figures withheld in all",
        protection.primary(), protection.secondary(), protection.crossRelease(),
        earlier.byRelease().isEmpty() ? ": none" : ": " + String.join(", ",
            earlier.byRelease().keySet()), protection.widened(), protection.partCells(),
        withheld));
    if (!protection.exposed().isEmpty()) {
      progress.accept("publish: WARNING " + protection.exposed().size() + " withheld cells were "
          + "already given by earlier releases alone (listed in the manifest): "
          + protection.exposed().subList(0, Math.min(5, protection.exposed().size())));
    }
    return new Protected(published, protection, earlier, threshold, withheld);
  }

  /** Step 2: the files that carry the numbers (name -> bytes): CSV, completeness, PX, StatBank. */
  private static Map<String, byte[]> export(KeyFigureDefinitions defs, ReleaseJob job,
      List<Row> published, List<Completeness.Form> completeness) {
    Map<String, byte[]> files = new TreeMap<>();
    try {
      Path scratch = Files.createTempDirectory("kostra-release");
      files.put("key_figures.csv", Files.readAllBytes(KeyFigureExport.writeCsv(published,
          scratch.resolve("key_figures.csv"), job.kind())));
      deleteTree(scratch);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.put("completeness.csv", completenessCsv(completeness));
    // the level 1 key figures in force in one of the years, in catalogue order
    List<Indicator> level1 = defs.indicators().stream().filter(ind -> ind.level() == 1
        && job.years().stream().anyMatch(y -> defs.indicatorsFor(y).contains(ind))).toList();
    if (job.exports().contains("px")) {
      for (Indicator ind : level1) {
        files.put("px/" + ind.id() + ".px", PxExport.write(ind,
            defs.indicators().indexOf(ind) + 1, published, job.releaseDate(), job.kind()));
      }
    }
    if (job.exports().contains("statbank")) {
      StatbankExport.write(StatbankExport.Settings.of(job.statbank(), job.file() + ": "), level1,
          published, job.releaseDate(), job.kind())
          .forEach((name, bytes) -> files.put("statbank/" + name, bytes));
    }
    return files;
  }

  /**
   * The id is the published numbers' (the names and bytes of the CSV, PX and StatBank files) and
   * whether fact sheets are made: they render those numbers, their chart geometry depends on the
   * machine's fonts, and they are only drawn once the release is known to be new (the manifest
   * hashes their bytes).
   */
  private static String releaseId(ReleaseJob job, Map<String, byte[]> files) {
    MessageDigest content = sha256();
    files.forEach((name, bytes) -> {
      content.update(name.getBytes(StandardCharsets.UTF_8));
      content.update(bytes);
    });
    if (job.exports().contains("factsheets")) {
      content.update(FactSheets.FOLDER.getBytes(StandardCharsets.UTF_8));
    }
    return job.id() + "-" + HexFormat.of().formatHex(content.digest()).substring(0, 12);
  }

  /** What the sealed folder's manifest says, and the input tables' versions it names. */
  private record Sealed(byte[] manifest, Map<String, Long> inputs) {}

  /**
   * Step 3: the fact sheets, the manifest (every file's SHA-256, the inputs' versions, the
   * suppression counts) and the folder, which appears whole or not at all.
   */
  private static Sealed seal(Warehouse warehouse, SchemaDir schemas, KeyFigureDefinitions defs,
      ReleaseJob job, String releaseId, Protected cells, Map<String, byte[]> files,
      Revisions.Revised revised, Consumer<String> progress) {
    List<Row> published = cells.published();
    if (revised != null) {
      files.put(REVISIONS_SUMMARY, Revisions.summaryCsv(revised.summary()));
    }
    if (job.exports().contains("factsheets")) {
      // today's borders (the newest the figures were computed on), where a series is comparable
      int structureYear = published.stream().mapToInt(r -> r.<Integer>getAs("structure_year"))
          .max().orElseThrow();
      int newest = job.years().stream().max(Integer::compare).orElseThrow();
      List<Row> rows = new ArrayList<>(published);
      rows.addAll(earlierYears(warehouse, job, structureYear));
      Map<String, byte[]> sheets = FactSheets.write(defs, job, rows, structureYear,
          RegionStructure.comparisons(schemas, newest, structureYear),
          revised == null ? List.of() : revised.summary());
      sheets.forEach((name, bytes) -> files.put(FactSheets.FOLDER + name, bytes));
      progress.accept("publish: " + (sheets.size() - 2) + " fact sheets (" + FactSheets.FOLDER
          + "index.html)");
    }

    Protection protection = cells.protection();
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("release_id", releaseId);
    manifest.put("job", job.id());
    manifest.put("kind", job.kind());
    manifest.put("years", job.years());
    manifest.put("release_date", job.releaseDate().toString());
    manifest.put("config_hash", job.configHash());
    manifest.put("code_version", ReleaseRun.codeVersion());
    manifest.put("definition_version", defs.version());
    manifest.put("rules_hash", treeHash(schemas.root().resolve("rules")));
    Map<String, Long> inputs = inputVersions(warehouse);
    manifest.put("input_tables", inputs);
    // sorted keys: the manifest's bytes do not depend on a map's iteration order
    Map<String, Object> suppression = new TreeMap<>();
    suppression.put("threshold", cells.threshold());
    suppression.put("primary_cells", protection.primary());
    suppression.put("secondary_cells", protection.secondary());
    suppression.put("secondary_cells_published_earlier", protection.crossRelease());
    suppression.put("earlier_releases", List.copyOf(cells.earlier().byRelease().keySet()));
    suppression.put("exposed_by_earlier_releases", protection.exposed());
    suppression.put("withheld_figures", cells.withheld());
    suppression.put("secondary_cells_for_intervals", protection.widened());
    suppression.put("small_parts_protected", protection.partCells());
    suppression.put("method", "Gaussian elimination over every border's cells of each protected "
        + "variable, estimation coefficients included, with every cell the earlier releases of "
        + "the year published as fixed and every small unpublished part of a family a primary "
        + "cell; audit: rank test (level 1), and for counts the interval of every withheld cell "
        + "and part under non-negativity (level 2: a count at or below the threshold must reach "
        + "its value + 1 and lie in an interval at least 2 wide)");
    manifest.put("suppression", suppression);
    // editing: the candidates of `outliers` at or above the threshold, decided and left open
    Map<String, Object> editing = new TreeMap<>();
    for (int year : job.years()) {
      no.kostra.edit.Decisions.Summary e = no.kostra.edit.Decisions.summary(warehouse, year);
      Map<String, Object> y = new TreeMap<>();
      if (e == null) {
        y.put("outliers_run", false);
      } else {
        y.put("outliers_run", true);
        y.put("candidates", e.candidates());
        y.put("decided", new TreeMap<>(e.decided()));
        y.put("undecided", e.open());
      }
      editing.put(Integer.toString(year), y);
    }
    manifest.put("editing", editing);
    Map<String, String> hashes = new TreeMap<>();
    files.forEach((name, bytes) -> hashes.put(name, TextFiles.sha256(bytes)));
    manifest.put("files", hashes);
    byte[] manifestBytes;
    try {
      manifestBytes = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsBytes(manifest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.put("manifest.json", manifestBytes);

    // the folder appears whole or not at all; a folder left by a crashed run is replaced
    Path root = folder(warehouse);
    Path dir = root.resolve(releaseId);
    try {
      Path tmp = root.resolve(".tmp-" + releaseId);
      deleteTree(tmp);
      Files.createDirectories(tmp);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        Files.createDirectories(tmp.resolve(f.getKey()).getParent());
        Files.write(tmp.resolve(f.getKey()), f.getValue());
      }
      deleteTree(dir);
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write release folder " + dir, e);
    }
    return new Sealed(manifestBytes, inputs);
  }

  /**
   * Step 4: the published rows and the revisions since the previous release, then the release
   * itself, last: until that append the release does not exist (a crash before it leaves rows under
   * its id that no release refers to; the next run replaces them).
   */
  private static Result record(Warehouse warehouse, KeyFigureDefinitions defs, ReleaseJob job,
      String runId, String releaseId, Path dir, Protected cells, Sealed sealed, Revisions.Previous previous,
      Revisions.Revised revisedCells, Consumer<String> progress) {
    List<Row> published = cells.published();
    var frame = warehouse.spark().createDataFrame(
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(warehouse.spark().sparkContext())
            .parallelize(published, Math.max(1, published.size() / 20_000)),
        Tables.KEY_FIGURES_SCHEMA).withColumn("release_id", lit(releaseId));
    warehouse.replace(frame, PUBLISHED, Sql.equalTo("release_id", releaseId));
    long revised = 0;
    if (previous != null) {
      List<Row> changes = revisedCells.changes();
      warehouse.replace(warehouse.spark().createDataFrame(changes, Revisions.SCHEMA),
          Revisions.TABLE, Sql.equalTo("release_id", releaseId));
      revised = changes.size();
      Map<String, Long> byReason = new TreeMap<>();
      changes.forEach(c -> byReason.merge(c.getString(11), 1L, Long::sum));
      progress.accept("publish: " + revised + " cells changed since release " + previous.releaseId()
          + " " + byReason + " (table revisions)");
    }
    progress.accept("publish: rows of " + releaseId + " written; recording the release");
    Row release = RowFactory.create(releaseId, job.id(), job.kind(),
        job.years().toArray(Integer[]::new), Date.valueOf(job.releaseDate()),
        Timestamp.from(Instant.now()), runId, defs.version(), TextFiles.sha256(sealed.manifest()),
        scala.collection.JavaConverters.mapAsScalaMap(sealed.inputs()), revised);
    warehouse.append(warehouse.spark().createDataFrame(List.of(release), RELEASES_SCHEMA), RELEASES);
    progress.accept(String.format("publish: release %s in %s: %d rows, %d withheld (:)",
        releaseId, dir, published.size(), cells.withheld()));
    return new Result(releaseId, true, dir, published.size(), cells.withheld());
  }

  /** The published rows of the years, of every release so far that published one of them. */
  static List<Row> earlierReleases(Warehouse warehouse, List<Integer> years) {
    if (!warehouse.exists(RELEASES) || !warehouse.exists(PUBLISHED)) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    for (Row r : warehouse.read(RELEASES).collectAsList()) {
      if (r.<Integer>getList(r.fieldIndex("years")).stream().anyMatch(years::contains)) {
        ids.add(r.getAs("release_id"));
      }
    }
    if (ids.isEmpty()) {
      return List.of();
    }
    return warehouse.read(PUBLISHED).where(col("release_id").isin(ids.toArray())
        .and(col("year").isin(years.toArray())).and(col("level").equalTo(3))).collectAsList();
  }

  /** Where the releases' files are: {@code <warehouse>/exports/releases/}. */
  public static Path folder(Warehouse warehouse) {
    return Path.of(warehouse.root()).resolve("exports").resolve("releases");
  }

  /**
   * What disclosure control did: cells withheld as primary and as secondary, how many of the
   * secondary ones an earlier release of the year had published (withheld now because of what
   * that release made public; they stay public there), and the withheld cells that earlier
   * releases alone already give (exposed before this release; listed in the manifest).
   */
  record Protection(int primary, int secondary, int crossRelease, List<String> exposed,
      int partCells, int widened) {}

  /**
   * Adds to {@code out} every figure as published: rounded to its decimals, or withheld.
   * Primary: small counts of persons and what a small source says (see {@link #small}).
   * Secondary: per protected variable and data year, one relation matrix over both borders'
   * cells ({@link LinearForms}), solved by {@link GaussSuppression}; the audit must then find no
   * withheld cell derivable, else the release stops (fail closed). An indicator is withheld where
   * one of its base variables is.
   */
  static Protection protect(SchemaDir schemas, KeyFigureDefinitions defs, List<Row> figures,
      int threshold, List<Row> out) {
    return protect(schemas, defs, figures, threshold, Earlier.NONE, out);
  }

  static Protection protect(SchemaDir schemas, KeyFigureDefinitions defs, List<Row> figures,
      int threshold, Earlier earlier, List<Row> out) {
    Map<String, Variable> variables = new HashMap<>();
    defs.variables().forEach(v -> variables.put(v.id(), v));
    Map<String, Indicator> indicators = new HashMap<>();
    defs.indicators().forEach(i -> indicators.put(i.id(), i));
    // (year, borders, region) -> variable -> value, from the level 3 rows
    Map<String, Map<String, BigDecimal>> base = new HashMap<>();
    for (Row r : figures) {
      if (r.<Integer>getAs("level") == 3) {
        base.computeIfAbsent(cell(r), k -> new HashMap<>()).put(r.getAs("indicator"),
            r.getAs("value"));
      }
    }
    // primary: cell|variable
    java.util.Set<String> withheld = new java.util.HashSet<>();
    base.forEach((cell, values) -> values.forEach((variable, value) -> {
      if (value != null && small(defs, variables.get(variable), values, threshold)) {
        withheld.add(cell + "#" + variable);
      }
    }));
    int primary = withheld.size();
    Protection secondary = secondary(schemas, defs, figures, earlier, withheld, threshold);
    // the decimals each base variable is published with (its level 3 rows)
    Map<String, Integer> baseDecimals = new HashMap<>();
    for (Row r : figures) {
      if (r.<Integer>getAs("level") == 3) {
        baseDecimals.putIfAbsent(r.getAs("indicator"), r.getAs("decimals"));
      }
    }
    int indicatorCells = 0;
    List<Row> sorted = new ArrayList<>(figures);
    sorted.sort(Comparator.comparing(Publication::cell).thenComparing(r -> r.<String>getAs("indicator")));
    for (Row r : sorted) {
      String id = r.getAs("indicator");
      List<String> uses = r.<Integer>getAs("level") == 3 ? List.of(id)
          : indicators.containsKey(id) ? indicators.get(id).variables() : List.of();
      // ':' before every other symbol: a '.' (÷ 0) or '..' on a withheld count would say what
      // the count is (publishing.md §1.4)
      boolean withhold = uses.stream().anyMatch(v -> withheld.contains(cell(r) + "#" + v));
      Object[] fields = new Object[r.length()];
      for (int i = 0; i < r.length(); i++) {
        fields[i] = r.get(i);
      }
      int decimals = r.getAs("decimals");
      int value = r.fieldIndex("value");
      if (withhold) {
        indicatorCells += r.<Integer>getAs("level") == 3 ? 0 : 1;
        fields[value] = null;
        fields[r.fieldIndex("numerator")] = null;
        fields[r.fieldIndex("denominator")] = null;
        fields[r.fieldIndex("status")] = SUPPRESSED;
      } else {
        if (fields[value] != null) {
          fields[value] = ((BigDecimal) fields[value]).setScale(decimals, RoundingMode.HALF_UP)
              .setScale(10, RoundingMode.UNNECESSARY);
        }
        // numerator and denominator carry no more digits than their base variables' published
        // figures: unrounded, an estimated aggregate's numerator gives its reporters' exact sum
        // back (Σ reported × a known factor), and with a later release a withheld count
        Indicator ind = indicators.get(id);
        String numeratorVariable = r.<Integer>getAs("level") == 3 || ind == null ? id
            : ind.numerator();
        String denominatorVariable = ind == null ? null : ind.denominator();
        fields[r.fieldIndex("numerator")] = rounded((BigDecimal) fields[r.fieldIndex("numerator")],
            baseDecimals.getOrDefault(numeratorVariable, 0));
        fields[r.fieldIndex("denominator")] = rounded(
            (BigDecimal) fields[r.fieldIndex("denominator")],
            baseDecimals.getOrDefault(denominatorVariable, 0));
      }
      out.add(new GenericRowWithSchema(fields, Tables.KEY_FIGURES_SCHEMA));
    }
    return new Protection(primary, secondary.secondary(), secondary.crossRelease(),
        secondary.exposed(), secondary.partCells(), secondary.widened());
  }

  /** Half away from zero to {@code decimals}, at the numerator columns' scale (6). */
  private static BigDecimal rounded(BigDecimal v, int decimals) {
    return v == null ? null : v.setScale(decimals, RoundingMode.HALF_UP).setScale(6,
        RoundingMode.UNNECESSARY);
  }

  /**
   * Secondary suppression of every variable that can have withheld cells (protected counts, and
   * every variable of a source with protect_by), one problem per family of variables that add up
   * and data year, over the cells of every border; adds the secondary cells to {@code withheld}.
   */
  private static Protection secondary(SchemaDir schemas, KeyFigureDefinitions defs,
      List<Row> figures, Earlier earlier, java.util.Set<String> withheld, int threshold) {
    LinearForms forms = LinearForms.load(schemas, defs);
    // data year -> variable|borders|region -> the level 3 row, where it has a value
    Map<Integer, Map<String, Row>> byYear = levelThree(figures, r -> r.getAs("status") == null);
    int added = 0;
    int crossRelease = 0;
    int partCells = 0;
    int widened = 0;
    List<String> exposed = new ArrayList<>();
    java.util.Set<String> exposedIntervals = new java.util.TreeSet<>();
    for (Family f : protectedFamilies(defs)) {
      List<Variable> family = f.variables();
      for (Map.Entry<Integer, Map<String, Row>> e : byYear.entrySet()) {
        int year = e.getKey();
        Map<String, Integer> inner = new TreeMap<>();
        java.util.function.BiPredicate<Variable, Row> isWithheld =
            (v, r) -> withheld.contains(cell(r) + "#" + v.id());
        List<GaussSuppression.Cell> cells = new ArrayList<>();
        if (f.total() != null) {
          // as its own family left it: published cells fixed, withheld ones kept underivable
          cells.addAll(problem(forms, List.of(f.total()), year, e.getValue(), isWithheld, inner,
              "", unit -> unit, true));
        }
        cells.addAll(problem(forms, f.members(), year, e.getValue(), isWithheld, inner, "",
            unit -> unit, false));
        Map<String, GaussSuppression.Cell> current = new HashMap<>();
        cells.forEach(c -> current.put(c.key(), c));
        cells.addAll(earlier.cells(forms, family, year, e.getValue(), inner, current));
        List<GaussSuppression.Cell> parts = partTargets(family, cells, inner, threshold);
        partCells += parts.size();
        cells.addAll(parts);
        Map<Integer, String> units = unitsOfInner(inner);
        // level 1 by elimination
        Map<String, CellStatus> status = GaussSuppression.suppress(cells);
        checkLevelOne(cells, status, year);
        // level 2 (intervals under non-negativity) on counts: a cell whose interval is too
        // narrow gets a published neighbour withheld. Withholding only ever removes published
        // cells, so every interval only widens: level 1 still holds, a cell that passed still
        // passes, and each round rechecks only the cells that failed
        if (f.counts()) {
          java.util.Set<String> only = null;
          for (int round = 0; ; round++) {
            Map<String, CellStatus> now = status;
            List<IntervalAudit.Bounds> narrow = IntervalAudit.check(cells, status, units,
                threshold, only).stream()
                .filter(b -> b.failure() != null && now.get(b.key()) != CellStatus.EXPOSED)
                .toList();
            if (round == 0 && !narrow.isEmpty() && !earlier.byRelease().isEmpty()) {
              // a cell that the earlier releases' published cells alone pin is exposed, as at
              // level 1: nothing this release withholds widens it
              java.util.Set<String> pinnedBefore = new java.util.HashSet<>();
              for (IntervalAudit.Bounds b : IntervalAudit.check(cells, earlierOnly(status),
                  units, threshold, narrow.stream().map(IntervalAudit.Bounds::key)
                      .collect(java.util.stream.Collectors.toSet()))) {
                if (b.failure() != null) {
                  pinnedBefore.add(b.key());
                  exposedIntervals.add(year + "|" + b.key() + " " + b.failure());
                }
              }
              narrow = narrow.stream().filter(b -> !pinnedBefore.contains(b.key())).toList();
            }
            if (narrow.isEmpty()) {
              break;
            }
            if (round == MAX_INTERVAL_ROUNDS) {
              throw new IllegalStateException("disclosure audit (level 2) failed for " + year
                  + " after " + round + " rounds: " + narrow);
            }
            int hidden = 0;
            for (IntervalAudit.Bounds b : narrow) {
              int widen = widening(cells, status, b.key(), units);
              if (widen < 0) {
                continue; // its neighbours went this round for another cell: checked again
              }
              hidden++;
              // the same sum on another border is the same cell to a reader: withheld alike
              Map<Integer, java.math.BigInteger> column = cells.get(widen).column();
              for (int i = 0; i < cells.size(); i++) {
                GaussSuppression.Cell c = cells.get(i);
                if (status.get(c.key()) == CellStatus.PUBLISHED && !c.fixed() && !c.primary()
                    && c.column().equals(column)) {
                  cells.set(i, c.hide());
                  status.put(c.key(), CellStatus.SECONDARY);
                }
              }
            }
            if (hidden == 0) {
              throw new IllegalStateException("disclosure audit (level 2) failed for " + year
                  + ": " + narrow + ", and no published cell near them can be withheld");
            }
            only = narrow.stream().map(IntervalAudit.Bounds::key)
                .collect(java.util.stream.Collectors.toSet());
          }
          // a withheld cell that the published ones give anyway protects nothing: published
          // again (it adds nothing a reader did not have), so no ':' is derivable
          for (String k : GaussSuppression.implied(cells, status)) {
            status.put(k, CellStatus.PUBLISHED);
          }
          for (GaussSuppression.Cell c : cells) {
            widened += c.hidden() && status.get(c.key()) == CellStatus.SECONDARY ? 1 : 0;
          }
          checkLevelOne(cells, status, year);
        }
        for (Map.Entry<String, CellStatus> st : status.entrySet()) {
          if (f.total() != null && st.getKey().startsWith(f.total().id() + "|")) {
            continue; // its own family's to report
          }
          if (st.getValue() == CellStatus.EXPOSED) {
            exposed.add(year + "|" + st.getKey());
          }
          if (st.getValue() == CellStatus.SECONDARY && !st.getKey().startsWith(Earlier.PREFIX)) {
            String[] k = st.getKey().split("\\|", 2);
            withheld.add(year + "|" + k[1] + "#" + k[0]);
            added++;
            if (earlier.published(year, st.getKey())) {
              crossRelease++;
            }
          }
        }
      }
    }
    exposed.addAll(exposedIntervals);
    return new Protection(0, added, crossRelease, exposed, partCells, widened);
  }

  /**
   * The statuses as the earlier releases alone left them: this release's published cells count
   * as withheld, what the earlier ones published stays published.
   */
  static Map<String, CellStatus> earlierOnly(Map<String, CellStatus> status) {
    Map<String, CellStatus> out = new HashMap<>(status);
    out.replaceAll((k, st) -> st == CellStatus.PUBLISHED ? CellStatus.SECONDARY : st);
    return out;
  }

  /** The rank audit of one problem: no primary cell in the span of the published ones. */
  private static void checkLevelOne(List<GaussSuppression.Cell> cells,
      Map<String, CellStatus> status, int year) {
    List<String> disclosed = new ArrayList<>(GaussSuppression.disclosed(cells, status));
    // a cell that earlier releases alone already give is not this release's to protect
    disclosed.removeIf(k -> status.get(k) == CellStatus.EXPOSED);
    if (!disclosed.isEmpty()) {
      throw new IllegalStateException("disclosure audit failed for " + year
          + ": withheld cells derivable from published ones (this and earlier releases of "
          + "the year): " + disclosed);
    }
  }

  /** Rounds of the level 2 repair before the release stops (each withholds one cell per failure). */
  private static final int MAX_INTERVAL_ROUNDS = 30;

  /** Unit of each inner cell ({@code unit|part} -> index): the part after the last '|' goes. */
  static Map<Integer, String> unitsOfInner(Map<String, Integer> inner) {
    Map<Integer, String> out = new HashMap<>();
    inner.forEach((k, i) -> out.put(i, k.substring(0, k.lastIndexOf('|'))));
    return out;
  }

  /**
   * The parts of a family (disjoint age groups) at every region of this release where they are
   * at or below the threshold (zeros included), or where the region's variables do not give them:
   * each as a primary cell that is never published itself and must stay underivable
   * (publishing.md §2.7: 20-24 = 20-66 − 25-66 is a count like any other). Keys
   * {@code part:<part>|borders|region}.
   */
  static List<GaussSuppression.Cell> partTargets(List<Variable> family,
      List<GaussSuppression.Cell> cells, Map<String, Integer> inner, int threshold) {
    return parts(family, cells, inner, threshold, false);
  }

  /**
   * Every part at every region of this release, as the reader of the published files sees it
   * (value unknown, not primary): the interval audit bounds each.
   */
  static List<GaussSuppression.Cell> allParts(List<Variable> family,
      List<GaussSuppression.Cell> cells, Map<String, Integer> inner) {
    return parts(family, cells, inner, 0, true);
  }

  private static List<GaussSuppression.Cell> parts(List<Variable> family,
      List<GaussSuppression.Cell> cells, Map<String, Integer> inner, int threshold,
      boolean all) {
    if (family.stream().noneMatch(v -> v.parts() != null && !v.parts().isEmpty())) {
      return List.of();
    }
    List<String> parts = new ArrayList<>();
    family.forEach(v -> v.partsOrSelf().forEach(p -> {
      if (!parts.contains(p)) {
        parts.add(p);
      }
    }));
    Map<String, Variable> byId = new HashMap<>();
    family.forEach(v -> byId.put(v.id(), v));
    String[] innerKey = new String[inner.size()];
    inner.forEach((k, i) -> innerKey[i] = k);
    // borders|region -> the region's cells of this release
    Map<String, List<GaussSuppression.Cell>> regions = new TreeMap<>();
    for (GaussSuppression.Cell c : cells) {
      if (!c.key().startsWith(Earlier.PREFIX) && !c.key().startsWith(PART)) {
        String[] k = c.key().split("\\|", 2);
        regions.computeIfAbsent(k[1], x -> new ArrayList<>()).add(c);
      }
    }
    double[] inner0 = all ? null : innerValues(cells, inner, innerKey);
    List<GaussSuppression.Cell> out = new ArrayList<>();
    for (Map.Entry<String, List<GaussSuppression.Cell>> region : regions.entrySet()) {
      for (String part : parts) {
        // a cell whose variable holds the part gives its column: its entries of that part
        GaussSuppression.Cell holder = region.getValue().stream().filter(c -> byId.get(
            c.key().split("\\|", 2)[0]).partsOrSelf().contains(part)).findFirst().orElse(null);
        if (holder == null) {
          continue;
        }
        Map<Integer, java.math.BigInteger> column = new TreeMap<>();
        holder.column().forEach((i, x) -> {
          if (innerKey[i].endsWith("|" + part)) {
            column.put(i, x);
          }
        });
        BigDecimal value = null;
        if (!all) {
          double sum = 0;
          for (Map.Entry<Integer, java.math.BigInteger> e : column.entrySet()) {
            sum += e.getValue().doubleValue() * inner0[e.getKey()];
          }
          sum /= holder.measure().scale().doubleValue();
          value = Double.isNaN(sum) ? null : BigDecimal.valueOf(sum);
          if (value != null && !atMost(value, threshold)) {
            continue;
          }
        }
        out.add(new GaussSuppression.Cell(PART + part + "|" + region.getKey(), column, 0, !all,
            false, false, new GaussSuppression.Measure(value, holder.measure().scale(),
                BigDecimal.ZERO)));
      }
    }
    return out;
  }

  /**
   * The value of every inner cell (a unit's part) that the unit's own cells give, NaN where they
   * leave it open: what the parts of every region are made of.
   */
  private static double[] innerValues(List<GaussSuppression.Cell> cells,
      Map<String, Integer> inner, String[] innerKey) {
    Map<String, List<GaussSuppression.Cell>> ofUnit = new TreeMap<>();
    for (GaussSuppression.Cell c : cells) {
      if (c.key().startsWith(PART) || c.measure() == null || c.measure().value() == null
          || !c.measure().scale().equals(java.math.BigInteger.ONE)) {
        continue;
      }
      java.util.Set<String> units = new java.util.TreeSet<>();
      c.column().keySet().forEach(i -> units.add(innerKey[i].substring(0,
          innerKey[i].lastIndexOf('|'))));
      if (units.size() == 1) {
        ofUnit.computeIfAbsent(units.iterator().next(), k -> new ArrayList<>()).add(c);
      }
    }
    double[] out = new double[inner.size()];
    java.util.Arrays.fill(out, Double.NaN);
    for (Map.Entry<String, List<GaussSuppression.Cell>> u : ofUnit.entrySet()) {
      List<Integer> index = new ArrayList<>(new java.util.TreeSet<>(u.getValue().stream()
          .flatMap(c -> c.column().keySet().stream()).toList()));
      List<double[]> rows = new ArrayList<>();
      for (GaussSuppression.Cell c : u.getValue()) {
        double[] row = new double[index.size() + 1];
        c.column().forEach((i, x) -> row[index.indexOf(i)] = x.doubleValue());
        row[index.size()] = c.measure().value().doubleValue();
        rows.add(row);
      }
      double[] values = IntervalAudit.determined(rows, index.size());
      for (int j = 0; j < index.size(); j++) {
        out[index.get(j)] = values[j];
      }
    }
    return out;
  }

  /** Key prefix of a part cell (never a published row). */
  static final String PART = "part:";

  /**
   * The index of the cell to withhold so that a too narrow interval widens: a published cell of
   * this release (not fixed by an earlier one) of a unit that the target's units share a
   * published sum with, the target's own units first, a single unit before a sum, the smallest
   * value of at least 2 first (withholding a 0 or 1 adds less than the width it lacks); -1 where
   * there is none.
   */
  private static int widening(List<GaussSuppression.Cell> cells, Map<String, CellStatus> status,
      String target, Map<Integer, String> units) {
    GaussSuppression.Cell t = cells.stream().filter(c -> c.key().equals(target)).findFirst()
        .orElseThrow();
    java.util.Set<String> own = new java.util.HashSet<>();
    t.column().keySet().forEach(i -> own.add(units.get(i)));
    java.util.Set<String> near = new java.util.HashSet<>(own);
    for (GaussSuppression.Cell c : cells) {
      CellStatus st = status.get(c.key());
      if (st != null && st.published()
          && c.column().keySet().stream().anyMatch(i -> own.contains(units.get(i)))) {
        c.column().keySet().forEach(i -> near.add(units.get(i)));
      }
    }
    int best = -1;
    long[] bestRank = null;
    for (int i = 0; i < cells.size(); i++) {
      GaussSuppression.Cell c = cells.get(i);
      if (status.get(c.key()) != CellStatus.PUBLISHED || c.fixed()
          || c.key().startsWith(Earlier.PREFIX)
          || c.column().isEmpty()) {
        continue;
      }
      java.util.Set<String> cu = new java.util.HashSet<>();
      c.column().keySet().forEach(k -> cu.add(units.get(k)));
      if (cu.stream().noneMatch(near::contains)) {
        continue;
      }
      long value = c.measure() == null || c.measure().value() == null ? Long.MAX_VALUE
          : c.measure().value().setScale(0, RoundingMode.HALF_UP).longValue();
      long[] rank = {cu.stream().anyMatch(own::contains) ? 0 : 1, cu.size() == 1 ? 0 : 1,
          value >= 2 ? 0 : 1, value};
      if (bestRank == null || java.util.Arrays.compare(rank, bestRank) < 0
          || (java.util.Arrays.compare(rank, bestRank) == 0
              && c.key().compareTo(cells.get(best).key()) < 0)) {
        best = i;
        bestRank = rank;
      }
    }
    return best;
  }

  /**
   * What the releases published before this one, for the years it publishes (publishing.md §2.6):
   * their published level 3 cells are public and stay so, so this release's protection takes them
   * as fixed published cells, and their withheld cells must stay underivable too. A unit (a
   * municipality or district of a family's variables) is the same unknown in both releases unless
   * an earlier release published one of its cells with another value than now (a revision): then
   * its value there is a separate unknown, and the old value published says nothing of the new.
   */
  record Earlier(Map<String, List<Row>> byRelease, java.util.Set<String> publishedCells) {

    static final String PREFIX = "earlier:";

    static final Earlier NONE = new Earlier(Map.of(), java.util.Set.of());

    /** The published rows of every earlier release, as published_key_figures holds them. */
    static Earlier of(List<Row> publishedRows) {
      Map<String, List<Row>> byRelease = new TreeMap<>();
      java.util.Set<String> published = new java.util.HashSet<>();
      for (Row r : publishedRows) {
        byRelease.computeIfAbsent(r.getAs("release_id"), k -> new ArrayList<>()).add(r);
        if (r.<Integer>getAs("level") == 3 && r.getAs("status") == null) {
          published.add(r.getAs("year") + "|" + r.getAs("indicator") + "|"
              + r.getAs("structure_year") + "|" + r.getAs("region"));
        }
      }
      return new Earlier(byRelease, published);
    }

    /** Whether an earlier release published the cell (key variable|borders|region) of the year. */
    boolean published(int year, String key) {
      return publishedCells.contains(year + "|" + key);
    }

    /**
     * The earlier releases' cells of a family and year, on the shared inner index: their
     * published cells fixed, their withheld cells to be kept underivable, except a withheld cell
     * that is the same linear form as a cell this release may publish (its secondary cells then:
     * not small themselves, and nothing new).
     */
    List<GaussSuppression.Cell> cells(LinearForms forms, List<Variable> family, int year,
        Map<String, Row> currentRows, Map<String, Integer> inner,
        Map<String, GaussSuppression.Cell> current) {
      List<GaussSuppression.Cell> out = new ArrayList<>();
      for (Map.Entry<String, List<Row>> e : byRelease.entrySet()) {
        Map<String, Row> rows = levelThree(e.getValue(), r -> r.getAs("status") == null
            || SUPPRESSED.equals(r.getAs("status"))).getOrDefault(year, Map.of());
        if (rows.isEmpty()) {
          continue;
        }
        java.util.Set<String> revised = revisedUnits(family, rows, currentRows);
        String release = e.getKey();
        String prefix = PREFIX + release + ":";
        for (GaussSuppression.Cell c : problem(forms, family, year, rows,
            (v, r) -> SUPPRESSED.equals(r.getAs("status")), inner, prefix,
            unit -> revised.contains(unit) ? unit + "@" + release : unit, true)) {
          GaussSuppression.Cell now = current.get(c.key().substring(prefix.length()));
          if (c.primary() && now != null && !now.primary() && now.column().equals(c.column())) {
            continue;
          }
          out.add(c);
        }
      }
      return out;
    }

    /**
     * The regions whose published value of a family variable (on any border) differs from the
     * current one, rounded alike: their values are other unknowns in that release.
     */
    private static java.util.Set<String> revisedUnits(List<Variable> family,
        Map<String, Row> earlier, Map<String, Row> current) {
      java.util.Set<String> ids = new java.util.HashSet<>();
      family.forEach(v -> ids.add(v.id()));
      java.util.Set<String> revised = new java.util.TreeSet<>();
      earlier.forEach((key, r) -> {
        BigDecimal was = r.getAs("value");
        if (!ids.contains(r.<String>getAs("indicator")) || was == null) {
          return;
        }
        Row now = current.get(key);
        BigDecimal is = now == null ? null : now.getAs("value");
        int decimals = r.getAs("decimals");
        if (is == null || is.setScale(decimals, RoundingMode.HALF_UP)
            .compareTo(was.setScale(decimals, RoundingMode.HALF_UP)) != 0) {
          revised.add(r.getAs("region"));
        }
      });
      return revised;
    }
  }

  /**
   * The variables that can have withheld cells (protected counts, and every variable of a source
   * with protect_by), by family: variables that add up are protected together. A family within a
   * total of another ({@code within: mottakere}) comes after the total's own family.
   */
  static List<Family> protectedFamilies(KeyFigureDefinitions defs) {
    Map<String, List<Variable>> members = new TreeMap<>();
    for (Variable v : defs.variables()) {
      if (v.protectedCount() || defs.source(v.source()).protectBy() != null) {
        members.computeIfAbsent(v.familyOrSelf(), f -> new ArrayList<>()).add(v);
      }
    }
    List<Family> own = new ArrayList<>();
    List<Family> within = new ArrayList<>();
    members.forEach((name, vars) -> {
      java.util.Set<String> totals = new java.util.TreeSet<>();
      vars.forEach(v -> {
        if (v.within() != null) {
          totals.add(v.within());
        }
      });
      if (totals.isEmpty()) {
        own.add(new Family(name, List.copyOf(vars), null));
        return;
      }
      Variable total = defs.variable(totals.iterator().next());
      if (totals.size() > 1 || vars.size() != vars.stream().filter(v -> v.within() != null)
          .count() || total == null || !total.protectedCount() || total.within() != null
          || vars.stream().anyMatch(v -> !v.protectedCount() || v.partsOrSelf()
              .contains(REST))) {
        throw new IllegalStateException("family " + name + ": every variable must be a count "
            + "of persons within the same counted total (within: " + totals + "), itself "
            + "within none, and no part may be called '" + REST + "'");
      }
      List<String> parts = new ArrayList<>();
      vars.forEach(v -> v.partsOrSelf().forEach(p -> {
        if (!parts.contains(p)) {
          parts.add(p);
        }
      }));
      parts.add(REST);
      within.add(new Family(name, List.copyOf(vars), total.withParts(parts)));
    });
    List<Family> out = new ArrayList<>(own);
    out.addAll(within);
    return out;
  }

  /** The part of a family's total in none of the family's variables ({@link Family#total}). */
  static final String REST = "rest";

  /**
   * One protection problem's variables (publishing.md §2.6). {@code total} (null but for a family
   * within another's total, such as the recipients with work income within all recipients): that
   * total, with the family's parts and {@link #REST} (its persons in none of them) as its parts,
   * so that the complement total − subset is a part like any other and must stay underivable
   * where it is small. The total's cells keep the statuses its own family gave them (fixed here,
   * so the two problems need no joint solution), and that is enough: the rest is in no other
   * cell of this family, so whatever combination of this family's published cells gives a
   * combination of totals, the published totals alone give it too — this family tells a reader
   * nothing new of its total, and the total's own family nothing new of this one.
   */
  record Family(String name, List<Variable> members, Variable total) {

    /** The total (where there is one) and the members: the problem's variables. */
    List<Variable> variables() {
      if (total == null) {
        return members;
      }
      List<Variable> out = new ArrayList<>(members);
      out.add(0, total);
      return out;
    }

    /** Whether every variable is a count of persons (the interval audit's non-negativity). */
    boolean counts() {
      return variables().stream().allMatch(Variable::protectedCount);
    }
  }

  /** Level 3 rows that pass {@code keep}: data year -> variable|borders|region -> row. */
  static Map<Integer, Map<String, Row>> levelThree(List<Row> rows,
      java.util.function.Predicate<Row> keep) {
    Map<Integer, Map<String, Row>> byYear = new TreeMap<>();
    for (Row r : rows) {
      if (r.<Integer>getAs("level") == 3 && keep.test(r)) {
        byYear.computeIfAbsent(r.getAs("year"), y -> new HashMap<>()).put(r.getAs("indicator")
            + "|" + r.getAs("structure_year") + "|" + r.getAs("region"), r);
      }
    }
    return byYear;
  }

  /**
   * One protection problem: every cell of a family's variables in a data year, on every border,
   * as an integer column over the units (and parts) it sums ({@link LinearForms}, estimation
   * coefficients scaled to integers); {@code withheld} says which are withheld. Keys are
   * {@code variable|borders|region}.
   */
  static List<GaussSuppression.Cell> problem(LinearForms forms, List<Variable> family, int year,
      Map<String, Row> rows, java.util.function.BiPredicate<Variable, Row> withheld) {
    return problem(forms, family, year, rows, withheld, new TreeMap<>(), "", unit -> unit, false);
  }

  /**
   * The cells of one release in a problem that may hold several: {@code inner} (unit|part ->
   * index) is shared between the releases, {@code prefix} starts the keys, {@code unitName} names
   * the unknown a unit's value is in this release (a unit whose value was revised is another
   * unknown in each release), and {@code published} cells are fixed (already public).
   */
  static List<GaussSuppression.Cell> problem(LinearForms forms, List<Variable> family, int year,
      Map<String, Row> rows, java.util.function.BiPredicate<Variable, Row> withheld,
      Map<String, Integer> inner, String prefix, java.util.function.UnaryOperator<String> unitName,
      boolean published) {
    List<GaussSuppression.Cell> cells = new ArrayList<>();
    for (Variable v : family) {
      Map<Integer, java.util.Set<String>> reported = new TreeMap<>();
      rows.forEach((k, r) -> {
        if (k.startsWith(v.id() + "|")) {
          reported.computeIfAbsent(r.getAs("structure_year"), x -> new java.util.TreeSet<>())
              .add(r.getAs("region"));
        }
      });
      for (Map.Entry<Integer, java.util.Set<String>> b : reported.entrySet()) {
        var regionForms = forms.of(v.id(), year, b.getKey(), b.getValue());
        for (var f : regionForms.entrySet()) {
          Row r = rows.get(v.id() + "|" + b.getKey() + "|" + f.getKey());
          if (r == null) {
            continue;
          }
          Map<String, LinearForms.Coefficient> form = new TreeMap<>();
          f.getValue().forEach((unit, c) -> v.partsOrSelf().forEach(p ->
              form.put(unitName.apply(unit) + "|" + p, c)));
          form.keySet().forEach(k -> inner.putIfAbsent(k, inner.size()));
          BigDecimal value = r.getAs("value");
          boolean primary = withheld.test(v, r);
          java.math.BigInteger scale = scale(form);
          cells.add(new GaussSuppression.Cell(prefix + v.id() + "|" + b.getKey() + "|"
              + f.getKey(), integerColumn(form, inner, scale),
              value == null ? 0 : value.multiply(BigDecimal.valueOf(v.suppressionWeightOrOne()))
                  .setScale(0, RoundingMode.HALF_UP).longValue(),
              primary, published && !primary, false, measure(v, r, form, scale, primary)));
        }
      }
    }
    return cells;
  }

  /** The LCM of a form's denominators: the column's scale. */
  private static java.math.BigInteger scale(Map<String, LinearForms.Coefficient> form) {
    java.math.BigInteger lcm = java.math.BigInteger.ONE;
    for (LinearForms.Coefficient c : form.values()) {
      lcm = lcm.divide(lcm.gcd(c.den())).multiply(c.den());
    }
    return lcm;
  }

  /**
   * What the cell's value says of its column (for the interval audit): a published value as
   * published (rounded to its decimals), a withheld one as known here (null in an audit from the
   * published files); exact for a count summed with whole coefficients, else within half a unit
   * of the last published digit (an estimate, or an amount of rounded parts).
   */
  private static GaussSuppression.Measure measure(Variable v, Row r,
      Map<String, LinearForms.Coefficient> form, java.math.BigInteger scale, boolean withheld) {
    BigDecimal value = r.getAs("value");
    int decimals = r.getAs("decimals");
    if (value != null && !withheld) {
      value = value.setScale(decimals, RoundingMode.HALF_UP);
    }
    boolean exact = v.protectedCount() && scale.equals(java.math.BigInteger.ONE)
        && form.values().stream().allMatch(c -> c.den().equals(java.math.BigInteger.ONE));
    return new GaussSuppression.Measure(value, scale, exact ? BigDecimal.ZERO
        : BigDecimal.valueOf(5, decimals + 1));
  }

  /** Rational coefficients scaled by the LCM of their denominators (a span does not change). */
  private static Map<Integer, java.math.BigInteger> integerColumn(
      Map<String, LinearForms.Coefficient> form, Map<String, Integer> unitIndex,
      java.math.BigInteger lcm) {
    Map<Integer, java.math.BigInteger> column = new TreeMap<>();
    for (Map.Entry<String, LinearForms.Coefficient> c : form.entrySet()) {
      column.put(unitIndex.get(c.getKey()),
          c.getValue().num().multiply(lcm.divide(c.getValue().den())));
    }
    return column;
  }

  /** Whether the variable's cell must be withheld: a small count, or from a source small here. */
  private static boolean small(KeyFigureDefinitions defs, Variable v,
      Map<String, BigDecimal> values, int threshold) {
    if (v == null) {
      return false;
    }
    if (v.protectedCount() && atMost(values.get(v.id()), threshold)) {
      return true;
    }
    Source s = defs.source(v.source());
    return s.protectBy() != null && atMost(values.get(s.protectBy()), threshold);
  }

  /** An estimated aggregate of 3.4 persons is published as 3: the rounded count decides. */
  static boolean atMost(BigDecimal count, int threshold) {
    return count != null && count.setScale(0, RoundingMode.HALF_UP)
        .compareTo(BigDecimal.valueOf(threshold)) <= 0;
  }

  static String cell(Row r) {
    return r.getAs("year") + "|" + r.getAs("structure_year") + "|" + r.getAs("region");
  }

  private static byte[] completenessCsv(List<Completeness.Form> forms) {
    StringWriter out = new StringWriter();
    try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setDelimiter(';')
        .setRecordSeparator("\n").setHeader("year", "skjema", "expected", "delivered", "accepted",
            "accepted_with_warnings", "rejected", "missing", "rejected_regions", "missing_regions")
        .get())) {
      for (Completeness.Form f : forms) {
        csv.printRecord(f.year(), f.skjema(), f.expected(), f.delivered(), f.accepted(),
            f.acceptedWithWarnings(), f.rejected().size(), f.missing().size(),
            String.join(" ", f.rejected()), String.join(" ", f.missing()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The published rows of the years before the job's (at most four), each from the newest release
   * that published it, on {@code structureYear}'s borders: the fact sheets' time series.
   */
  private static List<Row> earlierYears(Warehouse warehouse, ReleaseJob job, int structureYear) {
    if (!warehouse.exists(RELEASES)) {
      return List.of();
    }
    int newest = job.years().stream().max(Integer::compare).orElseThrow();
    Map<Integer, Row> latest = new TreeMap<>(); // year -> newest release with it
    for (Row r : warehouse.read(RELEASES).orderBy(col("created_at"), col("release_id"))
        .collectAsList()) {
      for (Integer y : r.<Integer>getList(r.fieldIndex("years"))) {
        if (y < newest && y > newest - 5 && !job.years().contains(y)) {
          latest.put(y, r);
        }
      }
    }
    if (latest.isEmpty()) {
      return List.of();
    }
    org.apache.spark.sql.Column which = lit(false);
    for (Map.Entry<Integer, Row> e : latest.entrySet()) {
      which = which.or(col("year").equalTo(e.getKey())
          .and(col("release_id").equalTo(e.getValue().<String>getAs("release_id"))));
    }
    return warehouse.read(PUBLISHED).where(which.and(col("structure_year").equalTo(structureYear)))
        .collectAsList();
  }

  /** The Delta version of every input table the figures were computed from. */
  private static Map<String, Long> inputVersions(Warehouse warehouse) {
    Map<String, Long> versions = new TreeMap<>();
    for (String table : List.of(Tables.SUBMISSIONS, Tables.REGNSKAP, "sosialhjelp",
        "kvalifisering", "staffing", "benefit_rates")) {
      if (warehouse.exists(table)) {
        versions.put(table, io.delta.tables.DeltaTable.forPath(warehouse.spark(),
            warehouse.path(table)).history(1).select("version").first().getLong(0));
      }
    }
    return versions;
  }

  /** SHA-256 over the files of a folder (relative path and bytes, in path order). */
  static String treeHash(Path dir) {
    MessageDigest sha = sha256();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        sha.update(dir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
        sha.update(Files.readAllBytes(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return hex(sha.digest());
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}

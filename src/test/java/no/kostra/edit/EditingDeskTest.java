package no.kostra.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import no.kostra.EndToEnd;
import no.kostra.TestBase;
import no.kostra.cli.KostraCli;
import no.kostra.generate.PlantedErrors;
import no.kostra.generate.PlantedErrors.Planted;
import no.kostra.reference.Classifications;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The editing desk on Vestland's 43 municipalities, 2024 and 2025: the planted mistakes are found
 * at the top of their variables and the same year without them ranks none of them; decisions reach
 * the page and the release's manifest; {@code explain} reconciles a municipality, an estimated
 * KOSTRA group and the country with the published numerators, and says nothing of a withheld cell.
 */
@EndToEnd
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EditingDeskTest extends TestBase {

  private Path wh;
  private Path key;
  private Path planted2025;
  private List<Planted> planted;
  private Warehouse warehouse;
  private String releaseId;
  private int stepsPassed;

  private void after(int steps) {
    Assumptions.assumeTrue(stepsPassed == steps, "an earlier step failed");
  }

  private static String cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = KostraCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    assertEquals(0, rc, String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
  }

  private String inWarehouse(String... args) {
    List<String> all = new ArrayList<>(List.of("--warehouse", wh.toString()));
    all.addAll(List.of(args));
    return cli(all.toArray(String[]::new));
  }

  /** The candidates of a year: variable|region -> (rank, candidate, status). */
  private Map<String, Row> candidates() {
    return sql(warehouse, "SELECT variable, region, rank_in_variable, candidate, status, score "
        + "FROM edit_candidates WHERE year = 2025").stream()
        .collect(Collectors.toMap(r -> r.getString(0) + "|" + r.getString(1), r -> r));
  }

  @Test
  @Order(1)
  void thePlantedErrorsAreMadeInTheFilesAndNothingElseChanges() throws Exception {
    String vestland = Classifications.load(SCHEMAS).municipalities(2025).stream()
        .filter(m -> m.countyCode().equals("46")).map(Classifications.Municipality::code)
        .collect(Collectors.joining(","));
    Path root = tempDir("edit");
    wh = root.resolve("warehouse");
    key = root.resolve("pseudonym.key");
    cli("keygen", "--out", key.toString());
    for (String y : List.of("2024", "2025")) {
      cli("generate", "--year", y, "--out", root.resolve("in" + y).toString(), "--only",
          vestland, "--forms", "regnskap,sosial", "--seed", "46");
    }
    planted2025 = root.resolve("planted2025");
    cli("generate", "--year", "2025", "--out", planted2025.toString(), "--only", vestland,
        "--forms", "regnskap,sosial", "--seed", "46", "--plant-errors");
    planted = PlantedErrors.read(planted2025);
    assertEquals(List.of("nok_not_thousands", "income_sign", "function_swap", "doubled_file",
        "repeated_month"), planted.stream().map(Planted::kind).toList());
    assertEquals(5, planted.stream().map(Planted::region).distinct().count(),
        "each mistake in a municipality of its own");
    // the planted folder differs from the plain one in exactly the planted files
    Set<String> differ = new TreeSet<>();
    try (Stream<Path> files = Files.list(planted2025)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path plain = root.resolve("in2025").resolve(f.getFileName());
        if (!Files.exists(plain) || !java.util.Arrays.equals(Files.readAllBytes(f),
            Files.readAllBytes(plain))) {
          differ.add(f.getFileName().toString());
        }
      }
    }
    Set<String> expected = new TreeSet<>(Set.of(PlantedErrors.MANIFEST));
    planted.forEach(p -> expected.addAll(p.files()));
    assertEquals(expected, differ);
    warehouse = warehouse(wh);
    stepsPassed = 1;
  }

  @Test
  @Order(2)
  void withoutThePlantedErrorsNoneOfThemRanksAtTheTop() {
    after(1);
    inWarehouse("ingest", wh.getParent().resolve("in2024").toString(), "--key-file",
        key.toString());
    inWarehouse("ingest", wh.getParent().resolve("in2025").toString(), "--key-file",
        key.toString());
    inWarehouse("compute", "--year", "2024,2025");
    String printed = inWarehouse("outliers", "--year", "2025");
    Assertions.assertTrue(printed.contains("2025 against 2024 (the warehouse's key_figures)"),
        printed);
    Map<String, Row> c = candidates();
    for (Planted p : planted) {
      Row r = c.get(p.variables().get(0) + "|" + p.region());
      Assertions.assertTrue(r != null, p + " has a row");
      Assertions.assertTrue(!r.getBoolean(3) || r.getInt(2) > 3, "unplanted, " + p.kind() + " "
          + p.region() + " ranks " + r.get(2) + " (" + r.get(4) + ")");
    }
    // nothing is dropped: every value of the year has a row, the unscorable ones say why
    long values = sql(warehouse, "SELECT count(*) FROM key_figures WHERE year = 2025 AND "
        + "structure_year = (SELECT max(structure_year) FROM key_figures WHERE year = 2025) AND "
        + "region_level IN ('kommune', 'bydel', 'fylkeskommune')").get(0).getLong(0);
    assertEquals(values, c.size());
    assertEquals(List.of(), sql(warehouse, "SELECT variable, region FROM edit_candidates WHERE "
        + "year = 2025 AND status NOT IN ('within', 'outlier') AND note IS NULL AND status "
        + "NOT IN ('zero', 'sign_change', 'to_zero', 'from_zero')"));
    // a KOSTRA group with few Vestland members is scored against every municipality, and says so
    Assertions.assertFalse(sql(warehouse, "SELECT 1 FROM edit_candidates WHERE year = 2025 AND "
        + "note LIKE '%fewer than 8 units%'").isEmpty());
    stepsPassed = 2;
  }

  @Test
  @Order(3)
  void everyPlantedErrorTopsItsVariable() {
    after(2);
    // the municipalities send the files with the mistakes (under the same names: new submissions)
    inWarehouse("ingest", planted2025.toString(), "--key-file", key.toString());
    inWarehouse("compute", "--year", "2025");
    inWarehouse("outliers", "--year", "2025");
    Map<String, Row> c = candidates();
    Set<String> plantedRegions = planted.stream().map(Planted::region).collect(Collectors.toSet());
    for (Planted p : planted) {
      String variable = p.variables().get(0);
      Row r = c.get(variable + "|" + p.region());
      Assertions.assertTrue(r.getBoolean(3), p + " is a candidate: " + r);
      // no municipality without a planted mistake ranks above it
      List<String> above = c.values().stream().filter(x -> x.getString(0).equals(variable)
              && x.get(2) != null && x.getInt(2) < r.getInt(2)
              && !plantedRegions.contains(x.getString(1)))
          .map(x -> x.getString(1) + " " + x.get(5)).toList();
      assertEquals(List.of(), above, p.kind() + " " + p.region() + " " + variable + " rank "
          + r.get(2));
    }
    Planted swap = planted.stream().filter(p -> p.kind().equals("function_swap")).findFirst()
        .orElseThrow();
    assertEquals("to_zero", c.get("nd_281|" + swap.region()).getString(4));
    Planted sign = planted.stream().filter(p -> p.kind().equals("income_sign")).findFirst()
        .orElseThrow();
    if (sign.variables().get(0).equals("tilskudd_sosial")) {
      assertEquals("sign_change", c.get("tilskudd_sosial|" + sign.region()).getString(4));
    }
    stepsPassed = 3;
  }

  @Test
  @Order(4)
  void decisionsAreRecordedAndShownOnThePage() throws Exception {
    after(3);
    Planted doubled = planted.stream().filter(p -> p.kind().equals("doubled_file")).findFirst()
        .orElseThrow();
    Planted nok = planted.stream().filter(p -> p.kind().equals("nok_not_thousands")).findFirst()
        .orElseThrow();
    inWarehouse("decide", "--year", "2025", "--region", doubled.region(), "--variable",
        "nd_sosial", "--decision", "queried", "--reason", "0M looks doubled: asked", "--by", "ola");
    inWarehouse("decide", "--year", "2025", "--region", doubled.region(), "--variable",
        "nd_sosial", "--decision", "corrected", "--reason", "new 0M promised", "--by", "ola");
    inWarehouse("decide", "--year", "2025", "--region", nok.region(), "--variable",
        "nd_sosial", "--decision", "accepted", "--reason", "checked with the municipality",
        "--by", "kari");
    // the doubled 0M has rule 015's WARNING (duplicates): a finding can be decided too
    inWarehouse("decide", "--year", "2025", "--file", "0M_2025_" + doubled.region() + "00.dat",
        "--rule", "015", "--decision", "accepted", "--reason", "duplicates are the doubling",
        "--by", "ola");
    // the latest decision per item counts; the table keeps them all
    assertEquals(List.of(row("candidate", 3L), row("finding", 1L)), sql(warehouse,
        "SELECT item, count(*) FROM edit_decisions GROUP BY item ORDER BY item"));
    Decisions.Summary summary = Decisions.summary(warehouse, 2025);
    assertEquals(Map.of("accepted", 1L, "corrected", 1L), summary.decided());
    assertEquals(summary.candidates() - 2, summary.open());
    String page = Files.readString(EditPages.folder(warehouse, 2025).resolve("outliers.html"));
    Assertions.assertTrue(page.contains("new 0M promised (ola"),
        "the page shows the latest decision");
    Assertions.assertFalse(page.contains("0M looks doubled"), "not the earlier one");
    Assertions.assertTrue(page.contains("duplicates are the doubling"),
        "and the finding's decision");
    Assertions.assertTrue(page.contains("id=\"r-" + doubled.region() + "\""),
        "with its submissions");
    String csv = Files.readString(EditPages.folder(warehouse, 2025).resolve("outliers.csv"));
    Assertions.assertTrue(csv.lines().anyMatch(l -> l.contains(";nd_sosial;")
        && l.contains(doubled.region()) && l.contains(";corrected;new 0M promised;ola;")),
        "the CSV has the decision");
    // an item that does not exist is refused, naming what to do
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertNotEquals(0, KostraCli.run(System.out, new PrintStream(err, true,
            StandardCharsets.UTF_8), "--warehouse", wh.toString(), "decide", "--year", "2025",
        "--region", doubled.region(), "--variable", "nd_sosila", "--decision", "accepted",
        "--reason", "typo"));
    Assertions.assertTrue(err.toString(StandardCharsets.UTF_8).contains("no value of nd_sosila"),
        err.toString(StandardCharsets.UTF_8));
    stepsPassed = 4;
  }

  @Test
  @Order(5)
  void theReleaseManifestCountsTheUndecidedCandidates() throws Exception {
    after(4);
    Path job = wh.getParent().resolve("2025-final.yaml");
    Files.writeString(job, String.join("\n", "id: 2025-final", "years: [2025]",
        "release_date: 2026-06-15", "kind: final", "input: " + planted2025.toAbsolutePath(),
        "tables: [key_figures, completeness]", "exports: [csv]", "suppression: {threshold: 3}",
        ""));
    String printed = inWarehouse("release", "--job", job.toString(), "--key-file",
        key.toString());
    releaseId = sql(warehouse, "SELECT release_id FROM releases").get(0).getString(0);
    JsonNode manifest = new ObjectMapper().readTree(no.kostra.release.Publication
        .folder(warehouse).resolve(releaseId).resolve("manifest.json").toFile());
    Decisions.Summary summary = Decisions.summary(warehouse, 2025);
    JsonNode editing = manifest.get("editing").get("2025");
    assertEquals(summary.open(), editing.get("undecided").asLong());
    assertEquals(summary.candidates(), editing.get("candidates").asLong());
    assertEquals(1, editing.get("decided").get("corrected").asLong());
    Assertions.assertTrue(printed.contains(summary.line()), printed);
    stepsPassed = 5;
  }

  private JsonNode explain(String region, String indicator, boolean unpublished)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("explain", "--year", "2025", "--region", region,
        "--indicator", indicator, "--format", "json"));
    if (unpublished) {
      args.add("--unpublished");
    }
    String out = inWarehouse(args.toArray(String[]::new));
    return new ObjectMapper().readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
  }

  private static BigDecimal dec(JsonNode n) {
    return new BigDecimal(n.asText());
  }

  @Test
  @Order(6)
  void explainReconcilesAMunicipalityAnEstimatedGroupAndTheCountry() throws Exception {
    after(5);
    // a municipality: its accounting by function x art adds up to the published numerator
    Planted doubled = planted.stream().filter(p -> p.kind().equals("doubled_file")).findFirst()
        .orElseThrow();
    JsonNode m = explain(doubled.region(), "nd_sosial_per_innbygger", false);
    JsonNode num = m.get("numerator");
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonNode line : num.get("accounting")) {
      sum = sum.add(dec(line.get("contribution")));
    }
    assertEquals(0, sum.compareTo(dec(num.get("published"))), "Σ accounting = published");
    assertEquals(0, dec(num.get("sum_of_accounting")).compareTo(dec(num.get("published"))));
    JsonNode submission = num.get("submissions").get(0);
    assertEquals("0M_2025_" + doubled.region() + "00.dat", submission.get("file").asText());
    assertEquals(sql(warehouse, "SELECT submission_id FROM submissions WHERE source_file LIKE "
            + "'%planted2025/0M_2025_" + doubled.region() + "00.dat'").get(0).getString(0),
        submission.get("sha256").asText());
    assertEquals(m.get("definition").get("definitions_version").asText(),
        sql(warehouse, "SELECT definition_version FROM releases").get(0).getString(0));
    Assertions.assertTrue(m.get("release").get("input_tables").has("regnskap"));
    // an estimated KOSTRA group and the country: members reported and estimated
    List<Row> estimated = sql(warehouse, "SELECT region FROM published_key_figures WHERE "
        + "release_id = '" + releaseId + "' AND year = 2025 AND indicator = 'nd_sosial' AND "
        + "region LIKE 'EKG%' AND flags LIKE '%estimated%' AND members_reported > 0 "
        + "AND structure_year = 2026 ORDER BY members_reported DESC, region LIMIT 1");
    Assertions.assertFalse(estimated.isEmpty(), "an estimated KOSTRA group is published");
    for (String region : List.of(estimated.get(0).getString(0), "EAK")) {
      JsonNode p = explain(region, "nd_sosial_per_innbygger", false);
      for (String side : List.of("numerator", "denominator")) {
        JsonNode part = p.get(side);
        BigDecimal shown = BigDecimal.ZERO;
        int estimates = 0;
        boolean withheld = false;
        for (JsonNode member : part.get("members")) {
          if (member.get("value").isNull()) {
            continue;
          }
          if (member.get("value").asText().equals(":")) {
            withheld = true;
            continue;
          }
          shown = shown.add(dec(member.get("value")));
          estimates += member.get("kind").asText().equals("estimated") ? 1 : 0;
        }
        BigDecimal rest = dec(part.get("withheld_members_and_rounding"));
        // the parts shown and the remainder add up exactly to the published figure ...
        assertEquals(0, shown.add(rest).compareTo(dec(part.get("published"))), region + " "
            + side);
        // ... and without a withheld member the remainder is the estimates' rounding alone
        if (!withheld) {
          Assertions.assertTrue(rest.abs().compareTo(BigDecimal.valueOf(estimates + 1)
              .multiply(new BigDecimal("0.5"))) <= 0, region + " " + side + " rest " + rest);
        }
      }
      Assertions.assertTrue(p.get("why").toString().contains("estimated"), p.get("why").toString());
      // the statistician's view: the exact members add up to the warehouse's numerator, which
      // the release rounded
      JsonNode exact = explain(region, "nd_sosial", true).get("numerator");
      BigDecimal members = BigDecimal.ZERO;
      for (JsonNode member : exact.get("members")) {
        if (!member.get("value").isNull()) {
          members = members.add(dec(member.get("value")));
        }
      }
      BigDecimal warehouseValue = dec(exact.get("warehouse_value"));
      // key_figures keeps 10 decimals of the sum (the estimates have 12)
      assertEquals(0, members.setScale(10, RoundingMode.HALF_UP).compareTo(warehouseValue),
          region + " Σ members = key_figures");
      assertEquals(0, warehouseValue.setScale(0, RoundingMode.HALF_UP)
          .compareTo(dec(exact.get("published"))), region + " rounds to the published value");
    }
    stepsPassed = 6;
  }

  @Test
  @Order(7)
  void explainingAWithheldCellRevealsNothingTheReleaseDidNotPublish() throws Exception {
    after(6);
    List<Row> withheld = sql(warehouse, "SELECT p.region, p.indicator, k.numerator, "
        + "k.denominator FROM published_key_figures p JOIN key_figures k ON k.year = p.year AND "
        + "k.structure_year = p.structure_year AND k.region = p.region AND k.indicator = "
        + "p.indicator WHERE p.release_id = '" + releaseId + "' AND p.year = 2025 AND "
        + "p.status = ':' AND p.level = 1 AND p.region_level = 'kommune' AND "
        + "k.denominator IS NOT NULL ORDER BY p.region, p.indicator LIMIT 1");
    Assertions.assertFalse(withheld.isEmpty(),
        "Vestland's smallest municipalities have withheld cells");
    Row cell = withheld.get(0);
    JsonNode e = explain(cell.getString(0), cell.getString(1), false);
    assertEquals(":", e.get("cell").get("status").asText());
    assertEquals(":", e.get("numerator").get("published").asText());
    assertEquals(":", e.get("denominator").get("published").asText());
    // the numerator and denominator say ":" and which variable, nothing else
    for (String side : List.of("numerator", "denominator")) {
      List<String> fields = new ArrayList<>();
      e.get(side).fieldNames().forEachRemaining(fields::add);
      assertEquals(List.of("published", "variable"), fields.stream().sorted().toList(), side);
    }
    String all = e.toString();
    for (String leak : List.of("\"members\"", "\"accounting\"", "warehouse_value",
        "\"sha256\"", "primary", "secondary cell")) {
      Assertions.assertFalse(all.contains(leak),
          "a withheld cell's explanation holds no " + leak + ": " + all);
    }
    // the warehouse view says what the statistician may know, behind the flag
    JsonNode inside = explain(cell.getString(0), cell.getString(1), true);
    Assertions.assertTrue(inside.get("why").toString()
            .contains("in the warehouse (not for publication)"),
        inside.get("why").toString());
    stepsPassed = 7;
  }
}

package no.kostra.release;

import static no.kostra.release.PublishedRows.cell;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import no.kostra.keyfigures.KeyFigureDefinitions;
import no.kostra.keyfigures.RegionStructure.Comparison;
import no.kostra.schemas.SchemaDir;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fact sheets from published rows written by hand: what a page shows, that it shows only
 * published cells, that it is the same bytes twice, and that a browser (Debian's headless
 * Chromium) renders its figures and charts.
 */
class FactSheetsTest {

  private static final KeyFigureDefinitions DEFS = KeyFigureDefinitions.load(SchemaDir.locate());
  private static final String ND = "nd_sosial_per_innbygger";
  private static final String NBSP = "\u00a0";

  private static List<Row> published() {
    List<Row> rows = new ArrayList<>();
    String[][] nd = { // region, name, level, 2024, 2025, flags
        {"4601", "Bergen", "kommune", "5612", "5799", null},
        {"EKG12", "KOSTRA-gruppe 12", "EKG", "5100", "5234", null},
        {"EKA46", "Vestland (kommunene)", "EKA", "5000", "5271", "estimated"},
        {"EAK", "Landet", "EAK", "4700", "4844", "estimated"},
        {"EAKUO", "Landet uten Oslo", "EAKUO", "4900", "5063", "estimated"},
        {"1151", "Utsira", "kommune", "20315", "21004", null},
        {"EKA11", "Rogaland (kommunene)", "EKA", "4500", "4600", null}};
    for (String[] r : nd) {
      rows.add(cell(2024, 2026, r[0], r[1], r[2], ND, 1, r[3], null, 0, r[5]));
      rows.add(cell(2025, 2026, r[0], r[1], r[2], ND, 1, r[4], null, 0, r[5]));
    }
    rows.add(cell(2025, 2026, "4601", "Bergen", "kommune", "antall_mottakere", 1, "7795", null,
        0, null));
    rows.add(cell(2025, 2026, "1151", "Utsira", "kommune", "antall_mottakere", 1, null, ":", 0,
        null));
    rows.add(cell(2025, 2026, "4601", "Bergen", "kommune", "andel_nd_242", 2, "12.3", null, 1,
        null));
    rows.add(cell(2025, 2026, "EKG12", "KOSTRA-gruppe 12", "EKG", "andel_nd_242", 2, "11", null, 1,
        null));
    rows.add(cell(2025, 2026, "4601", "Bergen", "kommune", "mottakere", 3, "7795", null, 0, null));
    // the year's own borders: not what a fact sheet's series is on
    rows.add(cell(2025, 2025, "4601", "Bergen", "kommune", ND, 1, "99999", null, 0, null));
    return rows;
  }

  private static final Map<String, Comparison> COMPARISONS = Map.of(
      "4601", new Comparison("EKG12", "EKA46"),
      "1151", new Comparison("EKG16", "EKA11"), // EKG16 has nothing published here
      "5001", new Comparison("EKG13", "EKA50")); // nothing published for Trondheim: no page

  private static Map<String, byte[]> sheets() {
    return FactSheets.write(DEFS, PublishedRows.job(List.of("factsheets"), Map.of()), published(),
        2026, COMPARISONS, List.of());
  }

  private static String page(Map<String, byte[]> files, String name) {
    return new String(files.get(name), StandardCharsets.UTF_8);
  }

  @Test
  void aPageShowsTheMunicipalityAgainstItsGroupCountyAndCountryOverTheYears() {
    Map<String, byte[]> files = sheets();
    assertEquals(Set.of("index.html", "4601.html", "1151.html", "faktaark.css"), files.keySet());
    String bergen = page(files, "4601.html");
    assertTrue(bergen.contains("<h1>Bergen <span class=\"code\">4601</span></h1>"));
    // 0M without the share of inter-municipal companies is not SSB's konsern, and says so
    assertTrue(bergen.contains("kalles derfor ikke konsern"));
    assertTrue(bergen.contains("sammenlignes med KOSTRA-gruppe 12, Vestland (kommunene), Landet, "
        + "Landet uten Oslo."), bergen);
    // the first key figure's table: a column per year, a row per region, Bergen's first
    String table = between(bergen, "<article class=\"figure\" id=\"" + ND + "\">", "</article>");
    assertEquals(List.of("2024", "2025"), all(table, "<th scope=\"col\">(\\d{4})</th>"));
    assertEquals(List.of("Bergen", "KOSTRA-gruppe 12", "Vestland (kommunene)", "Landet",
        "Landet uten Oslo"), all(table, "<th scope=\"row\">([^<]+)</th>"));
    assertEquals(List.of("5" + NBSP + "612", "5" + NBSP + "799", "5" + NBSP + "100",
            "5" + NBSP + "234", "5" + NBSP + "000 *", "5" + NBSP + "271 *", "4" + NBSP + "700 *",
            "4" + NBSP + "844 *", "4" + NBSP + "900 *", "5" + NBSP + "063 *"),
        all(table, "<td data-indicator=\"" + ND + "\">([^<]+)</td>"));
    assertFalse(bergen.contains("99" + NBSP + "999"), "the year's own borders are not shown");
    // one chart per level 1 key figure of 2025, ids unique within the page
    List<String> charts = all(bergen, "<svg id='(k\\d+)'");
    assertEquals(DEFS.indicatorsFor(2025).stream().filter(i -> i.level() == 1).count(),
        charts.size());
    assertEquals(charts.size(), new TreeSet<>(charts).size());
    // level 2 against the comparisons (what is not published is '.'), level 3 of Bergen
    String detail = between(bergen, "<tr id=\"andel_nd_242\">", "</tr>");
    assertEquals(List.of("12,3", "11,0", ".", ".", "."), all(detail, "<td>([^<]*)</td>"));
    assertTrue(between(bergen, "<tr id=\"mottakere\">", "</tr>").contains("<td>7" + NBSP
        + "795</td>"));

    // Utsira: its withheld count is ':', and a group without published figures is left out
    String utsira = page(files, "1151.html");
    assertTrue(utsira.contains("<td data-indicator=\"antall_mottakere\">:</td>"), utsira);
    assertTrue(utsira.contains("sammenlignes med Rogaland (kommunene), Landet, Landet uten Oslo."));
    // the index links every page under its county
    String index = page(files, "index.html");
    assertTrue(index.contains("<h2>Vestland (kommunene)</h2>\n  <ul><li><a href=\"4601.html\">"
        + "4601 Bergen</a></li></ul>"), index);
    assertTrue(index.contains("(2 kommuner)"));
  }

  @Test
  void theSameReleaseGivesTheSameBytes() {
    Map<String, byte[]> first = sheets();
    Map<String, byte[]> second = sheets();
    assertEquals(first.keySet(), second.keySet());
    first.forEach((name, bytes) -> assertArrayEquals(bytes, second.get(name), name));
  }

  /** Debian's chromium renders the page: its figures in the DOM, Bergen's bars on the screen. */
  @Test
  void headlessChromiumShowsTheFiguresAndTheCharts(@TempDir Path dir) throws Exception {
    for (Map.Entry<String, byte[]> f : sheets().entrySet()) {
      Files.write(dir.resolve(f.getKey()), f.getValue());
    }
    String url = dir.resolve("4601.html").toUri().toString();
    String dom = chromium(dir, "--dump-dom", url);
    assertTrue(dom.contains("<td data-indicator=\"" + ND + "\">5&nbsp;799</td>"), dom);
    assertTrue(dom.contains("<td data-indicator=\"antall_mottakere\">7&nbsp;795</td>"));
    // the charts are SVG elements in the document, each with its bars
    Matcher svg = Pattern.compile("<svg id=\"(k\\d+)\"").matcher(dom);
    int n = 0;
    while (svg.find()) {
      n++;
    }
    assertEquals(DEFS.indicatorsFor(2025).stream().filter(i -> i.level() == 1).count(), n);

    Path png = dir.resolve("page.png");
    chromium(dir, "--screenshot=" + png, "--window-size=1300,1400", url);
    BufferedImage image = ImageIO.read(png.toFile());
    int bergenBlue = 0x1a5f8a;
    int pixels = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        pixels += (image.getRGB(x, y) & 0xffffff) == bergenBlue ? 1 : 0;
      }
    }
    // two bars of Bergen's colour in the first chart, tens of pixels wide and tall, and the legend
    assertTrue(pixels > 1000, "pixels of Bergen's bars on screen: " + pixels);
  }

  /** Runs headless Chromium (as root it needs --no-sandbox) and returns what it prints. */
  static String chromium(Path dir, String... args) throws Exception {
    String binary = System.getenv().getOrDefault("KOSTRA_CHROMIUM", "/usr/bin/chromium");
    assertTrue(new File(binary).canExecute(), "headless Chromium is needed at " + binary
        + " (Debian's chromium package; bin/test installs it, or set KOSTRA_CHROMIUM)");
    List<String> command = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--hide-scrollbars",
        "--user-data-dir=" + Files.createTempDirectory(dir, "chromium")));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(dir.resolve("chromium.err").toFile())
        .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
    assertEquals(0, p.exitValue(), () -> "chromium failed: " + readQuietly(dir.resolve(
        "chromium.err")));
    return new String(out, StandardCharsets.UTF_8);
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static String between(String text, String from, String to) {
    int start = text.indexOf(from);
    assertTrue(start >= 0, "missing " + from);
    return text.substring(start, text.indexOf(to, start));
  }

  private static List<String> all(String text, String regex) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}

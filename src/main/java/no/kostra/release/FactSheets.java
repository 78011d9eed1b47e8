package no.kostra.release;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import no.kostra.charts.Svg;
import no.kostra.keyfigures.KeyFigureDefinitions;
import no.kostra.keyfigures.KeyFigureDefinitions.Indicator;
import no.kostra.keyfigures.KeyFigureDefinitions.Variable;
import no.kostra.keyfigures.RegionStructure.Comparison;
import org.apache.spark.sql.Row;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The fact sheet (faktaark) of every municipality in a release: a static HTML page with its level
 * 1 key figures against its KOSTRA group, its county's municipalities, the country and the country
 * without Oslo over the published years (a table and an SVG bar chart each), then the level 2
 * figures and the level 3 base data of the newest year; and an index page by county.
 *
 * <p>Only published cells are shown — values as rounded for publication, {@code :} where
 * disclosure control withheld one — so a fact sheet never says more than the tables. The pages
 * are rendered by Mustache templates ({@code resources/factsheets}), the charts by JFreeChart into
 * JFreeSVG with fixed element ids, so the same release gives the same bytes.
 */
final class FactSheets {

  static final String FOLDER = "faktaark/";
  private static final int WIDTH = 420;
  private static final int HEIGHT = 250;
  private static final int MAX_YEARS = 5;
  private static final Color[] PALETTE = {new Color(0x1a5f8a), new Color(0x8fbcd4),
      new Color(0xe59f36), new Color(0x55656b), new Color(0xb8c4c8)};
  private static final Font FONT = new Font("SansSerif", Font.PLAIN, 11);

  private FactSheets() {}

  /**
   * File name (under {@code faktaark/}) → bytes. {@code rows}: published rows of the release and
   * earlier releases' rows of earlier years, on {@code structureYear}'s borders.
   */
  static Map<String, byte[]> write(KeyFigureDefinitions defs, ReleaseJob job, List<Row> rows,
      int structureYear, Map<String, Comparison> comparisons,
      List<Revisions.IndicatorSummary> revisions) {
    int year = job.years().stream().max(Integer::compare).orElseThrow();
    Map<String, Row> cells = new HashMap<>();
    Map<String, String> names = new TreeMap<>();
    TreeSet<Integer> allYears = new TreeSet<>();
    for (Row r : rows) {
      int y = r.getAs("year");
      if (!r.getAs("structure_year").equals(structureYear) || y > year) {
        continue;
      }
      allYears.add(y);
      cells.put(r.getAs("region") + "|" + y + "|" + r.getAs("indicator"), r);
      if (y == year || !names.containsKey(r.<String>getAs("region"))) {
        names.put(r.getAs("region"), r.getAs("region_name"));
      }
    }
    List<Integer> years = allYears.descendingSet().stream().limit(MAX_YEARS).sorted().toList();
    List<Indicator> level1 = defs.indicatorsFor(year).stream().filter(i -> i.level() == 1).toList();
    List<Indicator> level2 = defs.indicatorsFor(year).stream().filter(i -> i.level() == 2).toList();
    Mustache page = template("kommune.mustache");
    Map<String, byte[]> files = new TreeMap<>();
    // county code -> municipality code -> name, for the index
    Map<String, Map<String, String>> byCounty = new TreeMap<>();
    for (Map.Entry<String, Comparison> m : comparisons.entrySet()) {
      String code = m.getKey();
      if (!names.containsKey(code)) {
        continue; // nothing published for it on these borders
      }
      List<String> regions = Stream.of(code, m.getValue().group(), m.getValue().county(), "EAK",
          "EAKUO").filter(Objects::nonNull).filter(names::containsKey).distinct().toList();
      Map<String, Object> scope = header(job, year, structureYear);
      scope.put("code", code);
      scope.put("name", names.get(code));
      List<Map<String, Object>> compared = new ArrayList<>();
      for (int i = 1; i < regions.size(); i++) {
        compared.add(Map.of("name", names.get(regions.get(i)), "first", i == 1));
      }
      scope.put("comparisons", compared);
      scope.put("comparisonHeads", regions.stream().map(names::get).toList());

      List<Map<String, Object>> figures = new ArrayList<>();
      for (Indicator ind : level1) {
        String chartId = "k" + (figures.size() + 1); // unique within its page
        List<Map<String, Object>> tableRows = new ArrayList<>();
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String region : regions) {
          List<String> shown = new ArrayList<>();
          for (int y : years) {
            Row r = cells.get(region + "|" + y + "|" + ind.id());
            shown.add(text(r, ind.decimals()));
            data.addValue(r != null && r.getAs("status") == null
                ? r.<BigDecimal>getAs("value") : null, names.get(region), String.valueOf(y));
          }
          tableRows.add(Map.of("region", names.get(region), "own", region.equals(code),
              "cells", shown));
        }
        Map<String, Object> figure = new LinkedHashMap<>();
        figure.put("id", ind.id());
        figure.put("name", ind.nameNo());
        figure.put("unit", ind.unit());
        figure.put("years", years);
        figure.put("rows", tableRows);
        figure.put("svg", chart(data, chartId));
        figures.add(figure);
      }
      scope.put("level1", figures);
      List<Map<String, Object>> details = new ArrayList<>();
      for (Indicator ind : level2) {
        details.add(Map.of("id", ind.id(), "name", ind.nameNo(), "unit", ind.unit(), "cells",
            regions.stream().map(r -> text(cells.get(r + "|" + year + "|" + ind.id()),
                ind.decimals())).toList()));
      }
      scope.put("level2", details);
      List<Map<String, Object>> base = new ArrayList<>();
      for (Variable v : defs.variables()) {
        Row r = cells.get(code + "|" + year + "|" + v.id());
        if (r != null) {
          base.add(Map.of("id", v.id(), "name", v.nameNo(), "unit", v.unit() == null ? ""
              : v.unit(), "value", text(r, r.getAs("decimals"))));
        }
      }
      scope.put("level3", base);
      files.put(code + ".html", render(page, scope));
      byCounty.computeIfAbsent(m.getValue().county() == null ? "" : m.getValue().county(),
          c -> new TreeMap<>()).put(code, names.get(code));
    }
    Map<String, Object> index = header(job, year, structureYear);
    List<Map<String, Object>> counties = new ArrayList<>();
    byCounty.forEach((county, municipalities) -> counties.add(Map.of(
        "name", names.getOrDefault(county, "Uten fylke"),
        "municipalities", municipalities.entrySet().stream()
            .map(e -> Map.of("code", e.getKey(), "name", e.getValue())).toList())));
    index.put("counties", counties);
    index.put("count", byCounty.values().stream().mapToInt(Map::size).sum());
    // how far the release moved from the previous one, level 1 and 2 (the CSV has every level)
    index.put("revisions", revisions.stream().filter(r -> r.level() <= 2).map(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("indicator", r.indicator());
      m.put("name", defs.indicators().stream().filter(i -> i.id().equals(r.indicator()))
          .map(i -> i.nameNo()).findFirst().orElse(r.indicator()));
      m.put("cells", r.cells());
      m.put("changed", r.changed());
      m.put("medianRel", Revisions.plain(r.medianRelPct()));
      m.put("maxRel", Revisions.plain(r.maxRelPct()));
      m.put("maxAbs", Revisions.plain(r.maxAbs()));
      m.put("newly", r.newlyPublished());
      m.put("estimates", r.estimatesReplaced());
      return m;
    }).toList());
    index.put("hasRevisions", !revisions.isEmpty());
    files.put("index.html", render(template("index.mustache"), index));
    files.put("faktaark.css", resource("faktaark.css"));
    return files;
  }

  private static Map<String, Object> header(ReleaseJob job, int year, int structureYear) {
    Map<String, Object> scope = new HashMap<>();
    scope.put("year", year);
    scope.put("structureYear", structureYear);
    scope.put("kind", job.kind().equals("final") ? "Endelige" : "Foreløpige");
    scope.put("releaseDate", job.releaseDate().toString());
    scope.put("job", job.id());
    return scope;
  }

  /** A published cell as the tables show it: the value, or its symbol; {@code *} if estimated. */
  static String text(Row r, int decimals) {
    if (r == null) {
      return ".";
    }
    String status = r.getAs("status");
    if (status != null) {
      return status;
    }
    String flags = r.getAs("flags");
    return number(r.getAs("value"), decimals)
        + (flags != null && flags.contains("estimated") ? " *" : "");
  }

  /** Norwegian style: a no-break space between thousands, a decimal comma, a minus sign. */
  private static DecimalFormatSymbols norwegian() {
    DecimalFormatSymbols symbols = new DecimalFormatSymbols();
    symbols.setGroupingSeparator('\u00a0');
    symbols.setDecimalSeparator(',');
    symbols.setMinusSign('\u2212');
    return symbols;
  }

  /** A table cell's number in {@link #norwegian} style, rounded half away from zero. */
  static String number(BigDecimal v, int decimals) {
    DecimalFormat format = new DecimalFormat(decimals == 0 ? "#,##0"
        : "#,##0." + "0".repeat(decimals), norwegian());
    format.setRoundingMode(RoundingMode.HALF_UP);
    return format.format(v.setScale(decimals, RoundingMode.HALF_UP));
  }

  /** A bar chart: the years along the axis, one bar per region; withheld cells have no bar. */
  private static String chart(DefaultCategoryDataset data, String id) {
    NumberAxis values = new NumberAxis(null);
    values.setTickLabelFont(FONT);
    values.setNumberFormatOverride(new DecimalFormat("#,##0.##", norwegian()));
    CategoryAxis years = new CategoryAxis(null);
    years.setTickLabelFont(FONT);
    BarRenderer bars = new BarRenderer();
    bars.setBarPainter(new StandardBarPainter());
    bars.setShadowVisible(false);
    bars.setItemMargin(0.05);
    for (int i = 0; i < PALETTE.length; i++) {
      bars.setSeriesPaint(i, PALETTE[i]);
    }
    CategoryPlot plot = new CategoryPlot(data, years, values, bars);
    plot.setOrientation(PlotOrientation.VERTICAL);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setOutlineVisible(false);
    plot.setRangeGridlinePaint(new Color(0xd5dde0));
    plot.setRangeGridlineStroke(new BasicStroke(0.5f));
    JFreeChart chart = new JFreeChart(null, FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    LegendTitle legend = chart.getLegend();
    legend.setItemFont(FONT);
    legend.setFrame(BlockBorder.NONE);
    legend.setPosition(RectangleEdge.BOTTOM);
    return Svg.of(chart, id, WIDTH, HEIGHT);
  }

  private static Mustache template(String name) {
    return new DefaultMustacheFactory("factsheets").compile(name);
  }

  private static byte[] render(Mustache template, Map<String, Object> scope) {
    StringWriter out = new StringWriter();
    template.execute(out, scope);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] resource(String name) {
    try (InputStream in = FactSheets.class.getResourceAsStream("/factsheets/" + name)) {
      return Objects.requireNonNull(in, name).readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

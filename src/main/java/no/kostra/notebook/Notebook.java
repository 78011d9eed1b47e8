package no.kostra.notebook;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.math.BigDecimal;
import java.util.List;
import no.kostra.charts.Svg;
import no.kostra.spark.KostraSession;
import no.kostra.sql.WarehouseCatalog;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * What a notebook cell needs: the warehouse's tables by name ({@link #sql}), results as HTML
 * tables ({@link #table}) and charts as SVG ({@link #barChart}, {@link #lineChart}). The
 * warehouse is {@code $KOSTRA_WAREHOUSE}, else {@code warehouse} under {@code $KOSTRA_HOME} (set by
 * the installed kernel to the project folder).
 */
public final class Notebook {

  private static Warehouse warehouse;
  private static int charts;

  private Notebook() {}

  /** The embedded session over the warehouse, its tables registered in database kostra. */
  public static synchronized SparkSession spark() {
    if (warehouse == null) {
      String root = System.getenv("KOSTRA_WAREHOUSE");
      if (root == null) {
        root = System.getenv().getOrDefault("KOSTRA_HOME", ".") + "/warehouse";
      }
      warehouse = Warehouse.at(KostraSession.getOrCreate(), root);
      // notebooks are the statisticians' exploratory tool (accounts by function and art,
      // submissions, completeness): the internal tables, as bin/kostra sql --internal gives them
      WarehouseCatalog.register(warehouse, WarehouseCatalog.Access.INTERNAL);
      warehouse.spark().catalog().setCurrentDatabase(WarehouseCatalog.DATABASE);
    }
    return warehouse.spark();
  }

  public static Dataset<Row> sql(String query) {
    return spark().sql(query);
  }

  /** The first {@code max} rows as an HTML table; returns the number of rows shown. */
  public static int table(Dataset<Row> rows, int max) {
    List<Row> shown = rows.limit(max).collectAsList();
    StringBuilder html = new StringBuilder("<table><thead><tr>");
    for (String c : rows.columns()) {
      html.append("<th>").append(escape(c)).append("</th>");
    }
    html.append("</tr></thead><tbody>");
    for (Row r : shown) {
      html.append("<tr>");
      for (int i = 0; i < r.length(); i++) {
        Object v = r.get(i);
        String text = v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString()
            : String.valueOf(v);
        html.append("<td>").append(escape(text)).append("</td>");
      }
      html.append("</tr>");
    }
    html.append("</tbody></table>");
    DisplayData data = new DisplayData(shown.size() + " rows");
    data.putHTML(html.toString());
    KostraKernel.show(data);
    return shown.size();
  }

  /** Bars from rows of (category, series, value); returns the number of values drawn. */
  public static int barChart(String title, String valueLabel, Dataset<Row> rows) {
    return chart(title, valueLabel, rows, false);
  }

  /** Lines from rows of (x, series, value), e.g. years × regions; returns the values drawn. */
  public static int lineChart(String title, String valueLabel, Dataset<Row> rows) {
    return chart(title, valueLabel, rows, true);
  }

  private static int chart(String title, String valueLabel, Dataset<Row> rows, boolean lines) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    int n = 0;
    for (Row r : rows.collectAsList()) {
      if (r.get(2) != null) {
        data.addValue(((Number) r.get(2)).doubleValue(), String.valueOf(r.get(1)),
            String.valueOf(r.get(0)));
        n++;
      }
    }
    JFreeChart chart = lines
        ? ChartFactory.createLineChart(title, null, valueLabel, data, PlotOrientation.VERTICAL,
            true, false, false)
        : ChartFactory.createBarChart(title, null, valueLabel, data, PlotOrientation.VERTICAL,
            true, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font("SansSerif", Font.BOLD, 13));
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xd5dde0));
    if (plot.getRenderer() instanceof BarRenderer bars) {
      bars.setBarPainter(new StandardBarPainter());
      bars.setShadowVisible(false);
    } else {
      for (int i = 0; i < data.getRowCount(); i++) {
        plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
      }
    }
    DisplayData display = new DisplayData(title + " (" + n + " values)");
    display.putSVG(Svg.of(chart, "chart" + (++charts), 720, 360));
    KostraKernel.show(display);
    return n;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}

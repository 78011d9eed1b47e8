package no.kostra.charts;

import java.awt.Rectangle;
import java.math.BigDecimal;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/** A JFreeChart drawn as an inline SVG element, the same bytes for the same chart. */
public final class Svg {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Svg() {}

  /** {@code id}: the element's id and the prefix of its clip paths (unique within a page). */
  public static String of(JFreeChart chart, String id, int width, int height) {
    SVGGraphics2D g = new SVGGraphics2D(width, height);
    g.setDefsKeyPrefix(id + "-"); // not the clock: the same chart gives the same bytes
    g.setGeomDoubleConverter(Svg::number);
    g.setTransformDoubleConverter(Svg::number);
    chart.draw(g, new Rectangle(0, 0, width, height));
    return g.getSVGElement(id, true, new ViewBox(0, 0, width, height), null, null);
  }

  /** Coordinates to a tenth of a pixel, without trailing zeros (a third of the bytes). */
  private static String number(double d) {
    return BigDecimal.valueOf(Math.round(d * 10), 1).stripTrailingZeros().toPlainString();
  }
}

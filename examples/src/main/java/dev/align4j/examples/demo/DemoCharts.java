package dev.align4j.examples.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's charts, rendered headless to PNG with JFreeChart. */
final class DemoCharts {
  static final int WIDTH = 760;
  static final int HEIGHT = 420;

  private DemoCharts() {}

  /** A metric of the RL stages over iterations. */
  static void overIterations(Path file, String title, String metric, String axis, Map<String, StageOutcome> stages)
      throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map.Entry<String, StageOutcome> e : stages.entrySet()) {
      List<Map<String, Double>> h = e.getValue().history();
      if (h.isEmpty()) {
        continue;
      }
      XYSeries s = new XYSeries(e.getKey());
      for (int i = 0; i < h.size(); i++) {
        Double v = h.get(i).get(metric);
        if (v != null && Double.isFinite(v)) {
          s.add(i + 1, v);
        }
      }
      data.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, "iteration", axis, data, PlotOrientation.VERTICAL, true,
        false, false);
    style(chart);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /** Gold accuracy and proxy reward of the β = 0 run over √KL, with the fitted Gao et al. curve. */
  static void overoptimization(Path file, DemoResult r) throws IOException {
    XYSeries gold = new XYSeries("gold accuracy (judge)");
    XYSeries proxy = new XYSeries("proxy reward (reward model)");
    XYSeries fit = new XYSeries("fit R(d) = d(a - b ln d)");
    double maxD = 0;
    for (TracePoint t : r.trace()) {
      gold.add(t.sqrtKl(), t.gold());
      proxy.add(t.sqrtKl(), t.proxy());
      maxD = Math.max(maxD, t.sqrtKl());
    }
    double y0 = r.trace().get(0).gold();
    if (Double.isFinite(r.fit().alpha())) {
      for (int i = 0; i <= 50; i++) {
        double d = maxD * i / 50;
        fit.add(d, y0 + r.fit().gain(d));
      }
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(gold);
    data.addSeries(proxy);
    data.addSeries(fit);
    JFreeChart chart = ChartFactory.createXYLineChart("Without the KL leash (beta = 0): proxy up, gold down",
        "sqrt(KL to SFT), nats^0.5", "score", data, PlotOrientation.VERTICAL, true, false, false);
    style(chart);
    XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) ((XYPlot) chart.getPlot()).getRenderer();
    renderer.setSeriesShapesVisible(0, true);
    renderer.setSeriesShapesVisible(1, true);
    renderer.setSeriesShapesVisible(2, false);
    renderer.setSeriesStroke(2, new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
        new float[] {6f, 4f}, 0f));
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /** The loop part: each arm's gold accuracy, and its reward model's on-policy accuracy before a refresh. */
  static void loop(Path file, LoopResult r) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map.Entry<String, List<LoopResult.Point>> e : r.arms().entrySet()) {
      XYSeries gold = new XYSeries(e.getKey() + ": gold");
      gold.add(0, r.sft().scores().goldAccuracy());
      XYSeries stale = new XYSeries(e.getKey() + ": on-policy RM accuracy");
      for (LoopResult.Point p : e.getValue()) {
        gold.add(p.iteration(), p.scores().goldAccuracy());
        stale.add(p.iteration(), p.freshBefore());
      }
      data.addSeries(gold);
      data.addSeries(stale);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("A reward model trained once against the loop",
        "loop iteration (0 = SFT)", "share", data, PlotOrientation.VERTICAL, true, false, false);
    style(chart);
    XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) ((XYPlot) chart.getPlot()).getRenderer();
    Color[] colours = {new Color(200, 60, 40), new Color(40, 110, 200), new Color(60, 160, 80)};
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, colours[(i / 2) % colours.length]);
      renderer.setSeriesShapesVisible(i, true);
      if (i % 2 == 1) {
        renderer.setSeriesStroke(i, new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
            new float[] {6f, 4f}, 0f));
      }
    }
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /** Gold accuracy, content accuracy and filler rate per stage. */
  static void accuracy(Path file, DemoResult r) throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    data.addValue(r.annotatorAccuracy(), "gold accuracy", "annotators");
    for (Map.Entry<String, StageOutcome> e : r.stages().entrySet()) {
      data.addValue(e.getValue().scores().goldAccuracy(), "gold accuracy", e.getKey());
      data.addValue(e.getValue().scores().contentAccuracy(), "content accuracy", e.getKey());
      data.addValue(e.getValue().scores().fillerRate(), "filler rate", e.getKey());
    }
    JFreeChart chart = ChartFactory.createBarChart("Held-out accuracy per stage (gold judge)", "", "share", data,
        PlotOrientation.VERTICAL, true, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getCategoryPlot().setBackgroundPaint(new Color(248, 248, 248));
    chart.getCategoryPlot().setRangeGridlinePaint(Color.LIGHT_GRAY);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = (XYPlot) chart.getPlot();
    plot.setBackgroundPaint(new Color(248, 248, 248));
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
  }
}

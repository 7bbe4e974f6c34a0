package org.imgpipe.report;

import org.imgpipe.base.EpochMetric;
import org.imgpipe.eval.RocCurve;
import org.imgpipe.base.EpochResult;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Stroke;
import java.awt.geom.Line2D;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The report's charts, drawn by JFreeChart and encoded as PNG: the notebook's class distribution,
 * training curves, confusion-matrix heat map and ROC curves, plus the time per epoch. Sizes are in
 * pixels. Every method needs a JVM with fonts (any fontconfig font, e.g. Debian's fonts-dejavu-core);
 * it runs headless.
 */
public final class Charts {
    /** matplotlib's "tab10" colours, the notebook's palette. */
    static final Color[] TAB10 = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2),
            new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
    private static final Stroke SOLID = new BasicStroke(2f);
    private static final Stroke DASHED = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[]{6f, 4f}, 0f);

    private Charts() {
    }

    /**
     * Horizontal bars with their counts, one per class, as the notebook draws each split.
     *
     * @param split   the split's name, for the title
     * @param classes class names, top to bottom
     * @param counts  images per class, same order
     * @return PNG bytes, 500 px wide (two fit side by side in the HTML report)
     */
    public static byte[] classDistribution(String split, List<String> classes, long[] counts) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        for (int c = 0; c < classes.size(); c++) {
            ds.addValue(counts[c], "images", classes.get(c));
        }
        JFreeChart chart = ChartFactory.createBarChart("Images per class: " + split, null, "images", ds,
                PlotOrientation.HORIZONTAL, false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, TAB10[0]);
        r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator());
        r.setDefaultItemLabelsVisible(true);
        plot.getRangeAxis().setUpperMargin(0.15);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        return png(style(chart), 500, 90 + 24 * classes.size());
    }

    /**
     * One Keras metric per epoch for training and validation, the reference's dashed beneath, and a
     * vertical line after each epoch whose successor trained with a lower learning rate. Loss is drawn on
     * a logarithmic axis.
     *
     * @param metric    a training metric, drawn with its validation counterpart
     * @param run       this run's epochs
     * @param reference the reference's epochs (NaN where it logged no value), or empty
     * @return PNG bytes, 720 x 420
     */
    public static byte[] trainingCurve(EpochMetric metric, List<EpochResult> run, List<EpochResult> reference) {
        XYSeriesCollection ds = new XYSeriesCollection();
        ds.addSeries(series("training", run, e -> e.value(metric)));
        ds.addSeries(series("validation", run, e -> e.value(metric.validation())));
        ds.addSeries(series("training (reference)", reference, e -> e.value(metric)));
        ds.addSeries(series("validation (reference)", reference, e -> e.value(metric.validation())));
        JFreeChart chart = ChartFactory.createXYLineChart("Training and validation " + metric.key(), "epoch", metric.key(), ds,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int s = 0; s < 4; s++) {
            r.setSeriesPaint(s, TAB10[s % 2]);
            r.setSeriesStroke(s, s < 2 ? SOLID : DASHED);
            r.setSeriesShapesVisible(s, s < 2);
        }
        plot.setRenderer(r);
        integerEpochs(plot);
        if (metric == EpochMetric.LOSS) {
            plot.setRangeAxis(logAxis(metric.key()));
        } else {
            ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        }
        // Marker labels collide when the run's and the reference's drops are an epoch or two apart, so
        // the legend names the lines instead.
        LegendItemCollection legend = plot.getLegendItems();
        addLrDrops(plot, legend, HistoryFigures.stepDrops(run), "LR drop", TAB10[3]);
        addLrDrops(plot, legend, HistoryFigures.stepDrops(reference), "LR drop (reference)", Color.GRAY);
        plot.setFixedLegendItems(legend);
        return png(style(chart), 720, 420);
    }

    /**
     * Wall-clock seconds per epoch (fitting and validation).
     *
     * @param run this run's epochs
     * @return PNG bytes, 720 x 320
     */
    public static byte[] epochSeconds(List<EpochResult> run) {
        XYSeriesCollection ds = new XYSeriesCollection(series("seconds", run, EpochResult::seconds));
        JFreeChart chart = ChartFactory.createXYLineChart("Seconds per epoch", "epoch", "seconds", ds,
                PlotOrientation.VERTICAL, false, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, TAB10[0]);
        r.setSeriesStroke(0, SOLID);
        plot.setRenderer(r);
        integerEpochs(plot);
        return png(style(chart), 720, 320);
    }

    /**
     * The confusion matrix as a heat map (rows = true class, top to bottom; columns = predicted) with
     * the count in each cell, like seaborn's annotated heat map in the notebook.
     *
     * @param title     the chart title
     * @param classes   class names
     * @param confusion K x K counts, rows = true class
     * @return PNG bytes, about 100 + 56 K pixels square
     */
    public static byte[] confusionHeatMap(String title, List<String> classes, long[][] confusion) {
        int k = classes.size();
        double[][] xyz = new double[3][k * k];
        long max = 1;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                xyz[0][i * k + j] = j;
                xyz[1][i * k + j] = i;
                xyz[2][i * k + j] = confusion[i][j];
                max = Math.max(max, confusion[i][j]);
            }
        }
        DefaultXYZDataset ds = new DefaultXYZDataset();
        ds.addSeries("count", xyz);
        String[] names = classes.toArray(String[]::new);
        SymbolAxis x = new SymbolAxis("predicted", names);
        x.setVerticalTickLabels(true);
        SymbolAxis y = new SymbolAxis("true", names);
        y.setInverted(true);
        for (SymbolAxis a : List.of(x, y)) {
            a.setGridBandsVisible(false);
            a.setRange(-0.5, k - 0.5);
        }
        Blues scale = new Blues(max);
        XYBlockRenderer r = new XYBlockRenderer();
        r.setPaintScale(scale);
        XYPlot plot = new XYPlot(ds, x, y, r);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, k <= 12 ? 12 : 9);
        if (k <= 30) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    XYTextAnnotation a = new XYTextAnnotation(Long.toString(confusion[i][j]), j, i);
                    a.setFont(font);
                    a.setPaint(confusion[i][j] > max / 2 ? Color.WHITE : Color.BLACK);
                    plot.addAnnotation(a);
                }
            }
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        PaintScaleLegend legend = new PaintScaleLegend(scale, new NumberAxis("images"));
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(new RectangleInsets(40, 8, 60, 8));
        legend.setStripWidth(14);
        chart.addSubtitle(legend);
        int side = 160 + 56 * k;
        return png(style(chart), side + 80, side);
    }

    /**
     * One-vs-rest ROC curve per class with its AUC in the legend, and the chance diagonal.
     *
     * @param classes class names
     * @param curves  one curve per class, same order
     * @return PNG bytes, 760 x 560
     */
    public static byte[] rocCurves(List<String> classes, List<RocCurve> curves) {
        XYSeriesCollection ds = new XYSeriesCollection();
        for (int c = 0; c < classes.size(); c++) {
            RocCurve roc = curves.get(c);
            XYSeries s = new XYSeries(String.format(Locale.ROOT, "%s (AUC %.4f)", classes.get(c), roc.auc()),
                    false, true);
            // Highest threshold first: the curve runs from (0, 0) to (1, 1).
            for (int j = roc.fpr().length - 1; j >= 0; j--) {
                if (Double.isFinite(roc.fpr()[j]) && Double.isFinite(roc.tpr()[j])) {
                    s.add(roc.fpr()[j], roc.tpr()[j]);
                }
            }
            ds.addSeries(s);
        }
        XYSeries chance = new XYSeries("chance (AUC 0.5)", false, true);
        chance.add(0, 0);
        chance.add(1, 1);
        ds.addSeries(chance);
        JFreeChart chart = ChartFactory.createXYLineChart("ROC curves (one vs rest)", "false positive rate",
                "true positive rate", ds, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int c = 0; c < classes.size(); c++) {
            r.setSeriesPaint(c, TAB10[c % TAB10.length]);
            r.setSeriesStroke(c, SOLID);
        }
        r.setSeriesPaint(classes.size(), Color.GRAY);
        r.setSeriesStroke(classes.size(), DASHED);
        plot.setRenderer(r);
        plot.getDomainAxis().setRange(0, 1);
        plot.getRangeAxis().setRange(0, 1.01);
        chart.getLegend().setPosition(RectangleEdge.RIGHT);
        return png(style(chart), 760, 560);
    }

    private static XYSeries series(String name, List<EpochResult> epochs, ToDoubleFunction<EpochResult> value) {
        XYSeries s = new XYSeries(name);
        for (EpochResult e : epochs) {
            double v = value.applyAsDouble(e);
            if (Double.isFinite(v)) {
                s.add(e.epoch(), v);
            }
        }
        return s;
    }

    private static void integerEpochs(XYPlot plot) {
        NumberAxis epochs = (NumberAxis) plot.getDomainAxis();
        epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    }

    /** A dashed vertical line between each epoch in {@code epochs} and the next, named once in the legend. */
    private static void addLrDrops(XYPlot plot, LegendItemCollection legend, List<Integer> epochs, String name,
                                   Color color) {
        if (epochs.isEmpty()) {
            return;
        }
        epochs.forEach(e -> plot.addDomainMarker(new ValueMarker(e + 0.5, color, DASHED)));
        legend.add(new LegendItem(name, null, null, null, new Line2D.Double(-8, 0, 8, 0), DASHED, color));
    }

    /**
     * A logarithmic loss axis: the first epoch's loss (mostly the L1/L2 penalty of freshly initialised
     * weights) is ten times the later ones and would flatten them on a linear axis.
     */
    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label + " (log scale)");
        axis.setBase(10);
        // A tick unit of log10(2) puts the ticks on powers of two: ..., 0.5, 1, 2, 4, 8.
        axis.setAutoTickUnitSelection(false);
        axis.setTickUnit(new NumberTickUnit(Math.log10(2)));
        axis.setNumberFormatOverride(new DecimalFormat("0.###"));
        return axis;
    }

    private static JFreeChart style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        if (chart.getPlot() instanceof XYPlot p) {
            p.setDomainGridlinePaint(new Color(0xdddddd));
            p.setRangeGridlinePaint(new Color(0xdddddd));
        } else if (chart.getPlot() instanceof CategoryPlot p) {
            p.setRangeGridlinePaint(new Color(0xdddddd));
        }
        return chart;
    }

    private static byte[] png(JFreeChart chart, int width, int height) {
        return Png.encode(chart.createBufferedImage(width, height));
    }

    /** White to dark blue over 0..max, like matplotlib's "Blues". */
    private record Blues(double max) implements PaintScale {
        private static final Color LOW = new Color(0xf7fbff);
        private static final Color HIGH = new Color(0x08306b);

        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return max;
        }

        @Override
        public Paint getPaint(double value) {
            double t = Math.max(0, Math.min(1, value / max));
            return new Color(mix(LOW.getRed(), HIGH.getRed(), t), mix(LOW.getGreen(), HIGH.getGreen(), t),
                    mix(LOW.getBlue(), HIGH.getBlue(), t));
        }

        private static int mix(int a, int b, double t) {
            return (int) Math.round(a + (b - a) * t);
        }
    }
}

package io.magnetar.perf;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.HistogramLogReader;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code perf plot -o FILE.png LABEL=FILE.hlog ...}: the percentile distribution of each histogram log as one
 * series of a PNG chart; x is the percentile on a log scale of 1/(1-p), y the latency in µs on a log scale.
 */
@Command(
    name = "plot",
    mixinStandardHelpOptions = true,
    description = "Plot the percentile distributions of .hlog files (all intervals of each file) as a PNG.")
final class PlotCommand implements Callable<Integer>
{
    private static final int PERCENTILE_TICKS_PER_HALF_DISTANCE = 10;
    private static final double MIN_LATENCY_US = 0.01;

    @Spec
    CommandSpec spec;

    @Option(names = { "-o", "--output" }, required = true, paramLabel = "FILE.png", description = "PNG to write.")
    File output;

    @Option(names = "--title", paramLabel = "TITLE", description = "Chart title. Default: ${DEFAULT-VALUE}")
    String title = "Latency by percentile";

    @Option(names = "--width", paramLabel = "PIXELS", description = "Width. Default: ${DEFAULT-VALUE}")
    int width = 1000;

    @Option(names = "--height", paramLabel = "PIXELS", description = "Height. Default: ${DEFAULT-VALUE}")
    int height = 640;

    @Parameters(arity = "1..*", paramLabel = "LABEL=FILE.hlog", description = "Series name and histogram log.")
    List<String> series = new ArrayList<>();

    /**
     * Read the logs and write the chart.
     *
     * @return 0 on success, 1 if a file could not be read or written.
     */
    public Integer call()
    {
        if (width < 100 || height < 100)
        {
            throw new ParameterException(spec.commandLine(), "width and height must be at least 100 pixels");
        }
        final List<String> labels = new ArrayList<>();
        final List<File> files = new ArrayList<>();
        for (final String item : series)
        {
            final int split = item.indexOf('=');
            if (split < 1 || split == item.length() - 1)
            {
                throw new ParameterException(spec.commandLine(), "expected LABEL=FILE.hlog, got '" + item + "'");
            }
            labels.add(item.substring(0, split));
            files.add(new File(item.substring(split + 1)));
        }

        System.setProperty("java.awt.headless", "true");
        try
        {
            final List<double[][]> distributions = new ArrayList<>();
            double maxX = 10.0;
            double minY = Double.MAX_VALUE;
            double maxY = MIN_LATENCY_US;
            for (final File file : files)
            {
                final double[][] xy = percentileDistribution(readLog(file));
                distributions.add(xy);
                for (int i = 0; i < xy[0].length; i++)
                {
                    maxX = Math.max(maxX, xy[0][i]);
                    minY = Math.min(minY, xy[1][i]);
                    maxY = Math.max(maxY, xy[1][i]);
                }
            }

            final XYChart chart = newChart(maxX, minY, maxY);
            for (int i = 0; i < labels.size(); i++)
            {
                final double[][] xy = distributions.get(i);
                chart.addSeries(labels.get(i), xy[0], xy[1]).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            }

            final String path = output.getPath();
            final File parent = output.getAbsoluteFile().getParentFile();
            if (null != parent && !parent.isDirectory() && !parent.mkdirs())
            {
                throw new IOException("cannot create the directory of " + output);
            }
            BitmapEncoder.saveBitmap(chart, path, BitmapEncoder.BitmapFormat.PNG);
            System.out.println("wrote " + (path.toLowerCase(Locale.ROOT).endsWith(".png") ? path : path + ".png"));
            return 0;
        }
        catch (final IOException | RuntimeException ex)
        {
            System.err.println("perf plot failed: " + ex.getMessage());
            return 1;
        }
    }

    /**
     * Read every interval of a histogram log into one histogram.
     *
     * @param file histogram log written by a perf run.
     * @return all its intervals added up.
     * @throws IOException if the file cannot be read or holds no integer histogram.
     */
    static Histogram readLog(final File file) throws IOException
    {
        if (!file.isFile())
        {
            throw new IOException("no such histogram log: " + file);
        }

        final Histogram total = LatencyMeter.newHistogram();
        final HistogramLogReader reader = new HistogramLogReader(file);
        try
        {
            EncodableHistogram interval;
            while (null != (interval = reader.nextIntervalHistogram()))
            {
                if (!(interval instanceof Histogram))
                {
                    throw new IOException(file + " holds " + interval.getClass().getSimpleName() +
                        " intervals; expected integer histograms of latencies in ns");
                }
                total.add((Histogram)interval);
            }
        }
        finally
        {
            reader.close();
        }
        if (0 == total.getTotalCount())
        {
            throw new IOException(file + " holds no recorded values");
        }

        return total;
    }

    private XYChart newChart(final double maxX, final double minYUs, final double maxYUs)
    {
        final XYChart chart = new XYChartBuilder()
            .width(width)
            .height(height)
            .title(title)
            .xAxisTitle("percentile")
            .yAxisTitle("latency (us)")
            .build();

        final double xMax = Math.pow(10, Math.max(1, Math.ceil(Math.log10(maxX))));
        final double yMin = Math.pow(10, Math.floor(Math.log10(minYUs)));
        final double yMax = Math.max(yMin * 10, Math.pow(10, Math.ceil(Math.log10(maxYUs))));
        final XYStyler styler = chart.getStyler();
        styler.setXAxisLogarithmic(true);
        styler.setYAxisLogarithmic(true);
        styler.setXAxisMin(1.0);
        styler.setXAxisMax(xMax);
        styler.setYAxisMin(yMin);
        styler.setYAxisMax(yMax);
        styler.setYAxisDecimalPattern("#,##0.##");
        styler.setLegendPosition(Styler.LegendPosition.InsideNW);
        styler.setMarkerSize(0);

        // the log axis labels 1/(1-p) itself; draw percentile labels (50%, 90%, 99%, ...) at their positions instead
        styler.setXAxisTicksVisible(false);
        styler.setPlotGridVerticalLinesVisible(false);
        styler.setAnnotationLineColor(new Color(190, 190, 190));
        styler.setAnnotationLineStroke(new BasicStroke(
            1.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10.0f, new float[]{ 3.0f, 3.0f }, 0.0f));
        styler.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        styler.setAnnotationTextFontColor(Color.DARK_GRAY);
        final double labelY = yMin * Math.pow(yMax / yMin, 0.03);
        for (double x = 2.0; x <= xMax; x = x < 10.0 ? 10.0 : x * 10.0)
        {
            chart.addAnnotation(new AnnotationLine(x, true, false));
            chart.addAnnotation(new AnnotationText(percentileLabel(x), x, labelY, false));
        }

        return chart;
    }

    private static double[][] percentileDistribution(final Histogram histogram)
    {
        final List<double[]> points = new ArrayList<>();
        for (final HistogramIterationValue value : histogram.percentiles(PERCENTILE_TICKS_PER_HALF_DISTANCE))
        {
            final double fraction = value.getPercentileLevelIteratedTo() / 100.0;
            if (fraction >= 1.0)
            {
                break;
            }
            points.add(new double[]{ 1.0 / (1.0 - fraction),
                Math.max(MIN_LATENCY_US, histogram.highestEquivalentValue(value.getValueIteratedTo()) / 1000.0) });
        }
        // the maximum sits at the one-in-count level
        points.add(new double[]{ Math.max(2, histogram.getTotalCount()),
            Math.max(MIN_LATENCY_US, histogram.getMaxValue() / 1000.0) });

        final double[][] xy = new double[2][points.size()];
        for (int i = 0; i < points.size(); i++)
        {
            xy[0][i] = points.get(i)[0];
            xy[1][i] = points.get(i)[1];
        }

        return xy;
    }

    /**
     * Percentile at a value of 1/(1-p) that is 2 or a power of ten: 50%, 90%, 99%, 99.9%, ...
     *
     * @param x value of 1/(1-p).
     * @return the label.
     */
    static String percentileLabel(final double x)
    {
        if (x < 10.0)
        {
            return "50%";
        }

        final long nines = Math.round(Math.log10(x));
        final StringBuilder label = new StringBuilder(nines > 1 ? "99" : "90");
        if (nines > 2)
        {
            label.append('.');
            for (long i = 2; i < nines; i++)
            {
                label.append('9');
            }
        }

        return label.append('%').toString();
    }
}

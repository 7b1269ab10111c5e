package io.magnetar.perf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.magnetar.client.SubscriptionType;
import io.magnetar.mediadriver.Durability;
import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Runs a workload against the broker and, when asked, the raw Aeron baseline after it (the broker is torn down
 * first so the baseline has the CPUs to itself), then prints the final figures and the ratios, and writes the JSON
 * summary.
 */
public final class PerfRunner
{
    private final PerfConfig config;
    private final PrintStream out;

    /**
     * @param config of the run; concluded here.
     * @param out    for the report.
     */
    public PerfRunner(final PerfConfig config, final PrintStream out)
    {
        this.config = config.conclude();
        this.out = out;
    }

    /**
     * Run, report and write the result files.
     *
     * @throws Exception if a run failed or a file could not be written.
     */
    public void run() throws Exception
    {
        final File outDir = config.outDir();
        if (!outDir.isDirectory() && !outDir.mkdirs())
        {
            throw new PerfException("cannot create the output directory " + outDir);
        }
        printHeader();

        final BrokerLoad brokerLoad = new BrokerLoad(config);
        final RunResult broker = RunController.run(config, brokerLoad, config.resultName("broker"), out);
        final IdleTopicSetup idleTopics = brokerLoad.idleTopics();
        printResult(broker);
        printIdleTopics(idleTopics);
        final BurstRun burst = brokerLoad.burst();
        final RunResult[] burstPhases = null == burst ? null : new RunResult[]{
            phase("paced client before the burst", burst.alone()),
            phase("paced client during the burst", burst.during()) };
        printBurst(burst, burstPhases);

        RunResult baseline = null;
        if (config.rawAeronBaseline())
        {
            baseline = RunController.run(
                config, new RawAeronLoad(config, false), config.resultName(WorkloadOptions.RAW_AERON), out);
            printResult(baseline);
        }
        RunResult bestBaseline = null;
        if (config.rawAeronBestBaseline())
        {
            bestBaseline = RunController.run(
                config, new RawAeronLoad(config, true), config.resultName(WorkloadOptions.RAW_AERON_BEST), out);
            printResult(bestBaseline);
        }
        if (null != baseline)
        {
            printRatios(broker, baseline, WorkloadOptions.RAW_AERON);
        }
        if (null != bestBaseline)
        {
            printRatios(broker, bestBaseline, WorkloadOptions.RAW_AERON_BEST);
        }
        final double[] bestFloorUs = bestFloorUs(baseline, bestBaseline);
        if (null != baseline && null != bestBaseline && null != bestFloorUs && null != broker.percentilesUs())
        {
            out.println("best floor = the lower of the two floors at each percentile:");
            printRatios(broker.percentilesUs(), bestFloorUs, "best floor");
        }

        if (null != config.summaryJson())
        {
            writeSummary(
                config.summaryJson(), broker, baseline, bestBaseline, bestFloorUs, idleTopics, burst, burstPhases);
            out.println("summary: " + config.summaryJson());
        }
        out.flush();
    }

    private void printHeader()
    {
        final String length = config.messages() > 0 ?
            String.format(Locale.ROOT, "%,d messages", config.messages()) : config.durationSeconds() + " s";
        final String load;
        if (config.workload() == Workload.CONSUME)
        {
            load = String.format(Locale.ROOT, "%d topic(s) x %d consumer(s)", config.topics(), config.consumers());
        }
        else
        {
            final String rate = config.rate() > 0 ?
                String.format(Locale.ROOT, "%,d msg/s", config.rate()) : "as fast as possible";
            load = String.format(Locale.ROOT, "%s, %d B, %d topic(s) x %d producer(s)%s",
                rate, config.size(), config.topics(), config.producers(),
                config.workload() == Workload.E2E ? " x " + config.consumers() + " consumer(s)" +
                (SubscriptionType.EXCLUSIVE == config.subscriptions().type() ? "" : " on one " +
                config.subscriptions().type() + " subscription") : "");
        }
        out.println(String.format(Locale.ROOT,
            "magnetar perf %s: %s, %s%s, %s, %s profile, %s-shaped client API, warmup %d s, measure %s, results in %s",
            config.workload().cliName(), load,
            config.persistent() ? "persistent" : "non-persistent",
            config.durability() == Durability.FSYNC ? " (fsync)" : "",
            config.transport().cliName(), config.profile().cliName(), config.api().cliName(), config.warmupSeconds(),
            length,
            config.outDir()));
        out.flush();
    }

    private void printResult(final RunResult result)
    {
        out.println(String.format(Locale.ROOT, "%s: %,d messages in %.1f s, %,.0f msg/s, %.2f MB/s",
            result.name(), result.count(), result.elapsedNs() / 1e9, result.rateMsgs(), result.mbPerSec()));
        final double[] percentiles = result.percentilesUs();
        if (null != percentiles)
        {
            final StringBuilder line = new StringBuilder("  latency us:");
            for (int i = 0; i < percentiles.length; i++)
            {
                line.append(String.format(Locale.ROOT, "  %s %.1f", RunResult.PERCENTILE_LABELS[i], percentiles[i]));
            }
            out.println(line);
            out.println("  wrote " + new File(config.outDir(), result.name() + ".hgrm") + " and .hlog");
        }
        if (!Double.isNaN(result.allocatedBytesPerMessage()))
        {
            out.println(String.format(Locale.ROOT, "  allocated %.1f B per message in this JVM (%s; the reporting " +
                "thread left out)", result.allocatedBytesPerMessage(), null == config.serviceUrl() ?
                "the clients and the embedded broker" : "the clients"));
        }
        if (result.undelivered() > 0)
        {
            out.println(String.format(Locale.ROOT, "  WARNING: %,d messages were not received", result.undelivered()));
        }
        out.flush();
    }

    private static RunResult phase(final String name, final Histogram histogram)
    {
        return new RunResult(name, histogram, histogram.getTotalCount(), 0, 1, 0);
    }

    private void printBurst(final BurstRun burst, final RunResult[] phases)
    {
        if (null == burst)
        {
            return;
        }

        final long durationNs = burst.durationNs();
        out.println(String.format(Locale.ROOT,
            "burst: a second client sent %,d messages in %.1f ms (%,.0f msg/s) halfway through the measured window",
            burst.sent(), durationNs / 1e6, durationNs > 0 ? burst.sent() * 1e9 / durationNs : 0.0));
        for (final RunResult phase : phases)
        {
            if (0 == phase.count())
            {
                out.println(phase.name() + ": no measured message");
                continue;
            }
            final double[] us = phase.percentilesUs();
            out.println(String.format(Locale.ROOT,
                "%-31s %,9d msgs  p50 %9.1f  p99 %9.1f  p99.9 %9.1f  max %9.1f us",
                phase.name() + ":", phase.count(), us[0], us[2], us[3], us[5]));
        }
        final double ratio = burstP99Ratio(phases);
        out.println(String.format(Locale.ROOT, "paced client's p99 during the burst / before it: %.2fx", ratio));
        out.flush();
    }

    private static double burstP99Ratio(final RunResult[] phases)
    {
        final double before = phases[0].count() > 0 ? phases[0].percentilesUs()[2] : 0;
        return before > 0 && phases[1].count() > 0 ? phases[1].percentilesUs()[2] / before : Double.NaN;
    }

    private void printIdleTopics(final IdleTopicSetup idleTopics)
    {
        if (null == idleTopics)
        {
            return;
        }

        final IdleTopicsConfig idle = config.idleTopics();
        out.println(String.format(Locale.ROOT,
            "idle topics: %,d x %d subscription(s), %,d consumer(s); heap %,d B per idle topic; " +
            "set-up %.1f ms per 100k topics, subscribe %.1f ms per 100k subscriptions",
            idle.topics(), idle.subscriptionsPerTopic(), idleTopics.consumers(), idleTopics.heapBytesPerTopic(),
            idleTopics.setupMsPer100k(), idleTopics.subscribeMsPer100k()));
        if (idleTopics.restartMs() >= 0)
        {
            out.println(String.format(Locale.ROOT,
                "idle topics: broker restarted in %,d ms (stop %,d ms, start %,d ms: %s); heap %,d B per idle topic " +
                "after the restart", idleTopics.restartMs(), idleTopics.stopMs(), idleTopics.startMs(),
                idleTopics.recovery(),
                idleTopics.heapBytesPerTopicAfterRestart()));
        }
        out.flush();
    }

    /**
     * The best floor of a run: the lower of the same-config and the yielding floor at each percentile (on two cores
     * the yielding floor has the lower median and the backoff floor often the lower p99), or the one that ran.
     */
    static double[] bestFloorUs(final RunResult baseline, final RunResult bestBaseline)
    {
        final double[] bestUs = null != bestBaseline ? bestBaseline.percentilesUs() : null;
        final double[] sameUs = null != baseline ? baseline.percentilesUs() : null;
        if (null == bestUs || null == sameUs)
        {
            return bestUs;
        }
        final double[] lowest = new double[bestUs.length];
        for (int i = 0; i < lowest.length; i++)
        {
            lowest[i] = Math.min(bestUs[i], sameUs[i]);
        }

        return lowest;
    }

    private void printRatios(final RunResult broker, final RunResult baseline, final String baselineName)
    {
        final double[] brokerUs = broker.percentilesUs();
        final double[] baselineUs = baseline.percentilesUs();
        if (null == brokerUs || null == baselineUs)
        {
            return;
        }
        printRatios(brokerUs, baselineUs, baselineName);
    }

    private void printRatios(final double[] brokerUs, final double[] baselineUs, final String baselineName)
    {
        final StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-18s", ""));
        final StringBuilder brokerLine = new StringBuilder(String.format(Locale.ROOT, "%-18s", "broker us"));
        final StringBuilder baselineLine =
            new StringBuilder(String.format(Locale.ROOT, "%-18s", baselineName + " us"));
        final StringBuilder ratioLine =
            new StringBuilder(String.format(Locale.ROOT, "%-18s", "broker/" + baselineName));
        final double[] ratios = ratios(brokerUs, baselineUs);
        for (int i = 0; i < brokerUs.length; i++)
        {
            header.append(String.format(Locale.ROOT, "%11s", RunResult.PERCENTILE_LABELS[i]));
            brokerLine.append(String.format(Locale.ROOT, "%11.1f", brokerUs[i]));
            baselineLine.append(String.format(Locale.ROOT, "%11.1f", baselineUs[i]));
            ratioLine.append(String.format(Locale.ROOT, "%10.2fx", ratios[i]));
        }
        out.println(header);
        out.println(brokerLine);
        out.println(baselineLine);
        out.println(ratioLine);
        out.flush();
    }

    private static double[] ratios(final double[] brokerUs, final double[] baselineUs)
    {
        final double[] ratios = new double[brokerUs.length];
        for (int i = 0; i < ratios.length; i++)
        {
            ratios[i] = baselineUs[i] > 0 ? brokerUs[i] / baselineUs[i] : Double.NaN;
        }

        return ratios;
    }

    private void writeSummary(
        final File file,
        final RunResult broker,
        final RunResult baseline,
        final RunResult bestBaseline,
        final double[] bestFloorUs,
        final IdleTopicSetup idleTopics,
        final BurstRun burst,
        final RunResult[] burstPhases)
        throws IOException
    {
        final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        final ObjectNode root = mapper.createObjectNode();
        root.put("workload", config.workload().cliName());

        final ObjectNode configNode = root.putObject("config");
        configNode.put("rate", config.rate());
        configNode.put("size", config.size());
        configNode.put("topics", config.topics());
        configNode.put("producers", config.producers());
        configNode.put("consumers", config.consumers());
        configNode.put("duration", config.durationSeconds());
        configNode.put("warmup", config.warmupSeconds());
        configNode.put("persistent", config.persistent());
        configNode.put("durability", config.durability() == Durability.FSYNC ? "fsync" : "archived");
        configNode.put("transport", config.transport().cliName());
        configNode.put("api", config.api().cliName());
        configNode.put("profile", config.profile().cliName());
        configNode.put("batching", config.batching().describe());
        if (config.messages() > 0)
        {
            configNode.put("messages", config.messages());
        }
        final BrokerDefaults defaults = config.brokerDefaults();
        if (BrokerDefaults.UNSET != defaults.retentionTimeMs())
        {
            configNode.put("retentionTimeMs", defaults.retentionTimeMs());
        }
        if (BrokerDefaults.UNSET != defaults.messageTtlMs())
        {
            configNode.put("messageTtlMs", defaults.messageTtlMs());
        }
        if (null != idleTopics)
        {
            final IdleTopicsConfig idle = config.idleTopics();
            root.put("idleTopics", idle.topics());
            root.put("idleSubscriptions", idle.totalSubscriptions());
            root.put("idleConsumers", idleTopics.consumers());
            root.put("heapBytesPerIdleTopic", idleTopics.heapBytesPerTopic());
            root.put("idleSetupMsPer100k", idleTopics.setupMsPer100k());
            root.put("idleSubscribeMsPer100k", idleTopics.subscribeMsPer100k());
            if (idleTopics.restartMs() >= 0)
            {
                root.put("idleRestartMs", idleTopics.restartMs());
                root.put("idleStopMs", idleTopics.stopMs());
                root.put("idleStartMs", idleTopics.startMs());
                root.put("heapBytesPerIdleTopicAfterRestart", idleTopics.heapBytesPerTopicAfterRestart());
                root.put("idleRecovery", idleTopics.recovery());
            }
        }

        final ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("javaVersion", System.getProperty("java.version"));

        putResult(root.putObject("broker"), broker);
        putBaseline(root, broker, baseline, null == baseline ? null : baseline.percentilesUs(), "baseline", "ratios");
        // with both floors, ratios_best is to the lower of the two at each percentile (bestFloorUs)
        putBaseline(root, broker, bestBaseline, bestFloorUs, "baselineBest", "ratios_best");
        if (null != baseline && null != bestFloorUs && null != broker.percentilesUs())
        {
            putPercentiles(root.putObject("bestFloor"), bestFloorUs);
        }
        if (null != burst)
        {
            putBurst(root.putObject("burst"), burst, burstPhases);
        }

        final File parent = file.getAbsoluteFile().getParentFile();
        if (null != parent && !parent.isDirectory() && !parent.mkdirs())
        {
            throw new IOException("cannot create the directory of " + file);
        }
        mapper.writeValue(file, root);
    }

    private static void putBaseline(
        final ObjectNode root,
        final RunResult broker,
        final RunResult baseline,
        final double[] floorUs,
        final String baselineKey,
        final String ratiosKey)
    {
        if (null == baseline)
        {
            root.putNull(baselineKey);
            root.putNull(ratiosKey);
            return;
        }

        putResult(root.putObject(baselineKey), baseline);
        final double[] brokerUs = broker.percentilesUs();
        if (null == brokerUs || null == floorUs)
        {
            root.putNull(ratiosKey);
            return;
        }
        final double[] ratios = ratios(brokerUs, floorUs);
        final ObjectNode ratiosNode = root.putObject(ratiosKey);
        for (int i = 0; i < ratios.length; i++)
        {
            ratiosNode.put(RunResult.RATIO_KEYS[i], ratios[i]);
        }
    }

    private static void putBurst(final ObjectNode node, final BurstRun burst, final RunResult[] phases)
    {
        node.put("messages", burst.sent());
        node.put("durationMs", burst.durationNs() / 1e6);
        final String[] keys = { "pacedBefore", "pacedDuring" };
        for (int i = 0; i < keys.length; i++)
        {
            final ObjectNode phaseNode = node.putObject(keys[i]);
            phaseNode.put("count", phases[i].count());
            putPercentiles(phaseNode, phases[i].count() > 0 ? phases[i].percentilesUs() : null);
        }
        final double ratio = burstP99Ratio(phases);
        if (Double.isNaN(ratio))
        {
            node.putNull("p99Ratio");
        }
        else
        {
            node.put("p99Ratio", ratio);
        }
    }

    private static void putResult(final ObjectNode node, final RunResult result)
    {
        node.put("count", result.count());
        node.put("rateMsgs", result.rateMsgs());
        node.put("mbPerSec", result.mbPerSec());
        if (!Double.isNaN(result.allocatedBytesPerMessage()))
        {
            node.put("allocatedBytesPerMessage", result.allocatedBytesPerMessage());
        }
        putPercentiles(node, result.percentilesUs());
    }

    private static void putPercentiles(final ObjectNode node, final double[] percentilesUs)
    {
        for (int i = 0; i < RunResult.PERCENTILE_KEYS.length; i++)
        {
            final String key = RunResult.PERCENTILE_KEYS[i] + "Us";
            if (null == percentilesUs)
            {
                node.putNull(key);
            }
            else
            {
                node.put(key, percentilesUs[i]);
            }
        }
    }
}

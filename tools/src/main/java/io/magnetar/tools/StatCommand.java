package io.magnetar.tools;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.PrintStream;
import java.nio.MappedByteBuffer;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code magnetar stat}: the counters of a running broker, read from its media driver's counters file as Aeron's
 * {@code AeronStat} reads them, without connecting to the broker.
 */
@Command(
    name = "stat",
    mixinStandardHelpOptions = true,
    description = "Print the counters of a running broker (sessions, bad frames, errors, messages in and out, " +
        "receipts, back pressure, log syncs per shard) from its media driver's counters file; --all adds Aeron's " +
        "own (publications, subscriptions, archive recordings, driver errors).")
final class StatCommand implements Callable<Integer>
{
    /** Magnetar's counter type ids are 1_101_000 and up: see BrokerCounters. */
    static final int MAGNETAR_TYPE_ID_FLOOR = 1_101_000;
    static final int MAGNETAR_TYPE_ID_CEILING = 1_101_999;

    @Option(names = "--aeron-dir", description = "Aeron directory of the broker's media driver. " +
        "Default: ${DEFAULT-VALUE}")
    String aeronDir = MagnetarMediaDriver.Configuration.AERON_DIR_DEFAULT;

    @Option(names = "--all", description = "Print every counter, Aeron's too.")
    boolean all;

    @Option(names = { "-w", "--watch" }, paramLabel = "SECONDS",
        description = "Print again every SECONDS until Ctrl-C; 0 prints once. Default: ${DEFAULT-VALUE}")
    long watchSeconds = 0;

    public Integer call() throws InterruptedException
    {
        if (watchSeconds < 0)
        {
            System.err.println("stat: --watch must not be negative");
            return 2;
        }
        final File cncFile = new File(aeronDir, CncFileDescriptor.CNC_FILE);
        if (!cncFile.exists() || cncFile.length() <= CncFileDescriptor.META_DATA_LENGTH)
        {
            System.err.println("stat: no media driver in " + aeronDir + " (no " + CncFileDescriptor.CNC_FILE +
                "); give the broker's --aeron-dir");
            return 1;
        }

        final MappedByteBuffer mapping = IoUtil.mapExistingFile(cncFile, "cnc");
        try (StopSignals signals = StopSignals.install())
        {
            final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(mapping);
            final int cncVersion = metaData.getInt(CncFileDescriptor.cncVersionOffset(0));
            CncFileDescriptor.checkVersion(cncVersion);
            final CountersReader counters = new CountersReader(
                CncFileDescriptor.createCountersMetaDataBuffer(mapping, metaData),
                CncFileDescriptor.createCountersValuesBuffer(mapping, metaData));
            final long pid = metaData.getLong(CncFileDescriptor.pidOffset(0));
            final boolean active =
                CommonContext.isDriverActive(TimeUnit.SECONDS.toMillis(10), StatCommand::quiet, mapping);

            do
            {
                print(System.out, counters, pid, active);
                if (0 == watchSeconds)
                {
                    break;
                }
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(watchSeconds);
                while (!signals.isStopRequested() && System.nanoTime() - deadlineNs < 0)
                {
                    Thread.sleep(50);
                }
            }
            while (!signals.isStopRequested());
        }
        catch (final RuntimeException ex)
        {
            System.err.println("stat: cannot read " + cncFile + ": " + ex.getMessage());
            return 1;
        }
        finally
        {
            IoUtil.unmap(mapping);
        }

        return 0;
    }

    private static void quiet(final String message)
    {
    }

    private void print(final PrintStream out, final CountersReader counters, final long pid, final boolean active)
    {
        out.println(Instant.now() + " - media driver pid " + pid + (active ? "" : " (not running)") + ", " +
            aeronDir);
        counters.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (all || (typeId >= MAGNETAR_TYPE_ID_FLOOR && typeId <= MAGNETAR_TYPE_ID_CEILING))
            {
                out.format("%4d: %,20d - %s%n", counterId, counters.getCounterValue(counterId), label);
            }
        });
        out.println("--");
        out.flush();
    }
}

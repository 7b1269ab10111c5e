package io.magnetar.tools;

import io.magnetar.mediadriver.MagnetarMediaDriver;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
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
        try (CncCounters cnc = CncCounters.open(aeronDir); StopSignals signals = StopSignals.install())
        {
            do
            {
                print(System.out, cnc.reader(), cnc.pid(), cnc.isDriverActive());
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
            System.err.println("stat: " + ex.getMessage());
            return 1;
        }

        return 0;
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

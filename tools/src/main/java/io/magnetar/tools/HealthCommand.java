package io.magnetar.tools;

import io.magnetar.broker.BrokerCounters;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code magnetar health}: whether a running broker can store messages, from its state counter (as
 * {@code pulsar-admin brokers healthcheck} answers for Pulsar): ready, disk full, or archive stopped.
 */
@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    description = "Say whether the broker on this host can store messages: ready, disk full (sends refused until " +
        "space is freed) or archive stopped (restart needed). Exit code 0 when ready, 1 otherwise.")
final class HealthCommand implements Callable<Integer>
{
    @Option(names = "--aeron-dir", description = "Aeron directory of the broker's media driver. " +
        "Default: ${DEFAULT-VALUE}")
    String aeronDir = MagnetarMediaDriver.Configuration.AERON_DIR_DEFAULT;

    public Integer call()
    {
        try (CncCounters cnc = CncCounters.open(aeronDir))
        {
            final CountersReader counters = cnc.reader();
            final int stateId = cnc.findByType(BrokerCounters.BROKER_STATE_TYPE_ID);
            final int usableId = cnc.findByType(BrokerCounters.ARCHIVE_USABLE_BYTES_TYPE_ID);
            if (!cnc.isDriverActive() || CountersReader.NULL_COUNTER_ID == stateId ||
                CountersReader.NULL_COUNTER_ID == usableId)
            {
                System.out.println("not running: no broker on the media driver in " + aeronDir);
                return 1;
            }

            final long state = counters.getCounterValue(stateId);
            final long usable = counters.getCounterValue(usableId);
            final String volume = counters.getCounterLabel(usableId)
                .substring(BrokerCounters.Disk.USABLE_BYTES_LABEL.length());
            if (0 == state)
            {
                System.out.println("ready: " + usable + " bytes free on " + volume);
                return 0;
            }
            if (1 == state)
            {
                System.out.println("disk full: " + usable + " bytes free on " + volume + "; consumers and " +
                    "acknowledgements go on; free space by acknowledging messages or lowering retention");
                return 1;
            }
            System.out.println("archive stopped: nothing can be stored until the broker restarts (" + usable +
                " bytes free on " + volume + "; see bin/magnetar errors)");
            return 1;
        }
        catch (final RuntimeException ex)
        {
            System.out.println("not running: " + ex.getMessage());
            return 1;
        }
    }
}

package io.magnetar.perf;

import io.aeron.CommonContext;
import io.magnetar.broker.BrokerContext;
import io.magnetar.broker.MagnetarBroker;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker with its embedded media driver and archive, in a temporary data directory and a fresh Aeron directory,
 * on an ephemeral UDP port, with the run's profile and durability; both directories are deleted on close.
 */
final class EmbeddedBroker implements AutoCloseable
{
    private final File dataDir;
    private final String aeronDir;
    private final List<String> recoveryLines;
    private MagnetarBroker broker;

    private EmbeddedBroker(
        final File dataDir, final String aeronDir, final List<String> recoveryLines, final MagnetarBroker broker)
    {
        this.dataDir = dataDir;
        this.aeronDir = aeronDir;
        this.recoveryLines = recoveryLines;
        this.broker = broker;
    }

    /**
     * Launch a broker for a run.
     *
     * @param config       of the run.
     * @param errorHandler for the broker's errors.
     * @return the running broker.
     * @throws IOException if the data directory could not be created.
     */
    static EmbeddedBroker launch(final PerfConfig config, final ErrorHandler errorHandler) throws IOException
    {
        final File dataDir = Files.createTempDirectory("magnetar-perf-").toFile();
        final String aeronDir = CommonContext.generateRandomDirName();
        final List<String> recoveryLines = new ArrayList<>();
        try
        {
            return new EmbeddedBroker(
                dataDir, aeronDir, recoveryLines, start(config, errorHandler, dataDir, aeronDir, recoveryLines));
        }
        catch (final RuntimeException ex)
        {
            deleteDirs(dataDir, aeronDir);
            throw ex;
        }
    }

    /**
     * Stop the broker and start it again on the same data directory, as after an operator's restart. Between the
     * two, untimed, full collections free the old broker's heap, as a new process would start without it.
     *
     * @param config       of the run.
     * @param errorHandler for the broker's errors.
     * @return milliseconds the stop took (index 0) and the start, until ready (index 1).
     */
    long[] restart(final PerfConfig config, final ErrorHandler errorHandler)
    {
        final long stopNs = System.nanoTime();
        CloseHelper.close(broker);
        broker = null;
        final long stoppedNs = System.nanoTime();
        IdleTopicSetup.usedHeapAfterGc();
        recoveryLines.clear();
        final long startNs = System.nanoTime();
        broker = start(config, errorHandler, dataDir, aeronDir, recoveryLines);

        return new long[]{ TimeUnit.NANOSECONDS.toMillis(stoppedNs - stopNs),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) };
    }

    /**
     * @return what the shards said they recovered at the last start, one line each, joined.
     */
    String recoveryLines()
    {
        return String.join("; ", recoveryLines);
    }

    /**
     * @return the URL UDP clients connect to.
     */
    String serviceUrl()
    {
        return broker.serviceUrl();
    }

    /**
     * @return the media driver directory IPC clients use.
     */
    String aeronDirectoryName()
    {
        return broker.aeronDirectoryName();
    }

    /**
     * Stop the broker, its archive and driver, and delete its directories.
     */
    public void close()
    {
        try
        {
            CloseHelper.close(broker);
        }
        finally
        {
            deleteDirs(dataDir, aeronDir);
        }
    }

    private static void deleteDirs(final File dataDir, final String aeronDir)
    {
        IoUtil.delete(dataDir, true);
        IoUtil.delete(new File(aeronDir), true);
    }

    private static MagnetarBroker start(
        final PerfConfig config,
        final ErrorHandler errorHandler,
        final File dataDir,
        final String aeronDir,
        final List<String> recoveryLines)
    {
        final BrokerContext ctx = new BrokerContext()
            .brokerName("perf")
            .bindAddress("localhost")
            .port(0)
            .dataDir(dataDir)
            .errorHandler(errorHandler)
            .logger((line) -> keepRecoveryLine(recoveryLines, line))
            .driverContext(new MagnetarMediaDriver.Context()
                .aeronDirectoryName(aeronDir)
                .profile(config.profile())
                .durability(config.durability())
                .deleteAeronDirOnShutdown(true));
        if (config.idleTopics().topics() > 0)
        {
            ctx.ipcEnabled(true); // the idle topics are created over IPC
        }

        return MagnetarBroker.launch(config.brokerDefaults().applyTo(ctx));
    }

    private static void keepRecoveryLine(final List<String> recoveryLines, final String line)
    {
        // other start-up lines say nothing a perf run needs
        if (line.contains(" recovered "))
        {
            recoveryLines.add(line);
        }
    }
}

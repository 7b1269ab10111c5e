package io.magnetar.perf;

import io.aeron.CommonContext;
import io.magnetar.broker.MagnetarBroker;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

/**
 * A broker with its embedded media driver and archive, in a temporary data directory and a fresh Aeron directory,
 * on an ephemeral UDP port, with the run's profile and durability; both directories are deleted on close.
 */
final class EmbeddedBroker implements AutoCloseable
{
    private final File dataDir;
    private final String aeronDir;
    private final MagnetarBroker broker;

    private EmbeddedBroker(final File dataDir, final String aeronDir, final MagnetarBroker broker)
    {
        this.dataDir = dataDir;
        this.aeronDir = aeronDir;
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
        try
        {
            final MagnetarBroker.Context ctx = new MagnetarBroker.Context()
                .brokerName("perf")
                .bindAddress("localhost")
                .port(0)
                .dataDir(dataDir)
                .errorHandler(errorHandler)
                .logger(EmbeddedBroker::ignoreLogLine)
                .driverContext(new MagnetarMediaDriver.Context()
                    .aeronDirectoryName(aeronDir)
                    .profile(config.profile())
                    .durability(config.durability())
                    .deleteAeronDirOnShutdown(true));
            if (config.idleTopics().topics() > 0)
            {
                ctx.ipcEnabled(true); // the idle topics are created over IPC
            }
            final MagnetarBroker broker = MagnetarBroker.launch(config.brokerDefaults().applyTo(ctx));

            return new EmbeddedBroker(dataDir, aeronDir, broker);
        }
        catch (final RuntimeException ex)
        {
            deleteDirs(dataDir, aeronDir);
            throw ex;
        }
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

    private static void ignoreLogLine(final String line)
    {
        // recovery and start-up lines of a fresh broker say nothing a perf run needs
    }
}

package io.magnetar.tools;

import io.aeron.driver.exceptions.ActiveDriverException;
import io.magnetar.mediadriver.Durability;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import io.magnetar.mediadriver.Profile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.concurrent.Callable;

/**
 * {@code magnetar driver}: the Aeron media driver and archive as their own process.
 */
@Command(
    name = "driver",
    mixinStandardHelpOptions = true,
    description = "Run the Aeron media driver and archive in their own process; Ctrl-C stops them.")
final class DriverCommand implements Callable<Integer>
{
    @Option(names = "--aeron-dir", description = "Aeron directory. Default: ${DEFAULT-VALUE}")
    String aeronDir = MagnetarMediaDriver.Configuration.AERON_DIR_DEFAULT;

    @Option(names = "--archive-dir", description = "Archive directory. Default: ${DEFAULT-VALUE}")
    File archiveDir = new File(MagnetarMediaDriver.Configuration.ARCHIVE_DIR_DEFAULT);

    @Option(names = "--profile", description = "default, low-latency or one-thread. Default: ${DEFAULT-VALUE}")
    String profile = "default";

    @Option(names = "--durability", description = "archived or fsync. Default: ${DEFAULT-VALUE}")
    String durability = "archived";

    public Integer call()
    {
        try (StopSignals signals = StopSignals.install())
        {
            final MagnetarMediaDriver driver = MagnetarMediaDriver.launch(new MagnetarMediaDriver.Context()
                .aeronDirectoryName(aeronDir)
                .archiveDir(archiveDir)
                .profile(Profile.parse(profile))
                .durability(Durability.parse(durability))
                .embedded(false));
            try
            {
                System.out.println("magnetar driver ready: aeronDir=" + driver.aeronDirectoryName() +
                    " archiveDir=" + archiveDir.getAbsolutePath() + " profile=" + Profile.parse(profile).cliName() +
                    " durability=" + durability);
                System.out.flush();
                signals.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            finally
            {
                driver.close();
            }
            System.out.println("magnetar driver stopped");
            System.out.flush();
        }
        catch (final ActiveDriverException ex)
        {
            System.err.println("magnetar driver: a media driver is already running in " + aeronDir +
                "; stop it, or pass another --aeron-dir");
            return 1;
        }

        return 0;
    }
}

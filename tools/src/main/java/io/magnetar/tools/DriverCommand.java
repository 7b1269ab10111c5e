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
        final MagnetarMediaDriver.Context ctx;
        try
        {
            ctx = new MagnetarMediaDriver.Context()
                .aeronDirectoryName(aeronDir)
                .archiveDir(archiveDir)
                .profile(StartupChecks.option("--profile", () -> Profile.parse(profile)))
                .durability(StartupChecks.option("--durability", () -> Durability.parse(durability)))
                .embedded(false);
            StartupChecks.checkAeronDir(new File(aeronDir));
            StartupChecks.checkWritableDirectory(archiveDir, "--archive-dir", StartupChecks.Failure.DATA_DIR_UNUSABLE);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("magnetar driver: " + ex.getMessage());
            return StartupChecks.Failure.INVALID_OPTION.exitCode();
        }
        catch (final StartupChecks.StartupException ex)
        {
            System.err.println("magnetar driver: " + ex.getMessage());
            return ex.failure().exitCode();
        }

        try (StopSignals signals = StopSignals.install())
        {
            final MagnetarMediaDriver driver = MagnetarMediaDriver.launch(ctx);
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
            return StartupChecks.Failure.AERON_DIR_IN_USE.exitCode();
        }
        catch (final RuntimeException ex)
        {
            System.err.println("magnetar driver: failed to start: " + ex);
            return StartupChecks.Failure.START_FAILED.exitCode();
        }

        return 0;
    }
}

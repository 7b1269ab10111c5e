package io.magnetar.mediadriver;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.ArchivingMediaDriver;
import io.aeron.archive.checksum.Checksums;
import io.aeron.archive.client.AeronArchive;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.ConfigurationException;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Aeron's {@link MediaDriver} plus an {@link Archive} on the same directory, configured by a {@link Profile} and a
 * {@link Durability}. Runs embedded in a broker, or as its own process ({@code bin/magnetar driver}).
 */
public final class MagnetarMediaDriver implements AutoCloseable
{
    private static final System.Logger LOGGER = System.getLogger(MagnetarMediaDriver.class.getName());
    private static final long DRIVER_ACTIVE_TIMEOUT_MS = 10_000;

    /**
     * Configuration keys and defaults; each can be set as a system property.
     */
    public static final class Configuration
    {
        /**
         * Aeron directory (CnC file, log buffers, counters). Keep it on tmpfs.
         */
        public static final String AERON_DIR_PROP_NAME = "magnetar.aeron.dir";

        /**
         * Default: Aeron's own default directory, so clients on the same host find it for IPC.
         */
        public static final String AERON_DIR_DEFAULT = CommonContext.getAeronDirectoryName();

        /**
         * Archive directory (segment files and catalog). Keep it on a real disk.
         */
        public static final String ARCHIVE_DIR_PROP_NAME = "magnetar.archive.dir";

        /**
         * Default archive directory, relative to the working directory.
         */
        public static final String ARCHIVE_DIR_DEFAULT = "magnetar-data/archive";

        /**
         * Threading profile: {@code default} or {@code low-latency}.
         */
        public static final String PROFILE_PROP_NAME = "magnetar.profile";

        /**
         * Default threading profile.
         */
        public static final String PROFILE_DEFAULT = "default";

        /**
         * Durability level of the archive: {@code archived} or {@code fsync}.
         */
        public static final String DURABILITY_PROP_NAME = "magnetar.durability";

        /**
         * Default durability level.
         */
        public static final String DURABILITY_DEFAULT = "archived";

        /**
         * Length of an archive segment file; a power of two and a multiple of the shard log term length.
         */
        public static final String SEGMENT_FILE_LENGTH_PROP_NAME = "magnetar.archive.segment.file.length";

        /**
         * Default segment file length: 128 MiB.
         */
        public static final int SEGMENT_FILE_LENGTH_DEFAULT = 128 * 1024 * 1024;

        /**
         * Free bytes at or below which the archive refuses to start or extend a recording (Aeron's property). The
         * broker refuses sends well before, so its default is small: a broker restarted on a nearly full disk must
         * still extend its logs to serve reads.
         */
        public static final String ARCHIVE_LOW_STORAGE_THRESHOLD_PROP_NAME =
            Archive.Configuration.LOW_STORAGE_SPACE_THRESHOLD_PROP_NAME;

        /**
         * Default archive low storage threshold: 4 MiB (Aeron's own is 128 MiB).
         */
        public static final long ARCHIVE_LOW_STORAGE_THRESHOLD_DEFAULT = 4L * 1024 * 1024;

        /**
         * Term length of IPC publications that do not set one on their channel.
         */
        public static final String IPC_TERM_LENGTH_PROP_NAME = "magnetar.ipc.term.length";

        /**
         * Default IPC term length: 4 MiB (Aeron's own 64 MiB default costs ~192 MiB of shared memory a log).
         */
        public static final int IPC_TERM_LENGTH_DEFAULT = 4 * 1024 * 1024;

        private Configuration()
        {
        }
    }

    /**
     * Settings for a {@link MagnetarMediaDriver}; call {@link #conclude()} (done by {@link #launch(Context)}) once.
     */
    public static final class Context implements Cloneable
    {
        private String aeronDirectoryName = System.getProperty(
            Configuration.AERON_DIR_PROP_NAME, Configuration.AERON_DIR_DEFAULT);
        private File archiveDir = new File(System.getProperty(
            Configuration.ARCHIVE_DIR_PROP_NAME, Configuration.ARCHIVE_DIR_DEFAULT));
        private Profile profile = Profile.parse(System.getProperty(
            Configuration.PROFILE_PROP_NAME, Configuration.PROFILE_DEFAULT));
        private Durability durability = Durability.parse(System.getProperty(
            Configuration.DURABILITY_PROP_NAME, Configuration.DURABILITY_DEFAULT));
        private int segmentFileLength = SystemUtil.getSizeAsInt(
            Configuration.SEGMENT_FILE_LENGTH_PROP_NAME, Configuration.SEGMENT_FILE_LENGTH_DEFAULT);
        private int ipcTermLength = SystemUtil.getSizeAsInt(
            Configuration.IPC_TERM_LENGTH_PROP_NAME, Configuration.IPC_TERM_LENGTH_DEFAULT);
        private boolean deleteAeronDirOnShutdown = false;
        private boolean embedded = true;

        /**
         * Validate and fill in defaults.
         *
         * @return this for a fluent API.
         */
        public Context conclude()
        {
            if (null == aeronDirectoryName || aeronDirectoryName.isEmpty())
            {
                throw new ConfigurationException("aeronDirectoryName must be set");
            }
            if (null == archiveDir)
            {
                throw new ConfigurationException("archiveDir must be set");
            }
            if (!archiveDir.exists() && !archiveDir.mkdirs())
            {
                throw new ConfigurationException("cannot create archive directory " + archiveDir);
            }
            if (!archiveDir.isDirectory() || !archiveDir.canWrite())
            {
                throw new ConfigurationException("archive directory is not a writable directory: " + archiveDir);
            }

            return this;
        }

        /**
         * @return a shallow copy.
         */
        public Context clone()
        {
            try
            {
                return (Context)super.clone();
            }
            catch (final CloneNotSupportedException ex)
            {
                throw new IllegalStateException(ex);
            }
        }

        /**
         * @param aeronDirectoryName Aeron directory for the driver.
         * @return this for a fluent API.
         */
        public Context aeronDirectoryName(final String aeronDirectoryName)
        {
            this.aeronDirectoryName = aeronDirectoryName;
            return this;
        }

        /**
         * @return Aeron directory for the driver.
         */
        public String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        /**
         * @param archiveDir directory of the archive's segment files and catalog.
         * @return this for a fluent API.
         */
        public Context archiveDir(final File archiveDir)
        {
            this.archiveDir = archiveDir;
            return this;
        }

        /**
         * @return directory of the archive's segment files and catalog.
         */
        public File archiveDir()
        {
            return archiveDir;
        }

        /**
         * @param profile threading profile.
         * @return this for a fluent API.
         */
        public Context profile(final Profile profile)
        {
            this.profile = profile;
            return this;
        }

        /**
         * @return threading profile.
         */
        public Profile profile()
        {
            return profile;
        }

        /**
         * @param durability level the archive writes at.
         * @return this for a fluent API.
         */
        public Context durability(final Durability durability)
        {
            this.durability = durability;
            return this;
        }

        /**
         * @return level the archive writes at.
         */
        public Durability durability()
        {
            return durability;
        }

        /**
         * @param segmentFileLength archive segment file length.
         * @return this for a fluent API.
         */
        public Context segmentFileLength(final int segmentFileLength)
        {
            this.segmentFileLength = segmentFileLength;
            return this;
        }

        /**
         * @return archive segment file length.
         */
        public int segmentFileLength()
        {
            return segmentFileLength;
        }

        /**
         * @param ipcTermLength default IPC term length.
         * @return this for a fluent API.
         */
        public Context ipcTermLength(final int ipcTermLength)
        {
            this.ipcTermLength = ipcTermLength;
            return this;
        }

        /**
         * @return default IPC term length.
         */
        public int ipcTermLength()
        {
            return ipcTermLength;
        }

        /**
         * @param deleteAeronDirOnShutdown delete the Aeron directory when the driver closes (tests).
         * @return this for a fluent API.
         */
        public Context deleteAeronDirOnShutdown(final boolean deleteAeronDirOnShutdown)
        {
            this.deleteAeronDirOnShutdown = deleteAeronDirOnShutdown;
            return this;
        }

        /**
         * @return delete the Aeron directory when the driver closes.
         */
        public boolean deleteAeronDirOnShutdown()
        {
            return deleteAeronDirOnShutdown;
        }

        /**
         * @param embedded true when the driver runs inside the broker's process. In the low-latency profile an
         *                 embedded driver is invoked by the broker; a driver in its own process spins its own thread.
         * @return this for a fluent API.
         */
        public Context embedded(final boolean embedded)
        {
            this.embedded = embedded;
            return this;
        }

        /**
         * @return true when the driver runs inside the broker's process.
         */
        public boolean embedded()
        {
            return embedded;
        }
    }

    private final Context ctx;
    private final MediaDriver mediaDriver;
    private final Archive archive;
    private final AgentInvoker agentInvoker;
    private final InvokerAgent ownThreadAgent;
    private final AgentRunner ownThreadRunner;

    private MagnetarMediaDriver(final Context ctx)
    {
        this.ctx = ctx;

        final long deadDriverPid = StaleMarkFiles.deadDriverPid(new File(ctx.aeronDirectoryName()));
        if (deadDriverPid > 0)
        {
            LOGGER.log(System.Logger.Level.INFO, "magnetar: " + ctx.aeronDirectoryName() + " was left by process " +
                deadDriverPid + ", which is gone; starting afresh");
        }
        final File savedDriverErrors = saveErrorsOfStoppedDriver(ctx);
        if (null != savedDriverErrors)
        {
            LOGGER.log(System.Logger.Level.INFO, "magnetar: errors the previous media driver recorded in " +
                ctx.aeronDirectoryName() + " were saved to " + savedDriverErrors);
        }
        final List<File> staleDirs = StaleAeronDirs.removeDead();
        if (!staleDirs.isEmpty())
        {
            LOGGER.log(System.Logger.Level.INFO, "magnetar: removed " + staleDirs.size() +
                " Aeron directories left by processes that are gone, e.g. " + staleDirs.get(0));
        }
        final long deadArchivePid = StaleMarkFiles.clearDeadArchiveMarkFile(ctx.archiveDir());
        if (deadArchivePid > 0)
        {
            LOGGER.log(System.Logger.Level.INFO, "magnetar: removed the archive mark file left in " +
                ctx.archiveDir() + " by process " + deadArchivePid + ", which is gone");
            final String repair = ArchiveRepair.repairAfterCrash(ctx.archiveDir());
            if (null != repair)
            {
                LOGGER.log(System.Logger.Level.INFO, "magnetar: " + repair);
            }
        }

        // low-latency: the driver is invoked from the broker's hot thread; the archive always has a thread of its
        // own. one-thread: the archive is invoked too, unless it syncs files (fsync durability).
        final boolean invoker = ctx.profile() != Profile.DEFAULT;
        final boolean invokeArchive = ctx.profile() == Profile.ONE_THREAD && ctx.durability() != Durability.FSYNC;

        final MediaDriver.Context driverCtx = new MediaDriver.Context()
            .aeronDirectoryName(ctx.aeronDirectoryName())
            .ipcTermBufferLength(ctx.ipcTermLength())
            .dirDeleteOnStart(deadDriverPid > 0 || null != savedDriverErrors)
            .dirDeleteOnShutdown(ctx.deleteAeronDirOnShutdown())
            .spiesSimulateConnection(true)
            .threadingMode(invoker ? ThreadingMode.INVOKER : ThreadingMode.SHARED)
            .sharedIdleStrategy(IdleConfiguration.driverIdleStrategy())
            .asyncExecutorIdleStrategy(IdleConfiguration.backoffIdleStrategy());

        final Archive.Context archiveCtx = new Archive.Context()
            .aeronDirectoryName(ctx.aeronDirectoryName())
            .archiveDir(ctx.archiveDir())
            .controlChannelEnabled(false)
            .replicationChannel("aeron:udp?endpoint=localhost:0")
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:ipc"))
            .fileSyncLevel(ctx.durability().fileSyncLevel())
            .catalogFileSyncLevel(ctx.durability().fileSyncLevel())
            .segmentFileLength(ctx.segmentFileLength())
            .lowStorageSpaceThreshold(SystemUtil.getSizeAsLong(
                Configuration.ARCHIVE_LOW_STORAGE_THRESHOLD_PROP_NAME,
                Configuration.ARCHIVE_LOW_STORAGE_THRESHOLD_DEFAULT))
            .recordChecksum(Checksums.newInstance(ArchiveRepair.RECORD_CHECKSUM))
            .deleteArchiveOnStart(false);

        archiveCtx
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(IdleConfiguration::driverIdleStrategy);

        if (invoker)
        {
            final MediaDriver driver = MediaDriver.launch(driverCtx);
            final AgentInvoker driverInvoker = driver.sharedAgentInvoker();
            final Archive archive;
            try
            {
                // an invoked archive's own Aeron client invokes the driver while it waits, on the launching thread;
                // one on a thread of its own needs the driver pumped until it is up
                archive = invokeArchive ?
                    Archive.launch(archiveCtx.threadingMode(ArchiveThreadingMode.INVOKER)
                        .mediaDriverAgentInvoker(driverInvoker)) :
                    launchArchiveWhilePumping(driverInvoker, archiveCtx);
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietClose(driver);
                throw ex;
            }
            mediaDriver = driver;
            this.archive = archive;
            if (invokeArchive)
            {
                agentInvoker = new AgentInvoker(MagnetarMediaDriver::logError, null,
                    new InvokerAgent("magnetar-driver-archive", driverInvoker, archive.invoker()));
                agentInvoker.start();
            }
            else
            {
                agentInvoker = driverInvoker;
            }
        }
        else
        {
            final ArchivingMediaDriver archivingMediaDriver = ArchivingMediaDriver.launch(driverCtx, archiveCtx);
            mediaDriver = archivingMediaDriver.mediaDriver();
            archive = archivingMediaDriver.archive();
            agentInvoker = null;
        }

        if (null != agentInvoker && !ctx.embedded())
        {
            ownThreadAgent = new InvokerAgent("magnetar-driver-invoker", agentInvoker);
            final IdleStrategy idleStrategy = ctx.profile() == Profile.LOW_LATENCY ?
                new BusySpinIdleStrategy() : IdleConfiguration.driverIdleStrategy();
            ownThreadRunner = new AgentRunner(idleStrategy, MagnetarMediaDriver::logError, null, ownThreadAgent);
            AgentRunner.startOnThread(ownThreadRunner);
        }
        else
        {
            ownThreadAgent = null;
            ownThreadRunner = null;
        }
    }

    /**
     * @param aeronDir an Aeron directory.
     * @return the pid of a media driver running in it, or -1 if none runs there (no directory, a driver that
     * stopped, or one whose process is gone).
     */
    public static long runningDriverPid(final File aeronDir)
    {
        return StaleMarkFiles.liveDriverPid(aeronDir, DRIVER_ACTIVE_TIMEOUT_MS);
    }

    /**
     * @param pid of a process.
     * @return true if the process has exited (a zombie counts as exited).
     */
    public static boolean isProcessGone(final long pid)
    {
        return StaleMarkFiles.isDead(pid);
    }

    /**
     * Aeron keeps the errors of a driver that stopped in its directory, and saves them to a file beside it (in
     * {@code /dev/shm}) when a new driver starts there. They are saved to the data directory instead, and the
     * directory is cleared, so nothing accumulates in {@code /dev/shm}.
     *
     * @return the file the errors were saved to, or null if there were none.
     */
    private static File saveErrorsOfStoppedDriver(final Context ctx)
    {
        final File aeronDir = new File(ctx.aeronDirectoryName());
        if (!new File(aeronDir, CncFileDescriptor.CNC_FILE).exists() || runningDriverPid(aeronDir) > 0)
        {
            return null;
        }

        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        final int observations;
        try (PrintStream out = new PrintStream(text, false, StandardCharsets.UTF_8))
        {
            observations = new CommonContext().aeronDirectoryName(ctx.aeronDirectoryName()).saveErrorLog(out);
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
        if (observations <= 0)
        {
            return null;
        }

        final File dir = null != ctx.archiveDir().getAbsoluteFile().getParentFile() ?
            ctx.archiveDir().getAbsoluteFile().getParentFile() : ctx.archiveDir();
        final File file = new File(dir, "driver-errors-" + System.currentTimeMillis() + ".log");
        try
        {
            IoUtil.ensureDirectoryExists(dir, "data directory");
            Files.write(file.toPath(), text.toByteArray());
            return file;
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    private static Archive launchArchiveWhilePumping(final AgentInvoker driverInvoker, final Archive.Context ctx)
    {
        // A SHARED archive's client makes blocking calls to an INVOKER driver while it starts: invoke the driver
        // from a temporary thread until the archive is up; afterwards the broker's hot thread invokes it.
        final AtomicBoolean done = new AtomicBoolean(false);
        final Thread pump = new Thread(
            () ->
            {
                while (!done.get())
                {
                    if (0 == driverInvoker.invoke())
                    {
                        Thread.onSpinWait();
                    }
                }
            },
            "magnetar-driver-startup-pump");
        pump.setDaemon(true);
        pump.start();
        try
        {
            return Archive.launch(ctx);
        }
        finally
        {
            done.set(true);
            try
            {
                pump.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Launch a driver and an archive.
     *
     * @param ctx settings; concluded here.
     * @return the running driver.
     */
    public static MagnetarMediaDriver launch(final Context ctx)
    {
        ctx.conclude();
        return new MagnetarMediaDriver(ctx);
    }

    /**
     * @return the settings this driver runs with.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * @return Aeron directory clients connect to.
     */
    public String aeronDirectoryName()
    {
        return mediaDriver.aeronDirectoryName();
    }

    /**
     * @return the archive.
     */
    public Archive archive()
    {
        return archive;
    }

    /**
     * The driver and archive invoker to call from the broker's hot thread in the low-latency profile, or null when
     * they run on their own threads (default profile, or a driver in its own process).
     *
     * @return the invoker or null.
     */
    public AgentInvoker agentInvoker()
    {
        return null == ownThreadRunner ? agentInvoker : null;
    }

    /**
     * @return true if the archive is invoked by {@link #agentInvoker()} (the {@code one-thread} profile) rather than
     * running on a thread of its own. Such an archive answers each client on the thread that connected it, so a
     * thread that takes over connects a client of its own.
     */
    public boolean invokesArchive()
    {
        return archive.context().threadingMode() == ArchiveThreadingMode.INVOKER;
    }

    /**
     * A context for an archive client that talks to this archive over its local IPC control channel.
     *
     * @return a new archive client context; the caller sets the Aeron client.
     */
    public AeronArchive.Context archiveClientContext()
    {
        return archiveClientContext(archive.context());
    }

    /**
     * A context for an archive client that talks to an archive over its local IPC control channel.
     *
     * @param archiveCtx of the archive.
     * @return a new archive client context; the caller sets the Aeron client.
     */
    public static AeronArchive.Context archiveClientContext(final Archive.Context archiveCtx)
    {
        return new AeronArchive.Context()
            .controlRequestChannel(archiveCtx.localControlChannel())
            .controlRequestStreamId(archiveCtx.localControlStreamId())
            .controlResponseChannel("aeron:ipc");
    }

    /**
     * A context for an archive client that talks to an archive with default settings in another process on this
     * host, over its local IPC control channel.
     *
     * @return a new archive client context; the caller sets the Aeron client.
     */
    public static AeronArchive.Context localArchiveClientContext()
    {
        return new AeronArchive.Context()
            .controlRequestChannel(AeronArchive.Configuration.localControlChannel())
            .controlRequestStreamId(AeronArchive.Configuration.localControlStreamId())
            .controlResponseChannel("aeron:ipc");
    }

    /**
     * Close the archive, then the driver.
     */
    public void close()
    {
        CloseHelper.closeAll(ownThreadRunner, archive, mediaDriver);
    }

    private static void logError(final Throwable throwable)
    {
        LOGGER.log(System.Logger.Level.ERROR, "magnetar driver/archive invoker error", throwable);
    }
}

package io.magnetar.mediadriver;

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
import org.agrona.SystemUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.File;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Aeron's {@link MediaDriver} plus an {@link Archive} on the same directory, configured by a {@link Profile} and a
 * {@link Durability}. Runs embedded in a broker, or as its own process ({@code bin/magnetar driver}).
 */
public final class MagnetarMediaDriver implements AutoCloseable
{
    private static final System.Logger LOGGER = System.getLogger(MagnetarMediaDriver.class.getName());

    /**
     * Configuration keys and defaults; each can be set as a system property.
     */
    public static final class Configuration
    {
        /**
         * Name of Magnetar's backoff idle strategy in the idle strategy properties: spins, then yields, then parks.
         */
        public static final String BACKOFF = "backoff";

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
         * Term length of IPC publications that do not set one on their channel.
         */
        public static final String IPC_TERM_LENGTH_PROP_NAME = "magnetar.ipc.term.length";

        /**
         * Default IPC term length: 4 MiB (Aeron's own 64 MiB default costs ~192 MiB of shared memory a log).
         */
        public static final int IPC_TERM_LENGTH_DEFAULT = 4 * 1024 * 1024;

        /**
         * Longest park of the backoff idle strategy of the driver and archive threads in the default profile, e.g.
         * {@code 100us}.
         */
        public static final String IDLE_MAX_PARK_PROP_NAME = "magnetar.idle.max.park";

        /**
         * Default longest park: 1 ms, Aeron's own. Measured on a 2-core VM, 100 µs parks on every thread made
         * latency worse, not better: seven threads waking 10,000 times a second crowd two cores.
         */
        public static final long IDLE_MAX_PARK_DEFAULT_NS = 1_000_000;

        /**
         * Parked time without work after which a {@code backoff} thread's parks may grow past its longest park to
         * {@link #IDLE_SETTLED_MAX_PARK_PROP_NAME}, for every Magnetar thread that backs off, e.g. {@code 20ms}.
         */
        public static final String IDLE_SETTLE_AFTER_PROP_NAME = "magnetar.idle.settle.after";

        /**
         * Default quiet time before a thread settles: 20 ms.
         */
        public static final long IDLE_SETTLE_AFTER_DEFAULT_NS = 20_000_000;

        /**
         * Longest park of a settled {@code backoff} thread (quiet for {@link #IDLE_SETTLE_AFTER_PROP_NAME}), for every
         * Magnetar thread that backs off; the first message after a quiet spell waits up to this long on each thread
         * it crosses. Set it to the longest park to never settle.
         */
        public static final String IDLE_SETTLED_MAX_PARK_PROP_NAME = "magnetar.idle.settled.max.park";

        /**
         * Default longest park once settled: 10 ms.
         */
        public static final long IDLE_SETTLED_MAX_PARK_DEFAULT_NS = 10_000_000;

        /**
         * Parked time without work after which work that wakes a {@code backoff} thread is isolated (a heartbeat, a
         * timer, the first message after a pause) rather than traffic, for every Magnetar thread that backs off.
         */
        public static final String IDLE_QUIET_AFTER_PROP_NAME = "magnetar.idle.quiet.after";

        /**
         * Default quiet time: 8 ms. A connected media driver works about 25 times a second; shorter and its
         * heartbeats count as traffic (thousands of yields each), longer and messages 5 ms apart count as isolated
         * (parks of 1 ms between them: at 200 msg/s the 90th percentile rose from 0.2 to 2-3 ms with 2 ms).
         */
        public static final long IDLE_QUIET_AFTER_DEFAULT_NS = 8_000_000;

        /**
         * Yields before parking after isolated work (see {@link #IDLE_QUIET_AFTER_PROP_NAME}), for every Magnetar
         * thread that backs off; traffic gets {@link #IDLE_MAX_YIELDS_PROP_NAME}.
         */
        public static final String IDLE_QUIET_MAX_YIELDS_PROP_NAME = "magnetar.idle.quiet.max.yields";

        /**
         * Default yields after work that finds a thread quiet: 100.
         */
        public static final long IDLE_QUIET_MAX_YIELDS_DEFAULT = 100;

        private Configuration()
        {
        }

        /**
         * Idle strategy of the driver's and the archive's threads in the default profile: {@code backoff} (spins,
         * then yields, then parks: see {@link #IDLE_MAX_SPINS_PROP_NAME}, {@link #IDLE_MAX_YIELDS_PROP_NAME},
         * {@link #IDLE_MAX_PARK_PROP_NAME}), or one of Aeron's names ({@code yield}, {@code spin}, {@code noop},
         * {@code sleep-ns}, or a class name), as {@code aeron.shared.idle.strategy} takes them.
         */
        public static final String IDLE_STRATEGY_PROP_NAME = "magnetar.idle.strategy";

        /**
         * Default idle strategy of the driver's and the archive's threads.
         */
        public static final String IDLE_STRATEGY_DEFAULT = BACKOFF;

        /**
         * Spins of a {@code backoff} idle strategy before it yields, for every Magnetar thread that backs off.
         */
        public static final String IDLE_MAX_SPINS_PROP_NAME = "magnetar.idle.max.spins";

        /**
         * Default spins before yielding: 1. On a 2-core box with seven or more threads on the message path, a spin
         * phase holds the core the next thread needs: 100 spins took the median from about 80 µs to 1 ms
         * (docs/benchmarks.md, the idle strategy matrix).
         */
        public static final long IDLE_MAX_SPINS_DEFAULT = 1;

        /**
         * Yields of a {@code backoff} idle strategy before it parks, for every Magnetar thread that backs off: with
         * a few thousand, a thread stays awake about a millisecond after its last work.
         */
        public static final String IDLE_MAX_YIELDS_PROP_NAME = "magnetar.idle.max.yields";

        /**
         * Default yields before parking: 3,000, so a thread stays awake between messages that arrive every
         * millisecond and parks soon after traffic stops. At 1k msg/s, 100 yields took p50 from 66 to 269 µs; the
         * cost is an idle connected driver's CPU (it works a little every millisecond or so, and yields after each):
         * an idle client's driver uses 8-15% of a core against 3% with 100 (docs/benchmarks.md).
         */
        public static final long IDLE_MAX_YIELDS_DEFAULT = 3_000;

        /**
         * @return a new backoff idle strategy: {@link #IDLE_MAX_SPINS_PROP_NAME} spins,
         * {@link #IDLE_MAX_YIELDS_PROP_NAME} yields, then parks from 1 µs up to {@link #IDLE_MAX_PARK_PROP_NAME}.
         */
        public static IdleStrategy backoffIdleStrategy()
        {
            return backoffIdleStrategy(
                SystemUtil.getDurationInNanos(IDLE_MAX_PARK_PROP_NAME, IDLE_MAX_PARK_DEFAULT_NS));
        }

        /**
         * @param maxParkNs longest park.
         * @return a new backoff idle strategy: {@link #IDLE_MAX_SPINS_PROP_NAME} spins,
         * {@link #IDLE_MAX_YIELDS_PROP_NAME} yields, then parks from 1 µs up to {@code maxParkNs}.
         */
        public static IdleStrategy backoffIdleStrategy(final long maxParkNs)
        {
            return backoffIdleStrategy(
                Long.getLong(IDLE_MAX_SPINS_PROP_NAME, IDLE_MAX_SPINS_DEFAULT),
                Long.getLong(IDLE_MAX_YIELDS_PROP_NAME, IDLE_MAX_YIELDS_DEFAULT),
                maxParkNs);
        }

        /**
         * @param maxSpins  spins after work before yielding.
         * @param maxYields yields after the spins before parking.
         * @param maxParkNs longest park until the thread settles.
         * @return a new backoff idle strategy with these phases that settles as {@link #IDLE_SETTLE_AFTER_PROP_NAME}
         * and {@link #IDLE_SETTLED_MAX_PARK_PROP_NAME} say.
         */
        public static IdleStrategy backoffIdleStrategy(final long maxSpins, final long maxYields, final long maxParkNs)
        {
            final long settledMaxParkNs = Math.max(maxParkNs,
                SystemUtil.getDurationInNanos(IDLE_SETTLED_MAX_PARK_PROP_NAME, IDLE_SETTLED_MAX_PARK_DEFAULT_NS));
            return new SettlingBackoffIdleStrategy(
                maxSpins,
                maxYields,
                Math.min(maxYields, Long.getLong(IDLE_QUIET_MAX_YIELDS_PROP_NAME, IDLE_QUIET_MAX_YIELDS_DEFAULT)),
                Math.min(1_000, maxParkNs),
                maxParkNs,
                SystemUtil.getDurationInNanos(IDLE_QUIET_AFTER_PROP_NAME, IDLE_QUIET_AFTER_DEFAULT_NS),
                SystemUtil.getDurationInNanos(IDLE_SETTLE_AFTER_PROP_NAME, IDLE_SETTLE_AFTER_DEFAULT_NS),
                settledMaxParkNs);
        }

        /**
         * @param propName    a system property naming an idle strategy ({@link #BACKOFF} or one of Aeron's names).
         * @param maxParkNs   longest park if it names {@link #BACKOFF}.
         * @return a new idle strategy of that name, {@link #BACKOFF} when the property is not set.
         * @throws io.aeron.exceptions.ConfigurationException if the name is not known.
         */
        public static IdleStrategy idleStrategy(final String propName, final long maxParkNs)
        {
            final String name = System.getProperty(propName, BACKOFF);
            if (BACKOFF.equals(name))
            {
                return backoffIdleStrategy(maxParkNs);
            }
            try
            {
                return io.aeron.driver.Configuration.agentIdleStrategy(name, null);
            }
            catch (final Exception ex) // an unknown class name comes back as a ClassNotFoundException
            {
                throw new io.aeron.exceptions.ConfigurationException(
                    propName + "=" + name + " is not an idle strategy: use backoff, yield, spin, noop, sleep-ns " +
                    "or a class name (" + ex.getMessage() + ")");
            }
        }

        /**
         * @return a new idle strategy for the driver's and the archive's threads: {@link #IDLE_STRATEGY_PROP_NAME}.
         */
        public static IdleStrategy driverIdleStrategy()
        {
            final long maxParkNs = SystemUtil.getDurationInNanos(IDLE_MAX_PARK_PROP_NAME, IDLE_MAX_PARK_DEFAULT_NS);
            return idleStrategy(IDLE_STRATEGY_PROP_NAME, maxParkNs);
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
        // own. Invoked from the hot thread too, it stopped answering control requests (a purge of old segments did
        // not come back within 10 s) under a full-rate load, and an fsync would stall the hot thread.
        final boolean invoker = ctx.profile() == Profile.LOW_LATENCY;

        final MediaDriver.Context driverCtx = new MediaDriver.Context()
            .aeronDirectoryName(ctx.aeronDirectoryName())
            .ipcTermBufferLength(ctx.ipcTermLength())
            .dirDeleteOnStart(deadDriverPid > 0)
            .dirDeleteOnShutdown(ctx.deleteAeronDirOnShutdown())
            .spiesSimulateConnection(true)
            .threadingMode(invoker ? ThreadingMode.INVOKER : ThreadingMode.SHARED)
            .sharedIdleStrategy(Configuration.driverIdleStrategy())
            .asyncExecutorIdleStrategy(Configuration.backoffIdleStrategy());

        final Archive.Context archiveCtx = new Archive.Context()
            .aeronDirectoryName(ctx.aeronDirectoryName())
            .archiveDir(ctx.archiveDir())
            .controlChannelEnabled(false)
            .replicationChannel("aeron:udp?endpoint=localhost:0")
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:ipc"))
            .fileSyncLevel(ctx.durability().fileSyncLevel())
            .catalogFileSyncLevel(ctx.durability().fileSyncLevel())
            .segmentFileLength(ctx.segmentFileLength())
            .recordChecksum(Checksums.newInstance(ArchiveRepair.RECORD_CHECKSUM))
            .deleteArchiveOnStart(false);

        archiveCtx
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(Configuration::driverIdleStrategy);

        if (invoker)
        {
            final MediaDriver driver = MediaDriver.launch(driverCtx);
            final Archive archive;
            try
            {
                archive = launchArchiveWhilePumping(driver.sharedAgentInvoker(), archiveCtx);
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietClose(driver);
                throw ex;
            }
            mediaDriver = driver;
            this.archive = archive;
            agentInvoker = driver.sharedAgentInvoker();
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
            ownThreadRunner = new AgentRunner(
                new BusySpinIdleStrategy(), MagnetarMediaDriver::logError, null, ownThreadAgent);
            AgentRunner.startOnThread(ownThreadRunner);
        }
        else
        {
            ownThreadAgent = null;
            ownThreadRunner = null;
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

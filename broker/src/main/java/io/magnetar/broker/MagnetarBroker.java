package io.magnetar.broker;

import io.aeron.Aeron;
import io.magnetar.broker.auth.Authorizer;
import io.magnetar.broker.metadata.ClusterData;
import io.magnetar.broker.metadata.FileMetadataStore;
import io.magnetar.broker.metadata.MetadataAdmin;
import io.magnetar.broker.session.SessionAgent;
import io.magnetar.mediadriver.Durability;
import io.magnetar.mediadriver.InvokerAgent;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.CountedErrorHandler;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Magnetar broker: client ingress on Aeron UDP and IPC, a {@link SessionAgent} and one
 * {@link io.magnetar.broker.shard.TopicShardAgent} per shard composed on one thread, shard logs recorded by Aeron
 * Archive. Launch with {@link #launch(BrokerContext)}.
 */
public final class MagnetarBroker implements AutoCloseable
{
    private static final System.Logger LOGGER = System.getLogger(MagnetarBroker.class.getName());

    private final BrokerContext ctx;
    private BrokerErrorLog errorHandler;
    private CountedErrorHandler countedErrorHandler;
    private MagnetarMediaDriver driver;
    private Aeron aeron;
    private BrokerArchiveClient archive;
    private BrokerCounters counters;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private AgentRunner runner;
    private AgentRunner syncRunner;
    private int boundPort;
    private MetadataAdmin metadata;
    private Authorizer authorizer;

    private MagnetarBroker(final BrokerContext ctx)
    {
        this.ctx = ctx;
    }

    /**
     * Launch a broker: driver and archive (if embedded), recovery of every shard, then the agents.
     *
     * @param ctx settings; concluded here.
     * @return the running broker.
     */
    public static MagnetarBroker launch(final BrokerContext ctx)
    {
        ctx.conclude();
        final MagnetarBroker broker = new MagnetarBroker(ctx);
        try
        {
            broker.start();
        }
        catch (final RuntimeException ex)
        {
            broker.close();
            throw ex;
        }

        return broker;
    }

    private void start()
    {
        final MagnetarMediaDriver.Context driverCtx = ctx.driverContext();
        // topics are routed by the shard count: refuse another count before anything is opened
        ctx.logger().accept("magnetar: " +
            ShardCountFile.checkOrStore(ctx.dataDir(), ctx.shardCount(), driverCtx.archiveDir()));
        AgentInvoker driverInvoker = null;
        if (ctx.embeddedMediaDriver())
        {
            driver = MagnetarMediaDriver.launch(driverCtx.embedded(true));
            driverInvoker = driver.agentInvoker();
        }
        final File archiveDir = driverCtx.archiveDir();

        // errors go to the mark file's distinct error log first, so they outlive the process
        errorHandler = new BrokerErrorLog(ctx.dataDir(), ctx.errorBufferLength(), ctx.errorHandler(), ctx.logger());

        final Aeron.Context aeronCtx = new Aeron.Context()
            .aeronDirectoryName(null != driver ? driver.aeronDirectoryName() : driverCtx.aeronDirectoryName())
            .errorHandler(errorHandler)
            .clientName("magnetar-broker-" + ctx.brokerName());
        if (null != driverInvoker)
        {
            aeronCtx.useConductorAgentInvoker(true).driverAgentInvoker(driverInvoker);
        }
        aeron = Aeron.connect(aeronCtx);

        archive = new BrokerArchiveClient(driver, aeron, errorHandler, driverInvoker);
        counters = new BrokerCounters(aeron);
        countedErrorHandler = new CountedErrorHandler(errorHandler, counters.errors);

        final int segmentFileLength = null != driver ?
            driver.archive().context().segmentFileLength() : driverCtx.segmentFileLength();
        final List<Agent> agents = new ArrayList<>();
        if (null != driverInvoker)
        {
            agents.add(new InvokerAgent("magnetar-driver-archive", driverInvoker, aeron.conductorAgentInvoker()));
        }
        final BrokerCounters.Disk diskCounters = new BrokerCounters.Disk(aeron, archiveDir, ctx.diskMinFreeBytes());
        resources.add(diskCounters);
        final BrokerShards shards = new BrokerShards(ctx, aeron, archive.current(), archiveDir, segmentFileLength,
            DiskSpaceAgent.storageGate(diskCounters, archiveDir, ctx.diskMinFreeBytes()), countedErrorHandler,
            resources);
        agents.add(DiskSpaceAgent.watch(ctx, archiveDir, null != driver ?
            driver.archive().context().archiveMarkFile() : null, shards.logs, diskCounters, countedErrorHandler));
        archive.logs(shards.logs);
        if (archive.rebinds())
        {
            agents.add(0, archive); // first: the logs get the thread's own client before anything else runs
        }

        final BrokerIngress ingress = new BrokerIngress(ctx, aeron, resources);
        boundPort = ingress.boundPort;
        metadata = openMetadata(shards.namespaces);
        final Set<String> superusers = new HashSet<>(ctx.superuserRoles());
        superusers.add(Authorizer.INTERNAL_ROLE);
        authorizer = new Authorizer(metadata, superusers, null != ctx.authenticator());

        agents.add(ingress.sessionAgent(ctx, aeron, shards, counters, countedErrorHandler, metadata, authorizer));
        agents.addAll(shards.agents);

        if (Durability.ARCHIVED == ctx.driverContext().durability())
        {
            // fsync namespaces on an archive that does not sync: group commits on a thread of their own
            syncRunner = shards.startLogSync(errorHandler, countedErrorHandler, counters);
        }

        final Agent brokerAgent = new CompositeAgent(agents);
        runner = new AgentRunner(ctx.idleStrategy(), errorHandler, counters.errors, brokerAgent);
        AgentRunner.startOnThread(runner);
    }

    private MetadataAdmin openMetadata(final Set<String> shardNamespaces)
    {
        try
        {
            final MetadataAdmin admin = new MetadataAdmin(new FileMetadataStore(ctx.dataDir()), ctx.clusterName());
            admin.bootstrap(new ClusterData(ctx.webServiceUrl(), serviceUrl(), null), shardNamespaces);
            shardNamespaces.clear(); // the store is the namespaces' truth: a deleted one stays deleted
            shardNamespaces.addAll(admin.snapshot().namespaces());
            return admin;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return the metadata (clusters, tenants, namespaces, partitioned topics) and its rules, for the admin API.
     */
    public MetadataAdmin metadata()
    {
        return metadata;
    }

    /**
     * @return who may do what: superusers, tenant admins, grants; everything allowed when authentication is off.
     */
    public Authorizer authorizer()
    {
        return authorizer;
    }

    /**
     * @return the URL UDP clients connect to, e.g. {@code magnetar://localhost:6650}.
     */
    public String serviceUrl()
    {
        final String host = "0.0.0.0".equals(ctx.bindAddress()) ? "localhost" : ctx.bindAddress();
        return "magnetar://" + host + ":" + boundPort;
    }

    /**
     * @return the UDP port clients connect to.
     */
    public int port()
    {
        return boundPort;
    }

    /**
     * @return the Aeron directory IPC clients use.
     */
    public String aeronDirectoryName()
    {
        return aeron.context().aeronDirectoryName();
    }

    /**
     * @return the settings of this broker.
     */
    public BrokerContext context()
    {
        return ctx;
    }

    /**
     * @return the durability level receipts promise.
     */
    public Durability durability()
    {
        return ctx.driverContext().durability();
    }

    /**
     * @return a reader of the media driver's counters (the broker's, the driver's and the archive's); thread safe.
     */
    public CountersReader countersReader()
    {
        return aeron.countersReader();
    }

    /**
     * @return the broker's counters, also visible to AeronStat.
     */
    public BrokerCounters counters()
    {
        return counters;
    }

    /**
     * @return the handler of the broker's errors: records each in the mark file's error log, counts it in
     * {@link BrokerCounters#errors} and passes it to {@link BrokerContext#errorHandler()}.
     */
    public ErrorHandler errorHandler()
    {
        return countedErrorHandler;
    }

    /**
     * @return the broker's mark file, {@link BrokerMarkFile#FILE_NAME} in the data directory.
     */
    public File markFile()
    {
        return errorHandler.markFile();
    }

    /**
     * Stop the agents, stop recording the logs once stored, then close the archive client, Aeron and the driver;
     * the mark file and its errors stay in the data directory.
     */
    public void close()
    {
        CloseHelper.quietClose(runner);
        CloseHelper.quietClose(syncRunner);
        CloseHelper.quietClose(countedErrorHandler);
        if (null != archive)
        {
            archive.onBrokerThreadStopped(); // the logs' last requests come from this thread
        }
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(resources.get(i));
        }
        resources.clear();
        CloseHelper.quietCloseAll(counters, archive, aeron, driver, errorHandler);
    }
}

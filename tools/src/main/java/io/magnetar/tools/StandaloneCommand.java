package io.magnetar.tools;

import io.aeron.driver.exceptions.ActiveDriverException;
import io.aeron.exceptions.ConfigurationException;
import io.magnetar.admin.AdminServer;
import io.magnetar.broker.BrokerConfiguration;
import io.magnetar.broker.BrokerContext;
import io.magnetar.broker.MagnetarBroker;
import io.magnetar.broker.ShardCountMismatchException;
import io.magnetar.broker.auth.TokenAuthenticator;
import io.magnetar.broker.metadata.ClusterData;
import io.magnetar.broker.policy.BacklogQuota;
import io.magnetar.broker.policy.Durations;
import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.broker.policy.Sizes;
import io.magnetar.mediadriver.Durability;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import io.magnetar.mediadriver.Profile;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code magnetar standalone}: media driver, archive and broker in one process.
 */
@Command(
    name = "standalone",
    mixinStandardHelpOptions = true,
    description = "Run a broker with an embedded media driver and archive; Ctrl-C or SIGTERM stops it cleanly " +
        "(exit code 0).",
    exitCodeListHeading = "Exit codes (a refused start writes nothing to the data directory):%n",
    exitCodeList = {
        "0:stopped cleanly by Ctrl-C or SIGTERM",
        "1:failed to start for another reason (--verbose prints the stack trace)",
        "2:an option has a bad value",
        "3:the data directory is a file, cannot be created or is not writable",
        "4:another broker (its pid is named) runs on the data directory",
        "5:the UDP port is in use",
        "6:a media driver already runs in the Aeron directory",
        "7:the Aeron directory cannot be created or is not writable" })
final class StandaloneCommand implements Callable<Integer>
{
    @Option(names = "--data-dir", description = "Data directory (archive and logs). Default: ${DEFAULT-VALUE}")
    File dataDir = new File(BrokerConfiguration.DATA_DIR_DEFAULT);

    @Option(names = "--port", description = "UDP port for clients. Default: ${DEFAULT-VALUE}")
    int port = BrokerConfiguration.PORT_DEFAULT;

    @Option(names = "--bind", description = "Address to bind the client port to. Default: ${DEFAULT-VALUE}")
    String bindAddress = BrokerConfiguration.BIND_ADDRESS_DEFAULT;

    @Option(names = "--aeron-dir", description = "Aeron directory of the embedded driver. Default: ${DEFAULT-VALUE}")
    String aeronDir = MagnetarMediaDriver.Configuration.AERON_DIR_DEFAULT;

    @Option(names = "--profile",
        description = "Threading profile: default, low-latency or one-thread. Default: ${DEFAULT-VALUE}")
    String profile = "default";

    @Option(names = "--durability", description = "archived or fsync. Default: ${DEFAULT-VALUE}")
    String durability = "archived";

    @Option(names = "--shards", description = "Number of shard logs. Default: ${DEFAULT-VALUE}")
    int shards = BrokerConfiguration.SHARD_COUNT_DEFAULT;

    @Option(names = "--disk-min-free", description = "Free space of the archive's volume below which sends to " +
        "persistent topics are refused (PERSISTENCE_ERROR: disk full) while consumers go on; accepted again from a " +
        "quarter more, e.g. 64m. Default: 64m (or magnetar.disk.min.free), at least a term of each shard's logs.")
    String diskMinFree;

    @Option(names = "--auth-secret-key", description = "Require clients to connect with a JWT signed with this " +
        "secret key (HS256; bin/magnetar tokens create-secret-key makes one).")
    String authSecretKey;

    @Option(names = "--auth-public-key", description = "Require clients to connect with a JWT signed with the " +
        "private key of this public key (RS256; bin/magnetar tokens create-key-pair makes them).")
    String authPublicKey;

    @Option(names = "--http-port", description = "TCP port of the admin REST API (/admin/v2) and health. " +
        "Default: ${DEFAULT-VALUE}")
    int httpPort = AdminServer.Context.HTTP_PORT_DEFAULT;

    @Option(names = "--no-http", description = "Run without the admin REST API's plain HTTP port.")
    boolean noHttp;

    @Option(names = "--https-port", description = "TCP port of the admin REST API over TLS, served when " +
        "--tls-keystore is given. Default: ${DEFAULT-VALUE}")
    int httpsPort = AdminServer.Context.HTTPS_PORT_DEFAULT;

    @Option(names = "--tls-keystore", description = "Key store (PKCS12 or JKS) with the admin API's TLS " +
        "certificate and key: the REST API is then served over https on --https-port too.")
    String tlsKeyStore;

    @Option(names = "--tls-keystore-password", description = "Password of --tls-keystore.")
    String tlsKeyStorePassword;

    @Option(names = "--cluster-name", description = "Name of the cluster this broker serves. Default: " +
        "${DEFAULT-VALUE}")
    String clusterName = BrokerConfiguration.CLUSTER_NAME_DEFAULT;

    @Option(names = "--superuser-roles", split = ",", description = "Roles that may do everything when " +
        "authentication is on, e.g. admin (tokens create --subject admin); others need grants.")
    List<String> superuserRoles = List.of();

    @Option(names = "--verbose", description = "Print the stack trace of a failed start.")
    boolean verbose;

    @Option(names = "--no-ipc", description = "Refuse IPC clients.")
    boolean noIpc;

    @Option(names = "--retention-size", description = "Acknowledged messages each topic keeps by size: its newest " +
        "N bytes (counted from the topic's average entry size), e.g. 10g; disk space is freed in whole shard-log " +
        "segments once no topic needs them. -1 keeps everything (the default, or magnetar.retention.size).")
    String retentionSize;

    @Option(names = "--retention-time", description = "Time acknowledged messages are kept: seconds (e.g. 3600) " +
        "or a duration (30s, 10m, 2h, 1d, 2w); -1 keeps everything (the default, or magnetar.retention.time).")
    String retentionTime;

    @Option(names = "--backlog-quota-size", description = "Most bytes a subscription may hold back, e.g. 10g; -1 " +
        "for no quota (the default, or magnetar.backlog.quota.size).")
    String backlogQuotaSize;

    @Option(names = "--backlog-quota-policy", description = "Beyond the quota: producer_request_hold (sends wait " +
        "for the backlog to shrink), producer_exception (sends fail) or consumer_backlog_eviction (the oldest " +
        "unacknowledged messages are dropped). Default: producer_exception.")
    String backlogQuotaPolicy;

    @Option(names = "--message-ttl", description = "Unacknowledged messages older than this are acknowledged by the " +
        "broker: seconds (e.g. 600, as in Pulsar) or a duration (30s, 10m, 2h, 1d, 2w); -1 for none (the default, " +
        "or magnetar.message.ttl).")
    String messageTtl;

    @Option(names = "--deduplication", description = "Deduplicate sends by producer name and sequence id in every " +
        "namespace that does not set it (namespaces set-deduplication); off by default, or " +
        "magnetar.deduplication.enabled.")
    boolean deduplication;

    public Integer call()
    {
        final BrokerContext ctx;
        final boolean newDataDir = !dataDir.exists();
        final boolean newAeronDir = !new File(aeronDir).exists();
        try
        {
            // every check before anything is written: a refused start leaves the data directory as it was
            ctx = context();
            StartupChecks.checkAeronDir(new File(aeronDir));
            StartupChecks.checkDataDir(dataDir);
            StartupChecks.checkPort(bindAddress, port);
            if (!noHttp)
            {
                StartupChecks.checkHttpPort(bindAddress, httpPort);
            }
            if (null != tlsKeyStore)
            {
                StartupChecks.checkHttpPort(bindAddress, httpsPort);
                if (!new File(tlsKeyStore).canRead())
                {
                    throw new IllegalArgumentException("--tls-keystore: cannot read " + tlsKeyStore);
                }
                if (null == tlsKeyStorePassword)
                {
                    throw new IllegalArgumentException("--tls-keystore needs --tls-keystore-password");
                }
            }
        }
        catch (final IllegalArgumentException ex)
        {
            return fail(StartupChecks.Failure.INVALID_OPTION, ex.getMessage(), ex);
        }
        catch (final StartupChecks.StartupException ex)
        {
            return fail(ex.failure(), ex.getMessage(), ex);
        }

        try (StopSignals signals = StopSignals.install())
        {
            final MagnetarBroker broker;
            try
            {
                broker = MagnetarBroker.launch(ctx);
            }
            catch (final RuntimeException ex)
            {
                // what this start created goes with it; a directory that was there before stays
                if (newAeronDir)
                {
                    IoUtil.delete(new File(aeronDir), true);
                }
                if (newDataDir)
                {
                    IoUtil.delete(dataDir, true);
                }
                return failToLaunch(ex);
            }

            AdminServer adminServer = null;
            try
            {
                if (!noHttp || null != tlsKeyStore)
                {
                    adminServer = AdminServer.launch(new AdminServer.Context().broker(broker).port(httpPort)
                        .httpEnabled(!noHttp).tlsPort(httpsPort).tlsKeyStore(tlsKeyStore, tlsKeyStorePassword));
                    broker.metadata().updateCluster(clusterName, new ClusterData(
                        adminServer.url(), broker.serviceUrl(), ownCluster(broker).getReplicationEndpoint()));
                }
            }
            catch (final Exception ex)
            {
                CloseHelper.quietClose(adminServer);
                broker.close();
                return fail(StartupChecks.Failure.START_FAILED, "the admin API failed to start: " + ex.getMessage(),
                    ex);
            }

            try
            {
                System.out.println("magnetar standalone ready: serviceUrl=" + broker.serviceUrl() +
                    (null != adminServer ? " adminUrl=" + adminServer.url() : "") +
                    (null != adminServer && null != adminServer.tlsUrl() ?
                        " adminTlsUrl=" + adminServer.tlsUrl() : "") +
                    (noIpc ? "" : " ipcUrl=magnetar+ipc:// aeronDir=" + broker.aeronDirectoryName()) +
                    " dataDir=" + dataDir.getAbsolutePath() +
                    " profile=" + Profile.parse(profile).cliName() +
                    " durability=" + durability + (null != ctx.authenticator() ?
                        " authentication=token superuserRoles=" + String.join(",", ctx.superuserRoles()) : ""));
                System.out.flush();
                signals.await();
                System.out.println("magnetar standalone stopping");
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            finally
            {
                CloseHelper.quietClose(adminServer);
                broker.close();
            }
            System.out.println("magnetar standalone stopped");
            System.out.flush();
        }

        return 0;
    }

    private static ClusterData ownCluster(final MagnetarBroker broker)
    {
        return broker.metadata().snapshot().clusters().get(broker.context().clusterName());
    }

    private int failToLaunch(final RuntimeException ex)
    {
        if (ex instanceof ShardCountMismatchException)
        {
            return fail(StartupChecks.Failure.INVALID_OPTION, ex.getMessage(), ex);
        }
        if (ex instanceof ActiveDriverException)
        {
            return fail(StartupChecks.Failure.AERON_DIR_IN_USE, "a media driver is already running in " + aeronDir +
                "; stop it, or give this broker its own --aeron-dir", ex);
        }
        if (ex instanceof ConfigurationException)
        {
            final String message = ex.getMessage();
            return fail(StartupChecks.Failure.INVALID_OPTION,
                message.startsWith("ERROR - ") ? message.substring("ERROR - ".length()) : message, ex);
        }

        return fail(StartupChecks.Failure.START_FAILED, "failed to start: " + ex +
            (verbose ? "" : " (--verbose prints the stack trace)"), ex);
    }

    private int fail(final StartupChecks.Failure failure, final String message, final Throwable cause)
    {
        System.err.println("magnetar standalone: " + message);
        if (verbose)
        {
            cause.printStackTrace(System.err);
        }

        return failure.exitCode();
    }

    /**
     * The broker's settings from the command line, over the defaults of its system properties.
     *
     * @return settings to launch the broker with.
     * @throws IllegalArgumentException if an option has a bad value.
     */
    BrokerContext context()
    {
        if (shards < 1 || shards > BrokerConfiguration.MAX_SHARD_COUNT)
        {
            throw new IllegalArgumentException("--shards: " + shards + " is not a shard count; give 1.." +
                BrokerConfiguration.MAX_SHARD_COUNT);
        }
        final BrokerContext ctx = new BrokerContext()
            .dataDir(dataDir)
            .clusterName(clusterName)
            .superuserRoles(new TreeSet<>(superuserRoles))
            .webServiceUrl(noHttp ? null : "http://" + ("0.0.0.0".equals(bindAddress) ? "localhost" : bindAddress) +
                ":" + httpPort)
            .port(port)
            .bindAddress(bindAddress)
            .shardCount(shards)
            .ipcEnabled(!noIpc)
            .driverContext(new MagnetarMediaDriver.Context()
                .aeronDirectoryName(aeronDir)
                .profile(StartupChecks.option("--profile", () -> Profile.parse(profile)))
                .durability(StartupChecks.option("--durability", () -> Durability.parse(durability))));

        if (null != authSecretKey && null != authPublicKey)
        {
            throw new IllegalArgumentException("--auth-secret-key and --auth-public-key: give one of them");
        }
        if (null != authSecretKey)
        {
            ctx.authenticator(StartupChecks.option("--auth-secret-key",
                () -> TokenAuthenticator.hs256(TokenAuthenticator.readKey(authSecretKey))));
        }
        if (null != authPublicKey)
        {
            ctx.authenticator(StartupChecks.option("--auth-public-key",
                () -> TokenAuthenticator.rs256(TokenAuthenticator.readKey(authPublicKey))));
        }

        if (null != diskMinFree)
        {
            ctx.diskMinFreeBytes(Sizes.toBytes("--disk-min-free", diskMinFree));
        }

        if (null != retentionSize || null != retentionTime || null != messageTtl)
        {
            final RetentionPolicy defaults = ctx.retention();
            ctx.retention(new RetentionPolicy(
                null != retentionSize ?
                    Sizes.toBytesOrUnlimited("--retention-size", retentionSize) : defaults.sizeBytes(),
                null != retentionTime ? Durations.toMillisOrOff("--retention-time", retentionTime) : defaults.timeMs(),
                null != messageTtl ? Durations.toMillisOrOff("--message-ttl", messageTtl) : defaults.messageTtlMs(),
                BrokerConfiguration.RETENTION_CHECK_INTERVAL_MS_DEFAULT));
        }

        if (deduplication)
        {
            ctx.deduplication(true);
        }

        if (null != backlogQuotaSize || null != backlogQuotaPolicy)
        {
            ctx.backlogQuota(new BacklogQuota(
                null != backlogQuotaSize ?
                    Sizes.toBytesOrUnlimited("--backlog-quota-size", backlogQuotaSize) :
                    ctx.backlogQuota().limitBytes(),
                null != backlogQuotaPolicy ?
                    StartupChecks.option("--backlog-quota-policy", () -> BacklogQuota.parsePolicy(backlogQuotaPolicy)) :
                    ctx.backlogQuota().policy()));
        }

        return ctx;
    }

}

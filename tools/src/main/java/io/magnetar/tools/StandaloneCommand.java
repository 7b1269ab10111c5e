package io.magnetar.tools;

import io.aeron.driver.exceptions.ActiveDriverException;
import io.magnetar.broker.policy.BacklogQuota;
import io.magnetar.broker.policy.Durations;
import io.magnetar.broker.BrokerConfiguration;
import io.magnetar.broker.MagnetarBroker;
import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.broker.policy.Sizes;
import io.magnetar.mediadriver.Durability;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import io.magnetar.mediadriver.Profile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.concurrent.Callable;

/**
 * {@code magnetar standalone}: media driver, archive and broker in one process.
 */
@Command(
    name = "standalone",
    mixinStandardHelpOptions = true,
    description = "Run a broker with an embedded media driver and archive; Ctrl-C or SIGTERM stops it cleanly " +
        "(exit code 0).")
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

    public Integer call()
    {
        final MagnetarBroker.Context ctx;
        try
        {
            ctx = context();
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("magnetar standalone: " + ex.getMessage());
            return 2;
        }

        try (StopSignals signals = StopSignals.install())
        {
            final MagnetarBroker broker = MagnetarBroker.launch(ctx);
            try
            {
                System.out.println("magnetar standalone ready: serviceUrl=" + broker.serviceUrl() +
                    (noIpc ? "" : " ipcUrl=magnetar+ipc:// aeronDir=" + broker.aeronDirectoryName()) +
                    " dataDir=" + dataDir.getAbsolutePath() +
                    " profile=" + Profile.parse(profile).cliName() +
                    " durability=" + durability);
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
                broker.close();
            }
            System.out.println("magnetar standalone stopped");
            System.out.flush();
        }
        catch (final ActiveDriverException ex)
        {
            System.err.println("magnetar standalone: a media driver is already running in " + aeronDir +
                "; stop it, or give this broker its own --aeron-dir");
            return 1;
        }

        return 0;
    }

    /**
     * The broker's settings from the command line, over the defaults of its system properties.
     *
     * @return settings to launch the broker with.
     * @throws IllegalArgumentException if an option has a bad value.
     */
    MagnetarBroker.Context context()
    {
        final MagnetarBroker.Context ctx = new MagnetarBroker.Context()
            .dataDir(dataDir)
            .port(port)
            .bindAddress(bindAddress)
            .shardCount(shards)
            .ipcEnabled(!noIpc)
            .driverContext(new MagnetarMediaDriver.Context()
                .aeronDirectoryName(aeronDir)
                .profile(Profile.parse(profile))
                .durability(Durability.parse(durability)));

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

        if (null != backlogQuotaSize || null != backlogQuotaPolicy)
        {
            ctx.backlogQuota(new BacklogQuota(
                null != backlogQuotaSize ?
                    Sizes.toBytesOrUnlimited("--backlog-quota-size", backlogQuotaSize) :
                    ctx.backlogQuota().limitBytes(),
                null != backlogQuotaPolicy ?
                    BacklogQuota.parsePolicy(backlogQuotaPolicy) : ctx.backlogQuota().policy()));
        }

        return ctx;
    }

}

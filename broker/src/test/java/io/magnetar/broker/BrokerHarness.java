package io.magnetar.broker;

import io.magnetar.broker.policy.BacklogQuota;
import io.magnetar.broker.policy.RetentionPolicy;
import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.magnetar.mediadriver.Durability;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import io.magnetar.mediadriver.Profile;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.IoUtil;

import java.io.File;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Starts a real broker (embedded media driver and archive, backoff idle strategies, SHARED threading unless a test
 * picks the low-latency profile's INVOKER mode) on an
 * ephemeral UDP port, with small terms, in a given data directory and a fresh Aeron directory.
 */
final class BrokerHarness implements AutoCloseable
{
    static final int MAX_MESSAGE_SIZE = 64 * 1024;

    final File dataDir;
    final String aeronDir;
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final List<String> logLines = new CopyOnWriteArrayList<>();
    MagnetarBroker broker;
    Profile profile = Profile.DEFAULT;
    RetentionPolicy retention = RetentionPolicy.INFINITE;
    BacklogQuota backlogQuota = BacklogQuota.NONE;
    int shardTermLength = 1024 * 1024;
    int segmentFileLength = 8 * 1024 * 1024;
    Durability durability = Durability.ARCHIVED;
    long holdTimeoutMs = 30_000;
    int shardCount = 1;
    long indexSnapshotIntervalBytes = BrokerConfiguration.INDEX_SNAPSHOT_INTERVAL_DEFAULT;
    long diskMinFreeBytes = BrokerConfiguration.DISK_MIN_FREE_DEFAULT;
    int port = 0;
    io.magnetar.broker.auth.TokenAuthenticator authenticator;

    BrokerHarness(final File dataDir)
    {
        this(dataDir, CommonContext.generateRandomDirName());
    }

    BrokerHarness(final File dataDir, final String aeronDir)
    {
        this.dataDir = dataDir;
        this.aeronDir = aeronDir;
    }

    BrokerHarness start()
    {
        broker = MagnetarBroker.launch(new BrokerContext()
            .bindAddress("localhost")
            .port(port)
            .dataDir(dataDir)
            .shardTermLength(shardTermLength)
            .retention(retention)
            .backlogQuota(backlogQuota)
            .backlogQuotaHoldTimeoutMs(holdTimeoutMs)
            .shardCount(shardCount)
            .indexSnapshotIntervalBytes(indexSnapshotIntervalBytes)
            .diskMinFreeBytes(diskMinFreeBytes)
            .authenticator(authenticator)
            .superuserRoles(java.util.Set.of("app", "admin"))
            .egressTermLength(1024 * 1024)
            .maxMessageSize(MAX_MESSAGE_SIZE)
            .shardQueueCapacity(256)
            .errorHandler(errors::add)
            .idleStrategy(new BackoffIdleStrategy())
            .logger(logLines::add)
            .driverContext(new MagnetarMediaDriver.Context()
                .aeronDirectoryName(aeronDir)
                .profile(profile)
                .durability(durability)
                .segmentFileLength(segmentFileLength)
                .ipcTermLength(1024 * 1024)
                .deleteAeronDirOnShutdown(true)));
        return this;
    }

    /**
     * @return a client of this broker with the small terms the tests use.
     */
    io.magnetar.client.MagnetarClient newClient() throws io.magnetar.client.MagnetarClientException
    {
        return io.magnetar.client.MagnetarClient.builder().serviceUrl(serviceUrl()).termLength(1024 * 1024).build();
    }

    String serviceUrl()
    {
        return broker.serviceUrl();
    }

    /**
     * Wait, polling the driver's counters, until the broker's counters of the given kinds add up to at least a value.
     *
     * @param atLeast the least total to wait for.
     * @param typeIds kinds of counters to add up, e.g. {@link BrokerCounters#HELD_SENDS_TYPE_ID}.
     */
    void awaitCounters(final long atLeast, final int... typeIds)
    {
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir)))
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long total;
            while ((total = counterTotal(aeron, typeIds)) < atLeast)
            {
                if (System.nanoTime() > deadlineNs)
                {
                    fail("counters of types " + java.util.Arrays.toString(typeIds) + " add up to " + total +
                        ", not " + atLeast);
                }
                Thread.yield();
            }
        }
    }

    /**
     * @return the broker's state counter: 0 ready, 1 disk full, 2 archive stopped; -1 if there is none.
     */
    long brokerState()
    {
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir)))
        {
            final long[] state = { -1 };
            aeron.countersReader().forEach((counterId, typeId, keyBuffer, label) ->
            {
                if (BrokerCounters.BROKER_STATE_TYPE_ID == typeId)
                {
                    state[0] = aeron.countersReader().getCounterValue(counterId);
                }
            });
            return state[0];
        }
    }

    private static long counterTotal(final Aeron aeron, final int... typeIds)
    {
        final long[] total = new long[1];
        aeron.countersReader().forEach((counterId, typeId, keyBuffer, label) ->
        {
            for (final int wanted : typeIds)
            {
                if (wanted == typeId)
                {
                    total[0] += aeron.countersReader().getCounterValue(counterId);
                }
            }
        });

        return total[0];
    }

    void stop()
    {
        if (null != broker)
        {
            broker.close();
            broker = null;
        }
    }

    public void close()
    {
        stop();
        IoUtil.delete(new File(aeronDir), true);
    }
}

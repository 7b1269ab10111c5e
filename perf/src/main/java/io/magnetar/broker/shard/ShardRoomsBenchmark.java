package io.magnetar.broker.shard;

import io.magnetar.broker.BrokerConfiguration;
import io.magnetar.broker.SessionEgress;
import io.magnetar.broker.policy.BacklogQuota;
import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.mediadriver.Durability;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The shard's rooms on the message path, without a media driver: a receipt queued and released by
 * {@link ReceiptTracker} (durable before visible), and an entry chosen for a consumer by {@link ExclusiveDispatcher}
 * then acknowledged on its cursor. The reads of the log and the offers to the client are left out (they are Aeron's
 * and the mapped segment's); what is measured is the rooms' own bookkeeping, which must allocate nothing: run with
 * {@code -prof gc} to see ~0 B/op. The benchmark lives in the shard's package because the rooms are package-private.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/java.util.zip=ALL-UNNAMED" })
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ShardRoomsBenchmark
{
    private static final int ENTRY_LENGTH = 160;
    private static final int ENTRIES = 1024;

    private final CountersManager counters = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(8 * 1024)));
    private ReceiptTracker receipts;
    private ShardSession session;
    private Topic topic;
    private TopicSubscription subscription;
    private ShardConsumer consumer;
    private ExclusiveDispatcher dispatcher;
    private long position;
    private long released;
    private long delivered;
    private long visibleEntries;

    /**
     * A topic, a session, and a subscription with a consumer.
     */
    @Setup
    public void setup()
    {
        final NamespacePolicies policies = new NamespacePolicies(
            "public/default",
            NamespacePolicies.defaults(Durability.ARCHIVED, RetentionPolicy.INFINITE, BacklogQuota.NONE, false));
        topic = new Topic(1, TopicName.parse("persistent://public/default/bench"), true, policies);
        session = new ShardSession(new SessionEgress(1, null, "bench", BrokerConfiguration.PROTOCOL_VERSION));
        receipts = new ReceiptTracker(
            true,
            counters.newCounter("entry sync"),
            counters.newCounter("cursor sync"),
            (receipt) -> released++,
            this::onEntryVisible);
        subscription = topic.addSubscription(1, "s", 0);
        consumer = new ShardConsumer(1, subscription, session);
        subscription.consumer = consumer;
        dispatcher = new ExclusiveDispatcher(this::deliver);
        for (int i = 1; i <= ENTRIES; i++)
        {
            topic.index.add((long)i * ENTRY_LENGTH, i);
        }
        topic.durableEntries = topic.index.size();
    }

    private void onEntryVisible(final Topic visible)
    {
        visibleEntries++;
    }

    private int deliver(
        final ShardConsumer to,
        final Topic from,
        final long messageId,
        final long durablePosition,
        final int redeliveryCount)
    {
        delivered++;
        return ClientProxy.OFFER_OK;
    }

    /**
     * One send's receipt: queued when its entry is appended, released once the log is stored past it.
     *
     * @return receipts released so far.
     */
    @Benchmark
    public long receipt()
    {
        final long start = position;
        position += ENTRY_LENGTH;
        receipts.onEntryAppended(session, topic, 1, start, start, position, null);
        receipts.release(position, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE);

        return released;
    }

    /**
     * One entry's way to its consumer: dispatched within a permit and acknowledged on the cursor. The topic holds
     * 1024 stored entries; once all are acknowledged the cursor goes back to the start, so the index does not grow.
     *
     * @return entries delivered so far.
     */
    @Benchmark
    public long dispatchAndAck()
    {
        if (subscription.readOrdinal >= topic.durableEntries)
        {
            subscription.cursor.restore(-1);
            subscription.readOrdinal = 0;
        }
        consumer.permits = 1;
        dispatcher.dispatch(subscription, Long.MAX_VALUE, 1);
        subscription.cursor.ack(topic.index.position(subscription.readOrdinal - 1));

        return delivered;
    }
}

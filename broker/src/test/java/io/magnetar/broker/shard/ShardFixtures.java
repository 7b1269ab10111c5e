package io.magnetar.broker.shard;

import io.magnetar.broker.BrokerConfiguration;
import io.magnetar.broker.SessionEgress;
import io.magnetar.broker.policy.BacklogQuota;
import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.mediadriver.Durability;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.nio.ByteBuffer;

/**
 * Topics, subscriptions, sessions and counters for unit tests of the shard's rooms, without a media driver.
 */
final class ShardFixtures
{
    static final int ENTRY_BYTES = 100;

    private final CountersManager countersManager = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(8 * 1024)));
    private long nextTopicId = 1;
    private long nextSessionKey = 1;

    static NamespacePolicies policies(final String namespace)
    {
        return new NamespacePolicies(
            namespace,
            NamespacePolicies.defaults(Durability.ARCHIVED, RetentionPolicy.INFINITE, BacklogQuota.NONE, false));
    }

    static NamespacePolicies fsyncPolicies(final String namespace)
    {
        final NamespacePolicies policies = policies(namespace);
        policies.set(0, NamespacePolicies.DURABILITY_FSYNC);
        return policies;
    }

    Topic persistentTopic(final NamespacePolicies policies)
    {
        final long id = nextTopicId++;
        return new Topic(id, TopicName.parse("persistent://public/default/t" + id), true, policies);
    }

    /**
     * Append stored entries at positions 1000, 2000, ... (message ids), published at 1, 2, ... ms.
     */
    static void addEntries(final Topic topic, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final long ordinal = topic.index.size();
            topic.index.add((ordinal + 1) * 1000, ordinal + 1);
            topic.bytes += ENTRY_BYTES;
        }
        topic.durableEntries = topic.index.size();
    }

    /**
     * A visibility listener for tests that do not watch it.
     */
    static void ignore(final Topic topic)
    {
    }

    static long messageId(final long ordinal)
    {
        return (ordinal + 1) * 1000;
    }

    ShardSession session()
    {
        return session(BrokerConfiguration.PROTOCOL_VERSION);
    }

    /**
     * @param protocolVersion the client speaks: before 8 it is told nothing of failover's active consumer, so a
     *                        test without a proxy may attach its consumers.
     */
    ShardSession session(final int protocolVersion)
    {
        return new ShardSession(new SessionEgress(nextSessionKey++, null, "test", protocolVersion));
    }

    AtomicCounter counter(final String label)
    {
        return countersManager.newCounter(label);
    }
}

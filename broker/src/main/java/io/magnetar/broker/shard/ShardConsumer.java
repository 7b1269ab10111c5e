package io.magnetar.broker.shard;

import io.magnetar.codecs.KeySharedMode;
import org.agrona.collections.LongArrayList;

/**
 * A consumer attached to a subscription, with the permits its client granted.
 */
final class ShardConsumer
{
    /** The client's id, unique within its session only. */
    final long consumerId;
    /** Unique on the shard: what a shared subscription's bookkeeping knows it by. */
    final long key;
    final TopicSubscription subscription;
    final ShardSession session;
    /** As the client named it; failover orders consumers of one priority level by it. */
    final String name;
    /** Failover: the lowest level is chosen first. */
    final int priorityLevel;
    long permits;
    /** Messages and payload bytes delivered to it. */
    long msgOutCounter;
    long bytesOutCounter;
    /**
     * Its subscription was deleted (unsubscribe, or a forced admin delete): detached, it takes no acks or permits and
     * stays in its session only until its client closes it.
     */
    boolean unsubscribed;
    /** Failover: this consumer receives; its client was told so. */
    boolean isActive;
    /**
     * Shared subscriptions: entries delivered to it, some perhaps acknowledged since (those are dropped when it
     * leaves, or when the list is compacted), so that a leaving consumer costs what it held, not what all hold.
     */
    LongArrayList delivered;
    /** Size of {@link #delivered} at which it is next compacted. */
    int deliveredCompactAt = 64;
    /** Key_Shared: the mode it asked for. */
    KeySharedMode keySharedMode = KeySharedMode.AUTO_SPLIT;
    /** Key_Shared sticky: the hash ranges it asked for, start and end pairs; null otherwise. */
    int[] hashRanges;
    /**
     * Key_Shared: when it last gained key hashes, by joining or by taking over a leaving consumer's range
     * ({@link System#nanoTime()} scale); its wait for draining hashes is bounded from then.
     */
    long hashesGainedNs;
    /** Key_Shared: the dispatch round in which an entry for it had to wait; nothing more goes to it in that round. */
    long waitingInRound;

    /**
     * @param priorityLevel as a {@code Subscribe} frame carries it: absent (a client before protocol 8) means 0.
     * @return the level to use.
     */
    static int priorityLevelOrDefault(final int priorityLevel)
    {
        return io.magnetar.codecs.SubscribeDecoder.priorityLevelNullValue() == priorityLevel ? 0 : priorityLevel;
    }

    ShardConsumer(final long consumerId, final TopicSubscription subscription, final ShardSession session)
    {
        this(consumerId, consumerId, subscription, session, "", 0);
    }

    ShardConsumer(
        final long key,
        final long consumerId,
        final TopicSubscription subscription,
        final ShardSession session,
        final String name,
        final int priorityLevel)
    {
        this.key = key;
        this.consumerId = consumerId;
        this.subscription = subscription;
        this.session = session;
        this.name = name;
        this.priorityLevel = priorityLevel;
    }
}

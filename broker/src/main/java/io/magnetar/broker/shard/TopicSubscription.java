package io.magnetar.broker.shard;

import io.magnetar.codecs.SubscriptionType;
import io.magnetar.storage.Cursor;

import java.util.ArrayList;

/**
 * A subscription on a topic: its cursor (persistent topics), the consumers attached to it and their type.
 */
final class TopicSubscription
{
    final long id;
    final String name;
    final Topic topic;
    final Cursor cursor;
    long readOrdinal;
    /** The consumers attached, in the order they came. */
    final ArrayList<ShardConsumer> consumers = new ArrayList<>(1);
    /** The consumers' subscription type; null while none is attached. */
    SubscriptionType type;
    /** The one consumer that receives (exclusive, and failover's active one); null for shared or with none. */
    ShardConsumer consumer;
    /** Shared subscriptions: who holds which entry and what goes again; created by the first shared consumer. */
    SharedDeliveries shared;
    /** How entries go to the consumers, by subscription type; set when a consumer attaches. */
    Dispatcher dispatcher;
    /** Shared subscriptions: where the round of consumers goes on. */
    int nextConsumerIndex;
    /** In the shard's ready set: something changed that may let it deliver (permits, new entries, a reset). */
    boolean ready;
    /** The ordinal whose publish time message expiry last read, and that time: the log is read once per entry. */
    long timeCheckedOrdinal = -1;
    long timeCheckedPublishTime;

    TopicSubscription(final long id, final String name, final Topic topic, final long startOrdinal)
    {
        this.id = id;
        this.name = name;
        this.topic = topic;
        this.cursor = topic.persistent ? new Cursor(topic.index, startOrdinal) : null;
        this.readOrdinal = null == cursor ? startOrdinal : cursor.firstUnackedOrdinal();
    }

    /**
     * Move the read position past entries the broker acknowledged on its own account (TTL, eviction).
     */
    void skipAcknowledged()
    {
        readOrdinal = Math.max(readOrdinal, cursor.firstUnackedOrdinal());
    }

    /**
     * An entry was acknowledged: recorded and applied to the cursor.
     */
    void onAcked(final long ordinal)
    {
        if (null != shared)
        {
            shared.acked(ordinal);
        }
    }

    /**
     * @return true if a consumer that may receive has permits.
     */
    boolean hasPermits()
    {
        if (null != consumer)
        {
            return consumer.permits > 0;
        }
        if (SubscriptionType.SHARED == type)
        {
            final ArrayList<ShardConsumer> consumers = this.consumers;
            for (int i = 0, size = consumers.size(); i < size; i++)
            {
                if (consumers.get(i).permits > 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /**
     * @return true if entries wait for delivery: stored ones not read yet, or ones to deliver again.
     */
    boolean hasBacklogToDeliver()
    {
        return readOrdinal < topic.durableEntries || (null != shared && shared.hasRedelivery());
    }

    /**
     * @return the next consumer with a permit for a non-persistent message, or null: the active one, or the next in
     * the round for shared subscriptions.
     */
    ShardConsumer nextLiveConsumer()
    {
        if (null != consumer || SubscriptionType.SHARED != type)
        {
            return null != consumer && consumer.permits > 0 ? consumer : null;
        }

        final ArrayList<ShardConsumer> consumers = this.consumers;
        final int size = consumers.size();
        for (int i = 0; i < size; i++)
        {
            final int index = (nextConsumerIndex + i) % size;
            final ShardConsumer candidate = consumers.get(index);
            if (candidate.permits > 0)
            {
                nextConsumerIndex = index + 1;
                return candidate;
            }
        }

        return null;
    }
}

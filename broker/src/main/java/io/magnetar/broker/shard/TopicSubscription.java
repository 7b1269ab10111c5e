package io.magnetar.broker.shard;

import io.magnetar.codecs.SubscriptionType;
import io.magnetar.storage.Cursor;
import org.agrona.DirectBuffer;

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
    /**
     * False for a reader's subscription: in memory only (nothing in the cursor log), gone when its consumer leaves,
     * and holding back neither retention nor backlog quotas, as Pulsar's non-durable cursors.
     */
    final boolean durable;
    long readOrdinal;
    /** Messages and payload bytes delivered to its consumers since the broker started. */
    long msgOutCounter;
    long bytesOutCounter;
    /** The consumers attached, in the order they came. */
    final ArrayList<ShardConsumer> consumers = new ArrayList<>(1);
    /** The consumers' subscription type; null while none is attached. */
    SubscriptionType type;
    /** The one consumer that receives (exclusive, and failover's active one); null for shared or with none. */
    ShardConsumer consumer;
    /** Shared subscriptions: who holds which entry; created by the first shared consumer. */
    SharedDeliveries shared;
    /** Entries to deliver again (persistent topics), ahead of those not read yet; null until the first. */
    RedeliveryQueue redeliveries;
    /** Shared and Key_Shared: entries waiting for their delivery time; null until the first. */
    DelayedDeliveries delayed;
    /** How entries go to the consumers, by subscription type; set when a consumer attaches. */
    Dispatcher dispatcher;
    /** Key_Shared: who owns and who holds each key hash; created by the first Key_Shared consumer. */
    KeySharedState keyShared;
    /**
     * Key_Shared: the last dispatch found nothing it could deliver until something happens (permits, an ack, a
     * consumer coming or going, new entries) or {@link #wakeAtNs}, so the ready set lets it rest until then.
     */
    boolean waitsForEvent;
    /** Key_Shared: while it {@link #waitsForEvent}, when a drain timeout runs out ({@link Long#MAX_VALUE}: none). */
    long wakeAtNs = Long.MAX_VALUE;
    /** Shared subscriptions: where the round of consumers goes on. */
    int nextConsumerIndex;
    private boolean nextIsRedelivery;
    /** In the shard's ready set: something changed that may let it deliver (permits, new entries, a reset). */
    boolean ready;
    /** The ordinal whose publish time message expiry last read, and that time: the log is read once per entry. */
    long timeCheckedOrdinal = -1;
    long timeCheckedPublishTime;

    TopicSubscription(final long id, final String name, final Topic topic, final long startOrdinal)
    {
        this(id, name, topic, startOrdinal, true);
    }

    TopicSubscription(
        final long id, final String name, final Topic topic, final long startOrdinal, final boolean durable)
    {
        this.durable = durable;
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
     * @return true if acknowledged entries must be told ({@link #onAcked(long)}): someone holds them, or they have
     * redelivery counts.
     */
    boolean tracksAcks()
    {
        return null != shared || null != redeliveries;
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
        if (null != redeliveries)
        {
            redeliveries.acked(ordinal);
        }
    }

    /**
     * @return the subscription's redelivery queue, made on first use.
     */
    RedeliveryQueue redeliveries()
    {
        RedeliveryQueue redeliveries = this.redeliveries;
        if (null == redeliveries)
        {
            redeliveries = new RedeliveryQueue();
            this.redeliveries = redeliveries;
        }
        return redeliveries;
    }

    /**
     * The next entry to deliver: one to deliver again first, lowest first, then the next not read; entries
     * acknowledged (or removed) meanwhile are passed over. Once it went, {@link #advance()}.
     *
     * @param skipLimit most entries to pass over in this call.
     * @return the entry's ordinal, or -1 if there is none (or the skip limit was reached).
     */
    long nextOrdinal(final int skipLimit)
    {
        for (int skipped = 0; skipped <= skipLimit; skipped++)
        {
            if (hasRedelivery())
            {
                final long ordinal = redeliveries.next();
                if (ordinal < topic.index.firstOrdinal() || cursor.isAcked(ordinal))
                {
                    redeliveries.removeNext();
                    continue;
                }
                nextIsRedelivery = true;
                return ordinal;
            }
            if (readOrdinal >= topic.durableEntries)
            {
                return -1;
            }
            if (cursor.isAcked(readOrdinal))
            {
                readOrdinal++;
                continue;
            }
            nextIsRedelivery = false;
            return readOrdinal;
        }

        return -1;
    }

    /**
     * @param ordinal from {@link #nextOrdinal(int)}.
     * @return how often it went out again before.
     */
    int redeliveryCount(final long ordinal)
    {
        return null == redeliveries ? 0 : redeliveries.redeliveryCount(ordinal);
    }

    /**
     * @return true if the entry from {@link #nextOrdinal(int)} goes out again, false if it was not read before.
     */
    boolean nextIsRedelivery()
    {
        return nextIsRedelivery;
    }

    /**
     * The entry from {@link #nextOrdinal(int)} went out.
     */
    void advance()
    {
        if (nextIsRedelivery)
        {
            redeliveries.removeNext();
        }
        else
        {
            readOrdinal++;
        }
    }

    /**
     * The receiving consumer changed or was reset: read again from the first unacknowledged entry, which covers
     * anything waiting to go again.
     */
    void rewind()
    {
        readOrdinal = cursor.firstUnackedOrdinal();
        if (null != redeliveries)
        {
            redeliveries.clear(false);
        }
        if (null != delayed)
        {
            delayed.clear(); // read again, they wait again
        }
    }

    /**
     * An entry's delivery time has not come: it waits, and the read position goes past it.
     *
     * @param dueNs when it may go, {@link System#nanoTime()} scale.
     */
    void delay(final long ordinal, final long dueNs)
    {
        DelayedDeliveries delayed = this.delayed;
        if (null == delayed)
        {
            delayed = new DelayedDeliveries();
            this.delayed = delayed;
        }
        delayed.add(ordinal, dueNs, System.nanoTime());
        advance();
    }

    /**
     * @return true if entries wait for their delivery time.
     */
    boolean hasDelayed()
    {
        return null != delayed && !delayed.isEmpty();
    }

    /**
     * A consumer gave an entry back (a negative acknowledgement): it goes again if the consumer still holds it (shared)
     * or is the one that receives and has read past it (exclusive, failover); otherwise nothing happens, as in
     * Pulsar. {@link RedeliveryQueue#sort()} before the next dispatch.
     */
    void giveBack(final ShardConsumer consumer, final long ordinal)
    {
        if (null != shared ? shared.release(ordinal, consumer) : consumer == this.consumer && ordinal < readOrdinal)
        {
            redeliveries().add(ordinal);
        }
    }

    /**
     * A consumer gave back all it was given and has not acknowledged.
     */
    void giveBackAll(final ShardConsumer consumer)
    {
        if (null != shared)
        {
            shared.detached(consumer, cursor, redeliveries());
        }
        else if (consumer == this.consumer)
        {
            rewind();
        }
    }

    /**
     * @return true if some entry waits to be delivered again.
     */
    boolean hasRedelivery()
    {
        return null != redeliveries && redeliveries.hasNext();
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
        if (SubscriptionType.SHARED == type || SubscriptionType.KEY_SHARED == type)
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
        return readOrdinal < topic.durableEntries || hasRedelivery();
    }

    /**
     * @param key of the message.
     * @return the next consumer with a permit for a non-persistent message, or null: the active one, the next in
     * the round for shared subscriptions, or the owner of the key's hash for Key_Shared.
     */
    ShardConsumer nextLiveConsumer(final DirectBuffer key)
    {
        if (SubscriptionType.KEY_SHARED == type && null != keyShared)
        {
            final HashRangeSelector selector = keyShared.selector;
            final ShardConsumer owner = selector.select(selector.hash(key, 0, key.capacity()));
            return null != owner && owner.permits > 0 ? owner : null;
        }
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

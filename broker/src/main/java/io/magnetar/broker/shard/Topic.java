package io.magnetar.broker.shard;

import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.storage.Cursor;
import io.magnetar.storage.TopicIndex;
import org.agrona.ExpandableRingBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Object2ObjectHashMap;

import java.util.ArrayList;

/**
 * A topic owned by one {@link TopicShardAgent}: its entry index, its subscriptions, and what follows from them
 * (backlog, the first entry anything still needs). Only that agent touches it.
 */
final class Topic
{
    final long id;
    final TopicName name;
    final boolean persistent;
    final NamespacePolicies policies;
    final TopicIndex index = new TopicIndex();
    /** Found by name with a scan: a topic has few; no array until the first, then one slot per subscription. */
    final ArrayList<TopicSubscription> subscriptions = new ArrayList<>(0);
    long durableEntries;
    long bytes;
    /** Messages and payload bytes published since the broker started (stats: msgInCounter, bytesInCounter). */
    long msgInCounter;
    long bytesInCounter;
    /** Messages and payload bytes delivered to any subscription since the broker started. */
    long msgOutCounter;
    long bytesOutCounter;
    long definitionPosition = -1;
    /** Producer access state ({@link ProducerAccess}): epoch, exclusive producer; null until exclusive access. */
    TopicAccess access;
    /** Connected producers by name (one per name); null until the first. */
    Object2ObjectHashMap<String, ShardProducer> producersByName;
    long nonPersistentSequence;
    /** Message id to where the entry is now, for entries compaction moved; null until one is moved. */
    Long2LongHashMap relocations;
    /** Moved entries of this topic whose copies are not yet stored. */
    int pendingRelocations;
    /** Answers of this topic waiting in the shard's FIFO of answers that wait for a disk sync. */
    int syncReceipts;
    /** When the sweep must next visit the topic ({@link TopicDeadlines}), or {@link TopicDeadlines#NONE}. */
    long sweepDeadlineMs = TopicDeadlines.NONE;
    /** Send frames held while the backlog quota is exceeded under producer_request_hold; null until needed. */
    ExpandableRingBuffer heldSends;
    /** Producer names kept for deduplication ({@link Deduplication}); null until a producer connects with it on. */
    TopicPublishers publishers;

    Topic(final long id, final TopicName name, final boolean persistent, final NamespacePolicies policies)
    {
        this.id = id;
        this.name = name;
        this.persistent = persistent;
        this.policies = policies;
    }

    /**
     * @return producers connected to the topic.
     */
    int producerCount()
    {
        return null == producersByName ? 0 : producersByName.size();
    }

    /**
     * @return true if a producer with this name is connected to the topic.
     */
    boolean hasProducer(final String producerName)
    {
        return null != producersByName && producersByName.containsKey(producerName);
    }

    void addProducer(final ShardProducer producer)
    {
        if (null == producersByName)
        {
            producersByName = new Object2ObjectHashMap<>();
        }
        producersByName.put(producer.name, producer);
    }

    void removeProducer(final ShardProducer producer)
    {
        if (null != producersByName && producersByName.get(producer.name) == producer)
        {
            producersByName.remove(producer.name);
            if (producersByName.isEmpty())
            {
                producersByName = null;
            }
        }
    }

    /**
     * @param messageId of an entry (its original position).
     * @return where the entry's record is now.
     */
    long location(final long messageId)
    {
        if (null == relocations)
        {
            return messageId;
        }
        final long location = relocations.get(messageId);

        return Long.MIN_VALUE == location ? messageId : location;
    }

    /**
     * @return the average size of the topic's entry records, at least 1.
     */
    long averageEntryBytes()
    {
        return Math.max(1, bytes / Math.max(1, index.size()));
    }

    TopicSubscription addSubscription(final long subscriptionId, final String name, final long startOrdinal)
    {
        return addSubscription(subscriptionId, name, startOrdinal, true);
    }

    TopicSubscription addSubscription(
        final long subscriptionId, final String name, final long startOrdinal, final boolean durable)
    {
        final TopicSubscription subscription =
            new TopicSubscription(subscriptionId, name, this, startOrdinal, durable);
        subscriptions.add(subscription);

        return subscription;
    }

    /**
     * @return the subscription with a name, or null.
     */
    TopicSubscription subscription(final String name)
    {
        for (int i = 0, size = subscriptions.size(); i < size; i++)
        {
            final TopicSubscription subscription = subscriptions.get(i);
            if (subscription.name.equals(name))
            {
                return subscription;
            }
        }

        return null;
    }

    TopicSubscription subscription(final long subscriptionId)
    {
        for (int i = 0, size = subscriptions.size(); i < size; i++)
        {
            final TopicSubscription subscription = subscriptions.get(i);
            if (subscription.id == subscriptionId)
            {
                return subscription;
            }
        }

        return null;
    }

    /**
     * @return the estimated backlog in bytes of the most backlogged subscription: its unacknowledged entries times
     * the topic's average entry size.
     */
    long largestBacklogBytes()
    {
        final long entries = index.size();
        if (subscriptions.isEmpty() || 0 == entries)
        {
            return 0;
        }

        long largestBacklog = 0;
        for (int i = 0, size = subscriptions.size(); i < size; i++)
        {
            final TopicSubscription subscription = subscriptions.get(i);
            if (subscription.durable)
            {
                largestBacklog = Math.max(largestBacklog, subscription.cursor.backlog());
            }
        }

        return largestBacklog * (bytes / entries);
    }

    /**
     * @return the largest subscription backlog in bytes if it exceeds a quota that limits producers, else -1.
     */
    long quotaExceededBytes()
    {
        final long limitBytes = policies.backlogQuotaLimitBytes();
        if (limitBytes < 0 || policies.evictsBacklog())
        {
            return -1;
        }
        final long backlogBytes = largestBacklogBytes();

        return backlogBytes > 0 && backlogBytes >= limitBytes ? backlogBytes : -1;
    }

    /**
     * @return the ordinal of the first entry some subscription has not acknowledged, or the size if none.
     */
    long unacknowledgedOrdinal()
    {
        long ordinal = index.size();
        for (int i = 0, size = subscriptions.size(); i < size; i++)
        {
            final Cursor cursor = subscriptions.get(i).cursor;
            if (null != cursor && subscriptions.get(i).durable)
            {
                ordinal = Math.min(ordinal, cursor.firstUnackedOrdinal());
            }
        }

        return Math.max(ordinal, index.firstOrdinal());
    }

    /**
     * As Pulsar: acknowledged entries go once they are beyond either retention limit of the topic's namespace (its
     * newest size in bytes, or its time); a limit of -1 never lets them go by that measure, and with both at -1
     * everything is kept.
     *
     * @param now epoch time in ms.
     * @return the ordinal of the first entry that retention keeps.
     */
    long firstRetainedOrdinal(final long now)
    {
        final long sizeBytes = policies.retentionSizeBytes();
        final long timeMs = policies.retentionTimeMs();
        long ordinal = index.firstOrdinal();
        if (sizeBytes >= 0)
        {
            ordinal = Math.max(ordinal, index.size() - sizeBytes / averageEntryBytes());
        }
        if (timeMs >= 0)
        {
            ordinal = Math.max(ordinal, index.firstOrdinalPublishedAtOrAfter(now - timeMs));
        }

        return ordinal;
    }

    /**
     * @param now epoch time in ms.
     * @return the ordinal of the first entry that a subscription or retention still needs; all after it are kept.
     */
    long neededOrdinal(final long now)
    {
        return Math.max(Math.min(firstRetainedOrdinal(now), unacknowledgedOrdinal()), index.firstOrdinal());
    }

    /**
     * Remove from the index the entries before a new log start, except those still needed: compaction moved them
     * out of the purged segments, and they keep their ordinals.
     *
     * @return entries removed.
     */
    int removeReclaimedEntries(final long newStart, final long now)
    {
        final long removeBelow = Math.min(index.firstOrdinalAtOrAfter(newStart), neededOrdinal(now));
        final int removed = removeBelow > index.firstOrdinal() && removeBelow <= index.size() ?
            index.removeBefore(removeBelow < index.size() ? index.position(removeBelow) : Long.MAX_VALUE) : 0;
        if (removed > 0)
        {
            forgetRelocationsBefore();
            for (int i = 0, size = subscriptions.size(); i < size; i++)
            {
                final TopicSubscription subscription = subscriptions.get(i);
                if (null != subscription.cursor)
                {
                    subscription.cursor.onEntriesRemoved();
                    subscription.readOrdinal = Math.max(subscription.readOrdinal, index.firstOrdinal());
                }
            }
        }

        return removed;
    }

    /**
     * Remove the entries whose records are gone below a log start and that were not moved: after recovery from a
     * snapshot taken before a purge.
     *
     * @return entries removed.
     */
    int removeUnreadablePrefix(final long start)
    {
        long ordinal = index.firstOrdinal();
        while (ordinal < index.size() && location(index.position(ordinal)) < start)
        {
            ordinal++;
        }
        if (ordinal <= index.firstOrdinal())
        {
            return 0;
        }
        final int removed = index.removeBefore(ordinal < index.size() ? index.position(ordinal) : Long.MAX_VALUE);
        forgetRelocationsBefore();

        return removed;
    }

    /**
     * Record where a moved entry is now.
     */
    void relocate(final long messageId, final long location)
    {
        if (null == relocations)
        {
            relocations = new Long2LongHashMap(Long.MIN_VALUE);
        }
        relocations.put(messageId, location);
    }

    private void forgetRelocationsBefore()
    {
        if (null == relocations)
        {
            return;
        }
        final long firstKept = index.heldEntries() > 0 ? index.position(index.firstOrdinal()) : Long.MAX_VALUE;
        final Long2LongHashMap.KeyIterator keys = relocations.keySet().iterator();
        while (keys.hasNext())
        {
            if (keys.nextValue() < firstKept)
            {
                keys.remove();
            }
        }
        if (relocations.isEmpty())
        {
            relocations = null;
        }
    }
}

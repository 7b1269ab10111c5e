package io.magnetar.broker.shard;

import io.magnetar.storage.RecordedLog;
import io.magnetar.storage.StorageException;
import io.magnetar.storage.TopicIndex;
import org.agrona.ErrorHandler;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.EpochClock;

/**
 * Retention: whole segments of the shard log that no cursor needs and retention no longer keeps are purged. Topic
 * definitions and deduplication's producer names in those segments are recorded again first, and the segments go only
 * once those records, and the acks that freed them, are stored. When the oldest segment is pinned by a few entries,
 * {@link SegmentCompactor} moves them instead.
 * <p>
 * Which topics still need the oldest segment is found by a scan, a slice of topics per duty cycle, that stops at the
 * first topic pinning it and remembers that topic: while it still pins the segment a check costs one topic. Once it
 * lets go the scan goes on from there, and only when it has been round every topic without meeting a pin is the lowest
 * position they need (lowest seen in the round: a topic's need only moves forward, and a purge checks them all again)
 * reclaimed. So a shard of a million topics held by retention costs a topic a check, and a round of every topic is paid
 * once per segment reclaimed.
 */
final class LogReclaimer
{
    private final RecordedLog entryLog;
    private final RecordedLog cursorLog;
    private final TopicRegistry topics;
    private final ShardLogWriter writer;
    private final StoredPositions stored;
    private final SegmentCompactor compactor;
    private final Deduplication deduplication;
    private final EpochClock epochClock;
    private final ErrorHandler errorHandler;
    private long reclaimTarget = -1;
    private long reclaimDefinitionsEnd;
    private long reclaimCursorsEnd;
    private long reclaimedBytes;
    private boolean scanning;
    private Topic pinningTopic;
    private long scanLocalId = 1;
    private long roundScanned;
    private long roundFloor = Long.MAX_VALUE;
    private long roundDurablePosition = -1;

    LogReclaimer(
        final RecordedLog entryLog,
        final RecordedLog cursorLog,
        final TopicRegistry topics,
        final ShardLogWriter writer,
        final StoredPositions stored,
        final SegmentCompactor compactor,
        final Deduplication deduplication,
        final EpochClock epochClock,
        final ErrorHandler errorHandler)
    {
        this.entryLog = entryLog;
        this.cursorLog = cursorLog;
        this.topics = topics;
        this.writer = writer;
        this.stored = stored;
        this.compactor = compactor;
        this.deduplication = deduplication;
        this.epochClock = epochClock;
        this.errorHandler = errorHandler;
    }

    /**
     * Begin a check: the next {@link #scanSlice} calls look for what pins the oldest segment, or go on with a purge
     * under way.
     */
    void beginScan()
    {
        scanning = true;
    }

    /**
     * @return true while a check is under way.
     */
    boolean isScanning()
    {
        return scanning;
    }

    /**
     * Go on with a check begun by {@link #beginScan()}: at most a slice of topics.
     *
     * @param now         epoch time in ms.
     * @param sliceTopics most topics to look at.
     * @return work done: topics looked at, segments purged, definitions recorded or entries moved.
     */
    int scanSlice(final long now, final int sliceTopics)
    {
        if (!scanning)
        {
            return 0;
        }
        if (reclaimTarget >= 0)
        {
            scanning = false;
            return reclaim(reclaimTarget); // a purge under way: see whether what it waits for is stored
        }
        if (roundDurablePosition < 0)
        {
            roundDurablePosition = entryLog.durablePosition();
        }

        final long start = entryLog.startPosition();
        final long firstSegmentEnd = entryLog.segmentBasePosition(start) + entryLog.segmentFileLength();
        if (null != pinningTopic)
        {
            final long floor = topicFloor(pinningTopic, now);
            if (floor < firstSegmentEnd)
            {
                scanning = false;
                return 1 + compact(pinningTopic, floor, now, firstSegmentEnd);
            }
            roundFloor = Math.min(roundFloor, floor);
            pinningTopic = null;
        }

        final long topicCount = topics.nextLocalId() - 1;
        int workCount = 0;
        while (workCount < sliceTopics)
        {
            if (roundScanned >= topicCount)
            {
                final long floor = Math.min(roundFloor, roundDurablePosition);
                scanning = false;
                roundScanned = 0;
                roundFloor = Long.MAX_VALUE;
                roundDurablePosition = -1;
                return workCount + reclaim(floor);
            }
            final Topic topic = topics.byLocalId(scanLocalId);
            scanLocalId = scanLocalId >= topicCount ? 1 : scanLocalId + 1;
            roundScanned++;
            workCount++;
            if (null != topic)
            {
                final long floor = topicFloor(topic, now);
                if (floor < firstSegmentEnd)
                {
                    // its floor joins the round once it lets go: a pin's old floor would hold the round back
                    pinningTopic = topic;
                    scanning = false;
                    return workCount + compact(topic, floor, now, firstSegmentEnd);
                }
                roundFloor = Math.min(roundFloor, floor);
            }
        }

        return workCount;
    }

    /**
     * The oldest segment is pinned: unless retention is what keeps it (compaction moves only what a subscription has
     * not acknowledged, and retained data expires on its own), see whether its few needed entries can be moved.
     */
    private int compact(final Topic pinningTopic, final long floor, final long now, final long firstSegmentEnd)
    {
        final TopicIndex index = pinningTopic.index;
        final long retainedOrdinal = pinningTopic.firstRetainedOrdinal(now);
        if (retainedOrdinal < index.size() && index.position(retainedOrdinal) < firstSegmentEnd)
        {
            return compactor.promotePending();
        }

        return compactor.compactFirstSegment(floor);
    }

    /**
     * @param floor the lowest position anything needed when a check looked at each topic (see {@link #topicFloor});
     *              checked again against every topic before anything is purged.
     * @return work done: segments purged, definitions recorded or entries moved.
     */
    int reclaim(final long floor)
    {
        if (reclaimTarget < 0)
        {
            final long position = floor;
            final long newStart = entryLog.segmentBasePosition(position);
            if (newStart <= entryLog.startPosition())
            {
                return compactor.compactFirstSegment(position);
            }

            for (final Topic topic : topics.topics())
            {
                if (topic.persistent && topic.definitionPosition < newStart)
                {
                    final long definitionPosition = writer.appendTopicDefinition(
                        topic.id, topic.name.toString(), ProducerAccess.epoch(topic));
                    if (definitionPosition < 0)
                    {
                        return 0;
                    }
                    topic.definitionPosition = definitionPosition;
                }
                if (!deduplication.recordBindingsAgain(topic, newStart))
                {
                    return 0;
                }
            }
            reclaimTarget = newStart;
            reclaimDefinitionsEnd = entryLog.appendedPosition();
            reclaimCursorsEnd = cursorLog.appendedPosition();
        }

        // the re-recorded definitions and the acks that freed the segments must be stored before they go
        if (!stored.isEntryLogStored(reclaimDefinitionsEnd) || !stored.isCursorLogStored(reclaimCursorsEnd))
        {
            return 0;
        }

        final long oldStart = entryLog.startPosition();
        final long newStart;
        try
        {
            // cursors may need more than when the target was set (a new subscription): look again
            newStart = entryLog.purgeBefore(Math.min(reclaimTarget, reclaimablePosition()));
        }
        catch (final StorageException ex)
        {
            errorHandler.onError(ex);
            return 0;
        }
        finally
        {
            reclaimTarget = -1;
        }
        if (newStart <= oldStart)
        {
            return 0;
        }

        reclaimedBytes += newStart - oldStart;
        final long now = epochClock.time();
        for (final Topic topic : topics.topics())
        {
            topic.removeReclaimedEntries(newStart, now);
        }

        return 1;
    }

    /**
     * @return bytes of the shard log reclaimed since the broker started.
     */
    long reclaimedBytes()
    {
        return reclaimedBytes;
    }

    /**
     * @return the lowest position something still needs: for each topic, its subscriptions' first unacknowledged
     * entry and the first entry its namespace's retention keeps (moved entries where they are now); and the durable
     * position.
     */
    long reclaimablePosition()
    {
        return reclaimablePosition(topics.topics(), entryLog.durablePosition(), epochClock.time());
    }

    static long reclaimablePosition(final Iterable<Topic> topics, final long durablePosition, final long now)
    {
        long position = durablePosition;
        for (final Topic topic : topics)
        {
            position = Math.min(position, topicFloor(topic, now));
        }

        return position;
    }

    /**
     * @param now epoch time in ms.
     * @return the lowest position a topic still needs: its subscriptions' first unacknowledged entry and the first
     * entry its namespace's retention keeps, moved entries where they are now; {@link Long#MAX_VALUE} if none.
     */
    static long topicFloor(final Topic topic, final long now)
    {
        final TopicIndex index = topic.index;
        long position = Long.MAX_VALUE;
        if (!topic.persistent || 0 == index.heldEntries())
        {
            return position;
        }

        // every entry from the first needed one on is kept; moved entries are where compaction put them
        final long needed = topic.neededOrdinal(now);
        final Long2LongHashMap relocations = topic.relocations;
        long ordinal = needed;
        while (null != relocations && ordinal < index.size() && relocations.containsKey(index.position(ordinal)))
        {
            ordinal++;
        }
        if (ordinal < index.size())
        {
            position = index.position(ordinal);
        }
        if (null != relocations)
        {
            final Long2LongHashMap.EntryIterator iterator = relocations.entrySet().iterator();
            while (iterator.hasNext())
            {
                iterator.next();
                if (index.ordinalOf(iterator.getLongKey()) >= needed)
                {
                    position = Math.min(position, iterator.getLongValue());
                }
            }
        }

        return position;
    }
}

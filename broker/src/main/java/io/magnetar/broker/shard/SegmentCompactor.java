package io.magnetar.broker.shard;

import io.aeron.Publication;
import io.magnetar.codecs.storage.EntryHeaderDecoder;
import io.magnetar.codecs.storage.MessageHeaderDecoder;
import io.magnetar.storage.EntryHandler;
import io.magnetar.storage.LogReader;
import io.magnetar.storage.RecordedLog;
import io.magnetar.storage.StorageException;
import io.magnetar.storage.TopicIndex;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.EpochClock;

import java.util.ArrayDeque;

/**
 * Compaction of a pinned segment: when the oldest segment cannot be reclaimed because a few entries in it are
 * still needed by a subscription, and those entries are at most a quarter of it, they are copied to the end of the
 * log as {@code RelocatedEntry} records that keep their message ids. Once a copy is stored the topic reads the entry
 * from there, the segment is no longer needed, and the next reclaim purges it. Bounded per check.
 */
final class SegmentCompactor
{
    private static final long LIVE_FRACTION = 4;
    private static final int COPIES_PER_CHECK = 4096;
    private static final int PINNED_CHECKS = 5;
    /** Checks to wait, after a pinned segment was judged not worth moving, before looking at every topic again. */
    private static final int RECHECK_AFTER_CHECKS = 60;

    private final int shard;
    private final RecordedLog entryLog;
    private final LogReader entryReader;
    private final TopicRegistry topics;
    private final ShardLogWriter writer;
    private final EpochClock epochClock;
    private final ErrorHandler errorHandler;
    private final ArrayDeque<PendingRelocation> pendingRelocations = new ArrayDeque<>();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final EntryHandler copyHandler = this::onEntryRead;
    private long copyMessageId;
    private long copyResult;
    private long pinnedFloor = Long.MIN_VALUE;
    private int pinnedChecks;
    private int compactions;
    private long relocatedEntries;

    SegmentCompactor(
        final int shard,
        final RecordedLog entryLog,
        final TopicRegistry topics,
        final ShardLogWriter writer,
        final EpochClock epochClock,
        final ErrorHandler errorHandler)
    {
        this.shard = shard;
        this.entryLog = entryLog;
        this.entryReader = entryLog.reader();
        this.topics = topics;
        this.writer = writer;
        this.epochClock = epochClock;
        this.errorHandler = errorHandler;
    }

    /**
     * @param floor the lowest position anything still needs.
     * @return entries copied, or moves completed.
     */
    int compactFirstSegment(final long floor)
    {
        if (!pendingRelocations.isEmpty())
        {
            return promoteRelocations();
        }
        final long start = entryLog.startPosition();
        final long segmentLength = entryLog.segmentFileLength();
        final long segmentEnd = entryLog.segmentBasePosition(start) + segmentLength;
        if (entryLog.durablePosition() - segmentEnd < 2 * segmentLength)
        {
            return 0; // only old segments: recent ones are still being acknowledged
        }
        // only a pin that lasts: a subscription still catching up would acknowledge what a copy would move
        if (floor != pinnedFloor)
        {
            pinnedFloor = floor;
            pinnedChecks = 0;
            return 0;
        }
        if (++pinnedChecks < PINNED_CHECKS)
        {
            return 0;
        }
        if (!isWorthMoving(start, segmentEnd, segmentLength))
        {
            pinnedChecks = PINNED_CHECKS - RECHECK_AFTER_CHECKS; // a look at every topic, about once a minute at most
            return 0;
        }

        return copyNeededEntries(start, segmentEnd);
    }

    /**
     * @return moves completed: copies now stored, so reads and the reclaim floor use them.
     */
    int promotePending()
    {
        return pendingRelocations.isEmpty() ? 0 : promoteRelocations();
    }

    /**
     * Moved entries of a topic whose copies are not stored yet, and were copied below a position: an index
     * snapshot that begins at that position lists them.
     */
    void addPendingBefore(final Topic topic, final long position, final LongArrayList out)
    {
        if (topic.pendingRelocations > 0)
        {
            for (final PendingRelocation pending : pendingRelocations)
            {
                if (pending.topic == topic && pending.location < position)
                {
                    out.addLong(pending.messageId);
                    out.addLong(pending.location);
                }
            }
        }
    }

    int compactions()
    {
        return compactions;
    }

    long relocatedEntries()
    {
        return relocatedEntries;
    }

    /**
     * Only entries a subscription has not acknowledged are moved: data that only retention keeps expires on its
     * own, and a segment it still needs is left alone. A mostly live segment is left alone too.
     */
    private boolean isWorthMoving(final long start, final long segmentEnd, final long segmentLength)
    {
        final long now = epochClock.time();
        long liveBytes = 0;
        for (final Topic topic : topics.topics())
        {
            final TopicIndex index = topic.index;
            if (!topic.persistent || 0 == index.heldEntries())
            {
                continue;
            }
            final long retainedOrdinal = topic.firstRetainedOrdinal(now);
            if (retainedOrdinal < index.size() && index.position(retainedOrdinal) < segmentEnd)
            {
                return false;
            }
            final long averageBytes = topic.averageEntryBytes();
            for (long ordinal = topic.unacknowledgedOrdinal(); ordinal < index.size(); ordinal++)
            {
                final long messageId = index.position(ordinal);
                if (messageId >= segmentEnd)
                {
                    break;
                }
                final long location = topic.location(messageId);
                if (location >= start && location < segmentEnd)
                {
                    liveBytes += averageBytes;
                    if (liveBytes * LIVE_FRACTION > segmentLength)
                    {
                        return false;
                    }
                }
            }
        }

        return liveBytes > 0;
    }

    private int copyNeededEntries(final long start, final long segmentEnd)
    {
        final long durablePosition = entryLog.durablePosition();
        int relocated = 0;
        for (final Topic topic : topics.topics())
        {
            final TopicIndex index = topic.index;
            if (!topic.persistent || 0 == index.heldEntries())
            {
                continue;
            }
            for (long ordinal = topic.unacknowledgedOrdinal(); ordinal < index.size(); ordinal++)
            {
                final long messageId = index.position(ordinal);
                if (messageId >= segmentEnd)
                {
                    break;
                }
                final long location = topic.location(messageId);
                if (location < start || location >= segmentEnd)
                {
                    continue;
                }
                if (relocated >= COPIES_PER_CHECK)
                {
                    break;
                }
                copyResult = Long.MIN_VALUE;
                copyMessageId = messageId;
                entryReader.read(location, durablePosition, copyHandler);
                if (copyResult < 0)
                {
                    if (Publication.BACK_PRESSURED != copyResult && Publication.ADMIN_ACTION != copyResult)
                    {
                        errorHandler.onError(new StorageException("shard " + shard + ": entry " + messageId +
                            " of " + topic.name + " could not be moved: " + Publication.errorString(copyResult)));
                    }
                    return relocated;
                }
                pendingRelocations.addLast(
                    new PendingRelocation(topic, messageId, copyResult, entryLog.appendedPosition()));
                topic.pendingRelocations++;
                relocated++;
            }
        }
        if (relocated > 0)
        {
            compactions++;
            relocatedEntries += relocated;
        }

        return relocated;
    }

    private void onEntryRead(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        headerDecoder.wrap(buffer, offset);
        final int templateId = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        if (!ShardLogWriter.isEntryRecord(templateId) || blockLength < EntryHeaderDecoder.BLOCK_LENGTH)
        {
            throw new StorageException("shard " + shard + ": record at position " + position + " is not an entry");
        }
        copyResult = writer.appendRelocatedEntry(
            buffer, offset, length, blockLength, headerDecoder.version(), copyMessageId);
    }

    /**
     * Moved entries are read from their new place once the copy is stored; until then from the old one.
     */
    private int promoteRelocations()
    {
        int workCount = 0;
        final long durablePosition = entryLog.durablePosition();
        PendingRelocation pending;
        while (null != (pending = pendingRelocations.peekFirst()) && pending.endPosition <= durablePosition)
        {
            pendingRelocations.pollFirst();
            final Topic topic = pending.topic;
            topic.pendingRelocations--;
            if (topic.index.ordinalOf(pending.messageId) >= 0)
            {
                topic.relocate(pending.messageId, pending.location);
            }
            workCount++;
        }

        return workCount;
    }
}

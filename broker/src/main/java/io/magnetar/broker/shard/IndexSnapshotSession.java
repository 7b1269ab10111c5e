package io.magnetar.broker.shard;

import io.aeron.Publication;
import io.magnetar.codecs.storage.IndexSnapshotBeginEncoder;
import io.magnetar.codecs.storage.IndexSnapshotEndEncoder;
import io.magnetar.codecs.storage.MessageHeaderEncoder;
import io.magnetar.codecs.storage.PublisherStateEncoder;
import io.magnetar.codecs.storage.TopicIndexStateEncoder;
import io.magnetar.storage.RecordedLog;
import io.magnetar.storage.StorageException;
import io.magnetar.storage.TopicIndex;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.EpochClock;

import java.util.ArrayList;

/**
 * Index snapshots, written a bounded number of topics per duty cycle once the shard log has grown by the snapshot
 * interval: a begin record naming a shard log position B (once B is stored), each persistent topic's index below B
 * followed by its producer names for deduplication (with each name's highest sequence id below B: stored, as the
 * rest is scanned at recovery), and an end record. Once the end record is stored, the index log
 * before the snapshot is purged. Recovery ({@link IndexSnapshotLoader}) loads the newest complete snapshot and scans
 * the shard log from B only.
 */
final class IndexSnapshotSession
{
    /**
     * Where the snapshot in progress is.
     */
    enum State
    {
        /** No snapshot in progress; one begins when due. */
        IDLE,
        /** The begin record is written; the shard log must be stored up to B before topics are written. */
        AWAITING_ENTRIES,
        /** Writing topics' indexes, a few per duty cycle. */
        WRITING,
        /** The end record is written; once stored, older snapshots are purged. */
        AWAITING_END
    }

    private static final int TOPICS_PER_CYCLE = 256;
    private static final int VALUES_PER_PART = 8192;
    private static final int PARTS_PER_CYCLE = 4;
    private static final long GROWTH_FACTOR = 4;
    private static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;

    private final int shard;
    private final RecordedLog entryLog;
    private final RecordedLog indexLog;
    private final long intervalBytes;
    private final TopicRegistry topics;
    private final SegmentCompactor compactor;
    private final EpochClock epochClock;
    private final ErrorHandler errorHandler;
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(256 * 1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final IndexSnapshotBeginEncoder beginEncoder = new IndexSnapshotBeginEncoder();
    private final IndexSnapshotEndEncoder endEncoder = new IndexSnapshotEndEncoder();
    private final TopicIndexStateEncoder topicIndexStateEncoder = new TopicIndexStateEncoder();
    private final PublisherStateEncoder publisherStateEncoder = new PublisherStateEncoder();
    private final Deduplication deduplication;
    private final ArrayList<Publisher> publishers = new ArrayList<>();
    private int nextPublisher;
    private final LongArrayList relocations = new LongArrayList();
    private State state = State.IDLE;
    private long snapshotId;
    private long entryPosition;
    private long nextLocalId;
    private long endLocalId;
    private long topicCount;
    private long lastEntryPosition;
    private long lastIndexPosition;
    private long lastBytes;
    private long endPosition;
    private int snapshots;
    private Topic topic;
    private long topicFirstOrdinal;
    private int part;
    private int nextPosition;
    private int nextBlock;
    private int nextRelocation;
    private int positionCount;
    private int blockCount;

    IndexSnapshotSession(
        final ShardContext ctx,
        final TopicRegistry topics,
        final SegmentCompactor compactor,
        final Deduplication deduplication)
    {
        this.deduplication = deduplication;
        this.shard = ctx.shard();
        this.entryLog = ctx.entryLog();
        this.indexLog = ctx.indexLog();
        this.intervalBytes = ctx.snapshotIntervalBytes();
        this.epochClock = ctx.epochClock();
        this.errorHandler = ctx.errorHandler();
        this.topics = topics;
        this.compactor = compactor;
    }

    /**
     * What recovery found in the index log.
     *
     * @param newestSnapshotId   the highest snapshot id begun, complete or not.
     * @param lastEntryPosition  B of the snapshot loaded, or 0.
     * @param lastBytes          size of the snapshot loaded, or 0.
     */
    void onRecovered(final long newestSnapshotId, final long lastEntryPosition, final long lastBytes)
    {
        this.snapshotId = newestSnapshotId;
        this.lastEntryPosition = lastEntryPosition;
        this.lastBytes = lastBytes;
    }

    /**
     * @return work done.
     */
    int doWork()
    {
        switch (state)
        {
            case IDLE:
                return isDue() ? begin() : 0;

            case AWAITING_ENTRIES:
                // the snapshot holds entries below its position: they must be stored before it describes them
                if (entryLog.durablePosition() < entryPosition)
                {
                    return 0;
                }
                state = State.WRITING;
                return writeTopics();

            case WRITING:
                return writeTopics();

            case AWAITING_END:
                if (indexLog.durablePosition() < endPosition)
                {
                    return 0;
                }
                state = State.IDLE;
                CursorCheckpointer.purgeBefore(indexLog, lastIndexPosition, errorHandler);
                return 1;

            default:
                return 0;
        }
    }

    /**
     * A snapshot is due once the shard log has grown by the interval, and by at least four times the last
     * snapshot's size: snapshots never cost more than a quarter of the log's writes, and recovery scans at most the
     * larger of the two.
     */
    boolean isDue()
    {
        return entryLog.appendedPosition() - lastEntryPosition >= Math.max(intervalBytes, GROWTH_FACTOR * lastBytes);
    }

    int snapshots()
    {
        return snapshots;
    }

    long lastEntryPosition()
    {
        return lastEntryPosition;
    }

    long lastBytes()
    {
        return lastBytes;
    }

    private int begin()
    {
        final long position = entryLog.appendedPosition();
        beginEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .snapshotId(snapshotId + 1)
            .entryLogPosition(position)
            .timestamp(epochClock.time())
            .nextPublisherId(deduplication.nextPublisherId());
        final long beginPosition = indexLog.append(buffer, 0, HEADER_LENGTH + beginEncoder.encodedLength());
        if (beginPosition < 0)
        {
            return 0;
        }
        snapshotId++;
        entryPosition = position;
        deduplication.onSnapshotBegin(position);
        lastEntryPosition = position;
        lastIndexPosition = beginPosition;
        nextLocalId = 1;
        endLocalId = topics.nextLocalId();
        topic = null;
        topicCount = 0;
        state = State.AWAITING_ENTRIES;

        return 1;
    }

    private int writeTopics()
    {
        int workCount = 0;
        while (nextLocalId < endLocalId && workCount < TOPICS_PER_CYCLE)
        {
            final Topic next = topics.byLocalId(nextLocalId);
            if (null != next && next.persistent)
            {
                if (!appendTopicIndexState(next))
                {
                    return workCount;
                }
                topicCount++;
            }
            nextLocalId++;
            workCount++;
        }
        if (nextLocalId < endLocalId)
        {
            return workCount;
        }

        endEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .snapshotId(snapshotId)
            .topicCount(topicCount);
        if (indexLog.append(buffer, 0, HEADER_LENGTH + endEncoder.encodedLength()) < 0)
        {
            return workCount;
        }
        endPosition = indexLog.appendedPosition();
        lastBytes = endPosition - lastIndexPosition;
        snapshots++;
        state = State.AWAITING_END;

        return workCount + 1;
    }

    /**
     * Append one topic's index below the snapshot position, in parts that fit a record, a few parts per duty cycle:
     * a large index never stalls the shard for long, and back pressure resumes at the part that did not fit (or at
     * part 0 if retention changed the index in between).
     *
     * @return true once the topic is written; false to be called again for the same topic.
     */
    private boolean appendTopicIndexState(final Topic next)
    {
        final TopicIndex index = next.index;
        if (topic != next || topicFirstOrdinal != index.firstOrdinal())
        {
            startTopic(next);
        }

        if (part > 0 && nextPosition >= positionCount && nextBlock >= blockCount &&
            nextRelocation >= relocations.size() / 2)
        {
            return appendPublishers(next);
        }

        final long firstOrdinal = topicFirstOrdinal;
        final String name = next.name.toString();
        for (int parts = 0; parts < PARTS_PER_CYCLE; parts++)
        {
            final int positions = Math.min(VALUES_PER_PART, positionCount - nextPosition);
            final int blocks = Math.min(VALUES_PER_PART, blockCount - nextBlock);
            final int moved = Math.min(VALUES_PER_PART / 2, relocations.size() / 2 - nextRelocation);
            topicIndexStateEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .snapshotId(snapshotId)
                .topicId(next.id)
                .part(part)
                .firstOrdinal(firstOrdinal)
                .firstBlock(index.firstBlock())
                .lastRemovedPosition(index.lastRemovedPosition())
                .bytes(next.bytes / Math.max(1, index.size()) * (firstOrdinal + positionCount))
                .definitionPosition(next.definitionPosition)
                .topicEpoch(ProducerAccess.epoch(next));
            final TopicIndexStateEncoder.PositionsEncoder positionsEncoder =
                topicIndexStateEncoder.positionsCount(positions);
            for (int i = 0; i < positions; i++)
            {
                positionsEncoder.next().position(index.position(firstOrdinal + nextPosition + i));
            }
            final TopicIndexStateEncoder.BlockPublishTimesEncoder blocksEncoder =
                topicIndexStateEncoder.blockPublishTimesCount(blocks);
            for (int i = 0; i < blocks; i++)
            {
                blocksEncoder.next().publishTime(index.blockPublishTime(nextBlock + i));
            }
            final TopicIndexStateEncoder.RelocationsEncoder relocationsEncoder =
                topicIndexStateEncoder.relocationsCount(moved);
            for (int i = 0; i < moved; i++)
            {
                relocationsEncoder.next()
                    .originalPosition(relocations.getLong(2 * (nextRelocation + i)))
                    .location(relocations.getLong(2 * (nextRelocation + i) + 1));
            }
            topicIndexStateEncoder.topicName(0 == part ? name : "");
            if (!append(HEADER_LENGTH + topicIndexStateEncoder.encodedLength()))
            {
                return false;
            }
            nextPosition += positions;
            nextBlock += blocks;
            nextRelocation += moved;
            part++;
            if (nextPosition >= positionCount && nextBlock >= blockCount && nextRelocation >= relocations.size() / 2)
            {
                return appendPublishers(next);
            }
        }

        return false;
    }

    /**
     * Append the topic's producer names after its index, one record each.
     *
     * @return true once all are written; false to be called again.
     */
    private boolean appendPublishers(final Topic next)
    {
        while (nextPublisher < publishers.size())
        {
            final Publisher publisher = publishers.get(nextPublisher);
            publisherStateEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .snapshotId(snapshotId)
                .topicId(next.id)
                .publisherId(publisher.id)
                .sequenceId(deduplication.snapshotSequenceId(publisher))
                .producerName(publisher.name);
            if (!append(HEADER_LENGTH + publisherStateEncoder.encodedLength()))
            {
                return false;
            }
            nextPublisher++;
        }
        publishers.clear();
        topic = null;

        return true;
    }

    /**
     * Append the record encoded in the buffer; a failure other than back pressure is reported.
     *
     * @return true if appended; false to try again.
     */
    private boolean append(final int length)
    {
        final long result = indexLog.append(buffer, 0, length);
        if (result < 0)
        {
            if (Publication.BACK_PRESSURED != result && Publication.ADMIN_ACTION != result)
            {
                errorHandler.onError(new StorageException("shard " + shard + ": index snapshot " + snapshotId +
                    " could not be written: " + Publication.errorString(result)));
            }
            return false;
        }

        return true;
    }

    private void startTopic(final Topic next)
    {
        final TopicIndex index = next.index;
        final long firstOrdinal = index.firstOrdinal();
        topic = next;
        topicFirstOrdinal = firstOrdinal;
        part = 0;
        nextPosition = 0;
        nextBlock = 0;
        nextRelocation = 0;
        positionCount = (int)(index.firstOrdinalAtOrAfter(entryPosition) - firstOrdinal);
        blockCount = 0 == positionCount ? Math.min(index.blockCount(), 1) : (int)Math.min(
            index.blockCount(), ((firstOrdinal + positionCount - 1) >> 6) - index.firstBlock() + 1);

        // moved entries: those whose copies are stored, and those still waiting but copied before the snapshot began
        relocations.clear();
        if (null != next.relocations)
        {
            final Long2LongHashMap.EntryIterator iterator = next.relocations.entrySet().iterator();
            while (iterator.hasNext())
            {
                iterator.next();
                relocations.addLong(iterator.getLongKey());
                relocations.addLong(iterator.getLongValue());
            }
        }
        compactor.addPendingBefore(next, entryPosition, relocations);

        publishers.clear();
        nextPublisher = 0;
        deduplication.expireIdle(next, epochClock.time());
        if (null != next.publishers)
        {
            publishers.addAll(next.publishers.publishers());
        }
    }
}

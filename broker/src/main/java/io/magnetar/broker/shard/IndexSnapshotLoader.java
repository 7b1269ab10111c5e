package io.magnetar.broker.shard;

import io.magnetar.codecs.storage.IndexSnapshotBeginDecoder;
import io.magnetar.codecs.storage.IndexSnapshotEndDecoder;
import io.magnetar.codecs.storage.MessageHeaderDecoder;
import io.magnetar.codecs.storage.PublisherStateDecoder;
import io.magnetar.codecs.storage.TopicIndexStateDecoder;
import io.magnetar.storage.EntryHandler;
import io.magnetar.storage.RecordedLog;
import io.magnetar.storage.StorageException;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.collections.LongArrayList;

/**
 * Loads the newest complete index snapshot of a shard's index log at recovery: its topics and their indexes below the
 * snapshot's shard log position, and the producer names deduplication keeps. A snapshot that cannot be read is reported
 * and ignored: the shard log holds everything, and recovery then scans all of it. Used once.
 */
final class IndexSnapshotLoader
{
    private final int shard;
    private final RecordedLog entryLog;
    private final RecordedLog indexLog;
    private final TopicRegistry topics;
    private final ErrorHandler errorHandler;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final IndexSnapshotBeginDecoder beginDecoder = new IndexSnapshotBeginDecoder();
    private final IndexSnapshotEndDecoder endDecoder = new IndexSnapshotEndDecoder();
    private final TopicIndexStateDecoder topicIndexStateDecoder = new TopicIndexStateDecoder();
    private final PublisherStateDecoder publisherStateDecoder = new PublisherStateDecoder();
    private final Deduplication deduplication;
    private final long nowMs;
    private final LongArrayList positions = new LongArrayList();
    private final LongArrayList blockTimes = new LongArrayList();
    private final LongArrayList relocations = new LongArrayList();
    private final EntryHandler findHandler = this::onFindRecord;
    private final EntryHandler loadHandler = this::onLoadRecord;
    private long newestSnapshotId;
    private long beginId;
    private long beginEntryPosition;
    private long beginIndexPosition = -1;
    private long beginNextPublisherId;
    private long completeNextPublisherId;
    private boolean loadPublishers;
    private long completeId = -1;
    private long completeIndexPosition = -1;
    private long completeEndPosition;
    private long completeEntryPosition;
    private long loadedEntries;
    private String note = "";

    IndexSnapshotLoader(
        final int shard,
        final RecordedLog entryLog,
        final RecordedLog indexLog,
        final TopicRegistry topics,
        final Deduplication deduplication,
        final long nowMs,
        final ErrorHandler errorHandler)
    {
        this.deduplication = deduplication;
        this.nowMs = nowMs;
        this.shard = shard;
        this.entryLog = entryLog;
        this.indexLog = indexLog;
        this.topics = topics;
        this.errorHandler = errorHandler;
    }

    /**
     * Load the newest complete snapshot, if there is one, and tell the snapshot session what was found.
     *
     * @return the shard log position to scan from.
     */
    long load(final IndexSnapshotSession session)
    {
        beginIndexPosition = -1;
        indexLog.reader().scan(indexLog.startPosition(), indexLog.recoveredPosition(), findHandler);
        session.onRecovered(newestSnapshotId, 0, 0);
        if (completeIndexPosition < 0)
        {
            return entryLog.startPosition();
        }
        if (completeEntryPosition > entryLog.recoveredPosition())
        {
            errorHandler.onError(new StorageException("shard " + shard + ": index snapshot " + completeId +
                " describes the log up to " + completeEntryPosition + " but it ends at " +
                entryLog.recoveredPosition() + "; scanning the whole shard log instead"));
            return entryLog.startPosition();
        }

        try
        {
            // retention purged the log past the snapshot: the names that lived on were recorded again after it, and
            // a name forgotten since (deduplication turned off) must not come back from the snapshot
            loadPublishers = entryLog.startPosition() <= completeEntryPosition;
            deduplication.onRecoveredNextPublisherId(Math.max(0, completeNextPublisherId));
            indexLog.reader().scan(completeIndexPosition, completeEndPosition, loadHandler);
            for (final Topic topic : topics.topics())
            {
                loadedEntries += topic.index.heldEntries();
            }
            session.onRecovered(newestSnapshotId, completeEntryPosition, completeEndPosition - completeIndexPosition);
            note = "an index snapshot of " + topics.size() + " topics and " + loadedEntries +
                " entries below position " + completeEntryPosition;

            return Math.max(entryLog.startPosition(), completeEntryPosition);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(new StorageException("shard " + shard + ": index snapshot " + completeId +
                " could not be loaded (" + ex + "), scanning the whole shard log instead", ex));
            topics.clear();
            loadedEntries = 0;
            note = "";

            return entryLog.startPosition();
        }
    }

    /**
     * @return entries the loaded snapshot held.
     */
    long loadedEntries()
    {
        return loadedEntries;
    }

    /**
     * @return what came from a snapshot, for the recovery summary; empty if none.
     */
    String note()
    {
        return note;
    }

    private void onFindRecord(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        headerDecoder.wrap(buffer, offset);
        final int schemaId = headerDecoder.schemaId();
        final int version = headerDecoder.version();
        if (TopicIndexStateDecoder.SCHEMA_ID != schemaId || version > TopicIndexStateDecoder.SCHEMA_VERSION)
        {
            throw new StorageException("shard " + shard + " index log: unknown record version at position " +
                position + " (schema " + schemaId + " version " + version + ")");
        }
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        final int templateId = headerDecoder.templateId();
        if (IndexSnapshotBeginDecoder.TEMPLATE_ID == templateId)
        {
            beginDecoder.wrap(buffer, bodyOffset, blockLength, version);
            beginId = beginDecoder.snapshotId();
            beginEntryPosition = beginDecoder.entryLogPosition();
            beginDecoder.timestamp();
            beginNextPublisherId = beginDecoder.nextPublisherId(); // its null value before v4: ignored
            beginIndexPosition = position;
            newestSnapshotId = Math.max(newestSnapshotId, beginId);
        }
        else if (IndexSnapshotEndDecoder.TEMPLATE_ID == templateId)
        {
            endDecoder.wrap(buffer, bodyOffset, blockLength, version);
            if (beginIndexPosition >= 0 && endDecoder.snapshotId() == beginId)
            {
                completeId = beginId;
                completeIndexPosition = beginIndexPosition;
                completeEndPosition = nextPosition;
                completeEntryPosition = beginEntryPosition;
                completeNextPublisherId = beginNextPublisherId;
            }
        }
        else if (TopicIndexStateDecoder.TEMPLATE_ID != templateId && PublisherStateDecoder.TEMPLATE_ID != templateId)
        {
            throw new StorageException("shard " + shard + " index log: unknown record template " + templateId +
                " at position " + position);
        }
    }

    private void onLoadRecord(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        headerDecoder.wrap(buffer, offset);
        if (PublisherStateDecoder.TEMPLATE_ID == headerDecoder.templateId())
        {
            onPublisherState(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, position);
            return;
        }
        if (TopicIndexStateDecoder.TEMPLATE_ID != headerDecoder.templateId())
        {
            return;
        }
        final TopicIndexStateDecoder decoder = topicIndexStateDecoder.wrap(
            buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        if (decoder.snapshotId() != completeId)
        {
            return;
        }
        final long topicId = decoder.topicId();
        final int part = decoder.part();
        final long firstOrdinal = decoder.firstOrdinal();
        final long firstBlock = decoder.firstBlock();
        final long lastRemovedPosition = decoder.lastRemovedPosition();
        final long bytes = decoder.bytes();
        final long definitionPosition = decoder.definitionPosition();
        final long topicEpoch = decoder.topicEpoch(); // its null value (ignored) before storage version 4
        positions.clear();
        for (final TopicIndexStateDecoder.PositionsDecoder entry : decoder.positions())
        {
            positions.addLong(entry.position());
        }
        blockTimes.clear();
        for (final TopicIndexStateDecoder.BlockPublishTimesDecoder block : decoder.blockPublishTimes())
        {
            blockTimes.addLong(block.publishTime());
        }
        relocations.clear();
        for (final TopicIndexStateDecoder.RelocationsDecoder relocation : decoder.relocations())
        {
            relocations.addLong(relocation.originalPosition());
            relocations.addLong(relocation.location());
        }
        final String topicName = decoder.topicName();

        Topic topic = topics.byId(topicId);
        if (0 == part)
        {
            topic = topics.recovered(topicId, topicName);
            topic.index.restore(firstOrdinal, firstBlock, lastRemovedPosition);
            topic.relocations = null;
            topic.bytes = bytes;
            topic.definitionPosition = definitionPosition;
            ProducerAccess.onRecoveredEpoch(topic, topicEpoch);
        }
        else if (null == topic)
        {
            throw new StorageException("shard " + shard + " index log: part " + part + " of topic " + topicId +
                " without its first part at position " + position);
        }

        for (int i = 0, size = positions.size(); i < size; i++)
        {
            topic.index.restorePosition(positions.getLong(i));
        }
        for (int i = 0, size = blockTimes.size(); i < size; i++)
        {
            topic.index.restoreBlockPublishTime(blockTimes.getLong(i));
        }
        for (int i = 0, size = relocations.size(); i < size; i += 2)
        {
            topic.relocate(relocations.getLong(i), relocations.getLong(i + 1));
        }
    }

    private void onPublisherState(final DirectBuffer buffer, final int offset, final long position)
    {
        final PublisherStateDecoder decoder = publisherStateDecoder.wrap(
            buffer, offset, headerDecoder.blockLength(), headerDecoder.version());
        if (decoder.snapshotId() != completeId || !loadPublishers)
        {
            return;
        }
        final long topicId = decoder.topicId();
        final long publisherId = decoder.publisherId();
        final long sequenceId = decoder.sequenceId();
        final String name = decoder.producerName();
        final Topic topic = topics.byId(topicId);
        if (null == topic)
        {
            throw new StorageException("shard " + shard + " index log: producer name of topic " + topicId +
                " before the topic at position " + position);
        }
        // where the name's binding record is in the shard log is not kept: recorded again before any purge
        deduplication.onRecoveredPublisher(topic, publisherId, sequenceId, name, -1, nowMs);
    }
}

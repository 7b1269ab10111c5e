package io.magnetar.broker.shard;

import io.magnetar.codecs.storage.CursorAckDecoder;
import io.magnetar.codecs.storage.CursorAckRangeDecoder;
import io.magnetar.codecs.storage.CursorCheckpointEndDecoder;
import io.magnetar.codecs.storage.EntryHeaderDecoder;
import io.magnetar.codecs.storage.MessageHeaderDecoder;
import io.magnetar.codecs.storage.NamespacePolicyStateDecoder;
import io.magnetar.codecs.storage.PublisherRegisteredDecoder;
import io.magnetar.codecs.storage.PublishersClearedDecoder;
import io.magnetar.codecs.storage.RelocatedEntryDecoder;
import io.magnetar.codecs.storage.SubscriptionCreatedDecoder;
import io.magnetar.codecs.storage.SubscriptionDeletedDecoder;
import io.magnetar.codecs.storage.SubscriptionStateDecoder;
import io.magnetar.codecs.storage.TopicCreatedDecoder;
import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.storage.EntryHandler;
import io.magnetar.storage.RecordedLog;
import io.magnetar.storage.StorageException;
import io.magnetar.storage.TopicIndex;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.EpochClock;

import java.util.Arrays;

/**
 * Rebuilds a shard's topics, indexes, cursors and policies before its agent runs: the newest index snapshot, then
 * the shard log after it (topic definitions first, then entries and deduplication's producer names), then the cursor
 * log from its last checkpoint.
 * Runs once.
 */
final class ShardRecovery
{
    private final int shard;
    private final RecordedLog entryLog;
    private final RecordedLog cursorLog;
    private final TopicRegistry topics;
    private final SubscriptionHandler subscriptions;
    private final ShardPolicies policies;
    private final IndexSnapshotLoader snapshotLoader;
    private final IndexSnapshotSession snapshotSession;
    private final EpochClock epochClock;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final EntryHeaderDecoder entryDecoder = new EntryHeaderDecoder();
    private final TopicCreatedDecoder topicCreatedDecoder = new TopicCreatedDecoder();
    private final PublisherRegisteredDecoder publisherRegisteredDecoder = new PublisherRegisteredDecoder();
    private final PublishersClearedDecoder publishersClearedDecoder = new PublishersClearedDecoder();
    private final Deduplication deduplication;
    private final RelocatedEntryDecoder relocatedEntryDecoder = new RelocatedEntryDecoder();
    private final CursorAckDecoder cursorAckDecoder = new CursorAckDecoder();
    private final CursorAckRangeDecoder cursorAckRangeDecoder = new CursorAckRangeDecoder();
    private final SubscriptionCreatedDecoder subscriptionCreatedDecoder = new SubscriptionCreatedDecoder();
    private final SubscriptionDeletedDecoder subscriptionDeletedDecoder = new SubscriptionDeletedDecoder();
    private final SubscriptionStateDecoder subscriptionStateDecoder = new SubscriptionStateDecoder();
    private final NamespacePolicyStateDecoder namespacePolicyStateDecoder = new NamespacePolicyStateDecoder();
    private final CursorCheckpointEndDecoder checkpointEndDecoder = new CursorCheckpointEndDecoder();
    private final LongArrayList relocations = new LongArrayList();
    private final LongArrayList ranges = new LongArrayList();
    private final RecoveredNames names = new RecoveredNames();
    private final EntryHandler entryHandler = this::onEntryRecord;
    private final EntryHandler cursorHandler = this::onCursorRecord;
    private final EntryHandler checkpointEndHandler = this::onCheckpointEndRecord;
    private long lastCheckpointStart = -1;
    private boolean readingDefinitions;
    private long entries;
    private int orphanedCursorRecords;
    private int checkpointRecords;
    private int acks;

    ShardRecovery(
        final ShardContext ctx,
        final TopicRegistry topics,
        final SubscriptionHandler subscriptions,
        final ShardPolicies policies,
        final IndexSnapshotSession snapshotSession,
        final Deduplication deduplication)
    {
        this.deduplication = deduplication;
        this.shard = ctx.shard();
        this.entryLog = ctx.entryLog();
        this.cursorLog = ctx.cursorLog();
        this.epochClock = ctx.epochClock();
        this.topics = topics;
        this.subscriptions = subscriptions;
        this.policies = policies;
        this.snapshotSession = snapshotSession;
        this.snapshotLoader = new IndexSnapshotLoader(
            shard, entryLog, ctx.indexLog(), topics, deduplication, epochClock.time(), ctx.errorHandler());
    }

    /**
     * @return a one-line summary of what was recovered and how long it took.
     */
    String recover()
    {
        final long startNs = System.nanoTime();
        final long scanFrom = snapshotLoader.load(snapshotSession);
        final long snapshotNs = System.nanoTime();
        entries = snapshotLoader.loadedEntries();
        // topics first: retention re-records a topic's definition after entries that precede it in the log
        readingDefinitions = true;
        entryLog.reader().scan(scanFrom, entryLog.recoveredPosition(), entryHandler);
        readingDefinitions = false;
        final long definitionsNs = System.nanoTime();
        applyRelocations(scanFrom);
        entryLog.reader().scan(scanFrom, entryLog.recoveredPosition(), entryHandler);
        final long start = entryLog.startPosition();
        for (final Topic topic : topics.topics())
        {
            entries -= topic.removeUnreadablePrefix(start);
            topic.durableEntries = topic.index.size();
        }
        final long entryLogNs = System.nanoTime();
        // the last closed checkpoint holds every cursor and namespace as of its start: what precedes it is superseded
        cursorLog.reader().scan(cursorLog.startPosition(), cursorLog.recoveredPosition(), checkpointEndHandler);
        final long cursorFrom = Math.max(cursorLog.startPosition(), lastCheckpointStart);
        cursorLog.reader().scan(cursorFrom, cursorLog.recoveredPosition(), cursorHandler);
        final long cursorLogNs = System.nanoTime();
        policies.refreshSummary();
        // moved copies of entries acknowledged and dropped before the restart are dropped again, as reclaim did
        final long now = epochClock.time();
        int subscriptionCount = 0;
        for (final Topic topic : topics.topics())
        {
            if (null != topic.relocations)
            {
                entries -= topic.removeReclaimedEntries(start, now);
            }
            subscriptionCount += topic.subscriptions.size();
        }
        final long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        final String note = snapshotLoader.note();

        return "shard " + shard + " recovered " + topics.size() + " topics in " + policies.size() +
            " namespaces, " + entries + " entries, " + subscriptionCount + " subscriptions, " + checkpointRecords +
            " checkpoint records and " + acks + " acks" +
            (cursorFrom > cursorLog.startPosition() ? " (the cursor log from its last checkpoint, " +
                (cursorFrom - cursorLog.startPosition()) + " bytes before it skipped)" : "") +
            (orphanedCursorRecords > 0 ? " (skipped " + orphanedCursorRecords +
                " cursor records superseded by a checkpoint or of topics a crash did not store)" : "") + " from " +
            (note.isEmpty() ? "" : note + " and ") + (entryLog.recoveredPosition() - scanFrom) + " log bytes in " +
            elapsedMs + " ms (snapshot " + (snapshotNs - startNs) / 1_000_000 + " ms, shard log " +
            (definitionsNs - snapshotNs) / 1_000_000 + " + " + (entryLogNs - definitionsNs) / 1_000_000 +
            " ms, cursor log " + (cursorLogNs - entryLogNs) / 1_000_000 + " ms)";
    }

    private void onEntryRecord(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        headerDecoder.wrap(buffer, offset);
        final int templateId = headerDecoder.templateId();
        final int schemaId = headerDecoder.schemaId();
        final int version = headerDecoder.version();
        if (EntryHeaderDecoder.SCHEMA_ID != schemaId || version > EntryHeaderDecoder.SCHEMA_VERSION)
        {
            throw new StorageException("shard " + shard + " log: unknown record version at position " + position +
                " (schema " + schemaId + " version " + version + "; this broker reads schema " +
                EntryHeaderDecoder.SCHEMA_ID + " up to version " + EntryHeaderDecoder.SCHEMA_VERSION + ")");
        }

        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        if (EntryHeaderDecoder.TEMPLATE_ID == templateId)
        {
            if (readingDefinitions)
            {
                return;
            }
            entryDecoder.wrap(buffer, bodyOffset, blockLength, version);
            final long topicId = entryDecoder.topicId();
            final long sequenceId = entryDecoder.sequenceId();
            final long publishTime = entryDecoder.publishTime();
            final long publisherId =
                version >= Deduplication.STORAGE_VERSION ? entryDecoder.producerId() : 0;
            final Topic topic = topics.byId(topicId);
            if (null == topic)
            {
                throw new StorageException("shard " + shard + " log: entry at position " + position +
                    " belongs to unknown topic id " + topicId);
            }
            Deduplication.onRecoveredEntry(topic, publisherId, sequenceId);
            topic.index.add(position, publishTime);
            topic.bytes += length;
            entries++;
        }
        else if (TopicCreatedDecoder.TEMPLATE_ID == templateId)
        {
            if (!readingDefinitions)
            {
                return;
            }
            topicCreatedDecoder.wrap(buffer, bodyOffset, blockLength, version);
            final long topicId = topicCreatedDecoder.topicId();
            topicCreatedDecoder.createTime();
            final long epoch = topicCreatedDecoder.topicEpoch(); // its null value (ignored) before storage version 4
            final Topic topic = topics.recovered(topicId, topicCreatedDecoder.topicName());
            topic.definitionPosition = position;
            ProducerAccess.onRecoveredEpoch(topic, epoch);
        }
        else if (PublisherRegisteredDecoder.TEMPLATE_ID == templateId)
        {
            if (!readingDefinitions)
            {
                final PublisherRegisteredDecoder decoder =
                    publisherRegisteredDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final Topic topic = topics.byId(decoder.topicId());
                final long publisherId = decoder.publisherId();
                final long sequenceId = decoder.sequenceId();
                final String name = decoder.producerName();
                if (null == topic)
                {
                    throw new StorageException("shard " + shard + " log: producer name at position " + position +
                        " belongs to unknown topic id " + decoder.topicId());
                }
                deduplication.onRecoveredPublisher(topic, publisherId, sequenceId, name, position, epochClock.time());
            }
        }
        else if (PublishersClearedDecoder.TEMPLATE_ID == templateId)
        {
            if (!readingDefinitions)
            {
                final Topic topic = topics.byId(
                    publishersClearedDecoder.wrap(buffer, bodyOffset, blockLength, version).topicId());
                if (null != topic)
                {
                    Deduplication.onRecoveredClear(topic);
                }
            }
        }
        else if (RelocatedEntryDecoder.TEMPLATE_ID == templateId)
        {
            if (readingDefinitions)
            {
                final RelocatedEntryDecoder decoder =
                    relocatedEntryDecoder.wrap(buffer, bodyOffset, blockLength, version);
                relocations.addLong(decoder.topicId());
                relocations.addLong(decoder.originalPosition());
                relocations.addLong(position);
                decoder.sequenceId();
                relocations.addLong(decoder.publishTime());
            }
        }
        else
        {
            throw new StorageException("shard " + shard + " log: unknown record template " + templateId +
                " at position " + position);
        }
    }

    /**
     * Entries that compaction moved: their message ids go back into their topics' indexes (in id order, ahead of
     * the entries scanned after them when their old segment is gone) and map to where they are now. A later copy
     * of the same entry wins.
     */
    private void applyRelocations(final long scanFrom)
    {
        final int count = relocations.size() / 4;
        if (0 == count)
        {
            return;
        }
        final Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) ->
        {
            final int byTopic = Long.compare(relocations.getLong(4 * a), relocations.getLong(4 * b));
            if (0 != byTopic)
            {
                return byTopic;
            }
            final int byId = Long.compare(relocations.getLong(4 * a + 1), relocations.getLong(4 * b + 1));
            return 0 != byId ? byId : Long.compare(relocations.getLong(4 * a + 2), relocations.getLong(4 * b + 2));
        });

        for (final int i : order)
        {
            final Topic topic = topics.byId(relocations.getLong(4 * i));
            if (null == topic)
            {
                continue;
            }
            final long messageId = relocations.getLong(4 * i + 1);
            final long location = relocations.getLong(4 * i + 2);
            final long publishTime = relocations.getLong(4 * i + 3);
            final TopicIndex index = topic.index;
            if (messageId < scanFrom && index.ordinalOf(messageId) < 0)
            {
                if (messageId <= Math.max(index.lastPosition(), index.lastRemovedPosition()))
                {
                    continue; // no longer needed when the snapshot was taken
                }
                index.add(messageId, publishTime);
                entries++;
            }
            topic.relocate(messageId, location);
        }
        relocations.clear();
    }

    private void onCheckpointEndRecord(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        headerDecoder.wrap(buffer, offset);
        if (CursorCheckpointEndDecoder.TEMPLATE_ID == headerDecoder.templateId() &&
            CursorCheckpointEndDecoder.SCHEMA_ID == headerDecoder.schemaId())
        {
            lastCheckpointStart = checkpointEndDecoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH,
                headerDecoder.blockLength(), headerDecoder.version()).checkpointStart();
        }
    }

    private void onCursorRecord(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        headerDecoder.wrap(buffer, offset);
        final int templateId = headerDecoder.templateId();
        final int schemaId = headerDecoder.schemaId();
        final int version = headerDecoder.version();
        if (CursorAckDecoder.SCHEMA_ID != schemaId || version > CursorAckDecoder.SCHEMA_VERSION)
        {
            throw new StorageException("shard " + shard + " cursor log: unknown record version at position " +
                position + " (schema " + schemaId + " version " + version + ")");
        }

        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        if (CursorAckDecoder.TEMPLATE_ID == templateId)
        {
            cursorAckDecoder.wrap(buffer, bodyOffset, blockLength, version);
            final Topic topic = topics.byId(cursorAckDecoder.topicId());
            final TopicSubscription subscription =
                null == topic ? null : topic.subscription(cursorAckDecoder.subscriptionId());
            if (null == subscription)
            {
                orphanedCursorRecords++;
                return;
            }
            subscription.cursor.ack(cursorAckDecoder.position());
            acks++;
        }
        else if (CursorAckRangeDecoder.TEMPLATE_ID == templateId)
        {
            cursorAckRangeDecoder.wrap(buffer, bodyOffset, blockLength, version);
            final Topic topic = topics.byId(cursorAckRangeDecoder.topicId());
            final TopicSubscription subscription =
                null == topic ? null : topic.subscription(cursorAckRangeDecoder.subscriptionId());
            if (null == subscription)
            {
                orphanedCursorRecords++;
                return;
            }
            subscription.cursor.ackRange(cursorAckRangeDecoder.firstPosition(), cursorAckRangeDecoder.lastPosition());
            acks++;
        }
        else if (SubscriptionStateDecoder.TEMPLATE_ID == templateId)
        {
            onSubscriptionState(buffer, bodyOffset, blockLength, version);
        }
        else if (NamespacePolicyStateDecoder.TEMPLATE_ID == templateId)
        {
            final NamespacePolicyStateDecoder decoder =
                namespacePolicyStateDecoder.wrap(buffer, bodyOffset, blockLength, version);
            final long[] explicit = policies.inheritedScratch();
            for (final NamespacePolicyStateDecoder.PoliciesDecoder policy : decoder.policies())
            {
                final short field = policy.field();
                final long value = policy.value();
                if (field >= 0 && field < NamespacePolicies.FIELD_COUNT)
                {
                    explicit[field] = value;
                }
            }
            policies.set(decoder.namespaceName(), explicit);
        }
        else if (CursorCheckpointEndDecoder.TEMPLATE_ID == templateId)
        {
            return; // found before the scan began
        }
        else if (SubscriptionDeletedDecoder.TEMPLATE_ID == templateId)
        {
            subscriptionDeletedDecoder.wrap(buffer, bodyOffset, blockLength, version);
            final Topic topic = topics.byId(subscriptionDeletedDecoder.topicId());
            final TopicSubscription subscription =
                null == topic ? null : topic.subscription(subscriptionDeletedDecoder.subscriptionId());
            if (null == subscription)
            {
                orphanedCursorRecords++;
                return;
            }
            topic.subscriptions.remove(subscription);
        }
        else if (SubscriptionCreatedDecoder.TEMPLATE_ID == templateId)
        {
            subscriptionCreatedDecoder.wrap(buffer, bodyOffset, blockLength, version);
            final long topicId = subscriptionCreatedDecoder.topicId();
            final long subscriptionId = subscriptionCreatedDecoder.subscriptionId();
            final long startPosition = subscriptionCreatedDecoder.startPosition();
            subscriptionCreatedDecoder.wrapSubscriptionName(names.view());
            final String name = names.name(names.view());
            final Topic topic = topics.byId(topicId);
            if (null == topic)
            {
                // the topic's definition (in the entry log, another recording) was not stored before a crash:
                // no entry of it was either, and its subscription goes with it
                orphanedCursorRecords++;
                return;
            }
            final long startOrdinal = startPosition < 0 ?
                topic.index.firstOrdinal() : topic.index.firstOrdinalAtOrAfter(startPosition);
            subscriptions.onRecovered(topic, subscriptionId, name, startOrdinal);
        }
        else
        {
            throw new StorageException("shard " + shard + " cursor log: unknown record template " + templateId +
                " at position " + position);
        }
    }

    private void onSubscriptionState(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        final SubscriptionStateDecoder decoder = subscriptionStateDecoder.wrap(buffer, offset, blockLength, version);
        final long topicId = decoder.topicId();
        final long subscriptionId = decoder.subscriptionId();
        final long markDeletePosition = decoder.markDeletePosition();
        final int part = decoder.part();
        ranges.clear();
        for (final SubscriptionStateDecoder.AckedRangesDecoder range : decoder.ackedRanges())
        {
            ranges.addLong(range.firstPosition());
            ranges.addLong(range.lastPosition());
        }
        final Topic topic = topics.byId(topicId);
        TopicSubscription subscription = null == topic ? null : topic.subscription(subscriptionId);
        if (null == subscription)
        {
            decoder.wrapSubscriptionName(names.view());
            final String name = names.name(names.view());
            if (null == topic)
            {
                orphanedCursorRecords++;
                return;
            }
            subscription = subscriptions.onRecovered(topic, subscriptionId, name, 0);
        }
        else
        {
            decoder.skipSubscriptionName(); // known: no string for each of a checkpoint's records
        }
        if (0 == part)
        {
            subscription.cursor.restore(markDeletePosition);
        }
        for (int i = 0, size = ranges.size(); i < size; i += 2)
        {
            subscription.cursor.ackRange(ranges.getLong(i), ranges.getLong(i + 1));
        }
        checkpointRecords++;
    }
}

package io.magnetar.broker.shard;

import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.codecs.storage.CursorCheckpointEndEncoder;
import io.magnetar.codecs.storage.CursorAckEncoder;
import io.magnetar.codecs.storage.CursorAckRangeEncoder;
import io.magnetar.codecs.storage.EntryHeaderDecoder;
import io.magnetar.codecs.storage.EntryHeaderEncoder;
import io.magnetar.codecs.storage.MessageHeaderEncoder;
import io.magnetar.codecs.storage.NamespacePolicyStateEncoder;
import io.magnetar.codecs.storage.PublisherRegisteredEncoder;
import io.magnetar.codecs.storage.PublishersClearedEncoder;
import io.magnetar.codecs.storage.RelocatedEntryDecoder;
import io.magnetar.codecs.storage.RelocatedEntryEncoder;
import io.magnetar.codecs.storage.SubscriptionCreatedEncoder;
import io.magnetar.codecs.storage.SubscriptionDeletedEncoder;
import io.magnetar.codecs.storage.SubscriptionStateEncoder;
import io.magnetar.codecs.storage.TopicCreatedEncoder;
import io.magnetar.storage.RecordedLog;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.EpochClock;

import java.nio.ByteOrder;

/**
 * The one door out to the shard's storage: encodes records and appends them to the entry log (entries, topic
 * definitions, producer names for deduplication, moved entries) or the cursor log (subscriptions, acks, checkpoints,
 * namespace policies). Every method returns the record's position, or a negative {@link io.aeron.Publication} result
 * the caller decides on.
 */
final class ShardLogWriter
{
    private static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;
    private static final int RELOCATED_ENTRY_SINCE_VERSION = 2;

    private final RecordedLog entryLog;
    private final RecordedLog cursorLog;
    private final EpochClock epochClock;
    private final ExpandableDirectByteBuffer appendBuffer = new ExpandableDirectByteBuffer(64 * 1024);
    private final ExpandableDirectByteBuffer cursorBuffer = new ExpandableDirectByteBuffer(1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final EntryHeaderEncoder entryEncoder = new EntryHeaderEncoder();
    private final TopicCreatedEncoder topicCreatedEncoder = new TopicCreatedEncoder();
    private final PublisherRegisteredEncoder publisherRegisteredEncoder = new PublisherRegisteredEncoder();
    private final PublishersClearedEncoder publishersClearedEncoder = new PublishersClearedEncoder();
    private final SubscriptionCreatedEncoder subscriptionCreatedEncoder = new SubscriptionCreatedEncoder();
    private final SubscriptionDeletedEncoder subscriptionDeletedEncoder = new SubscriptionDeletedEncoder();
    private final CursorAckEncoder cursorAckEncoder = new CursorAckEncoder();
    private final CursorAckRangeEncoder cursorAckRangeEncoder = new CursorAckRangeEncoder();
    private final SubscriptionStateEncoder subscriptionStateEncoder = new SubscriptionStateEncoder();
    private final NamespacePolicyStateEncoder namespacePolicyStateEncoder = new NamespacePolicyStateEncoder();
    private final CursorCheckpointEndEncoder checkpointEndEncoder = new CursorCheckpointEndEncoder();

    ShardLogWriter(final RecordedLog entryLog, final RecordedLog cursorLog, final EpochClock epochClock)
    {
        this.entryLog = entryLog;
        this.cursorLog = cursorLog;
        this.epochClock = epochClock;
    }

    /**
     * @return true if a record of the entry log holds an entry: as appended, or moved by compaction.
     */
    static boolean isEntryRecord(final int templateId)
    {
        return EntryHeaderDecoder.TEMPLATE_ID == templateId || RelocatedEntryDecoder.TEMPLATE_ID == templateId;
    }

    /**
     * @return the position after the last record appended to the entry log.
     */
    long entryAppendedPosition()
    {
        return entryLog.appendedPosition();
    }

    /**
     * @return the position after the last record appended to the cursor log.
     */
    long cursorAppendedPosition()
    {
        return cursorLog.appendedPosition();
    }

    /**
     * @return the entry's position, its message id; or a negative publication result.
     */
    long appendEntry(
        final Topic topic,
        final long sequenceId,
        final long publishTime,
        final long producerId,
        final DirectBuffer key,
        final DirectBuffer payload,
        final DirectBuffer metadata,
        final DirectBuffer producerName)
    {
        entryEncoder.wrapAndApplyHeader(appendBuffer, 0, headerEncoder)
            .topicId(topic.id)
            .sequenceId(sequenceId)
            .publishTime(publishTime)
            .producerId(producerId)
            .schemaVersion(0)
            .batchCount(1);
        entryEncoder.flags().clear();
        entryEncoder.putKey(key, 0, key.capacity());
        entryEncoder.putProperties(metadata, 0, metadata.capacity());
        entryEncoder.putPayload(payload, 0, payload.capacity());
        entryEncoder.putProducerName(producerName, 0, producerName.capacity());

        return entryLog.append(appendBuffer, 0, HEADER_LENGTH + entryEncoder.encodedLength());
    }

    /**
     * @return the length of the last record appended by {@link #appendEntry}.
     */
    int lastEntryLength()
    {
        return HEADER_LENGTH + entryEncoder.encodedLength();
    }

    /**
     * @return the position of the topic's definition record in the shard log, or a negative publication result.
     */
    long appendTopicDefinition(final long topicId, final String topicName, final long topicEpoch)
    {
        topicCreatedEncoder.wrapAndApplyHeader(appendBuffer, 0, headerEncoder)
            .topicId(topicId)
            .createTime(epochClock.time())
            .topicEpoch(topicEpoch)
            .topicName(topicName);

        return entryLog.append(appendBuffer, 0, HEADER_LENGTH + topicCreatedEncoder.encodedLength());
    }

    /**
     * @param topicId     of the topic.
     * @param publisherId the id the topic's entries of this producer name carry from now on.
     * @param sequenceId  the name's last sequence id stored: -1 for a new name.
     * @param name        the producer name.
     * @return the record's position in the shard log, or a negative publication result.
     */
    long appendPublisherRegistered(
        final long topicId, final long publisherId, final long sequenceId, final String name)
    {
        publisherRegisteredEncoder.wrapAndApplyHeader(appendBuffer, 0, headerEncoder)
            .topicId(topicId)
            .publisherId(publisherId)
            .sequenceId(sequenceId)
            .producerName(name);

        return entryLog.append(appendBuffer, 0, HEADER_LENGTH + publisherRegisteredEncoder.encodedLength());
    }

    /**
     * @param topicId of the topic whose producer names deduplication forgets (it was turned off).
     * @return the record's position in the shard log, or a negative publication result.
     */
    long appendPublishersCleared(final long topicId)
    {
        publishersClearedEncoder.wrapAndApplyHeader(appendBuffer, 0, headerEncoder).topicId(topicId);

        return entryLog.append(appendBuffer, 0, HEADER_LENGTH + publishersClearedEncoder.encodedLength());
    }

    /**
     * Copy a stored entry record into a {@code RelocatedEntry} record at the end of the log: the entry's fields and
     * data, naming its message id.
     *
     * @param buffer      holding the entry record (storage header included).
     * @param offset      of the record.
     * @param length      of the record.
     * @param blockLength of the entry record's fixed fields.
     * @param version     of the storage schema the entry was written with: the copy keeps it, so its data (which
     *                    fields it has) read as the entry's did.
     * @param messageId   of the entry.
     * @return the copy's position, or a negative publication result.
     */
    long appendRelocatedEntry(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int blockLength,
        final int version,
        final long messageId)
    {
        final int dataLength = length - HEADER_LENGTH - blockLength;
        headerEncoder.wrap(appendBuffer, 0)
            .blockLength(RelocatedEntryEncoder.BLOCK_LENGTH)
            .templateId(RelocatedEntryEncoder.TEMPLATE_ID)
            .schemaId(RelocatedEntryEncoder.SCHEMA_ID)
            .version(Math.max(RELOCATED_ENTRY_SINCE_VERSION, Math.min(version, RelocatedEntryEncoder.SCHEMA_VERSION)));
        appendBuffer.putBytes(HEADER_LENGTH, buffer, offset + HEADER_LENGTH, EntryHeaderDecoder.BLOCK_LENGTH);
        appendBuffer.putLong(
            HEADER_LENGTH + RelocatedEntryEncoder.originalPositionEncodingOffset(), messageId, ByteOrder.LITTLE_ENDIAN);
        final int dataOffset = HEADER_LENGTH + RelocatedEntryEncoder.BLOCK_LENGTH;
        appendBuffer.putBytes(dataOffset, buffer, offset + HEADER_LENGTH + blockLength, dataLength);

        return entryLog.append(appendBuffer, 0, HEADER_LENGTH + RelocatedEntryEncoder.BLOCK_LENGTH + dataLength);
    }

    /**
     * @param startPosition -1 for the topic's first entry, else the position the subscription starts at.
     * @return the record's position, or a negative publication result.
     */
    long appendSubscriptionCreated(
        final Topic topic, final long subscriptionId, final long startPosition, final String name)
    {
        subscriptionCreatedEncoder.wrapAndApplyHeader(cursorBuffer, 0, headerEncoder)
            .topicId(topic.id)
            .subscriptionId(subscriptionId)
            .startPosition(startPosition)
            .subscriptionName(name);

        return cursorLog.append(cursorBuffer, 0, HEADER_LENGTH + subscriptionCreatedEncoder.encodedLength());
    }

    /**
     * Record that a durable subscription was deleted.
     *
     * @return the record's position, or a negative publication result.
     */
    long appendSubscriptionDeleted(final TopicSubscription subscription)
    {
        subscriptionDeletedEncoder.wrapAndApplyHeader(cursorBuffer, 0, headerEncoder)
            .topicId(subscription.topic.id)
            .subscriptionId(subscription.id);

        return cursorLog.append(cursorBuffer, 0, HEADER_LENGTH + subscriptionDeletedEncoder.encodedLength());
    }

    /**
     * @return the record's position, or a negative publication result.
     */
    long appendCursorAck(final TopicSubscription subscription, final long position)
    {
        cursorAckEncoder.wrapAndApplyHeader(cursorBuffer, 0, headerEncoder)
            .topicId(subscription.topic.id)
            .subscriptionId(subscription.id)
            .position(position);

        return cursorLog.append(cursorBuffer, 0, HEADER_LENGTH + cursorAckEncoder.encodedLength());
    }

    /**
     * Record that every entry of the subscription's topic from one position to another (inclusive) was acknowledged.
     *
     * @return the record's position, or a negative publication result.
     */
    long appendCursorAckRange(final TopicSubscription subscription, final long firstPosition, final long lastPosition)
    {
        cursorAckRangeEncoder.wrapAndApplyHeader(cursorBuffer, 0, headerEncoder)
            .topicId(subscription.topic.id)
            .subscriptionId(subscription.id)
            .firstPosition(firstPosition)
            .lastPosition(lastPosition);

        return cursorLog.append(cursorBuffer, 0, HEADER_LENGTH + cursorAckRangeEncoder.encodedLength());
    }

    /**
     * Append one {@code SubscriptionState} record: part 0 replaces the subscription's state on recovery, later
     * parts add the cursor's acknowledged ranges {@code [first, first + count)}.
     *
     * @return the record's position, or a negative publication result.
     */
    long appendSubscriptionState(
        final TopicSubscription subscription,
        final long markDeletePosition,
        final int part,
        final int first,
        final int count)
    {
        subscriptionStateEncoder.wrapAndApplyHeader(cursorBuffer, 0, headerEncoder)
            .topicId(subscription.topic.id)
            .subscriptionId(subscription.id)
            .markDeletePosition(markDeletePosition)
            .part(part);
        final SubscriptionStateEncoder.AckedRangesEncoder rangesEncoder =
            subscriptionStateEncoder.ackedRangesCount(count);
        for (int i = first; i < first + count; i++)
        {
            rangesEncoder.next()
                .firstPosition(subscription.cursor.ackedRangeFirstPosition(i))
                .lastPosition(subscription.cursor.ackedRangeLastPosition(i));
        }
        subscriptionStateEncoder.subscriptionName(subscription.name);

        return cursorLog.append(cursorBuffer, 0, HEADER_LENGTH + subscriptionStateEncoder.encodedLength());
    }

    /**
     * Record a namespace's whole explicit policy state: the fields not at {@link NamespacePolicies#INHERIT}.
     *
     * @return the record's position, or a negative publication result.
     */
    long appendNamespacePolicyState(final String namespace, final long[] explicit)
    {
        namespacePolicyStateEncoder.wrapAndApplyHeader(cursorBuffer, 0, headerEncoder);
        int count = 0;
        for (final long value : explicit)
        {
            count += NamespacePolicies.INHERIT == value ? 0 : 1;
        }
        final NamespacePolicyStateEncoder.PoliciesEncoder policies = namespacePolicyStateEncoder.policiesCount(count);
        for (int i = 0; i < explicit.length; i++)
        {
            if (NamespacePolicies.INHERIT != explicit[i])
            {
                policies.next().field((short)i).value(explicit[i]);
            }
        }
        namespacePolicyStateEncoder.namespaceName(namespace);

        return cursorLog.append(cursorBuffer, 0, HEADER_LENGTH + namespacePolicyStateEncoder.encodedLength());
    }

    /**
     * Mark the end of a cursor checkpoint: recovery may start at its beginning.
     *
     * @param checkpointStart where the checkpoint began in the cursor log.
     * @return the new position of the cursor log, or a negative {@link io.aeron.Publication} result.
     */
    long appendCheckpointEnd(final long checkpointStart)
    {
        checkpointEndEncoder.wrapAndApplyHeader(cursorBuffer, 0, headerEncoder).checkpointStart(checkpointStart);

        return cursorLog.append(cursorBuffer, 0, HEADER_LENGTH + checkpointEndEncoder.encodedLength());
    }
}

package io.magnetar.broker.shard;

import io.magnetar.broker.BrokerCounters;
import io.magnetar.codecs.MessageEncoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.MessagesEncoder;
import io.magnetar.codecs.SubscriptionType;
import io.magnetar.codecs.storage.EntryHeaderDecoder;
import io.magnetar.codecs.storage.MessageHeaderDecoder;
import io.magnetar.storage.EntryHandler;
import io.magnetar.storage.LogReader;
import io.magnetar.storage.StorageException;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;

/**
 * Encodes {@code Message} frames for consumers: a stored entry read from the shard log at its location, or a
 * non-persistent message straight from the send. Stored entries for a session of protocol 7 or later are gathered
 * into one {@code Messages} frame of up to a datagram, sent when the next entry is for another session or would not
 * fit, and at the end of each dispatch; what its session cannot take yet waits, in order, with the session's other
 * answers, and no more is delivered to that session until it has gone. Allocates nothing.
 */
final class MessagePublisher implements EntryDelivery
{
    private static final int FRAME_LENGTH_PREFIX = 4;
    private static final int FRAMES_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH + MessagesEncoder.BLOCK_LENGTH +
        MessagesEncoder.framesHeaderLength();

    private final int shard;
    private final LogReader entryReader;
    private final BrokerCounters.Shard counters;
    private final ErrorHandler errorHandler;
    private final ClientProxy proxy;
    private final EpochClock epochClock;
    private final NanoClock nanoClock;
    private final ExpandableDirectByteBuffer messageBuffer = new ExpandableDirectByteBuffer(64 * 1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageEncoder messageEncoder = new MessageEncoder();
    private final MessagesEncoder messagesEncoder = new MessagesEncoder();
    private final MessageHeaderDecoder storageHeaderDecoder = new MessageHeaderDecoder();
    private final EntryHeaderDecoder entryDecoder = new EntryHeaderDecoder();
    private final EntryMetadataReader metadataDecoder = new EntryMetadataReader();
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer payloadView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer metadataView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer producerNameView = new UnsafeBuffer(0, 0);
    private final EntryHandler entryHandler = this::onEntry;
    private final ExpandableDirectByteBuffer gathered = new ExpandableDirectByteBuffer(64 * 1024);
    private ShardSession gatheredSession;
    private int gatheredLength = FRAMES_OFFSET;
    private int gatheredCount;
    private int gatheredLimit;
    private ShardConsumer deliveringTo;
    private long deliveringId;
    private int deliveringRedeliveryCount;
    private int result;
    private long delayedUntilNs;

    MessagePublisher(
        final int shard,
        final LogReader entryReader,
        final BrokerCounters.Shard counters,
        final ErrorHandler errorHandler,
        final ClientProxy proxy,
        final EpochClock epochClock,
        final NanoClock nanoClock)
    {
        this.epochClock = epochClock;
        this.nanoClock = nanoClock;
        this.shard = shard;
        this.entryReader = entryReader;
        this.counters = counters;
        this.errorHandler = errorHandler;
        this.proxy = proxy;
    }

    /**
     * {@inheritDoc}
     */
    public int deliver(
        final ShardConsumer consumer,
        final Topic topic,
        final long messageId,
        final long durablePosition,
        final int redeliveryCount)
    {
        if (consumer.session.hasDeferred())
        {
            return ClientProxy.OFFER_RETRY; // the session does not keep up: nothing more until what waits has gone
        }

        deliveringTo = consumer;
        deliveringId = messageId;
        deliveringRedeliveryCount = redeliveryCount;
        result = ClientProxy.OFFER_RETRY;
        try
        {
            entryReader.read(topic.location(messageId), durablePosition, entryHandler);
        }
        catch (final RuntimeException ex)
        {
            // reported, and this consumer waits for its next Flow rather than failing every duty cycle
            errorHandler.onError(ex);
            result = ClientProxy.OFFER_RETRY;
            consumer.permits = 0;
        }
        finally
        {
            deliveringTo = null;
        }

        return result;
    }

    /**
     * {@inheritDoc}
     */
    public long delayedUntilNs()
    {
        return delayedUntilNs;
    }

    /**
     * Deliver a non-persistent message to each subscription of the topic whose receiving consumer has a permit (the
     * active one, or the next in a shared subscription's round); those without one miss it, as in Pulsar.
     */
    void publishNonPersistent(
        final Topic topic,
        final long sequenceId,
        final long publishTime,
        final DirectBuffer key,
        final DirectBuffer payload,
        final DirectBuffer metadata,
        final DirectBuffer producerName)
    {
        int encodedLength = -1;
        final ArrayList<TopicSubscription> subscriptions = topic.subscriptions;
        for (int i = 0, size = subscriptions.size(); i < size; i++)
        {
            final ShardConsumer consumer = subscriptions.get(i).nextLiveConsumer(key);
            if (null == consumer)
            {
                continue;
            }

            if (encodedLength < 0)
            {
                messageEncoder.wrapAndApplyHeader(messageBuffer, 0, headerEncoder)
                    .consumerId(consumer.consumerId);
                messageEncoder.messageId().shard(-1).position(topic.nonPersistentSequence);
                messageEncoder.publishTime(publishTime).sequenceId(sequenceId).redeliveryCount(0);
                messageEncoder.putKey(key, 0, key.capacity());
                messageEncoder.putPayload(payload, 0, payload.capacity());
                messageEncoder.putMetadata(metadata, 0, metadata.capacity());
                messageEncoder.putProducerName(producerName, 0, producerName.capacity());
                encodedLength = MessageHeaderEncoder.ENCODED_LENGTH + messageEncoder.encodedLength();
            }
            else
            {
                messageBuffer.putLong(
                    MessageHeaderEncoder.ENCODED_LENGTH + MessageEncoder.consumerIdEncodingOffset(),
                    consumer.consumerId,
                    ByteOrder.LITTLE_ENDIAN);
            }

            if (ClientProxy.OFFER_OK == ClientProxy.offer(consumer.session, messageBuffer, encodedLength))
            {
                consumer.permits--;
                counters.messagesOut.incrementRelease();
                countOut(consumer, payload.capacity());
            }
        }
    }

    private void onEntry(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        storageHeaderDecoder.wrap(buffer, offset);
        final int templateId = storageHeaderDecoder.templateId();
        final int schemaId = storageHeaderDecoder.schemaId();
        if (!ShardLogWriter.isEntryRecord(templateId) || EntryHeaderDecoder.SCHEMA_ID != schemaId)
        {
            throw new StorageException("shard " + shard + ": record at position " + position +
                " is not an entry (template " + templateId + ", schema " + schemaId + ")");
        }

        entryDecoder.wrap(
            buffer,
            offset + MessageHeaderDecoder.ENCODED_LENGTH,
            storageHeaderDecoder.blockLength(),
            storageHeaderDecoder.version());

        final ShardConsumer consumer = deliveringTo;
        messageEncoder.wrapAndApplyHeader(messageBuffer, 0, headerEncoder)
            .consumerId(consumer.consumerId);
        messageEncoder.messageId().shard(shard).position(deliveringId);
        messageEncoder
            .publishTime(entryDecoder.publishTime())
            .sequenceId(entryDecoder.sequenceId())
            .redeliveryCount(deliveringRedeliveryCount);
        entryDecoder.wrapKey(keyView);
        entryDecoder.wrapProperties(metadataView);
        final SubscriptionType type = consumer.subscription.type;
        if (SubscriptionType.SHARED == type || SubscriptionType.KEY_SHARED == type)
        {
            final long deliverAtMs = metadataDecoder.deliverAtTime(metadataView);
            final long nowMs = 0 == deliverAtMs ? 0 : epochClock.time(); // the clock only for delayed entries
            if (deliverAtMs > nowMs)
            {
                delayedUntilNs = nanoClock.nanoTime() + (deliverAtMs - nowMs) * 1_000_000L;
                result = ClientProxy.OFFER_DELAYED;
                return;
            }
        }
        messageEncoder.putKey(keyView, 0, keyView.capacity());
        entryDecoder.wrapPayload(payloadView);
        entryDecoder.wrapProducerName(producerNameView); // empty in entries stored before storage version 4
        messageEncoder.putPayload(payloadView, 0, payloadView.capacity());
        messageEncoder.putMetadata(metadataView, 0, metadataView.capacity());
        messageEncoder.putProducerName(producerNameView, 0, producerNameView.capacity());

        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + messageEncoder.encodedLength();
        final ShardSession session = consumer.session;
        if (!session.egress.takesGatheredFrames())
        {
            result = ClientProxy.offer(session, messageBuffer, messageLength);
        }
        else
        {
            result = gather(session, messageLength);
        }
        if (ClientProxy.OFFER_OK == result)
        {
            counters.messagesOut.incrementRelease();
            countOut(consumer, payloadView.capacity());
        }
    }

    private static void countOut(final ShardConsumer consumer, final int payloadLength)
    {
        consumer.msgOutCounter++;
        consumer.bytesOutCounter += payloadLength;
        final TopicSubscription subscription = consumer.subscription;
        subscription.msgOutCounter++;
        subscription.bytesOutCounter += payloadLength;
        final Topic topic = subscription.topic;
        topic.msgOutCounter++;
        topic.bytesOutCounter += payloadLength;
    }

    /**
     * Send the messages gathered for a session: a {@code Messages} frame, or the {@code Message} itself when there
     * is one. Once gathered they count as delivered, so what the session cannot take waits with its other answers.
     */
    void sendGathered()
    {
        final int count = gatheredCount;
        if (0 == count)
        {
            return;
        }

        final int length = gatheredLength;
        gatheredCount = 0;
        gatheredLength = FRAMES_OFFSET;
        if (1 == count)
        {
            proxy.reply(gatheredSession, gathered, FRAMES_OFFSET + FRAME_LENGTH_PREFIX,
                length - FRAMES_OFFSET - FRAME_LENGTH_PREFIX);
            return;
        }

        messagesEncoder.wrapAndApplyHeader(gathered, 0, headerEncoder);
        gathered.putInt(FRAMES_OFFSET - MessagesEncoder.framesHeaderLength(), length - FRAMES_OFFSET,
            ByteOrder.LITTLE_ENDIAN);
        proxy.reply(gatheredSession, gathered, 0, length);
    }

    private int gather(final ShardSession session, final int length)
    {
        if (session != gatheredSession || gatheredLength + FRAME_LENGTH_PREFIX + length > gatheredLimit)
        {
            sendGathered();
            if (session.hasDeferred())
            {
                return ClientProxy.OFFER_RETRY;
            }
            if (session != gatheredSession)
            {
                gatheredSession = session;
            }
            gatheredLimit = session.egress.publication.maxPayloadLength();
        }
        if (gatheredLength + FRAME_LENGTH_PREFIX + length > gatheredLimit)
        {
            // longer than a datagram: on its own, as before
            return ClientProxy.offer(session, messageBuffer, length);
        }

        gathered.putInt(gatheredLength, length, ByteOrder.LITTLE_ENDIAN);
        gathered.putBytes(gatheredLength + FRAME_LENGTH_PREFIX, messageBuffer, 0, length);
        gatheredLength += FRAME_LENGTH_PREFIX + length;
        gatheredCount++;

        return ClientProxy.OFFER_OK;
    }
}

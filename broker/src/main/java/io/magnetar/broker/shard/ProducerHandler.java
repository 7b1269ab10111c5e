package io.magnetar.broker.shard;

import io.aeron.Publication;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.ProducerAccessMode;
import io.magnetar.codecs.SendDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Producers on one shard: create and close them, and take their sends. A persistent send is appended to the shard
 * log and its receipt queued until the entry is stored; a non-persistent one goes straight to connected consumers.
 * Backlog quotas are checked first and may hold or refuse the send; with deduplication on, {@link Deduplication}
 * answers a send it has stored before.
 */
final class ProducerHandler implements BacklogQuotaEnforcer.HeldSendHandler, ProducerAccess.Fencer
{
    private final int shard;
    private final String brokerName;
    private final int maxMessageSize;
    private final TopicRegistry topics;
    private final ShardLogWriter writer;
    private final ReceiptTracker receipts;
    private final BacklogQuotaEnforcer quota;
    private final MessagePublisher publisher;
    private final ClientProxy proxy;
    private final AtomicCounter messagesIn;
    private final StorageGate storageGate;
    private final Deduplication deduplication;
    private final ProducerAccess access;
    private final EpochClock epochClock;
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer payloadView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer metadataView = new UnsafeBuffer(0, 0);
    private long nextProducerNameId = 1;

    private final SubscriptionAcks acks;

    ProducerHandler(
        final ShardContext ctx,
        final TopicRegistry topics,
        final ShardLogWriter writer,
        final ReceiptTracker receipts,
        final BacklogQuotaEnforcer quota,
        final MessagePublisher publisher,
        final ClientProxy proxy,
        final Deduplication deduplication,
        final ProducerAccess access,
        final SubscriptionAcks acks)
    {
        this.acks = acks;
        this.deduplication = deduplication;
        this.access = access;
        access.fencer(this);
        this.epochClock = ctx.epochClock();
        this.shard = ctx.shard();
        this.brokerName = ctx.brokerName();
        this.maxMessageSize = ctx.maxMessageSize();
        this.messagesIn = ctx.counters().messagesIn;
        this.storageGate = ctx.storageGate();
        this.topics = topics;
        this.writer = writer;
        this.receipts = receipts;
        this.quota = quota;
        this.publisher = publisher;
        this.proxy = proxy;
        quota.sendHandler(this);
    }

    /**
     * @param accessMode     how the producer shares the topic; {@code NULL_VAL} (a client before v5) is shared.
     * @param requestedEpoch the topic epoch a restored exclusive producer held, or a negative value.
     * @return false if a record could not be appended yet and the request must be retried.
     */
    boolean onCreateProducer(
        final ShardSession session,
        final long correlationId,
        final long producerId,
        final String topicText,
        final String requestedName,
        final ProducerAccessMode accessMode,
        final long requestedEpoch)
    {
        if (session.producers.containsKey(producerId))
        {
            proxy.error(session, correlationId, ErrorCode.PRODUCER_BUSY, "producer id " + producerId + " is in use");
            return true;
        }

        final Topic topic = topics.topic(TopicName.parse(topicText));
        if (null == topic)
        {
            return false;
        }

        String producerName = requestedName;
        while (producerName.isEmpty() ||
            (requestedName.isEmpty() && (Deduplication.knows(topic, producerName) || topic.hasProducer(producerName))))
        {
            producerName = brokerName + "-" + shard + "-" + nextProducerNameId++;
        }

        return create(session, correlationId, producerId, topic, producerName,
            ProducerAccessMode.NULL_VAL == accessMode ? ProducerAccessMode.SHARED : accessMode, requestedEpoch);
    }

    /**
     * Give waiting {@code WAIT_FOR_EXCLUSIVE} creates the topics that have no producer left.
     *
     * @return creates granted or dropped.
     */
    int doWork()
    {
        int workCount = 0;
        Topic topic;
        while (null != (topic = access.peekGrantable()))
        {
            final TopicAccess topicAccess = topic.access;
            if (topic.producerCount() > 0 || !topicAccess.hasWaiting())
            {
                access.pollGrantable();
                continue;
            }
            final TopicAccess.WaitingCreate waiting = topicAccess.waiting.peekFirst();
            if (!waiting.session.isClosed() && !create(waiting.session, waiting.correlationId, waiting.producerId,
                topic, waiting.producerName, ProducerAccessMode.WAIT_FOR_EXCLUSIVE, -1))
            {
                return workCount; // back pressure: again next duty cycle
            }
            topicAccess.waiting.pollFirst();
            if (null != waiting.session.waitingCreates)
            {
                waiting.session.waitingCreates.remove(waiting.producerId);
            }
            workCount++;
        }

        return workCount;
    }

    /**
     * {@inheritDoc}
     */
    public void fence(final ShardProducer producer)
    {
        producer.session.producers.remove(producer.producerId);
        producer.session.onFenced(producer.producerId, producer.topic);
        detach(producer, epochClock.time());
        receipts.onProducerFenced(producer.session, producer.topic, producer.producerId, "producer '" +
            producer.name + "' was fenced off topic " + producer.topic.name + " by an exclusive producer (epoch " +
            ProducerAccess.epoch(producer.topic) + ")");
    }

    private boolean create(
        final ShardSession session,
        final long correlationId,
        final long producerId,
        final Topic topic,
        final String producerName,
        final ProducerAccessMode accessMode,
        final long requestedEpoch)
    {
        // exclusive access modes decide for themselves: fencing replaces the producers, waiting queues
        final long maxProducers = topic.policies.maxProducersPerTopic();
        if (maxProducers > 0 && topic.producerCount() >= maxProducers &&
            (ProducerAccessMode.SHARED == accessMode || ProducerAccessMode.EXCLUSIVE == accessMode))
        {
            proxy.error(session, correlationId, ErrorCode.PRODUCER_BUSY, "topic " + topic.name +
                " reached its max producers limit of " + maxProducers + " (namespace policy maxProducersPerTopic)");
            return true;
        }
        if (topic.hasProducer(producerName))
        {
            // one producer per name and topic, as in Pulsar: deduplication and access modes rely on it
            proxy.error(session, correlationId, ErrorCode.PRODUCER_BUSY, "producer with name '" + producerName +
                "' is already connected to topic " + topic.name);
            return true;
        }

        final int granted =
            access.onCreate(session, correlationId, producerId, producerName, topic, accessMode, requestedEpoch);
        if (ProducerAccess.RETRY == granted)
        {
            return false;
        }
        if (ProducerAccess.GRANTED != granted)
        {
            return true; // refused (answered), or waiting for exclusive access
        }

        final ShardProducer producer = new ShardProducer(session, producerId, producerName, topic);
        final long lastSequenceId = deduplication.onProducerCreated(producer, epochClock.time());
        if (Deduplication.CREATE_RETRY == lastSequenceId)
        {
            return false;
        }
        if (Deduplication.CREATE_FAILED == lastSequenceId)
        {
            proxy.error(session, correlationId, ErrorCode.PERSISTENCE_ERROR, deduplication.lastFailure());
            return true;
        }
        session.producers.put(producerId, producer);
        topic.addProducer(producer);
        ProducerAccess.onCreated(producer, accessMode);
        final int length = proxy.encodeProducerReady(
            correlationId, producerId, producerName, lastSequenceId, access.grantedEpoch());
        final long answerAfter = Math.max(deduplication.answerAfterPosition(), access.answerAfterPosition());
        if (Long.MIN_VALUE == answerAfter)
        {
            proxy.reply(session, proxy.replyBuffer(), length);
        }
        else
        {
            // what the answer says (a last sequence id, an epoch) holds only once the records it rests on are stored
            receipts.onEntryRecorded(session, proxy.replyBuffer(), length, answerAfter, topic);
        }

        return true;
    }

    private void detach(final ShardProducer producer, final long nowMs)
    {
        producer.topic.removeProducer(producer);
        deduplication.onProducerClosed(producer, nowMs);
        access.onProducerRemoved(producer);
    }

    void onCloseProducer(final ShardSession session, final long correlationId, final long producerId)
    {
        final ShardProducer producer = session.producers.remove(producerId);
        if (null == producer)
        {
            if (session.isFenced(producerId))
            {
                session.fencedProducers.remove(producerId);
                proxy.success(session, correlationId); // fenced off already: closed
                return;
            }
            if (access.cancelWaiting(session, producerId))
            {
                proxy.success(session, correlationId); // a create waiting for exclusive access, given up
                return;
            }
            proxy.error(session, correlationId, ErrorCode.PRODUCER_NOT_FOUND,
                "producer " + producerId + " is not open on this session");
            return;
        }

        detach(producer, epochClock.time());
        proxy.success(session, correlationId);
    }

    /**
     * A send the session agent refused (too large): answered in order with a send error.
     */
    void onSendRejected(
        final ShardSession session,
        final long producerId,
        final long sequenceId,
        final ErrorCode code,
        final String message)
    {
        final ShardProducer producer = session.producers.get(producerId);
        quota.answerSendError(session, null == producer ? null : producer.topic, producerId, sequenceId, code, message);
    }

    /**
     * Append a message, or hold it while its topic's backlog quota is exceeded under producer_request_hold.
     *
     * @param frame       the whole Send frame, kept if the message is held.
     * @param frameLength of the frame.
     * @return false if the shard log is back-pressured and the send must be retried.
     */
    boolean onSend(
        final ShardSession session, final SendDecoder decoder, final DirectBuffer frame, final int frameLength)
    {
        return send(session, decoder, frame, frameLength, false);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onReleasedSend(
        final ShardSession session, final SendDecoder decoder, final DirectBuffer frame, final int frameLength)
    {
        return send(session, decoder, frame, frameLength, true);
    }

    void onSessionClosed(final ShardSession session)
    {
        final long nowMs = epochClock.time();
        for (final ShardProducer producer : session.producers.values())
        {
            detach(producer, nowMs);
        }
        access.onSessionClosed(session);
        session.producers.clear();
    }

    private boolean send(
        final ShardSession session,
        final SendDecoder decoder,
        final DirectBuffer frame,
        final int frameLength,
        final boolean released)
    {
        final long sequenceId = decoder.correlationId();
        final long producerId = decoder.producerId();
        final long publishTime = decoder.publishTime();
        final ShardProducer producer = session.producers.get(producerId);
        if (null == producer)
        {
            if (session.isFenced(producerId))
            {
                receipts.onSendError(session, session.fencedProducers.get(producerId), producerId, sequenceId,
                    ErrorCode.PRODUCER_FENCED, "producer " + producerId + " was fenced off by an exclusive producer");
                return true;
            }
            receipts.onSendError(session, producerId, sequenceId, ErrorCode.PRODUCER_NOT_FOUND,
                "producer " + producerId + " is not open on this session");
            return true;
        }

        final Topic topic = producer.topic;
        if (!released && BacklogQuotaEnforcer.isHolding(topic))
        {
            // earlier messages of the topic are held: this one, and its answer, come after them
            quota.hold(session, topic, producerId, sequenceId, frame, frameLength);
            return true;
        }

        decoder.wrapKey(keyView);
        decoder.wrapPayload(payloadView);
        decoder.wrapMetadata(metadataView); // empty from a client before protocol version 5
        if (payloadView.capacity() > maxMessageSize)
        {
            receipts.onSendError(session, producerId, sequenceId, ErrorCode.MESSAGE_TOO_LARGE,
                "payload of " + payloadView.capacity() + " bytes exceeds the maximum of " + maxMessageSize);
            return true;
        }

        if (!topic.persistent)
        {
            publisher.publishNonPersistent(
                topic, sequenceId, publishTime, keyView, payloadView, metadataView, producer.nameBytes);
            receipts.onDelivered(session, topic, producerId, sequenceId, topic.nonPersistentSequence++);
            messagesIn.incrementRelease();
            countIn(producer, payloadView.capacity());
            return true;
        }

        if (!storageGate.isOpen())
        {
            // the disk is (nearly) full or the archive has stopped: refused before anything is written
            receipts.onSendError(session, producerId, sequenceId, ErrorCode.PERSISTENCE_ERROR, storageGate.refusal());
            return true;
        }

        if (!released && topic.quotaExceededBytes() >= 0 && !acks.recordAcks())
        {
            return false; // acks that wait in a run may bring the backlog under its quota: recorded first
        }

        // a duplicate is answered as stored, whatever the backlog quota says
        final int verdict = deduplication.onSend(session, producer, sequenceId);
        if (Deduplication.ACCEPT != verdict)
        {
            return Deduplication.RETRY != verdict;
        }

        if (!released)
        {
            final long backlogBytes = topic.quotaExceededBytes();
            if (backlogBytes >= 0)
            {
                if (topic.policies.holdsProducers())
                {
                    quota.hold(session, topic, producerId, sequenceId, frame, frameLength);
                }
                else
                {
                    receipts.onSendError(session, producerId, sequenceId, ErrorCode.PRODUCER_BLOCKED_QUOTA_EXCEEDED,
                        BacklogQuotaEnforcer.quotaExceededMessage(topic, backlogBytes));
                }
                return true;
            }
        }

        final Publisher publisher = Deduplication.publisher(producer); // null: not deduplicated, stored under id 0
        final long position = writer.appendEntry(topic, sequenceId, publishTime, null == publisher ? 0 : publisher.id,
            keyView, payloadView, metadataView, producer.nameBytes);
        if (position < 0)
        {
            if (Publication.BACK_PRESSURED == position || Publication.ADMIN_ACTION == position)
            {
                return false;
            }
            receipts.onSendError(session, producerId, sequenceId, ErrorCode.PERSISTENCE_ERROR,
                "shard " + shard + " log is not writable: " + Publication.errorString(position));
            return true;
        }

        topic.index.add(position, publishTime);
        topic.bytes += writer.lastEntryLength();
        final long endPosition = writer.entryAppendedPosition();
        deduplication.onAppended(publisher, sequenceId, endPosition);
        receipts.onEntryAppended(session, topic, producerId, sequenceId, position, endPosition, publisher);
        messagesIn.incrementRelease();
        countIn(producer, payloadView.capacity());

        return true;
    }

    private static void countIn(final ShardProducer producer, final int payloadLength)
    {
        producer.msgInCounter++;
        producer.bytesInCounter += payloadLength;
        final Topic topic = producer.topic;
        topic.msgInCounter++;
        topic.bytesInCounter += payloadLength;
    }
}

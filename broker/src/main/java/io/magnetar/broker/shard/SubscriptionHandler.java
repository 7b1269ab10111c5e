package io.magnetar.broker.shard;

import io.aeron.Publication;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.InitialPosition;
import io.magnetar.codecs.KeySharedMode;
import io.magnetar.codecs.SubscriptionType;
import io.magnetar.storage.RecordedLog;
import io.magnetar.storage.StorageException;
import org.agrona.ErrorHandler;

/**
 * Subscriptions and their consumers on one shard: subscribe, flow, acknowledge, close; and the dispatch of
 * stored entries to the subscriptions that have a consumer, through each subscription type's {@link Dispatcher}.
 * An ack is recorded in the cursor log first and applied once recorded.
 */
final class SubscriptionHandler implements SubscriptionAcks
{
    private final int shard;
    private final RecordedLog entryLog;
    private final TopicRegistry topics;
    private final ShardLogWriter writer;
    private final ClientProxy proxy;
    private final ConsumerAttachments attachments;
    private final PublishTimeReader publishTimes;
    private final ErrorHandler errorHandler;
    private ReceiptTracker receipts;
    private final ReadySubscriptions ready;
    private final TopicDeadlines deadlines;
    private final CursorAckRun ackRun;
    private final CursorCommands cursors;
    private long nextSubscriptionId = 1;
    private long nextConsumerKey = 1;

    SubscriptionHandler(
        final int shard,
        final RecordedLog entryLog,
        final TopicRegistry topics,
        final ShardLogWriter writer,
        final ClientProxy proxy,
        final EntryDelivery delivery,
        final KeySharedDispatcher keySharedDispatcher,
        final ReadySubscriptions ready,
        final TopicDeadlines deadlines,
        final PublishTimeReader publishTimes,
        final ErrorHandler errorHandler)
    {
        this.ready = ready;
        this.deadlines = deadlines;
        this.shard = shard;
        this.entryLog = entryLog;
        this.topics = topics;
        this.writer = writer;
        this.proxy = proxy;
        this.attachments = new ConsumerAttachments(proxy, ready, new ExclusiveDispatcher(delivery),
            new SharedDispatcher(delivery), keySharedDispatcher, keySharedDispatcher.clock());
        this.publishTimes = publishTimes;
        this.errorHandler = errorHandler;
        this.ackRun = new CursorAckRun(shard, writer, errorHandler);
        this.cursors = new CursorCommands(shard, topics, writer, proxy, attachments, ready, deadlines, publishTimes,
            entryLog, errorHandler, this::openConsumer);
    }

    /**
     * @return the room for reset cursor, unsubscribe and delete subscription.
     */
    CursorCommands cursors()
    {
        return cursors;
    }

    /**
     * @param receipts keeps ack receipts until the cursor log is stored.
     */
    void receipts(final ReceiptTracker receipts)
    {
        this.receipts = receipts;
        cursors.receipts(receipts);
    }

    /**
     * @return false if a log is back-pressured and the request must be retried.
     */
    boolean onSubscribe(
        final ShardSession session,
        final long correlationId,
        final long consumerId,
        final SubscriptionType type,
        final InitialPosition initialPosition,
        final int priorityLevel,
        final String topicText,
        final String subscriptionName,
        final String consumerName,
        final Start start)
    {
        if (SubscriptionType.KEY_SHARED == type && KeySharedMode.STICKY == start.keySharedMode)
        {
            final String invalid = HashRangeSelector.invalidRanges(start.hashRanges);
            if (null != invalid)
            {
                proxy.error(session, correlationId, ErrorCode.INVALID_ARGUMENT, invalid);
                return true;
            }
        }
        if (SubscriptionType.NULL_VAL == type)
        {
            proxy.error(session, correlationId, ErrorCode.INVALID_ARGUMENT, "unknown subscription type");
            return true;
        }
        if (InitialPosition.NULL_VAL == initialPosition)
        {
            proxy.error(session, correlationId, ErrorCode.INVALID_ARGUMENT, "unknown initial position");
            return true;
        }
        if (subscriptionName.isEmpty())
        {
            proxy.error(session, correlationId, ErrorCode.INVALID_ARGUMENT, "subscription name is empty");
            return true;
        }
        if (session.consumers.containsKey(consumerId))
        {
            proxy.error(session, correlationId, ErrorCode.CONSUMER_BUSY, "consumer id " + consumerId + " is in use");
            return true;
        }

        final Topic topic = topics.topic(TopicName.parse(topicText));
        if (null == topic)
        {
            return false;
        }

        TopicSubscription subscription = topic.subscription(subscriptionName);
        String refusal = null == subscription ? null : ConsumerAttachments.refusal(subscription, type);
        if (null == refusal)
        {
            refusal = ConsumerAttachments.limitRefusal(topic, subscription);
        }
        if (null == refusal && null != subscription && subscription.durable != start.durable)
        {
            refusal = "subscription '" + subscriptionName + "' on " + topic.name + " is " +
                (subscription.durable ? "durable" : "a reader's (non-durable)") + "; use another name";
        }
        if (null != refusal)
        {
            proxy.error(session, correlationId, ErrorCode.CONSUMER_BUSY, refusal);
            return true;
        }
        if (SubscriptionType.KEY_SHARED == type && null != subscription)
        {
            refusal = ConsumerAttachments.keySharedRefusal(subscription, start.keySharedMode, start.hashRanges);
            if (null != refusal)
            {
                proxy.error(session, correlationId, ErrorCode.CONSUMER_ASSIGN_ERROR, refusal);
                return true;
            }
        }

        if (null == subscription)
        {
            subscription = createSubscription(topic, subscriptionName, initialPosition, start);
            if (null == subscription)
            {
                return false;
            }
        }

        final ShardConsumer consumer = new ShardConsumer(nextConsumerKey++, consumerId, subscription, session,
            consumerName, ShardConsumer.priorityLevelOrDefault(priorityLevel));
        consumer.keySharedMode = start.keySharedMode;
        consumer.hashRanges = KeySharedMode.STICKY == start.keySharedMode ? start.hashRanges : null;
        attachments.attach(consumer, type);
        session.consumers.put(consumerId, consumer);
        proxy.subscribed(session, correlationId, consumerId);
        attachments.announce(consumer);

        return true;
    }

    void onFlow(final ShardSession session, final long correlationId, final long consumerId, final int permits)
    {
        final ShardConsumer consumer = session.consumers.get(consumerId);
        if (null == consumer)
        {
            proxy.error(session, correlationId, ErrorCode.CONSUMER_NOT_FOUND,
                "consumer " + consumerId + " is not open on this session");
        }
        else if (consumer.unsubscribed)
        {
            // a client of protocol 9 was told with CloseConsumer; an older one learns it here
            proxy.error(session, correlationId, ErrorCode.CONSUMER_NOT_FOUND, "consumer " + consumerId +
                ": its subscription '" + consumer.subscription.name + "' was deleted");
        }
        else if (permits <= 0)
        {
            proxy.error(session, correlationId, ErrorCode.INVALID_ARGUMENT, "permits must be positive: " + permits);
        }
        else
        {
            consumer.permits = Math.min(Integer.MAX_VALUE, consumer.permits + permits);
            ready.markReady(consumer.subscription);
        }
    }

    /**
     * @param withReceipt true to answer {@code Success} once the ack is stored.
     * @return false if the ack must be retried because the cursor log is back-pressured.
     */
    boolean onAck(
        final ShardSession session,
        final long correlationId,
        final long consumerId,
        final int ackShard,
        final long position,
        final boolean withReceipt)
    {
        final ShardConsumer consumer = openConsumer(session, correlationId, consumerId);
        if (null == consumer)
        {
            return true;
        }

        final TopicSubscription subscription = consumer.subscription;
        if (!subscription.topic.persistent)
        {
            if (withReceipt)
            {
                proxy.success(session, correlationId);
            }
            return true;
        }
        if (ackShard != shard)
        {
            proxy.error(session, correlationId, ErrorCode.INVALID_ARGUMENT,
                "message id " + ackShard + ":" + position + " is not in shard " + shard);
            return true;
        }

        if (!subscription.durable)
        {
            final long ordinal = subscription.cursor.unackedOrdinalOf(position);
            if (ordinal >= 0)
            {
                subscription.cursor.ackOrdinal(ordinal); // a reader's: in memory only
                subscription.onAcked(ordinal);
            }
            if (withReceipt)
            {
                proxy.success(session, correlationId);
            }
            return true;
        }
        if (withReceipt && !ackRun.record())
        {
            return false;
        }

        final long ordinal = subscription.cursor.unackedOrdinalOf(position, ackRun.nextOrdinal(subscription));
        if (ordinal < 0 || ackRun.holds(subscription, ordinal))
        {
            if (withReceipt)
            {
                // acked before: answer once everything recorded so far is stored
                receipts.onCursorRecorded(session, correlationId, writer.cursorAppendedPosition(), subscription.topic);
            }
            return true;
        }

        if (!withReceipt)
        {
            // recorded with the acks of the entries next to it, before any command that reads subscriptions
            return ackRun.add(subscription, ordinal, position) ||
                (ackRun.record() && ackRun.add(subscription, ordinal, position));
        }

        // recorded first, applied once recorded: an ack held only in memory would come back after a restart
        final long result = writer.appendCursorAck(subscription, position);
        if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result)
        {
            return false;
        }
        if (result < 0)
        {
            // not recorded, so not applied: the message stays unacknowledged and will be delivered again
            final String message = "shard " + shard + ": ack of position " + position + " on subscription " +
                subscription.name + " could not be recorded: " + Publication.errorString(result);
            errorHandler.onError(new StorageException(message));
            proxy.error(session, correlationId, ErrorCode.PERSISTENCE_ERROR, message);
            return true;
        }

        subscription.cursor.ackOrdinal(ordinal);
        subscription.onAcked(ordinal);
        receipts.onCursorRecorded(session, correlationId, writer.cursorAppendedPosition(), subscription.topic);

        return true;
    }

    /**
     * {@inheritDoc} Called before a command that reads or changes subscriptions and at the end of a poll.
     */
    public boolean recordAcks()
    {
        return ackRun.record();
    }

    /**
     * {@inheritDoc}
     */
    public boolean ackAndRecord(final TopicSubscription subscription, final long position)
    {
        if (subscription.durable && writer.appendCursorAck(subscription, position) < 0)
        {
            return false;
        }
        subscription.cursor.ack(position);
        if (subscription.tracksAcks())
        {
            subscription.onAcked(subscription.topic.index.ordinalOf(position));
        }

        return true;
    }

    /**
     * Cumulative ack: every entry of the subscription up to the one at a position, and that one too if
     * {@code inclusive}, as Pulsar's; refused on shared subscriptions. Recorded as one range in the cursor log first,
     * applied once recorded.
     *
     * @return false if the cursor log is back-pressured and the ack must be retried.
     */
    boolean onAckCumulative(
        final ShardSession session,
        final long correlationId,
        final long consumerId,
        final int ackShard,
        final long position,
        final boolean inclusive)
    {
        final ShardConsumer consumer = openConsumer(session, correlationId, consumerId);
        if (null == consumer)
        {
            return true;
        }
        final TopicSubscription subscription = consumer.subscription;
        if (SubscriptionType.SHARED == subscription.type || SubscriptionType.KEY_SHARED == subscription.type)
        {
            proxy.error(session, correlationId, ErrorCode.INVALID_ARGUMENT, "cumulative acks are not allowed on " +
                subscription.type + " subscription '" + subscription.name + "'");
            return true;
        }
        final Topic topic = subscription.topic;
        if (!topic.persistent)
        {
            return true;
        }
        final long ordinal = ackShard == shard ? topic.index.ordinalOf(position) : -1;
        if (ordinal < 0)
        {
            proxy.error(session, correlationId, ErrorCode.INVALID_ARGUMENT,
                "no message " + ackShard + ":" + position + " on " + topic.name);
            return true;
        }
        final long lastOrdinal = inclusive ? ordinal : ordinal - 1;
        final long firstOrdinal = subscription.cursor.firstUnackedOrdinal();
        if (firstOrdinal > lastOrdinal)
        {
            return true; // all acknowledged already
        }

        final long firstPosition = topic.index.position(firstOrdinal);
        final long lastPosition = topic.index.position(lastOrdinal);
        final long result = subscription.durable ?
            writer.appendCursorAckRange(subscription, firstPosition, lastPosition) : 0;
        if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result)
        {
            return false;
        }
        if (result < 0)
        {
            final String message = "shard " + shard + ": cumulative ack to position " + position +
                " on subscription " + subscription.name + " could not be recorded: " + Publication.errorString(result);
            errorHandler.onError(new StorageException(message));
            proxy.error(session, correlationId, ErrorCode.PERSISTENCE_ERROR, message);
            return true;
        }

        subscription.cursor.ackRange(firstPosition, lastPosition);
        if (null != subscription.redeliveries)
        {
            subscription.redeliveries.ackedUpTo(lastOrdinal);
        }

        return true;
    }

    /**
     * The id of the last stored message of the consumer's topic: shard -1 if there is none.
     */
    void onGetLastMessageId(final ShardSession session, final long correlationId, final long consumerId)
    {
        final ShardConsumer consumer = openConsumer(session, correlationId, consumerId);
        if (null == consumer)
        {
            return;
        }
        final Topic topic = consumer.subscription.topic;
        final long entries = topic.persistent ? topic.durableEntries : 0;
        final boolean hasAny = entries > topic.index.firstOrdinal();
        proxy.lastMessageId(session, correlationId, hasAny ? shard : -1,
            hasAny ? topic.index.position(entries - 1) : -1);
    }

    /**
     * @return the consumer open on the session with that id, or null once answered with {@code CONSUMER_NOT_FOUND}.
     */
    ShardConsumer openConsumer(final ShardSession session, final long correlationId, final long consumerId)
    {
        final ShardConsumer consumer = session.consumers.get(consumerId);
        if (null == consumer)
        {
            proxy.error(session, correlationId, ErrorCode.CONSUMER_NOT_FOUND,
                "consumer " + consumerId + " is not open on this session");
        }
        else if (consumer.unsubscribed)
        {
            proxy.error(session, correlationId, ErrorCode.CONSUMER_NOT_FOUND, "consumer " + consumerId +
                ": its subscription '" + consumer.subscription.name + "' was deleted");
            return null;
        }

        return consumer;
    }

    /**
     * Queue one entry the consumer was given to go again, if it still holds it (shared) or is the one that receives
     * (exclusive, failover) and has read past it; others are ignored, as Pulsar ignores them.
     */
    void redeliver(final ShardConsumer consumer, final int entryShard, final long position)
    {
        final TopicSubscription subscription = consumer.subscription;
        if (!subscription.topic.persistent || entryShard != shard)
        {
            return;
        }
        final long ordinal = subscription.cursor.unackedOrdinalOf(position);
        if (ordinal < 0 || ackRun.holds(subscription, ordinal))
        {
            return;
        }

        subscription.giveBack(consumer, ordinal);
    }

    /**
     * Negative acknowledgement, last step: with no entry named, everything the consumer was given and has not
     * acknowledged goes again. Answers {@code Success} once queued.
     */
    void redelivered(
        final ShardSession session, final long correlationId, final ShardConsumer consumer, final boolean all)
    {
        final TopicSubscription subscription = consumer.subscription;
        if (subscription.topic.persistent)
        {
            if (all)
            {
                subscription.giveBackAll(consumer);
            }
            else if (null != subscription.redeliveries)
            {
                subscription.redeliveries.sort();
            }
            ready.markReady(subscription);
        }
        proxy.success(session, correlationId);
    }

    void onCloseConsumer(final ShardSession session, final long correlationId, final long consumerId)
    {
        final ShardConsumer consumer = session.consumers.remove(consumerId);
        if (null == consumer)
        {
            proxy.error(session, correlationId, ErrorCode.CONSUMER_NOT_FOUND,
                "consumer " + consumerId + " is not open on this session");
            return;
        }

        detach(consumer);
        proxy.success(session, correlationId);
    }

    /**
     * Detach a consumer; its unacknowledged messages go to the next consumer of the subscription.
     */
    void detach(final ShardConsumer consumer)
    {
        attachments.detach(consumer);
    }

    /**
     * A subscription found in the cursor log.
     */
    TopicSubscription onRecovered(
        final Topic topic, final long subscriptionId, final String name, final long startOrdinal)
    {
        nextSubscriptionId = Math.max(nextSubscriptionId, subscriptionId + 1);
        return topic.addSubscription(subscriptionId, name, startOrdinal);
    }

    private TopicSubscription createSubscription(
        final Topic topic, final String subscriptionName, final InitialPosition initialPosition, final Start start)
    {
        final long subscriptionId = nextSubscriptionId;
        final long startOrdinal;
        if (topic.persistent)
        {
            // LATEST starts at the durable position: positions beyond it may be reused if a crash takes the tail
            // of the log, and recovery computes the same start from the same position
            long startPosition = InitialPosition.EARLIEST == initialPosition ? -1 : entryLog.durablePosition();
            if (start.shard == shard && start.position >= 0)
            {
                startPosition = start.inclusive ? start.position : start.position + 1;
            }
            else if (start.publishTime >= 0)
            {
                final long ordinal =
                    publishTimes.firstOrdinalPublishedAt(topic, start.publishTime, entryLog.durablePosition());
                startPosition = ordinal < topic.index.size() ? topic.index.position(ordinal) :
                    entryLog.durablePosition();
            }
            final long result = start.durable ?
                writer.appendSubscriptionCreated(topic, subscriptionId, startPosition, subscriptionName) : 0;
            if (result < 0)
            {
                if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result)
                {
                    return null;
                }
                throw new StorageException("shard " + shard + ": cannot record subscription " + subscriptionName +
                    " on " + topic.name + ": " + Publication.errorString(result));
            }
            startOrdinal = startPosition < 0 ?
                topic.index.firstOrdinal() : topic.index.firstOrdinalAtOrAfter(startPosition);
        }
        else
        {
            startOrdinal = 0;
        }
        nextSubscriptionId++;
        if (startOrdinal < topic.durableEntries)
        {
            deadlines.scheduleNow(topic); // it starts inside the backlog: TTL and quota may apply at once
        }

        return topic.addSubscription(subscriptionId, subscriptionName, startOrdinal, start.durable);
    }

    /**
     * Where a new subscription starts, beside its initial position, as a {@code Subscribe} frame says it; one
     * instance reused by the shard's command adapter.
     */
    static final class Start
    {
        boolean durable = true;
        int shard = -1;
        long position = -1;
        boolean inclusive;
        long publishTime = -1;
        /** Key_Shared: the mode the consumer asks for. */
        KeySharedMode keySharedMode = KeySharedMode.AUTO_SPLIT;
        /** Key_Shared sticky: the consumer's hash ranges, start and end pairs; null for none. */
        int[] hashRanges;

        Start set(
            final boolean durable,
            final int shard,
            final long position,
            final boolean inclusive,
            final long publishTime)
        {
            this.durable = durable;
            this.shard = shard;
            this.position = position;
            this.inclusive = inclusive;
            this.publishTime = publishTime;
            this.keySharedMode = KeySharedMode.AUTO_SPLIT;
            this.hashRanges = null;
            return this;
        }
    }
}

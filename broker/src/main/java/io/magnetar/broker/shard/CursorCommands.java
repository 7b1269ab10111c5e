package io.magnetar.broker.shard;

import io.aeron.Publication;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.storage.RecordedLog;
import io.magnetar.storage.StorageException;
import org.agrona.ErrorHandler;

import java.util.ArrayList;

/**
 * Commands that move or remove a subscription's cursor: reset-cursor (to a time or a message), unsubscribe (by its
 * last consumer) and delete-subscription (admin, forced or not). Each is recorded in the cursor log first and answered
 * once stored.
 */
final class CursorCommands
{
    /** Finds a consumer open on a session, or answers {@code CONSUMER_NOT_FOUND}. */
    @FunctionalInterface
    interface OpenConsumers
    {
        /**
         * @return the consumer, or null once the session was answered.
         */
        ShardConsumer open(ShardSession session, long correlationId, long consumerId);
    }

    private final int shard;
    private final TopicRegistry topics;
    private final ShardLogWriter writer;
    private final ClientProxy proxy;
    private final ConsumerAttachments attachments;
    private final ReadySubscriptions ready;
    private final TopicDeadlines deadlines;
    private final PublishTimeReader publishTimes;
    private final RecordedLog entryLog;
    private final ErrorHandler errorHandler;
    private final OpenConsumers openConsumers;
    private ReceiptTracker receipts;

    CursorCommands(
        final int shard,
        final TopicRegistry topics,
        final ShardLogWriter writer,
        final ClientProxy proxy,
        final ConsumerAttachments attachments,
        final ReadySubscriptions ready,
        final TopicDeadlines deadlines,
        final PublishTimeReader publishTimes,
        final RecordedLog entryLog,
        final ErrorHandler errorHandler,
        final OpenConsumers openConsumers)
    {
        this.shard = shard;
        this.topics = topics;
        this.writer = writer;
        this.proxy = proxy;
        this.attachments = attachments;
        this.ready = ready;
        this.deadlines = deadlines;
        this.publishTimes = publishTimes;
        this.entryLog = entryLog;
        this.errorHandler = errorHandler;
        this.openConsumers = openConsumers;
    }

    /**
     * @param receipts keeps answers until the cursor log is stored.
     */
    void receipts(final ReceiptTracker receipts)
    {
        this.receipts = receipts;
    }

    /**
     * Move a subscription to the first entry published at or after a time, as Pulsar's reset-cursor: every entry
     * from there on counts as unacknowledged again and is delivered again. The new state is recorded in the cursor
     * log as a checkpoint record of that subscription; the answer goes once it is stored.
     *
     * @return false if the cursor log is back-pressured and the request must be retried.
     */
    boolean onResetCursor(
        final ShardSession session,
        final long correlationId,
        final long publishTime,
        final int resetShard,
        final long resetPosition,
        final String topicText,
        final String subscriptionName)
    {
        final TopicName name = TopicName.parse(topicText);
        final Topic topic = topics.byName(name.toString());
        final TopicSubscription subscription = null == topic ? null : topic.subscription(subscriptionName);
        if (null == subscription || null == subscription.cursor)
        {
            proxy.error(session, correlationId, ErrorCode.SUBSCRIPTION_NOT_FOUND, "no durable subscription '" +
                subscriptionName + "' on " + name);
            return true;
        }
        if (resetShard >= 0 && resetShard != shard)
        {
            proxy.error(session, correlationId, ErrorCode.INVALID_ARGUMENT,
                "message id " + resetShard + ":" + resetPosition + " is not in shard " + shard);
            return true;
        }

        final long ordinal = resetShard >= 0 ?
            topic.index.firstOrdinalAtOrAfter(resetPosition) :
            publishTimes.firstOrdinalPublishedAt(topic, publishTime, entryLog.durablePosition());
        final long markDeletePosition = ordinal > topic.index.firstOrdinal() ?
            topic.index.position(ordinal - 1) : topic.index.lastRemovedPosition();
        final long result = subscription.durable ?
            writer.appendSubscriptionState(subscription, markDeletePosition, 0, 0, 0) : 0;
        if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result)
        {
            return false;
        }
        if (result < 0)
        {
            proxy.error(session, correlationId, ErrorCode.PERSISTENCE_ERROR,
                "reset of " + subscriptionName + " could not be recorded: " + Publication.errorString(result));
            return true;
        }

        subscription.cursor.restore(markDeletePosition);
        subscription.rewind();
        if (null != subscription.redeliveries)
        {
            subscription.redeliveries.clear(true);
        }
        if (null != subscription.shared)
        {
            subscription.shared.clear(); // all from the new read position goes out again anyway
        }
        ready.markReady(subscription);
        deadlines.scheduleNow(topic); // entries unacknowledged again may be past their TTL
        if (subscription.durable)
        {
            receipts.onCursorRecorded(session, correlationId, writer.cursorAppendedPosition(), topic);
        }
        else
        {
            proxy.success(session, correlationId);
        }

        return true;
    }

    /**
     * @return the ordinal of the first stored entry published at or after a time: the time index gives the block,
     * read forward from there.
     */
    private long firstOrdinalPublishedAt(final Topic topic, final long publishTime)
    {
        final long durablePosition = entryLog.durablePosition();
        long ordinal = topic.index.firstOrdinalPublishedAtOrAfter(publishTime);
        while (ordinal < topic.durableEntries)
        {
            if (publishTimes.publishTimeOf(topic, topic.index.position(ordinal), durablePosition) >= publishTime)
            {
                break;
            }
            ordinal++;
        }

        return ordinal;
    }

    /**
     * Unsubscribe: delete the consumer's subscription, refused while other consumers are attached to it. A durable
     * one's deletion is recorded in the cursor log first and answered once stored; the consumer stays in its session,
     * detached, until its client closes it.
     *
     * @return false if the cursor log is back-pressured and the request must be retried.
     */
    boolean onUnsubscribe(final ShardSession session, final long correlationId, final long consumerId)
    {
        final ShardConsumer consumer = openConsumers.open(session, correlationId, consumerId);
        if (null == consumer)
        {
            return true;
        }
        final TopicSubscription subscription = consumer.subscription;
        if (subscription.consumers.size() > 1)
        {
            proxy.error(session, correlationId, ErrorCode.CONSUMER_BUSY, "subscription '" + subscription.name +
                "' on " + subscription.topic.name + " has other consumers; it can be deleted only by its last one");
            return true;
        }

        return deleteSubscription(session, correlationId, subscription, consumer);
    }

    /**
     * Admin: delete a subscription by name, refused while consumers are attached unless forced, which closes them
     * first (each client is told with {@code CloseConsumer}).
     *
     * @return false if the cursor log is back-pressured and the request must be retried.
     */
    boolean onDeleteSubscription(
        final ShardSession session,
        final long correlationId,
        final boolean force,
        final String topicText,
        final String subscriptionName)
    {
        final Topic topic = topics.byName(TopicName.parse(topicText).toString());
        final TopicSubscription subscription = null == topic ? null : topic.subscription(subscriptionName);
        if (null == subscription || !subscription.durable)
        {
            proxy.error(session, correlationId, ErrorCode.SUBSCRIPTION_NOT_FOUND,
                "topic " + topicText + " has no subscription '" + subscriptionName + "'");
            return true;
        }
        if (!subscription.consumers.isEmpty() && !force)
        {
            proxy.error(session, correlationId, ErrorCode.CONSUMER_BUSY, "subscription '" + subscriptionName +
                "' on " + topic.name + " has " + subscription.consumers.size() + " consumer(s); close them first " +
                "or force");
            return true;
        }

        return deleteSubscription(session, correlationId, subscription, null);
    }

    private boolean deleteSubscription(
        final ShardSession session,
        final long correlationId,
        final TopicSubscription subscription,
        final ShardConsumer unsubscribing)
    {
        final Topic topic = subscription.topic;
        if (topic.persistent && subscription.durable)
        {
            final long result = writer.appendSubscriptionDeleted(subscription);
            if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result)
            {
                return false;
            }
            if (result < 0)
            {
                final String message = "shard " + shard + ": deletion of subscription " + subscription.name +
                    " on " + topic.name + " could not be recorded: " + Publication.errorString(result);
                errorHandler.onError(new StorageException(message));
                proxy.error(session, correlationId, ErrorCode.PERSISTENCE_ERROR, message);
                return true;
            }
        }

        final ArrayList<ShardConsumer> consumers = new ArrayList<>(subscription.consumers);
        for (int i = 0, size = consumers.size(); i < size; i++)
        {
            final ShardConsumer consumer = consumers.get(i);
            consumer.unsubscribed = true;
            attachments.detach(consumer);
            if (consumer != unsubscribing && !consumer.session.isClosed())
            {
                proxy.closeConsumer(consumer.session, consumer.consumerId);
            }
        }
        topic.subscriptions.remove(subscription);
        if (topic.persistent && subscription.durable)
        {
            receipts.onCursorRecorded(session, correlationId, writer.cursorAppendedPosition(), topic);
        }
        else
        {
            proxy.success(session, correlationId);
        }

        return true;
    }
}

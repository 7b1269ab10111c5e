package io.magnetar.broker.shard;

import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.Publication;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.codecs.BooleanType;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.ShardStatsEncoder;
import io.magnetar.codecs.SubscriptionType;
import io.magnetar.codecs.TopicStatsEncoder;
import org.HdrHistogram.Histogram;
import org.agrona.ExpandableDirectByteBuffer;

import java.util.ArrayList;

/**
 * Answers a topic's stats ({@code TopicStats}: counters, storage, publishers, subscriptions, consumers) and pages of
 * the shard's topic counters ({@code ShardStats}) as SBE frames, with no JSON on the shard's thread: the admin API
 * turns them into Pulsar's stats and metrics. A page costs at most {@link #MAX_PAGE_TOPICS} topics and one frame, so
 * sampling every topic never stalls the shard. Counters are cumulative since the broker started; rates are the
 * sampler's.
 */
final class TopicStatsReport
{
    /** Most topics in one {@code ShardStats} page. */
    static final int MAX_PAGE_TOPICS = 512;
    private static final int PAGE_TOPIC_FIXED_LENGTH = ShardStatsEncoder.TopicsEncoder.sbeBlockLength() + 4;

    private final TopicRegistry topics;
    private final ReceiptTracker receipts;
    private final ClientProxy proxy;
    private final int shard;
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final TopicStatsEncoder topicStatsEncoder = new TopicStatsEncoder();
    private final ShardStatsEncoder shardStatsEncoder = new ShardStatsEncoder();
    private final ArrayList<Topic> page = new ArrayList<>();

    TopicStatsReport(
        final int shard, final TopicRegistry topics, final ReceiptTracker receipts, final ClientProxy proxy)
    {
        this.shard = shard;
        this.topics = topics;
        this.receipts = receipts;
        this.proxy = proxy;
    }

    void onTopicStats(final ShardSession session, final long correlationId, final String topicText)
    {
        final Topic topic = topics.byName(TopicName.parse(topicText).toString());
        if (null == topic)
        {
            proxy.error(session, correlationId, ErrorCode.TOPIC_NOT_FOUND, "topic " + topicText + " does not exist");
            return;
        }

        if (!fitsGroups(topic))
        {
            proxy.error(session, correlationId, ErrorCode.UNSUPPORTED_OPERATION, "the stats of " + topic.name +
                " list more producers, subscriptions or consumers than one answer holds");
            return;
        }
        final TopicStatsEncoder encoder = topicStatsEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .msgInCounter(topic.msgInCounter)
            .bytesInCounter(topic.bytesInCounter)
            .msgOutCounter(topic.msgOutCounter)
            .bytesOutCounter(topic.bytesOutCounter)
            .storageSize(topic.bytes)
            .entries(topic.index.heldEntries())
            .persistent(topic.persistent ? BooleanType.TRUE : BooleanType.FALSE);

        final TopicStatsEncoder.PublishersEncoder publishers = encoder.publishersCount(topic.producerCount());
        if (null != topic.producersByName)
        {
            for (final ShardProducer producer : topic.producersByName.values())
            {
                publishers.next()
                    .producerId(producer.producerId)
                    .msgInCounter(producer.msgInCounter)
                    .bytesInCounter(producer.bytesInCounter)
                    .producerName(producer.name)
                    .clientName(producer.session.egress.clientName)
                    .address(address(producer.session));
            }
        }

        final TopicStatsEncoder.SubscriptionsEncoder subscriptions =
            encoder.subscriptionsCount(topic.subscriptions.size());
        for (final TopicSubscription subscription : topic.subscriptions)
        {
            encodeSubscription(topic, subscription, subscriptions.next());
        }
        encoder.topic(topic.name.toString());

        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        if (length > session.egress.publication.maxMessageLength())
        {
            proxy.error(session, correlationId, ErrorCode.UNSUPPORTED_OPERATION, "the stats of " + topic.name +
                " (" + topic.subscriptions.size() + " subscriptions) take " + length + " bytes, more than the " +
                "largest answer of " + session.egress.publication.maxMessageLength());
            return;
        }
        proxy.reply(session, buffer, length);
    }

    private static boolean fitsGroups(final Topic topic)
    {
        if (topic.producerCount() > TopicStatsEncoder.PublishersEncoder.countMaxValue() ||
            topic.subscriptions.size() > TopicStatsEncoder.SubscriptionsEncoder.countMaxValue())
        {
            return false;
        }
        for (final TopicSubscription subscription : topic.subscriptions)
        {
            if (subscription.consumers.size() > TopicStatsEncoder.SubscriptionsEncoder.ConsumersEncoder.countMaxValue())
            {
                return false;
            }
        }
        return true;
    }

    private static void encodeSubscription(
        final Topic topic, final TopicSubscription subscription, final TopicStatsEncoder.SubscriptionsEncoder entry)
    {
        final long backlog = backlog(topic, subscription);
        final boolean shared = null != subscription.shared;
        long unacked = 0;
        if (shared)
        {
            for (int i = 0, size = subscription.consumers.size(); i < size; i++)
            {
                unacked += subscription.shared.unacked(subscription.consumers.get(i), subscription.cursor);
            }
        }
        else
        {
            final long unread = topic.index.size() - Math.max(subscription.readOrdinal, topic.index.firstOrdinal());
            unacked = Math.max(0, backlog - Math.max(0, unread));
        }

        entry.subscriptionType(null == subscription.type ? SubscriptionType.NULL_VAL : subscription.type)
            .durable(subscription.durable ? BooleanType.TRUE : BooleanType.FALSE)
            .msgBacklog(backlog)
            .backlogSize(backlog * averageEntryLength(topic))
            .unackedMessages(unacked)
            .msgOutCounter(subscription.msgOutCounter)
            .bytesOutCounter(subscription.bytesOutCounter);

        final TopicStatsEncoder.SubscriptionsEncoder.ConsumersEncoder consumers =
            entry.consumersCount(subscription.consumers.size());
        for (int i = 0, size = subscription.consumers.size(); i < size; i++)
        {
            final ShardConsumer consumer = subscription.consumers.get(i);
            final long consumerUnacked = shared ? subscription.shared.unacked(consumer, subscription.cursor) :
                consumer == subscription.consumer ? unacked : 0;
            consumers.next()
                .consumerId(consumer.consumerId)
                .availablePermits(consumer.permits)
                .unackedMessages(consumerUnacked)
                .msgOutCounter(consumer.msgOutCounter)
                .bytesOutCounter(consumer.bytesOutCounter)
                .consumerName(null == consumer.name ? "" : consumer.name)
                .clientName(consumer.session.egress.clientName)
                .address(address(consumer.session));
        }
        entry.name(subscription.name);
    }

    void onShardStats(
        final ShardSession session,
        final long correlationId,
        final long fromLocalId,
        final int maxTopics,
        final boolean resetLatency)
    {
        if (fromLocalId < 0)
        {
            proxy.error(session, correlationId, ErrorCode.INVALID_ARGUMENT,
                "a page starts at a local topic id of 0 or more, not " + fromLocalId);
            return;
        }
        final int limit = Math.max(1, Math.min(maxTopics, MAX_PAGE_TOPICS));
        final int maxLength = session.egress.publication.maxMessageLength();
        int length = MessageHeaderEncoder.ENCODED_LENGTH + ShardStatsEncoder.BLOCK_LENGTH + 4;
        long localId = fromLocalId;
        final long end = topics.nextLocalId();
        page.clear();
        for (; localId < end && page.size() < limit; localId++)
        {
            final Topic topic = topics.byLocalId(localId);
            if (null == topic)
            {
                continue;
            }
            final int topicLength = PAGE_TOPIC_FIXED_LENGTH + topic.name.toString().length() * 3;
            if (length + topicLength > maxLength && !page.isEmpty())
            {
                break;
            }
            length += topicLength;
            page.add(topic);
        }

        final Histogram latency = receipts.publishLatencyUs();
        final ShardStatsEncoder encoder = shardStatsEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .shard(shard)
            .nextLocalId(localId < end ? localId : -1)
            .publishLatencyCount(latency.getTotalCount())
            .publishLatencyP50Us(latency.getValueAtPercentile(50))
            .publishLatencyP99Us(latency.getValueAtPercentile(99))
            .publishLatencyP999Us(latency.getValueAtPercentile(99.9))
            .publishLatencyMaxUs(latency.getMaxValue());
        if (resetLatency)
        {
            latency.reset(); // the sampler's sweep: each reports the sends since the one before
        }

        final ShardStatsEncoder.TopicsEncoder entries = encoder.topicsCount(page.size());
        for (int i = 0, size = page.size(); i < size; i++)
        {
            final Topic topic = page.get(i);
            long backlog = 0;
            int consumers = 0;
            for (final TopicSubscription subscription : topic.subscriptions)
            {
                consumers += subscription.consumers.size();
                if (subscription.durable)
                {
                    backlog += backlog(topic, subscription);
                }
            }
            entries.next()
                .msgInCounter(topic.msgInCounter)
                .bytesInCounter(topic.bytesInCounter)
                .msgOutCounter(topic.msgOutCounter)
                .bytesOutCounter(topic.bytesOutCounter)
                .storageSize(topic.bytes)
                .msgBacklog(backlog)
                .backlogSize(backlog * averageEntryLength(topic))
                .producers(topic.producerCount())
                .subscriptions(topic.subscriptions.size())
                .consumers(consumers)
                .topic(topic.name.toString());
        }
        page.clear();
        proxy.reply(session, buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * @return where the session's answers go: host:port of its UDP response channel, or ipc.
     */
    static String address(final ShardSession session)
    {
        final Publication publication = session.egress.publication;
        if (null == publication)
        {
            return "";
        }
        final ChannelUri channel = ChannelUri.parse(publication.channel());
        if (CommonContext.IPC_MEDIA.equals(channel.media()))
        {
            return CommonContext.IPC_MEDIA;
        }
        final String endpoint = channel.get(CommonContext.ENDPOINT_PARAM_NAME);
        return null == endpoint ? channel.toString() : endpoint;
    }

    private static long backlog(final Topic topic, final TopicSubscription subscription)
    {
        if (null != subscription.cursor)
        {
            return subscription.cursor.backlog();
        }
        return Math.max(0, topic.index.size() - Math.max(subscription.readOrdinal, topic.index.firstOrdinal()));
    }

    private static long averageEntryLength(final Topic topic)
    {
        final int held = topic.index.heldEntries();
        return 0 == held ? 0 : topic.bytes / held;
    }
}

package io.magnetar.client;

import io.magnetar.codecs.BooleanType;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.TopicStatsDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A topic's stats as its shard holds them, the counterpart of Pulsar's {@code TopicStats} without the rates: the
 * counters are cumulative since the broker started (the admin API's {@code /stats} adds rates from counters sampled
 * over time). Immutable.
 */
public final class TopicStats
{
    /**
     * A producer of the topic, as Pulsar's {@code PublisherStats}.
     *
     * @param producerId     the client's id of the producer, unique within its session.
     * @param producerName   its name.
     * @param msgInCounter   messages it published.
     * @param bytesInCounter payload bytes it published.
     * @param clientName     name of its client's session.
     * @param address        where its client is: host:port over UDP, ipc over IPC.
     */
    public record PublisherStats(
        long producerId,
        String producerName,
        long msgInCounter,
        long bytesInCounter,
        String clientName,
        String address)
    {
    }

    /**
     * A consumer of a subscription, as Pulsar's {@code ConsumerStats}.
     *
     * @param consumerId       the client's id of the consumer, unique within its session.
     * @param consumerName     its name.
     * @param availablePermits messages it may still be sent.
     * @param unackedMessages  entries delivered to it and not acknowledged.
     * @param msgOutCounter    messages delivered to it.
     * @param bytesOutCounter  payload bytes delivered to it.
     * @param clientName       name of its client's session.
     * @param address          where its client is: host:port over UDP, ipc over IPC.
     */
    public record ConsumerStats(
        long consumerId,
        String consumerName,
        long availablePermits,
        long unackedMessages,
        long msgOutCounter,
        long bytesOutCounter,
        String clientName,
        String address)
    {
    }

    /**
     * A subscription, as Pulsar's {@code SubscriptionStats}.
     *
     * @param type            its type, or null until a consumer has attached.
     * @param durable         false for a reader's subscription.
     * @param msgBacklog      entries not acknowledged.
     * @param backlogSize     bytes of those entries, estimated from the topic's average entry size.
     * @param unackedMessages entries delivered and not acknowledged.
     * @param msgOutCounter   messages delivered.
     * @param bytesOutCounter payload bytes delivered.
     * @param consumers       its consumers.
     */
    public record SubscriptionStats(
        SubscriptionType type,
        boolean durable,
        long msgBacklog,
        long backlogSize,
        long unackedMessages,
        long msgOutCounter,
        long bytesOutCounter,
        List<ConsumerStats> consumers)
    {
    }

    private final String topic;
    private final boolean persistent;
    private final long msgInCounter;
    private final long bytesInCounter;
    private final long msgOutCounter;
    private final long bytesOutCounter;
    private final long storageSize;
    private final long entries;
    private final List<PublisherStats> publishers;
    private final Map<String, SubscriptionStats> subscriptions;

    private TopicStats(
        final String topic,
        final boolean persistent,
        final long msgInCounter,
        final long bytesInCounter,
        final long msgOutCounter,
        final long bytesOutCounter,
        final long storageSize,
        final long entries,
        final List<PublisherStats> publishers,
        final Map<String, SubscriptionStats> subscriptions)
    {
        this.topic = topic;
        this.persistent = persistent;
        this.msgInCounter = msgInCounter;
        this.bytesInCounter = bytesInCounter;
        this.msgOutCounter = msgOutCounter;
        this.bytesOutCounter = bytesOutCounter;
        this.storageSize = storageSize;
        this.entries = entries;
        this.publishers = Collections.unmodifiableList(publishers);
        this.subscriptions = Collections.unmodifiableMap(subscriptions);
    }

    /**
     * @param frame a {@code TopicStats} frame, header included.
     * @return its stats.
     * @throws IllegalArgumentException if it is not such a frame.
     */
    static TopicStats decode(final byte[] frame)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
        if (TopicStatsDecoder.TEMPLATE_ID != header.templateId())
        {
            throw new IllegalArgumentException("not a TopicStats frame: template " + header.templateId());
        }
        final TopicStatsDecoder decoder = new TopicStatsDecoder().wrap(
            buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        decoder.correlationId();
        final long msgIn = decoder.msgInCounter();
        final long bytesIn = decoder.bytesInCounter();
        final long msgOut = decoder.msgOutCounter();
        final long bytesOut = decoder.bytesOutCounter();
        final long storageSize = decoder.storageSize();
        final long entries = decoder.entries();
        final boolean persistent = BooleanType.TRUE == decoder.persistent();

        final List<PublisherStats> publishers = new ArrayList<>();
        for (final TopicStatsDecoder.PublishersDecoder publisher : decoder.publishers())
        {
            final long producerId = publisher.producerId();
            final long publisherMsgIn = publisher.msgInCounter();
            final long publisherBytesIn = publisher.bytesInCounter();
            final String producerName = publisher.producerName();
            final String clientName = publisher.clientName();
            publishers.add(new PublisherStats(
                producerId, producerName, publisherMsgIn, publisherBytesIn, clientName, publisher.address()));
        }

        final Map<String, SubscriptionStats> subscriptions = new LinkedHashMap<>();
        for (final TopicStatsDecoder.SubscriptionsDecoder subscription : decoder.subscriptions())
        {
            final io.magnetar.codecs.SubscriptionType wireType = subscription.subscriptionType();
            final SubscriptionType type = io.magnetar.codecs.SubscriptionType.NULL_VAL == wireType ?
                null : WireEnums.fromWire(wireType);
            final boolean durable = BooleanType.TRUE == subscription.durable();
            final long backlog = subscription.msgBacklog();
            final long backlogSize = subscription.backlogSize();
            final long unacked = subscription.unackedMessages();
            final long subscriptionMsgOut = subscription.msgOutCounter();
            final long subscriptionBytesOut = subscription.bytesOutCounter();
            final List<ConsumerStats> consumers = new ArrayList<>();
            for (final TopicStatsDecoder.SubscriptionsDecoder.ConsumersDecoder consumer : subscription.consumers())
            {
                final long consumerId = consumer.consumerId();
                final long permits = consumer.availablePermits();
                final long consumerUnacked = consumer.unackedMessages();
                final long consumerMsgOut = consumer.msgOutCounter();
                final long consumerBytesOut = consumer.bytesOutCounter();
                final String consumerName = consumer.consumerName();
                final String clientName = consumer.clientName();
                consumers.add(new ConsumerStats(consumerId, consumerName, permits, consumerUnacked,
                    consumerMsgOut, consumerBytesOut, clientName, consumer.address()));
            }
            subscriptions.put(subscription.name(), new SubscriptionStats(type, durable, backlog, backlogSize, unacked,
                subscriptionMsgOut, subscriptionBytesOut, List.copyOf(consumers)));
        }

        return new TopicStats(decoder.topic(), persistent, msgIn, bytesIn, msgOut, bytesOut, storageSize, entries,
            publishers, subscriptions);
    }

    /**
     * @return the topic's full name.
     */
    public String getTopic()
    {
        return topic;
    }

    /**
     * @return true for a persistent topic.
     */
    public boolean isPersistent()
    {
        return persistent;
    }

    /**
     * @return messages published since the broker started.
     */
    public long getMsgInCounter()
    {
        return msgInCounter;
    }

    /**
     * @return payload bytes published since the broker started.
     */
    public long getBytesInCounter()
    {
        return bytesInCounter;
    }

    /**
     * @return messages delivered to any subscription since the broker started.
     */
    public long getMsgOutCounter()
    {
        return msgOutCounter;
    }

    /**
     * @return payload bytes delivered to any subscription since the broker started.
     */
    public long getBytesOutCounter()
    {
        return bytesOutCounter;
    }

    /**
     * @return bytes of the entries the topic holds.
     */
    public long getStorageSize()
    {
        return storageSize;
    }

    /**
     * @return entries the topic holds.
     */
    public long getEntries()
    {
        return entries;
    }

    /**
     * @return its producers.
     */
    public List<PublisherStats> getPublishers()
    {
        return publishers;
    }

    /**
     * @return its subscriptions by name.
     */
    public Map<String, SubscriptionStats> getSubscriptions()
    {
        return subscriptions;
    }
}

package io.magnetar.client;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A consumer of a partitioned topic: one {@link ConsumerImpl} per partition on the same subscription, read in turn
 * (each receive starts at the partition after the one that last gave a message, so none starves); acknowledgements go
 * to the partition a message's id names. Partitions added to the topic are picked up by the client's
 * {@link PartitionsWatcher}, which subscribes to them from their earliest message (nothing published to a new
 * partition before the consumer noticed it is missed).
 */
final class PartitionedConsumer implements Consumer, PartitionsWatcher.Watched
{
    private final String topic;
    private final String subscription;
    private final SubscriptionType subscriptionType;
    private final Topics topics;
    private final long operationTimeoutNs;
    private final ConsumerRound round;
    private final ScheduledFuture<?> watch;
    private final Partitions<ConsumerImpl> partitions;

    private PartitionedConsumer(
        final String topic,
        final String subscription,
        final SubscriptionType subscriptionType,
        final Topics topics,
        final long operationTimeoutNs,
        final RequestTracker requests,
        final Partitions<ConsumerImpl> partitions,
        final PartitionsWatcher watcher,
        final long updateIntervalNs)
    {
        this.topic = topic;
        this.subscription = subscription;
        this.subscriptionType = subscriptionType;
        this.topics = topics;
        this.operationTimeoutNs = operationTimeoutNs;
        this.round = new ConsumerRound(partitions::all, requests);
        this.partitions = partitions;
        this.watch = updateIntervalNs > 0 ? watcher.watch(this, updateIntervalNs) : null;
    }

    /**
     * Subscribe to every partition, closing the consumers made if one fails.
     *
     * @param topic              full name of the partitioned topic.
     * @param subscription       name.
     * @param subscriptionType   of the subscription.
     * @param numPartitions      of the topic now.
     * @param factory            of one partition's consumer, at the builder's initial position.
     * @param laterPartitions    of the consumer of a partition added later, from its earliest message.
     * @param topics             admin, to learn of new partitions.
     * @param operationTimeoutNs of the client, for {@link #receive()}.
     * @param requests           of the client: whether the calling thread may wait.
     * @param watcher            of the client.
     * @param updateIntervalNs   between checks for new partitions; 0 for none.
     * @return the consumer.
     * @throws MagnetarClientException if a partition could not be subscribed to.
     */
    static PartitionedConsumer subscribe(
        final String topic,
        final String subscription,
        final SubscriptionType subscriptionType,
        final int numPartitions,
        final PartitionFactory<ConsumerImpl> factory,
        final PartitionFactory<ConsumerImpl> laterPartitions,
        final Topics topics,
        final long operationTimeoutNs,
        final RequestTracker requests,
        final PartitionsWatcher watcher,
        final long updateIntervalNs) throws MagnetarClientException
    {
        return new PartitionedConsumer(topic, subscription, subscriptionType, topics, operationTimeoutNs, requests,
            Partitions.create(numPartitions, factory, laterPartitions, ConsumerImpl[]::new), watcher,
            updateIntervalNs);
    }

    /**
     * {@inheritDoc}
     */
    public void updatePartitions() throws MagnetarClientException
    {
        if (!isClosed())
        {
            partitions.grow(topics.getPartitionedTopicMetadata(topic).partitions);
        }
    }

    /**
     * @return the consumers of the partitions, by partition.
     */
    ConsumerImpl[] partitions()
    {
        return partitions.all();
    }

    /**
     * {@inheritDoc}
     */
    public String getTopic()
    {
        return topic;
    }

    /**
     * {@inheritDoc}
     */
    public String getSubscription()
    {
        return subscription;
    }

    /**
     * {@inheritDoc}
     */
    public String getConsumerName()
    {
        return partitions.all()[0].getConsumerName();
    }

    /**
     * {@inheritDoc}
     */
    public SubscriptionType getSubscriptionType()
    {
        return subscriptionType;
    }

    /**
     * {@inheritDoc}
     */
    public boolean isClosed()
    {
        return partitions.all()[0].isClosed();
    }

    /**
     * {@inheritDoc}
     */
    public Message receive() throws MagnetarClientException
    {
        final Message message = receive(operationTimeoutNs, TimeUnit.NANOSECONDS);
        if (null == message)
        {
            throw new MagnetarClientException.TimeoutException("no message on partitioned topic '" + topic +
                "' subscription '" + subscription + "' within " + TimeUnit.NANOSECONDS.toMillis(operationTimeoutNs) +
                " ms");
        }
        return message;
    }

    /**
     * {@inheritDoc}
     */
    public Message receive(final long timeout, final TimeUnit unit) throws MagnetarClientException
    {
        checkOpen();
        return round.receive(timeout, unit);
    }

    /**
     * {@inheritDoc}
     */
    public int poll(final MessageHandler handler, final int limit) throws MagnetarClientException
    {
        checkOpen();
        return round.poll(handler, limit);
    }

    private void checkOpen() throws MagnetarClientException
    {
        if (isClosed())
        {
            throw new MagnetarClientException(
                "consumer on partitioned topic '" + topic + "' subscription '" + subscription + "' is closed");
        }
    }

    /**
     * {@inheritDoc}
     */
    public void acknowledge(final MessageId messageId) throws MagnetarClientException
    {
        if (null == messageId)
        {
            throw new MagnetarClientException("message id is null");
        }
        partition(messageId.partitionIndex(), messageId.toString()).acknowledge(messageId);
    }

    /**
     * {@inheritDoc} Within the message's partition only, as in Pulsar.
     */
    public void acknowledgeCumulative(final MessageId messageId) throws MagnetarClientException
    {
        if (null == messageId)
        {
            throw new MagnetarClientException("message id is null");
        }
        partition(messageId.partitionIndex(), messageId.toString()).acknowledgeCumulative(messageId);
    }

    /**
     * {@inheritDoc} Only the message's partition moves, as its id names it.
     */
    public void seek(final MessageId messageId) throws MagnetarClientException
    {
        if (null == messageId || MessageId.EARLIEST == messageId || MessageId.LATEST == messageId)
        {
            throw new MagnetarClientException("seek on a partitioned topic takes a message's id (each partition " +
                "moves by time with seek(publishTime)), not " + messageId);
        }
        partition(messageId.partitionIndex(), messageId.toString()).seek(messageId);
    }

    /**
     * {@inheritDoc} Every partition moves.
     */
    public void seek(final long publishTime) throws MagnetarClientException
    {
        for (final Consumer partition : partitions())
        {
            partition.seek(publishTime);
        }
    }

    /**
     * {@inheritDoc} On every partition: one that refuses stops the others that follow it.
     */
    public void unsubscribe() throws MagnetarClientException
    {
        for (final Consumer partition : partitions())
        {
            partition.unsubscribe();
        }
        close();
    }

    /**
     * {@inheritDoc}
     */
    public void negativeAcknowledge(final MessageId messageId) throws MagnetarClientException
    {
        if (null == messageId)
        {
            throw new MagnetarClientException("message id is null");
        }
        partition(messageId.partitionIndex(), messageId.toString()).negativeAcknowledge(messageId);
    }

    /**
     * {@inheritDoc}
     */
    public void negativeAcknowledge(final Message message) throws MagnetarClientException
    {
        if (null == message)
        {
            throw new MagnetarClientException("message is null");
        }
        final MessageId messageId = message.getMessageId();
        partition(messageId.partitionIndex(), messageId.toString()).negativeAcknowledge(message);
    }

    /**
     * Not for a partitioned topic: an entry's position does not say which partition it is in.
     *
     * @throws MagnetarClientException always: acknowledge the message, its id or its view instead.
     */
    public void acknowledge(final int shard, final long position) throws MagnetarClientException
    {
        throw new MagnetarClientException("a consumer of partitioned topic '" + topic + "' needs a message's " +
            "partition: acknowledge the Message, its MessageId or the MessageView, not " + shard + ":" + position);
    }

    /**
     * {@inheritDoc}
     */
    public void acknowledge(final MessageView message) throws MagnetarClientException
    {
        if (null == message)
        {
            throw new MagnetarClientException("message is null");
        }
        partition(message.partitionIndex(), message.shard() + ":" + message.position()).acknowledge(message);
    }

    /**
     * {@inheritDoc}
     */
    public void close() throws MagnetarClientException
    {
        if (null != watch)
        {
            watch.cancel(false);
        }
        partitions.close();
    }

    /**
     * @return a short description for logs.
     */
    public String toString()
    {
        return "PartitionedConsumer{topic=" + topic + ", subscription=" + subscription + ", partitions=" +
            partitions.all().length + '}';
    }

    private ConsumerImpl partition(final int partitionIndex, final String what) throws MagnetarClientException
    {
        final ConsumerImpl[] consumers = partitions.all();
        if (partitionIndex < 0 || partitionIndex >= consumers.length)
        {
            throw new MagnetarClientException("message " + what + " is not from a partition of '" + topic +
                "' (partition " + partitionIndex + " of " + consumers.length + ")");
        }
        return consumers[partitionIndex];
    }
}

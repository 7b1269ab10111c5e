package io.magnetar.client;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A consumer of several topics on one subscription, as Pulsar's multi-topics consumer: one consumer per topic (itself
 * partitioned if the topic is), read in turn (each receive starts at the topic after the one that last gave a
 * message). Acknowledgements go to the consumer of the topic a message's id names. Topics may be added while it runs
 * (a pattern's discovery, {@link TopicsPatternWatcher}); the set is swapped whole, so receivers never lock.
 */
final class MultiTopicsConsumer implements Consumer
{
    private final String subscription;
    private final String consumerName;
    private final SubscriptionType subscriptionType;
    private final long operationTimeoutNs;
    private final ConsumerRound round;
    private final RetryLetters retryLetters;
    private volatile String[] topics;
    private volatile Consumer[] consumers;
    private volatile boolean isClosed;
    private Runnable onClose;

    /**
     * @param topics             full names, one per consumer.
     * @param consumers          one per topic, subscribed.
     * @param subscription       name.
     * @param consumerName       of the consumers.
     * @param subscriptionType   of the subscription.
     * @param operationTimeoutNs of the client, for {@link #receive()}.
     * @param requests           of the client: whether the calling thread may wait.
     * @param retryLetters       for {@link #reconsumeLater(Message, long, TimeUnit)}, or null if retry is not enabled.
     */
    MultiTopicsConsumer(
        final String[] topics,
        final Consumer[] consumers,
        final String subscription,
        final String consumerName,
        final SubscriptionType subscriptionType,
        final long operationTimeoutNs,
        final RequestTracker requests,
        final RetryLetters retryLetters)
    {
        this.topics = topics;
        this.consumers = consumers;
        this.subscription = subscription;
        this.consumerName = consumerName;
        this.subscriptionType = subscriptionType;
        this.operationTimeoutNs = operationTimeoutNs;
        this.round = new ConsumerRound(() -> this.consumers, requests);
        this.retryLetters = retryLetters;
    }

    /**
     * @param onClose run once when this consumer closes (stops a pattern's discovery).
     */
    void onClose(final Runnable onClose)
    {
        this.onClose = onClose;
    }

    /**
     * @param topic full name.
     * @return true if a consumer of the topic is part of this one.
     */
    boolean hasTopic(final String topic)
    {
        return indexOf(topic) >= 0;
    }

    /**
     * Add the consumer of a topic found later (a pattern's discovery thread).
     *
     * @param topic    full name.
     * @param consumer of the topic, subscribed.
     * @throws MagnetarClientException if this consumer closed meanwhile (the new one is closed too).
     */
    synchronized void addTopic(final String topic, final Consumer consumer) throws MagnetarClientException
    {
        if (isClosed)
        {
            consumer.close();
            throw new MagnetarClientException("consumer of " + Arrays.toString(topics) + " is closed");
        }
        final String[] newTopics = Arrays.copyOf(topics, topics.length + 1);
        final Consumer[] newConsumers = Arrays.copyOf(consumers, consumers.length + 1);
        newTopics[topics.length] = topic;
        newConsumers[consumers.length] = consumer;
        consumers = newConsumers;
        topics = newTopics;
    }

    /**
     * @return the topics, comma-separated.
     */
    public String getTopic()
    {
        return String.join(",", topics);
    }

    /**
     * @return the full names of the topics consumed.
     */
    String[] topics()
    {
        return topics.clone();
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
        return consumerName;
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
        return isClosed;
    }

    /**
     * {@inheritDoc}
     */
    public Message receive() throws MagnetarClientException
    {
        final Message message = receive(operationTimeoutNs, TimeUnit.NANOSECONDS);
        if (null == message)
        {
            throw new MagnetarClientException.TimeoutException("no message on topics " + getTopic() +
                " subscription '" + subscription + "' within " + TimeUnit.NANOSECONDS.toMillis(operationTimeoutNs) +
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

    /**
     * {@inheritDoc}
     */
    public void acknowledge(final MessageId messageId) throws MagnetarClientException
    {
        consumerOf(messageId).acknowledge(messageId);
    }

    /**
     * {@inheritDoc} Within the message's topic only, as in Pulsar.
     */
    public void acknowledgeCumulative(final MessageId messageId) throws MagnetarClientException
    {
        consumerOf(messageId).acknowledgeCumulative(messageId);
    }

    /**
     * {@inheritDoc} Only the message's topic moves, as its id names it.
     */
    public void seek(final MessageId messageId) throws MagnetarClientException
    {
        if (null == messageId || MessageId.EARLIEST == messageId || MessageId.LATEST == messageId)
        {
            throw new MagnetarClientException("seek on a consumer of several topics takes a message's id (every " +
                "topic moves by time with seek(publishTime)), not " + messageId);
        }
        consumerOf(messageId).seek(messageId);
    }

    /**
     * {@inheritDoc} Every topic moves.
     */
    public void seek(final long publishTime) throws MagnetarClientException
    {
        for (final Consumer consumer : consumers)
        {
            consumer.seek(publishTime);
        }
    }

    /**
     * {@inheritDoc} On every topic: one that refuses stops the others that follow it.
     */
    public void unsubscribe() throws MagnetarClientException
    {
        for (final Consumer consumer : consumers)
        {
            consumer.unsubscribe();
        }
        close();
    }

    /**
     * {@inheritDoc}
     */
    public void negativeAcknowledge(final MessageId messageId) throws MagnetarClientException
    {
        consumerOf(messageId).negativeAcknowledge(messageId);
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
        consumerOf(message.getMessageId()).negativeAcknowledge(message);
    }

    /**
     * {@inheritDoc} Needs the retry topic: {@link ConsumerBuilder#enableRetry(boolean)}.
     */
    public void reconsumeLater(final Message message, final long delay, final TimeUnit unit)
        throws MagnetarClientException
    {
        if (null == retryLetters)
        {
            throw new MagnetarClientException("reconsumeLater needs enableRetry(true) on the consumer's builder");
        }
        if (null == message)
        {
            throw new MagnetarClientException("message is null");
        }
        retryLetters.reconsumeLater(message, delay, unit);
        acknowledge(message.getMessageId());
    }

    /**
     * Not for several topics: a position does not say which topic it is in.
     *
     * @throws MagnetarClientException always: acknowledge the message, its id or its view instead.
     */
    public void acknowledge(final int shard, final long position) throws MagnetarClientException
    {
        throw new MagnetarClientException("a consumer of several topics needs a message's topic: acknowledge the " +
            "Message, its MessageId or the MessageView, not " + shard + ":" + position);
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
        consumerOf(message.getTopicName(), message.shard() + ":" + message.position()).acknowledge(message);
    }

    /**
     * {@inheritDoc}
     */
    public synchronized void close() throws MagnetarClientException
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        if (null != onClose)
        {
            onClose.run();
        }
        MagnetarClientException failure = null;
        for (final Consumer consumer : consumers)
        {
            try
            {
                consumer.close();
            }
            catch (final MagnetarClientException ex)
            {
                failure = null == failure ? ex : failure;
            }
        }
        if (null != retryLetters)
        {
            retryLetters.close();
        }
        if (null != failure)
        {
            throw failure;
        }
    }

    /**
     * @return a short description for logs.
     */
    public String toString()
    {
        return "MultiTopicsConsumer{topics=" + getTopic() + ", subscription=" + subscription + '}';
    }

    private void checkOpen() throws MagnetarClientException
    {
        if (isClosed)
        {
            throw new MagnetarClientException("consumer of topics " + getTopic() + " subscription '" +
                subscription + "' is closed");
        }
    }

    private Consumer consumerOf(final MessageId messageId) throws MagnetarClientException
    {
        if (null == messageId)
        {
            throw new MagnetarClientException("message id is null");
        }
        return consumerOf(messageId.topic(), messageId.toString());
    }

    private Consumer consumerOf(final String topic, final String what) throws MagnetarClientException
    {
        if (null == topic)
        {
            throw new MagnetarClientException("message id " + what + " does not name its topic: a consumer of " +
                "several topics acknowledges the Message or the MessageId it received");
        }
        int index = indexOf(topic);
        if (index < 0)
        {
            index = indexOf(PartitionFactory.partitionedTopicOf(topic)); // a partition of a partitioned topic
        }
        if (index < 0)
        {
            throw new MagnetarClientException("message " + what + " is from topic '" + topic + "', not one of " +
                getTopic());
        }
        return consumers[index];
    }

    private int indexOf(final String topic)
    {
        final String[] topics = this.topics;
        for (int i = 0; i < topics.length; i++)
        {
            if (topics[i].equals(topic))
            {
                return i;
            }
        }
        return -1;
    }
}

package io.magnetar.client;

import java.util.UUID;

/**
 * Settings of a new {@link Reader}; get one from {@link MagnetarClient#newReader()}.
 */
public final class ReaderBuilder
{
    private final ConsumerRegistry consumers;
    private String topic;
    private MessageId startMessageId;
    private boolean startMessageIdInclusive;
    private String readerName;
    private int receiverQueueSize = MagnetarClient.Configuration.receiverQueueSize();

    ReaderBuilder(final ConsumerRegistry consumers)
    {
        this.consumers = consumers;
    }

    /**
     * @param topic to read, e.g. {@code persistent://public/default/demo}; required (not a partitioned topic's
     *              name: read its partitions, {@code TOPIC-partition-N}).
     * @return this for a fluent API.
     */
    public ReaderBuilder topic(final String topic)
    {
        this.topic = topic;
        return this;
    }

    /**
     * @param messageId where to start: {@link MessageId#EARLIEST}, {@link MessageId#LATEST} or a message's id (read
     *                  from the message after it, unless {@link #startMessageIdInclusive()}); required.
     * @return this for a fluent API.
     */
    public ReaderBuilder startMessageId(final MessageId messageId)
    {
        this.startMessageId = messageId;
        return this;
    }

    /**
     * Start at the start message itself, not after it.
     *
     * @return this for a fluent API.
     */
    public ReaderBuilder startMessageIdInclusive()
    {
        this.startMessageIdInclusive = true;
        return this;
    }

    /**
     * @param readerName of the reader's subscription; default {@code reader-} and a random suffix.
     * @return this for a fluent API.
     */
    public ReaderBuilder readerName(final String readerName)
    {
        this.readerName = readerName;
        return this;
    }

    /**
     * @param receiverQueueSize most messages the broker pushes ahead; default as consumers'.
     * @return this for a fluent API.
     */
    public ReaderBuilder receiverQueueSize(final int receiverQueueSize)
    {
        this.receiverQueueSize = receiverQueueSize;
        return this;
    }

    /**
     * Subscribe on the broker and start reading.
     *
     * @return the reader.
     * @throws MagnetarClientException if the settings are invalid, the broker refused, or it did not answer in time.
     */
    public Reader create() throws MagnetarClientException
    {
        if (null == startMessageId)
        {
            throw new MagnetarClientException(
                "reader start message id is not set (MessageId.EARLIEST, MessageId.LATEST or a message's id)");
        }
        if (null == topic || topic.isBlank())
        {
            throw new MagnetarClientException("reader topic is not set");
        }
        if (receiverQueueSize < 1)
        {
            throw new MagnetarClientException("receiverQueueSize must be at least 1, not " + receiverQueueSize);
        }

        final ReaderImpl reader = new ReaderImpl(this, consumers);
        reader.open(startMessageId, startMessageIdInclusive, -1);
        return reader;
    }

    /**
     * @param start    where the reader's subscription starts.
     * @param position where it starts if the start names no message nor time.
     * @return a consumer of a new non-durable subscription starting there.
     * @throws MagnetarClientException if the topic is partitioned, the broker refused or did not answer in time.
     */
    ConsumerImpl subscribe(final SubscriptionStart start, final InitialPosition position)
        throws MagnetarClientException
    {
        final Consumer consumer = new ConsumerBuilder(consumers).topic(topic).subscriptionName(subscriptionName())
            .subscriptionInitialPosition(position).receiverQueueSize(receiverQueueSize).start(start).subscribe();
        if (!(consumer instanceof ConsumerImpl))
        {
            consumer.close();
            throw new MagnetarClientException("topic '" + topic + "' is partitioned: read each of its partitions " +
                "(" + topic + "-partition-N)");
        }
        return (ConsumerImpl)consumer;
    }

    private String subscriptionName()
    {
        return null == readerName ? "reader-" + UUID.randomUUID().toString().substring(0, 13) : readerName;
    }
}

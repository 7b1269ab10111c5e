package io.magnetar.client;

import java.util.concurrent.TimeUnit;

/**
 * A {@link Reader}: a consumer of a non-durable subscription of its own, opened again by each seek. Where it
 * started, and the last message it returned, answer {@link #hasMessageAvailable()} against the topic's last message.
 * One thread at a time.
 */
final class ReaderImpl implements Reader
{
    private final ReaderBuilder builder;
    private final ConsumerRegistry registry;
    private ConsumerImpl consumer;
    private MessageId lastRead;
    private Message peeked;
    /** Before any read: everything after it is available; null for everything the topic holds. */
    private MessageId availableAfter;
    private boolean startsAtTime;

    ReaderImpl(final ReaderBuilder builder, final ConsumerRegistry registry)
    {
        this.builder = builder;
        this.registry = registry;
    }

    /**
     * Subscribe at a message ({@link MessageId#EARLIEST}, {@link MessageId#LATEST} or an id), or at a time.
     */
    void open(final MessageId start, final boolean inclusive, final long publishTime) throws MagnetarClientException
    {
        registry.checkBrokerSupports(8, "readers");
        lastRead = null;
        peeked = null;
        availableAfter = null;
        startsAtTime = publishTime >= 0;
        if (startsAtTime)
        {
            consumer = builder.subscribe(new SubscriptionStart(false, -1, -1, false, publishTime),
                InitialPosition.EARLIEST);
        }
        else if (MessageId.EARLIEST == start)
        {
            consumer = builder.subscribe(SubscriptionStart.reader(null, false), InitialPosition.EARLIEST);
        }
        else if (MessageId.LATEST == start)
        {
            consumer = builder.subscribe(SubscriptionStart.reader(null, false), InitialPosition.LATEST);
            availableAfter = registry.lastMessageId(consumer);
        }
        else
        {
            consumer = builder.subscribe(SubscriptionStart.reader(start, inclusive), InitialPosition.EARLIEST);
            if (!inclusive)
            {
                availableAfter = start;
            }
            else if (start.position() > 0)
            {
                availableAfter = new MessageId(start.shard(), start.position() - 1);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public String getTopic()
    {
        return consumer.getTopic();
    }

    /**
     * {@inheritDoc}
     */
    public Message readNext() throws MagnetarClientException
    {
        final Message message = null != peeked ? peeked : consumer.receive();
        return read(message);
    }

    /**
     * {@inheritDoc}
     */
    public Message readNext(final long timeout, final TimeUnit unit) throws MagnetarClientException
    {
        final Message message = null != peeked ? peeked : consumer.receive(timeout, unit);
        return read(message);
    }

    /**
     * {@inheritDoc} After a seek by time and before the first read, it waits a little for a message instead.
     */
    public boolean hasMessageAvailable() throws MagnetarClientException
    {
        if (null == peeked)
        {
            peeked = consumer.receive(startsAtTime && null == lastRead ? 500 : 0, TimeUnit.MILLISECONDS);
        }
        if (null != peeked)
        {
            return true;
        }
        if (startsAtTime && null == lastRead)
        {
            return false;
        }

        final MessageId last = registry.lastMessageId(consumer);
        if (null == last)
        {
            return false;
        }
        final MessageId after = null != lastRead ? lastRead : availableAfter;
        if (null == after)
        {
            return true;
        }

        return last.position() > after.position() ||
            (last.position() == after.position() && after.batchIndex() >= 0 &&
            after.batchIndex() < after.batchSize() - 1);
    }

    /**
     * {@inheritDoc}
     */
    public void seek(final MessageId messageId) throws MagnetarClientException
    {
        if (null == messageId)
        {
            throw new MagnetarClientException("message id is null");
        }
        consumer.close();
        open(messageId, true, -1);
    }

    /**
     * {@inheritDoc}
     */
    public void seek(final long publishTime) throws MagnetarClientException
    {
        if (publishTime < 0)
        {
            throw new MagnetarClientException("publish time must not be negative: " + publishTime);
        }
        consumer.close();
        open(null, false, publishTime);
    }

    /**
     * {@inheritDoc}
     */
    public void close() throws MagnetarClientException
    {
        consumer.close();
    }

    private Message read(final Message message)
    {
        peeked = null;
        if (null != message)
        {
            lastRead = message.getMessageId();
        }
        return message;
    }
}

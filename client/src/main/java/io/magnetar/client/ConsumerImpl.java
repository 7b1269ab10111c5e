package io.magnetar.client;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A consumer of one topic (or of one partition of a partitioned topic): its permits, acknowledgements, the calls of
 * its API and its part in a session's restore; what comes in is its {@link MessageIntake}'s. See {@link Consumer}
 * for the contract.
 */
final class ConsumerImpl extends Restorable implements Consumer
{
    private final ConsumerRegistry registry;
    private final Connector connector;
    private final RequestTracker requests;
    private final SessionLiveness liveness;
    private final long consumerId;
    private final String topic;
    private final String subscription;
    private final String consumerName;
    private final SubscriptionType subscriptionType;
    private final long operationTimeoutNs;
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final BatchAcks batchAcks = new BatchAcks();
    private final ConsumerAcks acks;
    private final MessageIntake intake;
    private final ConsumerPermits permits;
    private volatile long restoredEpoch;
    private final Object closeLock = new Object();
    private long droppedMessageCount;
    private volatile boolean isClosed;
    private volatile boolean closedByBroker;
    private volatile boolean isWatched;
    private volatile long lastPushedPosition = -1; // readers only
    private final ConsumerSettings settings;

    ConsumerImpl(
        final ConsumerRegistry registry,
        final Connector connector,
        final long consumerId,
        final String topic,
        final String subscription,
        final String consumerName,
        final SubscriptionType subscriptionType,
        final int receiverQueueSize,
        final int receiveBufferLength,
        final boolean ackReceiptEnabled,
        final ConsumerSettings consumerSettings)
    {
        this.acks = new ConsumerAcks(connector, consumerId, ackReceiptEnabled, batchAcks, consumerSettings);
        this.settings = consumerSettings;
        final DeadLetters deadLetters = null == consumerSettings.deadLetterPolicy ? null :
            new DeadLetters(consumerSettings.deadLetterPolicy, registry.producers(), topic, subscription);
        this.registry = registry;
        this.connector = connector;
        this.requests = connector.requests();
        this.liveness = connector.liveness();
        this.consumerId = consumerId;
        this.topic = topic;
        this.subscription = subscription;
        this.consumerName = consumerName;
        this.subscriptionType = subscriptionType;
        this.permits = new ConsumerPermits(connector, consumerId, receiverQueueSize,
            "topic '" + topic + "' subscription '" + subscription + "'");
        final ChunkAssembler chunks =
            new ChunkAssembler(topic, consumerSettings, this::ackDropped, connector.errorHandler());
        acks.chunks(chunks);
        this.operationTimeoutNs = connector.operationTimeoutNs();
        this.intake = new MessageIntake(this, topic, subscription, new ReceiveRing(receiveBufferLength,
            receiverQueueSize), new EntryUnpacker(topic, batchAcks), chunks, deadLetters, acks, consumerSettings,
            connector.errorHandler());
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
        return consumerName;
    }

    ConsumerSettings settings()
    {
        return settings;
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
        return isClosed || closedByBroker;
    }

    /**
     * {@inheritDoc}
     */
    public Message receive() throws MagnetarClientException
    {
        final Message message = receive(operationTimeoutNs, TimeUnit.NANOSECONDS);
        if (null == message)
        {
            throw new MagnetarClientException.TimeoutException("no message on topic '" + topic + "' subscription '" +
                subscription + "' within " + TimeUnit.NANOSECONDS.toMillis(operationTimeoutNs) + " ms");
        }

        return message;
    }

    /**
     * {@inheritDoc}
     */
    public Message receive(final long timeout, final TimeUnit unit) throws MagnetarClientException
    {
        enterCall();
        Message message = takeMessage();
        if (null == message && timeout > 0)
        {
            requests.checkNotConductorThread("receive");
            final long deadlineNs = System.nanoTime() + unit.toNanos(timeout);
            final IdleStrategy idleStrategy = Connector.continuedWaitingIdleStrategy();
            while (null == (message = takeMessage()))
            {
                checkOpen();
                liveness.checkConnected();
                if (System.nanoTime() - deadlineNs >= 0)
                {
                    return null;
                }
                if (Thread.currentThread().isInterrupted())
                {
                    throw new MagnetarClientException("interrupted while waiting for a message");
                }
                if (0 == connector.helpDutyCycle())
                {
                    idleStrategy.idle();
                }
            }
            idleStrategy.idle(1);
        }

        return message;
    }

    /**
     * What {@code receive} and {@code poll} do first: refuse when closed, disconnected or called from a handler, and
     * run the client's duty cycle if the conductor thread does not.
     */
    private void enterCall() throws MagnetarClientException
    {
        checkOpen();
        liveness.checkConnected();
        checkNotInHandler();
        connector.helpDutyCycle();
    }

    /**
     * {@inheritDoc}
     */
    public int poll(final MessageHandler handler, final int limit) throws MagnetarClientException
    {
        enterCall();

        return readRing(handler, limit);
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

        checkOpen();
        acks.acknowledge(messageId.shard(), messageId.position(), messageId.batchIndex(), messageId.batchSize(),
            restoredEpoch);
    }

    /**
     * {@inheritDoc}
     */
    public void acknowledge(final int shard, final long position) throws MagnetarClientException
    {
        checkOpen();
        acks.acknowledgeEntry(shard, position, restoredEpoch);
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
        checkOpen();
        acks.acknowledge(message.shard(), message.position(), message.batchIndex(), message.batchSize(),
            restoredEpoch);
    }

    /**
     * {@inheritDoc}
     */
    public void acknowledgeCumulative(final MessageId messageId) throws MagnetarClientException
    {
        if (null == messageId)
        {
            throw new MagnetarClientException("message id is null");
        }
        if (SubscriptionType.SHARED == subscriptionType || SubscriptionType.KEY_SHARED == subscriptionType)
        {
            throw new MagnetarClientException("cumulative acks are not allowed on " + subscriptionType +
                " subscription '" + subscription + "'");
        }
        checkOpen();
        connector.checkBrokerSupports(8, "cumulative acks");
        acks.acknowledgeCumulative(messageId.shard(), messageId.position(), messageId.batchIndex(),
            messageId.batchSize(), restoredEpoch);
    }

    /**
     * {@inheritDoc}
     */
    public void seek(final MessageId messageId) throws MagnetarClientException
    {
        checkOpen();
        registry.seek(this, messageId, -1);
    }

    /**
     * {@inheritDoc}
     */
    public void seek(final long publishTime) throws MagnetarClientException
    {
        checkOpen();
        registry.seek(this, null, Math.max(0, publishTime));
    }

    /**
     * A seek: the broker no longer has this consumer; drop what it pushed before and the permits it granted.
     *
     * @return the permits, granted again once it subscribed again.
     */
    long restoredEpoch()
    {
        return restoredEpoch;
    }

    void flushAcks(final long deadlineNs) throws MagnetarClientException
    {
        acks.flush(deadlineNs, restoredEpoch);
    }

    ConsumerPermits discardReceived()
    {
        receiveLock.lock();
        try
        {
            intake.discardAll();
            permits.reset();
            return permits;
        }
        finally
        {
            receiveLock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void negativeAcknowledge(final MessageId messageId) throws MagnetarClientException
    {
        negativeAcknowledge(messageId, 0);
    }

    /**
     * {@inheritDoc}
     */
    public void negativeAcknowledge(final Message message) throws MagnetarClientException
    {
        negativeAcknowledge(null == message ? null : message.getMessageId(),
            null == message ? 0 : message.getRedeliveryCount());
    }

    private void negativeAcknowledge(final MessageId messageId, final int redeliveryCount)
        throws MagnetarClientException
    {
        if (null == messageId)
        {
            throw new MagnetarClientException("message id is null");
        }
        checkOpen();
        connector.checkBrokerSupports(8, "negative acks");
        acks.negativeAcknowledge(messageId.shard(), messageId.position(), redeliveryCount);
        watchTimers();
    }

    private void watchTimers() throws MagnetarClientException
    {
        if (!isWatched)
        {
            connector.conductor().watchTimers(this, System.nanoTime() + operationTimeoutNs);
            isWatched = true;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void close() throws MagnetarClientException
    {
        requests.checkNotConductorThread("close a consumer");
        close(System.nanoTime() + operationTimeoutNs, true);
    }

    /**
     * Close with a given deadline.
     *
     * @param deadlineNs    bound on the whole close.
     * @param closeOnBroker false to skip the broker round trip (the session is already gone).
     * @throws MagnetarClientException if the broker refused or did not answer in time.
     */
    void close(final long deadlineNs, final boolean closeOnBroker) throws MagnetarClientException
    {
        synchronized (closeLock)
        {
            if (isClosed)
            {
                return;
            }
            isClosed = true;
        }

        try
        {
            if (closeOnBroker && closedByBroker)
            {
                closeDetachedOnBroker(deadlineNs);
            }
            else if (closeOnBroker)
            {
                acks.flush(deadlineNs, restoredEpoch); // the grouped acks go before the close
                registry.closeOnBroker(consumerId, topic, subscription, deadlineNs);
            }
        }
        finally
        {
            registry.onClosed(this, deadlineNs);
            receiveLock.lock(); // the overflow queue has one taker at a time
            try
            {
                intake.close();
            }
            finally
            {
                receiveLock.unlock();
            }
        }
    }

    /**
     * Grant the broker the first permits, after it confirmed the subscription.
     *
     * @param deadlineNs bound on offering the grant.
     * @throws MagnetarClientException if the grant could not be offered.
     */
    void start(final long deadlineNs) throws MagnetarClientException
    {
        permits.start(deadlineNs, restoredEpoch);
    }

    /**
     * The reconnector's thread, once the session is restored: subscribe again with the same id. A durable
     * subscription's consumer drops what its ring holds and grants a whole receiver queue, since the broker delivers
     * again, in order, all that was not acknowledged (so a key or a producer's order holds across the restore); a
     * reader goes on after the last entry pushed to it and grants the permits the lost session had not used.
     *
     * @param deadlineNs bound on the restore.
     * @param epoch      of the loss being restored: from then on this consumer's acks and grants go out.
     * @throws MagnetarClientException if the broker refused the subscription or did not answer in time.
     */
    void restore(final long deadlineNs, final long epoch) throws MagnetarClientException
    {
        if (isClosed || closedByBroker)
        {
            return;
        }
        if (settings.start.durable && topic.startsWith("persistent://"))
        {
            // as Pulsar: the broker delivers again all that is unacknowledged, in order, so what the ring holds goes
            final ConsumerPermits permits = discardReceived();
            registry.subscribeOnBroker(this, deadlineNs);
            permits.start(deadlineNs, restoredEpoch);
        }
        else
        {
            registry.subscribeOnBroker(this, deadlineNs);
            permits.restore(deadlineNs, restoredEpoch);
        }
        restoredEpoch = epoch;
    }

    /**
     * @return where the consumer subscribes again after a restore: a durable subscription where its cursor is, a
     * reader's after the last entry pushed to it (what its ring holds is still read).
     */
    SubscriptionStart restartPoint()
    {
        return settings.start.restartAfter(intake.lastReadShard(), lastPushedPosition);
    }

    /**
     * @param epoch of the loss being restored.
     * @return true if this consumer needs nothing more for it: restored in it, or closed.
     */
    boolean isRestoredIn(final long epoch)
    {
        return isClosed || closedByBroker || restoredEpoch == epoch;
    }

    /**
     * The reconnector gave up on this consumer (the broker refused it): it receives nothing more.
     */
    void onRestoreFailed(final String reason)
    {
        isClosed = true;
    }

    /**
     * @return the id the client gave this consumer.
     */
    long consumerId()
    {
        return consumerId;
    }

    /**
     * Conductor: the broker pushed a message; queue its frame for the application.
     *
     * @param buffer    holding the frame.
     * @param offset    of the frame's message header.
     * @param length    of the frame.
     * @param position  of the message id, for the error if it has to be dropped.
     */
    void onMessageFrame(final DirectBuffer buffer, final int offset, final int length, final long position)
    {
        permits.onPushed();
        if (!settings.start.durable)
        {
            lastPushedPosition = position;
        }
        if (intake.write(buffer, offset, length))
        {
            return;
        }

        droppedMessageCount++;
        connector.errorHandler().onError(new MagnetarClientException("consumer on topic '" + topic +
            "' subscription '" + subscription + "': the broker pushed more messages than permitted; dropped " +
            "the message at position " + position + " (" + droppedMessageCount + " dropped so far)"));
    }

    /**
     * @return true if the conductor must look at this consumer's acks every cycle (grouped acks, ack timeout).
     */
    boolean hasTimers()
    {
        return acks.hasTimers();
    }

    /**
     * Conductor: send the grouped acks that are due and ask for what is due to go again; never waits.
     *
     * @param nowNs current {@link System#nanoTime()}.
     * @return frames sent.
     */
    int onTimers(final long nowNs)
    {
        return isClosed ? 0 : acks.onTimers(nowNs, restoredEpoch);
    }

    /**
     * Conductor: the consumer was removed from routing.
     */
    void onRemoved()
    {
        isClosed = true;
    }

    private Message takeMessage()
    {
        receiveLock.lock();
        try
        {
            readRing(null, 1);
            return intake.takeReceived();
        }
        finally
        {
            receiveLock.unlock();
        }
    }

    /**
     * Hand at most {@code limit} messages of the ring to a handler, or make a {@link Message} of one for
     * {@link #receive()} when the handler is null, and count them as taken.
     *
     * @param handler of {@link #poll(MessageHandler, int)}, or null.
     * @param limit   most messages.
     * @return messages taken.
     */
    private int readRing(final MessageHandler handler, final int limit)
    {
        receiveLock.lock();
        try
        {
            return intake.read(handler, limit);
        }
        finally
        {
            if (!isClosed)
            {
                permits.onTaken(intake.framesTaken(), restoredEpoch);
            }
            receiveLock.unlock();
        }
    }

    /**
     * Have the conductor watch this consumer's timers (a negative ack's delay); a failure goes to the error handler.
     */
    void watchTimersQuietly()
    {
        try
        {
            watchTimers();
        }
        catch (final MagnetarClientException notWatched)
        {
            connector.errorHandler().onError(notWatched); // it comes again when the consumer reconnects
        }
    }

    /**
     * An entry of a malformed batch, a dead chunked message or an unreadable payload: acknowledged so it does not
     * come back.
     */
    void ackDropped(final int shard, final long position)
    {
        acks.ackDropped(shard, position, restoredEpoch);
    }

    private void checkNotInHandler() throws MagnetarClientException
    {
        if (receiveLock.isHeldByCurrentThread())
        {
            throw new MagnetarClientException("receive and poll cannot be called from a message handler of the same " +
                "consumer");
        }
    }

    private void checkOpen() throws MagnetarClientException
    {
        if (isClosed)
        {
            throw new MagnetarClientException(
                "consumer on topic '" + topic + "' subscription '" + subscription + "' is closed");
        }
        if (closedByBroker)
        {
            throw new MagnetarClientException(MagnetarClientException.ErrorCode.CONSUMER_NOT_FOUND, "consumer on " +
                "topic '" + topic + "' subscription '" + subscription + "' was closed by the broker: its " +
                "subscription was deleted");
        }
    }

    /**
     * The conductor: the broker closed this consumer (its subscription was deleted by force); it receives nothing
     * more and is not subscribed again after a reconnect.
     */
    void onClosedByBroker()
    {
        closedByBroker = true;
    }

    /**
     * {@inheritDoc}
     */
    public void unsubscribe() throws MagnetarClientException
    {
        requests.checkNotConductorThread("unsubscribe");
        checkOpen();
        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        acks.flush(deadlineNs, restoredEpoch);
        registry.unsubscribe(this);
        closedByBroker = true; // a session restored before the close must not make the subscription again
        close(deadlineNs, true);
    }

    /**
     * Close a consumer the broker detached (its subscription was deleted): the broker keeps it until this close, or
     * forgot it already if the session was restored since.
     */
    private void closeDetachedOnBroker(final long deadlineNs) throws MagnetarClientException
    {
        try
        {
            registry.closeOnBroker(consumerId, topic, subscription, deadlineNs);
        }
        catch (final MagnetarClientException ex)
        {
            if (MagnetarClientException.ErrorCode.CONSUMER_NOT_FOUND != ex.errorCode())
            {
                throw ex;
            }
        }
    }

    /**
     * @return a short description for logs.
     */
    public String toString()
    {
        return "Consumer{topic=" + topic + ", subscription=" + subscription + ", consumerName=" + consumerName +
            ", consumerId=" + consumerId + '}';
    }
}

package io.magnetar.client;

import org.agrona.concurrent.IdleStrategy;
import org.jctools.queues.SpmcArrayQueue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Receives the messages of one subscription on one topic. Create it with {@link MagnetarClient#newConsumer()}.
 * Thread-safe: many threads may receive and acknowledge at once.
 * <p>
 * The broker pushes at most {@link ConsumerBuilder#receiverQueueSize(int)} messages ahead of the application; each
 * time the application has taken half of that many, the consumer grants the broker as many new permits.
 * <p>
 * When the client loses its session with the broker, waiting and later receives and acknowledgements fail with
 * {@link MagnetarClientException.ConnectionLostException}; messages not yet received are not handed out, since they
 * could no longer be acknowledged (the broker delivers them again to the next consumer of the subscription).
 */
public final class Consumer implements AutoCloseable
{
    private final ConsumerRegistry registry;
    private final Connector connector;
    private final RequestTracker requests;
    private final SessionLiveness liveness;
    private final IngressProxy ingressProxy;
    private final long consumerId;
    private final String topic;
    private final String subscription;
    private final String consumerName;
    private final SubscriptionType subscriptionType;
    private final int receiverQueueSize;
    private final boolean ackReceiptEnabled;
    private final int flowBatch;
    private final long operationTimeoutNs;
    private final SpmcArrayQueue<Message> incomingMessages;
    private final AtomicInteger takenSinceFlow = new AtomicInteger();
    private final AtomicInteger unsentPermits = new AtomicInteger();
    private final Object closeLock = new Object();
    private long droppedMessageCount;
    private volatile boolean isClosed;

    Consumer(
        final ConsumerRegistry registry,
        final Connector connector,
        final long consumerId,
        final String topic,
        final String subscription,
        final String consumerName,
        final SubscriptionType subscriptionType,
        final int receiverQueueSize,
        final boolean ackReceiptEnabled)
    {
        this.ackReceiptEnabled = ackReceiptEnabled;
        this.registry = registry;
        this.connector = connector;
        this.requests = connector.requests();
        this.liveness = connector.liveness();
        this.ingressProxy = connector.ingressProxy();
        this.consumerId = consumerId;
        this.topic = topic;
        this.subscription = subscription;
        this.consumerName = consumerName;
        this.subscriptionType = subscriptionType;
        this.receiverQueueSize = receiverQueueSize;
        this.flowBatch = Math.max(1, receiverQueueSize / 2);
        this.operationTimeoutNs = connector.operationTimeoutNs();
        this.incomingMessages = new SpmcArrayQueue<>(Math.max(2, receiverQueueSize));
    }

    /**
     * @return the topic, as it was named when subscribing.
     */
    public String getTopic()
    {
        return topic;
    }

    /**
     * @return the subscription name.
     */
    public String getSubscription()
    {
        return subscription;
    }

    /**
     * @return the consumer name given when subscribing; empty if none was given.
     */
    public String getConsumerName()
    {
        return consumerName;
    }

    /**
     * @return the subscription type.
     */
    public SubscriptionType getSubscriptionType()
    {
        return subscriptionType;
    }

    /**
     * @return true once {@link #close()} was called or the client closed.
     */
    public boolean isClosed()
    {
        return isClosed;
    }

    /**
     * Wait for the next message, at most the client's operation timeout.
     *
     * @return the next message.
     * @throws MagnetarClientException.TimeoutException if no message arrived in time.
     * @throws MagnetarClientException                  if the consumer is closed, the connection to the broker was
     *                                                  lost, or the thread was interrupted.
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
     * Wait for the next message.
     *
     * @param timeout longest wait; zero or less only takes a message that is already there.
     * @param unit    of the timeout.
     * @return the next message, or null if none arrived in time.
     * @throws MagnetarClientException if the consumer is closed, the connection to the broker was lost, or the thread
     *                                 was interrupted.
     */
    public Message receive(final long timeout, final TimeUnit unit) throws MagnetarClientException
    {
        checkOpen();
        liveness.checkConnected();
        Message message = incomingMessages.poll();
        if (null == message && timeout > 0)
        {
            requests.checkNotConductorThread("receive");
            final long deadlineNs = System.nanoTime() + unit.toNanos(timeout);
            final IdleStrategy idleStrategy = Connector.continuedWaitingIdleStrategy();
            while (null == (message = incomingMessages.poll()))
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
                idleStrategy.idle();
            }
            idleStrategy.idle(1);
        }

        if (null != message)
        {
            onMessageTaken();
        }

        return message;
    }

    /**
     * Acknowledge a message, so the broker does not deliver it again on this subscription.
     *
     * @param message to acknowledge.
     * @throws MagnetarClientException if the consumer is closed, the connection to the broker was lost, or the
     *                                 acknowledgement could not be sent.
     */
    public void acknowledge(final Message message) throws MagnetarClientException
    {
        if (null == message)
        {
            throw new MagnetarClientException("message is null");
        }

        acknowledge(message.getMessageId());
    }

    /**
     * Acknowledge a message by id. The acknowledgement is not answered; a failure the broker reports later goes to
     * the client's error handler.
     *
     * @param messageId of the message to acknowledge.
     * @throws MagnetarClientException if the consumer is closed, the connection to the broker was lost, or the
     *                                 acknowledgement could not be sent.
     */
    public void acknowledge(final MessageId messageId) throws MagnetarClientException
    {
        if (null == messageId)
        {
            throw new MagnetarClientException("message id is null");
        }
        checkOpen();
        liveness.checkConnected();

        if (ackReceiptEnabled)
        {
            acknowledgeWithReceipt(messageId, System.nanoTime() + operationTimeoutNs);
            return;
        }

        ingressProxy.ack(
            requests.nextCorrelationId(),
            consumerId,
            messageId.shard(),
            messageId.position(),
            System.nanoTime() + operationTimeoutNs);
    }

    /**
     * Acknowledge a message and wait until the broker has stored the acknowledgement.
     *
     * @param messageId  of the message.
     * @param deadlineNs bound on the wait.
     * @throws MagnetarClientException if the broker refused or did not answer in time.
     */
    private void acknowledgeWithReceipt(final MessageId messageId, final long deadlineNs)
        throws MagnetarClientException
    {
        connector.checkBrokerSupports(2, "acknowledgement receipts");
        final PendingRequest request = requests.register(EgressAdapter.SUCCESS, deadlineNs);
        requests.send(request, deadlineNs, (correlationId, offerDeadlineNs) -> ingressProxy.ackWithReceipt(
            correlationId, consumerId, messageId.shard(), messageId.position(), offerDeadlineNs));
        requests.await(request, deadlineNs, "acknowledge " + messageId);
    }

    /**
     * Close the consumer: ask the broker to close it and wait for the answer. Messages not yet received are dropped.
     * Closing twice does nothing. After the connection to the broker was lost, the consumer is closed in the client
     * only, without waiting for the broker.
     *
     * @throws MagnetarClientException if the broker refused or did not answer in time; the consumer is closed anyway.
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
            if (closeOnBroker)
            {
                registry.closeOnBroker(consumerId, topic, subscription, deadlineNs);
            }
        }
        finally
        {
            registry.onClosed(this, deadlineNs);
            incomingMessages.clear();
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
        ingressProxy.flow(requests.nextCorrelationId(), consumerId, receiverQueueSize, deadlineNs);
    }

    /**
     * @return the id the client gave this consumer.
     */
    long consumerId()
    {
        return consumerId;
    }

    /**
     * Conductor: the broker pushed a message.
     *
     * @param message to queue for the application.
     */
    void onMessage(final Message message)
    {
        if (!incomingMessages.offer(message))
        {
            droppedMessageCount++;
            connector.errorHandler().onError(new MagnetarClientException("consumer on topic '" + topic +
                "' subscription '" + subscription + "': the broker pushed more messages than permitted; dropped " +
                message.getMessageId() + " (" + droppedMessageCount + " dropped so far)"));
        }
    }

    /**
     * Conductor: the consumer was removed from routing.
     */
    void onRemoved()
    {
        isClosed = true;
    }

    private void onMessageTaken()
    {
        if (takenSinceFlow.incrementAndGet() == flowBatch)
        {
            takenSinceFlow.addAndGet(-flowBatch);
            final int permits = flowBatch + unsentPermits.getAndSet(0);
            if (isClosed)
            {
                return;
            }

            try
            {
                ingressProxy.flow(
                    requests.nextCorrelationId(), consumerId, permits, System.nanoTime() + operationTimeoutNs);
            }
            catch (final MagnetarClientException ex)
            {
                unsentPermits.addAndGet(permits);
                connector.errorHandler().onError(new MagnetarClientException(
                    "could not grant " + permits + " permits for topic '" + topic + "' subscription '" +
                    subscription + "'; they go with the next grant", ex));
            }
        }
    }

    private void checkOpen() throws MagnetarClientException
    {
        if (isClosed)
        {
            throw new MagnetarClientException(
                "consumer on topic '" + topic + "' subscription '" + subscription + "' is closed");
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

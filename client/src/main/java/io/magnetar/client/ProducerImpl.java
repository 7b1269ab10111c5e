package io.magnetar.client;

import org.agrona.DirectBuffer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A producer of one topic (or of one partition of a partitioned topic): its send window, retained frames, batcher and
 * chunker, and its part in a session's restore. See {@link Producer} for the contract.
 */
final class ProducerImpl extends Restorable implements Producer, MessageSink
{
    /**
     * The send timeout of a producer built with {@code sendTimeout(Duration.ZERO)}: no limit (about 146 years).
     */
    static final long NO_SEND_TIMEOUT_NS = Long.MAX_VALUE / 2;

    /**
     * Room in an ingress frame beside a batch's payload: the headers, the fixed fields and the entry's metadata.
     */
    static final int ENTRY_FRAME_HEADROOM = 1024;

    private final ProducerRegistry registry;
    private final Connector connector;
    private final RequestTracker requests;
    private final SessionLiveness liveness;
    private final IngressProxy ingressProxy;
    private final long producerId;
    private final String topic;
    private final String producerName;
    private final long operationTimeoutNs;
    private final long sendTimeoutNs;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final SendWindow window;
    private final RetainedSends retained;
    private volatile long restoredEpoch;
    private final SendRoom room;
    private volatile boolean isClosed;
    private final ProducerAccessMode accessMode;
    private volatile long topicEpoch;
    private volatile String fencedReason;
    private final ProducerBatcher batcher;
    private final SendPath sendPath;
    private final int maxPayloadSize;

    ProducerImpl(
        final ProducerRegistry registry,
        final Connector connector,
        final long producerId,
        final String topic,
        final String producerName,
        final long lastSequenceId,
        final int maxPendingMessages,
        final SendReceiptHandler receiptHandler,
        final long sendTimeoutNs,
        final boolean blockIfQueueFull,
        final MemoryLimit memoryLimit,
        final ProducerAccessMode accessMode,
        final long topicEpoch,
        final BatchSettings batchSettings)
    {
        this.accessMode = accessMode;
        this.topicEpoch = topicEpoch < 0 ? -1 : topicEpoch;
        this.registry = registry;
        this.connector = connector;
        this.requests = connector.requests();
        this.liveness = connector.liveness();
        this.ingressProxy = connector.ingressProxy();
        this.producerId = producerId;
        this.topic = topic;
        this.producerName = producerName;
        this.operationTimeoutNs = connector.operationTimeoutNs();
        this.sendTimeoutNs = sendTimeoutNs;

        final long firstSequenceId = lastSequenceId < 0 ? 0 : lastSequenceId + 1;
        this.window = new SendWindow(topic, maxPendingMessages, firstSequenceId, lastSequenceId, receiptHandler,
            connector.errorHandler(), sendTimeoutNs, memoryLimit);
        this.retained = new RetainedSends(window, ingressProxy);
        this.room = new SendRoom(connector, topic, maxPendingMessages, blockIfQueueFull, window, memoryLimit);
        this.batcher = batchSettings.usesContainer() ? new ProducerBatcher(batchSettings,
            Math.min(connector.maxMessageSize(), ingressProxy.maxMessageLength() - ENTRY_FRAME_HEADROOM), window,
            ingressProxy, retained, producerId, sendTimeoutNs, memoryLimit, connector.errorHandler()) : null;
        final ProducerChunker chunker = batchSettings.chunkingEnabled ? new ProducerChunker(
            0 == batchSettings.chunkMaxMessageSize ? Integer.MAX_VALUE : batchSettings.chunkMaxMessageSize,
            connector.maxMessageSize(), maxPendingMessages, window, ingressProxy, retained, batcher, producerId,
            sendTimeoutNs, topic, memoryLimit, connector, this::isClosed) : null;
        this.maxPayloadSize = null == chunker ? 0 : BatchSettings.MAX_CHUNKED_MESSAGE_SIZE;
        this.sendPath = new SendPath(
            window, room, memoryLimit, ingressProxy, retained, batcher, chunker, producerId, sendTimeoutNs);
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
    public String getProducerName()
    {
        return producerName;
    }

    /**
     * {@inheritDoc}
     */
    public long getLastSequenceId()
    {
        return window.lastStoredSequenceId();
    }

    /**
     * {@inheritDoc}
     */
    public boolean isClosed()
    {
        return isClosed || null != fencedReason;
    }

    /**
     * {@inheritDoc}
     */
    public MessageId send(final String key, final byte[] payload) throws MagnetarClientException
    {
        return send(key, payload, null);
    }

    /**
     * {@inheritDoc}
     */
    public MessageBuilder newMessage()
    {
        return new MessageBuilder(this);
    }

    public MessageId send(final String key, final byte[] payload, final byte[] metadata)
        throws MagnetarClientException
    {
        requests.checkNotConductorThread("send");
        final long deadlineNs = System.nanoTime() + sendTimeoutNs;
        return enqueue(key, payload, metadata, deadlineNs).await(connector, deadlineNs, topic, sendTimeoutNs);
    }

    /**
     * {@inheritDoc}
     */
    public CompletableFuture<MessageId> sendAsync(final String key, final byte[] payload)
    {
        return sendAsync(key, payload, null);
    }

    /**
     * {@inheritDoc}
     */
    public void checkBrokerSupports(final int protocolVersion, final String feature) throws MagnetarClientException
    {
        connector.checkBrokerSupports(protocolVersion, feature);
    }

    public CompletableFuture<MessageId> sendAsync(final String key, final byte[] payload, final byte[] metadata)
    {
        final PendingSend pending = enqueue(key, payload, metadata, System.nanoTime() + sendTimeoutNs);
        if (sendPath.sentFrame())
        {
            connector.helpDutyCycleAfterSend(); // a UDP client's embedded driver sends it now
        }

        return pending;
    }

    /**
     * {@inheritDoc}
     */
    public void flush() throws MagnetarClientException
    {
        if (isClosed())
        {
            throw new MagnetarClientException("producer on topic '" + topic + "' is closed");
        }
        liveness.checkConnected();
        if (null != batcher)
        {
            requests.checkNotConductorThread("flush");
            sendLock.lock();
            try
            {
                batcher.flush(System.nanoTime() + operationTimeoutNs, restoredEpoch);
            }
            finally
            {
                sendLock.unlock();
            }
        }
        final long targetSequenceId = window.lastOfferedSequenceId();
        if (window.lastCompletedSequenceId() >= targetSequenceId)
        {
            return;
        }

        requests.checkNotConductorThread("flush");
        window.awaitCompleted(targetSequenceId, System.nanoTime() + operationTimeoutNs, liveness, this::isClosed);
        liveness.checkConnected();
    }

    /**
     * {@inheritDoc}
     */
    public void close() throws MagnetarClientException
    {
        requests.checkNotConductorThread("close a producer");
        close(System.nanoTime() + operationTimeoutNs, true);
    }

    /**
     * Close with a given deadline.
     *
     * @param deadlineNs   bound on the whole close.
     * @param closeOnBroker false to skip the broker round trip (the session is already gone).
     * @throws MagnetarClientException if the broker refused or did not answer in time.
     */
    void close(final long deadlineNs, final boolean closeOnBroker) throws MagnetarClientException
    {
        if (!markClosed(deadlineNs))
        {
            return;
        }

        try
        {
            if (closeOnBroker)
            {
                registry.closeOnBroker(producerId, topic, deadlineNs);
            }
        }
        finally
        {
            registry.onClosed(this, deadlineNs);
        }
    }

    /**
     * @return the id the client gave this producer.
     */
    long producerId()
    {
        return producerId;
    }

    private boolean markClosed(final long deadlineNs)
    {
        boolean locked = false;
        try
        {
            locked = sendLock.tryLock(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }

        try
        {
            if (isClosed)
            {
                return false;
            }
            isClosed = true;
            return true;
        }
        finally
        {
            if (locked)
            {
                sendLock.unlock();
            }
        }
    }

    private MagnetarClientException checkSend(final String key, final byte[] payload)
    {
        final MagnetarClientException invalid =
            SendChecks.checkSend(key, payload, 0 == maxPayloadSize ? connector.maxMessageSize() : maxPayloadSize);
        if (null != invalid)
        {
            return invalid;
        }
        final String fenced = fencedReason;
        if (null != fenced)
        {
            return new MagnetarClientException(MagnetarClientException.ErrorCode.PRODUCER_FENCED, fenced);
        }
        if (isClosed)
        {
            return new MagnetarClientException("producer on topic '" + topic + "' is closed");
        }
        if (connector.isClosed())
        {
            return new MagnetarClientException("the client is closed");
        }

        return connectionLost();
    }

    private MagnetarClientException connectionLost()
    {
        final String loss = liveness.connectionLoss();
        return null == loss ? null : new MagnetarClientException.ConnectionLostException(loss);
    }

    private PendingSend enqueue(final String key, final byte[] payload, final byte[] metadata, final long deadlineNs)
    {
        final PendingSend pending = new PendingSend();
        final MagnetarClientException problem = checkSend(key, payload);
        if (null != problem)
        {
            pending.completeExceptionally(problem);
            return pending;
        }

        final int bytes = payload.length + (null == key ? 0 : key.length()) + (null == metadata ? 0 : metadata.length);
        while (true)
        {
            final MagnetarClientException noRoom = room.await(deadlineNs, bytes, this);
            if (null != noRoom)
            {
                pending.completeExceptionally(noRoom);
                return pending;
            }

            boolean locked = false;
            try
            {
                locked = sendLock.tryLock() ||
                    sendLock.tryLock(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }

            if (!locked)
            {
                pending.completeExceptionally(new MagnetarClientException.TimeoutException(
                    "timed out waiting for other sends of producer on topic '" + topic + "'"));
                return pending;
            }

            try
            {
                if (isClosed)
                {
                    pending.completeExceptionally(
                        new MagnetarClientException("producer on topic '" + topic + "' is closed"));
                    return pending;
                }

                final MagnetarClientException lost = connectionLost();
                if (null != lost)
                {
                    pending.completeExceptionally(lost);
                    return pending;
                }

                if (sendPath.send(key, payload, metadata, pending, bytes, deadlineNs, restoredEpoch))
                {
                    return pending;
                }
                // else another thread took the room or the memory: wait again, outside the lock
            }
            finally
            {
                sendLock.unlock();
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public long offer(
        final DirectBuffer keyBuffer,
        final int keyOffset,
        final int keyLength,
        final DirectBuffer buffer,
        final int offset,
        final int length) throws MagnetarClientException
    {
        SendChecks.checkOffer(keyBuffer, keyLength, buffer, length, connector.maxMessageSize());
        if (isClosed || null != fencedReason || connector.isClosed() || null != liveness.connectionLoss())
        {
            return CLOSED;
        }

        if (!sendLock.tryLock())
        {
            return BACK_PRESSURED; // another thread is sending on this producer: never wait for it
        }

        final long result;
        final boolean sentFrame;
        try
        {
            result = offerLocked(keyBuffer, keyOffset, keyLength, buffer, offset, length);
            sentFrame = sendPath.sentFrame();
        }
        finally
        {
            sendLock.unlock();
        }
        if (result >= 0 && sentFrame)
        {
            connector.helpDutyCycleAfterSend(); // a UDP client's embedded driver sends it now
        }

        return result;
    }

    private long offerLocked(
        final DirectBuffer keyBuffer,
        final int keyOffset,
        final int keyLength,
        final DirectBuffer buffer,
        final int offset,
        final int length) throws MagnetarClientException
    {
        if (isClosed)
        {
            return CLOSED;
        }

        return sendPath.offer(keyBuffer, keyOffset, keyLength, buffer, offset, length, restoredEpoch);
    }

    /**
     * @return the sends waiting for receipts: the conductor completes them (receipts, timeouts, a lost session).
     */
    SendWindow window()
    {
        return window;
    }

    /**
     * @return true if sends wait in batches, which the conductor sends when they are due.
     */
    boolean isBatching()
    {
        return null != batcher;
    }

    /**
     * Conductor: send the waiting batch if it is due; never waits, for the send lock or the ingress.
     *
     * @param nowNs current {@link System#nanoTime()}.
     * @return 1 if a batch went out, else 0.
     */
    int flushBatchIfDue(final long nowNs)
    {
        if (null == batcher || !batcher.isDue(nowNs) || !sendLock.tryLock())
        {
            return 0;
        }
        try
        {
            return isClosed ? 0 : batcher.flushIfDue(nowNs, restoredEpoch);
        }
        finally
        {
            sendLock.unlock();
        }
    }

    /**
     * Conductor: the broker refused the message with this sequence id.
     *
     * @param sequenceId from the error.
     * @param code       from the broker.
     * @param text       from the broker.
     */
    void onSendError(final long sequenceId, final MagnetarClientException.ErrorCode code, final String text)
    {
        if (sequenceId >= 0)
        {
            window.onError(sequenceId, code, text);
        }
        if (MagnetarClientException.ErrorCode.PRODUCER_FENCED == code)
        {
            // an exclusive producer took the topic (the broker says so behind the answers to the sends it stored,
            // with sequence id -1, or in answer to a later send): this one is closed, and what it still waits for
            // fails
            // closed for sending; close() still deregisters it (the broker answers the fenced id's CloseProducer)
            fencedReason = "producer on topic '" + topic + "' was fenced off: " + text;
            window.failAll(code, fencedReason);
        }
    }

    /**
     * {@inheritDoc}
     */
    public ProducerAccessMode getAccessMode()
    {
        return accessMode;
    }

    /**
     * {@inheritDoc}
     */
    public long getTopicEpoch()
    {
        return topicEpoch;
    }


    /**
     * Conductor: the producer is closed or the client is closing; fail every pending send.
     *
     * @param reason given to the pending sends.
     */
    void onRemoved(final String reason)
    {
        isClosed = true;
        window.failAll(reason, false);
    }


    /**
     * The reconnector's thread, once the session is restored: create this producer again on the broker and offer,
     * in order, every kept send that has no receipt yet, with its sequence id. Senders wait on the send lock
     * meanwhile, so nothing new overtakes them.
     *
     * @param deadlineNs bound on the whole restore.
     * @param epoch      of the loss being restored: from then on this producer's sends go out, even while other
     *                   producers and consumers are still being restored.
     * @throws MagnetarClientException if the broker refused the producer or a frame could not be offered.
     */
    void restore(final long deadlineNs, final long epoch) throws MagnetarClientException
    {
        sendLock.lock();
        try
        {
            if (isClosed || null != fencedReason)
            {
                return;
            }
            final long epochNow =
                registry.createOnBroker(producerId, topic, producerName, accessMode, topicEpoch, deadlineNs);
            topicEpoch = epochNow < 0 ? -1 : epochNow;
            retained.resend(deadlineNs);
            restoredEpoch = epoch;
        }
        finally
        {
            sendLock.unlock();
        }
    }

    /**
     * @param epoch of the loss being restored.
     * @return true if this producer needs nothing more for it: restored in it, or closed.
     */
    boolean isRestoredIn(final long epoch)
    {
        return isClosed || null != fencedReason || restoredEpoch == epoch;
    }

    /**
     * The reconnector gave up on this producer (the broker refused it): fail its pending sends and close it.
     *
     * @param reason for the failures.
     */
    void onRestoreFailed(final String reason)
    {
        isClosed = true;
        window.failAll(reason, true);
    }

    /**
     * @return a short description for logs.
     */
    public String toString()
    {
        return "Producer{topic=" + topic + ", producerName=" + producerName + ", producerId=" + producerId + '}';
    }
}

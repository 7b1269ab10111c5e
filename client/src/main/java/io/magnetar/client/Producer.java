package io.magnetar.client;

import io.aeron.Publication;
import org.agrona.DirectBuffer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes messages to one topic. Create it with {@link MagnetarClient#newProducer()}. Thread-safe: many threads may
 * send at once; messages get consecutive sequence ids in the order their sends are offered.
 * <p>
 * The broker answers the sends of a producer in order, so pending sends wait in a FIFO, bounded by
 * {@link ProducerBuilder#maxPendingMessages(int)}. A send that gets no receipt within the client's operation timeout
 * fails with {@link MagnetarClientException.TimeoutException}. When the client loses its session with the broker,
 * pending sends fail at once, and later sends too, with {@link MagnetarClientException.ConnectionLostException}.
 * <p>
 * Futures returned by {@link #sendAsync(byte[])} complete in the client's duty cycle: on its conductor thread, or on
 * an application thread inside a send, an offer, a receive or a poll, which run a cycle when the conductor thread is
 * not running one ({@code magnetar.client.help.duty.cycle}).
 * Callbacks attached to them must not block; in particular they must not call blocking methods of the client. A UDP
 * client's embedded media driver runs in that cycle too (by default), so a blocked callback also stalls the client's
 * network I/O.
 * <p>
 * Beside this Pulsar-shaped API there is an Aeron-shaped one for latency-sensitive senders:
 * {@link #offer(DirectBuffer, int, int)} copies the message from a buffer into the ingress and returns its sequence
 * id, or a negative code as Aeron's {@code Publication.offer} does, without waiting and without allocating; the
 * receipt goes to the {@link SendReceiptHandler} given to {@link ProducerBuilder#receiptHandler(SendReceiptHandler)},
 * and {@link #getLastSequenceId()} can be polled instead. Both may be used on one producer.
 */
public final class Producer extends Restorable implements AutoCloseable
{
    /**
     * {@link #offer(DirectBuffer, int, int)}: the broker is not connected to the client's ingress right now.
     */
    public static final long NOT_CONNECTED = Publication.NOT_CONNECTED;

    /**
     * {@link #offer(DirectBuffer, int, int)}: {@link ProducerBuilder#maxPendingMessages(int)} sends wait for their
     * receipt, the broker's ingress is back pressured, or another thread is sending on this producer; try again.
     */
    public static final long BACK_PRESSURED = Publication.BACK_PRESSURED;

    /**
     * {@link #offer(DirectBuffer, int, int)}: the ingress is busy with an administrative action; try again.
     */
    public static final long ADMIN_ACTION = Publication.ADMIN_ACTION;

    /**
     * {@link #offer(DirectBuffer, int, int)}: the producer or the client is closed, or the session with the broker
     * is lost.
     */
    public static final long CLOSED = Publication.CLOSED;

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

    Producer(
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
     * @return the topic this producer publishes to, as it was named when the producer was created.
     */
    public String getTopic()
    {
        return topic;
    }

    /**
     * @return the producer's name: the one asked for, or the one the broker assigned.
     */
    public String getProducerName()
    {
        return producerName;
    }

    /**
     * @return sequence id of the last message the broker confirmed, or -1 if none (the broker's value when the
     * producer was created, if it was higher).
     */
    public long getLastSequenceId()
    {
        return window.lastStoredSequenceId();
    }

    /**
     * @return true once {@link #close()} was called or the client closed.
     */
    public boolean isClosed()
    {
        return isClosed || null != fencedReason;
    }

    /**
     * Send a message without a key and wait for its receipt.
     *
     * @param payload of the message.
     * @return where the broker stored the message.
     * @throws MagnetarClientException if the broker refused the message, the send timed out, or the input is invalid.
     */
    public MessageId send(final byte[] payload) throws MagnetarClientException
    {
        return send(null, payload);
    }

    /**
     * Send a message and wait for its receipt.
     *
     * @param key     of the message, or null for none; at most {@link Protocol#MAX_KEY_LENGTH} bytes in UTF-8.
     * @param payload of the message.
     * @return where the broker stored the message.
     * @throws MagnetarClientException if the broker refused the message, the send timed out, the input is invalid
     *                                 (a key that is too long has the code {@code MESSAGE_TOO_LARGE}), or the
     *                                 connection to the broker was lost.
     */
    public MessageId send(final String key, final byte[] payload) throws MagnetarClientException
    {
        return send(key, payload, null);
    }

    /**
     * Start a message with metadata (key, properties, event time), sent with
     * {@link MessageBuilder#send()} or {@link MessageBuilder#sendAsync()}.
     *
     * @return a new builder for one message.
     */
    public MessageBuilder newMessage()
    {
        return new MessageBuilder(this);
    }

    MessageId send(final String key, final byte[] payload, final byte[] metadata) throws MagnetarClientException
    {
        requests.checkNotConductorThread("send");
        final long deadlineNs = System.nanoTime() + sendTimeoutNs;
        return enqueue(key, payload, metadata, deadlineNs).await(connector, deadlineNs, topic, sendTimeoutNs);
    }

    /**
     * Send a message without a key.
     *
     * @param payload of the message.
     * @return a future completed with where the broker stored the message, or exceptionally with a
     * {@link MagnetarClientException}.
     */
    public CompletableFuture<MessageId> sendAsync(final byte[] payload)
    {
        return sendAsync(null, payload);
    }

    /**
     * Send a message. Waits (bounded by the operation timeout) only while the pending queue is full or the ingress is
     * back pressured.
     *
     * @param key     of the message, or null for none; at most {@link Protocol#MAX_KEY_LENGTH} bytes in UTF-8.
     * @param payload of the message.
     * @return a future completed with where the broker stored the message, or exceptionally with a
     * {@link MagnetarClientException}: a key that is too long fails it at once with the code
     * {@code MESSAGE_TOO_LARGE}, before anything is sent.
     */
    public CompletableFuture<MessageId> sendAsync(final String key, final byte[] payload)
    {
        return sendAsync(key, payload, null);
    }

    CompletableFuture<MessageId> sendAsync(final String key, final byte[] payload, final byte[] metadata)
    {
        final PendingSend pending = enqueue(key, payload, metadata, System.nanoTime() + sendTimeoutNs);
        if (sendPath.sentFrame())
        {
            connector.helpDutyCycleAfterSend(); // a UDP client's embedded driver sends it now
        }

        return pending;
    }

    /**
     * Wait until every send made before this call has completed, successfully or not.
     *
     * @throws MagnetarClientException if the producer is closed, the connection to the broker was lost, or the sends
     *                                 did not complete within the operation timeout.
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
     * Close the producer: ask the broker to close it and wait for the answer. Sends still without a receipt fail.
     * Call {@link #flush()} first to wait for them. Closing twice does nothing. After the connection to the broker
     * was lost, the producer is closed in the client only, without waiting for the broker.
     *
     * @throws MagnetarClientException if the broker refused or did not answer in time; the producer is closed anyway.
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
     * Offer a message without a key: copy it into the client's ingress and return at once, without allocating.
     * After a successful offer, unless {@code magnetar.client.help.duty.cycle} is false, the calling thread runs one
     * duty cycle of the client if the conductor thread is not running one, so a UDP client's embedded driver sends
     * the message at once (receipt handlers may run in it).
     *
     * @param buffer holding the payload.
     * @param offset of the payload in the buffer.
     * @param length of the payload.
     * @return the message's sequence id (0 or more) if it was offered, else {@link #NOT_CONNECTED},
     * {@link #BACK_PRESSURED}, {@link #ADMIN_ACTION} or {@link #CLOSED}.
     * @throws MagnetarClientException if the payload is larger than the broker's maximum message size or does not
     *                                 fit the ingress's term.
     * @see SendReceiptHandler
     */
    public long offer(final DirectBuffer buffer, final int offset, final int length) throws MagnetarClientException
    {
        return offer(null, 0, 0, buffer, offset, length);
    }

    /**
     * Offer a message with a key: copy it into the client's ingress and return at once, without allocating.
     *
     * @param keyBuffer holding the key (ASCII or UTF-8 bytes), or null for none.
     * @param keyOffset of the key in its buffer.
     * @param keyLength of the key; 0 for none; at most {@link Protocol#MAX_KEY_LENGTH}.
     * @param buffer    holding the payload.
     * @param offset    of the payload in the buffer.
     * @param length    of the payload.
     * @return the message's sequence id (0 or more) if it was offered, else {@link #NOT_CONNECTED},
     * {@link #BACK_PRESSURED}, {@link #ADMIN_ACTION} or {@link #CLOSED}.
     * @throws MagnetarClientException if the payload or the key is too large (the key with the code
     *                                 {@code MESSAGE_TOO_LARGE}), or a length is negative.
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
     * @return how this producer shares its topic.
     */
    public ProducerAccessMode getAccessMode()
    {
        return accessMode;
    }

    /**
     * @return the topic epoch this exclusive producer holds (raised each time an exclusive producer takes the
     * topic), or -1 for a shared producer.
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

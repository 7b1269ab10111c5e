package io.magnetar.client;

import io.aeron.Publication;
import org.agrona.DirectBuffer;

import java.util.concurrent.CompletableFuture;

/**
 * Publishes messages to a topic, or to the partitions of a partitioned topic. Create it with
 * {@link MagnetarClient#newProducer()}. Thread-safe: many threads may send at once; messages to one topic (one
 * partition) get consecutive sequence ids in the order their sends are offered.
 * <p>
 * The broker answers the sends of a producer in order, so pending sends wait in a FIFO, bounded by
 * {@link ProducerBuilder#maxPendingMessages(int)}. A send that gets no receipt within the send timeout fails with
 * {@link MagnetarClientException.TimeoutException}. When the client loses its session with the broker it reconnects
 * by itself and sends again what has no receipt yet (unless reconnect is off).
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
 * <p>
 * A producer of a partitioned topic ({@code admin().topics().createPartitionedTopic}) holds one producer per
 * partition and routes each message as its {@link MessageRoutingMode} says (by key hash when the message has a key);
 * it picks up a raised partition count by itself.
 */
public interface Producer extends AutoCloseable
{
    /**
     * {@link #offer(DirectBuffer, int, int)}: the broker is not connected to the client's ingress right now.
     */
    long NOT_CONNECTED = Publication.NOT_CONNECTED;

    /**
     * {@link #offer(DirectBuffer, int, int)}: {@link ProducerBuilder#maxPendingMessages(int)} sends wait for their
     * receipt, the broker's ingress is back pressured, or another thread is sending on this producer; try again.
     */
    long BACK_PRESSURED = Publication.BACK_PRESSURED;

    /**
     * {@link #offer(DirectBuffer, int, int)}: the ingress is busy with an administrative action; try again.
     */
    long ADMIN_ACTION = Publication.ADMIN_ACTION;

    /**
     * {@link #offer(DirectBuffer, int, int)}: the producer or the client is closed, or the session with the broker
     * is lost.
     */
    long CLOSED = Publication.CLOSED;

    /**
     * @return the topic this producer publishes to, as it was named when the producer was created.
     */
    String getTopic();

    /**
     * @return the producer's name: the one asked for, or the one the broker assigned.
     */
    String getProducerName();

    /**
     * @return sequence id of the last message the broker confirmed, or -1 if none (the broker's value when the
     * producer was created, if it was higher).
     */
    long getLastSequenceId();

    /**
     * @return true once {@link #close()} was called or the client closed.
     */
    boolean isClosed();

    /**
     * Send a message without a key and wait for its receipt.
     *
     * @param payload of the message.
     * @return where the broker stored the message.
     * @throws MagnetarClientException if the broker refused the message, the send timed out, or the input is invalid.
     */
    default MessageId send(byte[] payload) throws MagnetarClientException
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
    MessageId send(String key, byte[] payload) throws MagnetarClientException;

    /**
     * Start a message with metadata (key, properties, event time), sent with
     * {@link MessageBuilder#send()} or {@link MessageBuilder#sendAsync()}.
     *
     * @return a new builder for one message.
     */
    MessageBuilder newMessage();

    /**
     * Send a message without a key.
     *
     * @param payload of the message.
     * @return a future completed with where the broker stored the message, or exceptionally with a
     * {@link MagnetarClientException}.
     */
    default CompletableFuture<MessageId> sendAsync(byte[] payload)
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
    CompletableFuture<MessageId> sendAsync(String key, byte[] payload);

    /**
     * Wait until every send made before this call has completed, successfully or not.
     *
     * @throws MagnetarClientException if the producer is closed, the connection to the broker was lost, or the sends
     *                                 did not complete within the operation timeout.
     */
    void flush() throws MagnetarClientException;

    /**
     * Close the producer: ask the broker to close it and wait for the answer. Sends still without a receipt fail.
     * Call {@link #flush()} first to wait for them. Closing twice does nothing. After the connection to the broker
     * was lost, the producer is closed in the client only, without waiting for the broker.
     *
     * @throws MagnetarClientException if the broker refused or did not answer in time; the producer is closed anyway.
     */
    void close() throws MagnetarClientException;

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
    default long offer(DirectBuffer buffer, int offset, int length) throws MagnetarClientException
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
    long offer(
        DirectBuffer keyBuffer,
        int keyOffset,
        int keyLength,
        DirectBuffer buffer,
        int offset,
        int length) throws MagnetarClientException;

    /**
     * @return how this producer shares its topic.
     */
    ProducerAccessMode getAccessMode();

    /**
     * @return the topic epoch this exclusive producer holds (raised each time an exclusive producer takes the
     * topic), or -1 for a shared producer.
     */
    long getTopicEpoch();
}

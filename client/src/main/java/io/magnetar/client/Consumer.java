package io.magnetar.client;

import java.util.concurrent.TimeUnit;

/**
 * Receives the messages of one subscription on a topic, or on every partition of a partitioned topic. Create it with
 * {@link MagnetarClient#newConsumer()}. Thread-safe: many threads may receive and acknowledge at once.
 * <p>
 * The broker pushes at most {@link ConsumerBuilder#receiverQueueSize(int)} messages ahead of the application; each
 * time the application has taken half of that many, the consumer grants the broker as many new permits.
 * <p>
 * When the client loses its session with the broker, waiting and later receives and acknowledgements fail with
 * {@link MagnetarClientException.ConnectionLostException}; messages not yet received are not handed out, since they
 * could no longer be acknowledged (the broker delivers them again to the next consumer of the subscription).
 * <p>
 * The conductor copies each pushed frame into the consumer's ring buffer
 * ({@link ConsumerBuilder#receiveBufferLength(int)}). {@link #receive()} makes a {@link Message} of it; the
 * Aeron-shaped {@link #poll(MessageHandler, int)} hands a flyweight {@link MessageView} over it to a handler and,
 * with {@link #acknowledge(int, long)}, allocates nothing. The ring has room for a full receiver queue of frames up
 * to its length divided by {@code receiverQueueSize + 1}; a larger frame is copied into an array, and the ring
 * holds a marker in its place, so messages are handed out in the order the broker pushed them. Permits are granted
 * again only once the ring has freed the messages taken, so a broker that keeps to its permits never finds the ring
 * full.
 * <p>
 * A consumer of a partitioned topic holds one consumer per partition, on the same subscription, hands out their
 * messages in turn, and subscribes to partitions added later (from their earliest message) by itself. Its messages'
 * ids carry their partition ({@link MessageId#partitionIndex()}), by which they are acknowledged.
 */
public interface Consumer extends AutoCloseable
{
    /**
     * @return the topic, as it was named when subscribing.
     */
    String getTopic();

    /**
     * @return the subscription name.
     */
    String getSubscription();

    /**
     * @return the consumer name given when subscribing; empty if none was given.
     */
    String getConsumerName();

    /**
     * @return the subscription type.
     */
    SubscriptionType getSubscriptionType();

    /**
     * @return true once {@link #close()} was called or the client closed.
     */
    boolean isClosed();

    /**
     * Wait for the next message, at most the client's operation timeout.
     *
     * @return the next message.
     * @throws MagnetarClientException.TimeoutException if no message arrived in time.
     * @throws MagnetarClientException                  if the consumer is closed, the connection to the broker was
     *                                                  lost, or the thread was interrupted.
     */
    Message receive() throws MagnetarClientException;

    /**
     * Wait for the next message.
     *
     * @param timeout longest wait; zero or less only takes a message that is already there.
     * @param unit    of the timeout.
     * @return the next message, or null if none arrived in time.
     * @throws MagnetarClientException if the consumer is closed, the connection to the broker was lost, or the thread
     *                                 was interrupted.
     */
    Message receive(long timeout, TimeUnit unit) throws MagnetarClientException;

    /**
     * Hand the messages that have arrived, at most {@code limit}, to a handler, without waiting and without
     * allocating: the Aeron-shaped receive. Each message taken counts towards the permits granted to the broker as
     * for {@link #receive()}. If the handler throws, the message it was given counts as taken.
     * <p>
     * First, unless {@code magnetar.client.help.duty.cycle} is false, the calling thread runs one duty cycle of the
     * client (it reads the egress into the consumers' queues, and runs receipt handlers) if the conductor thread is
     * not running one: a thread that polls in a loop receives without a hand-off from the conductor.
     *
     * @param handler called for each message, on this thread.
     * @param limit   most messages to hand out.
     * @return number of messages handed out.
     * @throws MagnetarClientException if the consumer is closed or the connection to the broker was lost.
     */
    int poll(MessageHandler handler, int limit) throws MagnetarClientException;

    /**
     * Acknowledge a message, so the broker does not deliver it again on this subscription.
     *
     * @param message to acknowledge.
     * @throws MagnetarClientException if the consumer is closed, the connection to the broker was lost, or the
     *                                 acknowledgement could not be sent.
     */
    default void acknowledge(Message message) throws MagnetarClientException
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
    void acknowledge(MessageId messageId) throws MagnetarClientException;

    /**
     * Acknowledge every message of the subscription up to and including this one, as Pulsar's
     * {@code acknowledgeCumulative}. Not on shared subscriptions (refused), where messages go to many consumers.
     *
     * @param messageId of the last message acknowledged.
     * @throws MagnetarClientException if the subscription is shared, the consumer closed or the ack not sent.
     */
    void acknowledgeCumulative(MessageId messageId) throws MagnetarClientException;

    /**
     * As {@link #acknowledgeCumulative(MessageId)} with the message's id.
     *
     * @param message the consumer gave.
     * @throws MagnetarClientException if the subscription is shared, the consumer closed or the ack not sent.
     */
    default void acknowledgeCumulative(Message message) throws MagnetarClientException
    {
        if (null == message)
        {
            throw new MagnetarClientException("message is null");
        }
        acknowledgeCumulative(message.getMessageId());
    }

    /**
     * Move the subscription to a message, as Pulsar's {@code seek}: that message and every one after it are
     * delivered again ({@link MessageId#EARLIEST}: all; {@link MessageId#LATEST}: none stored now). For all the
     * subscription's consumers; what this consumer had received and not taken is dropped.
     *
     * @param messageId to go to.
     * @throws MagnetarClientException if the consumer is closed, the broker refused or did not answer in time.
     */
    void seek(MessageId messageId) throws MagnetarClientException;

    /**
     * Move the subscription to the first message published at or after a time, as {@link #seek(MessageId)}.
     *
     * @param publishTime in epoch milliseconds.
     * @throws MagnetarClientException if the consumer is closed, the broker refused or did not answer in time.
     */
    void seek(long publishTime) throws MagnetarClientException;

    /**
     * Delete the subscription (its cursor and everything it holds back) and close this consumer, as Pulsar's
     * {@code unsubscribe}. Refused ({@link MagnetarClientException.ErrorCode#CONSUMER_BUSY}) while other consumers are
     * attached to the subscription; this consumer then stays open.
     *
     * @throws MagnetarClientException if refused, the broker is older than protocol 9, or it did not answer in time.
     */
    void unsubscribe() throws MagnetarClientException;

    /**
     * Deliver a message again after a delay through the retry letter topic, as Pulsar's {@code reconsumeLater}: it is
     * published there delayed (with {@code RECONSUMETIMES} and the other retry properties) and acknowledged here;
     * after the dead letter policy's {@code maxRedeliverCount} retries (16 without a policy) it goes to the dead letter
     * topic.
     * Needs {@link ConsumerBuilder#enableRetry(boolean)}, and a shared or Key_Shared subscription for the delay.
     *
     * @param message to consume again.
     * @param delay   before it comes again.
     * @param unit    of the delay.
     * @throws MagnetarClientException if retry is not enabled, or the message could not be stored in the retry topic
     *                                 (it is then not acknowledged).
     */
    default void reconsumeLater(final Message message, final long delay, final TimeUnit unit)
        throws MagnetarClientException
    {
        throw new MagnetarClientException("reconsumeLater needs enableRetry(true) on the consumer's builder");
    }

    /**
     * Negatively acknowledge a message, as Pulsar's {@code negativeAcknowledge}: the broker delivers it again once
     * {@link ConsumerBuilder#negativeAckRedeliveryDelay(long, TimeUnit)} has passed, with its redelivery count
     * raised; on a shared subscription to any of its consumers. As in Pulsar, on exclusive and failover subscriptions
     * it comes again out of its order, and a message of a batch brings its whole batch again (the messages of it
     * already acknowledged are skipped).
     *
     * @param messageId of the message.
     * @throws MagnetarClientException if the consumer is closed.
     */
    void negativeAcknowledge(MessageId messageId) throws MagnetarClientException;

    /**
     * Negatively acknowledge a message, as {@link #negativeAcknowledge(MessageId)}; its redelivery count sets the
     * wait when {@link ConsumerBuilder#negativeAckRedeliveryBackoff(long, TimeUnit)} is set.
     *
     * @param message the consumer gave.
     * @throws MagnetarClientException if the consumer is closed.
     */
    void negativeAcknowledge(Message message) throws MagnetarClientException;

    /**
     * Acknowledge an entry by its id's parts: a message, or every message of a batch at once. Allocates nothing unless
     * {@link ConsumerBuilder#ackReceiptEnabled(boolean)} is set.
     *
     * @param shard    of the message id.
     * @param position of the message id.
     * @throws MagnetarClientException if the consumer is closed, the connection to the broker was lost, or the
     *                                 acknowledgement could not be sent.
     */
    void acknowledge(int shard, long position) throws MagnetarClientException;

    /**
     * Acknowledge the message a handler was given.
     *
     * @param message given to a {@link MessageHandler}.
     * @throws MagnetarClientException as {@link #acknowledge(int, long)}.
     */
    void acknowledge(MessageView message) throws MagnetarClientException;

    /**
     * Close the consumer: ask the broker to close it and wait for the answer. Messages not yet received are dropped.
     * Closing twice does nothing. After the connection to the broker was lost, the consumer is closed in the client
     * only, without waiting for the broker.
     *
     * @throws MagnetarClientException if the broker refused or did not answer in time; the consumer is closed anyway.
     */
    void close() throws MagnetarClientException;
}

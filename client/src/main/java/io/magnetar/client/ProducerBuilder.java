package io.magnetar.client;

import java.time.Duration;

/**
 * Settings of a new {@link Producer}; get one from {@link MagnetarClient#newProducer()}.
 */
public final class ProducerBuilder
{
    private final ProducerRegistry producers;
    private String topic;
    private String producerName = "";
    private int maxPendingMessages = MagnetarClient.Configuration.maxPendingMessages();
    private SendReceiptHandler receiptHandler;
    private long sendTimeoutNs = -1;
    private boolean blockIfQueueFull = true;
    private ProducerAccessMode accessMode = ProducerAccessMode.SHARED;

    ProducerBuilder(final ProducerRegistry producers)
    {
        this.producers = producers;
    }

    /**
     * @param topic to publish to, e.g. {@code persistent://public/default/demo}; required.
     * @return this for a fluent API.
     */
    public ProducerBuilder topic(final String topic)
    {
        this.topic = topic;
        return this;
    }

    /**
     * @param producerName name of the producer; empty or null lets the broker choose one.
     * @return this for a fluent API.
     */
    public ProducerBuilder producerName(final String producerName)
    {
        this.producerName = null == producerName ? "" : producerName;
        return this;
    }

    /**
     * @param maxPendingMessages most sends waiting for a receipt; further sends wait for room, bounded by the
     *                           operation timeout. Default
     *                           {@link MagnetarClient.Configuration#MAX_PENDING_MESSAGES_DEFAULT}.
     * @return this for a fluent API.
     */
    public ProducerBuilder maxPendingMessages(final int maxPendingMessages)
    {
        this.maxPendingMessages = maxPendingMessages;
        return this;
    }

    /**
     * @param receiptHandler told, in the client's duty cycle (see {@link SendReceiptHandler}), of the receipt or
     *                       failure of each
     *                       {@link Producer#offer(org.agrona.DirectBuffer, int, int)}; null (the default) sends
     *                       failures to the client's error handler and leaves receipts to
     *                       {@link Producer#getLastSequenceId()}. Sends with futures are not reported to it.
     * @return this for a fluent API.
     */
    public ProducerBuilder receiptHandler(final SendReceiptHandler receiptHandler)
    {
        this.receiptHandler = receiptHandler;
        return this;
    }

    /**
     * @param sendTimeout how long a send may wait for its receipt, reconnects included, before it fails with a
     *                    timeout (Pulsar's {@code sendTimeout}); zero for no limit. Default: the client's operation
     *                    timeout.
     * @return this for a fluent API.
     */
    public ProducerBuilder sendTimeout(final Duration sendTimeout)
    {
        this.sendTimeoutNs = null == sendTimeout || sendTimeout.isNegative() ? -2 : sendTimeout.toNanos();
        return this;
    }

    /**
     * @param blockIfQueueFull true (the default here; Pulsar's is false) to make {@code send} and {@code sendAsync}
     *                         wait, bounded by the send timeout, while {@code maxPendingMessages} sends wait for
     *                         receipts or the client's memory limit is taken; false to fail them at once with
     *                         {@link MagnetarClientException.ProducerQueueIsFullException}. {@code offer} never
     *                         waits: it answers {@link Producer#BACK_PRESSURED}.
     * @return this for a fluent API.
     */
    public ProducerBuilder blockIfQueueFull(final boolean blockIfQueueFull)
    {
        this.blockIfQueueFull = blockIfQueueFull;
        return this;
    }

    /**
     * @param accessMode how the producer shares its topic; default {@link ProducerAccessMode#SHARED}.
     * @return this builder.
     */
    public ProducerBuilder accessMode(final ProducerAccessMode accessMode)
    {
        this.accessMode = accessMode;
        return this;
    }

    /**
     * Create the producer on the broker and wait for it to be ready; with
     * {@link ProducerAccessMode#WAIT_FOR_EXCLUSIVE}, wait (without a timeout) until the topic is free.
     *
     * @return the producer.
     * @throws MagnetarClientException if the settings are invalid, the broker refused, or it did not answer in time.
     */
    public Producer create() throws MagnetarClientException
    {
        if (null == topic || topic.isBlank())
        {
            throw new MagnetarClientException("producer topic is not set");
        }
        if (maxPendingMessages < 1)
        {
            throw new MagnetarClientException("maxPendingMessages must be at least 1, not " + maxPendingMessages);
        }
        if (null == accessMode)
        {
            throw new MagnetarClientException("accessMode is null");
        }
        if (-2 == sendTimeoutNs)
        {
            throw new MagnetarClientException("sendTimeout must be zero (no limit) or positive");
        }

        return producers.create(Protocol.fullTopicName(topic), producerName, maxPendingMessages, receiptHandler,
            sendTimeoutNs < 0 ? -1 : 0 == sendTimeoutNs ? Producer.NO_SEND_TIMEOUT_NS : sendTimeoutNs,
            blockIfQueueFull, accessMode);
    }
}

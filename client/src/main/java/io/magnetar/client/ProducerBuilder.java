package io.magnetar.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Settings of a new {@link Producer}; get one from {@link MagnetarClient#newProducer()}.
 */
public final class ProducerBuilder
{
    /** Pulsar's default interval between checks for new partitions: one minute. */
    static final long AUTO_UPDATE_PARTITIONS_INTERVAL_NS_DEFAULT = TimeUnit.MINUTES.toNanos(1);

    private final ProducerRegistry producers;
    private String topic;
    private String producerName = "";
    private int maxPendingMessages = MagnetarClient.Configuration.maxPendingMessages();
    private SendReceiptHandler receiptHandler;
    private long sendTimeoutNs = -1;
    private boolean blockIfQueueFull = true;
    private ProducerAccessMode accessMode = ProducerAccessMode.SHARED;
    private boolean batchingEnabled;
    private long batchingMaxPublishDelayNs = BatchSettings.MAX_PUBLISH_DELAY_NS_DEFAULT;
    private BatcherBuilder batcherBuilder = BatcherBuilder.DEFAULT;
    private int batchingMaxMessages = BatchSettings.MAX_MESSAGES_DEFAULT;
    private int batchingMaxBytes = BatchSettings.MAX_BYTES_DEFAULT;
    private CompressionType compressionType = CompressionType.NONE;
    private boolean chunkingEnabled;
    private MessageRoutingMode messageRoutingMode = MessageRoutingMode.RoundRobinPartition;
    private MessageRouter messageRouter;
    private long autoUpdatePartitionsIntervalNs = AUTO_UPDATE_PARTITIONS_INTERVAL_NS_DEFAULT;
    private int chunkMaxMessageSize;

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
     * @param enableBatching true to group sends into batches, each stored and delivered as one entry (consumers still
     *                       see single messages), as Pulsar's {@code enableBatching}. Off by default here (Pulsar's is
     *                       on): a batch waits up to {@link #batchingMaxPublishDelay(long, TimeUnit)} for more
     *                       messages, which trades latency for throughput.
     * @return this for a fluent API.
     */
    public ProducerBuilder enableBatching(final boolean enableBatching)
    {
        this.batchingEnabled = enableBatching;
        return this;
    }

    /**
     * @param batcherBuilder how batches are made: {@link BatcherBuilder#DEFAULT}, or {@link BatcherBuilder#KEY_BASED}
     *                       (one key per batch, for Key_Shared subscriptions), as Pulsar's {@code batcherBuilder}.
     * @return this for a fluent API.
     */
    public ProducerBuilder batcherBuilder(final BatcherBuilder batcherBuilder)
    {
        this.batcherBuilder = null == batcherBuilder ? BatcherBuilder.DEFAULT : batcherBuilder;
        return this;
    }

    /**
     * @param delay most time the first message of a batch waits for more; default 1 ms, as Pulsar.
     * @param unit  of the delay.
     * @return this for a fluent API.
     */
    public ProducerBuilder batchingMaxPublishDelay(final long delay, final TimeUnit unit)
    {
        this.batchingMaxPublishDelayNs = null == unit || delay <= 0 ? -1 : unit.toNanos(delay);
        return this;
    }

    /**
     * @param maxMessages most messages in a batch; default 1000, as Pulsar.
     * @return this for a fluent API.
     */
    public ProducerBuilder batchingMaxMessages(final int maxMessages)
    {
        this.batchingMaxMessages = maxMessages;
        return this;
    }

    /**
     * @param maxBytes most bytes of a batch before compression; default 128 KiB, as Pulsar (and at most the broker's
     *                 maximum message size). A message larger than a batch may be goes as an entry of its own.
     * @return this for a fluent API.
     */
    public ProducerBuilder batchingMaxBytes(final int maxBytes)
    {
        this.batchingMaxBytes = maxBytes;
        return this;
    }

    /**
     * @param compressionType how the producer compresses each batch, or each message when it does not batch; default
     *                        {@link CompressionType#NONE}. A payload that would not shrink is sent as it is.
     * @return this for a fluent API.
     */
    public ProducerBuilder compressionType(final CompressionType compressionType)
    {
        this.compressionType = compressionType;
        return this;
    }

    /**
     * @param enableChunking true to split a message larger than the broker's maximum message size (or
     *                       {@link #chunkMaxMessageSize(int)}) into chunks, stored as entries of their own and put
     *                       together again by consumers, as Pulsar's {@code enableChunking}; a message may then hold
     *                       up to 64 MiB. Not with batching, as in Pulsar. Only {@code send} and {@code sendAsync}
     *                       chunk; {@code offer} takes what fits one entry.
     * @return this for a fluent API.
     */
    public ProducerBuilder enableChunking(final boolean enableChunking)
    {
        this.chunkingEnabled = enableChunking;
        return this;
    }

    /**
     * @param chunkMaxMessageSize most payload bytes per chunk; 0 (the default) for the broker's maximum message size.
     * @return this for a fluent API.
     */
    public ProducerBuilder chunkMaxMessageSize(final int chunkMaxMessageSize)
    {
        this.chunkMaxMessageSize = chunkMaxMessageSize;
        return this;
    }

    /**
     * @param messageRoutingMode how messages without a key are spread over the partitions of a partitioned topic;
     *                           default {@link MessageRoutingMode#RoundRobinPartition}.
     * @return this for a fluent API.
     */
    public ProducerBuilder messageRoutingMode(final MessageRoutingMode messageRoutingMode)
    {
        this.messageRoutingMode = messageRoutingMode;
        return this;
    }

    /**
     * @param messageRouter picks each message's partition; sets {@link MessageRoutingMode#CustomPartition}.
     * @return this for a fluent API.
     */
    public ProducerBuilder messageRouter(final MessageRouter messageRouter)
    {
        this.messageRouter = messageRouter;
        this.messageRoutingMode = MessageRoutingMode.CustomPartition;
        return this;
    }

    /**
     * @param interval between checks of a partitioned topic's partition count, to produce to partitions added
     *                 since; default one minute, as Pulsar; 0 never checks.
     * @param unit     of the interval.
     * @return this for a fluent API.
     */
    public ProducerBuilder autoUpdatePartitionsInterval(final long interval, final TimeUnit unit)
    {
        this.autoUpdatePartitionsIntervalNs = null == unit || interval < 0 ? -1 : unit.toNanos(interval);
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
        if (null == compressionType)
        {
            throw new MagnetarClientException("compressionType is null");
        }
        if (batchingMaxPublishDelayNs <= 0)
        {
            throw new MagnetarClientException("batchingMaxPublishDelay must be positive");
        }
        if (batchingMaxMessages < 1 || batchingMaxBytes < 1)
        {
            throw new MagnetarClientException("batchingMaxMessages and batchingMaxBytes must be at least 1, not " +
                batchingMaxMessages + " and " + batchingMaxBytes);
        }
        if (chunkingEnabled && batchingEnabled)
        {
            throw new MagnetarClientException("batching and chunking cannot both be enabled, as in Pulsar");
        }
        if (chunkMaxMessageSize < 0)
        {
            throw new MagnetarClientException("chunkMaxMessageSize must be 0 (the broker's limit) or positive");
        }
        if (-2 == sendTimeoutNs)
        {
            throw new MagnetarClientException("sendTimeout must be zero (no limit) or positive");
        }

        if (null == messageRoutingMode || (MessageRoutingMode.CustomPartition == messageRoutingMode) !=
            (null != messageRouter))
        {
            throw new MagnetarClientException("give a messageRouter exactly when the routing mode is CustomPartition");
        }
        if (autoUpdatePartitionsIntervalNs < 0)
        {
            throw new MagnetarClientException("autoUpdatePartitionsInterval must be zero (never) or positive");
        }

        final String fullName = Protocol.fullTopicName(topic);
        final BatchSettings batchSettings = new BatchSettings(batchingEnabled, batchingMaxPublishDelayNs,
            batchingMaxMessages, batchingMaxBytes, compressionType, chunkingEnabled, chunkMaxMessageSize,
            batcherBuilder);
        final long timeoutNs = sendTimeoutNs < 0 ? -1 : 0 == sendTimeoutNs ? ProducerImpl.NO_SEND_TIMEOUT_NS :
            sendTimeoutNs;
        final int partitions = producers.partitionsOf(fullName);
        if (0 == partitions)
        {
            return producers.create(fullName, producerName, maxPendingMessages, receiptHandler, timeoutNs,
                blockIfQueueFull, accessMode, batchSettings);
        }

        if (null != receiptHandler)
        {
            throw new MagnetarClientException("topic '" + fullName + "' is partitioned, and a receipt handler is not " +
                "told the partition of a sequence id: use sendAsync's futures, or offer to a partition's topic");
        }
        return PartitionedProducer.create(fullName, producerName, partitions,
            (partition) -> producers.create(PartitionFactory.partitionName(fullName, partition), producerName,
                maxPendingMessages, receiptHandler, timeoutNs, blockIfQueueFull, accessMode, batchSettings),
            new PartitionRouter(messageRoutingMode, messageRouter, batchingEnabled ? batchingMaxPublishDelayNs : 0),
            producers.topics(), producers.partitionsWatcher(), autoUpdatePartitionsIntervalNs);
    }
}

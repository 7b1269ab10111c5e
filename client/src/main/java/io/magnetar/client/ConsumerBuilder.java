package io.magnetar.client;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Settings of a new {@link Consumer}; get one from {@link MagnetarClient#newConsumer()}.
 */
public final class ConsumerBuilder
{
    /** Most acks in one AckGroup frame: its count is an unsigned short. */
    static final int MAX_ACKNOWLEDGMENT_GROUP_SIZE = 65535;

    private final ConsumerRegistry consumers;
    private String topic;
    private List<String> topics = new ArrayList<>();
    private String topicsPattern;
    private long patternAutoDiscoveryPeriodNs = TimeUnit.MINUTES.toNanos(1);
    private boolean enableRetry;
    private String subscriptionName;
    private String consumerName = "";
    private SubscriptionType subscriptionType = SubscriptionType.EXCLUSIVE;
    private InitialPosition initialPosition = InitialPosition.LATEST;
    private int receiverQueueSize = MagnetarClient.Configuration.receiverQueueSize();
    private boolean ackReceiptEnabled;
    private int receiveBufferLength;
    private int maxPendingChunkedMessage = ConsumerSettings.MAX_PENDING_CHUNKED_MESSAGE_DEFAULT;
    private long expireTimeOfIncompleteChunkedMessageNs =
        ConsumerSettings.EXPIRE_TIME_OF_INCOMPLETE_CHUNKED_MESSAGE_NS_DEFAULT;
    private boolean autoAckOldestChunkedMessageOnQueueFull;
    private long autoUpdatePartitionsIntervalNs = ProducerBuilder.AUTO_UPDATE_PARTITIONS_INTERVAL_NS_DEFAULT;
    private long acknowledgmentGroupTimeNs;
    private int maxAcknowledgmentGroupSize = 1000;
    private int priorityLevel;
    private KeySharedPolicy keySharedPolicy;
    private ConsumerEventListener consumerEventListener;
    private long negativeAckRedeliveryDelayNs = ConsumerSettings.NEGATIVE_ACK_REDELIVERY_DELAY_NS_DEFAULT;
    private long negativeAckRedeliveryMaxDelayNs = -1;
    private long ackTimeoutNs;
    private DeadLetterPolicy deadLetterPolicy;
    private SubscriptionStart start = SubscriptionStart.DURABLE;

    ConsumerBuilder(final ConsumerRegistry consumers)
    {
        this.consumers = consumers;
    }

    /**
     * @param topic to subscribe to, e.g. {@code persistent://public/default/demo}; required (or {@link #topics(List)}).
     * @return this for a fluent API.
     */
    public ConsumerBuilder topic(final String topic)
    {
        this.topic = topic;
        return this;
    }

    /**
     * @param topics to subscribe to on one subscription, as Pulsar's multi-topics consumer: one consumer reads them all
     *               in turn, and acknowledgements go to each message's topic. Added to {@link #topic(String)} if set.
     * @return this for a fluent API.
     */
    public ConsumerBuilder topics(final List<String> topics)
    {
        this.topics = null == topics ? new ArrayList<>() : new ArrayList<>(topics);
        return this;
    }

    /**
     * @param regex the topics to subscribe to, as Pulsar's {@code topicsPattern}: a regular expression over full topic
     *              names that names its namespace, {@code persistent://tenant/namespace/REGEX}; the namespace's
     *              topics that match now, and those found later (every {@link #patternAutoDiscoveryPeriod}, then
     *              from their earliest message), are read by one consumer.
     * @return this for a fluent API.
     */
    public ConsumerBuilder topicsPattern(final String regex)
    {
        this.topicsPattern = regex;
        return this;
    }

    /**
     * @param period between looks for new topics that match {@link #topicsPattern(String)}; default one minute, as
     *               Pulsar's.
     * @param unit   of the period.
     * @return this for a fluent API.
     */
    public ConsumerBuilder patternAutoDiscoveryPeriod(final long period, final TimeUnit unit)
    {
        this.patternAutoDiscoveryPeriodNs = null == unit || period <= 0 ? -1 : unit.toNanos(period);
        return this;
    }

    /**
     * @param enableRetry true to subscribe to the retry letter topic too, so that
     *                    {@link Consumer#reconsumeLater(Message, long, TimeUnit)} works, as Pulsar's
     *                    {@code enableRetry}; the topic is the dead letter policy's retry topic, or
     *                    {@code TOPIC-SUBSCRIPTION-RETRY}. Default false.
     * @return this for a fluent API.
     */
    public ConsumerBuilder enableRetry(final boolean enableRetry)
    {
        this.enableRetry = enableRetry;
        return this;
    }

    /**
     * @param subscriptionName name of the subscription; required.
     * @return this for a fluent API.
     */
    public ConsumerBuilder subscriptionName(final String subscriptionName)
    {
        this.subscriptionName = subscriptionName;
        return this;
    }

    /**
     * @param subscriptionType how the subscription's consumers share messages; default
     *                         {@link SubscriptionType#EXCLUSIVE}.
     * @return this for a fluent API.
     */
    public ConsumerBuilder subscriptionType(final SubscriptionType subscriptionType)
    {
        this.subscriptionType = subscriptionType;
        return this;
    }

    /**
     * @param initialPosition where a new subscription starts; default {@link InitialPosition#LATEST}.
     * @return this for a fluent API.
     */
    public ConsumerBuilder subscriptionInitialPosition(final InitialPosition initialPosition)
    {
        this.initialPosition = initialPosition;
        return this;
    }

    /**
     * @param ackReceiptEnabled true to make {@link Consumer#acknowledge(MessageId)} wait until the broker has stored
     *                          the acknowledgement, so it survives a broker crash; false (the default) sends acks
     *                          without waiting, like Pulsar's default.
     * @return this for a fluent API.
     */
    public ConsumerBuilder ackReceiptEnabled(final boolean ackReceiptEnabled)
    {
        this.ackReceiptEnabled = ackReceiptEnabled;
        return this;
    }

    /**
     * @param receiverQueueSize most messages the broker pushes ahead of the application; default
     *                          {@link MagnetarClient.Configuration#RECEIVER_QUEUE_SIZE_DEFAULT}.
     * @return this for a fluent API.
     */
    public ConsumerBuilder receiverQueueSize(final int receiverQueueSize)
    {
        this.receiverQueueSize = receiverQueueSize;
        return this;
    }

    /**
     * @param receiveBufferLength bytes of the ring buffer the client's conductor copies pushed messages into, a power
     *                            of two; 0 (the default) sizes it from {@link #receiverQueueSize(int)} as
     *                            {@link MagnetarClient.Configuration#receiveBufferLength(int)} says. Frames up to
     *                            its length divided by {@code receiverQueueSize + 1} are received without
     *                            allocation; larger ones are copied into arrays.
     * @return this for a fluent API.
     */
    public ConsumerBuilder receiveBufferLength(final int receiveBufferLength)
    {
        this.receiveBufferLength = receiveBufferLength;
        return this;
    }

    /**
     * @param consumerName name of the consumer; optional.
     * @return this for a fluent API.
     */
    public ConsumerBuilder consumerName(final String consumerName)
    {
        this.consumerName = null == consumerName ? "" : consumerName;
        return this;
    }

    /**
     * @param maxPendingChunkedMessage most chunked messages put together at once; default 10, as Pulsar.
     * @return this for a fluent API.
     */
    public ConsumerBuilder maxPendingChunkedMessage(final int maxPendingChunkedMessage)
    {
        this.maxPendingChunkedMessage = maxPendingChunkedMessage;
        return this;
    }

    /**
     * @param duration after which a chunked message whose chunks stopped coming is dropped (its chunks
     *                 acknowledged); default one minute, as Pulsar.
     * @param unit     of the duration.
     * @return this for a fluent API.
     */
    public ConsumerBuilder expireTimeOfIncompleteChunkedMessage(final long duration, final TimeUnit unit)
    {
        this.expireTimeOfIncompleteChunkedMessageNs = null == unit || duration <= 0 ? -1 : unit.toNanos(duration);
        return this;
    }

    /**
     * @param autoAck true to acknowledge the chunks of the oldest chunked message when more than
     *                {@link #maxPendingChunkedMessage(int)} are being put together; false (the default, as Pulsar)
     *                to drop it unacknowledged, so its chunks come again on redelivery.
     * @return this for a fluent API.
     */
    public ConsumerBuilder autoAckOldestChunkedMessageOnQueueFull(final boolean autoAck)
    {
        this.autoAckOldestChunkedMessageOnQueueFull = autoAck;
        return this;
    }

    /**
     * @param delay most time an acknowledgement waits to go out with others in one frame, as Pulsar's
     *              {@code acknowledgmentGroupTime}; 0 (the default here; Pulsar's is 100 ms) sends each at once.
     *              Acks held when the client crashes are lost and their messages delivered again.
     * @param unit  of the delay.
     * @return this for a fluent API.
     */
    public ConsumerBuilder acknowledgmentGroupTime(final long delay, final TimeUnit unit)
    {
        this.acknowledgmentGroupTimeNs = null == unit || delay < 0 ? -1 : unit.toNanos(delay);
        return this;
    }

    /**
     * @param size most acknowledgements held before they go, as Pulsar's {@code maxAcknowledgmentGroupSize};
     *             default 1000; they go in frames of at most 160.
     * @return this for a fluent API.
     */
    public ConsumerBuilder maxAcknowledgmentGroupSize(final int size)
    {
        this.maxAcknowledgmentGroupSize = size;
        return this;
    }

    /**
     * @param interval between checks of a partitioned topic's partition count, to subscribe to partitions added
     *                 since (from their earliest message); default one minute, as Pulsar; 0 never checks.
     * @param unit     of the interval.
     * @return this for a fluent API.
     */
    public ConsumerBuilder autoUpdatePartitionsInterval(final long interval, final TimeUnit unit)
    {
        this.autoUpdatePartitionsIntervalNs = null == unit || interval < 0 ? -1 : unit.toNanos(interval);
        return this;
    }

    /**
     * @param keySharedPolicy how a Key_Shared consumer gets its keys: {@link KeySharedPolicy#autoSplitHashRange()}
     *                        (the default) or {@link KeySharedPolicy#stickyHashRange()} with its ranges.
     * @return this for a fluent API.
     */
    public ConsumerBuilder keySharedPolicy(final KeySharedPolicy keySharedPolicy)
    {
        this.keySharedPolicy = keySharedPolicy;
        return this;
    }

    /**
     * @param priorityLevel of the consumer in a failover subscription: the active consumer is one of the lowest
     *                      level (then the first by consumer name), as Pulsar's {@code priorityLevel}; default 0.
     * @return this for a fluent API.
     */
    public ConsumerBuilder priorityLevel(final int priorityLevel)
    {
        this.priorityLevel = priorityLevel;
        return this;
    }

    /**
     * @param listener told when this consumer of a failover subscription becomes active or inactive; on subscribe it
     *                 is told which it is. Default none.
     * @return this for a fluent API.
     */
    public ConsumerBuilder consumerEventListener(final ConsumerEventListener listener)
    {
        this.consumerEventListener = listener;
        return this;
    }

    /**
     * @param delay before a negatively acknowledged message is delivered again, as Pulsar's
     *              {@code negativeAckRedeliveryDelay}; default one minute.
     * @param unit  of the delay.
     * @return this for a fluent API.
     */
    public ConsumerBuilder negativeAckRedeliveryDelay(final long delay, final TimeUnit unit)
    {
        this.negativeAckRedeliveryDelayNs = null == unit || delay < 0 ? -1 : unit.toNanos(delay);
        return this;
    }

    /**
     * @param maxDelay longest wait before a negatively acknowledged message goes again: the delay doubles with each
     *                 redelivery of the message (its redelivery count) up to this, as Pulsar's
     *                 {@code MultiplierRedeliveryBackoff} with a multiplier of 2; default none (always the delay).
     * @param unit     of the delay.
     * @return this for a fluent API.
     */
    public ConsumerBuilder negativeAckRedeliveryBackoff(final long maxDelay, final TimeUnit unit)
    {
        this.negativeAckRedeliveryMaxDelayNs = null == unit || maxDelay < 0 ? -2 : unit.toNanos(maxDelay);
        return this;
    }

    /**
     * @param timeout after which a message handed out and not acknowledged is delivered again, as Pulsar's
     *                {@code ackTimeout}; at least one second, or 0 (the default) for never.
     * @param unit    of the timeout.
     * @return this for a fluent API.
     */
    public ConsumerBuilder ackTimeout(final long timeout, final TimeUnit unit)
    {
        this.ackTimeoutNs = null == unit || timeout < 0 ? -1 : unit.toNanos(timeout);
        return this;
    }

    /**
     * @param policy where a message delivered again more than its {@code maxRedeliverCount} times goes, as Pulsar's
     *               {@code deadLetterPolicy}; default none.
     * @return this for a fluent API.
     */
    public ConsumerBuilder deadLetterPolicy(final DeadLetterPolicy policy)
    {
        this.deadLetterPolicy = policy;
        return this;
    }

    /**
     * A reader's: a non-durable subscription starting there.
     */
    ConsumerBuilder start(final SubscriptionStart start)
    {
        this.start = start;
        return this;
    }

    /**
     * Subscribe on the broker, wait for the confirmation and grant the first permits.
     *
     * @return the consumer.
     * @throws MagnetarClientException if the settings are invalid, the broker refused, or it did not answer in time.
     */
    public Consumer subscribe() throws MagnetarClientException
    {
        final Set<String> allTopics = new LinkedHashSet<>();
        if (null != topic && !topic.isBlank())
        {
            allTopics.add(Protocol.fullTopicName(topic));
        }
        for (final String name : topics)
        {
            if (null == name || name.isBlank())
            {
                throw new MagnetarClientException("a topic of the consumer's list is blank");
            }
            allTopics.add(Protocol.fullTopicName(name));
        }
        if (allTopics.isEmpty() && null == topicsPattern)
        {
            throw new MagnetarClientException("consumer topic is not set");
        }
        if (null == subscriptionName || subscriptionName.isBlank())
        {
            throw new MagnetarClientException("subscription name is not set");
        }
        if (null == subscriptionType)
        {
            throw new MagnetarClientException("subscription type is not set");
        }
        final KeySharedPolicy policy = null == keySharedPolicy ? null : keySharedPolicy.copy();
        if (null != policy)
        {
            if (SubscriptionType.KEY_SHARED != subscriptionType)
            {
                throw new MagnetarClientException("a key shared policy needs subscription type KEY_SHARED, not " +
                    subscriptionType);
            }
            policy.validate();
        }
        if (priorityLevel < 0)
        {
            throw new MagnetarClientException("priorityLevel must be zero or positive, not " + priorityLevel);
        }
        if (negativeAckRedeliveryDelayNs < 0 || negativeAckRedeliveryMaxDelayNs < -1 ||
            (negativeAckRedeliveryMaxDelayNs >= 0 && negativeAckRedeliveryMaxDelayNs < negativeAckRedeliveryDelayNs))
        {
            throw new MagnetarClientException("negativeAckRedeliveryDelay must be zero or positive, and the " +
                "backoff's maximum at least the delay");
        }
        if (ackTimeoutNs < 0 || (ackTimeoutNs > 0 && ackTimeoutNs < ConsumerSettings.MIN_ACK_TIMEOUT_NS))
        {
            throw new MagnetarClientException("ackTimeout must be 0 (never) or at least one second");
        }
        if (null != deadLetterPolicy && deadLetterPolicy.maxRedeliverCount() < 1)
        {
            throw new MagnetarClientException("the dead letter policy's maxRedeliverCount must be at least 1, not " +
                deadLetterPolicy.maxRedeliverCount());
        }
        if (null == initialPosition)
        {
            throw new MagnetarClientException("subscription initial position is not set");
        }
        if (receiverQueueSize < 1)
        {
            throw new MagnetarClientException("receiverQueueSize must be at least 1, not " + receiverQueueSize);
        }

        if (maxPendingChunkedMessage < 1 || expireTimeOfIncompleteChunkedMessageNs <= 0)
        {
            throw new MagnetarClientException("maxPendingChunkedMessage must be at least 1 and " +
                "expireTimeOfIncompleteChunkedMessage positive");
        }

        if (receiveBufferLength < 0 || (receiveBufferLength > 0 &&
            (!org.agrona.BitUtil.isPowerOfTwo(receiveBufferLength) || receiveBufferLength < 1024 ||
            receiveBufferLength < ReceiveRing.minReceiveBufferLength(receiverQueueSize))))
        {
            throw new MagnetarClientException("receiveBufferLength must be 0 (sized from receiverQueueSize) or a " +
                "power of two of at least 1024 and at least 8 bytes per message of the receiver queue plus one (" +
                ReceiveRing.minReceiveBufferLength(receiverQueueSize) + " for receiverQueueSize " + receiverQueueSize +
                "), not " + receiveBufferLength);
        }

        if (acknowledgmentGroupTimeNs < 0 || maxAcknowledgmentGroupSize < 1 ||
            maxAcknowledgmentGroupSize > MAX_ACKNOWLEDGMENT_GROUP_SIZE)
        {
            throw new MagnetarClientException("acknowledgmentGroupTime must be 0 (off) or positive, and " +
                "maxAcknowledgmentGroupSize 1 to " + MAX_ACKNOWLEDGMENT_GROUP_SIZE);
        }
        if (autoUpdatePartitionsIntervalNs < 0)
        {
            throw new MagnetarClientException("autoUpdatePartitionsInterval must be zero (never) or positive");
        }

        if (ackTimeoutNs > 0)
        {
            consumers.checkBrokerSupports(8, "the ack timeout");
        }
        if (SubscriptionType.KEY_SHARED == subscriptionType)
        {
            consumers.checkBrokerSupports(9, "Key_Shared subscriptions");
        }
        final int bufferLength = 0 == receiveBufferLength ?
            MagnetarClient.Configuration.receiveBufferLength(receiverQueueSize) : receiveBufferLength;
        final ConsumerSettings consumerSettings = new ConsumerSettings(maxPendingChunkedMessage,
            expireTimeOfIncompleteChunkedMessageNs, autoAckOldestChunkedMessageOnQueueFull,
            acknowledgmentGroupTimeNs, maxAcknowledgmentGroupSize, priorityLevel, consumerEventListener,
            negativeAckRedeliveryDelayNs,
            negativeAckRedeliveryMaxDelayNs < 0 ? negativeAckRedeliveryDelayNs : negativeAckRedeliveryMaxDelayNs,
            ackTimeoutNs, deadLetterPolicy, start, policy);
        final TopicsPatternWatcher patternWatcher = patternWatcher(bufferLength, consumerSettings);
        if (1 == allTopics.size() && !enableRetry && null == patternWatcher)
        {
            return subscribeTopic(allTopics.iterator().next(), initialPosition, bufferLength, consumerSettings);
        }
        if (null != patternWatcher)
        {
            allTopics.addAll(patternWatcher.matching(
                consumers.producers().namespaces().getTopics(patternWatcher.namespace())));
        }
        if (enableRetry && allTopics.isEmpty())
        {
            throw new MagnetarClientException("enableRetry needs a topic: the retry topic is named after it");
        }

        if (enableRetry && SubscriptionType.SHARED != subscriptionType &&
            SubscriptionType.KEY_SHARED != subscriptionType)
        {
            throw new MagnetarClientException("enableRetry needs a SHARED or KEY_SHARED subscription: the retry " +
                "topic delays messages, and delays hold only there (exclusive and failover deliver at once), not " +
                subscriptionType);
        }
        final RetryLetters retryLetters = enableRetry ? new RetryLetters(
            consumers.producers(), deadLetterPolicy, allTopics.iterator().next(), subscriptionName) : null;
        if (null != retryLetters)
        {
            allTopics.add(retryLetters.retryTopic());
        }
        final String[] names = allTopics.toArray(new String[0]);
        final Consumer[] subscribed = new Consumer[names.length];
        try
        {
            for (int i = 0; i < names.length; i++)
            {
                subscribed[i] = subscribeTopic(names[i], initialPosition, bufferLength, consumerSettings);
            }
        }
        catch (final MagnetarClientException | RuntimeException ex)
        {
            for (final Consumer consumer : subscribed)
            {
                closeQuietly(consumer);
            }
            throw ex;
        }

        final MultiTopicsConsumer consumer = new MultiTopicsConsumer(names, subscribed, subscriptionName,
            consumerName, subscriptionType, consumers.operationTimeoutNs(), consumers.requests(), retryLetters);
        if (null != patternWatcher)
        {
            patternWatcher.consumer(consumer);
            final java.util.concurrent.ScheduledFuture<?> discovery =
                consumers.producers().partitionsWatcher().watch(patternWatcher, patternAutoDiscoveryPeriodNs);
            if (null != discovery)
            {
                consumer.onClose(() -> discovery.cancel(false));
            }
        }
        return consumer;
    }

    private TopicsPatternWatcher patternWatcher(final int bufferLength, final ConsumerSettings settings)
        throws MagnetarClientException
    {
        if (null == topicsPattern)
        {
            return null;
        }
        if (patternAutoDiscoveryPeriodNs <= 0)
        {
            throw new MagnetarClientException("patternAutoDiscoveryPeriod must be positive");
        }
        final java.util.regex.Pattern pattern;
        try
        {
            pattern = java.util.regex.Pattern.compile(topicsPattern);
        }
        catch (final java.util.regex.PatternSyntaxException ex)
        {
            throw new MagnetarClientException("topicsPattern is not a regular expression: " + ex.getMessage());
        }
        final String namespace = TopicsPatternWatcher.namespaceOf(topicsPattern);
        return new TopicsPatternWatcher(pattern, namespace, consumers.producers().namespaces(),
            (topic) -> subscribeTopic(topic, InitialPosition.EARLIEST, bufferLength, settings));
    }

    private static void closeQuietly(final Consumer consumer)
    {
        if (null != consumer)
        {
            try
            {
                consumer.close();
            }
            catch (final MagnetarClientException ignore)
            {
                // the subscribe failed already; that failure is what the caller sees
            }
        }
    }

    private Consumer subscribeTopic(
        final String fullName,
        final InitialPosition initialPosition,
        final int bufferLength,
        final ConsumerSettings consumerSettings)
        throws MagnetarClientException
    {
        final int partitions = consumers.producers().partitionsOf(fullName);
        if (0 == partitions)
        {
            return consumers.subscribe(fullName, subscriptionName, consumerName, subscriptionType, initialPosition,
                receiverQueueSize, bufferLength, ackReceiptEnabled, consumerSettings);
        }

        return PartitionedConsumer.subscribe(fullName, subscriptionName, subscriptionType, partitions,
            (partition) -> consumers.subscribe(PartitionFactory.partitionName(fullName, partition),
                subscriptionName, consumerName, subscriptionType, initialPosition, receiverQueueSize, bufferLength,
                ackReceiptEnabled, consumerSettings),
            (partition) -> consumers.subscribe(PartitionFactory.partitionName(fullName, partition),
                subscriptionName, consumerName, subscriptionType, InitialPosition.EARLIEST, receiverQueueSize,
                bufferLength, ackReceiptEnabled, consumerSettings),
            consumers.producers().topics(), consumers.operationTimeoutNs(), consumers.requests(),
            consumers.producers().partitionsWatcher(), autoUpdatePartitionsIntervalNs);
    }
}

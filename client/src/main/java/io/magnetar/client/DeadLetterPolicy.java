package io.magnetar.client;

/**
 * Where a message goes once it was delivered again too often, as Pulsar's {@code DeadLetterPolicy}: after
 * {@link #maxRedeliverCount()} redeliveries (negative acknowledgements, ack timeouts, consumers leaving) the next
 * delivery publishes it to the dead letter topic instead, with its key and properties and two more,
 * {@code REAL_TOPIC} and {@code ORIGIN_MESSAGE_ID}, and acknowledges it on its own subscription. Redeliveries are
 * counted by the broker, in memory (a broker restart starts them again from 0).
 */
public final class DeadLetterPolicy
{
    /** Property naming the topic a dead letter came from, as Pulsar's. */
    public static final String REAL_TOPIC = "REAL_TOPIC";
    /** Property holding a dead letter's message id on the topic it came from, as Pulsar's. */
    public static final String ORIGIN_MESSAGE_ID = "ORIGIN_MESSAGE_ID";
    /** Property counting how often a message went to the retry topic, as Pulsar's. */
    public static final String RECONSUMETIMES = "RECONSUMETIMES";
    /** Property holding a retried message's delay in ms, as Pulsar's. */
    public static final String DELAY_TIME = "DELAY_TIME";
    /** Most retries when retry is enabled without a policy, as Pulsar's {@code MAX_RECONSUMETIMES}. */
    public static final int DEFAULT_MAX_RECONSUME_TIMES = 16;

    private final int maxRedeliverCount;
    private final String deadLetterTopic;
    private final String retryLetterTopic;

    /**
     * @param maxRedeliverCount redeliveries a message may have before it goes to the dead letter topic; at least 1.
     * @param deadLetterTopic   where it goes, or null for Pulsar's default {@code TOPIC-SUBSCRIPTION-DLQ}.
     */
    public DeadLetterPolicy(final int maxRedeliverCount, final String deadLetterTopic)
    {
        this(maxRedeliverCount, deadLetterTopic, null);
    }

    /**
     * @param maxRedeliverCount redeliveries (or, with retry enabled, {@code reconsumeLater} calls) a message may have
     *                          before it goes to the dead letter topic; at least 1.
     * @param deadLetterTopic   where it goes, or null for Pulsar's default {@code TOPIC-SUBSCRIPTION-DLQ}.
     * @param retryLetterTopic  where {@code reconsumeLater} sends a message, or null for Pulsar's default
     *                          {@code TOPIC-SUBSCRIPTION-RETRY}.
     */
    public DeadLetterPolicy(final int maxRedeliverCount, final String deadLetterTopic, final String retryLetterTopic)
    {
        this.maxRedeliverCount = maxRedeliverCount;
        this.deadLetterTopic = deadLetterTopic;
        this.retryLetterTopic = retryLetterTopic;
    }

    /**
     * @return the retry letter topic, or null for the default.
     */
    public String retryLetterTopic()
    {
        return retryLetterTopic;
    }

    /**
     * @param topic        of the consumer.
     * @param subscription of the consumer.
     * @return the retry letter topic for them: the one given, or {@code TOPIC-SUBSCRIPTION-RETRY}.
     */
    String retryLetterTopicFor(final String topic, final String subscription)
    {
        return null != retryLetterTopic ? retryLetterTopic : topic + "-" + subscription + "-RETRY";
    }

    /**
     * @return redeliveries a message may have before it goes to the dead letter topic.
     */
    public int maxRedeliverCount()
    {
        return maxRedeliverCount;
    }

    /**
     * @return the dead letter topic, or null for the default.
     */
    public String deadLetterTopic()
    {
        return deadLetterTopic;
    }

    /**
     * @param topic        of the consumer.
     * @param subscription of the consumer.
     * @return the dead letter topic for them: the one given, or {@code TOPIC-SUBSCRIPTION-DLQ}.
     */
    String deadLetterTopicFor(final String topic, final String subscription)
    {
        return null != deadLetterTopic ? deadLetterTopic : topic + "-" + subscription + "-DLQ";
    }
}

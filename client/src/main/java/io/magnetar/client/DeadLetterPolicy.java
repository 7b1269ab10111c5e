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

    private final int maxRedeliverCount;
    private final String deadLetterTopic;

    /**
     * @param maxRedeliverCount redeliveries a message may have before it goes to the dead letter topic; at least 1.
     * @param deadLetterTopic   where it goes, or null for Pulsar's default {@code TOPIC-SUBSCRIPTION-DLQ}.
     */
    public DeadLetterPolicy(final int maxRedeliverCount, final String deadLetterTopic)
    {
        this.maxRedeliverCount = maxRedeliverCount;
        this.deadLetterTopic = deadLetterTopic;
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

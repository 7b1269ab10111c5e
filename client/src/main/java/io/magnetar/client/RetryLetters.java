package io.magnetar.client;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code reconsumeLater}: a message goes to the retry letter topic, delayed, with the properties Pulsar gives it
 * ({@code REAL_TOPIC}, {@code ORIGIN_MESSAGE_ID}, {@code RECONSUMETIMES}, {@code DELAY_TIME}), and the consumer,
 * subscribed to that topic too, gets it again once the delay has passed; after {@code maxRedeliverCount} retries it
 * goes to the dead letter topic instead. The producers are created on first use; each send waits for its receipt, and
 * the message is acknowledged only after it. Thread-safe.
 */
final class RetryLetters
{
    private final ProducerRegistry producers;
    private final int maxReconsumeTimes;
    private final String retryTopic;
    private final String deadLetterTopic;
    private Producer retryProducer;
    private Producer deadLetterProducer;

    /**
     * @param producers    of the client.
     * @param policy       with the topics and the most retries, or null for the defaults.
     * @param topic        the consumer's (first) topic, full name.
     * @param subscription of the consumer.
     */
    RetryLetters(
        final ProducerRegistry producers, final DeadLetterPolicy policy, final String topic, final String subscription)
    {
        final DeadLetterPolicy effective =
            null != policy ? policy : new DeadLetterPolicy(DeadLetterPolicy.DEFAULT_MAX_RECONSUME_TIMES, null);
        this.producers = producers;
        this.maxReconsumeTimes = effective.maxRedeliverCount();
        final String base = PartitionFactory.partitionedTopicOf(topic);
        this.retryTopic = Protocol.fullTopicName(effective.retryLetterTopicFor(base, subscription));
        this.deadLetterTopic = Protocol.fullTopicName(effective.deadLetterTopicFor(base, subscription));
    }

    /**
     * @return the retry letter topic, full name.
     */
    String retryTopic()
    {
        return retryTopic;
    }

    /**
     * Send a message to the retry topic, delayed, or to the dead letter topic after too many retries; waits for the
     * receipt.
     *
     * @throws MagnetarClientException if it could not be stored; the caller then does not acknowledge it.
     */
    synchronized void reconsumeLater(final Message message, final long delay, final TimeUnit unit)
        throws MagnetarClientException
    {
        if (delay < 0 || null == unit)
        {
            throw new MagnetarClientException("the delay must be zero or positive, with a unit");
        }
        final int reconsumeTimes = reconsumeTimes(message.getProperty(DeadLetterPolicy.RECONSUMETIMES)) + 1;
        final Map<String, String> properties = new HashMap<>(message.getProperties());
        properties.putIfAbsent(DeadLetterPolicy.REAL_TOPIC, message.getTopicName());
        properties.putIfAbsent(DeadLetterPolicy.ORIGIN_MESSAGE_ID, message.getMessageId().toString());
        properties.put(DeadLetterPolicy.RECONSUMETIMES, Integer.toString(reconsumeTimes));
        properties.put(DeadLetterPolicy.DELAY_TIME, Long.toString(unit.toMillis(delay)));

        final MessageBuilder builder;
        if (reconsumeTimes > maxReconsumeTimes)
        {
            if (null == deadLetterProducer)
            {
                deadLetterProducer = new ProducerBuilder(producers).topic(deadLetterTopic).create();
            }
            builder = deadLetterProducer.newMessage();
        }
        else
        {
            if (null == retryProducer)
            {
                retryProducer = new ProducerBuilder(producers).topic(retryTopic).create();
            }
            builder = retryProducer.newMessage().deliverAfter(delay, unit);
        }
        builder.properties(properties).value(message.getData());
        if (message.hasKey())
        {
            builder.key(message.getKey());
        }
        builder.send();
    }

    /**
     * @param property a message's {@code RECONSUMETIMES}, or null.
     * @return the retries it counts; 0 if none or not a count.
     */
    private static int reconsumeTimes(final String property)
    {
        if (null == property)
        {
            return 0;
        }
        try
        {
            return Math.max(0, Integer.parseInt(property.trim()));
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }

    /**
     * The consumer closes: so do the producers.
     */
    synchronized void close()
    {
        for (final Producer producer : new Producer[]{ retryProducer, deadLetterProducer })
        {
            if (null != producer)
            {
                try
                {
                    producer.close();
                }
                catch (final MagnetarClientException ignore)
                {
                    // the consumer closes anyway; what was sent has its receipt
                }
            }
        }
    }
}

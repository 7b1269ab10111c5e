package io.magnetar.client;

import org.agrona.ErrorHandler;

import java.util.HashMap;
import java.util.Map;

/**
 * Sends a consumer's messages that were delivered again too often to its dead letter topic
 * ({@link DeadLetterPolicy}), then acknowledges them, instead of handing them out. The producer is created on the
 * first dead letter. Used under the consumer's receive lock; a dead letter waits for its receipt.
 */
final class DeadLetters
{
    private final DeadLetterPolicy policy;
    private final ProducerRegistry producers;
    private final String topic;
    private final String deadLetterTopic;
    private Producer producer;

    DeadLetters(
        final DeadLetterPolicy policy, final ProducerRegistry producers, final String topic, final String subscription)
    {
        this.policy = policy;
        this.producers = producers;
        this.topic = topic;
        this.deadLetterTopic = Protocol.fullTopicName(policy.deadLetterTopicFor(
            PartitionFactory.partitionedTopicOf(topic), subscription));
    }

    /**
     * @return true if the message was delivered again too often: it goes to the dead letter topic.
     */
    boolean isDeadLetter(final MessageView view)
    {
        return view.redeliveryCount() > policy.maxRedeliverCount();
    }

    /**
     * Publish a message to the dead letter topic and wait for its receipt.
     *
     * @throws MagnetarClientException if it could not be stored; the message is then not acknowledged.
     */
    void send(final MessageView view) throws MagnetarClientException
    {
        if (null == producer)
        {
            producer = new ProducerBuilder(producers).topic(deadLetterTopic).create();
        }
        final Message message = view.toMessage();
        final Map<String, String> properties = new HashMap<>(message.getProperties());
        properties.put(DeadLetterPolicy.REAL_TOPIC, topic);
        properties.put(DeadLetterPolicy.ORIGIN_MESSAGE_ID, message.getMessageId().toString());
        final MessageBuilder builder = producer.newMessage().properties(properties).value(message.getData());
        if (message.hasKey())
        {
            builder.key(message.getKey());
        }
        builder.send();
    }

    /**
     * Send the message in the view to the dead letter topic and acknowledge it; if that fails, tell the error handler
     * and give it back, so it comes again (and is tried again).
     *
     * @return true if it went to the dead letter topic, false if it was given back.
     */
    boolean divert(
        final MessageView view, final ConsumerAcks acks, final long restoredEpoch, final ErrorHandler errorHandler)
    {
        try
        {
            send(view);
            acks.acknowledge(view.shard(), view.position(), view.batchIndex(), view.batchSize(), restoredEpoch);
            return true;
        }
        catch (final MagnetarClientException ex)
        {
            errorHandler.onError(new MagnetarClientException("consumer on topic '" + topic + "': could not send " +
                view.shard() + ":" + view.position() + " to the dead letter topic; it comes again", ex));
            acks.negativeAcknowledge(view.shard(), view.position(), view.redeliveryCount());
            return false;
        }
    }

    /**
     * The consumer closes: so does the dead letter producer.
     */
    void close()
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

package io.magnetar.client;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A message delivered to a {@link Consumer}. Immutable apart from the array {@link #getData()} returns.
 */
public final class Message
{
    private final String topicName;
    private final MessageId messageId;
    private final long publishTime;
    private final long sequenceId;
    private final int redeliveryCount;
    private final String key;
    private final byte[] data;
    private final long eventTime;
    private final Map<String, String> properties;
    private final String producerName;
    private final byte[] orderingKey;
    private final String replicatedFrom;

    Message(
        final String topicName,
        final MessageId messageId,
        final long publishTime,
        final long sequenceId,
        final int redeliveryCount,
        final String key,
        final byte[] data,
        final long eventTime,
        final Map<String, String> properties,
        final String producerName,
        final byte[] orderingKey,
        final String replicatedFrom)
    {
        this.orderingKey = orderingKey;
        this.replicatedFrom = replicatedFrom;
        this.eventTime = eventTime;
        this.properties = properties;
        this.producerName = producerName;
        this.topicName = topicName;
        this.messageId = messageId;
        this.publishTime = publishTime;
        this.sequenceId = sequenceId;
        this.redeliveryCount = redeliveryCount;
        this.key = key;
        this.data = data;
    }

    /**
     * @return the payload; the array is not copied, so changing it changes this message.
     */
    public byte[] getData()
    {
        return data;
    }

    /**
     * @return the payload decoded as UTF-8 text.
     */
    public String getValue()
    {
        return new String(data, StandardCharsets.UTF_8);
    }

    /**
     * @return the key the producer gave, or null if it gave none.
     */
    public String getKey()
    {
        return key;
    }

    /**
     * @return true if the producer gave a key.
     */
    public boolean hasKey()
    {
        return null != key;
    }

    /**
     * @return where the message is stored; pass it to {@link Consumer#acknowledge(MessageId)}.
     */
    public MessageId getMessageId()
    {
        return messageId;
    }

    /**
     * @return when the producer sent the message, in epoch milliseconds.
     */
    public long getPublishTime()
    {
        return publishTime;
    }

    /**
     * @return sequence id the producer gave the message.
     */
    public long getSequenceId()
    {
        return sequenceId;
    }

    /**
     * @return how many times the broker delivered this message before.
     */
    public int getRedeliveryCount()
    {
        return redeliveryCount;
    }

    /**
     * @return when the event the message describes happened, as the producer set it
     * ({@link MessageBuilder#eventTime(long)}), in epoch milliseconds; 0 if it set none.
     */
    public long getEventTime()
    {
        return eventTime;
    }

    /**
     * @return the properties the producer set, in the order it set them; unmodifiable, empty if none.
     */
    public Map<String, String> getProperties()
    {
        return properties;
    }

    /**
     * @param name of a property.
     * @return its value, or null if the producer did not set it.
     */
    public String getProperty(final String name)
    {
        return properties.get(name);
    }

    /**
     * @param name of a property.
     * @return true if the producer set it.
     */
    public boolean hasProperty(final String name)
    {
        return properties.containsKey(name);
    }

    /**
     * @return the name of the producer that sent the message; empty if the broker does not know it (stored before
     * it recorded names).
     */
    public String getProducerName()
    {
        return producerName;
    }

    /**
     * @return the ordering key the producer set ({@link MessageBuilder#orderingKey(byte[])}), or null; not copied.
     */
    public byte[] getOrderingKey()
    {
        return orderingKey;
    }

    /**
     * @return true if the producer set an ordering key.
     */
    public boolean hasOrderingKey()
    {
        return null != orderingKey;
    }

    /**
     * @return the cluster the message was replicated from, or null if it was produced in this cluster.
     */
    public String getReplicatedFrom()
    {
        return replicatedFrom;
    }

    /**
     * @return true if the message was replicated from another cluster.
     */
    public boolean isReplicated()
    {
        return null != replicatedFrom;
    }

    /**
     * @return the topic the consumer subscribed to, as it named it.
     */
    public String getTopicName()
    {
        return topicName;
    }

    /**
     * @return a short description for logs; the payload is not included.
     */
    public String toString()
    {
        return "Message{topic=" + topicName +
            ", messageId=" + messageId +
            ", sequenceId=" + sequenceId +
            ", publishTime=" + publishTime +
            ", redeliveryCount=" + redeliveryCount +
            ", key=" + key +
            ", producerName=" + producerName +
            (0 == eventTime ? "" : ", eventTime=" + eventTime) +
            (properties.isEmpty() ? "" : ", properties=" + properties) +
            ", size=" + data.length +
            '}';
    }
}

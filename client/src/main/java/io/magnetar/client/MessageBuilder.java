package io.magnetar.client;

import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.MessageMetadataEncoder;
import org.agrona.ExpandableArrayBuffer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A message with its metadata, built and sent in one chain, as Pulsar's {@code TypedMessageBuilder}:
 * <pre>{@code
 * producer.newMessage().key("order-17").property("region", "eu").eventTime(eventMs).value(bytes).send();
 * }</pre>
 * Consumers see the key, properties and event time on {@link Message}. Not thread-safe; one builder per message.
 */
public final class MessageBuilder
{
    /** Most bytes of encoded metadata (event time and properties) a message may carry. */
    public static final int MAX_METADATA_LENGTH = 64 * 1024;

    private final MessageSink producer;
    private final LinkedHashMap<String, String> properties = new LinkedHashMap<>();
    private String key;
    private byte[] value;
    private long eventTime;
    private byte[] orderingKey;
    private long deliverAtTime;

    MessageBuilder(final MessageSink producer)
    {
        this.producer = producer;
    }

    /**
     * @param key of the message, or null for none; at most {@link Protocol#MAX_KEY_LENGTH} bytes in UTF-8.
     * @return this builder.
     */
    public MessageBuilder key(final String key)
    {
        this.key = key;
        return this;
    }

    /**
     * @param value the payload; not copied, so it must not change until the send returns.
     * @return this builder.
     */
    public MessageBuilder value(final byte[] value)
    {
        this.value = value;
        return this;
    }

    /**
     * Add a property; a later one with the same name replaces it.
     *
     * @param name  of the property.
     * @param value of the property.
     * @return this builder.
     * @throws NullPointerException if the name or value is null.
     */
    public MessageBuilder property(final String name, final String value)
    {
        properties.put(Objects.requireNonNull(name, "property name"), Objects.requireNonNull(value, "property value"));
        return this;
    }

    /**
     * Add several properties.
     *
     * @param properties to add.
     * @return this builder.
     * @throws NullPointerException if a name or value is null.
     */
    public MessageBuilder properties(final Map<String, String> properties)
    {
        for (final Map.Entry<String, String> entry : properties.entrySet())
        {
            property(entry.getKey(), entry.getValue());
        }
        return this;
    }

    /**
     * @param eventTime when the event the message describes happened, in epoch milliseconds (the application's time,
     *                  beside the producer's publish time); 0 for none.
     * @return this builder.
     * @throws IllegalArgumentException if negative.
     */
    public MessageBuilder eventTime(final long eventTime)
    {
        if (eventTime < 0)
        {
            throw new IllegalArgumentException("event time must be 0 or more: " + eventTime);
        }
        this.eventTime = eventTime;
        return this;
    }

    /**
     * @param orderingKey the key key_shared subscriptions order and route by instead of {@link #key(String)}, as
     *                    Pulsar's; null for none. Not copied.
     * @return this builder.
     */
    public MessageBuilder orderingKey(final byte[] orderingKey)
    {
        this.orderingKey = orderingKey;
        return this;
    }

    /**
     * Deliver the message no earlier than a delay from now, as Pulsar's {@code deliverAfter}: on shared and
     * Key_Shared subscriptions; exclusive and failover consumers get it at once, as in Pulsar. The time is stored with
     * the message, so a broker restart keeps it. A delayed message goes as an entry of its own, never in a batch.
     *
     * @param delay how long from now, zero or more.
     * @param unit  of the delay.
     * @return this builder.
     */
    public MessageBuilder deliverAfter(final long delay, final TimeUnit unit)
    {
        return deliverAt(System.currentTimeMillis() + unit.toMillis(Math.max(0, delay)));
    }

    /**
     * Deliver the message no earlier than an epoch time in ms, as Pulsar's {@code deliverAt}; see
     * {@link #deliverAfter(long, TimeUnit)}. A time not after now delivers at once.
     *
     * @param timestamp epoch ms.
     * @return this builder.
     */
    public MessageBuilder deliverAt(final long timestamp)
    {
        this.deliverAtTime = Math.max(0, timestamp);
        return this;
    }

    /**
     * Send the message and wait for its receipt.
     *
     * @return where the broker stored the message.
     * @throws MagnetarClientException as {@link Producer#send(String, byte[])}, or if there is no value or the
     *                                 metadata is too large.
     */
    public MessageId send() throws MagnetarClientException
    {
        return producer.send(key, checkedValue(), encodeMetadata());
    }

    /**
     * Send the message.
     *
     * @return a future completed with where the broker stored the message, or exceptionally as
     * {@link Producer#sendAsync(String, byte[])} and if there is no value or the metadata is too large.
     */
    public CompletableFuture<MessageId> sendAsync()
    {
        try
        {
            return producer.sendAsync(key, checkedValue(), encodeMetadata());
        }
        catch (final MagnetarClientException ex)
        {
            return CompletableFuture.failedFuture(ex);
        }
    }

    /**
     * @return the properties set so far; unmodifiable.
     */
    public Map<String, String> getProperties()
    {
        return Collections.unmodifiableMap(properties);
    }

    private byte[] checkedValue() throws MagnetarClientException
    {
        if (null == value)
        {
            throw new MagnetarClientException("the message has no value: call value(bytes) before sending");
        }
        return value;
    }

    /**
     * @return the metadata as the protocol's {@code MessageMetadata} message, or null if the message has none.
     */
    byte[] encodeMetadata() throws MagnetarClientException
    {
        if (0 != deliverAtTime)
        {
            producer.checkBrokerSupports(9, "delayed delivery"); // an older broker would deliver it at once
        }
        if (properties.isEmpty() && 0 == eventTime && null == orderingKey && 0 == deliverAtTime)
        {
            return null;
        }
        if (properties.size() > MAX_METADATA_LENGTH / 8)
        {
            throw new MagnetarClientException(MagnetarClientException.ErrorCode.MESSAGE_TOO_LARGE,
                "the message has " + properties.size() + " properties; they cannot fit " + MAX_METADATA_LENGTH +
                " bytes");
        }

        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final MessageMetadataEncoder encoder = new MessageMetadataEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .eventTime(eventTime)
            .deliverAtTime(deliverAtTime);
        final MessageMetadataEncoder.PropertiesEncoder entries = encoder.propertiesCount(properties.size());
        for (final Map.Entry<String, String> entry : properties.entrySet())
        {
            entries.next().key(entry.getKey()).value(entry.getValue());
        }
        if (null == orderingKey)
        {
            encoder.putOrderingKey(new byte[0], 0, 0);
        }
        else
        {
            encoder.putOrderingKey(orderingKey, 0, orderingKey.length);
        }
        encoder.replicatedFrom("");
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        if (length > MAX_METADATA_LENGTH)
        {
            throw new MagnetarClientException(MagnetarClientException.ErrorCode.MESSAGE_TOO_LARGE,
                "the message's properties take " + length + " bytes; at most " + MAX_METADATA_LENGTH);
        }

        final byte[] metadata = new byte[length];
        buffer.getBytes(0, metadata);
        return metadata;
    }
}

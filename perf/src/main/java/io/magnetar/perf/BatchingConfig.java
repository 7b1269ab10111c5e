package io.magnetar.perf;

import io.aeron.exceptions.ConfigurationException;
import io.magnetar.client.CompressionType;
import io.magnetar.client.ConsumerBuilder;
import io.magnetar.client.ProducerBuilder;

import java.util.concurrent.TimeUnit;

/**
 * How the broker run's producers batch and compress (pulsar-perf's {@code --batch-time-window},
 * {@code --batch-max-messages}, {@code --batch-max-bytes} and {@code -z}); the raw Aeron baseline sends each message
 * as it is.
 */
public final class BatchingConfig
{
    private boolean enabled;
    private double timeWindowMs = 1;
    private int maxMessages = 1000;
    private int maxBytes = 128 * 1024;
    private CompressionType compression = CompressionType.NONE;
    private double acksDelayMs;

    /**
     * Validate the settings.
     *
     * @return this for a fluent API.
     * @throws ConfigurationException naming the setting that is wrong.
     */
    public BatchingConfig conclude()
    {
        if (!(timeWindowMs > 0) || timeWindowMs > 60_000)
        {
            throw new ConfigurationException("--batch-time-window must be more than 0 and at most 60000 ms: " +
                timeWindowMs);
        }
        if (maxMessages < 1 || maxBytes < 1)
        {
            throw new ConfigurationException("--batch-max-messages and --batch-max-bytes must be at least 1");
        }
        if (!(acksDelayMs >= 0) || acksDelayMs > 60_000)
        {
            throw new ConfigurationException("--acks-delay-millis must be 0 to 60000: " + acksDelayMs);
        }
        if (null == compression)
        {
            throw new ConfigurationException("compression is null");
        }

        return this;
    }

    /**
     * Apply the settings to a producer of the broker run.
     *
     * @param builder of the producer.
     * @return the builder.
     */
    public ProducerBuilder applyTo(final ProducerBuilder builder)
    {
        return builder
            .enableBatching(enabled)
            .batchingMaxPublishDelay((long)(timeWindowMs * 1000), TimeUnit.MICROSECONDS)
            .batchingMaxMessages(maxMessages)
            .batchingMaxBytes(maxBytes)
            .compressionType(compression);
    }

    /**
     * Apply the ack grouping to a consumer of the broker run.
     *
     * @param builder of the consumer.
     * @return the builder.
     */
    public ConsumerBuilder applyTo(final ConsumerBuilder builder)
    {
        return builder.acknowledgmentGroupTime((long)(acksDelayMs * 1000), TimeUnit.MICROSECONDS);
    }

    /**
     * @param acksDelayMs most time a consumer's acks wait to go out together (pulsar-perf's
     *                    {@code --acks-delay-millis}); 0 sends each at once.
     * @return this for a fluent API.
     */
    public BatchingConfig acksDelayMs(final double acksDelayMs)
    {
        this.acksDelayMs = acksDelayMs;
        return this;
    }

    /**
     * @return a short description for the run's name, empty without batching or compression.
     */
    public String describe()
    {
        final String batch = enabled ? "batching " + timeWindowMs + " ms/" + maxMessages + " msgs/" + maxBytes +
            " bytes" : "";
        final String codec = CompressionType.NONE == compression ? "" : compression.name().toLowerCase();
        final String acks = acksDelayMs > 0 ? "acks grouped " + acksDelayMs + " ms" : "";
        final StringBuilder text = new StringBuilder(batch);
        for (final String part : new String[]{ codec, acks })
        {
            if (!part.isEmpty())
            {
                text.append(text.length() > 0 ? ", " : "").append(part);
            }
        }
        return text.toString();
    }

    /**
     * @param enabled true to batch.
     * @return this for a fluent API.
     */
    public BatchingConfig enabled(final boolean enabled)
    {
        this.enabled = enabled;
        return this;
    }

    /**
     * @return true if the producers batch.
     */
    public boolean enabled()
    {
        return enabled;
    }

    /**
     * @param timeWindowMs most time a batch waits, in milliseconds.
     * @return this for a fluent API.
     */
    public BatchingConfig timeWindowMs(final double timeWindowMs)
    {
        this.timeWindowMs = timeWindowMs;
        return this;
    }

    /**
     * @param maxMessages most messages a batch.
     * @return this for a fluent API.
     */
    public BatchingConfig maxMessages(final int maxMessages)
    {
        this.maxMessages = maxMessages;
        return this;
    }

    /**
     * @return most messages a batch.
     */
    public int maxMessages()
    {
        return maxMessages;
    }

    /**
     * @param maxBytes most bytes a batch.
     * @return this for a fluent API.
     */
    public BatchingConfig maxBytes(final int maxBytes)
    {
        this.maxBytes = maxBytes;
        return this;
    }

    /**
     * @param compression of each batch or message.
     * @return this for a fluent API.
     */
    public BatchingConfig compression(final CompressionType compression)
    {
        this.compression = compression;
        return this;
    }

    /**
     * @return compression of each batch or message.
     */
    public CompressionType compression()
    {
        return compression;
    }
}

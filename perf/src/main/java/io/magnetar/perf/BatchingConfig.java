package io.magnetar.perf;

import io.aeron.exceptions.ConfigurationException;
import io.magnetar.client.CompressionType;
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
     * @return a short description for the run's name, empty without batching or compression.
     */
    public String describe()
    {
        final String batch = enabled ? "batching " + timeWindowMs + " ms/" + maxMessages + " msgs/" + maxBytes +
            " bytes" : "";
        final String codec = CompressionType.NONE == compression ? "" : compression.name().toLowerCase();
        return batch.isEmpty() ? codec : codec.isEmpty() ? batch : batch + ", " + codec;
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

package io.magnetar.perf;

import io.magnetar.broker.BrokerContext;
import io.magnetar.broker.policy.RetentionPolicy;

import java.util.concurrent.TimeUnit;

/**
 * Namespace defaults a run gives its embedded broker: retention time and message TTL, each left to the broker's
 * own default (its system properties) unless set.
 */
public final class BrokerDefaults
{
    /**
     * Value of a setting left to the broker's default.
     */
    public static final long UNSET = Long.MIN_VALUE;

    private long retentionTimeMs = UNSET;
    private long messageTtlMs = UNSET;

    /**
     * @param retentionTimeMs how long acknowledged messages are kept; -1 keeps everything; {@link #UNSET}.
     * @return this for a fluent API.
     */
    public BrokerDefaults retentionTimeMs(final long retentionTimeMs)
    {
        this.retentionTimeMs = retentionTimeMs;
        return this;
    }

    /**
     * @return how long acknowledged messages are kept, -1 for ever, or {@link #UNSET}.
     */
    public long retentionTimeMs()
    {
        return retentionTimeMs;
    }

    /**
     * @param messageTtlMs age at which unacknowledged messages are acknowledged by the broker; -1 for never;
     *                     {@link #UNSET}.
     * @return this for a fluent API.
     */
    public BrokerDefaults messageTtlMs(final long messageTtlMs)
    {
        this.messageTtlMs = messageTtlMs;
        return this;
    }

    /**
     * @return message TTL in milliseconds, -1 for none, or {@link #UNSET}.
     */
    public long messageTtlMs()
    {
        return messageTtlMs;
    }

    /**
     * @return true if any setting is given.
     */
    public boolean isSet()
    {
        return UNSET != retentionTimeMs || UNSET != messageTtlMs;
    }

    /**
     * Give the settings that are set to a broker's context; the others keep the context's values.
     *
     * @param ctx of the broker.
     * @return the context.
     */
    public BrokerContext applyTo(final BrokerContext ctx)
    {
        if (isSet())
        {
            final RetentionPolicy current = ctx.retention();
            ctx.retention(new RetentionPolicy(
                current.sizeBytes(),
                UNSET != retentionTimeMs ? retentionTimeMs : current.timeMs(),
                UNSET != messageTtlMs ? messageTtlMs : current.messageTtlMs(),
                TimeUnit.NANOSECONDS.toMillis(current.checkIntervalNs())));
        }

        return ctx;
    }
}

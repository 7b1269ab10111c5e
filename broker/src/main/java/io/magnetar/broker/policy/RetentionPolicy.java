package io.magnetar.broker.policy;

import java.util.concurrent.TimeUnit;

/**
 * How long a broker keeps entries that every subscription has acknowledged (or that no subscription needs): as in
 * Pulsar, such an entry goes once it is beyond either limit, the size of the shard log kept or the time kept; a
 * limit of -1 never lets it go, and with both at -1 everything is kept. Space comes back by whole archive
 * segments. Unacknowledged entries are always kept. For now one policy applies to every namespace.
 */
public final class RetentionPolicy
{
    /**
     * Keep everything.
     */
    public static final RetentionPolicy INFINITE = new RetentionPolicy(-1, -1, 1000);

    private final long sizeBytes;
    private final long timeMs;
    private final long messageTtlMs;
    private final long checkIntervalMs;

    /**
     * @param sizeBytes       newest bytes of each shard log kept regardless of acks; -1 for no size limit.
     * @param timeMs          entries younger than this are kept regardless of acks; -1 for no time limit.
     * @param checkIntervalMs how often the broker looks for segments to reclaim.
     */
    public RetentionPolicy(final long sizeBytes, final long timeMs, final long checkIntervalMs)
    {
        this(sizeBytes, timeMs, -1, checkIntervalMs);
    }

    /**
     * @param sizeBytes       newest bytes of each shard log kept regardless of acks; -1 for no size limit.
     * @param timeMs          entries younger than this are kept regardless of acks; -1 for no time limit.
     * @param messageTtlMs    a message not acknowledged this long after its publish time is acknowledged by the
     *                        broker for every subscription, as Pulsar's message TTL; -1 for none.
     * @param checkIntervalMs how often the broker looks for segments to reclaim and messages to expire.
     */
    public RetentionPolicy(final long sizeBytes, final long timeMs, final long messageTtlMs, final long checkIntervalMs)
    {
        if (checkIntervalMs <= 0)
        {
            throw new IllegalArgumentException("retention check interval must be positive: " + checkIntervalMs);
        }
        this.sizeBytes = sizeBytes;
        this.timeMs = timeMs;
        this.messageTtlMs = messageTtlMs;
        this.checkIntervalMs = checkIntervalMs;
    }

    /**
     * @return message TTL in ms, or -1 for none.
     */
    public long messageTtlMs()
    {
        return messageTtlMs;
    }

    /**
     * @return true if there is anything to check periodically: reclaiming or expiring.
     */
    public boolean needsChecks()
    {
        return isFinite() || messageTtlMs >= 0;
    }

    /**
     * @return true if acknowledged entries are ever reclaimed: with both limits off (-1) everything is kept.
     */
    public boolean isFinite()
    {
        return sizeBytes >= 0 || timeMs >= 0;
    }

    /**
     * @return newest bytes kept, or -1 for no size limit.
     */
    public long sizeBytes()
    {
        return sizeBytes;
    }

    /**
     * @return time kept in ms, or -1 for no time limit.
     */
    public long timeMs()
    {
        return timeMs;
    }

    /**
     * @return how often to look for segments to reclaim, in nanoseconds.
     */
    public long checkIntervalNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(checkIntervalMs);
    }

    public String toString()
    {
        return "RetentionPolicy{sizeBytes=" + sizeBytes + ", timeMs=" + timeMs + ", messageTtlMs=" + messageTtlMs + '}';
    }
}

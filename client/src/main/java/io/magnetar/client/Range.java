package io.magnetar.client;

/**
 * A range of Key_Shared key hashes, both ends inclusive, within 0..65535; as Pulsar's {@code Range}.
 */
public final class Range
{
    private final int start;
    private final int end;

    private Range(final int start, final int end)
    {
        this.start = start;
        this.end = end;
    }

    /**
     * @param start first hash of the range.
     * @param end   last hash of the range.
     * @return the range.
     * @throws IllegalArgumentException if it is not within 0..65535 with start at most end.
     */
    public static Range of(final int start, final int end)
    {
        if (start < 0 || end > KeySharedPolicy.DEFAULT_HASH_RANGE_SIZE - 1 || start > end)
        {
            throw new IllegalArgumentException("hash range [" + start + ", " + end + "] is not within 0.." +
                (KeySharedPolicy.DEFAULT_HASH_RANGE_SIZE - 1) + " with start <= end");
        }
        return new Range(start, end);
    }

    /**
     * @return first hash of the range.
     */
    public int getStart()
    {
        return start;
    }

    /**
     * @return last hash of the range.
     */
    public int getEnd()
    {
        return end;
    }

    /**
     * @param other range.
     * @return true if the two share a hash.
     */
    public boolean intersects(final Range other)
    {
        return start <= other.end && other.start <= end;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "[" + start + ", " + end + "]";
    }
}

package io.magnetar.storage;

/**
 * A subscription's acknowledgement state over a {@link TopicIndex}: a mark-delete point (every entry before it is
 * acknowledged) plus the entries acknowledged individually beyond it, held as ranges of ordinals in a
 * {@link LongRangeSet}. Memory grows with the number of ack holes, not of acks: a million out-of-order acks of a
 * contiguous block end as one range. Acks do not allocate, except when the range set grows.
 */
public final class Cursor
{
    private final TopicIndex index;
    /**
     * Ordinals acknowledged beyond the mark: every one is greater than {@link #markDeleteOrdinal}. Null until the
     * first: a cursor read in order never has one.
     */
    private LongRangeSet individuallyAcked;
    private long markDeleteOrdinal;

    /**
     * @param index         of the topic.
     * @param startOrdinal  first entry the subscription reads; entries before it count as acknowledged.
     */
    public Cursor(final TopicIndex index, final long startOrdinal)
    {
        this.index = index;
        this.markDeleteOrdinal = Math.max(startOrdinal, index.firstOrdinal());
    }

    /**
     * Acknowledge the entry at a position.
     *
     * @param position of the entry.
     * @return true if this acknowledged an entry that was not acknowledged before.
     */
    public boolean ack(final long position)
    {
        final long ordinal = ordinalOf(position);
        if (ordinal < markDeleteOrdinal)
        {
            return false;
        }

        return ackOrdinal(ordinal);
    }

    /**
     * Acknowledge the entry of an ordinal the index holds, at or after the mark-delete point.
     *
     * @param ordinal of the entry.
     * @return true if this acknowledged an entry that was not acknowledged before.
     */
    public boolean ackOrdinal(final long ordinal)
    {
        if (ordinal < markDeleteOrdinal)
        {
            return false;
        }

        if (ordinal == markDeleteOrdinal)
        {
            markDeleteOrdinal = null == individuallyAcked ?
                ordinal + 1 : individuallyAcked.removeFirstRangeIfStartsAt(ordinal + 1);
            return true;
        }

        return individuallyAcked().add(ordinal);
    }

    /**
     * @param position of an entry.
     * @return true if the entry is acknowledged, or if no entry of the topic starts at this position.
     */
    public boolean isAckedPosition(final long position)
    {
        final long ordinal = ordinalOf(position);
        return ordinal < 0 || isAcked(ordinal);
    }

    /**
     * @param position of an entry.
     * @return the entry's ordinal if it is not acknowledged yet, or -1 if it is, or if no entry of the topic starts
     * at this position.
     */
    public long unackedOrdinalOf(final long position)
    {
        return unackedOrdinalOf(position, -1);
    }

    /**
     * @param position of an entry.
     * @param hint     the ordinal the entry is expected to have (looked at first), or -1 for none.
     * @return the entry's ordinal if it is not acknowledged yet, or -1 if it is, or if no entry of the topic starts
     * at this position.
     */
    public long unackedOrdinalOf(final long position, final long hint)
    {
        final long ordinal = isAt(hint, position) ? hint : ordinalOf(position);
        return ordinal < 0 || isAcked(ordinal) ? -1 : ordinal;
    }

    /**
     * The ordinal of the entry at a position, looked up first at the mark-delete point, where acks of a subscription
     * read in order land, and otherwise searched in the index.
     */
    private long ordinalOf(final long position)
    {
        return isAt(markDeleteOrdinal, position) ? markDeleteOrdinal : index.ordinalOf(position);
    }

    private boolean isAt(final long ordinal, final long position)
    {
        return ordinal >= index.firstOrdinal() && ordinal < index.size() && index.position(ordinal) == position;
    }

    /**
     * @param ordinal of an entry.
     * @return true if the entry is acknowledged.
     */
    public boolean isAcked(final long ordinal)
    {
        return ordinal < markDeleteOrdinal || (null != individuallyAcked && individuallyAcked.contains(ordinal));
    }

    /**
     * @return ordinal of the first entry not yet acknowledged.
     */
    public long firstUnackedOrdinal()
    {
        return markDeleteOrdinal;
    }

    /**
     * @return position of the last entry of the acknowledged prefix, or -1 if there is none.
     */
    public long markDeletePosition()
    {
        if (markDeleteOrdinal > index.firstOrdinal())
        {
            return index.position(markDeleteOrdinal - 1);
        }

        return markDeleteOrdinal == index.firstOrdinal() ? index.lastRemovedPosition() : -1;
    }

    /**
     * @return number of entries acknowledged beyond the mark-delete point, at most {@link Integer#MAX_VALUE}.
     */
    public int individuallyAckedCount()
    {
        return null == individuallyAcked ? 0 : (int)Math.min(individuallyAcked.size(), Integer.MAX_VALUE);
    }

    /**
     * @return number of ranges of consecutive entries acknowledged beyond the mark-delete point.
     */
    public int individuallyAckedRangeCount()
    {
        return null == individuallyAcked ? 0 : individuallyAcked.rangeCount();
    }

    /**
     * @param rangeIndex from 0 to {@link #individuallyAckedRangeCount()} - 1, ranges in increasing order.
     * @return position of the first entry of a range acknowledged beyond the mark-delete point.
     * @throws IndexOutOfBoundsException if there is no such range.
     */
    public long ackedRangeFirstPosition(final int rangeIndex)
    {
        return index.position(individuallyAcked().rangeFirst(rangeIndex));
    }

    /**
     * @param rangeIndex from 0 to {@link #individuallyAckedRangeCount()} - 1, ranges in increasing order.
     * @return position of the last entry of a range acknowledged beyond the mark-delete point.
     * @throws IndexOutOfBoundsException if there is no such range.
     */
    public long ackedRangeLastPosition(final int rangeIndex)
    {
        return index.position(individuallyAcked().rangeLast(rangeIndex));
    }

    /**
     * The entries acknowledged beyond the mark-delete point, as ranges of positions: what Pulsar calls the
     * individually deleted messages. Allocates the array; {@link #ackedRangeFirstPosition(int)} and
     * {@link #ackedRangeLastPosition(int)} read the same ranges without allocating.
     *
     * @param maxRanges most ranges to return.
     * @return pairs of (first position, last position) of each range, in order.
     */
    public long[] ackedRanges(final int maxRanges)
    {
        final int rangeCount = Math.min(Math.max(maxRanges, 0), individuallyAckedRangeCount());
        final long[] ranges = new long[2 * rangeCount];
        for (int i = 0; i < rangeCount; i++)
        {
            ranges[2 * i] = index.position(individuallyAcked.rangeFirst(i));
            ranges[2 * i + 1] = index.position(individuallyAcked.rangeLast(i));
        }

        return ranges;
    }

    /**
     * @return entries not yet acknowledged.
     */
    public long backlog()
    {
        return index.size() - markDeleteOrdinal - (null == individuallyAcked ? 0 : individuallyAcked.size());
    }

    /**
     * Replace the state with a checkpoint's: every entry up to and including a position is acknowledged, nothing
     * beyond it yet.
     *
     * @param markDeletePosition last entry of the acknowledged prefix, or -1 for none.
     */
    public void restore(final long markDeletePosition)
    {
        individuallyAcked = null;
        markDeleteOrdinal = Math.max(
            index.firstOrdinal(), markDeletePosition < 0 ? 0 : index.firstOrdinalAtOrAfter(markDeletePosition + 1));
    }

    /**
     * Acknowledge every entry whose position lies in a range.
     *
     * @param firstPosition of the range.
     * @param lastPosition  of the range, inclusive.
     */
    public void ackRange(final long firstPosition, final long lastPosition)
    {
        final long firstOrdinal = Math.max(markDeleteOrdinal, index.firstOrdinalAtOrAfter(firstPosition));
        final long lastOrdinal = Long.MAX_VALUE == lastPosition ?
            index.size() - 1 : index.firstOrdinalAtOrAfter(lastPosition + 1) - 1;
        if (firstOrdinal > lastOrdinal)
        {
            return;
        }

        if (firstOrdinal == markDeleteOrdinal)
        {
            if (null == individuallyAcked)
            {
                markDeleteOrdinal = lastOrdinal + 1;
            }
            else
            {
                individuallyAcked.removeAllBelow(lastOrdinal + 1);
                markDeleteOrdinal = individuallyAcked.removeFirstRangeIfStartsAt(lastOrdinal + 1);
            }
        }
        else
        {
            individuallyAcked().addRange(firstOrdinal, lastOrdinal);
        }
    }

    /**
     * Entries before the index's first ordinal were reclaimed: count them as acknowledged.
     */
    public void onEntriesRemoved()
    {
        final long firstOrdinal = index.firstOrdinal();
        if (markDeleteOrdinal < firstOrdinal)
        {
            if (null != individuallyAcked)
            {
                individuallyAcked.removeAllBelow(firstOrdinal);
            }
            markDeleteOrdinal = firstOrdinal;
        }
        if (null != individuallyAcked)
        {
            markDeleteOrdinal = individuallyAcked.removeFirstRangeIfStartsAt(markDeleteOrdinal);
        }
    }

    private LongRangeSet individuallyAcked()
    {
        if (null == individuallyAcked)
        {
            individuallyAcked = new LongRangeSet(0);
        }

        return individuallyAcked;
    }
}

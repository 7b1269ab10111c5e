package io.magnetar.storage;

import org.agrona.collections.LongHashSet;

/**
 * A subscription's acknowledgement state over a {@link TopicIndex}: a mark-delete point (every entry before it is
 * acknowledged) plus the entries acknowledged individually beyond it.
 */
public final class Cursor
{
    private final TopicIndex index;
    private final LongHashSet individuallyAcked = new LongHashSet();
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
        final long ordinal = index.ordinalOf(position);
        if (ordinal < markDeleteOrdinal || isAcked(ordinal))
        {
            return false;
        }

        if (ordinal == markDeleteOrdinal)
        {
            markDeleteOrdinal++;
            while (individuallyAcked.remove(markDeleteOrdinal))
            {
                markDeleteOrdinal++;
            }
        }
        else
        {
            individuallyAcked.add(ordinal);
        }

        return true;
    }

    /**
     * @param position of an entry.
     * @return true if the entry is acknowledged, or if no entry of the topic starts at this position.
     */
    public boolean isAckedPosition(final long position)
    {
        final long ordinal = index.ordinalOf(position);
        return ordinal < 0 || isAcked(ordinal);
    }

    /**
     * @param ordinal of an entry.
     * @return true if the entry is acknowledged.
     */
    public boolean isAcked(final long ordinal)
    {
        return ordinal < markDeleteOrdinal || individuallyAcked.contains(ordinal);
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
     * @return number of entries acknowledged beyond the mark-delete point.
     */
    public int individuallyAckedCount()
    {
        return individuallyAcked.size();
    }

    /**
     * The entries acknowledged beyond the mark-delete point, as ranges of positions: what Pulsar calls the
     * individually deleted messages. Allocates; for stats, not for the message path.
     *
     * @param maxRanges most ranges to return.
     * @return pairs of (first position, last position) of each range, in order.
     */
    public long[] ackedRanges(final int maxRanges)
    {
        final long[] ordinals = new long[individuallyAcked.size()];
        int count = 0;
        final LongHashSet.LongIterator iterator = individuallyAcked.iterator();
        while (iterator.hasNext())
        {
            ordinals[count++] = iterator.nextValue();
        }
        java.util.Arrays.sort(ordinals);

        final long[] ranges = new long[2 * Math.min(maxRanges, ordinals.length)];
        int rangeCount = 0;
        int i = 0;
        while (i < ordinals.length && rangeCount < maxRanges)
        {
            int j = i;
            while (j + 1 < ordinals.length && ordinals[j + 1] == ordinals[j] + 1)
            {
                j++;
            }
            ranges[2 * rangeCount] = index.position(ordinals[i]);
            ranges[2 * rangeCount + 1] = index.position(ordinals[j]);
            rangeCount++;
            i = j + 1;
        }

        return java.util.Arrays.copyOf(ranges, 2 * rangeCount);
    }

    /**
     * @return entries not yet acknowledged.
     */
    public long backlog()
    {
        return index.size() - markDeleteOrdinal - individuallyAcked.size();
    }

    /**
     * Replace the state with a checkpoint's: every entry up to and including a position is acknowledged, nothing
     * beyond it yet.
     *
     * @param markDeletePosition last entry of the acknowledged prefix, or -1 for none.
     */
    public void restore(final long markDeletePosition)
    {
        individuallyAcked.clear();
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
        final long end = index.size();
        for (long ordinal = index.firstOrdinalAtOrAfter(firstPosition); ordinal < end; ordinal++)
        {
            final long position = index.position(ordinal);
            if (position > lastPosition)
            {
                break;
            }
            ack(position);
        }
    }

    /**
     * Entries before the index's first ordinal were reclaimed: count them as acknowledged.
     */
    public void onEntriesRemoved()
    {
        while (markDeleteOrdinal < index.firstOrdinal())
        {
            individuallyAcked.remove(markDeleteOrdinal);
            markDeleteOrdinal++;
        }
        while (individuallyAcked.remove(markDeleteOrdinal))
        {
            markDeleteOrdinal++;
        }
    }
}

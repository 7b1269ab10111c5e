package io.magnetar.broker.shard;

import io.magnetar.codecs.KeySharedMode;
import org.apache.commons.codec.digest.MurmurHash3;
import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * Which consumer of a Key_Shared subscription owns each key hash, as Pulsar's hash-range selectors: a key's hash is
 * Murmur3 32 of its bytes modulo {@link #RANGE_SIZE}, and every hash belongs to at most one consumer's range.
 * <ul>
 *     <li>{@link KeySharedMode#AUTO_SPLIT}: the first consumer owns 0..65535; each consumer that joins takes the upper
 *     half of the largest range (the first of equal ones); a consumer that leaves gives its range to the consumer of
 *     the next range up, or of the one below if its range was the last. Each consumer owns one range.</li>
 *     <li>{@link KeySharedMode#STICKY}: each consumer gives its ranges; one that overlaps another's is refused, and
 *     hashes no consumer owns wait until one does.</li>
 * </ul>
 * Ranges are kept sorted by start, so that looking a hash up is a binary search that allocates nothing.
 */
final class HashRangeSelector
{
    /** Key hashes run from 0 to this, exclusive. */
    static final int RANGE_SIZE = 65536;

    final KeySharedMode mode;
    private int[] starts = new int[4];
    private int[] ends = new int[4];
    private ShardConsumer[] owners = new ShardConsumer[4];
    private int count;
    private byte[] keyScratch = new byte[64];

    HashRangeSelector(final KeySharedMode mode)
    {
        this.mode = mode;
    }

    /**
     * @param key    buffer holding a key.
     * @param offset of the key.
     * @param length of the key; an empty key has a hash too, so keyless messages all go to one consumer, as in
     *               Pulsar.
     * @return the key's hash in 0..65535.
     */
    int hash(final DirectBuffer key, final int offset, final int length)
    {
        if (keyScratch.length < length)
        {
            keyScratch = new byte[Math.max(length, 2 * keyScratch.length)];
        }
        key.getBytes(offset, keyScratch, 0, length);
        return hash(keyScratch, length);
    }

    /**
     * @return the hash of a key's first {@code length} bytes, in 0..65535.
     */
    static int hash(final byte[] key, final int length)
    {
        return (MurmurHash3.hash32x86(key, 0, length, 0) & Integer.MAX_VALUE) % RANGE_SIZE;
    }

    /**
     * @param ranges a sticky consumer's ranges, start and end (inclusive) pairs; null in auto-split mode.
     * @return null if a consumer with these ranges may join, else why not.
     */
    String refusal(final int[] ranges)
    {
        if (KeySharedMode.AUTO_SPLIT == mode)
        {
            for (int i = 0; i < count; i++)
            {
                if (ends[i] > starts[i])
                {
                    return null;
                }
            }
            return 0 == count ? null : "every hash range of the subscription is a single hash: no room to split";
        }

        final String invalid = invalidRanges(ranges);
        if (null != invalid)
        {
            return invalid;
        }
        for (int r = 0; r < ranges.length; r += 2)
        {
            for (int i = 0; i < count; i++)
            {
                if (ranges[r] <= ends[i] && starts[i] <= ranges[r + 1])
                {
                    return "hash range [" + ranges[r] + ", " + ranges[r + 1] + "] overlaps [" + starts[i] + ", " +
                        ends[i] + "] of consumer '" + owners[i].name + "'";
                }
            }
        }

        return null;
    }

    /**
     * @param ranges start and end (inclusive) pairs.
     * @return null if they are at least one, each within 0..65535 with start at most end, and none overlapping
     * another; else what is wrong.
     */
    static String invalidRanges(final int[] ranges)
    {
        if (null == ranges || 0 == ranges.length)
        {
            return "a sticky Key_Shared consumer needs at least one hash range";
        }
        for (int r = 0; r < ranges.length; r += 2)
        {
            final int start = ranges[r];
            final int end = ranges[r + 1];
            if (start < 0 || end >= RANGE_SIZE || start > end)
            {
                return "hash range [" + start + ", " + end + "] is not within 0.." + (RANGE_SIZE - 1) +
                    " with start <= end";
            }
            for (int o = 0; o < r; o += 2)
            {
                if (start <= ranges[o + 1] && ranges[o] <= end)
                {
                    return "hash ranges [" + ranges[o] + ", " + ranges[o + 1] + "] and [" + start + ", " + end +
                        "] overlap";
                }
            }
        }

        return null;
    }

    /**
     * Give a consumer its range(s); {@link #refusal(int[])} must have let it join.
     *
     * @param ranges a sticky consumer's ranges; ignored in auto-split mode.
     */
    void add(final ShardConsumer consumer, final int[] ranges)
    {
        if (KeySharedMode.STICKY == mode)
        {
            for (int r = 0; r < ranges.length; r += 2)
            {
                insert(ranges[r], ranges[r + 1], consumer);
            }
            return;
        }

        if (0 == count)
        {
            insert(0, RANGE_SIZE - 1, consumer);
            return;
        }
        int largest = 0;
        for (int i = 1; i < count; i++)
        {
            if (ends[i] - starts[i] > ends[largest] - starts[largest])
            {
                largest = i;
            }
        }
        final int start = starts[largest];
        final int end = ends[largest];
        final int middle = start + (end - start + 1) / 2;
        ends[largest] = middle - 1;
        insert(middle, end, consumer);
    }

    /**
     * Take a consumer's ranges away: in auto-split mode to the consumer of the next range up (or of the one below).
     *
     * @return the consumer that took them over (auto-split), else null.
     */
    ShardConsumer remove(final ShardConsumer consumer)
    {
        ShardConsumer heir = null;
        for (int i = count - 1; i >= 0; i--)
        {
            if (owners[i] != consumer)
            {
                continue;
            }
            if (KeySharedMode.AUTO_SPLIT == mode && count > 1)
            {
                if (i + 1 < count)
                {
                    starts[i + 1] = starts[i];
                    heir = owners[i + 1];
                }
                else
                {
                    ends[i - 1] = ends[i];
                    heir = owners[i - 1];
                }
            }
            removeAt(i);
        }
        if (KeySharedMode.AUTO_SPLIT == mode)
        {
            mergeNeighbours();
        }

        return heir;
    }

    /**
     * @param hash in 0..65535.
     * @return the consumer that owns it, or null if none does (sticky ranges that leave it out).
     */
    ShardConsumer select(final int hash)
    {
        int low = 0;
        int high = count - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (ends[mid] < hash)
            {
                low = mid + 1;
            }
            else if (starts[mid] > hash)
            {
                high = mid - 1;
            }
            else
            {
                return owners[mid];
            }
        }

        return null;
    }

    /**
     * @return the ranges, as "[start, end] name" lines in order; for stats and tests.
     */
    String describe()
    {
        final StringBuilder builder = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            builder.append('[').append(starts[i]).append(", ").append(ends[i]).append("] ")
                .append(owners[i].name).append('\n');
        }
        return builder.toString();
    }

    /**
     * @return ranges held.
     */
    int rangeCount()
    {
        return count;
    }

    private void insert(final int start, final int end, final ShardConsumer consumer)
    {
        if (count == starts.length)
        {
            starts = Arrays.copyOf(starts, 2 * count);
            ends = Arrays.copyOf(ends, 2 * count);
            owners = Arrays.copyOf(owners, 2 * count);
        }
        int at = count;
        while (at > 0 && starts[at - 1] > start)
        {
            at--;
        }
        System.arraycopy(starts, at, starts, at + 1, count - at);
        System.arraycopy(ends, at, ends, at + 1, count - at);
        System.arraycopy(owners, at, owners, at + 1, count - at);
        starts[at] = start;
        ends[at] = end;
        owners[at] = consumer;
        count++;
    }

    private void removeAt(final int i)
    {
        System.arraycopy(starts, i + 1, starts, i, count - i - 1);
        System.arraycopy(ends, i + 1, ends, i, count - i - 1);
        System.arraycopy(owners, i + 1, owners, i, count - i - 1);
        owners[--count] = null;
    }

    private void mergeNeighbours()
    {
        for (int i = count - 1; i > 0; i--)
        {
            if (owners[i] == owners[i - 1])
            {
                ends[i - 1] = ends[i];
                removeAt(i);
            }
        }
    }
}

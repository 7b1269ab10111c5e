package io.magnetar.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How a Key_Shared consumer gets its keys, as Pulsar's {@code KeySharedPolicy}: a key's hash is Murmur3 32 of the
 * message key modulo 65536, and each hash belongs to one consumer of the subscription.
 * <ul>
 *     <li>{@link #autoSplitHashRange()} (the default): the broker splits the hashes over the consumers, halving the
 *     largest range for each one that joins and giving a leaving one's range to its neighbour.</li>
 *     <li>{@link #stickyHashRange()}: the consumer names its ranges; ranges that overlap another consumer's are
 *     refused ({@link MagnetarClientException.ErrorCode#CONSUMER_ASSIGN_ERROR}), and hashes nobody owns wait.</li>
 * </ul>
 * All consumers of a subscription use one mode. A key's messages go to one consumer at a time and in order; when a
 * key moves to a joining consumer, the joining consumer gets it only once the consumer it moved from has acknowledged
 * its messages of that key, or after the broker's drain timeout ({@code magnetar.key.shared.drain.timeout}, 10 s).
 * Batched messages are routed by their batch's key: producers to Key_Shared subscriptions should batch by key
 * ({@link ProducerBuilder#batcherBuilder(BatcherBuilder)} with {@link BatcherBuilder#KEY_BASED}) or not batch.
 */
public abstract class KeySharedPolicy
{
    /** Hashes run from 0 to this, exclusive. */
    public static final int DEFAULT_HASH_RANGE_SIZE = 65536;

    KeySharedPolicy()
    {
    }

    /**
     * @return the broker splits the hash range over the consumers.
     */
    public static KeySharedPolicyAutoSplit autoSplitHashRange()
    {
        return new KeySharedPolicyAutoSplit();
    }

    /**
     * @return the consumer gives its ranges with {@link KeySharedPolicySticky#ranges(Range...)}.
     */
    public static KeySharedPolicySticky stickyHashRange()
    {
        return new KeySharedPolicySticky();
    }

    /**
     * @throws MagnetarClientException if the policy cannot be used as it is.
     */
    abstract void validate() throws MagnetarClientException;

    /**
     * @return a copy that later changes to this policy do not reach.
     */
    abstract KeySharedPolicy copy();

    /**
     * The broker splits the hash range over the consumers.
     */
    public static final class KeySharedPolicyAutoSplit extends KeySharedPolicy
    {
        KeySharedPolicyAutoSplit()
        {
        }

        void validate()
        {
        }

        KeySharedPolicy copy()
        {
            return this;
        }
    }

    /**
     * The consumer's own hash ranges.
     */
    public static final class KeySharedPolicySticky extends KeySharedPolicy
    {
        private final List<Range> ranges = new ArrayList<>();

        KeySharedPolicySticky()
        {
        }

        /**
         * @param ranges the consumer's hash ranges, added to those given before.
         * @return this for a fluent API.
         */
        public KeySharedPolicySticky ranges(final Range... ranges)
        {
            Collections.addAll(this.ranges, ranges);
            return this;
        }

        /**
         * @param ranges the consumer's hash ranges, added to those given before.
         * @return this for a fluent API.
         */
        public KeySharedPolicySticky ranges(final List<Range> ranges)
        {
            this.ranges.addAll(ranges);
            return this;
        }

        /**
         * @return the ranges given.
         */
        public List<Range> getRanges()
        {
            return Collections.unmodifiableList(ranges);
        }

        KeySharedPolicy copy()
        {
            return new KeySharedPolicySticky().ranges(ranges);
        }

        void validate() throws MagnetarClientException
        {
            if (ranges.isEmpty())
            {
                throw new MagnetarClientException("a sticky Key_Shared policy needs at least one hash range");
            }
            if (ranges.size() > Protocol.MAX_HASH_RANGES)
            {
                throw new MagnetarClientException("at most " + Protocol.MAX_HASH_RANGES + " hash ranges, not " +
                    ranges.size());
            }
            for (int i = 0; i < ranges.size(); i++)
            {
                for (int j = 0; j < i; j++)
                {
                    if (ranges.get(i).intersects(ranges.get(j)))
                    {
                        throw new MagnetarClientException(
                            "hash ranges " + ranges.get(j) + " and " + ranges.get(i) + " overlap");
                    }
                }
            }
        }
    }
}

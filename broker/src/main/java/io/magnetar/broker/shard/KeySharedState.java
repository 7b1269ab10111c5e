package io.magnetar.broker.shard;

import org.agrona.collections.Long2LongHashMap;

/**
 * What a Key_Shared subscription keeps beside what every shared subscription keeps: who owns each key hash, who holds
 * entries of each hash, and the hashes of the entries that wait, so that waiting costs no second read of the log.
 * Made by the first Key_Shared consumer; its mode is the subscription's until the last consumer leaves.
 */
final class KeySharedState
{
    final HashRangeSelector selector;
    final DrainingHashes drains;
    /** Ordinal of a waiting entry to its key hash; a cache, cleared when nothing waits or it grows past a bound. */
    final Long2LongHashMap waitingHashes = new Long2LongHashMap(-1);

    KeySharedState(final HashRangeSelector selector, final DrainingHashes drains)
    {
        this.selector = selector;
        this.drains = drains;
    }
}

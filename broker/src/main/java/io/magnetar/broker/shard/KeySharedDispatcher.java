package io.magnetar.broker.shard;

import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.NanoClock;

/**
 * Key_Shared subscriptions: each entry goes to the consumer that owns its key's hash ({@link HashRangeSelector}), in
 * the order of the log, so that one key's messages reach one consumer in order. An entry that cannot go now waits
 * in the subscription's redelivery queue, without raising its redelivery count, and goes first once it can; the other
 * consumers go on meanwhile. An entry waits when its owner has no permit or cannot take more this round, when no
 * consumer owns its hash (sticky ranges that leave it out), or when another consumer still holds entries of its hash
 * ({@link DrainingHashes}: a joining consumer waits for the one its keys moved from, up to the drain timeout).
 * <p>
 * Bounds: at most {@code lookAhead} entries wait; with that many waiting, no further entry is read until some have
 * gone (Pulsar's look-ahead limit), so a consumer that does not take its keys holds the others back only that far. A
 * call reads the keys of at most four times its budget of entries from the log (waiting entries keep theirs). A call
 * that could deliver nothing lets the subscription rest until something happens that may change that, or until the
 * first drain timeout of a waiting consumer runs out.
 */
final class KeySharedDispatcher implements Dispatcher
{
    /** Reads the hash of an entry's key. */
    @FunctionalInterface
    interface KeyHashes
    {
        /**
         * @param topic           of the entry.
         * @param messageId       of the entry.
         * @param durablePosition the entry log's durable position.
         * @return the hash of the entry's key, in 0..65535.
         */
        int keyHash(Topic topic, long messageId, long durablePosition);
    }

    private static final int LOOK_PER_DELIVERY = 4;

    private final EntryDelivery delivery;
    private final KeyHashes keyHashes;
    private final NanoClock clock;
    private final long drainTimeoutNs;
    private final int lookAhead;
    private final LongArrayList waiting = new LongArrayList();
    private long round;

    /**
     * @param delivery       sends an entry to a consumer.
     * @param keyHashes      reads an entry's key hash.
     * @param clock          for the drain timeout.
     * @param drainTimeoutNs how long a joining consumer waits for keys another consumer holds.
     * @param lookAhead      most entries of a subscription that may wait.
     */
    KeySharedDispatcher(
        final EntryDelivery delivery,
        final KeyHashes keyHashes,
        final NanoClock clock,
        final long drainTimeoutNs,
        final int lookAhead)
    {
        this.delivery = delivery;
        this.keyHashes = keyHashes;
        this.clock = clock;
        this.drainTimeoutNs = drainTimeoutNs;
        this.lookAhead = lookAhead;
    }

    /**
     * @return the clock the drain timeout is measured with; consumers' attach times are taken from it.
     */
    NanoClock clock()
    {
        return clock;
    }

    /**
     * {@inheritDoc}
     */
    public int dispatch(final TopicSubscription subscription, final long durablePosition, final int budget)
    {
        final KeySharedState keyShared = subscription.keyShared;
        final HashRangeSelector selector = keyShared.selector;
        final DrainingHashes drains = keyShared.drains;
        final Long2LongHashMap waitingHashes = keyShared.waitingHashes;
        final SharedDeliveries shared = subscription.shared;
        final Topic topic = subscription.topic;
        final long round = ++this.round;
        final long nowNs = clock.nanoTime();
        final int lookLimit = LOOK_PER_DELIVERY * budget;
        final RedeliveryQueue redeliveries = subscription.redeliveries();
        int workCount = 0;
        int looked = 0;
        boolean backPressured = false;
        boolean cutShort = false;
        long wakeAtNs = Long.MAX_VALUE;
        while (workCount < budget)
        {
            if (looked >= lookLimit)
            {
                cutShort = true;
                break;
            }
            final long ordinal = subscription.nextOrdinal(budget - workCount);
            if (ordinal < 0)
            {
                cutShort = subscription.hasRedelivery() || subscription.readOrdinal < topic.durableEntries;
                break;
            }
            final boolean isRedelivery = subscription.nextIsRedelivery();
            if (!isRedelivery && redeliveries.size() + waiting.size() >= lookAhead)
            {
                break; // as many wait as may: read no further until some have gone
            }
            final long messageId = topic.index.position(ordinal);
            final long knownHash = waitingHashes.get(ordinal);
            final int hash;
            if (knownHash >= 0)
            {
                hash = (int)knownHash;
            }
            else
            {
                hash = keyHashes.keyHash(topic, messageId, durablePosition);
                looked++; // only reads of the log count: waiting entries cost a lookup each
            }
            final ShardConsumer consumer = selector.select(hash);
            if (null == consumer || consumer.permits <= 0 || consumer.waitingInRound == round)
            {
                wait(subscription, waitingHashes, ordinal, hash, consumer, round);
                continue;
            }
            if (drains.blocks(hash, consumer, nowNs, drainTimeoutNs))
            {
                wakeAtNs = Math.min(wakeAtNs, consumer.hashesGainedNs + drainTimeoutNs);
                // the consumer may take other keys this round; the later entries of this hash are blocked too
                wait(subscription, waitingHashes, ordinal, hash, null, round);
                continue;
            }

            final int result = delivery.deliver(
                consumer, topic, messageId, durablePosition, subscription.redeliveryCount(ordinal));
            if (ClientProxy.OFFER_DELAYED == result)
            {
                waitingHashes.remove(ordinal);
                subscription.delay(ordinal, delivery.delayedUntilNs());
                looked++;
                continue;
            }
            if (ClientProxy.OFFER_RETRY == result)
            {
                backPressured = true;
                wait(subscription, waitingHashes, ordinal, hash, consumer, round);
                continue;
            }

            subscription.advance();
            waitingHashes.remove(ordinal);
            consumer.permits--;
            workCount++;
            shared.delivered(ordinal, consumer, hash);
        }

        if (!waiting.isEmpty())
        {
            for (int i = 0, size = waiting.size(); i < size; i++)
            {
                redeliveries.hold(waiting.getLong(i));
            }
            waiting.clear();
            redeliveries.sort();
        }
        if (!waitingHashes.isEmpty() && (!redeliveries.hasNext() || waitingHashes.size() > 2 * lookAhead))
        {
            waitingHashes.clear(); // entries acknowledged while they waited leave their hashes behind
        }
        subscription.waitsForEvent = 0 == workCount && !backPressured && !cutShort;
        subscription.wakeAtNs = wakeAtNs;

        return workCount;
    }

    private void wait(
        final TopicSubscription subscription,
        final Long2LongHashMap waitingHashes,
        final long ordinal,
        final int hash,
        final ShardConsumer consumer,
        final long round)
    {
        subscription.advance();
        waiting.addLong(ordinal);
        waitingHashes.put(ordinal, hash);
        if (null != consumer)
        {
            consumer.waitingInRound = round;
        }
    }
}

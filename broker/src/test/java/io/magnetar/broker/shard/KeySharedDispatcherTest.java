package io.magnetar.broker.shard;

import io.magnetar.codecs.KeySharedMode;
import io.magnetar.codecs.SubscriptionType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key_Shared on the shard's rooms, without a media driver: hash ranges split and given back, sticky ranges and their
 * refusals, keys that wait for a consumer with permits while the others go on, a joining consumer that waits for the
 * keys it took over (up to the drain timeout), and the look-ahead bound.
 */
class KeySharedDispatcherTest
{
    private static final int OLD_CLIENT = 7;
    private static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final ShardFixtures fixtures = new ShardFixtures();
    private final List<String> delivered = new ArrayList<>();
    private final ReadySubscriptions ready = new ReadySubscriptions(() -> Long.MAX_VALUE, () -> this.nowNs);
    private final Topic topic = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
    private final TopicSubscription subscription = topic.addSubscription(1, "s", 0);
    /** Hash of each entry, by ordinal: set by the test. */
    private final List<Integer> hashes = new ArrayList<>();
    private long nowNs;
    private int lookAhead = 1000;
    private ConsumerAttachments attachments = attachments();

    private ConsumerAttachments attachments()
    {
        final EntryDelivery delivery = this::deliver;
        final KeySharedDispatcher keyShared = new KeySharedDispatcher(delivery,
            (topic, messageId, durablePosition) -> hashes.get((int)(messageId / 1000 - 1)), () -> nowNs,
            DRAIN_TIMEOUT_NS, lookAhead);
        return new ConsumerAttachments(null, ready, new ExclusiveDispatcher(delivery), new SharedDispatcher(delivery),
            keyShared, keyShared.clock());
    }

    private int deliver(
        final ShardConsumer to,
        final Topic from,
        final long messageId,
        final long durablePosition,
        final int redeliveryCount)
    {
        delivered.add(to.name + ":" + (messageId / 1000 - 1) + (redeliveryCount > 0 ? "r" + redeliveryCount : ""));
        return ClientProxy.OFFER_OK;
    }

    private void addEntries(final int... entryHashes)
    {
        for (final int hash : entryHashes)
        {
            hashes.add(hash);
        }
        ShardFixtures.addEntries(topic, entryHashes.length);
        ready.onEntryVisible(topic);
    }

    private ShardConsumer attach(final long key, final String name, final KeySharedMode mode, final int... ranges)
    {
        final ShardConsumer consumer =
            new ShardConsumer(key, key, subscription, fixtures.session(OLD_CLIENT), name, 0);
        consumer.keySharedMode = mode;
        consumer.hashRanges = KeySharedMode.STICKY == mode ? ranges : null;
        assertNull(ConsumerAttachments.refusal(subscription, SubscriptionType.KEY_SHARED));
        assertNull(ConsumerAttachments.keySharedRefusal(subscription, mode, consumer.hashRanges));
        attachments.attach(consumer, SubscriptionType.KEY_SHARED);
        return consumer;
    }

    private void ack(final long ordinal)
    {
        subscription.cursor.ack(topic.index.position(ordinal));
        subscription.onAcked(ordinal);
    }

    private int dispatchAll()
    {
        int total = 0;
        for (int i = 0; i < 10; i++)
        {
            total += ready.dispatch();
        }
        return total;
    }

    @Test
    void autoSplitHalvesTheLargestRangeAndGivesALeavingConsumersRangeToItsNeighbour()
    {
        final HashRangeSelector selector = new HashRangeSelector(KeySharedMode.AUTO_SPLIT);
        final ShardConsumer a = new ShardConsumer(1, 1, subscription, fixtures.session(OLD_CLIENT), "a", 0);
        final ShardConsumer b = new ShardConsumer(2, 2, subscription, fixtures.session(OLD_CLIENT), "b", 0);
        final ShardConsumer c = new ShardConsumer(3, 3, subscription, fixtures.session(OLD_CLIENT), "c", 0);
        selector.add(a, null);
        assertEquals("[0, 65535] a\n", selector.describe());
        selector.add(b, null);
        assertEquals("[0, 32767] a\n[32768, 65535] b\n", selector.describe());
        selector.add(c, null);
        assertEquals("[0, 16383] a\n[16384, 32767] c\n[32768, 65535] b\n", selector.describe());
        assertSame(c, selector.select(20000));
        assertSame(b, selector.select(65535));
        assertSame(a, selector.select(0));

        selector.remove(c);
        assertEquals("[0, 16383] a\n[16384, 65535] b\n", selector.describe(), "to the range above");
        selector.remove(b);
        assertEquals("[0, 65535] a\n", selector.describe(), "the last range goes to the one below");
    }

    @Test
    void stickyRangesMustBeValidAndMustNotOverlapAnotherConsumers()
    {
        assertNotNull(HashRangeSelector.invalidRanges(new int[0]));
        assertNotNull(HashRangeSelector.invalidRanges(new int[]{ 10, 5 }));
        assertNotNull(HashRangeSelector.invalidRanges(new int[]{ 0, 65536 }));
        assertNotNull(HashRangeSelector.invalidRanges(new int[]{ 0, 10, 10, 20 }), "overlap within one consumer");
        assertNull(HashRangeSelector.invalidRanges(new int[]{ 0, 10, 11, 20 }));

        attach(1, "a", KeySharedMode.STICKY, 0, 99);
        final String overlap = ConsumerAttachments.keySharedRefusal(
            subscription, KeySharedMode.STICKY, new int[]{ 50, 200 });
        assertTrue(overlap.contains("overlaps [0, 99] of consumer 'a'"), overlap);
        final String mode = ConsumerAttachments.keySharedRefusal(subscription, KeySharedMode.AUTO_SPLIT, null);
        assertTrue(mode.contains("STICKY"), mode);
        attach(2, "b", KeySharedMode.STICKY, 100, 65535);
    }

    @Test
    void aKeyWaitsForItsConsumersPermitsWhileOtherKeysGoOnInOrder()
    {
        final ShardConsumer a = attach(1, "a", KeySharedMode.STICKY, 0, 99);
        final ShardConsumer b = attach(2, "b", KeySharedMode.STICKY, 100, 199);
        addEntries(5, 150, 6, 151, 7);
        a.permits = 1;
        b.permits = 10;

        assertEquals(3, dispatchAll());
        assertEquals(List.of("a:0", "b:1", "b:3"), delivered, "a's later keys wait, b's go on");
        assertTrue(subscription.waitsForEvent, "rests until something happens");

        delivered.clear();
        a.permits = 5;
        ready.markReady(subscription);
        assertEquals(2, dispatchAll());
        assertEquals(List.of("a:2", "a:4"), delivered, "in order, not counted as redeliveries");
    }

    @Test
    void aHashNoStickyConsumerOwnsWaitsForOne()
    {
        attach(1, "a", KeySharedMode.STICKY, 0, 99).permits = 10;
        addEntries(500, 1, 501);
        assertEquals(1, dispatchAll());
        assertEquals(List.of("a:1"), delivered);

        delivered.clear();
        attach(2, "b", KeySharedMode.STICKY, 400, 600).permits = 10;
        assertEquals(2, dispatchAll());
        assertEquals(List.of("b:0", "b:2"), delivered);
    }

    @Test
    void aJoiningConsumerWaitsForTheKeysItTookOverUntilTheOldHolderAcknowledges()
    {
        final ShardConsumer a = attach(1, "a", KeySharedMode.AUTO_SPLIT);
        a.permits = 100;
        addEntries(40000, 100, 40000);
        assertEquals(3, dispatchAll());
        assertEquals(List.of("a:0", "a:1", "a:2"), delivered);

        // b takes 32768..65535: hash 40000 moves to it while a still holds entries 0 and 2 of it
        delivered.clear();
        final ShardConsumer b = attach(2, "b", KeySharedMode.AUTO_SPLIT);
        b.permits = 100;
        addEntries(40000, 100);
        assertEquals(1, dispatchAll());
        assertEquals(List.of("a:4"), delivered, "b waits for a to be done with hash 40000");

        ack(0);
        assertEquals(0, dispatchAll(), "a still holds entry 2 of the hash");
        ack(2);
        assertEquals(1, dispatchAll());
        assertEquals(List.of("a:4", "b:3"), delivered);
    }

    @Test
    void aJoiningConsumerWaitsNoLongerThanTheDrainTimeout()
    {
        final ShardConsumer a = attach(1, "a", KeySharedMode.AUTO_SPLIT);
        a.permits = 100;
        addEntries(40000);
        assertEquals(1, dispatchAll());

        delivered.clear();
        attach(2, "b", KeySharedMode.AUTO_SPLIT).permits = 100;
        addEntries(40000);
        assertEquals(0, dispatchAll());

        nowNs += DRAIN_TIMEOUT_NS - 1;
        assertEquals(0, dispatchAll());
        assertEquals(1, ready.size(), "rests in the ready set until the timeout");
        nowNs++;
        assertEquals(1, dispatchAll());
        assertEquals(List.of("b:1"), delivered);
    }

    @Test
    void aLeavingConsumersKeysGoToTheNewOwnerOldestFirst()
    {
        final ShardConsumer a = attach(1, "a", KeySharedMode.AUTO_SPLIT);
        final ShardConsumer b = attach(2, "b", KeySharedMode.AUTO_SPLIT);
        a.permits = 100;
        b.permits = 100;
        addEntries(40000, 100, 40000);
        assertEquals(3, dispatchAll());
        assertEquals(List.of("b:0", "a:1", "b:2"), delivered);

        delivered.clear();
        attachments.detach(b);
        addEntries(40000);
        assertEquals(3, dispatchAll());
        assertEquals(List.of("a:0r1", "a:2r1", "a:3"), delivered);
    }

    @Test
    void readsNoFurtherThanTheLookAheadWhileEntriesWait()
    {
        lookAhead = 2;
        attachments = attachments();
        final ShardConsumer a = attach(1, "a", KeySharedMode.STICKY, 0, 99);
        final ShardConsumer b = attach(2, "b", KeySharedMode.STICKY, 100, 199);
        b.permits = 10;
        addEntries(1, 2, 3, 150);
        assertEquals(0, dispatchAll(), "entries 0 and 1 wait for a; entry 3 is beyond the look-ahead");
        assertEquals(2, subscription.redeliveries.size());

        a.permits = 10;
        ready.markReady(subscription);
        assertEquals(4, dispatchAll());
        assertEquals(List.of("a:0", "a:1", "a:2", "b:3"), delivered);
    }

    @Test
    void aConsumerThatInheritsARangeWaitsForItsHashesToo()
    {
        final ShardConsumer c = attach(1, "c", KeySharedMode.AUTO_SPLIT);
        final ShardConsumer b = attach(2, "b", KeySharedMode.AUTO_SPLIT); // c: 0..32767, b: 32768..65535
        c.permits = 100;
        b.permits = 100;
        nowNs += 2 * DRAIN_TIMEOUT_NS; // both joined long ago
        addEntries(20000);
        assertEquals(1, dispatchAll());
        assertEquals(List.of("c:0"), delivered);

        // f takes 16384..32767 from c and leaves at once: its range goes to b, while c still holds hash 20000
        final ShardConsumer f = attach(3, "f", KeySharedMode.AUTO_SPLIT);
        attachments.detach(f);
        delivered.clear();
        addEntries(20000);
        assertEquals(0, dispatchAll(), "b waits for c to be done with the hash it inherited");
        ack(0);
        assertEquals(1, dispatchAll());
        assertEquals(List.of("b:1"), delivered);
    }

    @Test
    void manyWaitingEntriesOfAStuckConsumerDoNotStarveTheOthers()
    {
        lookAhead = 20_000;
        attachments = attachments();
        final ShardConsumer a = attach(1, "a", KeySharedMode.STICKY, 0, 99);
        final ShardConsumer b = attach(2, "b", KeySharedMode.STICKY, 100, 199);
        b.permits = 10;
        final int[] entries = new int[3000];
        java.util.Arrays.fill(entries, 5); // all a's, and a takes nothing
        addEntries(entries);
        dispatchAll();
        addEntries(150, 151);

        assertEquals(2, dispatchAll(), "b's entries come after 3,000 waiting ones");
        assertEquals(List.of("b:3000", "b:3001"), delivered);
        assertEquals(0, a.permits);
    }
}

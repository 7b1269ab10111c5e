package io.magnetar.broker.shard;

import io.magnetar.broker.BrokerConfiguration;
import io.magnetar.codecs.SubscriptionType;
import org.agrona.collections.Long2LongHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random interleavings of publish, subscribe, flow, ack, negative ack, disconnect and back pressure on the dispatchers
 * of each subscription type, without a media driver, checking after every step the two flow-control invariants: a
 * consumer never holds more messages than the permits it granted, and no consumer that may receive is left with
 * permits while its subscription has entries it may receive. At the end every entry is delivered and acknowledged:
 * none is lost, and a shared entry goes out twice only after its consumer left or gave it back. Key_Shared also
 * checks that a key's messages are never with two consumers at once and first go out in the log's order.
 */
class DispatchInvariantsTest
{
    private static final int OLD_CLIENT = 7;
    private static final int STEPS = 400;

    static Stream<Arguments> runs()
    {
        final List<Arguments> runs = new ArrayList<>();
        for (final SubscriptionType type :
            new SubscriptionType[]{ SubscriptionType.EXCLUSIVE, SubscriptionType.SHARED, SubscriptionType.FAILOVER,
                SubscriptionType.KEY_SHARED })
        {
            for (long seed = 1; seed <= 40; seed++)
            {
                runs.add(Arguments.of(type, seed));
            }
        }
        return runs.stream();
    }

    private final ShardFixtures fixtures = new ShardFixtures();
    private final ReadySubscriptions ready = new ReadySubscriptions(() -> Long.MAX_VALUE);
    private final Topic topic = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
    private final TopicSubscription subscription = topic.addSubscription(1, "s", 0);
    private final Map<Long, Model> models = new HashMap<>();
    /** Entries held, by ordinal: the consumer that got them last and has not left nor acknowledged them. */
    private final Long2LongHashMap holders = new Long2LongHashMap(-1);
    private final Set<Long> acked = new HashSet<>();
    /** Key_Shared: entries delivered at least once, and the highest of each hash delivered for the first time. */
    private final Set<Long> deliveredOnce = new HashSet<>();
    private final Map<Integer, Long> highestFirstByHash = new HashMap<>();
    private Random random;
    private boolean backPressure;
    private ConsumerAttachments attachments;

    private static final class Model
    {
        final ShardConsumer consumer;
        long granted;
        final List<Long> held = new ArrayList<>();

        Model(final ShardConsumer consumer)
        {
            this.consumer = consumer;
        }
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("runs")
    void keepsTheFlowControlInvariantsAndLosesNothing(final SubscriptionType type, final long seed)
    {
        random = new Random(seed);
        final EntryDelivery delivery = this::deliver;
        final KeySharedDispatcher keyShared = new KeySharedDispatcher(
            delivery, (topic, messageId, durablePosition) -> hashOf(messageId / 1000 - 1), () -> 0L, Long.MAX_VALUE,
            BrokerConfiguration.KEY_SHARED_LOOK_AHEAD_DEFAULT);
        attachments = new ConsumerAttachments(null, ready, new ExclusiveDispatcher(delivery),
            new SharedDispatcher(delivery), keyShared, keyShared.clock());
        long nextConsumerId = 1;

        for (int step = 0; step < STEPS; step++)
        {
            backPressure = random.nextInt(10) == 0;
            final int op = random.nextInt(100);
            if (op < 25)
            {
                ShardFixtures.addEntries(topic, 1 + random.nextInt(3));
                ready.onEntryVisible(topic);
            }
            else if (op < 35 && (models.isEmpty() || SubscriptionType.EXCLUSIVE != type))
            {
                subscribe(nextConsumerId++, type);
            }
            else if (op < 60 && !models.isEmpty())
            {
                final Model model = any();
                final int permits = 1 + random.nextInt(5);
                model.consumer.permits += permits;
                model.granted += permits;
                ready.markReady(subscription);
            }
            else if (op < 82 && !models.isEmpty())
            {
                final Model model = any();
                if (!model.held.isEmpty())
                {
                    ack(model, model.held.get(random.nextInt(model.held.size())));
                }
            }
            else if (op < 90 && !models.isEmpty())
            {
                final Model model = any();
                if (!model.held.isEmpty())
                {
                    nack(model, model.held.get(random.nextInt(model.held.size())));
                }
            }
            else if (!models.isEmpty())
            {
                disconnect(any());
            }

            drain();
            checkInvariants(type);
        }

        // the end: no back pressure, one consumer with plenty of permits acknowledges everything
        backPressure = false;
        if (models.isEmpty() || SubscriptionType.EXCLUSIVE != type)
        {
            subscribe(nextConsumerId, type);
        }
        for (int round = 0; round < 1000 && acked.size() < topic.durableEntries; round++)
        {
            for (final Model model : new ArrayList<>(models.values()))
            {
                model.consumer.permits += 100;
                model.granted += 100;
                ready.markReady(subscription);
                drain();
                for (final Long ordinal : new ArrayList<>(model.held))
                {
                    ack(model, ordinal);
                }
            }
        }
        assertEquals(topic.durableEntries, acked.size(), "every entry delivered and acknowledged");
        assertEquals(topic.durableEntries, subscription.cursor.firstUnackedOrdinal());
    }

    private int deliver(
        final ShardConsumer to,
        final Topic from,
        final long messageId,
        final long durablePosition,
        final int redeliveryCount)
    {
        if (backPressure && random.nextBoolean())
        {
            return ClientProxy.OFFER_RETRY;
        }

        final long ordinal = messageId / 1000 - 1;
        final Model model = models.get(to.key);
        assertTrue(null != model, "delivered to a consumer that left");
        assertFalse(acked.contains(ordinal), "an acknowledged entry went out again");
        final long holder = holders.get(ordinal);
        if (-1 != holder && models.containsKey(holder) && SubscriptionType.SHARED == to.subscription.type)
        {
            fail("entry " + ordinal + " went to " + to.key + " while " + holder + " holds it");
        }
        if (SubscriptionType.KEY_SHARED == to.subscription.type)
        {
            checkKeyOrder(to, ordinal);
        }
        holders.put(ordinal, to.key);
        model.held.add(ordinal);
        return ClientProxy.OFFER_OK;
    }

    /**
     * A key's messages are never with two consumers at once, and go out for the first time in the log's order.
     */
    private void checkKeyOrder(final ShardConsumer to, final long ordinal)
    {
        final int hash = hashOf(ordinal);
        for (final Model other : models.values())
        {
            if (other.consumer != to)
            {
                for (final long held : other.held)
                {
                    if (hashOf(held) == hash && holders.get(held) == other.consumer.key)
                    {
                        fail("entry " + ordinal + " went to " + to.key + " while " + other.consumer.key +
                            " holds entry " + held + " of the same key");
                    }
                }
            }
        }
        if (deliveredOnce.add(ordinal))
        {
            final Long highest = highestFirstByHash.put(hash, ordinal);
            assertTrue(null == highest || highest < ordinal, "entry " + ordinal + " of a key overtook " + highest);
        }
    }

    private static int hashOf(final long ordinal)
    {
        final byte[] key = ("key-" + ordinal % 5).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return HashRangeSelector.hash(key, key.length);
    }

    private void subscribe(final long key, final SubscriptionType type)
    {
        // every client numbers its consumers from 1: ids repeat across sessions, keys do not
        final ShardConsumer consumer = new ShardConsumer(key, 1 + random.nextInt(2), subscription,
            fixtures.session(OLD_CLIENT), "c" + random.nextInt(5), random.nextInt(2));
        assertEquals(null, ConsumerAttachments.refusal(subscription, type));
        attachments.attach(consumer, type);
        models.put(consumer.key, new Model(consumer));
    }

    private void ack(final Model model, final long ordinal)
    {
        model.held.remove(ordinal);
        if (acked.add(ordinal))
        {
            subscription.cursor.ack(topic.index.position(ordinal));
            subscription.onAcked(ordinal);
            holders.remove(ordinal);
        }
    }

    private void nack(final Model model, final long ordinal)
    {
        model.held.remove(ordinal);
        if (acked.contains(ordinal))
        {
            return;
        }
        subscription.giveBack(model.consumer, ordinal);
        if (null != subscription.redeliveries)
        {
            subscription.redeliveries.sort();
        }
        if (holders.get(ordinal) == model.consumer.key)
        {
            holders.remove(ordinal);
        }
        ready.markReady(subscription);
    }

    private void disconnect(final Model model)
    {
        attachments.detach(model.consumer);
        models.remove(model.consumer.key);
        for (final long ordinal : model.held)
        {
            if (holders.get(ordinal) == model.consumer.key)
            {
                holders.remove(ordinal);
            }
        }
    }

    private void drain()
    {
        for (int i = 0; i < 100 && ready.dispatch() > 0; i++)
        {
            // until nothing more moves
        }
    }

    private Model any()
    {
        final List<Model> all = new ArrayList<>(models.values());
        return all.get(random.nextInt(all.size()));
    }

    /**
     * No unacknowledged entry that nobody holds waits while the owner of its key has permits and no other consumer
     * holds entries of its key.
     */
    private void checkNoKeyWaitsForNothing()
    {
        final KeySharedState keyShared = subscription.keyShared;
        if (null == keyShared)
        {
            return;
        }
        for (long ordinal = 0; ordinal < topic.durableEntries; ordinal++)
        {
            final long holder = holders.get(ordinal);
            if (acked.contains(ordinal) || (-1 != holder && models.containsKey(holder)))
            {
                continue;
            }
            final int hash = hashOf(ordinal);
            final ShardConsumer owner = keyShared.selector.select(hash);
            if (null == owner || owner.permits <= 0 || heldByAnother(hash, owner))
            {
                continue;
            }
            fail("entry " + ordinal + " waits while the owner of its key, " + owner.key + ", has permits");
        }
    }

    private boolean heldByAnother(final int hash, final ShardConsumer owner)
    {
        for (final Model model : models.values())
        {
            if (model.consumer != owner)
            {
                for (final long held : model.held)
                {
                    if (hashOf(held) == hash && holders.get(held) == model.consumer.key)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private void checkInvariants(final SubscriptionType type)
    {
        long delivered = 0;
        for (final Model model : models.values())
        {
            final long received = model.granted - model.consumer.permits;
            assertTrue(model.consumer.permits >= 0, "negative permits");
            assertTrue(model.held.size() <= received, "more held than permits granted: " + model.held.size());
            delivered += received;
        }
        assertTrue(delivered >= 0);
        if (backPressure)
        {
            return; // a consumer that could not take an entry may be left waiting for the next duty cycle
        }

        if (SubscriptionType.KEY_SHARED == type)
        {
            checkNoKeyWaitsForNothing();
        }
        else if (SubscriptionType.SHARED == type)
        {
            boolean anyPermits = false;
            for (final Model model : models.values())
            {
                anyPermits |= model.consumer.permits > 0;
            }
            if (anyPermits)
            {
                for (long ordinal = 0; ordinal < topic.durableEntries; ordinal++)
                {
                    final long holder = holders.get(ordinal);
                    if (!acked.contains(ordinal) && (-1 == holder || !models.containsKey(holder)))
                    {
                        fail("entry " + ordinal + " waits while a consumer has permits");
                    }
                }
            }
        }
        else if (null != subscription.consumer && subscription.consumer.permits > 0)
        {
            assertEquals(topic.durableEntries, subscription.readOrdinal,
                "the receiving consumer has permits but entries wait");
            assertFalse(subscription.hasRedelivery(), "the receiving consumer has permits, entries wait to go again");
        }
    }
}

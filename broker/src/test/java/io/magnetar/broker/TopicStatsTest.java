package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import io.magnetar.client.ShardStatsPage;
import io.magnetar.client.SubscriptionType;
import io.magnetar.client.TopicStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Topic stats over the protocol: counters of messages and bytes in and out per topic, producer, subscription and
 * consumer, backlog and unacknowledged entries, and the shard pages a sampler walks, without JSON on the shard.
 */
@Timeout(60)
class TopicStatsTest
{
    private static final int PAYLOAD = 100;

    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        harness.close();
    }

    @Test
    void shouldCountMessagesAndBytesPerTopicProducerSubscriptionAndConsumer() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.shardCount = 2;
        harness.start();
        final String topic = "persistent://public/default/counted";
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(topic).producerName("p1").create();
            Consumer first = client.newConsumer().topic(topic).subscriptionName("work").consumerName("c1")
                .subscriptionType(SubscriptionType.SHARED).receiverQueueSize(5)
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe();
            Consumer idle = client.newConsumer().topic(topic).subscriptionName("idle")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).receiverQueueSize(1).subscribe())
        {
            for (int i = 0; i < 20; i++)
            {
                producer.send(new byte[PAYLOAD]);
            }
            int acked = 0;
            for (int i = 0; i < 8; i++)
            {
                final Message message = first.receive(10, TimeUnit.SECONDS);
                assertNotNull(message);
                if (i < 6)
                {
                    first.acknowledge(message.getMessageId());
                    acked++;
                }
            }
            final int ackedCount = acked;

            final TopicStats stats = awaitStats(client, topic,
                (s) -> s.getSubscriptions().get("work").msgBacklog() == 20 - ackedCount);
            assertEquals(topic, stats.getTopic());
            assertTrue(stats.isPersistent());
            assertEquals(20, stats.getMsgInCounter());
            assertEquals(20L * PAYLOAD, stats.getBytesInCounter());
            assertEquals(20, stats.getEntries());
            assertTrue(stats.getStorageSize() >= 20L * PAYLOAD, "storage " + stats.getStorageSize());

            assertEquals(1, stats.getPublishers().size());
            final TopicStats.PublisherStats publisher = stats.getPublishers().get(0);
            assertEquals("p1", publisher.producerName());
            assertEquals(20, publisher.msgInCounter());
            assertEquals(20L * PAYLOAD, publisher.bytesInCounter());

            final TopicStats.SubscriptionStats work = stats.getSubscriptions().get("work");
            assertEquals(SubscriptionType.SHARED, work.type());
            assertEquals(14, work.msgBacklog());
            assertTrue(work.msgOutCounter() >= 8, "delivered " + work.msgOutCounter());
            assertEquals(work.msgOutCounter() * PAYLOAD, work.bytesOutCounter());
            assertEquals(1, work.consumers().size());
            final TopicStats.ConsumerStats c1 = work.consumers().get(0);
            assertEquals("c1", c1.consumerName());
            assertEquals(work.msgOutCounter() - ackedCount, c1.unackedMessages(), "delivered, not acked");
            assertEquals(work.unackedMessages(), c1.unackedMessages());
            assertEquals(work.msgOutCounter(), c1.msgOutCounter());

            final TopicStats.SubscriptionStats idleStats = stats.getSubscriptions().get("idle");
            assertEquals(SubscriptionType.EXCLUSIVE, idleStats.type());
            assertEquals(20, idleStats.msgBacklog());
            assertEquals(idleStats.msgOutCounter(), idleStats.unackedMessages(), "delivered, none acked");
            assertEquals(stats.getMsgOutCounter(), work.msgOutCounter() + idleStats.msgOutCounter());
            assertEquals(idleStats.msgBacklog() * (stats.getStorageSize() / 20), idleStats.backlogSize());

            final MagnetarClientException missing = assertThrows(MagnetarClientException.class,
                () -> client.admin().topics().getStats("persistent://public/default/none"));
            assertEquals(MagnetarClientException.ErrorCode.TOPIC_NOT_FOUND, missing.errorCode());
        }
    }

    @Test
    void shouldPageThroughEveryTopicOfEveryShard() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.shardCount = 2;
        harness.start();
        final Set<String> created = new HashSet<>();
        try (MagnetarClient client = harness.newClient())
        {
            for (int i = 0; i < 1200; i++)
            {
                final String topic = "persistent://public/default/paged-" + i;
                try (Producer producer = client.newProducer().topic(topic).create())
                {
                    if (0 == i % 100)
                    {
                        producer.send(new byte[PAYLOAD]);
                    }
                }
                created.add(topic);
            }

            final Set<String> seen = new HashSet<>();
            long sent = 0;
            long latencyCount = 0;
            int pages = 0;
            for (int shard = 0; shard < 2; shard++)
            {
                long from = 0;
                while (from >= 0)
                {
                    final ShardStatsPage page =
                        client.admin().topics().getShardStatsPage(shard, from, 10_000, 0 == from);
                    assertEquals(shard, page.shard());
                    assertTrue(page.topics().size() <= 512, "at most 512 topics a page");
                    if (0 == from)
                    {
                        latencyCount += page.publishLatencyCount();
                    }
                    for (final ShardStatsPage.TopicCounters counters : page.topics())
                    {
                        assertTrue(seen.add(counters.topic()), "once: " + counters.topic());
                        sent += counters.msgInCounter();
                        assertEquals(counters.msgInCounter() * PAYLOAD, counters.bytesInCounter());
                    }
                    from = page.nextLocalId();
                    pages++;
                }
            }
            assertEquals(created, seen);
            assertEquals(12, sent);
            assertEquals(12, latencyCount, "every persistent send's latency, once");
            assertTrue(pages >= 4, "pages " + pages);

            final ShardStatsPage again = client.admin().topics().getShardStatsPage(0, 0, 1, false);
            assertEquals(0, again.publishLatencyCount(), "a sweep from 0 reset it");
            assertEquals(1, again.topics().size());
            final MagnetarClientException badShard = assertThrows(MagnetarClientException.class,
                () -> client.admin().topics().getShardStatsPage(2, 0, 10, false));
            assertEquals(MagnetarClientException.ErrorCode.INVALID_ARGUMENT, badShard.errorCode());
            final MagnetarClientException negative = assertThrows(MagnetarClientException.class,
                () -> client.admin().topics().getShardStatsPage(0, -1, 10, true));
            assertEquals(MagnetarClientException.ErrorCode.INVALID_ARGUMENT, negative.errorCode());
        }
    }

    @Test
    void shouldCountNonPersistentTraffic() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final String topic = "non-persistent://public/default/fleeting";
        try (MagnetarClient client = harness.newClient();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s").subscribe();
            Producer producer = client.newProducer().topic(topic).create())
        {
            for (int i = 0; i < 5; i++)
            {
                producer.send(new byte[PAYLOAD]);
                assertNotNull(consumer.receive(10, TimeUnit.SECONDS));
            }
            final TopicStats stats = client.admin().topics().getStats(topic);
            assertEquals(5, stats.getMsgInCounter());
            assertEquals(5, stats.getMsgOutCounter());
            assertTrue(!stats.isPersistent());
            assertNull(stats.getSubscriptions().get("none"));
            assertEquals(List.of("s"), List.copyOf(stats.getSubscriptions().keySet()));
        }
    }

    private static TopicStats awaitStats(
        final MagnetarClient client, final String topic, final Predicate<TopicStats> condition)
        throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        TopicStats stats = client.admin().topics().getStats(topic);
        while (!condition.test(stats))
        {
            assertTrue(System.nanoTime() < deadlineNs, "stats never got there");
            Thread.sleep(10);
            stats = client.admin().topics().getStats(topic);
        }
        return stats;
    }
}

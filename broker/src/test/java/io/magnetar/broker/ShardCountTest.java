package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import org.apache.commons.codec.digest.MurmurHash3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Topics route by a specified hash and the shard count is kept with the data: a restart with another shard count is
 * refused, and one with the same count finds every stored topic on its shard.
 */
@Timeout(120)
class ShardCountTest
{
    private static final int SHARDS = 3;
    private static final String[] TOPICS = { "routed-0", "routed-1", "routed-2", "routed-3", "routed-4", "routed-5" };

    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        if (null != harness)
        {
            harness.close();
        }
    }

    @Test
    void shouldRefuseAnotherShardCountAndServeStoredTopicsAfterRestartWithTheSame() throws Exception
    {
        harness = start(SHARDS);
        final Set<Integer> shardsUsed = new HashSet<>();
        try (MagnetarClient client = harness.newClient())
        {
            for (final String topic : TOPICS)
            {
                // a bare name: stored under its canonical name, persistent://public/default/<name>
                try (Producer producer = client.newProducer().topic(topic).create())
                {
                    final MessageId id = producer.send(topic.getBytes(StandardCharsets.UTF_8));
                    assertEquals(expectedShard(topic), id.shard(), topic);
                    shardsUsed.add(id.shard());
                }
            }
        }
        assertTrue(shardsUsed.size() > 1, "the topics spread over shards: " + shardsUsed);
        harness.close();
        harness = null;

        final BrokerHarness other = new BrokerHarness(dataDir);
        other.shardCount = 2;
        final ShardCountMismatchException refused = assertThrows(ShardCountMismatchException.class, other::start);
        other.close();
        assertEquals("data directory " + dataDir.getAbsolutePath() + " was created with 3 shards (" +
            ShardCountFile.FILE_NAME + "), but this broker is configured with 2 (--shards 2): its topics are " +
            "routed by the shard count; start it with --shards 3", refused.getMessage());
        assertEquals(0, refused.getStackTrace().length);

        harness = start(SHARDS);
        try (MagnetarClient client = harness.newClient())
        {
            for (final String topic : TOPICS)
            {
                try (Consumer consumer = client.newConsumer().topic("persistent://public/default/" + topic)
                    .subscriptionName("after-restart").subscriptionInitialPosition(InitialPosition.EARLIEST)
                    .subscribe())
                {
                    final Message message = consumer.receive(30, TimeUnit.SECONDS);
                    assertNotNull(message, topic + " lost its message after the restart");
                    assertEquals(topic, message.getValue());
                    assertEquals(expectedShard(topic), message.getMessageId().shard(), topic);
                }
            }
        }
        assertEquals(SHARDS, ShardCountFile.read(dataDir.toPath().resolve(ShardCountFile.FILE_NAME)));
        assertEquals(0, harness.errors.size(), harness.errors::toString);
    }

    private BrokerHarness start(final int shardCount)
    {
        final BrokerHarness started = new BrokerHarness(dataDir);
        started.shardCount = shardCount;
        return started.start();
    }

    /**
     * The routing rule, computed here from the library: unsigned Murmur3 x86 32-bit (seed 0) of the canonical
     * name's UTF-8 bytes, modulo the shard count.
     */
    private static int expectedShard(final String bareName)
    {
        final byte[] canonical = ("persistent://public/default/" + bareName).getBytes(StandardCharsets.UTF_8);
        return (int)((MurmurHash3.hash32x86(canonical, 0, canonical.length, 0) & 0xFFFF_FFFFL) % SHARDS);
    }
}

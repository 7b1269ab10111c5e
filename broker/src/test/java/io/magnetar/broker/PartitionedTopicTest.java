package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.MessageRoutingMode;
import io.magnetar.client.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partitioned topics through a real broker: the partition count is created, raised (never lowered), read back, and
 * kept across a restart; bad names and counts are refused with Pulsar's answers.
 */
@Timeout(60)
class PartitionedTopicTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/orders";

    @Test
    void shouldCreateRaiseAndKeepThePartitionCount() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient())
        {
            assertEquals(0, client.admin().topics().getPartitionedTopicMetadata(TOPIC).partitions);
            client.admin().topics().createPartitionedTopic(TOPIC, 3);
            assertEquals(3, client.admin().topics().getPartitionedTopicMetadata("orders").getPartitions());

            assertRefused(client, MagnetarClientException.ErrorCode.TOPIC_ALREADY_EXISTS, "already exists",
                () -> client.admin().topics().createPartitionedTopic(TOPIC, 5));
            assertRefused(client, MagnetarClientException.ErrorCode.INVALID_ARGUMENT, "can only be raised",
                () -> client.admin().topics().updatePartitionedTopic(TOPIC, 2));
            assertRefused(client, MagnetarClientException.ErrorCode.TOPIC_NOT_FOUND, "does not exist",
                () -> client.admin().topics().updatePartitionedTopic("persistent://public/default/none", 2));
            assertRefused(client, MagnetarClientException.ErrorCode.INVALID_ARGUMENT, "not 0",
                () -> client.admin().topics().createPartitionedTopic("other", 0));
            assertRefused(client, MagnetarClientException.ErrorCode.INVALID_TOPIC_NAME, "-partition-",
                () -> client.admin().topics().createPartitionedTopic("bad-partition-1", 2));
            assertRefused(client, MagnetarClientException.ErrorCode.NAMESPACE_NOT_FOUND, "does not exist",
                () -> client.admin().topics().createPartitionedTopic("persistent://nobody/none/t", 2));

            client.admin().topics().updatePartitionedTopic(TOPIC, 5);
        }

        harness.stop();
        harness.start();
        try (MagnetarClient client = harness.newClient())
        {
            assertEquals(5, client.admin().topics().getPartitionedTopicMetadata(TOPIC).partitions, "kept");
        }
    }

    @Test
    void shouldRouteByKeyHashAndSpreadKeylessMessagesAsTheRoutingModeSays() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient())
        {
            client.admin().topics().createPartitionedTopic(TOPIC, 4);
            try (Producer producer = client.newProducer().topic(TOPIC).create();
                Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                    .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
            {
                // a key goes where its Murmur3 32 hash says, as Pulsar's Murmur3_32Hash routes it: the expected
                // partitions were computed apart, with an independent Murmur3 x86 32 (seed 0, & MAX_VALUE, % 4)
                final int[] expected = { 3, 0, 0, 2, 2, 2, 2, 0, 0, 0 };
                final Map<String, Integer> partitionOfKey = new HashMap<>();
                for (int i = 0; i < 40; i++)
                {
                    final String key = "key-" + (i % 10);
                    final MessageId id = producer.newMessage().key(key).value(bytes(key + "#" + i)).send();
                    assertEquals(expected[i % 10], id.partitionIndex(), key);
                    partitionOfKey.put(key, id.partitionIndex());
                }
                assertTrue(new HashSet<>(partitionOfKey.values()).size() > 1, "ten keys over four partitions");

                // round robin (the default): keyless messages visit every partition in turn
                final int[] perPartition = new int[4];
                for (int i = 0; i < 8; i++)
                {
                    perPartition[producer.send(bytes("rr-" + i)).partitionIndex()]++;
                }
                assertEquals(List.of(2, 2, 2, 2), List.of(perPartition[0], perPartition[1], perPartition[2],
                    perPartition[3]));

                // the consumer gets all 48, each key's messages in order, and acknowledges them by partition
                final Map<String, Integer> lastOfKey = new HashMap<>();
                for (int i = 0; i < 48; i++)
                {
                    final Message message = consumer.receive();
                    assertEquals(TOPIC + "-partition-" + message.getMessageId().partitionIndex(),
                        message.getTopicName());
                    if (null != message.getKey())
                    {
                        final String value = message.getValue();
                        final int n = Integer.parseInt(value.substring(value.indexOf('#') + 1));
                        final Integer last = lastOfKey.put(message.getKey(), n);
                        assertTrue(null == last || last < n, "in order per key: " + last + " then " + n);
                        assertEquals(partitionOfKey.get(message.getKey()), message.getMessageId().partitionIndex());
                    }
                    consumer.acknowledge(message);
                }
                assertNull(consumer.receive(200, TimeUnit.MILLISECONDS));
                final MagnetarClientException noPartition =
                    assertThrows(MagnetarClientException.class, () -> consumer.acknowledge(0, 0));
                assertTrue(noPartition.getMessage().contains("needs a message's partition"), noPartition.getMessage());
            }
            for (int partition = 0; partition < 4; partition++)
            {
                // each acknowledgement went to its own partition
                BatchingTest.awaitNoBacklog(harness, TOPIC + "-partition-" + partition, "s");
            }

            try (Producer single = client.newProducer().topic(TOPIC)
                .messageRoutingMode(MessageRoutingMode.SinglePartition).create())
            {
                final Set<Integer> used = new HashSet<>();
                for (int i = 0; i < 10; i++)
                {
                    used.add(single.send(bytes("single-" + i)).partitionIndex());
                }
                assertEquals(1, used.size(), "one partition: " + used);
            }
            try (Producer custom = client.newProducer().topic(TOPIC)
                .messageRouter((key, numPartitions) -> "bad".equals(key) ? numPartitions : numPartitions - 1).create())
            {
                assertEquals(3, custom.send(bytes("custom")).partitionIndex());
                assertEquals(3, custom.newMessage().key("k").value(bytes("custom keyed")).send().partitionIndex());
                final MagnetarClientException outOfRange =
                    assertThrows(MagnetarClientException.class, () -> custom.send("bad", bytes("x")));
                assertTrue(outOfRange.getMessage().contains("chose partition 4 of 4"), outOfRange.getMessage());
            }
        }
    }

    @Test
    void shouldLetRunningProducersAndConsumersUseAddedPartitions() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient())
        {
            client.admin().topics().createPartitionedTopic(TOPIC, 2);
            try (Producer producer = client.newProducer().topic(TOPIC)
                .autoUpdatePartitionsInterval(100, TimeUnit.MILLISECONDS).create();
                Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                    .autoUpdatePartitionsInterval(3, TimeUnit.SECONDS).subscribe())
            {
                // the producer notices within 100 ms and sends to the new partitions before the consumer notices
                // (within 3 s), which then reads them from their earliest message
                client.admin().topics().updatePartitionedTopic(TOPIC, 4);
                final List<String> sentToNew = new ArrayList<>();
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                int i = 0;
                while (sentToNew.size() < 2)
                {
                    assertTrue(System.nanoTime() - deadlineNs < 0, "the producer never used the new partitions");
                    final String value = "m-" + i++;
                    if (producer.send(bytes(value)).partitionIndex() >= 2)
                    {
                        sentToNew.add(value);
                        assertTrue(client.admin().topics().statsInternal(TOPIC + "-partition-2").getCursors()
                            .isEmpty() || sentToNew.size() > 1, "sent before the consumer subscribed");
                    }
                    Thread.sleep(5);
                }

                final Set<String> received = new HashSet<>();
                while (!received.containsAll(sentToNew))
                {
                    assertTrue(System.nanoTime() - deadlineNs < 0, "the consumer never read the new partitions: " +
                        received.size() + " received");
                    final Message message = consumer.receive(100, TimeUnit.MILLISECONDS);
                    if (null != message)
                    {
                        received.add(message.getValue());
                        consumer.acknowledge(message);
                    }
                }
            }
        }
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertRefused(
        final MagnetarClient client,
        final MagnetarClientException.ErrorCode code,
        final String text,
        final org.junit.jupiter.api.function.Executable call)
    {
        final MagnetarClientException ex = assertThrows(MagnetarClientException.class, call);
        assertEquals(code, ex.errorCode(), ex.getMessage());
        assertTrue(ex.getMessage().contains(text), ex.getMessage());
    }
}

package io.magnetar.broker;

import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

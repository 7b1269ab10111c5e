package io.magnetar.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.magnetar.client.Consumer;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import io.magnetar.codecs.InitialPosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class StatsInternalTest
{
    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        harness.close();
    }

    @Test
    void shouldReportEntriesCursorPositionsAndAckHoles() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final String topic = "persistent://public/default/stats";
        final List<MessageId> ids = new ArrayList<>();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic(topic).create();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).ackReceiptEnabled(true).subscribe())
        {
            for (int i = 0; i < 10; i++)
            {
                ids.add(producer.send(("m" + i).getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < 10; i++)
            {
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                if (i < 5 || i == 7)
                {
                    consumer.acknowledge(message);
                }
            }

            final JsonNode stats = new ObjectMapper().readTree(client.statsInternal(topic));
            assertEquals(topic, stats.get("topic").asText());
            assertEquals(0, stats.get("shard").asInt());
            assertEquals(10, stats.get("entries").asInt());
            assertEquals(ids.get(0).position(), stats.get("firstPosition").asLong());
            assertEquals(ids.get(9).position(), stats.get("lastPosition").asLong());
            assertTrue(stats.get("bytes").asLong() > 10 * 2);

            final JsonNode cursor = stats.get("cursors").get("s");
            assertEquals(ids.get(4).position(), cursor.get("markDeletePosition").asLong());
            assertEquals(4, cursor.get("backlog").asInt());
            assertEquals("[0:" + ids.get(7).position() + "..0:" + ids.get(7).position() + "]",
                cursor.get("individuallyDeletedMessages").get(0).asText());
            assertTrue(stats.get("shardLog").get("segments").asLong() >= 1);

            final MagnetarClientException missing = assertThrows(
                MagnetarClientException.class, () -> client.statsInternal("persistent://public/default/nope"));
            assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        }
    }
}

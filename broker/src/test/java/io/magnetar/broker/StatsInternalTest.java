package io.magnetar.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.magnetar.client.Consumer;
import io.magnetar.client.Durability;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import io.magnetar.client.TopicInternalStats;
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

            final TopicInternalStats stats = client.admin().topics().statsInternal(topic);
            assertEquals(topic, stats.getTopic());
            assertEquals(0, stats.getShard());
            assertTrue(stats.isPersistent());
            assertEquals(Durability.ARCHIVED, stats.getDurability());
            assertEquals(10, stats.getEntries());
            assertEquals(ids.get(0).position(), stats.getFirstPosition());
            assertEquals(ids.get(9).position(), stats.getLastPosition());
            assertTrue(stats.getBytes() > 10 * 2);
            assertEquals(1, stats.getProducers());

            final TopicInternalStats.CursorStats cursor = stats.getCursors().get("s");
            assertTrue(cursor.isDurable());
            assertTrue(cursor.isConnected());
            assertEquals(ids.get(4).position(), cursor.getMarkDeletePosition());
            assertEquals(4, cursor.getBacklog());
            assertEquals(List.of("[0:" + ids.get(7).position() + "..0:" + ids.get(7).position() + "]"),
                cursor.getIndividuallyDeletedMessages());
            assertTrue(stats.getShardLog().get("segments") >= 1);

            // the whole document, as the broker sent it and the command line prints it
            final JsonNode document = new ObjectMapper().readTree(stats.toJson());
            assertEquals(10, document.get("entries").asInt());
            assertEquals(stats.getShardLog().get("segments"), document.get("shardLog").get("segments").asLong());

            final MagnetarClientException missing = assertThrows(MagnetarClientException.class,
                () -> client.admin().topics().statsInternal("persistent://public/default/nope"));
            assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
            assertEquals(MagnetarClientException.ErrorCode.TOPIC_NOT_FOUND, missing.errorCode());
        }
    }
}

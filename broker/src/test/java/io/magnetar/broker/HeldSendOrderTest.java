package io.magnetar.broker;

import io.magnetar.broker.policy.BacklogQuota;
import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.client.Consumer;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.codecs.CreateProducerEncoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.ProducerReadyDecoder;
import io.magnetar.codecs.SendEncoder;
import io.magnetar.codecs.SendErrorDecoder;
import io.magnetar.codecs.SendReceiptDecoder;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Under producer_request_hold a producer's answers stay in send order: a send the broker refuses at once (here a
 * payload over the maximum, which the Java client would never send) is answered after the receipts of the messages
 * held before it.
 */
@Timeout(60)
class HeldSendOrderTest
{
    private static final String TOPIC = "persistent://public/default/held-order";
    private static final int HELD_SENDS = 40;

    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        harness.close();
    }

    @Test
    void shouldAnswerARefusedSendAfterTheSendsHeldBeforeIt() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.backlogQuota = new BacklogQuota(20 * 1024, BacklogQuota.Policy.PRODUCER_REQUEST_HOLD);
        harness.retention = new RetentionPolicy(-1, -1, -1, 50);
        harness.start();

        try (MagnetarClient client = harness.newClient();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s").ackReceiptEnabled(true)
                .subscribe();
            RawClient raw = new RawClient(harness.aeronDir, harness.broker.port()))
        {
            raw.connect();
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(128 * 1024);
            final MessageHeaderEncoder header = new MessageHeaderEncoder();
            final CreateProducerEncoder create = new CreateProducerEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(1).producerId(7)
                .accessMode(io.magnetar.codecs.ProducerAccessMode.SHARED).topicEpoch(-1).topic(TOPIC).producerName("");
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + create.encodedLength());
            raw.await(f -> f.templateId == ProducerReadyDecoder.TEMPLATE_ID && f.correlationId == 1, "producer");

            for (int sequence = 1; sequence <= HELD_SENDS + 1; sequence++)
            {
                final int payloadLength = sequence <= HELD_SENDS ? 1000 : BrokerHarness.MAX_MESSAGE_SIZE + 100;
                final SendEncoder send = new SendEncoder().wrapAndApplyHeader(buffer, 0, header)
                    .correlationId(sequence).producerId(7).publishTime(System.currentTimeMillis()).key("");
                send.putPayload(new byte[payloadLength], 0, payloadLength);
                send.putMetadata(new byte[0], 0, 0);
                raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + send.encodedLength());
            }

            // the quota holds most of them: wait until each was stored or held; the consumer catches up and
            // releases them
            harness.awaitCounters(HELD_SENDS, BrokerCounters.MESSAGES_IN_TYPE_ID, BrokerCounters.HELD_SENDS_TYPE_ID);
            for (int i = 0; i < HELD_SENDS; i++)
            {
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertNotNull(message, "message " + i);
                consumer.acknowledge(message);
            }

            long previous = 0;
            for (int i = 0; i <= HELD_SENDS; i++)
            {
                final RawClient.Frame answer = raw.await(
                    f -> f.templateId == SendReceiptDecoder.TEMPLATE_ID || f.templateId == SendErrorDecoder.TEMPLATE_ID,
                    "answer " + (i + 1));
                assertTrue(answer.correlationId > previous, "answer " + answer + " after " + previous);
                previous = answer.correlationId;
                if (i < HELD_SENDS)
                {
                    assertEquals(SendReceiptDecoder.TEMPLATE_ID, answer.templateId, answer.toString());
                }
                else
                {
                    assertEquals(SendErrorDecoder.TEMPLATE_ID, answer.templateId, answer.toString());
                    assertEquals(HELD_SENDS + 1, answer.correlationId);
                }
            }
        }
        assertTrue(harness.errors.isEmpty(), harness.errors.toString());
    }
}

package io.magnetar.broker;

import io.magnetar.broker.policy.BacklogQuota;
import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.MagnetarClientException.ErrorCode;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backlog quotas: a producer is refused while a subscription holds more than the quota, or the oldest backlog is
 * evicted.
 */
@Timeout(60)
class BacklogQuotaTest
{
    private static final String TOPIC = "persistent://public/default/quota";

    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        harness.close();
    }

    @Test
    void shouldRefuseProducerBeyondQuotaUntilBacklogDrops() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.backlogQuota = new BacklogQuota(10_000, BacklogQuota.Policy.PRODUCER_EXCEPTION);
        harness.start();

        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("slow")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).ackReceiptEnabled(true).subscribe();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            final byte[] payload = new byte[1000];
            int sent = 0;
            MagnetarClientException refused = null;
            while (null == refused && sent < 100)
            {
                try
                {
                    producer.send(payload);
                    sent++;
                }
                catch (final MagnetarClientException ex)
                {
                    refused = ex;
                }
            }
            assertTrue(null != refused, "refused before 100 sends");
            assertEquals(ErrorCode.PRODUCER_BLOCKED_QUOTA_EXCEEDED, refused.errorCode());
            assertTrue(sent >= 9 && sent <= 11, "about 10 messages of 1 KB fit a 10 KB quota: " + sent);

            for (int i = 0; i < sent; i++)
            {
                consumer.acknowledge(consumer.receive(10, TimeUnit.SECONDS));
            }
            producer.send(payload);
        }
    }

    @Test
    void shouldEvictOldestBacklogBeyondQuota() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.backlogQuota = new BacklogQuota(10_000, BacklogQuota.Policy.CONSUMER_BACKLOG_EVICTION);
        harness.retention = new RetentionPolicy(-1, -1, -1, 50);
        harness.start();

        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            client.newConsumer().topic(TOPIC).subscriptionName("slow")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe().close();
            final byte[] payload = new byte[1000];
            for (int i = 0; i < 100; i++)
            {
                payload[0] = (byte)i;
                producer.send(payload);
            }

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long backlog;
            do
            {
                backlog = client.admin().topics().statsInternal(TOPIC).getCursors().get("slow").getBacklog();
                assertTrue(System.nanoTime() < deadlineNs, "backlog still " + backlog);
                Thread.sleep(50);
            }
            while (backlog > 10);

            try (Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("slow").subscribe())
            {
                final Message first = consumer.receive(10, TimeUnit.SECONDS);
                assertTrue(first.getData()[0] >= 90, "the oldest were evicted; first kept is " + first.getData()[0]);
            }
        }
    }

    @Test
    void shouldParsePoliciesAndRejectUnknownOnesClearly()
    {
        assertEquals(BacklogQuota.Policy.PRODUCER_REQUEST_HOLD, BacklogQuota.parsePolicy("producer_request_hold"));
        assertEquals(BacklogQuota.Policy.PRODUCER_EXCEPTION, BacklogQuota.parsePolicy(" Producer_Exception "));
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> BacklogQuota.parsePolicy("drop_everything"));
        assertTrue(ex.getMessage().contains("producer_request_hold, producer_exception or consumer_backlog_eviction"));
        harness = new BrokerHarness(dataDir);
    }
}

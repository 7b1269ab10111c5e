package io.magnetar.broker;

import io.aeron.CommonContext;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a broker JVM with SIGKILL while a producer writes, restarts a broker on the same data directory, and checks
 * that every message that got a receipt is there, once, in order, at the id its receipt gave.
 */
@Timeout(180)
class CrashRecoveryTest
{
    private static final String TOPIC = "persistent://public/default/crash";
    private static final String ACK_TOPIC = "persistent://public/default/crash-acks";

    @TempDir
    File dataDir;

    @TempDir
    File workDir;

    private Process process;
    private final String forkedAeronDir = CommonContext.generateRandomDirName();
    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        if (null != process)
        {
            process.destroyForcibly();
        }
        if (null != harness)
        {
            harness.close();
        }
        IoUtil.delete(new File(forkedAeronDir), true);
    }

    @Test
    void shouldKeepEveryReceiptedMessageAfterSigkill() throws Exception
    {
        final int port = ForkedBroker.start(dataDir, forkedAeronDir, workDir, "broker", "archived", p -> process = p);
        final ConcurrentHashMap<Long, MessageId> receipted = new ConcurrentHashMap<>();
        long sent = 0;

        final MagnetarClient client = forkedBrokerClient(port);
        try
        {
            final Producer producer = client.newProducer().topic(TOPIC).create();
            final long killAfterNs =
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300 + (long)(Math.random() * 700));
            while (System.nanoTime() < killAfterNs)
            {
                final long sequence = sent++;
                producer.sendAsync(("c-" + sequence).getBytes(StandardCharsets.UTF_8))
                    .thenAccept(id -> receipted.put(sequence, id));
                if (sequence % 500 == 499)
                {
                    Thread.sleep(1);
                }
            }
            killBroker();
        }
        finally
        {
            closeAfterKill(client);
        }

        final int receiptCount = receipted.size();
        assertTrue(receiptCount > 0, "some messages were receipted before the kill");

        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient reader = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Consumer consumer = reader.newConsumer().topic(TOPIC).subscriptionName("after-crash")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            final List<Long> sequences = new ArrayList<>();
            Message message;
            while (null != (message = consumer.receive(2, TimeUnit.SECONDS)))
            {
                final long sequence = Long.parseLong(message.getValue().substring(2));
                if (!sequences.isEmpty())
                {
                    assertEquals(sequences.get(sequences.size() - 1) + 1, sequence, "in order, no gap, no duplicate");
                }
                final MessageId receiptId = receipted.get(sequence);
                if (null != receiptId)
                {
                    assertEquals(receiptId, message.getMessageId());
                }
                sequences.add(sequence);
                consumer.acknowledge(message);
            }

            for (final Long sequence : receipted.keySet())
            {
                assertTrue(sequence < sequences.size(), "receipted message " + sequence + " survived");
            }
            System.out.println("crash test: sent " + sent + ", receipted " + receiptCount + ", recovered " +
                sequences.size() + "; " + harness.logLines);
        }
    }

    @Test
    void shouldRecoverAckRunsAndTheirHolesAfterSigkill() throws Exception
    {
        final int port = ForkedBroker.start(dataDir, forkedAeronDir, workDir, "acks", "archived", p -> process = p);
        final int count = 2000;
        final List<Long> holes = new ArrayList<>();
        final MagnetarClient client = forkedBrokerClient(port);
        try
        {
            try (Producer producer = client.newProducer().topic(ACK_TOPIC).create();
                Consumer consumer = client.newConsumer().topic(ACK_TOPIC).subscriptionName("runs")
                    .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
            {
                for (int i = 0; i < count; i++)
                {
                    producer.sendAsync(("a-" + i).getBytes(StandardCharsets.UTF_8));
                }
                producer.flush();

                // runs of acks in order, broken by holes: the broker records each run as one range
                for (int i = 0; i < count; i++)
                {
                    final Message message = consumer.receive(10, TimeUnit.SECONDS);
                    assertTrue(null != message, "message " + i + " arrives");
                    final long sequence = Long.parseLong(message.getValue().substring(2));
                    assertEquals(i, sequence);
                    if (sequence % 97 == 5 || sequence == count - 1)
                    {
                        holes.add(sequence);
                    }
                    else
                    {
                        consumer.acknowledge(message);
                    }
                }
            }

            // a receipted ack of the first hole: once answered, the cursor log is stored past every run before it
            try (Consumer barrier = client.newConsumer().topic(ACK_TOPIC).subscriptionName("runs")
                .ackReceiptEnabled(true).subscribe())
            {
                final Message message = barrier.receive(10, TimeUnit.SECONDS);
                assertTrue(null != message, "the holes are delivered again");
                assertEquals(holes.get(0), Long.parseLong(message.getValue().substring(2)));
                barrier.acknowledge(message);
                holes.remove(0);
            }

            killBroker();
        }
        finally
        {
            closeAfterKill(client);
        }

        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient reader = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Consumer consumer = reader.newConsumer().topic(ACK_TOPIC).subscriptionName("runs").subscribe())
        {
            final List<Long> redelivered = new ArrayList<>();
            Message message;
            while (null != (message = consumer.receive(2, TimeUnit.SECONDS)))
            {
                redelivered.add(Long.parseLong(message.getValue().substring(2)));
            }
            assertEquals(holes, redelivered, "after the crash, exactly the unacknowledged messages come again");
        }
    }

    private static MagnetarClient forkedBrokerClient(final int port) throws Exception
    {
        return MagnetarClient.builder()
            .serviceUrl("magnetar://localhost:" + port)
            .operationTimeout(Duration.ofSeconds(5))
            .termLength(1024 * 1024)
            .errorHandler((throwable) -> {})
            .build();
    }

    private void killBroker() throws InterruptedException
    {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        process = null;
    }

    private static void closeAfterKill(final MagnetarClient client)
    {
        try
        {
            client.close();
        }
        catch (final Exception ignore)
        {
            // the broker is gone: closing cannot reach it
        }
    }
}

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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Effectively-once under crashes: a producer with deduplication on keeps sending while the broker, in a JVM of its
 * own, is killed with SIGKILL and restarted, with no reconnect code in the test. The client resends what has no
 * receipt; the broker stores what it did not have and answers the rest as duplicates. Afterwards the topic holds
 * every sequence id exactly once, in order, and every send has its receipt.
 */
@Timeout(600)
class EffectivelyOnceTest
{
    private static final String TOPIC = "persistent://public/default/effectively-once";
    private static final int SENDS_BETWEEN_KILLS = 2_000;

    @TempDir
    File workDir;

    private Process forked;
    private final String aeronDir = CommonContext.generateRandomDirName();

    @AfterEach
    void after() throws Exception
    {
        ForkedBroker.kill(forked);
        IoUtil.delete(new File(aeronDir), true);
    }

    @Test
    void shouldStoreEverySequenceIdOnceAcrossASigkill() throws Exception
    {
        sendAcrossKills(1);
    }

    @Test
    @Tag("long")
    void shouldStoreEverySequenceIdOnceAcrossRepeatedSigkills() throws Exception
    {
        sendAcrossKills(5);
    }

    private void sendAcrossKills(final int kills) throws Exception
    {
        final File dataDir = new File(workDir, "data");
        final int port = ForkedBroker.freePort();
        ForkedBroker.start(dataDir, aeronDir, workDir, "start-0", "archived", port, (process) -> forked = process);

        final List<CompletableFuture<MessageId>> receipts = new CopyOnWriteArrayList<>();
        final List<Throwable> sendErrors = new CopyOnWriteArrayList<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger duplicates = new AtomicInteger();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl("magnetar://localhost:" + port)
            .termLength(1024 * 1024).build())
        {
            assertTrue(client.admin().namespaces().setDeduplicationStatus("public/default", true)
                .isDeduplicationEnabled());
            try (Producer producer = client.newProducer().topic(TOPIC).producerName("effectively-once")
                .sendTimeout(Duration.ofMinutes(3)).create())
            {
                assertEquals(-1, producer.getLastSequenceId());
                final Thread sender = new Thread(() ->
                {
                    int i = 0;
                    while (running.get())
                    {
                        try
                        {
                            final CompletableFuture<MessageId> receipt = producer.sendAsync(payload(i++));
                            receipt.whenComplete((id, error) ->
                            {
                                if (null != error)
                                {
                                    sendErrors.add(error);
                                }
                                else
                                {
                                    received.incrementAndGet();
                                    if (id.position() < 0)
                                    {
                                        duplicates.incrementAndGet();
                                    }
                                }
                            });
                            receipts.add(receipt);
                            if (0 == i % 50)
                            {
                                Thread.sleep(1); // about 20k msg/s at most: a steady stream, not a flood
                            }
                        }
                        catch (final Exception ex)
                        {
                            sendErrors.add(ex);
                            return;
                        }
                    }
                }, "effectively-once-sender");
                sender.start();

                for (int kill = 1; kill <= kills; kill++)
                {
                    awaitReceipts(received, received.get() + SENDS_BETWEEN_KILLS, sendErrors);
                    forked.destroyForcibly();
                    assertTrue(forked.waitFor(30, TimeUnit.SECONDS));
                    ForkedBroker.start(dataDir, aeronDir, workDir, "start-" + kill, "archived", port,
                        (process) -> forked = process);
                }
                awaitReceipts(received, received.get() + SENDS_BETWEEN_KILLS, sendErrors);
                running.set(false);
                sender.join(TimeUnit.SECONDS.toMillis(30));
                for (final CompletableFuture<MessageId> receipt : receipts)
                {
                    assertNotNull(receipt.get(3, TimeUnit.MINUTES));
                }
                assertEquals(List.of(), sendErrors);
                assertEquals(receipts.size() - 1, producer.getLastSequenceId());
            }

            final int count = receipts.size();
            final List<Long> sequenceIds = new ArrayList<>(count);
            try (Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("check")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
            {
                final long deadlineNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (sequenceIds.size() < count)
                {
                    assertTrue(System.nanoTime() - deadlineNs < 0, "consumed " + sequenceIds.size() + " of " + count);
                    final Message message = consumer.receive(1, TimeUnit.SECONDS);
                    if (null != message)
                    {
                        final long sequenceId = message.getSequenceId();
                        if (sequenceId != sequenceIds.size())
                        {
                            fail("message " + sequenceIds.size() + " has sequence id " + sequenceId + " (" +
                                (sequenceId < sequenceIds.size() ? "stored twice" : "one missing") + ")");
                        }
                        assertEquals(sequenceId, ByteBuffer.wrap(message.getData()).getInt());
                        sequenceIds.add(sequenceId);
                        consumer.acknowledge(message);
                    }
                }
                assertNull(consumer.receive(500, TimeUnit.MILLISECONDS), "nothing beyond the last sequence id");
            }
            System.out.println("effectively once: " + count + " sends across " + kills + " SIGKILLs, " +
                duplicates.get() + " answered as duplicates, each sequence id stored once");
        }
        finally
        {
            running.set(false);
        }
    }

    private static void awaitReceipts(final AtomicInteger received, final int target, final List<Throwable> errors)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (received.get() < target)
        {
            assertEquals(List.of(), errors);
            assertTrue(System.nanoTime() - deadlineNs < 0, "receipts: " + received.get() + " of " + target);
            Thread.sleep(5);
        }
    }

    private static byte[] payload(final int sequence)
    {
        return ByteBuffer.allocate(64).putInt(sequence).array();
    }
}

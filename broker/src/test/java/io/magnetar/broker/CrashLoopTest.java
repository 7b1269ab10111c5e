package io.magnetar.broker;

import io.aeron.CommonContext;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import io.magnetar.mediadriver.Durability;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Producers write several topics and consumers ack what they read while a forked broker is killed with SIGKILL at a
 * random moment, round after round, on one data directory. After every restart each consumer resumes right after
 * its last stored ack, and in the end every receipted message is in its topic exactly once, in order, at the id
 * its receipt gave.
 */
@Tag("long")
@Timeout(900)
class CrashLoopTest
{
    private static final int TOPICS = 3;
    private static final Pattern TORN_RECORD =
        Pattern.compile("shard-0 \\(recording \\d+\\): cut a torn record of (\\d+) bytes at position (\\d+)");

    @TempDir
    File dataDir;

    @TempDir
    File workDir;

    private final Random random = new Random();
    private final List<String> aeronDirs = new ArrayList<>();
    private Process process;

    private final List<ConcurrentHashMap<Long, MessageId>> receipted = new ArrayList<>();
    private final long[] nextSequence = new long[TOPICS];
    private final long[] lastStoredAck = new long[TOPICS];
    private final String[] topics = new String[TOPICS];
    /** The highest position of a receipted entry (shard 0) since the test began: a torn record is always after it. */
    private final AtomicLong maxReceiptedPosition = new AtomicLong(-1);
    private int tornRecordsCut;

    @AfterEach
    void after()
    {
        if (null != process)
        {
            process.destroyForcibly();
        }
        for (final String dir : aeronDirs)
        {
            IoUtil.delete(new File(dir), true);
        }
    }

    @Test
    void shouldKeepReceiptsAndAcksThroughTwentySigkillsAtArchivedDurability() throws Exception
    {
        runRounds(20, "archived");
    }

    @Test
    void shouldKeepReceiptsAndAcksThroughSigkillsAtFsyncDurability() throws Exception
    {
        runRounds(5, "fsync");
    }

    private void runRounds(final int rounds, final String durability) throws Exception
    {
        for (int t = 0; t < TOPICS; t++)
        {
            topics[t] = "persistent://public/default/loop-" + durability + "-" + t;
            receipted.add(new ConcurrentHashMap<>());
            lastStoredAck[t] = -1;
        }

        for (int round = 0; round < rounds; round++)
        {
            runOneRound(round, durability);
        }

        verifyEverythingStored(durability);
    }

    private void runOneRound(final int round, final String durability) throws Exception
    {
        final String aeronDir = CommonContext.generateRandomDirName();
        aeronDirs.add(aeronDir);
        final String name = "broker-" + aeronDirs.size();
        final int port = ForkedBroker.start(dataDir, aeronDir, workDir, name, durability, p -> process = p);
        checkTornRecordCuts(Files.readAllLines(new File(workDir, name + ".log").toPath()));
        final AtomicBoolean stop = new AtomicBoolean(false);
        final List<Thread> threads = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();

        final MagnetarClient client = MagnetarClient.builder()
            .serviceUrl("magnetar://localhost:" + port)
            .operationTimeout(Duration.ofSeconds(5))
            .connectionLossGrace(Duration.ofMillis(500))
            .termLength(1024 * 1024)
            .errorHandler((throwable) -> {})
            .build();
        try
        {
            for (int t = 0; t < TOPICS; t++)
            {
                final int topic = t;
                final Producer producer = client.newProducer().topic(topics[t]).create();
                final Consumer consumer = client.newConsumer().topic(topics[t]).subscriptionName("loop")
                    .subscriptionInitialPosition(InitialPosition.EARLIEST).ackReceiptEnabled(true).subscribe();
                threads.add(new Thread(() -> produce(topic, producer, stop), "producer-" + t));
                threads.add(new Thread(() -> consume(topic, consumer, stop, failures), "consumer-" + t));
            }
            threads.forEach(Thread::start);

            Thread.sleep(300 + random.nextInt(1200));
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            process = null;
            stop.set(true);
            for (final Thread thread : threads)
            {
                thread.join(30_000);
            }
        }
        finally
        {
            try
            {
                client.close();
            }
            catch (final Exception ignore)
            {
                // the broker is gone
            }
        }

        if (!failures.isEmpty())
        {
            fail("round " + round + ": " + failures.get(0), failures.get(0));
        }
    }

    private void produce(final int topic, final Producer producer, final AtomicBoolean stop)
    {
        final ConcurrentHashMap<Long, MessageId> receipts = receipted.get(topic);
        try
        {
            while (!stop.get())
            {
                final long sequence = nextSequence[topic]++;
                producer.sendAsync(payload(topic, sequence)).thenAccept(id ->
                {
                    receipts.put(sequence, id);
                    maxReceiptedPosition.accumulateAndGet(id.position(), Math::max);
                });
                if (sequence % 64 == 0)
                {
                    Thread.sleep(1);
                }
            }
        }
        catch (final Exception ignore)
        {
            // the broker was killed
        }
    }

    private void consume(
        final int topic, final Consumer consumer, final AtomicBoolean stop, final List<Throwable> failures)
    {
        long previous = -1;
        boolean first = true;
        try
        {
            while (!stop.get())
            {
                final Message message = consumer.receive(100, TimeUnit.MILLISECONDS);
                if (null == message)
                {
                    continue;
                }
                final long sequence = sequenceOf(message);
                if (first)
                {
                    // resumes right after the last stored ack; an ack in flight at the kill may have been stored
                    if (sequence <= lastStoredAck[topic])
                    {
                        throw new AssertionError("topic " + topic + " resumed at " + sequence +
                            " but " + lastStoredAck[topic] + " was acked and stored");
                    }
                    first = false;
                }
                else if (sequence <= previous)
                {
                    throw new AssertionError("topic " + topic + ": " + sequence + " after " + previous);
                }
                previous = sequence;
                consumer.acknowledge(message);
                lastStoredAck[topic] = sequence;
            }
        }
        catch (final AssertionError ex)
        {
            synchronized (failures)
            {
                failures.add(ex);
            }
        }
        catch (final Exception ignore)
        {
            // the broker was killed
        }
    }

    private void verifyEverythingStored(final String durability) throws Exception
    {
        final BrokerHarness harness = new BrokerHarness(dataDir);
        harness.durability = Durability.parse(durability);
        harness.start();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build())
        {
            for (int t = 0; t < TOPICS; t++)
            {
                final ConcurrentHashMap<Long, MessageId> receipts = receipted.get(t);
                long previous = -1;
                long count = 0;
                try (Consumer consumer = client.newConsumer().topic(topics[t]).subscriptionName("verify")
                    .subscriptionInitialPosition(InitialPosition.EARLIEST).receiverQueueSize(5000).subscribe())
                {
                    Message message;
                    while (null != (message = consumer.receive(2, TimeUnit.SECONDS)))
                    {
                        final long sequence = sequenceOf(message);
                        assertTrue(sequence > previous, "topic " + t + ": " + sequence + " after " + previous);
                        final MessageId receiptId = receipts.get(sequence);
                        if (null != receiptId)
                        {
                            assertEquals(receiptId, message.getMessageId());
                        }
                        previous = sequence;
                        count++;
                        consumer.acknowledge(message);
                    }
                }

                long missing = 0;
                for (final Long sequence : receipts.keySet())
                {
                    if (sequence > previous)
                    {
                        missing++;
                    }
                }
                assertEquals(0, missing, "receipted messages of topic " + t + " lost");
                assertTrue(count >= receipts.size(), "topic " + t + ": " + count + " stored < " + receipts.size());
                System.out.println("crash loop " + durability + " topic " + t + ": " + receipts.size() +
                    " receipted, " + count + " stored, last stored ack " + lastStoredAck[t]);
            }
            checkTornRecordCuts(harness.logLines);
            System.out.println("crash loop " + durability + ": " + harness.logLines);
            long repairs = 0;
            final File[] logs = workDir.listFiles((dir, name) -> name.endsWith(".log"));
            for (final File log : null == logs ? new File[0] : logs)
            {
                repairs += Files.readAllLines(log.toPath()).stream()
                    .filter(line -> line.contains("cut a torn last frame")).count();
            }
            System.out.println("crash loop " + durability + ": " + repairs + " restarts cut a torn last frame, " +
                tornRecordsCut + " cut a torn record of the shard log");
        }
        finally
        {
            harness.close();
        }
    }

    /**
     * A restart may cut a torn record off the end of the shard log: that record was never receipted, so it lies after
     * every entry receipted before the kill.
     */
    private void checkTornRecordCuts(final List<String> logLines)
    {
        for (final String line : logLines)
        {
            final Matcher matcher = TORN_RECORD.matcher(line);
            if (matcher.find())
            {
                final long length = Long.parseLong(matcher.group(1));
                final long position = Long.parseLong(matcher.group(2));
                assertTrue(length > 0, line);
                assertTrue(position > maxReceiptedPosition.get(), "a torn record cut at " + position +
                    " although an entry at " + maxReceiptedPosition.get() + " was receipted: " + line);
                tornRecordsCut++;
            }
        }
    }

    private static byte[] payload(final int topic, final long sequence)
    {
        return ("t" + topic + "-" + sequence).getBytes(StandardCharsets.UTF_8);
    }

    private static long sequenceOf(final Message message)
    {
        final String value = message.getValue();
        return Long.parseLong(value.substring(value.indexOf('-') + 1));
    }
}

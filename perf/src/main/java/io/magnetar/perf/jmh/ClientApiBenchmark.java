package io.magnetar.perf.jmh;

import io.aeron.CommonContext;
import io.magnetar.broker.BrokerContext;
import io.magnetar.broker.MagnetarBroker;
import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.MessageHandler;
import io.magnetar.client.MessageView;
import io.magnetar.client.Producer;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One message's whole trip through a real broker and client, in one JVM: a {@link MagnetarBroker} (default profile,
 * its own media driver and archive, {@code archived} durability, on temporary directories) and a
 * {@link MagnetarClient} over UDP with its embedded driver, a producer and an exclusive consumer on one topic. Each
 * operation sends a 100 B message, waits (spinning) until the consumer has it, and acknowledges it; the send's
 * receipt reaches the producer's window on the client's conductor thread meanwhile. So one operation is a send, a
 * receipt, a dispatch, a receive and an ack, on every thread of the path.
 * <ul>
 *     <li>{@link #aeronShaped()}: {@link Producer#offer(org.agrona.DirectBuffer, int, int)} from a buffer,
 *     {@link Consumer#poll(MessageHandler, int)} with a flyweight, {@link Consumer#acknowledge(MessageView)}.</li>
 *     <li>{@link #pulsarShaped()}: {@link Producer#sendAsync(byte[])}, {@link Consumer#receive()} and
 *     {@link Consumer#acknowledge(Message)}: a future, a message id, a {@code Message} and two arrays per message.</li>
 * </ul>
 * {@code -prof gc}'s {@code gc.alloc.rate.norm} counts every thread of the JVM, broker's included. At the end of each
 * iteration the benchmark prints the split by thread from {@code ThreadMXBean}: the client's (the benchmark thread
 * and {@code magnetar-client-*}) and the rest (the broker's agents, its driver and archive).
 * <p>
 * The {@code retention} parameter: {@code keep} is the default policy, every entry kept, so the topic's in-memory
 * index holds 8 B more per message (a new 32 KiB page each 4,096 messages: live data, not garbage);
 * {@code reclaim} keeps nothing acknowledged (retention 0) on 4 MiB segments of 1 MiB terms, so segments are purged
 * as the consumer acknowledges them and the index reuses the pages they emptied.
 * <p>
 * Seven threads share the cores: the numbers are the cost on this box, not the path's best.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/java.util.zip=ALL-UNNAMED" })
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ClientApiBenchmark
{
    private static final int PAYLOAD_LENGTH = 100;
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(30);

    /**
     * Retention of the broker: {@code keep} (the default: everything) or {@code reclaim} (nothing acknowledged).
     */
    @Param({ "keep", "reclaim" })
    public String retention;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
    private final byte[] payloadArray = new byte[PAYLOAD_LENGTH];
    private final MessageHandler handler = this::onMessage;
    private File dataDir;
    private String aeronDir;
    private MagnetarBroker broker;
    private MagnetarClient client;
    private Producer producer;
    private Consumer consumer;
    private int received;
    private long lastPayloadMark;
    private MagnetarClientException ackFailure;
    private long operations;
    private long clientBytesAtStart;
    private long otherBytesAtStart;

    /**
     * Start the broker and the client, and create the producer and consumer.
     *
     * @throws IOException             if the data directory could not be created.
     * @throws MagnetarClientException if the client could not connect.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException, MagnetarClientException
    {
        dataDir = Files.createTempDirectory("magnetar-jmh-client-").toFile();
        aeronDir = CommonContext.generateRandomDirName();
        final MagnetarMediaDriver.Context driverContext = new MagnetarMediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .deleteAeronDirOnShutdown(true);
        final BrokerContext context = new BrokerContext()
            .brokerName("jmh")
            .bindAddress("localhost")
            .port(0)
            .dataDir(dataDir)
            .logger(ClientApiBenchmark::ignoreLine)
            .driverContext(driverContext);
        if ("reclaim".equals(retention))
        {
            driverContext.segmentFileLength(4 * 1024 * 1024);
            context.shardTermLength(1024 * 1024).maxMessageSize(64 * 1024).retention(new RetentionPolicy(0, 0, 100));
        }
        broker = MagnetarBroker.launch(context);

        client = MagnetarClient.builder()
            .serviceUrl(broker.serviceUrl())
            .operationTimeout(Duration.ofSeconds(30))
            .clientName("jmh")
            .build();
        final String topic = "persistent://public/default/jmh-client-api";
        consumer = client.newConsumer().topic(topic).subscriptionName("jmh")
            .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe();
        producer = client.newProducer().topic(topic).create();
    }

    /**
     * Stop the client and the broker, and delete their directories.
     *
     * @throws MagnetarClientException if the client did not close cleanly.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws MagnetarClientException
    {
        try
        {
            CloseHelper.closeAll(producer, consumer, client);
        }
        finally
        {
            CloseHelper.close(broker);
            IoUtil.delete(dataDir, true);
            IoUtil.delete(new File(aeronDir), true);
        }
    }

    /**
     * Note the bytes each group of threads has allocated so far.
     */
    @Setup(Level.Iteration)
    public void beforeIteration()
    {
        operations = 0;
        final long[] bytes = allocatedBytes();
        clientBytesAtStart = bytes[0];
        otherBytesAtStart = bytes[1];
    }

    /**
     * Print the bytes per operation each group of threads allocated in the iteration.
     */
    @TearDown(Level.Iteration)
    public void afterIteration()
    {
        final long[] bytes = allocatedBytes();
        if (operations > 0)
        {
            System.out.printf(Locale.ROOT, "%n  allocated per op: client threads %.1f B, broker and other threads " +
                "%.1f B (%,d ops)%n", (bytes[0] - clientBytesAtStart) / (double)operations,
                (bytes[1] - otherBytesAtStart) / (double)operations, operations);
        }
    }

    /**
     * Offer from a buffer, poll with a flyweight, acknowledge by id parts.
     *
     * @return the last payload mark seen, so the work is not eliminated.
     * @throws MagnetarClientException if the client failed.
     */
    @Benchmark
    public long aeronShaped() throws MagnetarClientException
    {
        operations++;
        payload.putLong(0, operations);
        final long deadlineNs = System.nanoTime() + WAIT_NS;
        while (producer.offer(payload, 0, PAYLOAD_LENGTH) < 0)
        {
            checkDeadline(deadlineNs, "offer");
            Thread.yield();
        }

        received = 0;
        while (0 == consumer.poll(handler, 1))
        {
            checkDeadline(deadlineNs, "poll");
            Thread.yield();
        }
        if (null != ackFailure)
        {
            throw ackFailure;
        }

        return lastPayloadMark;
    }

    /**
     * Send with a future, receive a {@link Message}, acknowledge it.
     *
     * @return the last payload mark seen, so the work is not eliminated.
     * @throws MagnetarClientException if the client failed.
     */
    @Benchmark
    public long pulsarShaped() throws MagnetarClientException
    {
        operations++;
        payloadArray[0] = (byte)operations;
        producer.sendAsync(payloadArray);
        final Message message = consumer.receive();
        consumer.acknowledge(message);

        return message.getData()[0];
    }

    private void onMessage(final MessageView message)
    {
        received++;
        lastPayloadMark = message.buffer().getLong(message.payloadOffset());
        try
        {
            consumer.acknowledge(message);
        }
        catch (final MagnetarClientException ex)
        {
            ackFailure = ex;
        }
    }

    private static void ignoreLine(final String line)
    {
        // start-up lines say nothing a benchmark needs
    }

    private static void checkDeadline(final long deadlineNs, final String what)
    {
        if (System.nanoTime() - deadlineNs >= 0)
        {
            throw new IllegalStateException(what + " did not complete within 30 s");
        }
    }

    /**
     * @return bytes allocated so far by the client's threads (index 0: this thread and {@code magnetar-client-*})
     * and by all other live threads (index 1).
     */
    private static long[] allocatedBytes()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long self = Thread.currentThread().getId();
        final long[] ids = threads.getAllThreadIds();
        final ThreadInfo[] infos = threads.getThreadInfo(ids);
        final long[] allocated = threads.getThreadAllocatedBytes(ids);
        final long[] result = new long[2];
        for (int i = 0; i < ids.length; i++)
        {
            if (null == infos[i] || allocated[i] < 0)
            {
                continue;
            }
            final boolean isClient = ids[i] == self || infos[i].getThreadName().contains("magnetar-client");
            result[isClient ? 0 : 1] += allocated[i];
        }

        return result;
    }
}

package io.magnetar.perf;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import io.magnetar.client.Protocol;
import io.magnetar.codecs.BooleanType;
import io.magnetar.codecs.CloseConsumerEncoder;
import io.magnetar.codecs.CloseProducerEncoder;
import io.magnetar.codecs.ConnectEncoder;
import io.magnetar.codecs.ConnectedDecoder;
import io.magnetar.codecs.CreateProducerEncoder;
import io.magnetar.codecs.ErrorDecoder;
import io.magnetar.codecs.FlowEncoder;
import io.magnetar.codecs.InitialPosition;
import io.magnetar.codecs.KeySharedMode;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.SendEncoder;
import io.magnetar.codecs.SendErrorDecoder;
import io.magnetar.codecs.SendReceiptDecoder;
import io.magnetar.codecs.SendReceiptsDecoder;
import io.magnetar.codecs.SubscribeEncoder;
import io.magnetar.codecs.SubscribedDecoder;
import io.magnetar.codecs.SubscriptionType;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Creates the idle topics of a run on the embedded broker, fast enough for a million: one raw protocol session over
 * IPC through the broker's media driver, requests pipelined with a bounded number in flight (no client objects per
 * topic). Each topic gets a producer, one message and a close; then, in a second phase, its subscriptions (at the
 * latest position, so they are caught up), each closed again or kept as a consumer with permits. The session stays
 * open until {@link #close()}, so the idle consumers stay connected through the measured run.
 * <p>
 * Measures the broker's heap (used heap after full collections; the broker runs in this JVM) before and after, and
 * how long each phase took.
 */
final class IdleTopicSetup implements AutoCloseable
{
    private static final int MIN_GC_ROUNDS = 3;
    private static final int MAX_GC_ROUNDS = 10;
    private static final long GC_SETTLED_BYTES = 64 * 1024;
    private static final int POLL_LIMIT = 256;
    private static final byte[] NO_HASH_RANGES = new byte[0];
    private static final String SUBSCRIPTION_PREFIX = "idle-sub-";
    private static final byte[] PAYLOAD = new byte[16];

    private final IdleTopicsConfig idle;
    private final PerfConfig config;
    private final String aeronDirectoryName;
    private final IdleStrategy idleStrategy = new BackoffIdleStrategy();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private final SendReceiptsDecoder sendReceiptsDecoder = new SendReceiptsDecoder();
    private final FragmentAssembler assembler = new FragmentAssembler(this::onAnswer);
    private Aeron aeron;
    private ExclusivePublication ingress;
    private Subscription answers;
    private boolean connected;
    private long requested;
    private long answered;
    private long failures;
    private String firstFailure;
    private long heapBytesPerTopic;
    private long heapBefore;
    private long stopMs = -1;
    private long startMs = -1;
    private long heapBytesPerTopicAfterRestart;
    private String recovery = "";
    private long setupNs;
    private long subscribeNs;

    /**
     * @param config             of the run; concluded, with idle topics.
     * @param aeronDirectoryName of the embedded broker's media driver.
     */
    IdleTopicSetup(final PerfConfig config, final String aeronDirectoryName)
    {
        this.config = config;
        this.idle = config.idleTopics();
        this.aeronDirectoryName = aeronDirectoryName;
    }

    /**
     * Connect, create the topics and their subscriptions, and measure.
     *
     * @throws PerfException if the broker refused a request or did not answer in time.
     */
    void run() throws PerfException
    {
        connect();
        heapBefore = usedHeapAfterGc();

        final long setupStartNs = System.nanoTime();
        for (int i = 0; i < idle.topics(); i++)
        {
            awaitWindow();
            createTopicWithOneMessage(i);
        }
        awaitAllAnswered("topics created");
        setupNs = System.nanoTime() - setupStartNs;

        final long subscribeStartNs = System.nanoTime();
        final int perTopic = idle.subscriptionsPerTopic();
        for (int i = 0; i < idle.topics(); i++)
        {
            for (int s = 0; s < perTopic; s++)
            {
                awaitWindow();
                subscribe(i, (long)i * perTopic + s, SUBSCRIPTION_PREFIX + s);
            }
        }
        awaitAllAnswered("subscriptions");
        subscribeNs = System.nanoTime() - subscribeStartNs;

        heapBytesPerTopic = (usedHeapAfterGc() - heapBefore) / idle.topics();
    }

    /**
     * @return used heap after GC, after the set-up minus before it, divided by the idle topics.
     */
    long heapBytesPerTopic()
    {
        return heapBytesPerTopic;
    }

    /**
     * The broker was restarted on the same data after the set-up (this session closed first): measure its heap.
     *
     * @param stopMs   how long the stop took.
     * @param startMs  how long the start took, until ready.
     * @param recovery the broker's recovery line(s).
     */
    void onRestarted(final long stopMs, final long startMs, final String recovery)
    {
        this.stopMs = stopMs;
        this.startMs = startMs;
        this.recovery = recovery;
        heapBytesPerTopicAfterRestart = (usedHeapAfterGc() - heapBefore) / idle.topics();
    }

    /**
     * @return milliseconds the broker took to stop and start again after the set-up, or -1 if it was not restarted.
     */
    long restartMs()
    {
        return stopMs < 0 ? -1 : stopMs + startMs;
    }

    /**
     * @return milliseconds the stop took, or -1 without a restart.
     */
    long stopMs()
    {
        return stopMs;
    }

    /**
     * @return milliseconds the start took, until the broker was ready, or -1 without a restart.
     */
    long startMs()
    {
        return startMs;
    }

    /**
     * @return used heap after GC after the restart, minus before the set-up, divided by the idle topics.
     */
    long heapBytesPerTopicAfterRestart()
    {
        return heapBytesPerTopicAfterRestart;
    }

    /**
     * @return what the broker's shards said they recovered at the restart; empty without one.
     */
    String recovery()
    {
        return recovery;
    }

    /**
     * @return milliseconds creating 100,000 topics (producer, one message, close) took.
     */
    double setupMsPer100k()
    {
        return per100k(setupNs, idle.topics());
    }

    /**
     * @return milliseconds subscribing 100,000 subscriptions took, or 0 without subscriptions.
     */
    double subscribeMsPer100k()
    {
        return per100k(subscribeNs, idle.totalSubscriptions());
    }

    /**
     * @return consumers kept connected through the run.
     */
    long consumers()
    {
        return idle.consumers() ? idle.totalSubscriptions() : 0;
    }

    /**
     * Close the session: the idle consumers disconnect.
     */
    public void close()
    {
        CloseHelper.closeAll(ingress, answers, aeron);
    }

    private static double per100k(final long durationNs, final long count)
    {
        return count > 0 ? durationNs / 1e6 * 100_000 / count : 0;
    }

    private void connect() throws PerfException
    {
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectoryName));
        ingress = aeron.addExclusivePublication("aeron:ipc?term-length=16m", Protocol.INGRESS_STREAM_ID);
        final int responseStreamId = Protocol.ipcResponseStreamId(aeron.clientId());
        answers = aeron.addSubscription("aeron:ipc", responseStreamId);

        final long deadlineNs = System.nanoTime() + config.operationTimeoutNs();
        idleStrategy.reset();
        while (!ingress.isConnected())
        {
            checkDeadline(deadlineNs, "the broker's IPC ingress did not connect");
            idleStrategy.idle();
        }
        final ConnectEncoder connect = new ConnectEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(Protocol.NULL_CORRELATION_ID)
            .protocolVersion(Protocol.PROTOCOL_VERSION)
            .responseStreamId(responseStreamId)
            .responseChannel("aeron:ipc")
            .clientName("magnetar-perf-idle")
            .authToken("");
        send(connect.encodedLength());
        while (!connected)
        {
            checkDeadline(deadlineNs, "no Connected from the broker");
            idleStrategy.idle(answers.poll(assembler, POLL_LIMIT));
        }
    }

    private void createTopicWithOneMessage(final int index) throws PerfException
    {
        final CreateProducerEncoder create = new CreateProducerEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(index)
            .producerId(index)
            .accessMode(io.magnetar.codecs.ProducerAccessMode.SHARED).topicEpoch(-1)
            .topic(topicName(index))
            .producerName("idle");
        send(create.encodedLength());

        final SendEncoder message = new SendEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(0)
            .producerId(index)
            .publishTime(System.currentTimeMillis())
            .key("");
        message.putPayload(PAYLOAD, 0, PAYLOAD.length);
        message.putMetadata(new byte[0], 0, 0);
        send(message.encodedLength());

        final CloseProducerEncoder close = new CloseProducerEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(index)
            .producerId(index);
        send(close.encodedLength());
        requested++; // answered by the SendReceipt
    }

    private void subscribe(final int index, final long consumerId, final String subscription) throws PerfException
    {
        final SubscribeEncoder subscribe = new SubscribeEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(consumerId)
            .consumerId(consumerId)
            .subscriptionType(SubscriptionType.EXCLUSIVE)
            .initialPosition(InitialPosition.LATEST)
            .priorityLevel(0)
            .durable(BooleanType.TRUE)
            .startInclusive(BooleanType.FALSE)
            .startPublishTime(-1)
            .keySharedMode(KeySharedMode.AUTO_SPLIT);
        subscribe.startMessageId().shard(-1).position(-1);
        subscribe
            .topic(topicName(index))
            .subscription(subscription)
            .consumerName("idle")
            .putHashRanges(NO_HASH_RANGES, 0, 0);
        send(subscribe.encodedLength());

        if (idle.consumers())
        {
            final FlowEncoder flow = new FlowEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
                .correlationId(consumerId)
                .consumerId(consumerId)
                .permits(IdleTopicsConfig.CONSUMER_PERMITS);
            send(flow.encodedLength());
        }
        else
        {
            final CloseConsumerEncoder close = new CloseConsumerEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
                .correlationId(consumerId)
                .consumerId(consumerId);
            send(close.encodedLength());
        }
        requested++; // answered by Subscribed
    }

    private String topicName(final int index)
    {
        return "persistent://public/default/" + config.topicPrefix() + "-idle-" + index;
    }

    private void send(final int bodyLength) throws PerfException
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        final long deadlineNs = System.nanoTime() + config.operationTimeoutNs();
        idleStrategy.reset();
        long result;
        while ((result = ingress.offer(buffer, 0, length)) < 0)
        {
            if (ExclusivePublication.NOT_CONNECTED == result || ExclusivePublication.CLOSED == result)
            {
                throw new PerfException("the broker's IPC ingress is gone");
            }
            checkDeadline(deadlineNs, "the broker's ingress stayed back pressured");
            idleStrategy.idle(answers.poll(assembler, POLL_LIMIT));
        }
    }

    private void awaitWindow() throws PerfException
    {
        final long deadlineNs = System.nanoTime() + config.operationTimeoutNs();
        idleStrategy.reset();
        while (requested - answered >= idle.window())
        {
            checkDeadline(deadlineNs, "the broker stopped answering");
            idleStrategy.idle(answers.poll(assembler, POLL_LIMIT));
        }
        checkFailures();
    }

    private void awaitAllAnswered(final String phase) throws PerfException
    {
        long deadlineNs = System.nanoTime() + config.operationTimeoutNs();
        long lastAnswered = answered;
        idleStrategy.reset();
        while (answered < requested)
        {
            final int fragments = answers.poll(assembler, POLL_LIMIT);
            if (answered != lastAnswered)
            {
                lastAnswered = answered;
                deadlineNs = System.nanoTime() + config.operationTimeoutNs();
            }
            checkDeadline(deadlineNs, phase + ": " + answered + " of " + requested + " answered");
            idleStrategy.idle(fragments);
        }
        checkFailures();
    }

    private void checkFailures() throws PerfException
    {
        if (failures > 0)
        {
            throw new PerfException("idle topic set-up: " + failures + " request(s) failed, first: " + firstFailure);
        }
    }

    private static void checkDeadline(final long deadlineNs, final String what) throws PerfException
    {
        if (System.nanoTime() - deadlineNs > 0)
        {
            throw new PerfException("idle topic set-up timed out: " + what);
        }
    }

    private void onAnswer(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        headerDecoder.wrap(buffer, offset);
        switch (headerDecoder.templateId())
        {
            case SendReceiptDecoder.TEMPLATE_ID:
            case SubscribedDecoder.TEMPLATE_ID:
                answered++;
                break;

            case SendReceiptsDecoder.TEMPLATE_ID:
                answered += sendReceiptsDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder).receipts().count();
                break;

            case SendErrorDecoder.TEMPLATE_ID:
                answered++;
                onFailure("send error");
                break;

            case ErrorDecoder.TEMPLATE_ID:
                errorDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                onFailure(errorDecoder.code() + " " + errorDecoder.message());
                answered++;
                break;

            case ConnectedDecoder.TEMPLATE_ID:
                connected = true;
                break;

            default: // ProducerReady, Success (of a close), Message: nothing to count
                break;
        }
    }

    private void onFailure(final String what)
    {
        if (0 == failures++)
        {
            firstFailure = what;
        }
    }

    /**
     * Used heap after full collections, repeated until a collection frees less than {@link #GC_SETTLED_BYTES} (objects
     * waiting for a cleaner or a finalizer survive the first), at least {@link #MIN_GC_ROUNDS} times.
     */
    static long usedHeapAfterGc()
    {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int round = 0; round < MAX_GC_ROUNDS; round++)
        {
            memory.gc();
            final long afterGc = memory.getHeapMemoryUsage().getUsed();
            final boolean settled = used - afterGc < GC_SETTLED_BYTES;
            used = Math.min(used, afterGc);
            if (settled && round + 1 >= MIN_GC_ROUNDS)
            {
                break;
            }
        }

        return used;
    }
}

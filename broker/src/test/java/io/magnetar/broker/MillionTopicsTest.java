package io.magnetar.broker;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import io.magnetar.codecs.BooleanType;
import io.magnetar.codecs.CloseConsumerEncoder;
import io.magnetar.codecs.CloseProducerEncoder;
import io.magnetar.codecs.ConnectEncoder;
import io.magnetar.codecs.ConnectedDecoder;
import io.magnetar.codecs.CreateProducerEncoder;
import io.magnetar.codecs.ErrorDecoder;
import io.magnetar.codecs.InitialPosition;
import io.magnetar.codecs.KeySharedMode;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.SendEncoder;
import io.magnetar.codecs.SendErrorDecoder;
import io.magnetar.codecs.SendReceiptDecoder;
import io.magnetar.codecs.SubscribeEncoder;
import io.magnetar.codecs.SubscribedDecoder;
import io.magnetar.codecs.SubscriptionType;
import io.magnetar.codecs.SuccessDecoder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One broker creates a million topics and gives each one message, through a client that pipelines the wire
 * protocol over IPC. Reports heap and off-heap bytes per topic and the restart (recovery) time with a million topics.
 */
@Tag("long")
@Timeout(1800)
class MillionTopicsTest
{
    private static final int TOPICS = Integer.getInteger("magnetar.test.topics", 1_000_000);
    private static final int WINDOW = 4096;

    @TempDir
    File dataDir;

    private long receipts;
    private long errors;
    private String lastError;

    @Test
    void shouldHoldAMillionTopicsWithASubscriptionEachInUnderOneKibibyteEachAndRestart() throws Exception
    {
        final BrokerHarness harness = new BrokerHarness(dataDir);
        try
        {
            harness.start();
            final long heapBefore = usedHeapAfterGc();
            final long directBefore = directBytes();

            final long createStartNs = System.nanoTime();
            createTopics(harness);
            final long createMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - createStartNs);
            assertEquals(0, errors, lastError);
            assertEquals(TOPICS, receipts);

            final long heapAfterTopics = usedHeapAfterGc();
            final long heapPerTopic = (heapAfterTopics - heapBefore) / TOPICS;
            final long directPerTopic = (directBytes() - directBefore) / TOPICS;

            final long subscribeStartNs = System.nanoTime();
            subscribeAll(harness);
            final long subscribeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - subscribeStartNs);
            assertEquals(0, errors, lastError);
            final long heapPerSubscription = (usedHeapAfterGc() - heapAfterTopics) / TOPICS;

            harness.stop();
            final long gcMsBefore = gcMs();
            final long restartStartNs = System.nanoTime();
            harness.start();
            final long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartStartNs);
            final long restartGcMs = gcMs() - gcMsBefore;
            final String recovery = harness.logLines.get(harness.logLines.size() - 1);
            final long heapAfterRestart = (usedHeapAfterGc() - heapBefore) / TOPICS;

            System.out.println("million topics: " + TOPICS + " topics created and given one message each in " +
                createMs + " ms; heap " + heapPerTopic + " B/topic, off-heap " + directPerTopic + " B/topic; " +
                "one subscription each (consumer subscribed, then closed) in " + subscribeMs + " ms (" +
                subscribeMs * 100_000 / TOPICS + " ms per 100k on average; each 100k: " + subscribeMsPer100k +
                " ms), heap " + heapPerSubscription +
                " B/subscription; restart " + restartMs + " ms, " + restartGcMs + " ms of it in GC (" + recovery +
                "); heap after restart " +
                heapAfterRestart + " B/topic with its subscription");
            assertTrue(recovery.contains("recovered " + TOPICS + " topics in 1 namespaces, " + TOPICS + " entries, " +
                TOPICS + " subscriptions"), recovery);
            assertTrue(heapPerTopic <= 1024, "heap per idle topic " + heapPerTopic + " B");
            assertTrue(heapPerTopic + heapPerSubscription <= 1024,
                "heap per idle topic with one subscription " + (heapPerTopic + heapPerSubscription) + " B");
            assertTrue(heapAfterRestart <= 1024,
                "heap per idle topic with one subscription after restart " + heapAfterRestart + " B");
        }
        finally
        {
            harness.close();
        }
    }

    private void createTopics(final BrokerHarness harness)
    {
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.aeronDir));
        final Publication publication = aeron.addExclusivePublication(
            "aeron:ipc?term-length=16m", BrokerConfiguration.INGRESS_STREAM_ID);
        final int responseStreamId = 0x4000_0000 | (int)(aeron.clientId() & 0x3FFF_FFFF);
        final Subscription subscription = aeron.addSubscription("aeron:ipc", responseStreamId);
        final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
        try
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
            final MessageHeaderEncoder header = new MessageHeaderEncoder();
            connect(publication, subscription, assembler, buffer, responseStreamId, "million");

            final CreateProducerEncoder create = new CreateProducerEncoder();
            final SendEncoder send = new SendEncoder();
            final CloseProducerEncoder close = new CloseProducerEncoder();
            final byte[] payload = new byte[16];
            for (int i = 0; i < TOPICS; i++)
            {
                while (i - receipts - errors > WINDOW)
                {
                    if (0 == subscription.poll(assembler, 256))
                    {
                        Thread.yield();
                    }
                }

                create.wrapAndApplyHeader(buffer, 0, header).correlationId(i).producerId(i)
            .accessMode(io.magnetar.codecs.ProducerAccessMode.SHARED).topicEpoch(-1)
                    .topic("persistent://public/default/t-" + i).producerName("p");
                offer(publication, subscription, assembler, buffer, create.encodedLength());
                send.wrapAndApplyHeader(buffer, 0, header).correlationId(0).producerId(i).publishTime(i).key("");
                send.putPayload(payload, 0, payload.length);
                send.putMetadata(new byte[0], 0, 0);
                offer(publication, subscription, assembler, buffer, send.encodedLength());
                close.wrapAndApplyHeader(buffer, 0, header).correlationId(i).producerId(i);
                offer(publication, subscription, assembler, buffer, close.encodedLength());
            }

            final long endNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (receipts + errors < TOPICS)
            {
                if (System.nanoTime() > endNs)
                {
                    fail("only " + receipts + " receipts");
                }
                if (0 == subscription.poll(assembler, 256))
                {
                    Thread.yield();
                }
            }
        }
        finally
        {
            CloseHelper.closeAll(publication, subscription, aeron);
        }
    }

    /**
     * One subscription per topic: subscribe at the earliest entry with a new consumer (no permits, so nothing is
     * delivered), then close the consumer; the subscription stays.
     */
    private void subscribeAll(final BrokerHarness harness)
    {
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.aeronDir));
        final Publication publication = aeron.addExclusivePublication(
            "aeron:ipc?term-length=16m", BrokerConfiguration.INGRESS_STREAM_ID);
        final int responseStreamId = 0x4000_0000 | (int)(aeron.clientId() & 0x3FFF_FFFF);
        final Subscription subscription = aeron.addSubscription("aeron:ipc", responseStreamId);
        final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
        closedConsumers = 0; // the producers' CloseProducer answers were counted as Success too
        subscribedConsumers = 0;
        try
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
            final MessageHeaderEncoder header = new MessageHeaderEncoder();
            connect(publication, subscription, assembler, buffer, responseStreamId, "million-subscriptions");

            final SubscribeEncoder subscribe = new SubscribeEncoder();
            final CloseConsumerEncoder close = new CloseConsumerEncoder();
            long sliceStartNs = System.nanoTime();
            for (int i = 0; i < TOPICS; i++)
            {
                if (i > 0 && 0 == i % 100_000)
                {
                    final long nowNs = System.nanoTime();
                    subscribeMsPer100k.add(TimeUnit.NANOSECONDS.toMillis(nowNs - sliceStartNs));
                    sliceStartNs = nowNs;
                }
                while (i - closedConsumers - errors > WINDOW)
                {
                    if (0 == subscription.poll(assembler, 256))
                    {
                        Thread.yield();
                    }
                }
                subscribe.wrapAndApplyHeader(buffer, 0, header).correlationId(i).consumerId(i)
                    .subscriptionType(SubscriptionType.EXCLUSIVE).initialPosition(InitialPosition.EARLIEST)
                    .priorityLevel(0).durable(BooleanType.TRUE).startInclusive(BooleanType.FALSE)
                    .startPublishTime(-1).keySharedMode(KeySharedMode.AUTO_SPLIT);
                subscribe.startMessageId().shard(-1).position(-1);
                subscribe.topic("persistent://public/default/t-" + i).subscription("s").consumerName("c")
                    .putHashRanges(buffer, 0, 0);
                offer(publication, subscription, assembler, buffer, subscribe.encodedLength());
                close.wrapAndApplyHeader(buffer, 0, header).correlationId(i).consumerId(i);
                offer(publication, subscription, assembler, buffer, close.encodedLength());
            }
            awaitCondition(subscription, assembler, () -> closedConsumers + errors >= TOPICS, "consumers not closed");
            subscribeMsPer100k.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sliceStartNs)); // the last 100k
            assertEquals(0, errors, lastError);
            assertEquals(TOPICS, subscribedConsumers);
        }
        finally
        {
            CloseHelper.closeAll(publication, subscription, aeron);
        }
    }

    private void connect(
        final Publication publication,
        final Subscription subscription,
        final FragmentAssembler assembler,
        final UnsafeBuffer buffer,
        final int responseStreamId,
        final String clientName)
    {
        connected = false;
        final ConnectEncoder connect = new ConnectEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(-2).protocolVersion(2).responseStreamId(responseStreamId)
            .responseChannel("aeron:ipc").clientName(clientName).authToken("");
        awaitConnected(publication);
        offer(publication, subscription, assembler, buffer, connect.encodedLength());
        awaitCondition(subscription, assembler, () -> connected, "no Connected");
    }

    private static void awaitCondition(
        final Subscription subscription,
        final FragmentAssembler assembler,
        final BooleanSupplier condition,
        final String failure)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                fail(failure);
            }
            if (0 == subscription.poll(assembler, 256))
            {
                Thread.yield();
            }
        }
    }

    private final List<Long> subscribeMsPer100k = new ArrayList<>();
    private long subscribedConsumers;
    private long closedConsumers;
    private boolean connected;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final MessageHeaderDecoder decoder = headerDecoder.wrap(buffer, offset);
        switch (decoder.templateId())
        {
            case SendReceiptDecoder.TEMPLATE_ID:
                receipts++;
                break;
            case SendErrorDecoder.TEMPLATE_ID:
                errors++;
                lastError = "template " + decoder.templateId();
                break;
            case ErrorDecoder.TEMPLATE_ID:
                errors++;
                errorDecoder.wrapAndApplyHeader(buffer, offset, decoder);
                lastError = errorDecoder.code() + ": " + errorDecoder.message();
                break;
            case ConnectedDecoder.TEMPLATE_ID:
                connected = true;
                break;
            case SubscribedDecoder.TEMPLATE_ID:
                subscribedConsumers++;
                break;
            case SuccessDecoder.TEMPLATE_ID:
                closedConsumers++;
                break;
            default:
                break;
        }
    }

    private static void awaitConnected(final Publication publication)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!publication.isConnected())
        {
            if (System.nanoTime() > deadlineNs)
            {
                fail("ingress not connected");
            }
            Thread.yield();
        }
    }

    private static void offer(
        final Publication publication,
        final Subscription subscription,
        final FragmentAssembler assembler,
        final UnsafeBuffer buffer,
        final int bodyLength)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (publication.offer(buffer, 0, length) < 0)
        {
            if (System.nanoTime() > deadlineNs)
            {
                fail("ingress stayed back pressured");
            }
            subscription.poll(assembler, 256);
            Thread.yield();
        }
    }

    private static long gcMs()
    {
        long total = 0;
        for (final GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans())
        {
            total += Math.max(0, collector.getCollectionTime());
        }

        return total;
    }

    private static long usedHeapAfterGc() throws InterruptedException
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc();
            Thread.sleep(200);
        }
        final Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /**
     * Direct buffers only: mapped segment files are the page cache of the log, not memory held per topic.
     */
    private static long directBytes()
    {
        long total = 0;
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                total += pool.getMemoryUsed();
            }
        }
        return total;
    }
}

package io.magnetar.broker.session;

import io.magnetar.broker.BrokerConfiguration;
import io.magnetar.broker.SessionEgress;
import io.magnetar.broker.ShardCommand;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.codecs.AckDecoder;
import io.magnetar.codecs.AckGroupDecoder;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.MessageHeaderDecoder;
import org.apache.commons.codec.digest.MurmurHash3;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.jctools.queues.SpscArrayQueue;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The router's choice of shard and its hand-over to shards through pooled commands, without a media driver.
 */
class ShardRouterTest
{
    private static final int SHARDS = 3;

    private final SpscArrayQueue<ShardCommand>[] shardQueues = queues();
    private final SpscArrayQueue<ShardCommand>[] freeCommands = queues();
    private final SpscArrayQueue<ShardCommand>[] freeLargeCommands = queues();
    private final AtomicCounter backPressure = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(8 * 1024)))
        .newCounter("ingress back pressure");
    private final ShardRouter router = new ShardRouter(shardQueues, freeCommands, freeLargeCommands, backPressure);
    private final SessionEgress egress = new SessionEgress(1, null, "test", BrokerConfiguration.PROTOCOL_VERSION);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[SessionAgent.SMALL_FRAME_LENGTH + 100]);

    @Test
    void shouldRouteByUnsignedMurmur3OfTheUtf8Name()
    {
        final String[] names =
        {
            "persistent://public/default/topic",
            "persistent://public/default/orders",
            "non-persistent://acme/prod/events",
            "persistent://public/default/\u00fcn\u00efcode",
        };
        for (final String name : names)
        {
            final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            final int hash = MurmurHash3.hash32x86(bytes, 0, bytes.length, 0);
            for (int shardCount = 1; shardCount <= 16; shardCount++)
            {
                assertEquals(Long.remainderUnsigned(hash & 0xFFFF_FFFFL, shardCount),
                    ShardRouter.shardOf(name, shardCount), name + " over " + shardCount + " shards");
            }
        }

        // pinned: a change of library, seed, encoding or mapping would strand every stored topic;
        // 613153351 (0x248bfa47) is the published Murmur3 x86 32-bit value of "hello" with seed 0
        assertEquals(613153351, MurmurHash3.hash32x86("hello".getBytes(StandardCharsets.US_ASCII), 0, 5, 0));
        assertEquals(-686365832, MurmurHash3.hash32x86(names[0].getBytes(StandardCharsets.UTF_8)));
        assertEquals(6, ShardRouter.shardOf(names[0], 7));
        assertEquals(4, ShardRouter.shardOf(names[1], 7));
        assertEquals(4, ShardRouter.shardOf(names[2], 7));
        assertEquals(3, ShardRouter.shardOf(names[3], 7));
        assertEquals(1, ShardRouter.shardOf(names[3], 2));
    }

    @Test
    void shouldRouteEverySpellingOfATopicAlike()
    {
        final int shard = router.shardOfTopic(TopicName.parse("topic"));

        assertEquals(2, shard);
        assertEquals(shard, router.shardOfTopic(TopicName.parse("persistent://public/default/topic")));
        assertEquals(ShardRouter.shardOf("persistent://public/default/topic", SHARDS), shard);
        assertEquals(ShardRouter.shardOf("public/default", SHARDS), router.shardOfNamespace("public/default"));
    }

    @Test
    void shouldHandSmallAndLargeFramesOverInPooledCommands()
    {
        final ShardCommand small = pool(freeCommands, 1, SessionAgent.SMALL_FRAME_LENGTH);
        final ShardCommand large = pool(freeLargeCommands, 1, SessionAgent.SMALL_FRAME_LENGTH + 100);
        frame.putLong(0, 42);

        assertTrue(router.forward(egress, 1, frame, SessionAgent.SMALL_FRAME_LENGTH));
        assertTrue(router.forward(egress, 1, frame, SessionAgent.SMALL_FRAME_LENGTH + 1));

        assertSame(small, shardQueues[1].poll());
        assertSame(large, shardQueues[1].poll());
        assertEquals(ShardCommand.FRAME, small.type);
        assertSame(egress, small.egress);
        assertEquals(SessionAgent.SMALL_FRAME_LENGTH, small.frameLength);
        assertEquals(42, small.frame.getLong(0));
        assertEquals(SessionAgent.SMALL_FRAME_LENGTH + 1, large.frameLength);
        assertEquals(0, backPressure.get());
    }

    @Test
    void shouldGroupSingleAcksOfAConsumerAndHandThemOverBeforeAnythingElse()
    {
        final ShardCommand group = pool(freeCommands, 1, SessionAgent.SMALL_FRAME_LENGTH);
        final ShardCommand single = pool(freeCommands, 1, SessionAgent.SMALL_FRAME_LENGTH);
        final ShardCommand other = pool(freeCommands, 1, SessionAgent.SMALL_FRAME_LENGTH);

        assertTrue(router.forwardAck(egress, 1, 10, 7, 1, 100));
        assertTrue(router.forwardAck(egress, 1, 11, 7, 1, 200));
        assertTrue(router.forwardAck(egress, 1, 12, 7, 1, 300));
        assertNull(shardQueues[1].peek(), "acks wait for the end of the poll");
        assertTrue(router.forwardAck(egress, 1, 13, 8, 1, 400), "another consumer's ack: the group goes first");
        frame.putLong(0, 42);
        assertTrue(router.forward(egress, 1, frame, 64), "any other command hands the waiting ack over first");

        assertSame(group, shardQueues[1].poll());
        final AckGroupDecoder groupDecoder = new AckGroupDecoder().wrapAndApplyHeader(
            group.frame, 0, new MessageHeaderDecoder());
        assertEquals(10, groupDecoder.correlationId());
        assertEquals(7, groupDecoder.consumerId());
        final AckGroupDecoder.AcksDecoder acks = groupDecoder.acks();
        assertEquals(3, acks.count());
        for (final long position : new long[]{ 100, 200, 300 })
        {
            assertEquals(position, acks.next().messageId().position());
        }

        assertSame(single, shardQueues[1].poll());
        final AckDecoder ack = new AckDecoder().wrapAndApplyHeader(single.frame, 0, new MessageHeaderDecoder());
        assertEquals(8, ack.consumerId());
        assertEquals(400, ack.messageId().position());
        assertSame(other, shardQueues[1].poll());
        assertEquals(42, other.frame.getLong(0));
        assertTrue(router.flushAcks(), "nothing waits");
    }

    @Test
    void shouldKeepAcksThatCannotBeHandedOverAndEverythingBehindThem()
    {
        assertTrue(router.forwardAck(egress, 0, 10, 7, 0, 100));
        assertFalse(router.flushAcks(), "the pool is empty");
        assertFalse(router.forward(egress, 0, frame, 64), "nothing passes the waiting ack");
        assertFalse(router.forwardAck(egress, 0, 11, 8, 0, 200), "nor another consumer's ack");

        pool(freeCommands, 0, SessionAgent.SMALL_FRAME_LENGTH);
        assertTrue(router.flushAcks());
        assertEquals(AckDecoder.TEMPLATE_ID, new MessageHeaderDecoder().wrap(shardQueues[0].poll().frame, 0)
            .templateId());
    }

    @Test
    void shouldReportEmptyPoolAsBackPressure()
    {
        assertFalse(router.forward(egress, 0, frame, 100));
        assertFalse(router.reject(egress, 0, 1, 2, ErrorCode.MESSAGE_TOO_LARGE, "too large"));

        assertNull(shardQueues[0].poll());
        assertEquals(2, backPressure.get());
    }

    @Test
    void shouldHandToAllShardsOrToNone()
    {
        pool(freeCommands, 0, 64);
        pool(freeCommands, 2, 64);

        assertFalse(router.forwardToAll(egress, frame, 64));
        assertNull(shardQueues[0].poll());
        assertEquals(1, backPressure.get());

        pool(freeCommands, 1, 64);
        assertTrue(router.forwardToAll(egress, frame, 64));
        for (int shard = 0; shard < SHARDS; shard++)
        {
            assertEquals(ShardCommand.FRAME, shardQueues[shard].poll().type);
        }
    }

    @Test
    void shouldHandOverRejectedSendAndClosedSession()
    {
        pool(freeCommands, 2, 64);
        pool(freeCommands, 2, 64);

        assertTrue(router.reject(egress, 2, 5, 6, ErrorCode.MESSAGE_TOO_LARGE, "too large"));
        assertTrue(router.sessionClosed(2, egress));
        assertFalse(router.sessionClosed(2, egress));

        final ShardCommand rejected = shardQueues[2].poll();
        assertEquals(ShardCommand.SEND_REJECTED, rejected.type);
        assertEquals(5, rejected.producerId);
        assertEquals(6, rejected.sequenceId);
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, rejected.errorCode);
        assertEquals("too large", rejected.errorMessage);
        assertEquals(ShardCommand.SESSION_CLOSED, shardQueues[2].poll().type);
        assertEquals(0, backPressure.get(), "a session close waiting for a command is not ingress back pressure");
    }

    private static ShardCommand pool(
        final SpscArrayQueue<ShardCommand>[] pools, final int shard, final int capacity)
    {
        final ShardCommand command = new ShardCommand(capacity, capacity > SessionAgent.SMALL_FRAME_LENGTH);
        pools[shard].offer(command);
        return command;
    }

    @SuppressWarnings("unchecked")
    private static SpscArrayQueue<ShardCommand>[] queues()
    {
        final SpscArrayQueue<ShardCommand>[] queues = new SpscArrayQueue[SHARDS];
        for (int i = 0; i < SHARDS; i++)
        {
            queues[i] = new SpscArrayQueue<>(16);
        }
        return queues;
    }
}

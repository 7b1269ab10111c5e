package io.magnetar.broker.session;

import io.magnetar.broker.SessionEgress;
import io.magnetar.broker.ShardCommand;
import io.magnetar.codecs.ErrorCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.jctools.queues.SpscArrayQueue;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The router's hand-over to shards through pooled commands, without a media driver.
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
    private final SessionEgress egress = new SessionEgress(1, null, "test");
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[SessionAgent.SMALL_FRAME_LENGTH + 100]);

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

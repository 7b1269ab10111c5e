package io.magnetar.client;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.jctools.queues.SpscArrayQueue;

/**
 * A consumer's receiver queue: the frames the broker pushed, written by the conductor and read by the thread that
 * receives. Frames up to a receiver queue's share of the ring are held in place; larger ones (a big batch) are copied
 * into pooled arrays handed over through a single-producer single-consumer queue, with a marker in the ring to keep
 * their order. One writer (the conductor) and one reader at a time (under the consumer's receive lock).
 */
final class ReceiveRing
{
    private static final int FRAME_TYPE_ID = 1;
    private static final int OVERFLOW_MARKER_TYPE_ID = 2;
    private static final int RING_RECORD_HEADER_LENGTH = 8;
    private static final int MAX_POOLED_OVERFLOW_FRAMES = 64;
    private static final int MAX_POOLED_OVERFLOW_FRAME_LENGTH = 256 * 1024; // a batch of the default 128 KiB fits

    /**
     * Reads one frame of the ring.
     */
    @FunctionalInterface
    interface FrameHandler
    {
        /**
         * @param buffer holding the frame, valid only until this returns.
         * @param offset of the frame.
         * @param length of the frame.
         * @return whether to read on.
         */
        ControlledMessageHandler.Action onFrame(DirectBuffer buffer, int offset, int length);
    }

    private final OneToOneRingBuffer ring;
    private final int inlineFrameLimit;
    private final SpscArrayQueue<OverflowFrame> overflowFrames;
    private final SpscArrayQueue<OverflowFrame> freeOverflowFrames;
    private final UnsafeBuffer overflowBuffer = new UnsafeBuffer(0, 0);
    private final ControlledMessageHandler ringHandler = this::onRingFrame;
    private FrameHandler frameHandler;

    /**
     * @param receiveBufferLength of the ring, a power of two.
     * @param receiverQueueSize   most frames the broker may push ahead.
     */
    ReceiveRing(final int receiveBufferLength, final int receiverQueueSize)
    {
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            receiveBufferLength + RingBufferDescriptor.TRAILER_LENGTH, 64)));
        this.inlineFrameLimit = Math.min(ring.maxMsgLength(), inlineFrameLimit(receiveBufferLength, receiverQueueSize));
        this.overflowFrames = new SpscArrayQueue<>(Math.max(2, receiverQueueSize));
        this.freeOverflowFrames = new SpscArrayQueue<>(MAX_POOLED_OVERFLOW_FRAMES);
    }

    /**
     * Largest frame a ring of a length holds in place, so that a full receiver queue of such frames, and the padding
     * where the ring wraps, always fit.
     *
     * @param receiveBufferLength of the ring.
     * @param receiverQueueSize   of the consumer.
     * @return largest frame length held in the ring; larger frames go through the overflow.
     */
    static int inlineFrameLimit(final int receiveBufferLength, final int receiverQueueSize)
    {
        final int recordLength = (int)((receiveBufferLength / (receiverQueueSize + 1L)) & ~7L);
        return recordLength - RING_RECORD_HEADER_LENGTH;
    }

    /**
     * Smallest ring that holds a marker for every message of a full receiver queue.
     *
     * @param receiverQueueSize of the consumer.
     * @return the length in bytes.
     */
    static long minReceiveBufferLength(final int receiverQueueSize)
    {
        return RING_RECORD_HEADER_LENGTH * (receiverQueueSize + 1L);
    }

    /**
     * Conductor: queue a frame.
     *
     * @return false if there was no room: the broker pushed more than permitted.
     */
    boolean write(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length <= inlineFrameLimit)
        {
            return ring.write(FRAME_TYPE_ID, buffer, offset, length);
        }

        final int index = ring.tryClaim(OVERFLOW_MARKER_TYPE_ID, 0);
        if (index > 0)
        {
            OverflowFrame frame = freeOverflowFrames.poll();
            if (null == frame)
            {
                frame = new OverflowFrame();
            }
            frame.copy(buffer, offset, length);
            if (overflowFrames.offer(frame))
            {
                ring.commit(index);
                return true;
            }
            ring.abort(index);
        }

        return false;
    }

    /**
     * Reader: hand frames to a handler in order until it says to stop, or {@code limit} frames.
     *
     * @return frames read.
     */
    int read(final FrameHandler handler, final int limit)
    {
        frameHandler = handler;
        try
        {
            return ring.controlledRead(ringHandler, limit);
        }
        finally
        {
            frameHandler = null;
        }
    }

    /**
     * Reader: drop every frame waiting (a seek).
     */
    void discard()
    {
        final FrameHandler dropper = (buffer, offset, length) -> ControlledMessageHandler.Action.CONTINUE;
        while (read(dropper, Integer.MAX_VALUE) > 0)
        {
            // until empty, past the padding where the ring wraps
        }
    }

    /**
     * Reader: drop the frames handed over through the overflow queue (the consumer closed).
     */
    void clearOverflow()
    {
        overflowFrames.clear();
    }

    private ControlledMessageHandler.Action onRingFrame(
        final int typeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (OVERFLOW_MARKER_TYPE_ID == typeId)
        {
            final OverflowFrame frame = overflowFrames.poll(); // offered before the marker was committed
            try
            {
                overflowBuffer.wrap(frame.bytes, 0, frame.length);
                return frameHandler.onFrame(overflowBuffer, 0, frame.length);
            }
            finally
            {
                if (frame.bytes.length <= MAX_POOLED_OVERFLOW_FRAME_LENGTH)
                {
                    freeOverflowFrames.offer(frame); // read: its array serves a later frame (at most 16 MiB kept)
                }
            }
        }

        return frameHandler.onFrame(buffer, index, length);
    }
}

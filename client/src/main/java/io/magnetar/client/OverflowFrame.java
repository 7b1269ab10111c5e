package io.magnetar.client;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;

/**
 * A frame too large for a consumer's receive ring, copied out by the conductor and handed to the receiving thread,
 * which gives it back once read, so its array is reused: batches, which are larger than a ring slot, allocate nothing
 * once the arrays have grown.
 */
final class OverflowFrame
{
    byte[] bytes = new byte[0];
    int length;

    /**
     * Copy a frame in, growing the array to the next power of two if it is too short.
     *
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     */
    void copy(final DirectBuffer buffer, final int offset, final int length)
    {
        if (bytes.length < length)
        {
            bytes = new byte[BitUtil.findNextPositivePowerOfTwo(length)];
        }
        buffer.getBytes(offset, bytes, 0, length);
        this.length = length;
    }
}

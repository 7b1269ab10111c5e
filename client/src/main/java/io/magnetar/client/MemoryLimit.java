package io.magnetar.client;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The client-wide bound on the bytes of sends that wait for their receipt, across every producer (Pulsar's
 * {@code memoryLimit}): a send reserves its key and payload bytes before it is queued and gives them back when it
 * completes, by receipt or failure. A send larger than the whole limit is let through when nothing else is reserved,
 * so it cannot wait forever.
 */
final class MemoryLimit
{
    private final long limitBytes;
    private final AtomicLong reservedBytes = new AtomicLong();

    /**
     * @param limitBytes most bytes reserved at once; 0 for no limit.
     */
    MemoryLimit(final long limitBytes)
    {
        this.limitBytes = limitBytes;
    }

    /**
     * @return most bytes reserved at once; 0 for no limit.
     */
    long limitBytes()
    {
        return limitBytes;
    }

    /**
     * @return bytes reserved now.
     */
    long reservedBytes()
    {
        return reservedBytes.get();
    }

    /**
     * @param bytes of a send.
     * @return true if they fit now; a hint for waiting, {@link #tryReserve(long)} decides.
     */
    boolean hasRoom(final long bytes)
    {
        final long reserved = reservedBytes.get();
        return 0 == limitBytes || 0 == reserved || reserved + bytes <= limitBytes;
    }

    /**
     * @param bytes of a send.
     * @return true if they were reserved.
     */
    boolean tryReserve(final long bytes)
    {
        if (0 == limitBytes)
        {
            return true;
        }

        while (true)
        {
            final long reserved = reservedBytes.get();
            if (0 != reserved && reserved + bytes > limitBytes)
            {
                return false;
            }
            if (reservedBytes.compareAndSet(reserved, reserved + bytes))
            {
                return true;
            }
        }
    }

    /**
     * @param bytes of a completed send.
     */
    void release(final long bytes)
    {
        if (0 != limitBytes && 0 != bytes)
        {
            reservedBytes.addAndGet(-bytes);
        }
    }
}

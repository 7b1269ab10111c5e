package io.magnetar.perf;

import java.lang.management.ManagementFactory;

/**
 * Heap bytes the threads of this JVM have allocated, from HotSpot's per-thread counters: what a run's
 * {@code allocatedBytesPerMessage} is made of. The calling thread (the run's controller, which formats the reports
 * and writes the histogram log) is left out; threads that have ended are no longer counted.
 */
final class JvmAllocation
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private JvmAllocation()
    {
    }

    /**
     * @return bytes allocated so far by every live thread but the calling one, or 0 if the JVM does not count them.
     */
    static long allocatedBytes()
    {
        if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled())
        {
            return 0;
        }

        long total = 0;
        for (final long bytes : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds()))
        {
            if (bytes > 0)
            {
                total += bytes;
            }
        }

        return total - Math.max(0, THREADS.getCurrentThreadAllocatedBytes());
    }
}

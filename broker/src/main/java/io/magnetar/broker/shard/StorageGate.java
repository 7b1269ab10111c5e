package io.magnetar.broker.shard;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.ByteBuffer;

/**
 * Whether a shard may store a send: a read of the broker's state counter, written by the broker's disk space agent
 * (0 ready, 1 disk full, 2 archive stopped). One volatile read per send; the refusal's text is built only when a
 * send is refused.
 */
public final class StorageGate
{
    private static final long READY = 0;
    private static final long DISK_FULL = 1;

    private final AtomicCounter state;
    private final AtomicCounter usableBytes;
    private final String archiveDir;
    private final long resumeFreeBytes;

    /**
     * @param state           the broker's state counter.
     * @param usableBytes     the archive volume's free bytes counter.
     * @param archiveDir      the archive directory, for the refusal's text.
     * @param resumeFreeBytes free bytes from which sends are accepted again, for the refusal's text.
     */
    public StorageGate(
        final AtomicCounter state, final AtomicCounter usableBytes, final File archiveDir, final long resumeFreeBytes)
    {
        this.state = state;
        this.usableBytes = usableBytes;
        this.archiveDir = archiveDir.getAbsolutePath();
        this.resumeFreeBytes = resumeFreeBytes;
    }

    /**
     * @return a gate that never closes, for a shard without a disk space agent (tests, benchmarks).
     */
    public static StorageGate alwaysOpen()
    {
        final UnsafeBuffer values = new UnsafeBuffer(ByteBuffer.allocateDirect(2 * CountersReader.COUNTER_LENGTH));

        return new StorageGate(new AtomicCounter(values, 0), new AtomicCounter(values, 1), new File("."), 0);
    }

    /**
     * @return true if sends to persistent topics may be stored.
     */
    public boolean isOpen()
    {
        return READY == state.get();
    }

    /**
     * @return why sends are refused, for the PERSISTENCE_ERROR answer.
     */
    public String refusal()
    {
        if (DISK_FULL == state.get())
        {
            return "disk full on " + archiveDir + ", " + usableBytes.get() + " bytes free: sends are accepted " +
                "again from " + resumeFreeBytes + " bytes free (acknowledge messages, or lower retention, to free " +
                "space)";
        }

        return "the archive has stopped: nothing can be stored until the broker restarts (errors: " +
            "bin/magnetar errors, and archive-mark.dat in " + archiveDir + ")";
    }
}

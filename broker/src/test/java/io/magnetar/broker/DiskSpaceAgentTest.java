package io.magnetar.broker;

import io.magnetar.broker.shard.StorageGate;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The disk space agent's states, with a volume and clocks the test sets: no driver, no disk.
 */
class DiskSpaceAgentTest
{
    private static final long MIN_FREE = 1000;
    private static final long INTERVAL_NS = 100;

    private final UnsafeBuffer values = new UnsafeBuffer(ByteBuffer.allocateDirect(2 * CountersReader.COUNTER_LENGTH));
    private final AtomicCounter usableBytes = new AtomicCounter(values, 0);
    private final AtomicCounter state = new AtomicCounter(values, 1);
    private final List<String> log = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private long usable = 5000;
    private RuntimeException usableFailure;
    private long nowNs;
    private long nowMs = 1_000_000;
    private long archiveActivityMs = nowMs;
    private String stoppedLog;

    private final DiskSpaceAgent agent = new DiskSpaceAgent(
        new File("/data/archive"),
        () ->
        {
            if (null != usableFailure)
            {
                throw usableFailure;
            }
            return usable;
        },
        MIN_FREE,
        INTERVAL_NS,
        () -> archiveActivityMs,
        () -> stoppedLog,
        usableBytes,
        state,
        () -> nowNs,
        () -> nowMs,
        log::add,
        errors::add);
    private final StorageGate gate = agent.storageGate();

    @Test
    void shouldRefuseBelowTheMinimumAndAcceptAgainFromAQuarterMore()
    {
        agent.onStart();
        assertEquals(DiskSpaceAgent.State.READY, agent.state());
        assertEquals(5000, usableBytes.get());
        assertTrue(isOpen());

        usable = 999;
        assertEquals(0, agent.doWork(), "not checked before the interval");
        assertTrue(isOpen());
        nowNs += INTERVAL_NS;
        assertEquals(1, agent.doWork());
        assertEquals(DiskSpaceAgent.State.DISK_FULL, agent.state());
        assertEquals(1, state.get());
        assertFalse(isOpen());
        assertEquals("disk full on /data/archive, 999 bytes free: sends are accepted again from 1250 bytes free " +
            "(acknowledge messages, or lower retention, to free space)", refusal());
        assertTrue(log.get(0).startsWith("magnetar: disk full on /data/archive, 999 bytes free (minimum 1000)"),
            log.toString());

        usable = 1249;
        nowNs += INTERVAL_NS;
        assertEquals(0, agent.doWork(), "still full below the resume mark");
        assertFalse(isOpen());

        usable = 1250;
        nowNs += INTERVAL_NS;
        assertEquals(1, agent.doWork());
        assertEquals(DiskSpaceAgent.State.READY, agent.state());
        assertTrue(isOpen());
        assertTrue(log.get(1).contains("1250 bytes free again"), log.toString());
        assertTrue(errors.isEmpty(), errors.toString());
    }

    @Test
    void shouldStartFullOnAFullDisk()
    {
        usable = 10;
        agent.onStart();
        assertEquals(DiskSpaceAgent.State.DISK_FULL, agent.state());
        assertFalse(isOpen());
    }

    @Test
    void shouldMarkTheArchiveStoppedForGoodWhenItsMarkFileGoesQuiet()
    {
        agent.onStart();
        nowMs += BrokerConfiguration.ARCHIVE_LIVENESS_TIMEOUT_MS;
        nowNs += INTERVAL_NS;
        assertEquals(0, agent.doWork(), "quiet for the timeout, not beyond it");

        nowMs += 1;
        nowNs += INTERVAL_NS;
        assertEquals(1, agent.doWork());
        assertEquals(DiskSpaceAgent.State.ARCHIVE_STOPPED, agent.state());
        assertEquals(2, state.get());
        assertFalse(isOpen());
        assertTrue(refusal().startsWith("the archive has stopped"), refusal());
        assertEquals(1, errors.size());

        archiveActivityMs = nowMs;
        nowNs += INTERVAL_NS;
        agent.doWork();
        assertEquals(DiskSpaceAgent.State.ARCHIVE_STOPPED, agent.state(), "only a restart clears it");
    }

    @Test
    void shouldMarkTheArchiveStoppedWhenItStopsRecordingALog()
    {
        agent.onStart();
        stoppedLog = "shard-0 (recording 7)";
        nowNs += INTERVAL_NS;
        assertEquals(1, agent.doWork());
        assertEquals(DiskSpaceAgent.State.ARCHIVE_STOPPED, agent.state());
        assertFalse(isOpen());
        assertTrue(log.get(0).contains("stopped recording the log shard-0 (recording 7)"), log.toString());
        assertEquals(1, errors.size());
    }

    @Test
    void shouldReportAVolumeThatCannotBeReadOnceAndKeepItsState()
    {
        agent.onStart();
        usableFailure = new UncheckedIOException(new java.io.IOException("gone"));
        for (int i = 0; i < 3; i++)
        {
            nowNs += INTERVAL_NS;
            agent.doWork();
        }
        assertEquals(1, errors.size(), errors.toString());
        assertEquals(DiskSpaceAgent.State.READY, agent.state());
        assertEquals(5000, usableBytes.get(), "the last value read");

        usableFailure = null;
        usable = 1;
        nowNs += INTERVAL_NS;
        agent.doWork();
        assertEquals(DiskSpaceAgent.State.DISK_FULL, agent.state());
    }

    private boolean isOpen()
    {
        return 0 == state.get() && gate.isOpen();
    }

    private String refusal()
    {
        return gate.refusal();
    }
}

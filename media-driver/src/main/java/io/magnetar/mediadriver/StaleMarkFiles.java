package io.magnetar.mediadriver;

import io.aeron.Aeron;
import io.aeron.CncFileDescriptor;
import io.aeron.archive.codecs.mark.MarkFileHeaderDecoder;
import io.aeron.archive.codecs.mark.MessageHeaderDecoder;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.MappedByteBuffer;

/**
 * After a crash (SIGKILL, power loss) the driver's {@code cnc.dat} and the archive's {@code archive-mark.dat} still
 * look active for about ten seconds, so a restart would be refused. Both files record the pid of their owner:
 * when that process is gone, the files are stale and may be cleared, and the restart goes ahead at once.
 */
final class StaleMarkFiles
{
    private StaleMarkFiles()
    {
    }

    /**
     * @param aeronDir Aeron directory a driver is about to use.
     * @return the pid of the dead process that left the directory behind without stopping cleanly, or -1 if there
     * is none (no directory, a live owner, or a driver that closed: it marks its command buffer as unattended).
     */
    static long deadDriverPid(final File aeronDir)
    {
        final long[] pidAndHeartbeat = readDriverPidAndHeartbeat(aeronDir);
        if (null == pidAndHeartbeat || Aeron.NULL_VALUE == pidAndHeartbeat[1])
        {
            return -1;
        }

        return isDead(pidAndHeartbeat[0]) ? pidAndHeartbeat[0] : -1;
    }

    /**
     * @param aeronDir       an Aeron directory.
     * @param staleHeartbeatMs age of the driver's heartbeat (a running driver beats every second) from which a
     *                       driver whose pid is gone counts as dead.
     * @return true if its {@code cnc.dat} names a process that is gone and whose driver stopped cleanly or has not
     * beaten for the given time. The heartbeat guards a live driver whose pid this process cannot see (another pid
     * namespace sharing {@code /dev/shm}).
     */
    static boolean isDriverOwnerDead(final File aeronDir, final long staleHeartbeatMs)
    {
        final long[] pidAndHeartbeat = readDriverPidAndHeartbeat(aeronDir);

        return null != pidAndHeartbeat && isDead(pidAndHeartbeat[0]) &&
            (Aeron.NULL_VALUE == pidAndHeartbeat[1] ||
            System.currentTimeMillis() - pidAndHeartbeat[1] > staleHeartbeatMs);
    }

    /**
     * @param aeronDir  an Aeron directory.
     * @param timeoutMs age of the driver's heartbeat beyond which it is taken as gone.
     * @return the pid of a driver that runs in the directory, or -1 if none does.
     */
    static long liveDriverPid(final File aeronDir, final long timeoutMs)
    {
        final long[] pidAndHeartbeat = readDriverPidAndHeartbeat(aeronDir);
        if (null == pidAndHeartbeat || Aeron.NULL_VALUE == pidAndHeartbeat[1] || isDead(pidAndHeartbeat[0]) ||
            System.currentTimeMillis() - pidAndHeartbeat[1] > timeoutMs)
        {
            return -1;
        }

        return pidAndHeartbeat[0];
    }

    private static long[] readDriverPidAndHeartbeat(final File aeronDir)
    {
        final File cncFile = new File(aeronDir, CncFileDescriptor.CNC_FILE);
        if (!cncFile.exists() || cncFile.length() <= CncFileDescriptor.META_DATA_LENGTH)
        {
            return null;
        }

        MappedByteBuffer mapping = null;
        try
        {
            mapping = IoUtil.mapExistingFile(cncFile, "cnc");
            final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(mapping);
            if (0 == metaData.getIntVolatile(CncFileDescriptor.cncVersionOffset(0)))
            {
                return null;
            }
            final long pid = metaData.getLong(CncFileDescriptor.pidOffset(0));
            final long heartbeatMs = new ManyToOneRingBuffer(
                CncFileDescriptor.createToDriverBuffer(mapping, metaData)).consumerHeartbeatTime();

            return new long[]{ pid, heartbeatMs };
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
        finally
        {
            IoUtil.unmap(mapping);
        }
    }

    /**
     * Delete the archive's mark file if the process that wrote it is gone without closing the archive.
     *
     * @param archiveDir holding {@code archive-mark.dat}.
     * @return the pid of the dead owner whose file was deleted, or -1 if nothing was deleted.
     */
    static long clearDeadArchiveMarkFile(final File archiveDir)
    {
        final File markFile = new File(archiveDir, "archive-mark.dat");
        final int headerLength = MessageHeaderDecoder.ENCODED_LENGTH + MarkFileHeaderDecoder.BLOCK_LENGTH;
        if (!markFile.exists() || markFile.length() < headerLength)
        {
            return -1;
        }

        long pid = -1;
        MappedByteBuffer mapping = null;
        try
        {
            mapping = IoUtil.mapExistingFile(markFile, "archive-mark", 0, headerLength);
            final UnsafeBuffer buffer = new UnsafeBuffer(mapping);
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
            if (MarkFileHeaderDecoder.SCHEMA_ID == header.schemaId() &&
                MarkFileHeaderDecoder.TEMPLATE_ID == header.templateId())
            {
                final MarkFileHeaderDecoder markFileHeader =
                    new MarkFileHeaderDecoder().wrapAndApplyHeader(buffer, 0, header);
                final long recordedPid = markFileHeader.pid();
                // an archive that closed cleanly marks its file terminated: nothing to clear or repair
                final boolean terminated = Aeron.NULL_VALUE == markFileHeader.activityTimestamp();
                pid = !terminated && isDead(recordedPid) ? recordedPid : -1;
            }
        }
        catch (final RuntimeException ex)
        {
            return -1;
        }
        finally
        {
            IoUtil.unmap(mapping);
        }

        return pid > 0 && markFile.delete() ? pid : -1;
    }

    static boolean isDead(final long pid)
    {
        if (pid <= 0 || pid == ProcessHandle.current().pid())
        {
            return false;
        }

        return !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) || isZombie(pid);
    }

    private static boolean isZombie(final long pid)
    {
        // A killed process whose parent has not reaped it yet still counts as alive to ProcessHandle.
        try
        {
            final String stat = new String(Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "stat")),
                StandardCharsets.US_ASCII);
            final int afterName = stat.lastIndexOf(')');
            return afterName > 0 && afterName + 2 < stat.length() && 'Z' == stat.charAt(afterName + 2);
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }
}

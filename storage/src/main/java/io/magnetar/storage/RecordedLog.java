package io.magnetar.storage;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.client.ArchiveException;
import io.aeron.archive.codecs.SourceLocation;
import io.aeron.archive.status.RecordingPos;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * An append-only log that is one Aeron Archive recording of an IPC {@link ExclusivePublication}, extended after
 * every restart so it keeps one recording id and one contiguous position space for life.
 * <p>
 * A record's id is the position of its first frame. An offer that does not fit in the rest of a term pads the
 * term and fails with {@link Publication#ADMIN_ACTION}, so a successful append always starts at the position the
 * publication had before it. The archive's {@code rec-pos} counter
 * is the durable position; reading it costs nothing. Records below it are read back with a {@link LogReader}.
 * Single writer: one agent appends.
 */
public final class RecordedLog implements AutoCloseable
{
    private static final long AWAIT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final String name;
    private final int streamId;
    private final ExclusivePublication publication;
    private AeronArchive archive;
    private final CountersReader counters;
    private final long recordingId;
    private final long recordingSubscriptionId;
    private final int recPosCounterId;
    private long startPosition;
    private final long recoveredPosition;
    private final int termLength;
    private final int segmentFileLength;
    private final LogReader reader;
    private long appendedPosition;
    private long tornTailPosition = -1;
    private long tornTailLength;
    private long lastDurablePosition;

    private RecordedLog(
        final String name,
        final int streamId,
        final ExclusivePublication publication,
        final AeronArchive archive,
        final CountersReader counters,
        final long recordingId,
        final long recordingSubscriptionId,
        final int recPosCounterId,
        final long startPosition,
        final long recoveredPosition,
        final int termLength,
        final int segmentFileLength,
        final LogReader reader)
    {
        this.segmentFileLength = segmentFileLength;
        this.name = name;
        this.streamId = streamId;
        this.publication = publication;
        this.archive = archive;
        this.counters = counters;
        this.recordingId = recordingId;
        this.recordingSubscriptionId = recordingSubscriptionId;
        this.recPosCounterId = recPosCounterId;
        this.startPosition = startPosition;
        this.recoveredPosition = recoveredPosition;
        this.termLength = termLength;
        this.reader = reader;
        this.appendedPosition = recoveredPosition;
        this.lastDurablePosition = recoveredPosition;
    }

    /**
     * Open the log recorded on a stream: extend its recording if there is one, or start a new one.
     *
     * @param name              of the log, used in errors and logs.
     * @param aeron             client.
     * @param archive           client of the local archive.
     * @param archiveDir        of that archive, to read segment files.
     * @param segmentFileLength of that archive.
     * @param streamId          that identifies this log on IPC; unique per log.
     * @param termLength        for a new recording; an extended one keeps its own.
     * @return the open log, ready to append at its recovered position.
     */
    public static RecordedLog open(
        final String name,
        final Aeron aeron,
        final AeronArchive archive,
        final File archiveDir,
        final int segmentFileLength,
        final int streamId,
        final int termLength)
    {
        final RecordingDescriptor descriptor = findLastRecording(archive, streamId);
        final long[] tornTail = { -1, 0 };
        ExclusivePublication publication = null;
        try
        {
            final long recordingId;
            final long subscriptionId;
            final long startPosition;
            final long recoveredPosition;
            final int logTermLength;
            final int segmentLength;

            if (null == descriptor)
            {
                final String channel = new ChannelUriStringBuilder()
                    .media("ipc")
                    .termLength(termLength)
                    .sparse(true)
                    .alias(name)
                    .build();
                publication = aeron.addExclusivePublication(channel, streamId);
                subscriptionId = archive.startRecording(
                    "aeron:ipc?session-id=" + publication.sessionId(), streamId, SourceLocation.LOCAL);
                final int counterId = awaitCounterBySession(aeron, archive, publication.sessionId(), name);
                recordingId = RecordingPos.getRecordingId(aeron.countersReader(), counterId);
                startPosition = 0;
                recoveredPosition = publication.position();
                logTermLength = termLength;
                // the archive never makes a segment shorter than a term
                segmentLength = Math.max(segmentFileLength, termLength);
            }
            else
            {
                final RecordingDescriptor stopped = repairTornTail(
                    archive, archiveDir, awaitStopped(archive, descriptor, name), name, tornTail);
                final String channel = new ChannelUriStringBuilder()
                    .media("ipc")
                    .initialPosition(stopped.stopPosition, stopped.initialTermId, stopped.termBufferLength)
                    .mtu(stopped.mtuLength)
                    .sparse(true)
                    .alias(name)
                    .build();
                publication = aeron.addExclusivePublication(channel, streamId);
                subscriptionId = archive.extendRecording(
                    stopped.recordingId,
                    "aeron:ipc?session-id=" + publication.sessionId(),
                    streamId,
                    SourceLocation.LOCAL);
                recordingId = stopped.recordingId;
                startPosition = stopped.startPosition;
                deleteLeftoverSegments(archive, recordingId);
                recoveredPosition = stopped.stopPosition;
                logTermLength = stopped.termBufferLength;
                segmentLength = stopped.segmentFileLength;
                if (publication.position() != recoveredPosition)
                {
                    throw new StorageException(name + ": extension publication starts at " + publication.position() +
                        " but the recording stopped at " + recoveredPosition);
                }
            }

            final int recPosCounterId = awaitCounterByRecording(aeron, archive, recordingId, name);
            awaitConnected(aeron, archive, publication, name);

            final LogReader reader = new LogReader(
                name, archiveDir, recordingId, startPosition, logTermLength, segmentLength);

            final RecordedLog log = new RecordedLog(
                name,
                streamId,
                publication,
                archive,
                aeron.countersReader(),
                recordingId,
                subscriptionId,
                recPosCounterId,
                startPosition,
                recoveredPosition,
                logTermLength,
                segmentLength,
                reader);
            log.tornTailPosition = tornTail[0];
            log.tornTailLength = tornTail[1];

            return log;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(publication);
            throw ex;
        }
    }

    /**
     * Append one record.
     *
     * @param buffer holding the record.
     * @param offset of the record.
     * @param length of the record.
     * @return the record's position (its id, &gt;= 0), or a negative {@link Publication} result code such as
     * {@link Publication#BACK_PRESSURED}, after which the caller retries later.
     */
    public long append(final DirectBuffer buffer, final int offset, final int length)
    {
        final long position = publication.position();
        final long result = publication.offer(buffer, offset, length);
        if (result > 0)
        {
            appendedPosition = result;
            return position;
        }

        return result;
    }

    /**
     * @return the position after the last appended record.
     */
    public long appendedPosition()
    {
        return appendedPosition;
    }

    /**
     * The position up to which the archive has stored the log at its durability level. If the archive has stopped
     * recording (its counter is freed and may be reused by anything), the last value seen while it was ours is
     * returned, so a stale counter never releases receipts or deliveries.
     *
     * @return the durable position.
     */
    public long durablePosition()
    {
        final long value = counters.getCounterValue(recPosCounterId);
        if (RecordingPos.isActive(counters, recPosCounterId, recordingId))
        {
            lastDurablePosition = value;
        }

        return lastDurablePosition;
    }

    /**
     * @return id of the archive's recording-position counter of this log.
     */
    public int recordingPositionCounterId()
    {
        return recPosCounterId;
    }

    /**
     * @return the archive directory holding the log's segment files.
     */
    public File archiveDir()
    {
        return reader.archiveDir();
    }

    /**
     * @return true while the archive is still recording this log.
     */
    public boolean isRecording()
    {
        return RecordingPos.isActive(counters, recPosCounterId, recordingId);
    }

    /**
     * @return the position where the log ended when it was opened: records below it were written before.
     */
    public long recoveredPosition()
    {
        return recoveredPosition;
    }

    /**
     * @return where a torn record was cut off the end of the log when it was opened, or -1 if there was none.
     */
    public long tornTailPosition()
    {
        return tornTailPosition;
    }

    /**
     * @return how many bytes of a torn record were cut off the end of the log when it was opened.
     */
    public long tornTailLength()
    {
        return tornTailLength;
    }

    /**
     * Reclaim the whole segments that lie before a position: the archive deletes their files (asynchronously).
     *
     * @param position first position that must be kept.
     * @return the new start position of the log (a segment boundary at or before {@code position}), unchanged if
     * no whole segment lies before it or the archive is still deleting earlier segments.
     */
    public long purgeBefore(final long position)
    {
        final long limit = Math.min(position, durablePosition());
        final long newStart = segmentBasePosition(limit);
        if (newStart <= startPosition)
        {
            return startPosition;
        }

        try
        {
            archive.purgeSegments(recordingId, newStart);
        }
        catch (final RuntimeException ex)
        {
            // the archive may have moved the start before failing or timing out: follow what it says
            final long actualStart = currentStartPosition();
            if (actualStart > startPosition)
            {
                reader.releaseBefore(actualStart);
                startPosition = actualStart;
                return actualStart;
            }
            if (ex instanceof ArchiveException && ex.getMessage() != null &&
                ex.getMessage().contains("delete operation in progress"))
            {
                return startPosition;
            }
            throw new StorageException(name + ": could not purge segments before " + newStart, ex);
        }

        reader.releaseBefore(newStart);
        startPosition = newStart;

        return newStart;
    }

    private long currentStartPosition()
    {
        try
        {
            return archive.getStartPosition(recordingId);
        }
        catch (final RuntimeException ignore)
        {
            return startPosition;
        }
    }

    /**
     * @return the first position of the recording.
     */
    public long startPosition()
    {
        return startPosition;
    }

    /**
     * @return the recording id, stable for the life of the log.
     */
    public long recordingId()
    {
        return recordingId;
    }

    /**
     * @return the IPC stream id of the log.
     */
    public int streamId()
    {
        return streamId;
    }

    /**
     * @return the term length of the recorded stream.
     */
    public int termLength()
    {
        return termLength;
    }

    /**
     * @return the archive's segment file length for this recording.
     */
    public int segmentFileLength()
    {
        return segmentFileLength;
    }

    /**
     * @param position in the log, at or after its start.
     * @return where the segment file holding that position begins.
     */
    public long segmentBasePosition(final long position)
    {
        return AeronArchive.segmentFileBasePosition(startPosition, position, termLength, segmentFileLength);
    }

    /**
     * @return the largest record that can be appended in one piece.
     */
    public int maxRecordLength()
    {
        return publication.maxMessageLength();
    }

    /**
     * @return the name of the log.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return a reader of this log's segment files, owned by this log.
     */
    public LogReader reader()
    {
        return reader;
    }

    /**
     * Use another archive client from now on: an archive invoked on the broker's own thread serves each client's
     * requests on the thread that connected it, so a thread that takes over the log connects its own client.
     *
     * @param archive client connected by the thread that calls the log from now on.
     */
    public void archiveClient(final AeronArchive archive)
    {
        this.archive = archive;
    }

    /**
     * Stop the recording once the archive has stored everything appended, then release the publication.
     */
    public void close()
    {
        try
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (durablePosition() < appendedPosition && isRecording() && System.nanoTime() < deadlineNs)
            {
                Thread.onSpinWait();
                pumpArchiveClient();
            }
            archive.tryStopRecording(recordingSubscriptionId);
        }
        catch (final RuntimeException ignore)
        {
            // the archive may already be gone; the recording then stops when the archive restarts
        }
        finally
        {
            CloseHelper.closeAll(publication, reader);
        }
    }

    private void pumpArchiveClient()
    {
        if (null != archive.context().agentInvoker())
        {
            archive.context().agentInvoker().invoke();
        }
    }

    private static RecordingDescriptor findLastRecording(final AeronArchive archive, final int streamId)
    {
        final RecordingDescriptor[] last = new RecordingDescriptor[1];
        long fromRecordingId = 0;
        while (true)
        {
            final long[] maxSeen = { -1 };
            final int count = archive.listRecordingsForUri(
                fromRecordingId,
                1000,
                "aeron:ipc",
                streamId,
                (controlSessionId, correlationId, recordingId, startTimestamp, stopTimestamp, startPosition,
                stopPosition, initialTermId, segmentFileLength, termBufferLength, mtuLength, sessionId, recStreamId,
                strippedChannel, originalChannel, sourceIdentity) ->
                {
                    last[0] = new RecordingDescriptor(
                        recordingId, startPosition, stopPosition, initialTermId, segmentFileLength, termBufferLength,
                        mtuLength);
                    maxSeen[0] = recordingId;
                });
            if (count < 1000 || maxSeen[0] < 0)
            {
                break;
            }
            fromRecordingId = maxSeen[0] + 1;
        }

        return last[0];
    }

    private static RecordingDescriptor awaitStopped(
        final AeronArchive archive, final RecordingDescriptor descriptor, final String name)
    {
        if (AeronArchive.NULL_POSITION != descriptor.stopPosition)
        {
            return descriptor;
        }

        archive.tryStopRecordingByIdentity(descriptor.recordingId);
        final long deadlineNs = System.nanoTime() + AWAIT_TIMEOUT_NS;
        while (System.nanoTime() < deadlineNs)
        {
            final long stopPosition = archive.getStopPosition(descriptor.recordingId);
            if (AeronArchive.NULL_POSITION != stopPosition)
            {
                return new RecordingDescriptor(
                    descriptor.recordingId,
                    descriptor.startPosition,
                    stopPosition,
                    descriptor.initialTermId,
                    descriptor.segmentFileLength,
                    descriptor.termBufferLength,
                    descriptor.mtuLength);
            }
            sleep();
        }

        throw new StorageException(name + ": recording " + descriptor.recordingId + " is still active elsewhere");
    }

    /**
     * A crash can stop a recording part way through a fragmented record: the archive keeps every whole frame, so
     * the last record may lack its end. It was never acknowledged (receipts wait for the whole record), and
     * appending after it would corrupt the log, so it is truncated away. Records never cross a term boundary, so
     * scanning the last term finds the end of the last whole record.
     */
    private static RecordingDescriptor repairTornTail(
        final AeronArchive archive,
        final File archiveDir,
        final RecordingDescriptor descriptor,
        final String name,
        final long[] tornTail)
    {
        final long stopPosition = descriptor.stopPosition;
        final long lastTermStart = Math.max(
            descriptor.startPosition, stopPosition - (stopPosition & (descriptor.termBufferLength - 1)));
        if (stopPosition == lastTermStart)
        {
            return descriptor;
        }

        final long completeEnd;
        try (LogReader reader = new LogReader(
            name,
            archiveDir,
            descriptor.recordingId,
            descriptor.startPosition,
            descriptor.termBufferLength,
            descriptor.segmentFileLength))
        {
            completeEnd = reader.scanComplete(lastTermStart, stopPosition, (buffer, offset, length, pos, next) -> {});
        }
        if (completeEnd == stopPosition)
        {
            return descriptor;
        }

        archive.truncateRecording(descriptor.recordingId, completeEnd);
        tornTail[0] = completeEnd;
        tornTail[1] = stopPosition - completeEnd;

        return new RecordingDescriptor(
            descriptor.recordingId,
            descriptor.startPosition,
            completeEnd,
            descriptor.initialTermId,
            descriptor.segmentFileLength,
            descriptor.termBufferLength,
            descriptor.mtuLength);
    }

    /**
     * A crash during the archive's asynchronous delete of purged segments can leave their files behind: delete them.
     */
    private static void deleteLeftoverSegments(final AeronArchive archive, final long recordingId)
    {
        try
        {
            archive.deleteDetachedSegments(recordingId);
        }
        catch (final RuntimeException ignore)
        {
            // nothing detached, or a delete still in progress: the files go with it
        }
    }

    private static int awaitCounterBySession(
        final Aeron aeron, final AeronArchive archive, final int sessionId, final String name)
    {
        final long deadlineNs = System.nanoTime() + AWAIT_TIMEOUT_NS;
        while (System.nanoTime() < deadlineNs)
        {
            final int counterId = RecordingPos.findCounterIdBySession(
                aeron.countersReader(), sessionId, archive.archiveId());
            if (CountersReader.NULL_COUNTER_ID != counterId)
            {
                return counterId;
            }
            pump(aeron, archive);
        }

        throw new StorageException(name + ": the archive did not start recording session " + sessionId);
    }

    private static int awaitCounterByRecording(
        final Aeron aeron, final AeronArchive archive, final long recordingId, final String name)
    {
        final long deadlineNs = System.nanoTime() + AWAIT_TIMEOUT_NS;
        while (System.nanoTime() < deadlineNs)
        {
            final int counterId = RecordingPos.findCounterIdByRecording(
                aeron.countersReader(), recordingId, archive.archiveId());
            if (CountersReader.NULL_COUNTER_ID != counterId)
            {
                return counterId;
            }
            pump(aeron, archive);
        }

        throw new StorageException(name + ": the archive did not resume recording " + recordingId);
    }

    private static void awaitConnected(
        final Aeron aeron, final AeronArchive archive, final ExclusivePublication publication, final String name)
    {
        final long deadlineNs = System.nanoTime() + AWAIT_TIMEOUT_NS;
        while (!publication.isConnected())
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new StorageException(name + ": the archive did not connect to the log publication");
            }
            pump(aeron, archive);
        }
    }

    private static void pump(final Aeron aeron, final AeronArchive archive)
    {
        if (null != aeron.conductorAgentInvoker())
        {
            aeron.conductorAgentInvoker().invoke();
        }
        if (null != archive.context().agentInvoker())
        {
            archive.context().agentInvoker().invoke();
        }
        else
        {
            sleep();
        }
    }

    private static void sleep()
    {
        try
        {
            Thread.sleep(1);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while opening a log", ex);
        }
    }

    private static final class RecordingDescriptor
    {
        final long recordingId;
        final long startPosition;
        final long stopPosition;
        final int initialTermId;
        final int segmentFileLength;
        final int termBufferLength;
        final int mtuLength;

        RecordingDescriptor(
            final long recordingId,
            final long startPosition,
            final long stopPosition,
            final int initialTermId,
            final int segmentFileLength,
            final int termBufferLength,
            final int mtuLength)
        {
            this.recordingId = recordingId;
            this.startPosition = startPosition;
            this.stopPosition = stopPosition;
            this.initialTermId = initialTermId;
            this.segmentFileLength = segmentFileLength;
            this.termBufferLength = termBufferLength;
            this.mtuLength = mtuLength;
        }
    }
}

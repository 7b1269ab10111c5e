package io.magnetar.storage;

import io.aeron.archive.client.AeronArchive;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.BitUtil;
import org.agrona.CloseHelper;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.IoUtil;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;

/**
 * Reads records of one recording straight from the archive's segment files, mapped read-only.
 * <p>
 * The archive writes Aeron frames into segment files at their stream position, and advances its {@code rec-pos}
 * counter only after the write, so every byte below the durable position can be read here with no replay and
 * without ever stalling appends. Padding frames are skipped; fragmented records are reassembled.
 * Not thread safe: one reader per agent.
 */
public final class LogReader implements AutoCloseable
{
    private final File archiveDir;
    private final long recordingId;
    private long startPosition;
    private final int termLength;
    private final int segmentLength;
    private final String logName;
    private final Long2ObjectHashMap<UnsafeBuffer> segmentBySegmentBase = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<MappedByteBuffer> mappingBySegmentBase = new Long2ObjectHashMap<>();
    private final ExpandableDirectByteBuffer assemblyBuffer = new ExpandableDirectByteBuffer(4096);

    /**
     * @param logName       used in error messages.
     * @param archiveDir    holding the segment files.
     * @param recordingId   of the recording.
     * @param startPosition of the recording.
     * @param termLength    of the recorded stream.
     * @param segmentLength of the archive's segment files.
     */
    public LogReader(
        final String logName,
        final File archiveDir,
        final long recordingId,
        final long startPosition,
        final int termLength,
        final int segmentLength)
    {
        this.logName = logName;
        this.archiveDir = archiveDir;
        this.recordingId = recordingId;
        this.startPosition = startPosition;
        this.termLength = termLength;
        this.segmentLength = segmentLength;
    }

    /**
     * Read the record that starts at a position, or after the padding that starts there, if it ends at or before a
     * limit. The handler is given the position of the record's first frame: its id.
     *
     * @param position of the record, or of padding in front of it.
     * @param limit    exclusive upper bound, normally the durable position; nothing beyond it is read.
     * @param handler  to receive the record.
     * @return the position after the record (or after padding that runs up to the limit), or {@code position} if no
     * complete record lies below the limit.
     * @throws StorageException if the frames at this position are corrupt.
     */
    public long read(final long position, final long limit, final EntryHandler handler)
    {
        long framePosition = position;
        long entryPosition = position;
        int assembledLength = 0;
        boolean assembling = false;

        while (framePosition + DataHeaderFlyweight.HEADER_LENGTH <= limit)
        {
            final UnsafeBuffer segment = segment(framePosition);
            final int offset = (int)(framePosition - segmentBase(framePosition));
            final int frameLength = segment.getIntVolatile(offset);
            if (frameLength <= 0)
            {
                if (0 == frameLength)
                {
                    return position;
                }
                throw corrupt(framePosition, "negative frame length " + frameLength);
            }

            final int alignedLength = BitUtil.align(frameLength, FrameDescriptor.FRAME_ALIGNMENT);
            final long nextFramePosition = framePosition + alignedLength;
            if (nextFramePosition > limit)
            {
                return position;
            }
            if (offset + alignedLength > segmentLength)
            {
                throw corrupt(framePosition, "frame length " + frameLength + " crosses the end of its segment");
            }

            final int type = segment.getShort(offset + FrameDescriptor.TYPE_OFFSET) & 0xFFFF;
            if (FrameDescriptor.PADDING_FRAME_TYPE == type)
            {
                if (assembling)
                {
                    throw corrupt(framePosition, "padding inside a fragmented record");
                }
                framePosition = nextFramePosition;
                continue;
            }
            if (DataHeaderFlyweight.HDR_TYPE_DATA != type)
            {
                throw corrupt(framePosition, "unexpected frame type " + type);
            }

            final byte flags = segment.getByte(offset + FrameDescriptor.FLAGS_OFFSET);
            final int payloadOffset = offset + DataHeaderFlyweight.HEADER_LENGTH;
            final int payloadLength = frameLength - DataHeaderFlyweight.HEADER_LENGTH;

            if (!assembling)
            {
                entryPosition = framePosition;
                if ((flags & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED)
                {
                    handler.onEntry(segment, payloadOffset, payloadLength, entryPosition, nextFramePosition);
                    return nextFramePosition;
                }
                if ((flags & FrameDescriptor.BEGIN_FRAG_FLAG) == 0)
                {
                    throw corrupt(framePosition, "record starts with a middle or end fragment");
                }
                assembling = true;
            }
            else if ((flags & FrameDescriptor.BEGIN_FRAG_FLAG) != 0)
            {
                throw corrupt(framePosition, "new record begins inside a fragmented record");
            }

            assemblyBuffer.putBytes(assembledLength, segment, payloadOffset, payloadLength);
            assembledLength += payloadLength;

            if ((flags & FrameDescriptor.END_FRAG_FLAG) != 0)
            {
                handler.onEntry(assemblyBuffer, 0, assembledLength, entryPosition, nextFramePosition);
                return nextFramePosition;
            }

            framePosition = nextFramePosition;
        }

        // only padding up to the limit: progress without a record
        return assembling ? position : framePosition;
    }

    /**
     * Read every record from a position up to a limit, which must be the end of a record.
     *
     * @param fromPosition of the first record.
     * @param limit        exclusive upper bound: the end of the last record.
     * @param handler      to receive each record.
     * @return the limit.
     * @throws StorageException naming the log and the position if a record is incomplete or corrupt.
     */
    public long scan(final long fromPosition, final long limit, final EntryHandler handler)
    {
        final long end = scanComplete(fromPosition, limit, handler);
        if (end < limit)
        {
            throw corrupt(end, "incomplete record: the log ends at " + limit);
        }

        return end;
    }

    /**
     * Read the complete records from a position up to a limit, stopping at the first incomplete one.
     *
     * @param fromPosition of the first record.
     * @param limit        exclusive upper bound.
     * @param handler      to receive each record.
     * @return the position after the last complete record (or padding) read.
     * @throws StorageException naming the log and the position if a frame is corrupt.
     */
    public long scanComplete(final long fromPosition, final long limit, final EntryHandler handler)
    {
        long position = fromPosition;
        while (position < limit)
        {
            final long next = read(position, limit, handler);
            if (next == position)
            {
                break;
            }
            position = next;
        }

        return position;
    }

    /**
     * @return the recording this reader reads.
     */
    public long recordingId()
    {
        return recordingId;
    }

    /**
     * Unmap every mapped segment.
     */
    public void close()
    {
        for (final MappedByteBuffer mapping : mappingBySegmentBase.values())
        {
            IoUtil.unmap(mapping);
        }
        mappingBySegmentBase.clear();
        segmentBySegmentBase.clear();
    }

    /**
     * Unmap the segments before a new start position of the recording, once they are reclaimed.
     *
     * @param newStartPosition of the recording, a segment boundary.
     */
    public void releaseBefore(final long newStartPosition)
    {
        final ArrayList<Long> released = new ArrayList<>();
        for (final Long2ObjectHashMap<MappedByteBuffer>.KeyIterator it = mappingBySegmentBase.keySet().iterator();
            it.hasNext();)
        {
            final long base = it.nextLong();
            if (base + segmentLength <= newStartPosition)
            {
                released.add(base);
            }
        }
        for (final Long base : released)
        {
            IoUtil.unmap(mappingBySegmentBase.remove(base.longValue()));
            segmentBySegmentBase.remove(base.longValue());
        }
        startPosition = newStartPosition;
    }

    private long segmentBase(final long position)
    {
        return AeronArchive.segmentFileBasePosition(startPosition, position, termLength, segmentLength);
    }

    private UnsafeBuffer segment(final long position)
    {
        final long base = segmentBase(position);
        UnsafeBuffer segment = segmentBySegmentBase.get(base);
        if (null == segment)
        {
            segment = mapSegment(base);
            segmentBySegmentBase.put(base, segment);
        }

        return segment;
    }

    private UnsafeBuffer mapSegment(final long segmentBase)
    {
        final File file = new File(archiveDir, recordingId + "-" + segmentBase + ".rec");
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(file.toPath(), StandardOpenOption.READ);
            if (channel.size() < segmentLength)
            {
                throw new StorageException(logName + ": segment file " + file + " is " + channel.size() +
                    " bytes, expected " + segmentLength);
            }
            final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, segmentLength);
            mappingBySegmentBase.put(segmentBase, mapping);
            return new UnsafeBuffer(mapping);
        }
        catch (final IOException ex)
        {
            throw new StorageException(logName + ": cannot map segment file " + file, ex);
        }
        finally
        {
            CloseHelper.quietClose(channel);
        }
    }

    private StorageException corrupt(final long position, final String what)
    {
        return new StorageException(
            logName + " (recording " + recordingId + "): corrupt data at position " + position + ": " + what);
    }

    /**
     * @return the archive directory holding the segment files.
     */
    public File archiveDir()
    {
        return archiveDir;
    }
}

package io.magnetar.client;

import io.magnetar.codecs.checks.MessageMetadataCheck;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Puts a consumer's chunked messages together again, as Pulsar's consumer does: chunks of one message (the producer's
 * name and the first chunk's sequence id) arrive in order, are copied into one buffer, and once the last arrives the
 * message is handed out whole (decompressed if it was compressed), with the first chunk's message id. Acknowledging
 * it acknowledges every chunk.
 * <p>
 * A message whose chunks stop coming is dropped after {@code expireTimeOfIncompleteChunkedMessage}, and a chunk that
 * does not follow the one before (a chunk was lost: its producer failed half way) drops its message; their chunks are
 * acknowledged, as they can never be read, and the client's error handler is told. At most
 * {@code maxPendingChunkedMessage} messages are put together at once: a further one drops the oldest, whose chunks are
 * acknowledged if {@code autoAckOldestChunkedMessageOnQueueFull} is set and otherwise left for redelivery. Used under
 * the consumer's receive lock, apart from {@link #takeChunkPositions(long)}.
 */
final class ChunkAssembler
{
    /**
     * Acknowledges an entry on the consumer's behalf.
     */
    interface EntryAcker
    {
        /**
         * @param shard    of the entry.
         * @param position of the entry.
         */
        void ackEntry(int shard, long position);
    }

    private static final class Pending
    {
        final int shard;
        final long[] positions;
        final int numChunks;
        final int totalSize;
        final long createdNs;
        final UnsafeBuffer bytes;
        int nextChunkId;
        int received;

        Pending(final int shard, final int numChunks, final int totalSize, final long createdNs)
        {
            this.shard = shard;
            this.positions = new long[numChunks];
            this.numChunks = numChunks;
            this.totalSize = totalSize;
            this.createdNs = createdNs;
            this.bytes = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(1, totalSize)));
        }
    }

    private static final long NO_POSITION = Long.MIN_VALUE;
    private static final int MAX_DROPPED_REMEMBERED = 1024;

    private final String topic;
    private final ConsumerSettings settings;
    private final EntryAcker acker;
    private final org.agrona.ErrorHandler errorHandler;
    private final LinkedHashMap<String, Pending> pendingByMessage = new LinkedHashMap<>();
    private final LinkedHashMap<String, Boolean> droppedMessages = new LinkedHashMap<>(16, 0.75f, false)
    {
        private static final long serialVersionUID = 1L;

        protected boolean removeEldestEntry(final java.util.Map.Entry<String, Boolean> eldest)
        {
            return size() > MAX_DROPPED_REMEMBERED;
        }
    };
    private final Long2ObjectHashMap<long[]> chunkPositionsByFirst = new Long2ObjectHashMap<>();
    private volatile int assembledUnacked;
    private final ExpandableDirectByteBuffer frame = new ExpandableDirectByteBuffer(4096);
    private final ExpandableDirectByteBuffer content = new ExpandableDirectByteBuffer(4096);
    private final CompressionCodec[] codecs = new CompressionCodec[CompressionType.values().length];

    /**
     * @param topic        of the consumer.
     * @param settings     of the consumer.
     * @param acker        acknowledges the chunks of dropped messages.
     * @param errorHandler told of dropped messages.
     */
    ChunkAssembler(
        final String topic,
        final ConsumerSettings settings,
        final EntryAcker acker,
        final org.agrona.ErrorHandler errorHandler)
    {
        this.topic = topic;
        this.settings = settings;
        this.acker = acker;
        this.errorHandler = errorHandler;
    }

    /**
     * Take a chunk in: the view has just been wrapped on its frame, which is valid only until this returns.
     *
     * @param view        wrapped on the chunk's frame.
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @param frameLength of the frame.
     * @param nowNs       current {@link System#nanoTime()}.
     * @return true if the chunk completed its message: the view is positioned on the whole message.
     */
    boolean onChunk(
        final MessageView view, final DirectBuffer buffer, final int frameOffset, final int frameLength,
        final long nowNs)
    {
        final String message = view.getProducerName() + ":" + view.entryChunkedSequenceId();
        final int chunkId = view.entryChunkId();
        final int numChunks = view.entryNumChunks();
        final int totalSize = view.entryTotalChunkedSize();
        final int shard = view.shard();
        final long position = view.position();
        Pending pending = pendingByMessage.get(message);

        if (isStoredTwice(pending, chunkId))
        {
            acker.ackEntry(shard, position); // stored twice (a resend whose receipt was lost): the first copy counts
            return false;
        }
        if (0 == chunkId)
        {
            if (totalSize > MessageMetadataCheck.MAX_UNCOMPRESSED_SIZE || numChunks > totalSize)
            {
                drop(null, shard, position, message, "it claims " + totalSize + " bytes in " + numChunks + " chunks");
                return false;
            }
            if (null != pending)
            {
                pendingByMessage.remove(message); // delivered again from its start
            }
            else if (pendingByMessage.size() >= settings.maxPendingChunkedMessage)
            {
                evictOldest();
            }
            pending = new Pending(shard, numChunks, totalSize, nowNs);
            pendingByMessage.put(message, pending);
        }
        else if (null == pending)
        {
            // its first chunk is gone: dropped here (then this one can never be used either), set aside when too
            // many were pending (then it comes again on redelivery), or acknowledged by an earlier consumer
            if (droppedMessages.containsKey(message) ||
                System.currentTimeMillis() - view.publishTime() >
                TimeUnit.NANOSECONDS.toMillis(settings.expireTimeOfIncompleteChunkedMessageNs))
            {
                drop(null, shard, position, message, "chunk " + chunkId + " of " + numChunks + " came without " +
                    "the chunks before it");
            }
            return false;
        }
        else if (pending.nextChunkId != chunkId)
        {
            pendingByMessage.remove(message);
            drop(pending, shard, position, message, "chunk " + chunkId + " of " + numChunks + " came after chunk " +
                (pending.nextChunkId - 1) + " (a chunk was lost)");
            return false;
        }

        final int length = view.payloadLength();
        if (numChunks != pending.numChunks || totalSize != pending.totalSize ||
            (long)pending.received + length > pending.totalSize ||
            (chunkId == numChunks - 1 && pending.received + length != pending.totalSize))
        {
            pendingByMessage.remove(message);
            drop(pending, shard, position, message, "chunk " + chunkId + " of " + numChunks + " does not fit the " +
                "message's " + pending.totalSize + " bytes");
            return false;
        }
        pending.bytes.putBytes(pending.received, view.buffer(), view.payloadOffset(), length);
        pending.received += length;
        pending.positions[chunkId] = position;
        pending.nextChunkId = chunkId + 1;
        if (pending.nextChunkId < numChunks)
        {
            return false;
        }

        pendingByMessage.remove(message);
        final String invalid = assemble(view, buffer, frameOffset, frameLength, pending);
        if (null != invalid)
        {
            drop(pending, -1, NO_POSITION, message, invalid);
            return false;
        }
        synchronized (chunkPositionsByFirst)
        {
            chunkPositionsByFirst.put(pending.positions[0], pending.positions);
            assembledUnacked = chunkPositionsByFirst.size();
        }
        return true;
    }

    /**
     * Drop the messages whose chunks stopped coming; reads the clock only while some are being put together.
     */
    void expire()
    {
        if (pendingByMessage.isEmpty())
        {
            return;
        }
        final long nowNs = System.nanoTime();
        final Iterator<java.util.Map.Entry<String, Pending>> it = pendingByMessage.entrySet().iterator();
        while (it.hasNext())
        {
            final java.util.Map.Entry<String, Pending> entry = it.next();
            final Pending pending = entry.getValue();
            if (nowNs - pending.createdNs < settings.expireTimeOfIncompleteChunkedMessageNs)
            {
                break; // in arrival order: the rest are younger
            }
            it.remove();
            drop(pending, -1, NO_POSITION, entry.getKey(), "it stayed incomplete (" + pending.nextChunkId + " of " +
                pending.numChunks + " chunks) for " +
                TimeUnit.NANOSECONDS.toMillis(settings.expireTimeOfIncompleteChunkedMessageNs) + " ms");
        }
    }

    /**
     * Any thread: the positions of the chunks of a message handed out, to acknowledge them all.
     *
     * @param firstPosition of the message's first chunk: its message id.
     * @return the chunks' positions, or null if the position is not a chunked message's.
     */
    long[] takeChunkPositions(final long firstPosition)
    {
        if (0 == assembledUnacked)
        {
            return null;
        }
        synchronized (chunkPositionsByFirst)
        {
            final long[] positions = chunkPositionsByFirst.remove(firstPosition);
            assembledUnacked = chunkPositionsByFirst.size();
            return positions;
        }
    }

    /**
     * @return messages being put together.
     */
    int pendingCount()
    {
        return pendingByMessage.size();
    }

    private String assemble(
        final MessageView view, final DirectBuffer buffer, final int frameOffset, final int frameLength,
        final Pending pending)
    {
        frame.checkLimit(frameLength);
        frame.putBytes(0, buffer, frameOffset, frameLength);
        view.wrap(topic, frame, 0);
        final io.magnetar.codecs.CompressionType compression = view.entryCompression();
        final int keyLength = view.keyLength();
        final int payloadLength;
        if (io.magnetar.codecs.CompressionType.NONE == compression)
        {
            payloadLength = pending.totalSize;
            content.checkLimit(payloadLength + keyLength);
            content.putBytes(0, pending.bytes, 0, payloadLength);
        }
        else
        {
            final CompressionType type = WireEnums.fromWire(compression);
            payloadLength = view.entryUncompressedSize();
            if (null == type || payloadLength < 0 || payloadLength > MessageMetadataCheck.MAX_UNCOMPRESSED_SIZE)
            {
                return "compression " + compression + " to " + payloadLength + " bytes";
            }
            CompressionCodec codec = codecs[type.ordinal()];
            if (null == codec)
            {
                codec = CompressionCodec.newCodec(type);
                codecs[type.ordinal()] = codec;
            }
            content.checkLimit(payloadLength + keyLength);
            try
            {
                codec.decompress(pending.bytes.byteBuffer(), 0, pending.totalSize, content.byteBuffer(), payloadLength);
            }
            catch (final MagnetarClientException ex)
            {
                return ex.getMessage();
            }
            finally
            {
                pending.bytes.byteBuffer().clear();
                content.byteBuffer().clear();
            }
        }
        content.putBytes(payloadLength, frame, view.keyOffset(), keyLength);
        view.wrapChunked(content, payloadLength, payloadLength, pending.positions[0], view.entryChunkedSequenceId());
        return null;
    }

    /**
     * Forget the messages being put together: the broker delivers them again from their first chunk (a restored
     * session or a seek). Under the consumer's receive lock.
     */
    void clear()
    {
        pendingByMessage.clear();
    }

    /**
     * A chunk already taken came again: stored twice by a resend. A first chunk after later ones is not that but the
     * message delivered again from its start.
     */
    private static boolean isStoredTwice(final Pending pending, final int chunkId)
    {
        return null != pending && chunkId < pending.nextChunkId && (chunkId > 0 || 1 == pending.nextChunkId);
    }

    private void evictOldest()
    {
        final Iterator<java.util.Map.Entry<String, Pending>> it = pendingByMessage.entrySet().iterator();
        final java.util.Map.Entry<String, Pending> oldest = it.next();
        it.remove();
        final Pending pending = oldest.getValue();
        if (settings.autoAckOldestChunkedMessageOnQueueFull)
        {
            drop(pending, -1, NO_POSITION, oldest.getKey(), "more than maxPendingChunkedMessage=" +
                settings.maxPendingChunkedMessage + " messages were being put together");
        }
        else
        {
            errorHandler.onError(new MagnetarClientException("consumer on topic '" + topic + "': set aside the " +
                "chunked message " + oldest.getKey() + ", the oldest of more than maxPendingChunkedMessage=" +
                settings.maxPendingChunkedMessage + "; its chunks stay unacknowledged and come again on redelivery"));
        }
    }

    /**
     * Drop a message: acknowledge the chunks it had, and one more chunk that cannot be used, and tell the handler.
     */
    private void drop(
        final Pending pending, final int shard, final long position, final String message, final String why)
    {
        if (null != pending)
        {
            for (int i = 0; i < pending.nextChunkId; i++)
            {
                acker.ackEntry(pending.shard, pending.positions[i]);
            }
        }
        droppedMessages.put(message, Boolean.TRUE);
        if (NO_POSITION != position)
        {
            acker.ackEntry(shard, position);
        }
        errorHandler.onError(new MagnetarClientException("consumer on topic '" + topic + "': dropped the chunked " +
            "message " + message + ": " + why + "; its chunks are acknowledged"));
    }
}

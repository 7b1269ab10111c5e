package io.magnetar.client;

import io.magnetar.codecs.checks.BatchCheck;
import io.magnetar.codecs.checks.MessageMetadataCheck;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * Turns an entry that is not one plain message (a batch, or a compressed message) into the messages a consumer hands
 * out: it copies the frame out of the receive ring, decompresses the payload, checks a batch's layout before anything
 * of it is handed out, and then positions the consumer's {@link MessageView} on each message in turn, skipping those
 * already acknowledged ({@link BatchAcks}). Used under the consumer's receive lock; allocates nothing once its buffers
 * have grown.
 */
final class EntryUnpacker
{
    private final String topic;
    private final BatchAcks acks;
    private final ExpandableDirectByteBuffer frame = new ExpandableDirectByteBuffer(4096);
    private final ExpandableDirectByteBuffer content = new ExpandableDirectByteBuffer(4096);
    private final CompressionCodec[] codecs = new CompressionCodec[CompressionType.values().length];
    private final BatchCheck batchCheck = new BatchCheck();
    private DirectBuffer messages;
    private int nextOffset;
    private int nextIndex;
    private int count;
    private int shard;
    private long position;
    private boolean isBatch;
    private int keyOffset;
    private int payloadLength;

    /**
     * @param topic of the consumer, for the views.
     * @param acks  of the consumer's batches.
     */
    EntryUnpacker(final String topic, final BatchAcks acks)
    {
        this.topic = topic;
        this.acks = acks;
    }

    /**
     * Take an entry in: the view has just been wrapped on its frame, which is valid only until this returns.
     *
     * @param view        wrapped on the frame.
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @param frameLength of the frame.
     * @return null if its messages are ready for {@link #next(MessageView)}, else why the entry cannot be read.
     */
    String load(final MessageView view, final DirectBuffer buffer, final int frameOffset, final int frameLength)
    {
        try
        {
            return loadChecked(view, buffer, frameOffset, frameLength);
        }
        catch (final RuntimeException ex)
        {
            count = 0; // a producer's bytes the checks let through still never escape the consumer's receive
            return "unreadable: " + ex;
        }
    }

    private String loadChecked(
        final MessageView view, final DirectBuffer buffer, final int frameOffset, final int frameLength)
    {
        count = 0;
        frame.checkLimit(frameLength);
        frame.putBytes(0, buffer, frameOffset, frameLength);
        view.wrap(topic, frame, 0);
        shard = view.shard();
        position = view.position();
        isBatch = view.entryBatchSize() > 0;
        if (view.entryNumChunks() > 0)
        {
            return "chunk " + view.entryChunkId() + " of " + view.entryNumChunks() + " cannot be read on its own";
        }

        final io.magnetar.codecs.CompressionType compression = view.entryCompression();
        final int length;
        if (io.magnetar.codecs.CompressionType.NONE == compression)
        {
            messages = frame;
            nextOffset = view.payloadOffset();
            length = view.payloadLength();
        }
        else
        {
            final CompressionType type = WireEnums.fromWire(compression);
            final int uncompressedSize = view.entryUncompressedSize();
            if (null == type)
            {
                return "unknown compression " + compression;
            }
            if (uncompressedSize < 0 || uncompressedSize > MessageMetadataCheck.MAX_UNCOMPRESSED_SIZE)
            {
                return "an uncompressed size of " + uncompressedSize + " bytes";
            }
            CompressionCodec codec = codecs[type.ordinal()];
            if (null == codec)
            {
                codec = CompressionCodec.newCodec(type);
                codecs[type.ordinal()] = codec;
            }
            content.checkLimit(uncompressedSize + view.keyLength());
            try
            {
                codec.decompress(frame.byteBuffer(), view.payloadOffset(), view.payloadLength(),
                    content.byteBuffer(), uncompressedSize);
            }
            catch (final MagnetarClientException ex)
            {
                return ex.getMessage();
            }
            finally
            {
                frame.byteBuffer().clear();
                content.byteBuffer().clear();
            }
            messages = content;
            nextOffset = 0;
            length = uncompressedSize;
        }

        if (isBatch)
        {
            final String invalid = batchCheck.check(messages, nextOffset, length, view.entryBatchSize());
            if (null != invalid)
            {
                return invalid;
            }
            count = view.entryBatchSize();
        }
        else
        {
            // a compressed single message: its key goes after the payload, so the view's buffer holds both
            content.putBytes(length, frame, view.keyOffset(), view.keyLength());
            keyOffset = length;
            payloadLength = length;
            count = 1;
        }
        nextIndex = 0;

        return null;
    }

    /**
     * @return true if messages of the loaded entry may still be handed out.
     */
    boolean hasNext()
    {
        return nextIndex < count;
    }

    /**
     * Position the view on the next message of the loaded entry not yet acknowledged.
     *
     * @param view to position.
     * @return false if there is none.
     */
    boolean next(final MessageView view)
    {
        while (nextIndex < count)
        {
            if (!view.isWrappedOn(frame))
            {
                view.wrap(topic, frame, 0); // the frame's own fields; each message's are set below
            }
            final int index = nextIndex++;
            if (!isBatch)
            {
                view.wrapContent(content, keyOffset, 0, payloadLength);
                return true;
            }
            nextOffset = view.wrapBatched(messages, nextOffset, index);
            if (!acks.isAcked(shard, position, index))
            {
                return true;
            }
        }

        return false;
    }

    /**
     * Drop what is left of the loaded entry.
     */
    void clear()
    {
        count = 0;
        nextIndex = 0;
    }
}

package io.magnetar.client;

import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.MessageMetadataEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Splits a message larger than a producer's chunk size into chunks, as Pulsar's chunking: each chunk is an entry of
 * its own with its own sequence id, and carries the message's key and metadata plus its place (chunk id, number of
 * chunks, total size, and the first chunk's sequence id, which with the producer's name identifies the message). The
 * message is compressed first, if the producer compresses, and the compressed bytes are split. The application's
 * future completes once every chunk is stored, with the first chunk's message id. Used under the producer's send
 * lock; the Pulsar-shaped send only.
 */
final class ProducerChunker implements SealedEntry
{
    private static final byte[] EMPTY = new byte[0];

    private final int chunkMaxSize;
    private final int maxMessageSize;
    private final int maxPendingMessages;
    private final SendWindow window;
    private final IngressProxy ingressProxy;
    private final RetainedSends retained;
    private final ProducerBatcher batcher;
    private final long producerId;
    private final long sendTimeoutNs;
    private final String topic;
    private final MemoryLimit memoryLimit;
    private final Connector connector;
    private final java.util.function.BooleanSupplier closed;
    private final ExpandableArrayBuffer metadata = new ExpandableArrayBuffer(256);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageMetadataEncoder metadataEncoder = new MessageMetadataEncoder();
    private final UnsafeBuffer bodyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private DirectBuffer chunkBuffer;
    private int chunkOffset;
    private int chunkLength;
    private int metadataLength;

    /**
     * @param chunkMaxSize       most payload bytes per chunk.
     * @param maxMessageSize     of the broker.
     * @param maxPendingMessages of the producer: a message may not have more chunks.
     * @param window             of the producer.
     * @param ingressProxy       of the client.
     * @param retained           the producer's frames waiting for receipts.
     * @param batcher            of the producer, which compresses; null if it does not compress.
     * @param producerId         of the producer.
     * @param sendTimeoutNs      of the producer.
     * @param topic              for messages.
     * @param memoryLimit        of the client: a message refused before its first chunk's slot was filled gives
     *                           its bytes back.
     * @param connector          of the client: its thread, session and state while waiting for room.
     * @param closed             true once the producer is closed.
     */
    ProducerChunker(
        final int chunkMaxSize,
        final int maxMessageSize,
        final int maxPendingMessages,
        final SendWindow window,
        final IngressProxy ingressProxy,
        final RetainedSends retained,
        final ProducerBatcher batcher,
        final long producerId,
        final long sendTimeoutNs,
        final String topic,
        final MemoryLimit memoryLimit,
        final Connector connector,
        final java.util.function.BooleanSupplier closed)
    {
        this.connector = connector;
        this.closed = closed;
        this.memoryLimit = memoryLimit;
        this.chunkMaxSize = chunkMaxSize;
        this.maxMessageSize = maxMessageSize;
        this.maxPendingMessages = maxPendingMessages;
        this.window = window;
        this.ingressProxy = ingressProxy;
        this.retained = retained;
        this.batcher = batcher;
        this.producerId = producerId;
        this.sendTimeoutNs = sendTimeoutNs;
        this.topic = topic;
    }

    /**
     * Send a message in chunks if it is larger than a chunk, waiting for room in the window for all its chunks.
     *
     * @param sequenceId    of the first chunk.
     * @param key           of the message in UTF-8, or null.
     * @param payload       of the message.
     * @param metadata      of the message, or null.
     * @param pending       the application's future.
     * @param bytes         the message reserved of the client's memory limit; given back with the first chunk.
     * @param deadlineNs    bound on the waits.
     * @param restoredEpoch of the producer.
     * @return false if the message fits one entry: send it as usual.
     * @throws MagnetarClientException if no chunk was sent (the message's memory is given back).
     */
    boolean send(
        final long sequenceId,
        final byte[] key,
        final byte[] payload,
        final byte[] metadata,
        final PendingSend pending,
        final int bytes,
        final long deadlineNs,
        final long restoredEpoch) throws MagnetarClientException
    {
        final int keyLength = null == key ? 0 : key.length;
        final int userMetadataLength = null == metadata ? 0 : metadata.length;
        final int frameRoom = Math.min(maxMessageSize + Protocol.MAX_KEY_LENGTH,
            ingressProxy.maxMessageLength() - ProducerImpl.ENTRY_FRAME_HEADROOM) - keyLength - userMetadataLength;
        final int chunkSize = Math.max(1, Math.min(Math.min(chunkMaxSize, maxMessageSize), frameRoom));
        if (payload.length <= chunkSize)
        {
            return false;
        }

        final BatchContainer sealed = null == batcher ? null : batcher.sealSingle(payload, null);
        final DirectBuffer body;
        final int bodyOffset;
        final int bodyLength;
        final io.magnetar.codecs.CompressionType compression;
        if (null == sealed)
        {
            bodyView.wrap(payload);
            body = bodyView;
            bodyOffset = 0;
            bodyLength = payload.length;
            compression = io.magnetar.codecs.CompressionType.NONE;
        }
        else
        {
            body = sealed.payloadBuffer();
            bodyOffset = sealed.payloadOffset();
            bodyLength = sealed.payloadLength();
            compression = sealed.sealedCompression();
        }
        final int numChunks = (int)((bodyLength + (long)chunkSize - 1) / chunkSize);
        if (numChunks < 2)
        {
            return false; // it fits once compressed
        }
        if (numChunks > maxPendingMessages)
        {
            memoryLimit.release(bytes);
            throw new MagnetarClientException(MagnetarClientException.ErrorCode.MESSAGE_TOO_LARGE, "a message of " +
                payload.length + " bytes needs " + numChunks + " chunks of " + chunkSize + " bytes, more than the " +
                "producer's maxPendingMessages of " + maxPendingMessages);
        }
        try
        {
            awaitRoom(sequenceId + numChunks - 1, deadlineNs);
        }
        catch (final MagnetarClientException ex)
        {
            memoryLimit.release(bytes);
            throw ex;
        }

        final ChunkedSend chunked = new ChunkedSend(pending, numChunks);
        keyView.wrap(null == key ? EMPTY : key);
        for (int chunkId = 0; chunkId < numChunks; chunkId++)
        {
            final long chunkSequenceId = sequenceId + chunkId;
            chunkBuffer = body;
            chunkOffset = bodyOffset + chunkId * chunkSize;
            chunkLength = Math.min(chunkSize, bodyLength - chunkId * chunkSize);
            encodeMetadata(metadata, compression, payload.length, numChunks, chunkId, bodyLength, sequenceId);
            window.prepare(chunkSequenceId, System.nanoTime() + sendTimeoutNs, chunked, 0 == chunkId ? bytes : 0);
            try
            {
                ingressProxy.sendSealed(chunkSequenceId, producerId, keyView, 0, keyLength, this, deadlineNs,
                    retained.beforeAppend(), restoredEpoch);
                window.onOffered(chunkSequenceId);
            }
            catch (final MagnetarClientException | RuntimeException ex)
            {
                window.unprepare(chunkSequenceId);
                if (0 == chunkId)
                {
                    throw ex;
                }
                // the chunks sent are stored without the rest: consumers drop them (an incomplete chunked message)
                pending.onFailed(ex instanceof MagnetarClientException ? (MagnetarClientException)ex :
                    new MagnetarClientException("send of chunk " + chunkId + " failed: " + ex.getMessage(), ex));
                return true;
            }
        }

        return true;
    }

    private void awaitRoom(final long lastSequenceId, final long deadlineNs) throws MagnetarClientException
    {
        if (window.hasRoom(lastSequenceId))
        {
            return;
        }
        if (connector.requests().isConductorThread())
        {
            throw new MagnetarClientException("pending queue of producer on topic '" + topic + "' has no room for " +
                "the chunks of a message, and the conductor thread cannot wait (maxPendingMessages=" +
                maxPendingMessages + ")");
        }
        final IdleStrategy idleStrategy = Connector.waitingIdleStrategy();
        while (!window.hasRoom(lastSequenceId))
        {
            if (closed.getAsBoolean() || connector.isClosed())
            {
                throw new MagnetarClientException("producer on topic '" + topic + "' is closed");
            }
            connector.liveness().checkConnected();
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new MagnetarClientException.TimeoutException("no room in the pending queue of producer on " +
                    "topic '" + topic + "' for the chunks of a message (maxPendingMessages=" + maxPendingMessages +
                    ")");
            }
            idleStrategy.idle();
        }
    }

    private void encodeMetadata(
        final byte[] messageMetadata,
        final io.magnetar.codecs.CompressionType compression,
        final int uncompressedSize,
        final int numChunks,
        final int chunkId,
        final int totalChunkedSize,
        final long chunkedSequenceId)
    {
        if (null == messageMetadata)
        {
            metadataLength = BatchContainer.encodeEntryMetadata(
                metadata, metadataEncoder, headerEncoder, 0, compression, uncompressedSize);
        }
        else
        {
            metadata.putBytes(0, messageMetadata);
            metadataLength = messageMetadata.length;
        }
        // the fixed fields sit in the block, set in place over the message's own metadata
        metadataEncoder.wrap(metadata, MessageHeaderEncoder.ENCODED_LENGTH)
            .compression(compression)
            .uncompressedSize(uncompressedSize)
            .numChunks(numChunks)
            .chunkId(chunkId)
            .totalChunkedSize(totalChunkedSize)
            .chunkedSequenceId(chunkedSequenceId);
    }

    /**
     * {@inheritDoc}
     */
    public DirectBuffer payloadBuffer()
    {
        return chunkBuffer;
    }

    /**
     * {@inheritDoc}
     */
    public int payloadOffset()
    {
        return chunkOffset;
    }

    /**
     * {@inheritDoc}
     */
    public int payloadLength()
    {
        return chunkLength;
    }

    /**
     * {@inheritDoc}
     */
    public DirectBuffer metadataBuffer()
    {
        return metadata;
    }

    /**
     * {@inheritDoc}
     */
    public int metadataLength()
    {
        return metadataLength;
    }
}

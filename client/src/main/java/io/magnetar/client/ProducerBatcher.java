package io.magnetar.client;

import io.aeron.Publication;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageMetadataDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The send path of a producer that batches or compresses: messages go into its {@link BatchContainer} and out as
 * entries, in sequence order, when a batch is full, when its oldest message has waited the maximum delay (the client's
 * conductor asks, {@link #flushIfDue(long, long)}), before a message that cannot join it, and on flush. Used under the
 * producer's send lock.
 * <p>
 * A batch that cannot be offered (the ingress stayed back pressured) stays in the container and goes out with the next
 * flush; its messages' send timeouts still run. A message that would have to overtake it is refused instead.
 */
final class ProducerBatcher
{
    /** {@link #offer}: the message does not join a batch; send it as an entry of its own. */
    static final long GOES_ALONE = Long.MIN_VALUE;

    private final BatchContainer container;
    private final boolean batching;
    private final boolean keyBased;
    /** Key-based batching: the key of the messages in the batch. */
    private final UnsafeBuffer batchKey = new UnsafeBuffer(new byte[Protocol.MAX_KEY_LENGTH]);
    private int batchKeyLength;
    private final UnsafeBuffer metadataView = new UnsafeBuffer(0, 0);
    private final MessageHeaderDecoder metadataHeader = new MessageHeaderDecoder();
    private final SendWindow window;
    private final IngressProxy ingressProxy;
    private final RetainedSends retained;
    private final long producerId;
    private final long sendTimeoutNs;
    private final long maxPublishDelayNs;
    private final MemoryLimit memoryLimit;
    private final org.agrona.ErrorHandler errorHandler;
    private volatile long dueNs = Long.MAX_VALUE;
    private boolean sentFrame;

    /**
     * @param settings       of the producer.
     * @param maxEntryLength most bytes of an entry's payload.
     * @param window         of the producer's sends.
     * @param ingressProxy   of the client.
     * @param retained       the producer's frames waiting for receipts.
     * @param producerId     of the producer.
     * @param sendTimeoutNs  of the producer.
     * @param memoryLimit    of the client: a message refused before its slot was filled gives its bytes back.
     * @param errorHandler   of the client, told of batches that could not go when the conductor sent them.
     */
    ProducerBatcher(
        final BatchSettings settings,
        final int maxEntryLength,
        final SendWindow window,
        final IngressProxy ingressProxy,
        final RetainedSends retained,
        final long producerId,
        final long sendTimeoutNs,
        final MemoryLimit memoryLimit,
        final org.agrona.ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        this.maxPublishDelayNs = settings.maxPublishDelayNs;
        this.memoryLimit = memoryLimit;
        this.container = new BatchContainer(settings, maxEntryLength);
        this.batching = settings.enabled;
        this.keyBased = settings.keyBased;
        this.window = window;
        this.ingressProxy = ingressProxy;
        this.retained = retained;
        this.producerId = producerId;
        this.sendTimeoutNs = sendTimeoutNs;
    }

    /**
     * @param nowNs current {@link System#nanoTime()}.
     * @return true if a batch waits and its oldest message has waited the maximum delay; read by the conductor
     * without the lock, as a hint.
     */
    boolean isDue(final long nowNs)
    {
        final long due = dueNs;
        return Long.MAX_VALUE != due && nowNs - due >= 0;
    }

    /**
     * The Pulsar-shaped send: add a message (its sequence taken, its memory reserved) to the batch, sending the batch
     * when it is full, waiting while the ingress is back pressured. A message that does not fit a batch goes alone,
     * once the batch before it is out.
     *
     * @param sequenceId    of the message.
     * @param key           of the message in UTF-8, or null.
     * @param payload       of the message.
     * @param metadata      of the message, or null.
     * @param pending       its future.
     * @param bytes         it reserved of the client's memory limit.
     * @param deadlineNs    bound on waiting for the ingress.
     * @param restoredEpoch of the producer.
     * @return true if the message joined the batch, false if it must go as an entry of its own (nothing waits).
     * @throws MagnetarClientException if the batch before it could not be offered (the message's memory is given
     *                                 back).
     */
    boolean add(
        final long sequenceId,
        final byte[] key,
        final byte[] payload,
        final byte[] metadata,
        final PendingSend pending,
        final int bytes,
        final long deadlineNs,
        final long restoredEpoch) throws MagnetarClientException
    {
        sentFrame = false;
        final int encodedLength = BatchContainer.encodedLength(
            null == key ? 0 : key.length, null == metadata ? 0 : metadata.length, payload.length);
        final boolean joins = batching && container.fitsAlone(encodedLength) && !isDelayed(metadata);
        final int keyLength = null == key ? 0 : key.length;
        final boolean otherKey = keyBased && !container.isEmpty() && !isBatchKey(key, 0, keyLength);
        if ((!joins || otherKey || !container.fits(encodedLength)) && !flush(deadlineNs, restoredEpoch))
        {
            memoryLimit.release(bytes);
            throw cannotOvertake(sequenceId);
        }
        if (!joins)
        {
            return false;
        }

        final long nowNs = System.nanoTime();
        window.prepare(sequenceId, nowNs + sendTimeoutNs, pending, bytes,
            container.isEmpty() ? sequenceId : container.firstSequenceId());
        if (keyBased && container.isEmpty())
        {
            batchKeyLength = keyLength;
            if (keyLength > 0)
            {
                batchKey.putBytes(0, key, 0, keyLength);
            }
        }
        container.add(sequenceId, nowNs, key, payload, metadata);
        window.onOffered(sequenceId);
        onAdded(nowNs);
        if (container.isFull() || !window.hasRoomForNext())
        {
            flush(deadlineNs, restoredEpoch);
        }
        return true;
    }

    /**
     * The Aeron-shaped offer: add a message (its memory reserved) to the batch without waiting and without
     * allocating.
     *
     * @param sequenceId    the message would take.
     * @param keyBuffer     holding the key, or null if keyLength is 0.
     * @param keyOffset     of the key.
     * @param keyLength     of the key.
     * @param buffer        holding the payload.
     * @param offset        of the payload.
     * @param length        of the payload.
     * @param restoredEpoch of the producer.
     * @return the sequence id if it joined the batch, {@link #GOES_ALONE} if it must go as an entry of its own
     * (nothing waits), else the publication's negative result for the batch before it (its memory is given back).
     * @throws MagnetarClientException if the batch's frame does not fit the ingress.
     */
    long offer(
        final long sequenceId,
        final DirectBuffer keyBuffer,
        final int keyOffset,
        final int keyLength,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long restoredEpoch) throws MagnetarClientException
    {
        sentFrame = false;
        final int bytes = keyLength + length;
        final int encodedLength = BatchContainer.encodedLength(keyLength, 0, length);
        final boolean joins = batching && container.fitsAlone(encodedLength);
        final boolean otherKey = keyBased && !container.isEmpty() && !isBatchKey(keyBuffer, keyOffset, keyLength);
        if (!joins || otherKey || !container.fits(encodedLength))
        {
            final long flushed;
            try
            {
                flushed = tryFlush(restoredEpoch);
            }
            catch (final MagnetarClientException | RuntimeException ex)
            {
                memoryLimit.release(bytes);
                throw ex;
            }
            if (flushed < 0)
            {
                memoryLimit.release(bytes);
                return flushed;
            }
        }
        if (!joins)
        {
            return GOES_ALONE;
        }

        final long nowNs = System.nanoTime();
        window.prepare(sequenceId, nowNs + sendTimeoutNs, null, bytes,
            container.isEmpty() ? sequenceId : container.firstSequenceId());
        if (keyBased && container.isEmpty())
        {
            batchKeyLength = keyLength;
            if (keyLength > 0)
            {
                batchKey.putBytes(0, keyBuffer, keyOffset, keyLength);
            }
        }
        container.add(sequenceId, nowNs, keyBuffer, keyOffset, keyLength, buffer, offset, length);
        window.onOffered(sequenceId);
        onAdded(nowNs);
        if (container.isFull() || !window.hasRoomForNext())
        {
            try
            {
                tryFlush(restoredEpoch); // what is not offered now goes with the next offer or the conductor
            }
            catch (final MagnetarClientException | RuntimeException ex)
            {
                errorHandler.onError(ex); // the message is taken: its batch goes later, or its send times out
            }
        }
        return sequenceId;
    }

    /**
     * @return true if the last {@link #add} or {@link #offer} sent a frame (a batch went out); false if it only
     * added to the batch, so there is nothing for the client's driver to send yet.
     */
    boolean sentFrame()
    {
        return sentFrame;
    }

    /**
     * Seal one message as an entry of its own, compressed if the producer compresses.
     *
     * @param payload  of the message.
     * @param metadata of the message, or null.
     * @return the container holding the entry, or null if the producer does not compress (send it as it is).
     */
    BatchContainer sealSingle(final byte[] payload, final byte[] metadata)
    {
        if (!container.compresses())
        {
            return null;
        }
        container.sealSingle(payload, metadata);
        return container;
    }

    /**
     * Seal one message from a buffer as an entry of its own, compressed if the producer compresses.
     *
     * @param buffer holding the payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return the container holding the entry, or null if the producer does not compress (send it as it is).
     */
    BatchContainer sealSingle(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!container.compresses())
        {
            return null;
        }
        container.sealSingle(buffer, offset, length, null);
        return container;
    }

    /**
     * Send the waiting batch, waiting while the ingress is back pressured.
     *
     * @param deadlineNs    bound on the wait.
     * @param restoredEpoch of the producer.
     * @return true if nothing waits any more; false if the batch could not be offered and still waits.
     */
    boolean flush(final long deadlineNs, final long restoredEpoch)
    {
        if (dropIfCompleted())
        {
            return true;
        }

        sealBatch();
        try
        {
            ingressProxy.sendSealed(container.lastSequenceId(), producerId, batchKey, 0, batchKeyLength(), container,
                deadlineNs,
                retained.beforeAppend(), restoredEpoch);
        }
        catch (final MagnetarClientException ex)
        {
            return false; // kept: the next flush offers it again, or its sends time out
        }
        onSent();
        return true;
    }

    /**
     * Conductor, holding the producer's send lock: send the waiting batch if its oldest message has waited the
     * maximum delay, without waiting.
     *
     * @param nowNs         current {@link System#nanoTime()}.
     * @param restoredEpoch of the producer.
     * @return 1 if a batch went out, else 0.
     */
    int flushIfDue(final long nowNs, final long restoredEpoch)
    {
        if (!container.isDue(nowNs))
        {
            return 0;
        }
        try
        {
            return tryFlush(restoredEpoch) > 0 ? 1 : 0;
        }
        catch (final MagnetarClientException | RuntimeException ex)
        {
            errorHandler.onError(ex); // the batch stays; its sends time out if it never goes
            return 0;
        }
    }

    /**
     * Seal the waiting batch without the messages that failed already (timed out): they are not sent, as in Pulsar,
     * and the window learns where the batch now starts, so its receipt gives the right batch indexes.
     */
    private void sealBatch()
    {
        if (container.skipCompleted(window.lastCompletedSequenceId()))
        {
            window.rebatch(container.firstSequenceId(), container.lastSequenceId());
        }
        container.sealBatch();
    }

    private long tryFlush(final long restoredEpoch) throws MagnetarClientException
    {
        if (dropIfCompleted())
        {
            return 1;
        }

        sealBatch();
        final long result = ingressProxy.trySendSealed(container.lastSequenceId(), producerId, batchKey, 0,
            batchKeyLength(), container,
            retained.beforeAppend(), restoredEpoch);
        if (result > 0)
        {
            onSent();
        }

        return Publication.MAX_POSITION_EXCEEDED == result ? Publication.CLOSED : result;
    }

    /**
     * @return true if nothing waits: the container is empty, or every message in it has already failed (timed out or
     * failed with the session), so it is dropped.
     */
    private boolean dropIfCompleted()
    {
        if (container.isEmpty())
        {
            return true;
        }
        if (container.lastSequenceId() <= window.lastCompletedSequenceId())
        {
            onSent();
            return true;
        }

        return false;
    }

    private void onAdded(final long nowNs)
    {
        if (1 == container.count())
        {
            dueNs = nowNs + maxPublishDelayNs;
        }
    }

    private void onSent()
    {
        sentFrame = true;
        container.clear();
        dueNs = Long.MAX_VALUE;
    }

    private MagnetarClientException cannotOvertake(final long sequenceId)
    {
        return new MagnetarClientException.TimeoutException("sequence " + sequenceId + " was not sent: the batch " +
            "before it could not be offered while the ingress was back pressured");
    }

    private int batchKeyLength()
    {
        return keyBased ? batchKeyLength : 0;
    }

    private boolean isBatchKey(final byte[] key, final int offset, final int length)
    {
        if (length != batchKeyLength)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (key[offset + i] != batchKey.getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    private boolean isBatchKey(final DirectBuffer key, final int offset, final int length)
    {
        if (length != batchKeyLength)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (key.getByte(offset + i) != batchKey.getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return true if a message's metadata asks for delayed delivery: such a message goes alone, as in Pulsar, since
     * the broker delays whole entries.
     */
    private boolean isDelayed(final byte[] metadata)
    {
        if (null == metadata || metadata.length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return false;
        }
        metadataView.wrap(metadata);
        metadataHeader.wrap(metadataView, 0);
        if (metadataHeader.version() < MessageMetadataDecoder.deliverAtTimeSinceVersion() ||
            metadataHeader.blockLength() < MessageMetadataDecoder.deliverAtTimeEncodingOffset() + Long.BYTES)
        {
            return false;
        }
        return metadataView.getLong(MessageHeaderDecoder.ENCODED_LENGTH +
            MessageMetadataDecoder.deliverAtTimeEncodingOffset(), java.nio.ByteOrder.LITTLE_ENDIAN) > 0;
    }
}

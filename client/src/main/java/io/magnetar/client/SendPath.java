package io.magnetar.client;

import io.aeron.Publication;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * A producer's sends once its send lock is held: a sequence id is taken, room in the send window and the client's
 * memory limit is claimed, and the message goes to the ingress, to the {@link ProducerChunker} when it is larger than a
 * chunk, or to the {@link ProducerBatcher} when the producer batches or compresses. One per producer; every method
 * runs under the producer's send lock.
 */
final class SendPath
{
    private static final byte[] EMPTY = new byte[0];

    private final SendWindow window;
    private final SendRoom room;
    private final MemoryLimit memoryLimit;
    private final IngressProxy ingressProxy;
    private final RetainedSends retained;
    private final ProducerBatcher batcher;
    private final ProducerChunker chunker;
    private final long producerId;
    private final long sendTimeoutNs;
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private boolean sentFrame;

    SendPath(
        final SendWindow window,
        final SendRoom room,
        final MemoryLimit memoryLimit,
        final IngressProxy ingressProxy,
        final RetainedSends retained,
        final ProducerBatcher batcher,
        final ProducerChunker chunker,
        final long producerId,
        final long sendTimeoutNs)
    {
        this.chunker = chunker;
        this.window = window;
        this.room = room;
        this.memoryLimit = memoryLimit;
        this.ingressProxy = ingressProxy;
        this.retained = retained;
        this.batcher = batcher;
        this.producerId = producerId;
        this.sendTimeoutNs = sendTimeoutNs;
    }

    /**
     * @return the producer's batcher, or null if it neither batches nor compresses.
     */
    ProducerBatcher batcher()
    {
        return batcher;
    }

    /**
     * @return false if the last send or offer only added its message to a batch: no frame went out, so running the
     * client's duty cycle for it would only cost time.
     */
    boolean sentFrame()
    {
        return sentFrame;
    }

    /**
     * The Pulsar-shaped send: number the message and hand it on, waiting while the ingress is back pressured.
     *
     * @param key           of the message, or null.
     * @param payload       of the message.
     * @param metadata      of the message, or null.
     * @param pending       its future: completed exceptionally here if the send fails at once.
     * @param bytes         of the message, for the memory limit.
     * @param deadlineNs    bound on waiting for the ingress.
     * @param restoredEpoch of the producer.
     * @return false if another sender took the room or the memory first: wait for room again, outside the lock.
     */
    boolean send(
        final String key,
        final byte[] payload,
        final byte[] metadata,
        final PendingSend pending,
        final int bytes,
        final long deadlineNs,
        final long restoredEpoch)
    {
        final long sequenceId = window.lastOfferedSequenceId() + 1; // sends are numbered under the lock
        if (!window.hasRoom(sequenceId))
        {
            return false;
        }

        if (!memoryLimit.tryReserve(bytes))
        {
            if (room.blocksIfFull())
            {
                return false;
            }
            pending.completeExceptionally(room.memoryFull());
            return true;
        }

        pending.sequenceId = sequenceId;
        try
        {
            final byte[] keyBytes = null == key || (null == batcher && null == chunker) ?
                null : key.getBytes(StandardCharsets.UTF_8);
            if (null != chunker &&
                chunker.send(sequenceId, keyBytes, payload, metadata, pending, bytes, deadlineNs, restoredEpoch))
            {
                return true;
            }
            sentFrame = true;
            if (null != batcher &&
                batcher.add(sequenceId, keyBytes, payload, metadata, pending, bytes, deadlineNs, restoredEpoch))
            {
                sentFrame = batcher.sentFrame();
                return true;
            }

            window.prepare(sequenceId, System.nanoTime() + sendTimeoutNs, pending, bytes);
            try
            {
                // kept until its receipt: offered now, or with the others once a lost session is restored
                final BatchContainer sealed = null == batcher ? null : batcher.sealSingle(payload, metadata);
                if (null == sealed)
                {
                    ingressProxy.send(sequenceId, producerId, System.currentTimeMillis(), key, payload, metadata,
                        deadlineNs, retained.beforeAppend(), restoredEpoch);
                }
                else
                {
                    keyView.wrap(null == keyBytes ? EMPTY : keyBytes);
                    ingressProxy.sendSealed(sequenceId, producerId, keyView, 0, keyView.capacity(), sealed,
                        deadlineNs, retained.beforeAppend(), restoredEpoch);
                }
                window.onOffered(sequenceId);
            }
            catch (final MagnetarClientException | RuntimeException ex)
            {
                window.unprepare(sequenceId);
                throw ex;
            }
        }
        catch (final MagnetarClientException ex)
        {
            pending.completeExceptionally(ex);
        }
        catch (final RuntimeException ex)
        {
            pending.completeExceptionally(new MagnetarClientException("send failed: " + ex.getMessage(), ex));
        }

        return true;
    }

    /**
     * The Aeron-shaped offer: number the message and offer it once, without waiting and without allocating.
     *
     * @param keyBuffer     holding the key, or null if keyLength is 0.
     * @param keyOffset     of the key.
     * @param keyLength     of the key.
     * @param buffer        holding the payload.
     * @param offset        of the payload.
     * @param length        of the payload.
     * @param restoredEpoch of the producer.
     * @return the sequence id if offered, else {@link Producer#BACK_PRESSURED} or the publication's negative result.
     * @throws MagnetarClientException if the frame does not fit the ingress.
     */
    long offer(
        final DirectBuffer keyBuffer,
        final int keyOffset,
        final int keyLength,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long restoredEpoch) throws MagnetarClientException
    {
        sentFrame = true;
        final long sequenceId = window.lastOfferedSequenceId() + 1;
        if (!window.hasRoom(sequenceId) || !memoryLimit.tryReserve(keyLength + length))
        {
            return Publication.BACK_PRESSURED;
        }
        if (null != batcher)
        {
            final long result =
                batcher.offer(sequenceId, keyBuffer, keyOffset, keyLength, buffer, offset, length, restoredEpoch);
            if (ProducerBatcher.GOES_ALONE != result)
            {
                sentFrame = batcher.sentFrame();
                return Publication.MAX_POSITION_EXCEEDED == result ? Publication.CLOSED : result;
            }
        }

        window.prepare(sequenceId, System.nanoTime() + sendTimeoutNs, null, keyLength + length);
        final long result;
        try
        {
            final BatchContainer sealed = null == batcher ? null : batcher.sealSingle(buffer, offset, length);
            result = null == sealed ?
                ingressProxy.trySend(sequenceId, producerId, System.currentTimeMillis(), keyBuffer, keyOffset,
                keyLength, buffer, offset, length, retained.beforeAppend(), restoredEpoch) :
                ingressProxy.trySendSealed(sequenceId, producerId, keyBuffer, keyOffset, keyLength, sealed,
                retained.beforeAppend(), restoredEpoch);
        }
        catch (final MagnetarClientException | RuntimeException ex)
        {
            window.unprepare(sequenceId);
            throw ex;
        }
        if (result > 0)
        {
            window.onOffered(sequenceId);
            return sequenceId;
        }

        window.unprepare(sequenceId);
        return Publication.MAX_POSITION_EXCEEDED == result ? Publication.CLOSED : result;
    }
}

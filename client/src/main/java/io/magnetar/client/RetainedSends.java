package io.magnetar.client;

import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.SendDecoder;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The send frames of one producer, kept from their offer until their receipt, so a restored session gets every send
 * that has none yet again, in order, with its sequence id. A frame is freed lazily, before the next one is added, once
 * its send has completed. Used under the producer's send lock only; no allocation once the ring has grown to the
 * producer's window.
 */
final class RetainedSends
{
    private static final int INITIAL_CAPACITY = 64 * 1024;
    private static final int SEQUENCE_ID_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH +
        SendDecoder.correlationIdEncodingOffset();

    private final ExpandableRingBuffer frames =
        new ExpandableRingBuffer(INITIAL_CAPACITY, ExpandableRingBuffer.MAX_CAPACITY, true);
    private final ExpandableRingBuffer.MessageConsumer releaseCompleted = this::releaseCompleted;
    private final ExpandableRingBuffer.MessageConsumer resendUncompleted = this::resendUncompleted;
    private final SendWindow window;
    private final IngressProxy ingressProxy;
    private long resendDeadlineNs;
    private MagnetarClientException resendFailure;

    /**
     * @param window       whose completed sequences free their frames.
     * @param ingressProxy that offers the frames again.
     */
    RetainedSends(final SendWindow window, final IngressProxy ingressProxy)
    {
        this.window = window;
        this.ingressProxy = ingressProxy;
    }

    /**
     * Free the frames of completed sends, before a new frame is added.
     *
     * @return the ring the next frame is appended to.
     */
    ExpandableRingBuffer beforeAppend()
    {
        frames.consume(releaseCompleted, Integer.MAX_VALUE);
        return frames;
    }

    /**
     * The reconnector's thread: offer every kept frame whose send has not completed, oldest first.
     *
     * @param deadlineNs bound on the offers.
     * @throws MagnetarClientException if a frame could not be offered in time.
     */
    void resend(final long deadlineNs) throws MagnetarClientException
    {
        frames.consume(releaseCompleted, Integer.MAX_VALUE);
        resendDeadlineNs = deadlineNs;
        resendFailure = null;
        frames.forEach(resendUncompleted, Integer.MAX_VALUE);
        if (null != resendFailure)
        {
            throw resendFailure;
        }
    }

    private boolean isCompleted(final MutableDirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SEQUENCE_ID_OFFSET) <= window.lastCompletedSequenceId();
    }

    private boolean releaseCompleted(
        final MutableDirectBuffer buffer, final int offset, final int length, final int headOffset)
    {
        return isCompleted(buffer, offset);
    }

    private boolean resendUncompleted(
        final MutableDirectBuffer buffer, final int offset, final int length, final int headOffset)
    {
        if (isCompleted(buffer, offset))
        {
            return true;
        }
        try
        {
            ingressProxy.resend(buffer, offset, length, resendDeadlineNs);
            return true;
        }
        catch (final MagnetarClientException ex)
        {
            resendFailure = ex;
            return false;
        }
    }
}

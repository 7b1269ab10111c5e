package io.magnetar.client;

import io.magnetar.codecs.ErrorCode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A control request waiting for its answer. The conductor writes the answer fields, then completes the future; the
 * requesting thread reads them after the future completed, so the future orders the writes before the reads.
 */
final class PendingRequest
{
    final long correlationId;
    final int answerTemplateId;

    long answerId;
    long answerValue;
    int answerInt;
    String answerText;
    ErrorCode errorCode;
    String errorText;

    private final CompletableFuture<PendingRequest> answered = new CompletableFuture<>();

    /**
     * @param correlationId    of the request.
     * @param answerTemplateId template id of the answer expected on success.
     */
    PendingRequest(final long correlationId, final int answerTemplateId)
    {
        this.correlationId = correlationId;
        this.answerTemplateId = answerTemplateId;
    }

    /**
     * Conductor: the answer fields are set.
     */
    void onAnswer()
    {
        answered.complete(this);
    }

    /**
     * Conductor: the broker refused the request.
     *
     * @param errorCode from the broker.
     * @param errorText from the broker.
     */
    void onError(final ErrorCode errorCode, final String errorText)
    {
        this.errorCode = errorCode;
        this.errorText = errorText;
        answered.complete(this);
    }

    /**
     * Conductor: the request cannot be answered, e.g. the client closed.
     *
     * @param failure to give the requesting thread.
     */
    void onFailure(final MagnetarClientException failure)
    {
        answered.completeExceptionally(failure);
    }

    /**
     * Wait for the answer.
     *
     * @param timeoutNs longest wait; zero or less checks without waiting.
     * @return true if the request was answered (successfully or with an error), false on timeout.
     * @throws MagnetarClientException if interrupted or if the request failed in the client.
     */
    boolean awaitAnswer(final long timeoutNs) throws MagnetarClientException
    {
        try
        {
            answered.get(Math.max(0, timeoutNs), TimeUnit.NANOSECONDS);
            return true;
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new MagnetarClientException("interrupted while waiting for the broker's answer", ex);
        }
        catch (final ExecutionException ex)
        {
            throw MagnetarClientException.wrap(ex.getCause());
        }
    }

    /**
     * After {@link #awaitAnswer(long)} returned true: throw if the broker refused the request.
     *
     * @param operation what was requested, for the message.
     * @throws MagnetarClientException carrying the broker's code and text.
     */
    void checkError(final String operation) throws MagnetarClientException
    {
        if (null != errorCode)
        {
            throw new MagnetarClientException(
                errorCode, operation + " failed: " + MagnetarClientException.describe(errorCode, errorText));
        }
    }
}

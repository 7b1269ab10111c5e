package io.magnetar.client;

import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A control request waiting for its answer. The conductor writes the answer fields, then completes the future; the
 * requesting thread reads them after the future completed, so the future orders the writes before the reads.
 * <p>
 * A request that every topic shard answers (see {@link #isAnsweredByEveryShard}) completes once answers from as many
 * distinct shards as the answers' shard count have arrived, or on the first error.
 */
final class PendingRequest
{
    final long correlationId;
    final int answerTemplateId;
    final boolean isAnsweredByEveryShard;

    long answerId;
    long answerValue;
    long answerSecondValue;
    int answerInt;
    String answerText;
    /** A whole answer frame (header included), copied, for answers decoded by the requesting thread. */
    byte[] answerFrame;
    MagnetarClientException.ErrorCode errorCode;
    String errorText;

    /**
     * Shards that answered so far, for a request every shard answers; the conductor writes it, any thread may read
     * it, e.g. for the message of a timeout.
     */
    volatile int answeredShardCount;

    /**
     * Shard count the first answer gave, for a request every shard answers.
     */
    volatile int expectedShardCount;

    private final CompletableFuture<PendingRequest> answered = new CompletableFuture<>();
    private BitSet answeredShards;
    /** Each shard's answer text, for a request every shard answers; read after the future completed. */
    String[] shardTexts;

    /**
     * @param correlationId    of the request.
     * @param answerTemplateId template id of the answer expected on success.
     */
    PendingRequest(final long correlationId, final int answerTemplateId)
    {
        this(correlationId, answerTemplateId, false);
    }

    /**
     * @param correlationId          of the request.
     * @param answerTemplateId       template id of the answer expected on success.
     * @param isAnsweredByEveryShard true if every topic shard answers the request, false if one answer completes it.
     */
    PendingRequest(final long correlationId, final int answerTemplateId, final boolean isAnsweredByEveryShard)
    {
        this.correlationId = correlationId;
        this.answerTemplateId = answerTemplateId;
        this.isAnsweredByEveryShard = isAnsweredByEveryShard;
    }

    /**
     * Conductor: one topic shard answered a request that every shard answers. Keeps the text of the lowest shard
     * that answered in {@link #answerText} and the shard count in {@link #answerInt}; a repeated answer of a shard
     * counts once.
     *
     * @param shard      that answered.
     * @param shardCount the answer gives.
     * @param text       of the answer.
     * @return true once every shard answered: call {@link #onAnswer()}; false while answers are missing.
     * @throws IllegalStateException if the shard or shard count is out of range or differs from earlier answers.
     */
    boolean onShardAnswer(final int shard, final int shardCount, final String text)
    {
        if (shardCount <= 0 || shard < 0 || shard >= shardCount)
        {
            throw new IllegalStateException("shard " + shard + " of " + shardCount + " is out of range");
        }

        if (null == answeredShards)
        {
            answeredShards = new BitSet(shardCount);
            shardTexts = new String[shardCount];
            answerInt = shardCount;
            expectedShardCount = shardCount;
        }
        else if (shardCount != answerInt)
        {
            throw new IllegalStateException(
                "shard " + shard + " answered with " + shardCount + " shards, an earlier answer with " + answerInt);
        }

        if (!answeredShards.get(shard))
        {
            if (answeredShards.isEmpty() || shard < answeredShards.nextSetBit(0))
            {
                answerText = text;
            }
            answeredShards.set(shard);
            shardTexts[shard] = text;
            answeredShardCount = answeredShards.cardinality();
        }

        return answeredShards.cardinality() == shardCount;
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
    void onError(final MagnetarClientException.ErrorCode errorCode, final String errorText)
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

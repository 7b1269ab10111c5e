package io.magnetar.client;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongLongPredicate;

/**
 * The conductor's requests waiting for their answers, by correlation id, and the answers it routes to them; also the
 * answers to drop without a word (a best-effort close's). Conductor thread only: other threads change it through the
 * conductor's tasks, which {@link #take(long, int)} runs first when an answer finds no request yet.
 */
final class RequestAnswers
{
    /** No deadline: the answer is not one to drop. */
    static final long NULL_DEADLINE = Long.MIN_VALUE;

    private final Long2ObjectHashMap<PendingRequest> requestByCorrelationId = new Long2ObjectHashMap<>();
    private final Long2LongHashMap ignoredAnswerDeadlineById = new Long2LongHashMap(NULL_DEADLINE);
    private final LongLongPredicate isIgnoredAnswerExpired = this::isIgnoredAnswerExpired;
    private final Runnable runTasks;
    private long nowNs;

    /**
     * @param runTasks runs the conductor's queued tasks (a request registered just before its answer came).
     */
    RequestAnswers(final Runnable runTasks)
    {
        this.runTasks = runTasks;
    }

    /**
     * A request was registered.
     */
    void put(final PendingRequest request)
    {
        requestByCorrelationId.put(request.correlationId, request);
    }

    /**
     * A request timed out or could not be offered: forget it, if it is still the one registered.
     */
    void remove(final PendingRequest request)
    {
        if (requestByCorrelationId.get(request.correlationId) == request)
        {
            requestByCorrelationId.remove(request.correlationId);
        }
    }

    /**
     * Drop the answer to a request nobody waits for until a deadline.
     */
    void ignore(final long correlationId, final long deadlineNs)
    {
        ignoredAnswerDeadlineById.put(correlationId, deadlineNs);
    }

    /**
     * @param correlationId of an error's request; {@link Protocol#NULL_CORRELATION_ID} for none.
     * @return the request it answers, now forgotten, or null.
     */
    PendingRequest takeForError(final long correlationId)
    {
        PendingRequest request = requestByCorrelationId.remove(correlationId);
        if (null == request && Protocol.NULL_CORRELATION_ID != correlationId)
        {
            runTasks.run();
            request = requestByCorrelationId.remove(correlationId);
        }
        return request;
    }

    /**
     * @return true if the answer was one to drop (and is forgotten).
     */
    boolean wasIgnored(final long correlationId)
    {
        return NULL_DEADLINE != ignoredAnswerDeadlineById.remove(correlationId);
    }

    /**
     * Forget the answers to drop whose deadline passed.
     */
    void expireIgnored(final long nowNs)
    {
        if (!ignoredAnswerDeadlineById.isEmpty())
        {
            this.nowNs = nowNs;
            ignoredAnswerDeadlineById.entrySet().removeIfLong(isIgnoredAnswerExpired);
        }
    }

    /**
     * Fail every waiting request.
     *
     * @param failure the requests fail with, or null for a {@code ConnectionLostException} of {@code loss} each.
     * @param loss    why the connection was lost, if {@code failure} is null.
     * @return requests failed.
     */
    int failAll(final MagnetarClientException failure, final String loss)
    {
        int failed = 0;
        if (!requestByCorrelationId.isEmpty())
        {
            for (final PendingRequest request : requestByCorrelationId.values())
            {
                request.onFailure(
                    null != failure ? failure : new MagnetarClientException.ConnectionLostException(loss));
                failed++;
            }
            requestByCorrelationId.clear();
        }
        return failed;
    }

    void onProducerReady(
        final long correlationId,
        final long producerId,
        final long lastSequenceId,
        final long topicEpoch,
        final String producerName)
    {
        final PendingRequest request = take(correlationId, EgressAdapter.PRODUCER_READY);
        if (null != request)
        {
            request.answerId = producerId;
            request.answerValue = lastSequenceId;
            request.answerSecondValue = topicEpoch;
            request.answerText = producerName;
            request.onAnswer();
        }
    }

    void onSubscribed(final long correlationId, final long consumerId)
    {
        final PendingRequest request = take(correlationId, EgressAdapter.SUBSCRIBED);
        if (null != request)
        {
            request.answerId = consumerId;
            request.onAnswer();
        }
    }

    void onSuccess(final long correlationId)
    {
        final PendingRequest request = take(correlationId, EgressAdapter.SUCCESS);
        if (null != request)
        {
            request.onAnswer();
        }
    }

    /**
     * A text answer (internal stats, a namespace list).
     */
    void onTextAnswer(final long correlationId, final int answerTemplateId, final String text)
    {
        final PendingRequest request = take(correlationId, answerTemplateId);
        if (null != request)
        {
            request.answerText = text;
            request.onAnswer();
        }
    }

    /**
     * An answer the requesting thread decodes itself: the whole frame, header included, is copied.
     */
    void onFrameAnswer(
        final long correlationId,
        final int answerTemplateId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final PendingRequest request = take(correlationId, answerTemplateId);
        if (null != request)
        {
            final byte[] frame = new byte[length];
            buffer.getBytes(offset, frame);
            request.answerFrame = frame;
            request.onAnswer();
        }
    }

    /**
     * An answer of a number and a long (a partition count, a last message id).
     */
    void onAnswer(final long correlationId, final int answerTemplateId, final int answerInt, final long answerValue)
    {
        final PendingRequest request = take(correlationId, answerTemplateId);
        if (null != request)
        {
            request.answerInt = answerInt;
            request.answerValue = answerValue;
            request.onAnswer();
        }
    }

    /**
     * One shard's answer to a request that every shard (or one) answers with text.
     */
    void onShardTextAnswer(
        final long correlationId, final int templateId, final int shard, final int shardCount, final String json)
    {
        final PendingRequest request = take(correlationId, templateId);
        if (null == request)
        {
            return;
        }

        if (!request.isAnsweredByEveryShard)
        {
            request.answerText = json;
            request.onAnswer();
            return;
        }

        final boolean isComplete;
        try
        {
            isComplete = request.onShardAnswer(shard, shardCount, json);
        }
        catch (final IllegalStateException ex)
        {
            request.onFailure(new MagnetarClientException(
                "protocol error: the broker answered request " + correlationId + " from " + ex.getMessage()));
            return;
        }

        if (isComplete)
        {
            request.onAnswer();
        }
        else
        {
            requestByCorrelationId.put(correlationId, request); // more shards to come
        }
    }

    void onPong(final long correlationId, final long timestamp)
    {
        final PendingRequest request = take(correlationId, EgressAdapter.PONG);
        if (null != request)
        {
            request.answerValue = timestamp;
            request.onAnswer();
        }
    }

    PendingRequest take(final long correlationId, final int answerTemplateId)
    {
        PendingRequest request = requestByCorrelationId.remove(correlationId);
        if (null == request)
        {
            runTasks.run();
            request = requestByCorrelationId.remove(correlationId);
        }

        if (null == request)
        {
            ignoredAnswerDeadlineById.remove(correlationId);
        }
        else if (request.answerTemplateId != answerTemplateId)
        {
            request.onFailure(new MagnetarClientException(
                "protocol error: the broker answered request " + correlationId + " with template " +
                answerTemplateId + " instead of " + request.answerTemplateId));
            return null;
        }

        return request;
    }

    private boolean isIgnoredAnswerExpired(final long correlationId, final long deadlineNs)
    {
        return nowNs - deadlineNs >= 0;
    }
}

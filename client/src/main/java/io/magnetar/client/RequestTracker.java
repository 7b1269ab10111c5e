package io.magnetar.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request-answer round trips with the broker: correlation ids, registering a request with the conductor before it is
 * offered, forgetting it when the offer fails or the wait ends without an answer, and the checks every request makes
 * first (the client is open, the session is up, the caller is not the conductor thread). Thread-safe.
 * <p>
 * It holds no Aeron resource, so it works on a conductor that does not run, answered by hand in tests.
 */
final class RequestTracker
{
    /**
     * Offers one request to the broker.
     */
    @FunctionalInterface
    interface RequestSender
    {
        /**
         * @param correlationId of the request.
         * @param deadlineNs    bound on the offer.
         * @throws MagnetarClientException if the offer failed.
         */
        void send(long correlationId, long deadlineNs) throws MagnetarClientException;
    }

    private final ClientConductor conductor;
    private final long operationTimeoutNs;
    private final AtomicLong correlationIdGenerator = new AtomicLong(1);
    private final AtomicBoolean isClosed = new AtomicBoolean(false);

    /**
     * @param conductor          that routes the answers.
     * @param operationTimeoutNs bound on each round trip.
     */
    RequestTracker(final ClientConductor conductor, final long operationTimeoutNs)
    {
        this.conductor = conductor;
        this.operationTimeoutNs = operationTimeoutNs;
    }

    /**
     * @return bound on each round trip, in nanoseconds.
     */
    long operationTimeoutNs()
    {
        return operationTimeoutNs;
    }

    /**
     * @return a new correlation id.
     */
    long nextCorrelationId()
    {
        return correlationIdGenerator.getAndIncrement();
    }

    /**
     * @return true once the client is closed or closing.
     */
    boolean isClosed()
    {
        return isClosed.get();
    }

    /**
     * Mark the client closed: from now on every request fails at once.
     *
     * @return true if this call closed it, false if it was closed already.
     */
    boolean markClosed()
    {
        return isClosed.compareAndSet(false, true);
    }

    /**
     * Throw unless the client is open and its session with the broker is up.
     *
     * @throws MagnetarClientException if the client is closed or the session lost.
     */
    void checkOpen() throws MagnetarClientException
    {
        if (isClosed.get())
        {
            throw new MagnetarClientException("the client is closed");
        }
        conductor.liveness().checkConnected();
    }

    /**
     * The checks before a blocking request: the client is open, the session is up, and the caller is not the
     * conductor thread.
     *
     * @param operation for the message.
     * @throws MagnetarClientException if one fails.
     */
    void checkReady(final String operation) throws MagnetarClientException
    {
        checkOpen();
        checkNotConductorThread(operation);
    }

    /**
     * @return true if the calling thread is the conductor thread.
     */
    boolean isConductorThread()
    {
        return conductor.isConductorThread();
    }

    /**
     * Throw on the conductor thread, which would wait for itself.
     *
     * @param operation for the message.
     * @throws MagnetarClientException on the conductor thread.
     */
    void checkNotConductorThread(final String operation) throws MagnetarClientException
    {
        if (conductor.isConductorThread())
        {
            throw new MagnetarClientException("cannot " + operation + " on the client's conductor thread: " +
                "it would wait for itself (do not block in callbacks of futures the client completes)");
        }
    }

    /**
     * Register a request that one answer completes.
     *
     * @param answerTemplateId of the answer expected on success.
     * @param deadlineNs       bound on waiting for room in the conductor's task queue.
     * @return the request, registered.
     * @throws MagnetarClientException if the client is closed or the task queue stays full.
     */
    PendingRequest register(final int answerTemplateId, final long deadlineNs) throws MagnetarClientException
    {
        final PendingRequest request = new PendingRequest(nextCorrelationId(), answerTemplateId);
        conductor.addRequest(request, deadlineNs);
        return request;
    }

    /**
     * Register a request that every topic shard answers.
     *
     * @param answerTemplateId of the answers expected on success.
     * @param deadlineNs       bound on waiting for room in the conductor's task queue.
     * @return the request, registered.
     * @throws MagnetarClientException if the client is closed or the task queue stays full.
     */
    PendingRequest registerForEveryShard(final int answerTemplateId, final long deadlineNs)
        throws MagnetarClientException
    {
        final PendingRequest request = new PendingRequest(nextCorrelationId(), answerTemplateId, true);
        conductor.addRequest(request, deadlineNs);
        return request;
    }

    /**
     * Offer a registered request; if that fails, the request is forgotten so no answer waits for it.
     *
     * @param request    registered.
     * @param deadlineNs bound on the offer.
     * @param sender     that offers it.
     * @throws MagnetarClientException if the offer failed.
     */
    void send(final PendingRequest request, final long deadlineNs, final RequestSender sender)
        throws MagnetarClientException
    {
        try
        {
            sender.send(request.correlationId, deadlineNs);
        }
        catch (final MagnetarClientException ex)
        {
            conductor.removeRequest(request);
            throw ex;
        }
    }

    /**
     * Wait for the answer to a request that was offered; the request is forgotten if the wait fails.
     *
     * @param request    offered.
     * @param deadlineNs bound on the wait.
     * @param operation  for messages.
     * @throws MagnetarClientException.TimeoutException if no answer came in time.
     * @throws MagnetarClientException                  if the broker refused or the request failed in the client.
     */
    void await(final PendingRequest request, final long deadlineNs, final String operation)
        throws MagnetarClientException
    {
        final boolean answered;
        try
        {
            answered = request.awaitAnswer(deadlineNs - System.nanoTime());
        }
        catch (final MagnetarClientException ex)
        {
            conductor.removeRequest(request);
            throw ex;
        }

        if (!answered)
        {
            conductor.removeRequest(request);
            throw new MagnetarClientException.TimeoutException(operation + " timed out: no answer from the broker " +
                "within " + TimeUnit.NANOSECONDS.toMillis(operationTimeoutNs) + " ms");
        }

        request.checkError(operation);
    }

    /**
     * A whole round trip of a request that one answer completes, bounded by the operation timeout: register,
     * offer, wait.
     *
     * @param answerTemplateId of the answer expected on success.
     * @param operation        for messages.
     * @param sender           that offers the request.
     * @return the answered request, to read the answer from.
     * @throws MagnetarClientException if the offer failed, the broker refused, or no answer came in time.
     */
    PendingRequest call(final int answerTemplateId, final String operation, final RequestSender sender)
        throws MagnetarClientException
    {
        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        final PendingRequest request = register(answerTemplateId, deadlineNs);
        send(request, deadlineNs, sender);
        await(request, deadlineNs, operation);
        return request;
    }

    /**
     * Throw if the broker is older than a feature.
     *
     * @param brokerProtocolVersion of the broker.
     * @param protocolVersion       that brought the feature.
     * @param feature               for the message.
     * @throws MagnetarClientException if the broker's protocol version is lower.
     */
    static void checkBrokerSupports(final int brokerProtocolVersion, final int protocolVersion, final String feature)
        throws MagnetarClientException
    {
        if (brokerProtocolVersion < protocolVersion)
        {
            throw new MagnetarClientException(
                "the broker (protocol version " + brokerProtocolVersion + ") does not support " + feature);
        }
    }

    /**
     * Drop the answer to a request without a waiting caller instead of reporting it as unexpected.
     *
     * @param correlationId of the request.
     * @param deadlineNs    after which a late answer is no longer expected.
     */
    void ignoreAnswer(final long correlationId, final long deadlineNs)
    {
        conductor.ignoreAnswer(correlationId, deadlineNs);
    }
}

package io.magnetar.client;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * The consumers of one client: subscribing on the broker, closing there, and keeping the open ones so the client can
 * close them when it closes. Thread-safe.
 */
final class ConsumerRegistry
{
    private final Connector connector;
    private final Object lock = new Object();
    private final Long2ObjectHashMap<ConsumerImpl> consumerById = new Long2ObjectHashMap<>();

    private final ProducerRegistry producers;

    /**
     * @param connector the session the consumers use.
     */
    ConsumerRegistry(final Connector connector, final ProducerRegistry producers)
    {
        this.connector = connector;
        this.producers = producers;
    }

    /**
     * @return the client's requests, which know the conductor thread.
     */
    RequestTracker requests()
    {
        return connector.requests();
    }

    /**
     * @return the client's operation timeout.
     */
    long operationTimeoutNs()
    {
        return connector.operationTimeoutNs();
    }

    /**
     * @return the client's producers' registry, which also knows partition counts and watches them.
     */
    ProducerRegistry producers()
    {
        return producers;
    }

    /**
     * Subscribe on the broker, wait for the confirmation and grant the first permits. The consumer is routed to
     * before the request is offered, so no pushed message is missed.
     *
     * @param topic             full topic name.
     * @param subscription      name.
     * @param consumerName      optional, may be empty.
     * @param subscriptionType  of a new subscription.
     * @param initialPosition   of a new subscription.
     * @param receiverQueueSize most messages the broker pushes ahead.
     * @param ackReceiptEnabled whether acknowledgements wait for the broker.
     * @param consumerSettings     how chunked messages are put together.
     * @return the consumer.
     * @throws MagnetarClientException if the client is closed, the broker refused, or did not answer in time.
     */
    ConsumerImpl subscribe(
        final String topic,
        final String subscription,
        final String consumerName,
        final SubscriptionType subscriptionType,
        final InitialPosition initialPosition,
        final int receiverQueueSize,
        final int receiveBufferLength,
        final boolean ackReceiptEnabled,
        final ConsumerSettings consumerSettings) throws MagnetarClientException
    {
        final RequestTracker requests = connector.requests();
        final ConsumerRequestProxy consumerRequests = connector.consumerRequests();
        final ClientConductor conductor = connector.conductor();
        requests.checkReady("subscribe");
        final long deadlineNs = System.nanoTime() + connector.operationTimeoutNs();
        final long consumerId = connector.nextResourceId();
        final String operation = "subscribe to topic '" + topic + "' as subscription '" + subscription + "'";
        final ConsumerImpl consumer = new ConsumerImpl(
            this, connector, consumerId, topic, subscription, consumerName, subscriptionType, receiverQueueSize,
            receiveBufferLength, ackReceiptEnabled, consumerSettings);

        conductor.addConsumer(consumer, deadlineNs);
        final PendingRequest request;
        try
        {
            request = requests.register(EgressAdapter.SUBSCRIBED, deadlineNs);
            requests.send(request, deadlineNs, (correlationId, offerDeadlineNs) -> consumerRequests.subscribe(
                correlationId,
                consumerId,
                subscriptionType,
                initialPosition,
                consumerSettings.priorityLevel,
                topic,
                subscription,
                consumerName,
                consumerSettings.start,
                consumerSettings.keySharedPolicy,
                offerDeadlineNs));

            try
            {
                requests.await(request, deadlineNs, operation);
            }
            catch (final MagnetarClientException.TimeoutException ex)
            {
                connector.closeOrphanOnBroker(
                    (correlationId, offerDeadlineNs) -> consumerRequests.closeConsumer(correlationId, consumerId,
                    offerDeadlineNs),
                    ex);
                throw ex;
            }
        }
        catch (final MagnetarClientException ex)
        {
            conductor.removeConsumer(consumer, deadlineNs);
            throw ex;
        }

        try
        {
            if (request.answerId != consumerId)
            {
                throw new MagnetarClientException(operation + " failed: the broker answered for consumer id " +
                    request.answerId + " instead of " + consumerId);
            }

            consumer.start(deadlineNs);
            synchronized (lock)
            {
                if (!connector.isClosed())
                {
                    consumerById.put(consumerId, consumer);
                    return consumer;
                }
            }
            throw new MagnetarClientException("the client is closed");
        }
        catch (final MagnetarClientException ex)
        {
            try
            {
                consumer.close(deadlineNs, true);
            }
            catch (final MagnetarClientException closeEx)
            {
                ex.addSuppressed(closeEx);
            }
            throw ex;
        }
    }

    /**
     * Ask the broker to close a consumer and wait for the answer; nothing to do if the session is lost.
     *
     * @param consumerId   of the consumer.
     * @param topic        for messages.
     * @param subscription for messages.
     * @param deadlineNs   bound on the wait.
     * @throws MagnetarClientException if the broker refused or did not answer in time.
     */
    void closeOnBroker(final long consumerId, final String topic, final String subscription, final long deadlineNs)
        throws MagnetarClientException
    {
        final ConsumerRequestProxy consumerRequests = connector.consumerRequests();
        connector.closeOnBroker(
            (correlationId, offerDeadlineNs) -> consumerRequests.closeConsumer(correlationId, consumerId,
            offerDeadlineNs),
            deadlineNs,
            "close consumer of topic '" + topic + "' subscription '" + subscription + "'");
    }

    /**
     * The consumer closed: stop routing to it and forget it.
     *
     * @param consumer   closed.
     * @param deadlineNs bound on waiting for the conductor.
     */
    void onClosed(final ConsumerImpl consumer, final long deadlineNs)
    {
        connector.conductor().removeConsumer(consumer, deadlineNs);
        synchronized (lock)
        {
            consumerById.remove(consumer.consumerId());
        }
    }

    /**
     * Close every open consumer; the client is closing.
     *
     * @param deadlineNs      bound on the whole close.
     * @param brokerReachable false to close in the client only.
     * @param failure         so far, or null.
     * @return the first failure, with later ones suppressed, or null.
     */
    MagnetarClientException closeAll(
        final long deadlineNs, final boolean brokerReachable, final MagnetarClientException failure)
    {
        final ConsumerImpl[] consumers;
        synchronized (lock)
        {
            consumers = consumerById.values().toArray(new ConsumerImpl[0]);
        }

        MagnetarClientException result = failure;
        for (final ConsumerImpl consumer : consumers)
        {
            try
            {
                consumer.close(deadlineNs, brokerReachable);
            }
            catch (final MagnetarClientException ex)
            {
                result = Connector.addFailure(result, ex);
            }
        }

        return result;
    }

    /**
     * @throws MagnetarClientException if the broker speaks a protocol older than {@code protocolVersion}.
     */
    void checkBrokerSupports(final int protocolVersion, final String feature) throws MagnetarClientException
    {
        connector.checkBrokerSupports(protocolVersion, feature);
    }

    /**
     * Move a consumer's subscription to a message or a time, as Pulsar's {@code seek}: the broker forgets the
     * consumer, the subscription is reset (for all its consumers), what the consumer had received is dropped, and it
     * subscribes again and grants a full receiver queue.
     *
     * @param consumer    that seeks.
     * @param messageId   to go to ({@link MessageId#EARLIEST}, {@link MessageId#LATEST} or an id), or null.
     * @param publishTime to go to if the id is null.
     * @throws MagnetarClientException if the broker refused or did not answer in time.
     */
    void seek(final ConsumerImpl consumer, final MessageId messageId, final long publishTime)
        throws MagnetarClientException
    {
        if (null == messageId && publishTime < 0)
        {
            throw new MagnetarClientException("message id is null");
        }
        connector.checkBrokerSupports(8, "seek");
        connector.requests().checkNotConductorThread("seek");
        final long deadlineNs = System.nanoTime() + connector.operationTimeoutNs();
        final String topic = consumer.getTopic();
        final String subscription = consumer.getSubscription();
        consumer.flushAcks(deadlineNs); // the grouped acks go before the consumer leaves the broker
        closeOnBroker(consumer.consumerId(), topic, subscription, deadlineNs);
        final ConsumerPermits permits = consumer.discardReceived();
        try
        {
            if (null == messageId)
            {
                producers.topics().resetCursor(topic, subscription, publishTime);
            }
            else if (MessageId.LATEST == messageId)
            {
                producers.topics().resetCursor(topic, subscription, Long.MAX_VALUE);
            }
            else
            {
                producers.topics().resetCursor(topic, subscription, messageId);
            }
        }
        finally
        {
            // a refused or failed reset leaves the consumer where it was, attached again
            subscribeOnBroker(consumer, deadlineNs);
            permits.start(deadlineNs, consumer.restoredEpoch());
        }
    }

    /**
     * Delete a consumer's subscription on the broker; the consumer is then closed by the caller.
     *
     * @throws MagnetarClientException if the broker refused (other consumers), is too old, or did not answer.
     */
    void unsubscribe(final ConsumerImpl consumer) throws MagnetarClientException
    {
        connector.checkBrokerSupports(9, "unsubscribe");
        connector.requests().call(EgressAdapter.SUCCESS,
            "unsubscribe from topic '" + consumer.getTopic() + "' subscription '" + consumer.getSubscription() + "'",
            (correlationId, deadlineNs) ->
            connector.consumerRequests().unsubscribe(correlationId, consumer.consumerId(), deadlineNs));
    }

    /**
     * The id of the last message stored on a consumer's topic.
     *
     * @return it, or null if the topic holds none.
     * @throws MagnetarClientException if the broker did not answer in time.
     */
    MessageId lastMessageId(final ConsumerImpl consumer) throws MagnetarClientException
    {
        connector.checkBrokerSupports(8, "the last message id (hasMessageAvailable)");
        final PendingRequest request = connector.requests().call(EgressAdapter.LAST_MESSAGE_ID,
            "last message id of topic '" + consumer.getTopic() + "'", (correlationId, deadlineNs) ->
            connector.consumerRequests().getLastMessageId(correlationId, consumer.consumerId(), deadlineNs));
        return request.answerInt < 0 ? null : new MessageId(request.answerInt, request.answerValue);
    }

    /**
     * Subscribe a consumer on the broker again after the session was restored: same id, topic, subscription, type
     * and name; the subscription's cursor decides where it resumes (earliest only if the broker lost it).
     *
     * @param consumer   to subscribe again.
     * @param deadlineNs bound on the request.
     * @throws MagnetarClientException if the broker refused or did not answer in time.
     */
    void subscribeOnBroker(final ConsumerImpl consumer, final long deadlineNs) throws MagnetarClientException
    {
        final RequestTracker requests = connector.requests();
        final ConsumerRequestProxy consumerRequests = connector.consumerRequests();
        final PendingRequest request = requests.register(EgressAdapter.SUBSCRIBED, deadlineNs);
        requests.send(request, deadlineNs, (correlationId, offerDeadlineNs) -> consumerRequests.subscribe(
            correlationId,
            consumer.consumerId(),
            consumer.getSubscriptionType(),
            InitialPosition.EARLIEST,
            consumer.settings().priorityLevel,
            consumer.getTopic(),
            consumer.getSubscription(),
            consumer.getConsumerName(),
            consumer.restartPoint(),
            consumer.settings().keySharedPolicy,
            offerDeadlineNs));
        requests.await(request, deadlineNs, "subscribe to topic '" + consumer.getTopic() + "' as subscription '" +
            consumer.getSubscription() + "' again after a reconnect");
    }

    /**
     * @return the open consumers, for the reconnector.
     */
    ConsumerImpl[] consumers()
    {
        synchronized (lock)
        {
            return consumerById.values().toArray(new ConsumerImpl[0]);
        }
    }
}

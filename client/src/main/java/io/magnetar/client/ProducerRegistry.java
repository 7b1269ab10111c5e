package io.magnetar.client;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * The producers of one client: creating them on the broker, closing them there, and keeping the open ones so the
 * client can close them when it closes. Thread-safe.
 */
final class ProducerRegistry
{
    private final Connector connector;
    private final MemoryLimit memoryLimit;
    private final Object lock = new Object();
    private final Long2ObjectHashMap<ProducerImpl> producerById = new Long2ObjectHashMap<>();
    private final Topics topics;
    private final Namespaces namespaces;
    private final PartitionsWatcher partitionsWatcher;

    /**
     * @param connector   the session the producers use.
     * @param memoryLimit of the client, shared by its producers.
     * @param admin       the client's administration: partition counts, topics of a namespace.
     */
    ProducerRegistry(final Connector connector, final MemoryLimit memoryLimit, final AdminClient admin)
    {
        final Topics topics = admin.topics();
        this.namespaces = admin.namespaces();
        this.connector = connector;
        this.memoryLimit = memoryLimit;
        this.topics = topics;
        this.partitionsWatcher = new PartitionsWatcher(connector);
    }

    /**
     * @param topic full name of a topic.
     * @return its partition count from the broker, or 0 if it is not partitioned (always 0 from a broker before
     * protocol version 6, which has no partitioned topics).
     * @throws MagnetarClientException if the broker did not answer.
     */
    int partitionsOf(final String topic) throws MagnetarClientException
    {
        return connector.brokerProtocolVersion() < 6 ? 0 : topics.getPartitionedTopicMetadata(topic).partitions;
    }

    /**
     * @return namespace administration, for pattern consumers' discovery.
     */
    Namespaces namespaces()
    {
        return namespaces;
    }

    /**
     * @return topic administration, for partitioned producers and consumers.
     */
    Topics topics()
    {
        return topics;
    }

    /**
     * @return the client's watcher of partition counts, shared with the consumers.
     */
    PartitionsWatcher partitionsWatcher()
    {
        return partitionsWatcher;
    }

    /**
     * Create a producer on the broker, wait until it is ready, and route its receipts.
     *
     * @param topic              full topic name.
     * @param producerName       asked for, or empty to let the broker choose.
     * @param maxPendingMessages most sends waiting for a receipt.
     * @param receiptHandler     for the outcome of offers, or null.
     * @param accessMode         how the producer shares its topic; {@code WAIT_FOR_EXCLUSIVE} waits without a
     *                           timeout.
     * @return the producer.
     * @throws MagnetarClientException if the client is closed, the broker refused, or did not answer in time.
     */
    ProducerImpl create(
        final String topic,
        final String producerName,
        final int maxPendingMessages,
        final SendReceiptHandler receiptHandler,
        final long sendTimeoutNs,
        final boolean blockIfQueueFull,
        final ProducerAccessMode accessMode,
        final BatchSettings batchSettings) throws MagnetarClientException
    {
        if (batchSettings.usesContainer() || batchSettings.chunkingEnabled)
        {
            connector.checkBrokerSupports(6, "batching, compression and chunking");
        }
        final RequestTracker requests = connector.requests();
        final IngressProxy ingressProxy = connector.ingressProxy();
        requests.checkReady("create a producer");
        final long deadlineNs = System.nanoTime() + connector.operationTimeoutNs();
        final long producerId = connector.nextResourceId();
        final String operation = "create producer on topic '" + topic + "'";

        // waiting for exclusive access has no timeout: the broker answers once the topic is free
        final long answerDeadlineNs =
            ProducerAccessMode.WAIT_FOR_EXCLUSIVE == accessMode ? deadlineNs + Long.MAX_VALUE / 4 : deadlineNs;
        final PendingRequest request = requests.register(EgressAdapter.PRODUCER_READY, answerDeadlineNs);
        requests.send(request, deadlineNs, (correlationId, offerDeadlineNs) -> ingressProxy.createProducer(
            correlationId, producerId, topic, producerName, accessMode, -1, offerDeadlineNs));

        try
        {
            requests.await(request, answerDeadlineNs, operation);
        }
        catch (final MagnetarClientException ex)
        {
            if (!(ex instanceof MagnetarClientException.TimeoutException) &&
                !(ProducerAccessMode.WAIT_FOR_EXCLUSIVE == accessMode && Thread.currentThread().isInterrupted()))
            {
                throw ex; // refused: nothing was created on the broker
            }
            // no answer in time, or a wait for exclusive access given up (interrupted): the broker may still create
            // it, or hold the waiting create, so close it there
            connector.closeOrphanOnBroker(
                (correlationId, offerDeadlineNs) -> ingressProxy.closeProducer(correlationId, producerId,
                offerDeadlineNs),
                ex);
            throw ex;
        }

        if (request.answerId != producerId)
        {
            throw new MagnetarClientException(operation + " failed: the broker answered for producer id " +
                request.answerId + " instead of " + producerId);
        }

        final String name = null == request.answerText || request.answerText.isEmpty() ?
            producerName : request.answerText;
        final ProducerImpl producer = new ProducerImpl(this, connector, producerId, topic, name, request.answerValue,
            maxPendingMessages, receiptHandler, sendTimeoutNs < 0 ? connector.operationTimeoutNs() : sendTimeoutNs,
            blockIfQueueFull, memoryLimit, accessMode, request.answerSecondValue, batchSettings);
        try
        {
            connector.conductor().addProducer(producer, deadlineNs);
            synchronized (lock)
            {
                if (!connector.isClosed())
                {
                    producerById.put(producerId, producer);
                    return producer;
                }
            }
            throw new MagnetarClientException("the client is closed");
        }
        catch (final MagnetarClientException ex)
        {
            try
            {
                producer.close(deadlineNs, true);
            }
            catch (final MagnetarClientException closeEx)
            {
                ex.addSuppressed(closeEx);
            }
            throw ex;
        }
    }

    /**
     * Create a producer on the broker again after the session was restored: same id, topic and name.
     *
     * @param producerId   of the producer.
     * @param topic        of the producer.
     * @param producerName of the producer.
     * @param accessMode   of the producer.
     * @param topicEpoch   the topic epoch an exclusive producer held, or -1: a lower one than the topic's is fenced.
     * @param deadlineNs   bound on the request.
     * @return the topic epoch the producer holds now, or a negative value for a shared one.
     * @throws MagnetarClientException if the broker refused or did not answer in time.
     */
    long createOnBroker(
        final long producerId,
        final String topic,
        final String producerName,
        final ProducerAccessMode accessMode,
        final long topicEpoch,
        final long deadlineNs) throws MagnetarClientException
    {
        final RequestTracker requests = connector.requests();
        final IngressProxy ingressProxy = connector.ingressProxy();
        final PendingRequest request = requests.register(EgressAdapter.PRODUCER_READY, deadlineNs);
        requests.send(request, deadlineNs, (correlationId, offerDeadlineNs) -> ingressProxy.createProducer(
            correlationId, producerId, topic, producerName, accessMode, topicEpoch, offerDeadlineNs));
        requests.await(request, deadlineNs, "create producer on topic '" + topic + "' again after a reconnect");

        return request.answerSecondValue;
    }

    /**
     * @return the open producers, for the reconnector.
     */
    ProducerImpl[] producers()
    {
        synchronized (lock)
        {
            return producerById.values().toArray(new ProducerImpl[0]);
        }
    }

    /**
     * Ask the broker to close a producer and wait for the answer; nothing to do if the session is lost.
     *
     * @param producerId of the producer.
     * @param topic      for messages.
     * @param deadlineNs bound on the wait.
     * @throws MagnetarClientException if the broker refused or did not answer in time.
     */
    void closeOnBroker(final long producerId, final String topic, final long deadlineNs)
        throws MagnetarClientException
    {
        final IngressProxy ingressProxy = connector.ingressProxy();
        connector.closeOnBroker(
            (correlationId, offerDeadlineNs) -> ingressProxy.closeProducer(correlationId, producerId, offerDeadlineNs),
            deadlineNs,
            "close producer on topic '" + topic + "'");
    }

    /**
     * The producer closed: stop routing to it, fail its pending sends, and forget it.
     *
     * @param producer   closed.
     * @param deadlineNs bound on waiting for the conductor.
     */
    void onClosed(final ProducerImpl producer, final long deadlineNs)
    {
        connector.conductor().removeProducer(
            producer, "the producer closed before the broker sent a receipt", deadlineNs);
        synchronized (lock)
        {
            producerById.remove(producer.producerId());
        }
    }

    /**
     * Close every open producer; the client is closing.
     *
     * @param deadlineNs      bound on the whole close.
     * @param brokerReachable false to close in the client only.
     * @param failure         so far, or null.
     * @return the first failure, with later ones suppressed, or null.
     */
    MagnetarClientException closeAll(
        final long deadlineNs, final boolean brokerReachable, final MagnetarClientException failure)
    {
        partitionsWatcher.close();
        final ProducerImpl[] producers;
        synchronized (lock)
        {
            producers = producerById.values().toArray(new ProducerImpl[0]);
        }

        MagnetarClientException result = failure;
        for (final ProducerImpl producer : producers)
        {
            try
            {
                producer.close(deadlineNs, brokerReachable);
            }
            catch (final MagnetarClientException ex)
            {
                result = Connector.addFailure(result, ex);
            }
        }

        return result;
    }
}

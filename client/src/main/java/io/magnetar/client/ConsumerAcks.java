package io.magnetar.client;

/**
 * A consumer's acknowledgements: a batch's messages counted until the entry is done ({@link BatchAcks}), a chunked
 * message's chunks acknowledged with it ({@link ChunkAssembler}), then the entry's ack sent at once, grouped
 * ({@link AckGrouper}), or with a receipt awaited ({@code ackReceiptEnabled}); and its negative acknowledgements and
 * ack timeout ({@link NegativeAcks}). Thread-safe: many threads may acknowledge at once.
 */
final class ConsumerAcks
{
    private final Connector connector;
    private final RequestTracker requests;
    private final SessionLiveness liveness;
    private final IngressProxy ingressProxy;
    private final long consumerId;
    private final long operationTimeoutNs;
    private final boolean ackReceiptEnabled;
    private final BatchAcks batchAcks;
    private final AckGrouper ackGrouper;
    private final NegativeAcks negativeAcks;
    private ChunkAssembler chunks;

    /**
     * @param connector         of the client.
     * @param consumerId        of the consumer.
     * @param ackReceiptEnabled whether each ack waits for the broker to store it.
     * @param batchAcks         of the consumer's batches.
     * @param settings          of the consumer: the ack grouping.
     */
    ConsumerAcks(
        final Connector connector,
        final long consumerId,
        final boolean ackReceiptEnabled,
        final BatchAcks batchAcks,
        final ConsumerSettings settings)
    {
        this.connector = connector;
        this.requests = connector.requests();
        this.liveness = connector.liveness();
        this.ingressProxy = connector.ingressProxy();
        this.consumerId = consumerId;
        this.operationTimeoutNs = connector.operationTimeoutNs();
        this.ackReceiptEnabled = ackReceiptEnabled;
        this.batchAcks = batchAcks;
        this.ackGrouper = settings.acknowledgmentGroupTimeNs > 0 && !ackReceiptEnabled ? new AckGrouper(
            ingressProxy, requests, consumerId, settings.acknowledgmentGroupTimeNs,
            settings.maxAcknowledgmentGroupSize) : null;
        this.negativeAcks = new NegativeAcks(ingressProxy, requests, consumerId, settings);
    }

    /**
     * @param chunks the consumer's chunk assembler, whose messages' chunks are acknowledged together.
     */
    void chunks(final ChunkAssembler chunks)
    {
        this.chunks = chunks;
    }

    /**
     * Acknowledge a message by its id's parts.
     *
     * @param shard      of the entry.
     * @param position   of the entry.
     * @param batchIndex of the message in its batch, or -1.
     * @param batchSize  of the batch, 0 if none, -1 if unknown.
     * @param restoredEpoch of the consumer: its acks go out once it is restored in the session's epoch.
     * @throws MagnetarClientException if the ack could not be sent, or the batch size is unknown.
     */
    void acknowledge(
        final int shard, final long position, final int batchIndex, final int batchSize, final long restoredEpoch)
        throws MagnetarClientException
    {
        if (batchIndex >= 0 && batchSize < 1)
        {
            throw new MagnetarClientException("message id " + shard + ":" + position + ":" + batchIndex + " does " +
                "not say how many messages its batch holds (an id parsed from text): acknowledge the id the " +
                "consumer gave, or the whole entry with acknowledge(shard, position)");
        }
        if (batchIndex >= 0 && !batchAcks.ack(shard, position, batchIndex, batchSize))
        {
            return; // the entry is acknowledged once each of its messages is
        }
        acknowledgeEntry(shard, position, restoredEpoch);
    }

    /**
     * Acknowledge an entry: a message, every message of a batch, or every chunk of a chunked message.
     *
     * @param shard    of the entry.
     * @param position of the entry (a chunked message's first chunk).
     * @param restoredEpoch of the consumer.
     * @throws MagnetarClientException if the ack could not be sent.
     */
    void acknowledgeEntry(final int shard, final long position, final long restoredEpoch)
        throws MagnetarClientException
    {
        batchAcks.onEntryAcked(position);
        final long[] chunkPositions = chunks.takeChunkPositions(position);
        if (null != chunkPositions)
        {
            for (int i = 1; i < chunkPositions.length; i++)
            {
                send(shard, chunkPositions[i], restoredEpoch); // the first chunk's is the message's own, below
            }
        }
        send(shard, position, restoredEpoch);
    }

    /**
     * Acknowledge an entry the consumer dropped (unreadable, or a chunked message that cannot complete), reporting a
     * failure to the error handler rather than to a caller.
     *
     * @param shard    of the entry.
     * @param position of the entry.
     * @param restoredEpoch of the consumer.
     */
    void ackDropped(final int shard, final long position, final long restoredEpoch)
    {
        batchAcks.onEntryAcked(position);
        try
        {
            ingressProxy.ack(requests.nextCorrelationId(), consumerId, shard, position,
                System.nanoTime() + operationTimeoutNs, restoredEpoch);
        }
        catch (final MagnetarClientException ex)
        {
            connector.errorHandler().onError(ex);
        }
    }

    /**
     * @return true if the conductor must look at this consumer's acks every cycle: they wait in groups, or handed out
     * messages are timed for the ack timeout.
     */
    boolean hasTimers()
    {
        return null != ackGrouper || negativeAcks.tracksAckTimeout();
    }

    /**
     * @return true if handed out messages are timed for the ack timeout.
     */
    boolean tracksAckTimeout()
    {
        return negativeAcks.tracksAckTimeout();
    }

    /**
     * Acknowledge every message up to and including one, as Pulsar's cumulative ack: the entries before its entry,
     * its entry too if it is a plain message or the last of its batch, else the batch's messages up to it.
     *
     * @param shard         of the entry.
     * @param position      of the entry.
     * @param batchIndex    of the message in its batch, or -1.
     * @param batchSize     of the batch, 0 if none.
     * @param restoredEpoch of the consumer.
     * @throws MagnetarClientException if the ack could not be sent.
     */
    void acknowledgeCumulative(
        final int shard, final long position, final int batchIndex, final int batchSize, final long restoredEpoch)
        throws MagnetarClientException
    {
        boolean inclusive = batchIndex < 0 || batchIndex >= batchSize - 1;
        for (int i = 0; !inclusive && i <= batchIndex; i++)
        {
            inclusive = batchAcks.ack(shard, position, i, batchSize); // the rest was acknowledged one by one
        }
        if (inclusive)
        {
            batchAcks.onEntryAcked(position);
        }
        liveness.checkConnected();
        flush(System.nanoTime() + operationTimeoutNs, restoredEpoch);
        negativeAcks.onAckedUpTo(inclusive ? position : position - 1);
        connector.consumerRequests().ackCumulative(requests.nextCorrelationId(), consumerId, shard, position, inclusive,
            System.nanoTime() + operationTimeoutNs, restoredEpoch);
    }

    /**
     * Negatively acknowledge an entry: it goes again once its delay passed.
     *
     * @param shard           of the entry.
     * @param position        of the entry.
     * @param redeliveryCount of the message, for the backoff.
     */
    void negativeAcknowledge(final int shard, final long position, final int redeliveryCount)
    {
        negativeAcks.negativeAcknowledge(shard, position, redeliveryCount, System.nanoTime());
    }

    /**
     * A message was handed out: with an ack timeout it goes again unless acknowledged in time.
     */
    void onHandedOut(final int shard, final long position)
    {
        negativeAcks.onHandedOut(shard, position, System.nanoTime());
    }

    /**
     * Conductor: send the grouped acks if the oldest has waited long enough, and ask for what is due to go again;
     * never waits.
     *
     * @param nowNs         current {@link System#nanoTime()}.
     * @param restoredEpoch of the consumer.
     * @return frames sent.
     */
    int onTimers(final long nowNs, final long restoredEpoch)
    {
        final int grouped = null == ackGrouper ? 0 : ackGrouper.flushIfDue(nowNs, restoredEpoch);
        return grouped + negativeAcks.redeliverIfDue(nowNs, restoredEpoch);
    }

    /**
     * Send the grouped acks: the consumer closes.
     *
     * @param deadlineNs    bound on the wait.
     * @param restoredEpoch of the consumer.
     * @throws MagnetarClientException if they could not be offered in time.
     */
    void flush(final long deadlineNs, final long restoredEpoch) throws MagnetarClientException
    {
        if (null != ackGrouper)
        {
            ackGrouper.flush(deadlineNs, restoredEpoch);
        }
    }

    private void send(final int shard, final long position, final long restoredEpoch)
        throws MagnetarClientException
    {
        liveness.checkConnected();
        negativeAcks.onAcked(position);
        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        if (null != ackGrouper)
        {
            ackGrouper.add(shard, position, deadlineNs, restoredEpoch);
        }
        else if (ackReceiptEnabled)
        {
            connector.checkBrokerSupports(2, "acknowledgement receipts");
            final PendingRequest request = requests.register(EgressAdapter.SUCCESS, deadlineNs);
            requests.send(request, deadlineNs, (correlationId, offerDeadlineNs) ->
                connector.consumerRequests().ackWithReceipt(
                correlationId, consumerId, shard, position, offerDeadlineNs));
            requests.await(request, deadlineNs, "acknowledge " + shard + ":" + position);
        }
        else
        {
            ingressProxy.ack(requests.nextCorrelationId(), consumerId, shard, position, deadlineNs, restoredEpoch);
        }
    }
}

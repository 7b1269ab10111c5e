package io.magnetar.client;

import org.agrona.DirectBuffer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A producer of a partitioned topic: one {@link ProducerImpl} per partition, each message routed by its
 * {@link PartitionRouter}; the message ids it answers carry their partition. Partitions added to the topic are picked
 * up by the client's {@link PartitionsWatcher}, which creates their producers and publishes the longer array; sends
 * read the array once each, so they never wait for it. Sequence ids are per partition.
 */
final class PartitionedProducer implements Producer, MessageSink, PartitionsWatcher.Watched
{
    private final String topic;
    private final String producerName;
    private final PartitionRouter router;
    private final Topics topics;
    private final ScheduledFuture<?> watch;
    private final Partitions<ProducerImpl> partitions;

    private PartitionedProducer(
        final String topic,
        final String producerName,
        final PartitionRouter router,
        final Topics topics,
        final Partitions<ProducerImpl> partitions,
        final PartitionsWatcher watcher,
        final long updateIntervalNs)
    {
        this.topic = topic;
        this.producerName = producerName;
        this.router = router;
        this.topics = topics;
        this.partitions = partitions;
        this.watch = updateIntervalNs > 0 ? watcher.watch(this, updateIntervalNs) : null;
    }

    /**
     * Create the producers of every partition, closing those made if one fails.
     *
     * @param topic            full name of the partitioned topic.
     * @param producerName     given to the builder, or empty.
     * @param numPartitions    of the topic now.
     * @param factory          of one partition's producer.
     * @param router           of the messages.
     * @param topics           admin, to learn of new partitions.
     * @param watcher          of the client.
     * @param updateIntervalNs between checks for new partitions; 0 for none.
     * @return the producer.
     * @throws MagnetarClientException if a partition's producer could not be created.
     */
    static PartitionedProducer create(
        final String topic,
        final String producerName,
        final int numPartitions,
        final PartitionFactory<ProducerImpl> factory,
        final PartitionRouter router,
        final Topics topics,
        final PartitionsWatcher watcher,
        final long updateIntervalNs) throws MagnetarClientException
    {
        return new PartitionedProducer(topic, producerName, router, topics,
            Partitions.create(numPartitions, factory, factory, ProducerImpl[]::new), watcher, updateIntervalNs);
    }

    /**
     * {@inheritDoc}
     */
    public void updatePartitions() throws MagnetarClientException
    {
        if (!isClosed())
        {
            partitions.grow(topics.getPartitionedTopicMetadata(topic).partitions);
        }
    }

    /**
     * @return the producers of the partitions, by partition.
     */
    ProducerImpl[] partitions()
    {
        return partitions.all();
    }

    /**
     * {@inheritDoc}
     */
    public String getTopic()
    {
        return topic;
    }

    /**
     * {@inheritDoc}
     */
    public String getProducerName()
    {
        return producerName.isEmpty() ? partitions.all()[0].getProducerName() : producerName;
    }

    /**
     * @return the highest sequence id any partition's producer had confirmed, as Pulsar's partitioned producer.
     */
    public long getLastSequenceId()
    {
        long last = -1;
        for (final ProducerImpl producer : partitions.all())
        {
            last = Math.max(last, producer.getLastSequenceId());
        }
        return last;
    }

    /**
     * {@inheritDoc}
     */
    public boolean isClosed()
    {
        return partitions.all()[0].isClosed();
    }

    /**
     * {@inheritDoc}
     */
    public MessageId send(final String key, final byte[] payload) throws MagnetarClientException
    {
        return send(key, payload, null);
    }

    /**
     * {@inheritDoc}
     */
    public MessageId send(final String key, final byte[] payload, final byte[] metadata)
        throws MagnetarClientException
    {
        final ProducerImpl[] producers = partitions.all();
        final int partition = router.choose(key, producers.length);
        return producers[partition].send(key, payload, metadata); // its id names the partition
    }

    /**
     * {@inheritDoc}
     */
    public MessageBuilder newMessage()
    {
        return new MessageBuilder(this);
    }

    /**
     * {@inheritDoc}
     */
    public CompletableFuture<MessageId> sendAsync(final String key, final byte[] payload)
    {
        return sendAsync(key, payload, null);
    }

    /**
     * {@inheritDoc}
     */
    public CompletableFuture<MessageId> sendAsync(final String key, final byte[] payload, final byte[] metadata)
    {
        final ProducerImpl[] producers = partitions.all();
        final int partition;
        try
        {
            partition = router.choose(key, producers.length);
        }
        catch (final MagnetarClientException | RuntimeException ex)
        {
            return CompletableFuture.failedFuture(MagnetarClientException.wrap(ex));
        }
        return producers[partition].sendAsync(key, payload, metadata); // its id names the partition
    }

    /**
     * {@inheritDoc}
     */
    public void flush() throws MagnetarClientException
    {
        for (final ProducerImpl producer : partitions.all())
        {
            producer.flush();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void close() throws MagnetarClientException
    {
        if (null != watch)
        {
            watch.cancel(false);
        }
        partitions.close();
    }

    /**
     * Offer a message to the partition its key hashes to, or that the routing mode picks; the answer is that
     * partition's sequence id.
     * {@inheritDoc}
     */
    public long offer(
        final DirectBuffer keyBuffer,
        final int keyOffset,
        final int keyLength,
        final DirectBuffer buffer,
        final int offset,
        final int length) throws MagnetarClientException
    {
        final ProducerImpl[] producers = partitions.all();
        SendChecks.checkOffer(keyBuffer, keyLength, buffer, length, Integer.MAX_VALUE); // the key, before hashing it
        final int partition = router.choose(keyBuffer, keyOffset, keyLength, producers.length);
        return producers[partition].offer(keyBuffer, keyOffset, keyLength, buffer, offset, length);
    }

    /**
     * {@inheritDoc}
     */
    public ProducerAccessMode getAccessMode()
    {
        return partitions.all()[0].getAccessMode();
    }

    /**
     * {@inheritDoc}
     */
    public long getTopicEpoch()
    {
        return partitions.all()[0].getTopicEpoch();
    }

    /**
     * @return a short description for logs.
     */
    public String toString()
    {
        return "PartitionedProducer{topic=" + topic + ", partitions=" + partitions.all().length + '}';
    }

    /**
     * {@inheritDoc}
     */
    public void checkBrokerSupports(final int protocolVersion, final String feature) throws MagnetarClientException
    {
        partitions()[0].checkBrokerSupports(protocolVersion, feature);
    }
}

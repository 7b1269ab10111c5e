package io.magnetar.client;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The producers or consumers of the partitions of a partitioned topic, by partition: created through a
 * {@link PartitionFactory}, grown when the topic gains partitions (the longer array is published at once, so readers
 * take it once per operation and never wait), and closed together.
 *
 * @param <T> {@link ProducerImpl} or {@link ConsumerImpl}.
 */
final class Partitions<T extends AutoCloseable>
{
    private final PartitionFactory<T> laterPartitions;
    private final IntFunction<T[]> newArray;
    private volatile T[] all;
    private boolean isClosed;

    private Partitions(final PartitionFactory<T> laterPartitions, final IntFunction<T[]> newArray, final T[] all)
    {
        this.laterPartitions = laterPartitions;
        this.newArray = newArray;
        this.all = all;
    }

    /**
     * Create one for every partition, closing those made if one fails.
     *
     * @param numPartitions   of the topic now.
     * @param factory         of the first partitions.
     * @param laterPartitions of partitions added later.
     * @param newArray        makes an array of the element type.
     * @param <T>             producer or consumer.
     * @return the partitions.
     * @throws MagnetarClientException if one could not be created.
     */
    static <T extends AutoCloseable> Partitions<T> create(
        final int numPartitions,
        final PartitionFactory<T> factory,
        final PartitionFactory<T> laterPartitions,
        final IntFunction<T[]> newArray) throws MagnetarClientException
    {
        final T[] all = newArray.apply(numPartitions);
        createRange(all, 0, factory);
        return new Partitions<>(laterPartitions, newArray, all);
    }

    /**
     * @return every partition's producer or consumer, by partition; read once per operation.
     */
    T[] all()
    {
        return all;
    }

    /**
     * Watcher thread: add the partitions a raised count brings.
     *
     * @param numPartitions of the topic now.
     * @throws MagnetarClientException if one could not be created (none is added then).
     */
    synchronized void grow(final int numPartitions) throws MagnetarClientException
    {
        final T[] current = all;
        if (!isClosed && numPartitions > current.length)
        {
            final T[] grown = Arrays.copyOf(current, numPartitions);
            createRange(grown, current.length, laterPartitions);
            all = grown;
        }
    }

    /**
     * Close every partition's producer or consumer.
     *
     * @throws MagnetarClientException the first failure, the others suppressed.
     */
    void close() throws MagnetarClientException
    {
        final T[] current;
        synchronized (this) // waits for a grow under way, so what it creates is closed too
        {
            isClosed = true;
            current = all;
        }
        final MagnetarClientException failure = closeFrom(current, 0);
        if (null != failure)
        {
            throw failure;
        }
    }

    private static <T extends AutoCloseable> void createRange(
        final T[] array, final int from, final PartitionFactory<T> factory) throws MagnetarClientException
    {
        for (int i = from; i < array.length; i++)
        {
            try
            {
                array[i] = factory.create(i);
            }
            catch (final MagnetarClientException | RuntimeException ex)
            {
                final MagnetarClientException failure = MagnetarClientException.wrap(ex);
                final MagnetarClientException closing = closeFrom(array, from); // what was made before the failure
                if (null != closing)
                {
                    failure.addSuppressed(closing);
                }
                throw failure;
            }
        }
    }

    private static <T extends AutoCloseable> MagnetarClientException closeFrom(final T[] array, final int from)
    {
        MagnetarClientException failure = null;
        for (int i = from; i < array.length; i++)
        {
            if (null != array[i])
            {
                try
                {
                    array[i].close();
                }
                catch (final Exception ex)
                {
                    failure = Connector.addFailure(failure, MagnetarClientException.wrap(ex));
                }
            }
        }
        return failure;
    }
}

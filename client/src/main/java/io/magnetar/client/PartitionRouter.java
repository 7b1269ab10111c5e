package io.magnetar.client;

import org.apache.commons.codec.digest.MurmurHash3;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Picks the partition of each message a partitioned producer sends: by the key's Murmur3 32 hash (as Pulsar's
 * {@code Murmur3_32Hash}, sign-safe modulo the partition count), else as the producer's {@link MessageRoutingMode}
 * says. Thread-safe; the keyed path of {@code offer} allocates nothing.
 */
final class PartitionRouter
{
    private final MessageRoutingMode mode;
    private final MessageRouter custom;
    private final long partitionSwitchNs;
    private final java.util.concurrent.atomic.AtomicInteger singlePartition =
        new java.util.concurrent.atomic.AtomicInteger(-1);
    private final int roundRobinStart = ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE);
    private final AtomicLong roundRobin = new AtomicLong();
    private final ThreadLocal<byte[]> keyScratch = ThreadLocal.withInitial(() -> new byte[Protocol.MAX_KEY_LENGTH]);

    /**
     * @param mode              for messages without a key.
     * @param custom            router for {@link MessageRoutingMode#CustomPartition}, else null.
     * @param partitionSwitchNs with batching, how long round robin stays on a partition (the batching delay); else 0.
     */
    PartitionRouter(final MessageRoutingMode mode, final MessageRouter custom, final long partitionSwitchNs)
    {
        this.mode = mode;
        this.custom = custom;
        this.partitionSwitchNs = partitionSwitchNs;
    }

    /**
     * @param key           of the message, or null.
     * @param numPartitions of the topic.
     * @return the partition.
     * @throws MagnetarClientException if a custom router answers a partition out of range.
     */
    int choose(final String key, final int numPartitions) throws MagnetarClientException
    {
        if (MessageRoutingMode.CustomPartition == mode)
        {
            return checked(custom.choosePartition(key, numPartitions), numPartitions);
        }
        if (null != key)
        {
            final byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            return hashPartition(MurmurHash3.hash32x86(bytes, 0, bytes.length, 0), numPartitions);
        }
        return keyless(numPartitions);
    }

    /**
     * @param keyBuffer     holding the key, or null.
     * @param keyOffset     of the key.
     * @param keyLength     of the key, 0 for none.
     * @param numPartitions of the topic.
     * @return the partition.
     * @throws MagnetarClientException if a custom router answers a partition out of range.
     */
    int choose(final DirectBuffer keyBuffer, final int keyOffset, final int keyLength, final int numPartitions)
        throws MagnetarClientException
    {
        if (MessageRoutingMode.CustomPartition == mode)
        {
            final String key = 0 == keyLength ? null : keyBuffer.getStringWithoutLengthUtf8(keyOffset, keyLength);
            return checked(custom.choosePartition(key, numPartitions), numPartitions);
        }
        if (keyLength > 0)
        {
            final byte[] bytes = keyScratch.get();
            keyBuffer.getBytes(keyOffset, bytes, 0, keyLength);
            return hashPartition(MurmurHash3.hash32x86(bytes, 0, keyLength, 0), numPartitions);
        }
        return keyless(numPartitions);
    }

    /**
     * @param hash          Murmur3 32 of a key.
     * @param numPartitions of the topic.
     * @return the partition the key belongs to, as Pulsar computes it.
     */
    static int hashPartition(final int hash, final int numPartitions)
    {
        return (hash & Integer.MAX_VALUE) % numPartitions;
    }

    private int keyless(final int numPartitions)
    {
        if (MessageRoutingMode.SinglePartition == mode)
        {
            // picked once, among the partitions there are then; counts only grow, so it stays, as in Pulsar
            final int chosen = singlePartition.get();
            if (chosen >= 0)
            {
                return chosen;
            }
            singlePartition.compareAndSet(-1, ThreadLocalRandom.current().nextInt(numPartitions));
            return singlePartition.get();
        }
        final long turn = partitionSwitchNs > 0 ? System.nanoTime() / partitionSwitchNs :
            roundRobin.getAndIncrement();
        return (int)((roundRobinStart + (turn & Long.MAX_VALUE)) % numPartitions);
    }

    private static int checked(final int partition, final int numPartitions) throws MagnetarClientException
    {
        if (partition < 0 || partition >= numPartitions)
        {
            throw new MagnetarClientException("the message router chose partition " + partition + " of " +
                numPartitions);
        }
        return partition;
    }
}

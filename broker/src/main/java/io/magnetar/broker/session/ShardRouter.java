package io.magnetar.broker.session;

import io.magnetar.broker.SessionEgress;
import io.magnetar.broker.ShardCommand;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.codecs.ErrorCode;
import org.apache.commons.codec.digest.MurmurHash3;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.jctools.queues.SpscArrayQueue;

import java.nio.charset.StandardCharsets;

/**
 * Picks the shard that owns a topic and hands commands to shards: a pooled {@link ShardCommand} is taken from the
 * shard's pool, filled and put on the shard's queue. An empty pool is back pressure: nothing is handed over, the
 * ingress back pressure counter is incremented and the caller polls the frame again later. Single acks polled
 * together wait in {@link PendingAcks} and go as one group, before any other command.
 */
final class ShardRouter
{
    /** Seed of the routing hash: part of the routing rule, never to change. */
    static final int ROUTING_SEED = 0;

    private final SpscArrayQueue<ShardCommand>[] shardQueues;
    private final SpscArrayQueue<ShardCommand>[] freeCommands;
    private final SpscArrayQueue<ShardCommand>[] freeLargeCommands;
    private final AtomicCounter ingressBackPressure;
    private final PendingAcks pendingAcks = new PendingAcks();
    private final UnsafeBuffer ackFrame = new UnsafeBuffer(new byte[SessionAgent.SMALL_FRAME_LENGTH]);

    /**
     * @param shardQueues         command queue of each shard.
     * @param freeCommands        pool of small commands of each shard.
     * @param freeLargeCommands   pool of large commands of each shard.
     * @param ingressBackPressure counts the times a pool was empty.
     */
    ShardRouter(
        final SpscArrayQueue<ShardCommand>[] shardQueues,
        final SpscArrayQueue<ShardCommand>[] freeCommands,
        final SpscArrayQueue<ShardCommand>[] freeLargeCommands,
        final AtomicCounter ingressBackPressure)
    {
        this.shardQueues = shardQueues;
        this.freeCommands = freeCommands;
        this.freeLargeCommands = freeLargeCommands;
        this.ingressBackPressure = ingressBackPressure;
    }

    /**
     * @return the number of shards.
     */
    int shardCount()
    {
        return shardQueues.length;
    }

    /**
     * @param topic a parsed topic name.
     * @return the shard that owns the topic.
     */
    int shardOfTopic(final TopicName topic)
    {
        return shardOf(topic.toString(), shardQueues.length);
    }

    /**
     * @param namespace as {@code tenant/namespace}.
     * @return the shard that answers policy requests for it (every shard holds every namespace's policies).
     */
    int shardOfNamespace(final String namespace)
    {
        return shardOf(namespace, shardQueues.length);
    }

    /**
     * The routing rule, fixed for the life of a data directory: the 32-bit Murmur3 hash (x86 variant, seed
     * {@link #ROUTING_SEED}, as Pulsar's bundles hash topic names) of the name's UTF-8 bytes, taken as an unsigned
     * number, modulo the shard count. A topic is hashed by its canonical name ({@link TopicName#toString()},
     * {@code persistent://tenant/namespace/topic}), so every spelling of one topic routes alike.
     *
     * @param name       of a topic in its canonical form, or of a namespace.
     * @param shardCount number of shards.
     * @return the shard that owns the name.
     */
    static int shardOf(final String name, final int shardCount)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);

        return Integer.remainderUnsigned(MurmurHash3.hash32x86(bytes, 0, bytes.length, ROUTING_SEED), shardCount);
    }

    /**
     * Hand a client frame to a shard.
     *
     * @param egress of the client session.
     * @param shard  to hand it to.
     * @param frame  the frame, from offset 0.
     * @param length of the frame.
     * @return true if handed over, false if the shard's pool is empty.
     */
    boolean forward(final SessionEgress egress, final int shard, final DirectBuffer frame, final int length)
    {
        return flushAcks() && handOver(egress, shard, frame, length);
    }

    /**
     * Hand a single ack to a shard, with the acks of the same consumer polled next to it as one {@code AckGroup}.
     *
     * @param egress        of the client session.
     * @param shard         of the consumer.
     * @param correlationId of the {@code Ack}.
     * @param consumerId    of the {@code Ack}.
     * @param ackShard      of the message id acknowledged.
     * @param position      of the message id acknowledged.
     * @return true if taken, false if acks waiting before it could not be handed over (the shard's pool is empty).
     */
    boolean forwardAck(
        final SessionEgress egress,
        final int shard,
        final long correlationId,
        final long consumerId,
        final int ackShard,
        final long position)
    {
        if (!pendingAcks.canAdd(egress, shard, consumerId) && !flushAcks())
        {
            return false;
        }
        pendingAcks.add(egress, shard, correlationId, consumerId, ackShard, position);

        return true;
    }

    /**
     * Hand over the acks that wait; called before any other command and at the end of each poll of the ingress.
     *
     * @return true if none wait any more, false if the shard's pool is empty.
     */
    boolean flushAcks()
    {
        if (pendingAcks.isEmpty())
        {
            return true;
        }
        if (!handOver(pendingAcks.egress(), pendingAcks.shard(), ackFrame, pendingAcks.encode(ackFrame)))
        {
            return false;
        }
        pendingAcks.clear();

        return true;
    }

    private boolean handOver(final SessionEgress egress, final int shard, final DirectBuffer frame, final int length)
    {
        final SpscArrayQueue<ShardCommand> pool =
            length <= SessionAgent.SMALL_FRAME_LENGTH ? freeCommands[shard] : freeLargeCommands[shard];
        final ShardCommand command = pool.poll();
        if (null == command)
        {
            ingressBackPressure.incrementRelease();
            return false;
        }

        command.type = ShardCommand.FRAME;
        command.egress(egress);
        command.frame.putBytes(0, frame, 0, length);
        command.frameLength = length;
        shardQueues[shard].offer(command);

        return true;
    }

    /**
     * Hand a small client frame to every shard in one pass, or to none: every shard's pool is checked first (the
     * session agent is the pools' only taker), so all shards see such frames in the same order.
     *
     * @param egress of the client session.
     * @param frame  the frame, from offset 0.
     * @param length of the frame, at most {@link SessionAgent#SMALL_FRAME_LENGTH}.
     * @return true if handed to every shard, false if any shard's pool is empty and none was handed over.
     */
    boolean forwardToAll(final SessionEgress egress, final DirectBuffer frame, final int length)
    {
        if (!flushAcks())
        {
            return false;
        }
        for (final SpscArrayQueue<ShardCommand> pool : freeCommands)
        {
            if (null == pool.peek())
            {
                ingressBackPressure.incrementRelease();
                return false;
            }
        }
        for (int shard = 0; shard < shardQueues.length; shard++)
        {
            forward(egress, shard, frame, length);
        }

        return true;
    }

    /**
     * Have a shard answer a send with a send error, in order with the answers to the producer's earlier sends.
     *
     * @param egress     of the client session.
     * @param shard      of the producer.
     * @param producerId of the send.
     * @param sequenceId of the send.
     * @param code       of the error.
     * @param message    of the error.
     * @return true if handed over, false if the shard's pool is empty.
     */
    boolean reject(
        final SessionEgress egress,
        final int shard,
        final long producerId,
        final long sequenceId,
        final ErrorCode code,
        final String message)
    {
        if (!flushAcks())
        {
            return false;
        }
        final ShardCommand command = freeCommands[shard].poll();
        if (null == command)
        {
            ingressBackPressure.incrementRelease();
            return false;
        }

        command.type = ShardCommand.SEND_REJECTED;
        command.egress(egress);
        command.producerId = producerId;
        command.sequenceId = sequenceId;
        command.errorCode = code;
        command.errorMessage = message;
        shardQueues[shard].offer(command);

        return true;
    }

    /**
     * Tell a shard that a session has gone, so it frees the session's producers and consumers.
     *
     * @param shard  to tell.
     * @param egress of the session.
     * @return true if told, false if the shard's pool is empty (try again later; not counted as back pressure).
     */
    boolean sessionClosed(final int shard, final SessionEgress egress)
    {
        if (!flushAcks())
        {
            return false;
        }
        final ShardCommand command = freeCommands[shard].poll();
        if (null == command)
        {
            return false;
        }

        command.type = ShardCommand.SESSION_CLOSED;
        command.egress(egress);
        command.frameLength = 0;
        shardQueues[shard].offer(command);

        return true;
    }
}

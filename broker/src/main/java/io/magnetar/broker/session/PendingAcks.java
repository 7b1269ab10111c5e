package io.magnetar.broker.session;

import io.magnetar.broker.SessionEgress;
import io.magnetar.codecs.AckEncoder;
import io.magnetar.codecs.AckGroupEncoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import org.agrona.MutableDirectBuffer;

/**
 * Acks of one consumer, taken from single {@code Ack} frames polled together, that wait to be handed to their shard
 * as one {@code AckGroup}: a shard then takes one command, not one per ack. The session agent hands them over before
 * any other command and at the end of each poll of its ingress, so commands keep their order.
 */
final class PendingAcks
{
    /** Most acks in one group: its frame fits a small command (2 KiB), as a client's {@code AckGroup} does. */
    static final int MAX_ACKS = 160;

    private final int[] ackShards = new int[MAX_ACKS];
    private final long[] positions = new long[MAX_ACKS];
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final AckEncoder ackEncoder = new AckEncoder();
    private final AckGroupEncoder ackGroupEncoder = new AckGroupEncoder();
    private SessionEgress egress;
    private int shard;
    private long consumerId;
    private long correlationId;
    private int count;

    boolean isEmpty()
    {
        return 0 == count;
    }

    /**
     * @return true if an ack of this consumer joins the acks waiting (or none wait).
     */
    boolean canAdd(final SessionEgress egress, final int shard, final long consumerId)
    {
        return 0 == count ||
            (this.egress == egress && this.shard == shard && this.consumerId == consumerId && count < MAX_ACKS);
    }

    /**
     * Add an ack; {@link #canAdd} must have said yes.
     */
    void add(
        final SessionEgress egress,
        final int shard,
        final long correlationId,
        final long consumerId,
        final int ackShard,
        final long position)
    {
        if (0 == count)
        {
            if (this.egress != egress)
            {
                this.egress = egress;
            }
            this.shard = shard;
            this.consumerId = consumerId;
            this.correlationId = correlationId;
        }
        ackShards[count] = ackShard;
        positions[count] = position;
        count++;
    }

    SessionEgress egress()
    {
        return egress;
    }

    int shard()
    {
        return shard;
    }

    /**
     * Encode the acks waiting: an {@code Ack} for one, an {@code AckGroup} (with the first ack's correlation id) for
     * more.
     *
     * @return the frame's length.
     */
    int encode(final MutableDirectBuffer buffer)
    {
        if (1 == count)
        {
            ackEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .correlationId(correlationId)
                .consumerId(consumerId)
                .messageId().shard(ackShards[0]).position(positions[0]);
            return MessageHeaderEncoder.ENCODED_LENGTH + ackEncoder.encodedLength();
        }

        final AckGroupEncoder.AcksEncoder acks = ackGroupEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .consumerId(consumerId)
            .acksCount(count);
        for (int i = 0; i < count; i++)
        {
            acks.next().messageId().shard(ackShards[i]).position(positions[i]);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + ackGroupEncoder.encodedLength();
    }

    void clear()
    {
        count = 0;
    }
}

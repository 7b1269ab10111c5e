package io.magnetar.client;

import io.magnetar.codecs.AckCumulativeEncoder;
import io.magnetar.codecs.AckWithReceiptEncoder;
import io.magnetar.codecs.BooleanType;
import io.magnetar.codecs.CloseConsumerEncoder;
import io.magnetar.codecs.GetLastMessageIdEncoder;
import io.magnetar.codecs.KeySharedMode;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.SubscribeEncoder;
import io.magnetar.codecs.UnsubscribeEncoder;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.List;

/**
 * Encodes a consumer's requests other than the per-message ones (flow, ack): subscribe, close, acknowledgements with a
 * receipt, cumulative acks and the last message id; each offered through the {@link IngressProxy}. Thread-safe:
 * encoders per thread.
 */
final class ConsumerRequestProxy
{
    private static final class Encoders
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final SubscribeEncoder subscribeEncoder = new SubscribeEncoder();
        final CloseConsumerEncoder closeConsumerEncoder = new CloseConsumerEncoder();
        final UnsubscribeEncoder unsubscribeEncoder = new UnsubscribeEncoder();
        final AckWithReceiptEncoder ackWithReceiptEncoder = new AckWithReceiptEncoder();
        final AckCumulativeEncoder ackCumulativeEncoder = new AckCumulativeEncoder();
        final GetLastMessageIdEncoder getLastMessageIdEncoder = new GetLastMessageIdEncoder();
        final UnsafeBuffer rangeBytes = new UnsafeBuffer(new byte[Protocol.MAX_HASH_RANGES * 8]);
    }

    private final IngressProxy ingressProxy;
    private final ThreadLocal<Encoders> encoders = ThreadLocal.withInitial(Encoders::new);

    ConsumerRequestProxy(final IngressProxy ingressProxy)
    {
        this.ingressProxy = ingressProxy;
    }

    void subscribe(
        final long correlationId,
        final long consumerId,
        final SubscriptionType subscriptionType,
        final InitialPosition initialPosition,
        final int priorityLevel,
        final String topic,
        final String subscription,
        final String consumerName,
        final SubscriptionStart start,
        final KeySharedPolicy keySharedPolicy,
        final long deadlineNs) throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final boolean sticky = keySharedPolicy instanceof KeySharedPolicy.KeySharedPolicySticky;
        final SubscribeEncoder encoder = e.subscribeEncoder.wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .consumerId(consumerId)
            .subscriptionType(WireEnums.toWire(subscriptionType))
            .initialPosition(WireEnums.toWire(initialPosition))
            .priorityLevel(priorityLevel)
            .durable(start.durable ? BooleanType.TRUE : BooleanType.FALSE)
            .startInclusive(start.inclusive ? BooleanType.TRUE : BooleanType.FALSE)
            .startPublishTime(start.publishTime)
            .keySharedMode(sticky ? KeySharedMode.STICKY : KeySharedMode.AUTO_SPLIT);
        encoder.startMessageId().shard(start.shard).position(start.position);
        encoder
            .topic(topic)
            .subscription(subscription)
            .consumerName(consumerName);
        final List<Range> ranges = sticky ?
            ((KeySharedPolicy.KeySharedPolicySticky)keySharedPolicy).getRanges() : List.of();
        final UnsafeBuffer rangeBytes = e.rangeBytes;
        for (int i = 0; i < ranges.size(); i++)
        {
            rangeBytes.putInt(i * 8, ranges.get(i).getStart(), ByteOrder.LITTLE_ENDIAN);
            rangeBytes.putInt(i * 8 + 4, ranges.get(i).getEnd(), ByteOrder.LITTLE_ENDIAN);
        }
        encoder.putHashRanges(rangeBytes, 0, ranges.size() * 8);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }

    void unsubscribe(final long correlationId, final long consumerId, final long deadlineNs)
        throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final UnsubscribeEncoder encoder = e.unsubscribeEncoder.wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .consumerId(consumerId);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }

    void closeConsumer(final long correlationId, final long consumerId, final long deadlineNs)
        throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final CloseConsumerEncoder encoder = e.closeConsumerEncoder.wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .consumerId(consumerId);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }

    void ackWithReceipt(
        final long correlationId,
        final long consumerId,
        final int shard,
        final long position,
        final long deadlineNs) throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final AckWithReceiptEncoder encoder = e.ackWithReceiptEncoder
            .wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .consumerId(consumerId);
        encoder.messageId().shard(shard).position(position);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }

    /**
     * Dropped while the session is being restored, as acks are.
     */
    void ackCumulative(
        final long correlationId,
        final long consumerId,
        final int shard,
        final long position,
        final boolean inclusive,
        final long deadlineNs,
        final long restoredEpoch) throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final AckCumulativeEncoder encoder = e.ackCumulativeEncoder.wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .consumerId(consumerId)
            .isInclusive(inclusive ? BooleanType.TRUE : BooleanType.FALSE);
        encoder.messageId().shard(shard).position(position);

        ingressProxy.offerAcks(
            e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), true, deadlineNs, restoredEpoch);
    }

    void getLastMessageId(final long correlationId, final long consumerId, final long deadlineNs)
        throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final GetLastMessageIdEncoder encoder = e.getLastMessageIdEncoder.wrapAndApplyHeader(
            e.buffer, 0, e.headerEncoder).correlationId(correlationId).consumerId(consumerId);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }
}

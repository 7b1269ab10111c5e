package io.magnetar.client;

import io.magnetar.codecs.BooleanType;
import io.magnetar.codecs.CreatePartitionedTopicEncoder;
import io.magnetar.codecs.DeleteNamespaceEncoder;
import io.magnetar.codecs.DeleteSubscriptionEncoder;
import io.magnetar.codecs.GetNamespacePoliciesEncoder;
import io.magnetar.codecs.GetPartitionedTopicMetadataEncoder;
import io.magnetar.codecs.GetTopicsOfNamespaceEncoder;
import io.magnetar.codecs.ListNamespacesEncoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.PolicyField;
import io.magnetar.codecs.ResetCursorEncoder;
import io.magnetar.codecs.SetNamespacePoliciesEncoder;
import io.magnetar.codecs.ShardStatsRequestEncoder;
import io.magnetar.codecs.StatsInternalRequestEncoder;
import io.magnetar.codecs.TopicStatsRequestEncoder;
import io.magnetar.codecs.UpdatePartitionedTopicEncoder;
import org.agrona.ExpandableArrayBuffer;

import java.util.Map;

/**
 * Encodes the admin requests (topics, namespaces, partitioned topics) and offers them on the client's ingress through
 * the {@link IngressProxy}, which waits while it is back pressured or the session is being restored.
 */
final class AdminRequestProxy implements AdminIngress
{
    /**
     * Per-thread encoding state.
     */
    static final class AdminEncoders
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final StatsInternalRequestEncoder statsInternalRequestEncoder = new StatsInternalRequestEncoder();
        final TopicStatsRequestEncoder topicStatsRequestEncoder = new TopicStatsRequestEncoder();
        final ShardStatsRequestEncoder shardStatsRequestEncoder = new ShardStatsRequestEncoder();
        final DeleteNamespaceEncoder deleteNamespaceEncoder = new DeleteNamespaceEncoder();
        final ResetCursorEncoder resetCursorEncoder = new ResetCursorEncoder();
        final DeleteSubscriptionEncoder deleteSubscriptionEncoder = new DeleteSubscriptionEncoder();
        final GetTopicsOfNamespaceEncoder getTopicsOfNamespaceEncoder = new GetTopicsOfNamespaceEncoder();
        final SetNamespacePoliciesEncoder setNamespacePoliciesEncoder = new SetNamespacePoliciesEncoder();
        final GetNamespacePoliciesEncoder getNamespacePoliciesEncoder = new GetNamespacePoliciesEncoder();
        final ListNamespacesEncoder listNamespacesEncoder = new ListNamespacesEncoder();
        final CreatePartitionedTopicEncoder createPartitionedTopicEncoder = new CreatePartitionedTopicEncoder();
        final UpdatePartitionedTopicEncoder updatePartitionedTopicEncoder = new UpdatePartitionedTopicEncoder();
        final GetPartitionedTopicMetadataEncoder getPartitionedTopicMetadataEncoder =
            new GetPartitionedTopicMetadataEncoder();
    }

    private final IngressProxy ingressProxy;
    private final ThreadLocal<AdminEncoders> encoders = ThreadLocal.withInitial(AdminEncoders::new);

    /**
     * @param ingressProxy that offers the requests.
     */
    AdminRequestProxy(final IngressProxy ingressProxy)
    {
        this.ingressProxy = ingressProxy;
    }

    /**
     * {@inheritDoc}
     */
    public void resetCursor(
        final long correlationId,
        final String topic,
        final String subscription,
        final long publishTime,
        final MessageId messageId,
        final long deadlineNs) throws MagnetarClientException
    {
        final AdminEncoders e = encoders.get();
        final ResetCursorEncoder encoder = e.resetCursorEncoder
            .wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .publishTime(publishTime);
        encoder.messageId()
            .shard(null == messageId ? -1 : messageId.shard())
            .position(null == messageId ? -1 : messageId.position());
        encoder.topic(topic).subscription(subscription);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }

    /**
     * {@inheritDoc}
     */
    public void deleteSubscription(
        final long correlationId,
        final String topic,
        final String subscription,
        final boolean force,
        final long deadlineNs) throws MagnetarClientException
    {
        final AdminEncoders e = encoders.get();
        final DeleteSubscriptionEncoder encoder = e.deleteSubscriptionEncoder
            .wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .force(force ? BooleanType.TRUE : BooleanType.FALSE)
            .topic(topic)
            .subscription(subscription);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }

    /**
     * {@inheritDoc}
     */
    public void statsInternal(final long correlationId, final String topic, final long deadlineNs)
        throws MagnetarClientException
    {
        final AdminEncoders e = encoders.get();
        final StatsInternalRequestEncoder encoder = e.statsInternalRequestEncoder
            .wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .topic(topic);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }

    /**
     * {@inheritDoc}
     */
    public void deleteNamespace(final long correlationId, final String namespace, final long deadlineNs)
        throws MagnetarClientException
    {
        final AdminEncoders e = encoders.get();
        final DeleteNamespaceEncoder encoder = e.deleteNamespaceEncoder
            .wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .namespaceName(namespace);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }

    /**
     * {@inheritDoc}
     */
    public void topicStats(final long correlationId, final String topic, final long deadlineNs)
        throws MagnetarClientException
    {
        final AdminEncoders e = encoders.get();
        final TopicStatsRequestEncoder encoder = e.topicStatsRequestEncoder
            .wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .topic(topic);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }

    /**
     * {@inheritDoc}
     */
    public void shardStats(
        final long correlationId,
        final int shard,
        final long fromLocalId,
        final int maxTopics,
        final boolean resetLatency,
        final long deadlineNs)
        throws MagnetarClientException
    {
        final AdminEncoders e = encoders.get();
        final ShardStatsRequestEncoder encoder = e.shardStatsRequestEncoder
            .wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .shard(shard)
            .fromLocalId(fromLocalId)
            .maxTopics(maxTopics)
            .resetLatency(resetLatency ? BooleanType.TRUE : BooleanType.FALSE);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }

    /**
     * {@inheritDoc}
     */
    public void setNamespacePolicies(
        final long correlationId,
        final String namespace,
        final NamespacePolicyUpdate update,
        final long deadlineNs) throws MagnetarClientException
    {
        final Map<PolicyField, Long> values = update.values();
        final AdminEncoders e = encoders.get();
        final SetNamespacePoliciesEncoder encoder = e.setNamespacePoliciesEncoder
            .wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId);
        final SetNamespacePoliciesEncoder.PoliciesEncoder policies = encoder.policiesCount(values.size());
        for (final Map.Entry<PolicyField, Long> entry : values.entrySet())
        {
            policies.next().field(entry.getKey()).value(entry.getValue());
        }
        encoder.namespaceName(namespace);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }

    /**
     * {@inheritDoc}
     */
    public void getTopicsOfNamespace(final long correlationId, final String namespace, final long deadlineNs)
        throws MagnetarClientException
    {
        final AdminEncoders e = encoders.get();
        final GetTopicsOfNamespaceEncoder encoder = e.getTopicsOfNamespaceEncoder
            .wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .namespaceName(namespace);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }

    /**
     * {@inheritDoc}
     */
    public void getNamespacePolicies(final long correlationId, final String namespace, final long deadlineNs)
        throws MagnetarClientException
    {
        final AdminEncoders e = encoders.get();
        final GetNamespacePoliciesEncoder encoder = e.getNamespacePoliciesEncoder
            .wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .namespaceName(namespace);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }

    /**
     * {@inheritDoc}
     */
    public void partitionedTopic(
        final long correlationId, final boolean create, final String topic, final int partitions, final long deadlineNs)
        throws MagnetarClientException
    {
        final AdminEncoders e = encoders.get();
        final int length;
        if (create)
        {
            length = MessageHeaderEncoder.ENCODED_LENGTH + e.createPartitionedTopicEncoder
                .wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
                .correlationId(correlationId)
                .partitions(partitions)
                .topic(topic)
                .encodedLength();
        }
        else
        {
            length = MessageHeaderEncoder.ENCODED_LENGTH + e.updatePartitionedTopicEncoder
                .wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
                .correlationId(correlationId)
                .partitions(partitions)
                .topic(topic)
                .encodedLength();
        }
        ingressProxy.offerRequest(e.buffer, length, deadlineNs);
    }

    /**
     * {@inheritDoc}
     */
    public void partitionedTopicMetadata(final long correlationId, final String topic, final long deadlineNs)
        throws MagnetarClientException
    {
        final AdminEncoders e = encoders.get();
        final GetPartitionedTopicMetadataEncoder encoder = e.getPartitionedTopicMetadataEncoder
            .wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .topic(topic);
        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }

    /**
     * {@inheritDoc}
     */
    public void listNamespaces(final long correlationId, final String tenant, final long deadlineNs)
        throws MagnetarClientException
    {
        final AdminEncoders e = encoders.get();
        final ListNamespacesEncoder encoder = e.listNamespacesEncoder
            .wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .tenant(tenant);

        ingressProxy.offerRequest(e.buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs);
    }
}

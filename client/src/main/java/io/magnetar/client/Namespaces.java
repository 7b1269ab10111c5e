package io.magnetar.client;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Namespace administration, shaped like Pulsar's {@code admin.namespaces()}: create and list namespaces, read their
 * policies, and set or remove one policy at a time ({@code setRetention}, {@code removeRetention}, ...) or several
 * at once ({@link #updatePolicies(String, NamespacePolicyUpdate)}). Get it from {@code client.admin().namespaces()}.
 * <p>
 * Namespaces are named {@code tenant/namespace}; {@code public/default} always exists. Each setter returns the
 * namespace's policies after the change, once every topic shard of the broker has stored it. Setting is idempotent:
 * if a call fails after some shards stored the change (e.g. it timed out), the namespace may be partly updated until
 * the call is repeated. A removed policy reverts to the broker's default. Times are in milliseconds and sizes in
 * bytes; -1 means unlimited (retention) or off (message TTL, backlog quota).
 * <p>
 * Thread-safe; each call blocks until the broker answered, bounded by the client's operation timeout.
 */
public final class Namespaces
{
    private static final int DELETE_NAMESPACE_VERSION = 10;

    private final RequestTracker requests;
    private final AdminIngress ingress;
    private final IntSupplier brokerProtocolVersion;

    Namespaces(final RequestTracker requests, final AdminIngress ingress, final IntSupplier brokerProtocolVersion)
    {
        this.requests = requests;
        this.ingress = ingress;
        this.brokerProtocolVersion = brokerProtocolVersion;
    }

    /**
     * Create a namespace, as Pulsar's {@code createNamespace}: its policies are the broker's defaults until set.
     * Topics can only be used in a namespace that exists.
     *
     * @param namespace as {@code tenant/namespace}.
     * @return the new namespace's policies.
     * @throws MagnetarClientException if the namespace exists already, the name is invalid or the broker fails.
     */
    public NamespacePolicies createNamespace(final String namespace) throws MagnetarClientException
    {
        return update(namespace, new NamespacePolicyUpdate(), "create namespace '" + namespace + "'");
    }

    /**
     * The topics of a namespace, like Pulsar's {@code namespaces().getTopics(namespace)}: every topic the broker's
     * shards hold in it (partitions by their own names), persistent and non-persistent, sorted.
     *
     * @param namespace {@code tenant/namespace}.
     * @return the topics' full names.
     * @throws MagnetarClientException {@code NAMESPACE_NOT_FOUND}, if the broker is older than protocol 9, or did not
     *                                 answer in time.
     */
    public List<String> getTopics(final String namespace) throws MagnetarClientException
    {
        requests.checkReady("list the topics of a namespace");
        checkNamespace(namespace);
        RequestTracker.checkBrokerSupports(brokerProtocolVersion.getAsInt(), 9, "listing the topics of a namespace");

        final long deadlineNs = System.nanoTime() + requests.operationTimeoutNs();
        final PendingRequest request = requests.registerForEveryShard(EgressAdapter.TOPICS_OF_NAMESPACE, deadlineNs);
        requests.send(request, deadlineNs, (correlationId, offerDeadlineNs) ->
            ingress.getTopicsOfNamespace(correlationId, namespace, offerDeadlineNs));
        requests.await(request, deadlineNs, "list the topics of namespace '" + namespace + "'");

        final java.util.ArrayList<String> topics = new java.util.ArrayList<>();
        for (final String text : request.shardTexts)
        {
            for (final String line : text.split("\n"))
            {
                if (!line.isEmpty())
                {
                    topics.add(line);
                }
            }
        }
        java.util.Collections.sort(topics);
        return topics;
    }

    /**
     * The namespaces of a tenant, like Pulsar's {@code getNamespaces(tenant)}.
     *
     * @param tenant whose namespaces to list.
     * @return the namespaces as {@code tenant/namespace}, sorted; empty if the tenant has none.
     * @throws MagnetarClientException if the tenant name is invalid, the broker refused, or did not answer in time.
     */
    public List<String> listNamespaces(final String tenant) throws MagnetarClientException
    {
        requests.checkReady("list namespaces");
        if (null == tenant || tenant.isEmpty() || tenant.indexOf('/') >= 0)
        {
            throw new MagnetarClientException("tenant must be a name without '/': " +
                (null == tenant ? "null" : "'" + tenant + "'"));
        }
        RequestTracker.checkBrokerSupports(
            brokerProtocolVersion.getAsInt(), Protocol.NAMESPACE_POLICIES_VERSION, "namespace administration");

        final PendingRequest request = requests.call(EgressAdapter.NAMESPACE_LIST,
            "list namespaces of tenant '" + tenant + "'",
            (correlationId, deadlineNs) -> ingress.listNamespaces(correlationId, tenant, deadlineNs));

        final String text = request.answerText;
        return null == text || text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /**
     * A namespace's policies, like Pulsar's {@code getPolicies(namespace)}.
     *
     * @param namespace {@code tenant/namespace}, e.g. {@code public/default}.
     * @return the policies in effect, and which are set on the namespace.
     * @throws MagnetarClientException if the namespace is not {@code tenant/namespace} or does not exist
     *                                 ({@link MagnetarClientException.ErrorCode#NAMESPACE_NOT_FOUND}), the broker
     *                                 refused, or did not answer in time.
     */
    public NamespacePolicies getPolicies(final String namespace) throws MagnetarClientException
    {
        requests.checkReady("get the policies of a namespace");
        checkNamespace(namespace);

        final String operation = "get policies of namespace '" + namespace + "'";
        final PendingRequest request = requests.call(EgressAdapter.NAMESPACE_POLICIES, operation,
            (correlationId, deadlineNs) -> ingress.getNamespacePolicies(correlationId, namespace, deadlineNs));

        return policies(request, operation);
    }

    /**
     * Set how long and how much of the acknowledged messages the namespace keeps, like Pulsar's
     * {@code setRetention}: acknowledged messages go once beyond either limit.
     *
     * @param namespace          {@code tenant/namespace}.
     * @param retentionTimeMs    milliseconds, or -1 for unlimited.
     * @param retentionSizeBytes bytes, or -1 for unlimited.
     * @return the namespace's policies after the change.
     * @throws MagnetarClientException if a value is less than -1, or as {@link #updatePolicies}.
     */
    public NamespacePolicies setRetention(
        final String namespace, final long retentionTimeMs, final long retentionSizeBytes)
        throws MagnetarClientException
    {
        final NamespacePolicyUpdate update;
        try
        {
            update = new NamespacePolicyUpdate().retentionTime(retentionTimeMs).retentionSize(retentionSizeBytes);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new MagnetarClientException(ex.getMessage(), ex);
        }

        return updatePolicies(namespace, update);
    }

    /**
     * Remove the namespace's retention time and size: the broker's defaults apply.
     *
     * @param namespace {@code tenant/namespace}.
     * @return the namespace's policies after the change.
     * @throws MagnetarClientException as {@link #updatePolicies}.
     */
    public NamespacePolicies removeRetention(final String namespace) throws MagnetarClientException
    {
        return updatePolicies(namespace, new NamespacePolicyUpdate().removeRetention());
    }

    /**
     * Set the namespace's message TTL, like Pulsar's {@code setNamespaceMessageTTL} but in milliseconds: a message
     * not acknowledged this long after its publish time is acknowledged by the broker for every subscription.
     *
     * @param namespace {@code tenant/namespace}.
     * @param ttlMs     milliseconds, or -1 to turn the TTL off.
     * @return the namespace's policies after the change.
     * @throws MagnetarClientException if the TTL is less than -1, or as {@link #updatePolicies}.
     */
    public NamespacePolicies setMessageTtl(final String namespace, final long ttlMs) throws MagnetarClientException
    {
        final NamespacePolicyUpdate update;
        try
        {
            update = new NamespacePolicyUpdate().messageTtl(ttlMs);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new MagnetarClientException(ex.getMessage(), ex);
        }

        return updatePolicies(namespace, update);
    }

    /**
     * Remove the namespace's message TTL: the broker's default applies.
     *
     * @param namespace {@code tenant/namespace}.
     * @return the namespace's policies after the change.
     * @throws MagnetarClientException as {@link #updatePolicies}.
     */
    public NamespacePolicies removeMessageTtl(final String namespace) throws MagnetarClientException
    {
        return updatePolicies(namespace, new NamespacePolicyUpdate().removeMessageTtl());
    }

    /**
     * Set the namespace's backlog quota, like Pulsar's {@code setBacklogQuota}: the most bytes a subscription may
     * hold back, and what happens beyond it.
     *
     * @param namespace  {@code tenant/namespace}.
     * @param limitBytes bytes, or -1 to turn the quota off.
     * @param policy     what happens beyond the limit.
     * @return the namespace's policies after the change.
     * @throws MagnetarClientException if the limit is less than -1 or the policy null, or as {@link #updatePolicies}.
     */
    public NamespacePolicies setBacklogQuota(
        final String namespace, final long limitBytes, final BacklogQuotaPolicy policy)
        throws MagnetarClientException
    {
        final NamespacePolicyUpdate update;
        try
        {
            update = new NamespacePolicyUpdate().backlogQuota(limitBytes, policy);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new MagnetarClientException(ex.getMessage(), ex);
        }

        return updatePolicies(namespace, update);
    }

    /**
     * Remove the namespace's backlog quota limit and policy: the broker's defaults apply.
     *
     * @param namespace {@code tenant/namespace}.
     * @return the namespace's policies after the change.
     * @throws MagnetarClientException as {@link #updatePolicies}.
     */
    public NamespacePolicies removeBacklogQuota(final String namespace) throws MagnetarClientException
    {
        return updatePolicies(namespace, new NamespacePolicyUpdate().removeBacklogQuota());
    }

    /**
     * Set the durability of the namespace's persistent topics: how far a message must have got before its producer
     * gets the receipt.
     *
     * @param namespace  {@code tenant/namespace}.
     * @param durability level.
     * @return the namespace's policies after the change.
     * @throws MagnetarClientException if the level is null, or as {@link #updatePolicies}.
     */
    public NamespacePolicies setDurability(final String namespace, final Durability durability)
        throws MagnetarClientException
    {
        if (null == durability)
        {
            throw new MagnetarClientException("durability is null");
        }

        return updatePolicies(namespace, new NamespacePolicyUpdate().durability(durability));
    }

    /**
     * Remove the namespace's durability: the broker's default applies.
     *
     * @param namespace {@code tenant/namespace}.
     * @return the namespace's policies after the change.
     * @throws MagnetarClientException as {@link #updatePolicies}.
     */
    public NamespacePolicies removeDurability(final String namespace) throws MagnetarClientException
    {
        return updatePolicies(namespace, new NamespacePolicyUpdate().removeDurability());
    }

    /**
     * Turn deduplication on or off (Pulsar's {@code setDeduplicationStatus}): with it on, a send whose producer name
     * and sequence id are already stored is answered without being stored again.
     *
     * @param namespace {@code tenant/namespace}.
     * @param enabled   true to deduplicate sends.
     * @return the namespace's policies after the change.
     * @throws MagnetarClientException as {@link #updatePolicies}.
     */
    public NamespacePolicies setDeduplicationStatus(final String namespace, final boolean enabled)
        throws MagnetarClientException
    {
        return updatePolicies(namespace, new NamespacePolicyUpdate().deduplication(enabled));
    }

    /**
     * Remove the namespace's deduplication setting: the broker's default applies.
     *
     * @param namespace {@code tenant/namespace}.
     * @return the namespace's policies after the change.
     * @throws MagnetarClientException as {@link #updatePolicies}.
     */
    public NamespacePolicies removeDeduplicationStatus(final String namespace) throws MagnetarClientException
    {
        return updatePolicies(namespace, new NamespacePolicyUpdate().removeDeduplication());
    }

    /**
     * Set or remove several policies of a namespace in one request; the policies the update does not name keep
     * their values. Returns once every topic shard of the broker has stored the policies.
     *
     * @param namespace {@code tenant/namespace}, e.g. {@code public/default}.
     * @param update    the policies to set or remove; not empty.
     * @return the namespace's policies after the update.
     * @throws MagnetarClientException if the namespace is not {@code tenant/namespace} or does not exist, the update
     *                                 is empty, the broker refused, or not every shard answered in time.
     */
    public NamespacePolicies updatePolicies(final String namespace, final NamespacePolicyUpdate update)
        throws MagnetarClientException
    {
        if (null == update || update.isEmpty())
        {
            throw new MagnetarClientException("the policy update is empty: set or remove at least one policy");
        }

        return update(namespace, update, "set policies of namespace '" + namespace + "'");
    }

    /**
     * Delete a namespace, as Pulsar's {@code deleteNamespace}: the broker forgets it, durably. Check first that it
     * holds no topic (the admin REST API's {@code DELETE} does): a topic left in it keeps its producers, consumers and
     * policies, but takes no new ones until the namespace is created again, which resets its policies.
     *
     * @param namespace {@code tenant/namespace}; not {@code public/default} nor {@code pulsar/system}.
     * @throws MagnetarClientException {@code NAMESPACE_NOT_FOUND} if it does not exist, {@code INVALID_ARGUMENT} for
     *                                 the broker's own, or if the broker refused or did not answer in time.
     */
    public void deleteNamespace(final String namespace) throws MagnetarClientException
    {
        requests.checkReady("delete a namespace");
        checkNamespace(namespace);
        RequestTracker.checkBrokerSupports(brokerProtocolVersion.getAsInt(), DELETE_NAMESPACE_VERSION,
            "namespace deletion");
        requests.call(EgressAdapter.SUCCESS, "delete namespace '" + namespace + "'",
            (correlationId, deadlineNs) -> ingress.deleteNamespace(correlationId, namespace, deadlineNs));
    }

    private NamespacePolicies update(
        final String namespace, final NamespacePolicyUpdate update, final String operation)
        throws MagnetarClientException
    {
        requests.checkReady("set the policies of a namespace");
        checkNamespace(namespace);

        final long deadlineNs = System.nanoTime() + requests.operationTimeoutNs();
        final PendingRequest request = requests.registerForEveryShard(EgressAdapter.NAMESPACE_POLICIES, deadlineNs);
        requests.send(request, deadlineNs, (correlationId, offerDeadlineNs) ->
            ingress.setNamespacePolicies(correlationId, namespace, update, offerDeadlineNs));

        try
        {
            requests.await(request, deadlineNs, operation);
        }
        catch (final MagnetarClientException.TimeoutException ex)
        {
            final int answeredShardCount = request.answeredShardCount;
            if (answeredShardCount > 0)
            {
                throw new MagnetarClientException.TimeoutException(operation + " timed out: " + answeredShardCount +
                    " of " + request.expectedShardCount + " topic shards answered within " +
                    TimeUnit.NANOSECONDS.toMillis(requests.operationTimeoutNs()) + " ms; the namespace may be " +
                    "partly updated until the update is repeated", ex);
            }
            throw ex;
        }

        return policies(request, operation);
    }

    private void checkNamespace(final String namespace) throws MagnetarClientException
    {
        if (!Protocol.isNamespaceName(namespace))
        {
            throw new MagnetarClientException(
                "namespace must be tenant/namespace, e.g. public/default: " +
                (null == namespace ? "null" : "'" + namespace + "'"));
        }
        RequestTracker.checkBrokerSupports(
            brokerProtocolVersion.getAsInt(), Protocol.NAMESPACE_POLICIES_VERSION, "namespace policies");
    }

    private static NamespacePolicies policies(final PendingRequest request, final String operation)
        throws MagnetarClientException
    {
        try
        {
            return NamespacePolicies.fromJson(request.answerText);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new MagnetarClientException(
                operation + " failed: the broker's answer could not be read: " + ex.getMessage(), ex);
        }
    }
}

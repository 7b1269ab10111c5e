package io.magnetar.client.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import io.magnetar.client.MessageId;
import io.magnetar.client.PartitionedTopicInternalStats;
import io.magnetar.client.Protocol;
import io.magnetar.client.TopicInternalStats;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Topic administration, as Pulsar's {@code admin.topics()}: list a namespace's topics, create and grow partitioned
 * topics, read internal stats, and list, delete and reset subscriptions. Topic names may be short
 * ({@code orders} is {@code persistent://public/default/orders}).
 */
public final class Topics
{
    private final AdminHttp http;

    Topics(final AdminHttp http)
    {
        this.http = http;
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @return its persistent topics (partitions each listed), sorted.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public List<String> getList(final String namespace) throws MagnetarAdminException
    {
        return http.get(domainPath("persistent", namespace), new TypeReference<List<String>>() {});
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @return its persistent partitioned topics, sorted.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public List<String> getPartitionedTopicList(final String namespace) throws MagnetarAdminException
    {
        return http.get(domainPath("persistent", namespace) + "/partitioned", new TypeReference<List<String>>() {});
    }

    /**
     * @param topic      name of the partitioned topic.
     * @param partitions count, at least 1.
     * @throws MagnetarAdminException 409 if it exists, 404 if its namespace does not, 400 for a bad count.
     */
    public void createPartitionedTopic(final String topic, final int partitions) throws MagnetarAdminException
    {
        http.put(path(topic) + "/partitions", partitions);
    }

    /**
     * @param topic      name of the partitioned topic.
     * @param partitions new count, higher than the current one.
     * @throws MagnetarAdminException 404 if it does not exist, 400 if the count does not rise.
     */
    public void updatePartitionedTopic(final String topic, final int partitions) throws MagnetarAdminException
    {
        http.post(path(topic) + "/partitions", partitions);
    }

    /**
     * @param topic name.
     * @return its partition count; 0 if it is not partitioned.
     * @throws MagnetarAdminException if the call failed.
     */
    public int getPartitionedTopicMetadata(final String topic) throws MagnetarAdminException
    {
        final Map<String, Integer> metadata = http.get(path(topic) + "/partitions",
            new TypeReference<Map<String, Integer>>() {});
        return metadata.getOrDefault("partitions", 0);
    }

    /**
     * @param topic name.
     * @return its stats as Pulsar's {@code TopicStats} JSON: {@code msgRateIn}, {@code msgThroughputIn},
     * {@code msgRateOut}, {@code msgThroughputOut}, counters, {@code storageSize}, {@code backlogSize},
     * {@code publishers}, and {@code subscriptions} with {@code msgBacklog}, {@code unackedMessages} and
     * {@code consumers} (names, addresses, {@code availablePermits}).
     * @throws MagnetarAdminException 404 if the topic does not exist.
     */
    public Map<String, Object> getStats(final String topic) throws MagnetarAdminException
    {
        return http.get(path(topic) + "/stats", new TypeReference<Map<String, Object>>() {});
    }

    /**
     * @param topic        name of a partitioned topic.
     * @param perPartition true to list each partition's stats under {@code partitions}.
     * @return the stats summed over the partitions, as Pulsar's {@code PartitionedTopicStats}.
     * @throws MagnetarAdminException 404 if it is not a partitioned topic.
     */
    public Map<String, Object> getPartitionedStats(final String topic, final boolean perPartition)
        throws MagnetarAdminException
    {
        return http.get(path(topic) + "/partitioned-stats?perPartition=" + perPartition,
            new TypeReference<Map<String, Object>>() {});
    }

    /**
     * @param topic name.
     * @return its internal storage state, as {@code topics stats-internal}.
     * @throws MagnetarAdminException if the call failed.
     */
    public TopicInternalStats getInternalStats(final String topic) throws MagnetarAdminException
    {
        return TopicInternalStats.fromJson(http.getText(path(topic) + "/internalStats"));
    }

    /**
     * @param topic name of a partitioned topic.
     * @return the internal stats of each partition.
     * @throws MagnetarAdminException 404 if it is not a partitioned topic.
     */
    public PartitionedTopicInternalStats getPartitionedInternalStats(final String topic) throws MagnetarAdminException
    {
        return PartitionedTopicInternalStats.fromJson(http.getText(path(topic) + "/partitioned-internalStats"));
    }

    /**
     * @param topic name.
     * @return the names of its subscriptions.
     * @throws MagnetarAdminException if the call failed.
     */
    public List<String> getSubscriptions(final String topic) throws MagnetarAdminException
    {
        return http.get(path(topic) + "/subscriptions", new TypeReference<List<String>>() {});
    }

    /**
     * @param topic        name.
     * @param subscription to delete.
     * @param force        true to close its consumers first; false refuses (412) while any is connected.
     * @throws MagnetarAdminException 404 if there is no such subscription, 412 if it has consumers.
     */
    public void deleteSubscription(final String topic, final String subscription, final boolean force)
        throws MagnetarAdminException
    {
        http.delete(subscriptionPath(topic, subscription) + (force ? "?force=true" : ""));
    }

    /**
     * Create a durable subscription, as Pulsar's {@code createSubscription}: at the earliest or the latest message.
     *
     * @param topic        name; created if it does not exist.
     * @param subscription to create.
     * @param earliest     true to start at the earliest message, false at the latest (Pulsar's default).
     * @throws MagnetarAdminException 409 if the subscription exists.
     */
    public void createSubscription(final String topic, final String subscription, final boolean earliest)
        throws MagnetarAdminException
    {
        http.put(subscriptionPath(topic, subscription) + "?messageId=" + (earliest ? "earliest" : "latest"), null);
    }

    /**
     * Skip every message a subscription holds back, as Pulsar's {@code skipAllMessages} ({@code clear-backlog}).
     *
     * @param topic        name.
     * @param subscription whose backlog goes.
     * @throws MagnetarAdminException 404 if there is no such subscription.
     */
    public void skipAllMessages(final String topic, final String subscription) throws MagnetarAdminException
    {
        http.post(subscriptionPath(topic, subscription) + "/skip_all", null);
    }

    /**
     * @param topic        name.
     * @param subscription to move.
     * @param timestamp    publish time in epoch milliseconds: delivery starts again at the first message from then.
     * @throws MagnetarAdminException 404 if there is no such subscription.
     */
    public void resetCursor(final String topic, final String subscription, final long timestamp)
        throws MagnetarAdminException
    {
        http.post(subscriptionPath(topic, subscription) + "/resetcursor/" + timestamp, null);
    }

    /**
     * @param topic        name.
     * @param subscription to move.
     * @param messageId    of the first message to deliver again.
     * @throws MagnetarAdminException 404 if there is no such subscription.
     */
    public void resetCursor(final String topic, final String subscription, final MessageId messageId)
        throws MagnetarAdminException
    {
        http.post(subscriptionPath(topic, subscription) + "/resetcursor",
            Map.of("ledgerId", messageId.shard(), "entryId", messageId.position()));
    }

    /**
     * @param topic name.
     * @return the actions granted on the topic itself, by role.
     * @throws MagnetarAdminException 403 if the caller does not administer its tenant.
     */
    public Map<String, Set<String>> getPermissions(final String topic) throws MagnetarAdminException
    {
        return http.get(path(topic) + "/permissions", new TypeReference<Map<String, Set<String>>>() {});
    }

    /**
     * @param topic   name (a partitioned topic's grant covers its partitions).
     * @param role    to grant to.
     * @param actions {@code produce} and/or {@code consume}; replace what the role had on the topic.
     * @throws MagnetarAdminException 404 if its namespace does not exist, 412 for an unknown action, 403.
     */
    public void grantPermission(final String topic, final String role, final Set<String> actions)
        throws MagnetarAdminException
    {
        http.post(path(topic) + "/permissions/" + AdminHttp.segment(role), actions);
    }

    /**
     * @param topic name.
     * @param role  whose grant on the topic goes.
     * @throws MagnetarAdminException 403 if not allowed.
     */
    public void revokePermissions(final String topic, final String role) throws MagnetarAdminException
    {
        http.delete(path(topic) + "/permissions/" + AdminHttp.segment(role));
    }

    private static String subscriptionPath(final String topic, final String subscription)
    {
        return path(topic) + "/subscription/" + AdminHttp.segment(subscription);
    }

    private static String domainPath(final String domain, final String namespace)
    {
        final String namespacePath = Namespaces.path(namespace); // checks the shape
        return "/admin/v2/" + domain + namespacePath.substring("/admin/v2/namespaces".length());
    }

    static String path(final String topic)
    {
        final String full = Protocol.fullTopicName(topic);
        final int schemeEnd = full.indexOf("://");
        if (schemeEnd <= 0)
        {
            throw new IllegalArgumentException("invalid topic name '" + topic + "'");
        }
        final String[] parts = full.substring(schemeEnd + 3).split("/", -1);
        if (3 != parts.length)
        {
            throw new IllegalArgumentException("invalid topic name '" + topic + "': expected " +
                "domain://tenant/namespace/topic");
        }
        return "/admin/v2/" + full.substring(0, schemeEnd) + "/" + AdminHttp.segment(parts[0]) + "/" +
            AdminHttp.segment(parts[1]) + "/" + AdminHttp.segment(parts[2]);
    }
}

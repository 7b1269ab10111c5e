package io.magnetar.admin;

import io.magnetar.broker.metadata.MetadataAdmin;
import io.magnetar.broker.metadata.MetadataSnapshot;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.MessageId;
import io.magnetar.client.PartitionedTopicMetadata;
import io.magnetar.client.Topics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * {@code /admin/v2/persistent} and {@code /admin/v2/non-persistent}: list a namespace's topics and partitioned
 * topics, create, update and read partitioned topics, read internal stats, list and delete subscriptions and reset
 * their cursors, with Pulsar's paths. Each call goes to the broker through the admin API's client session.
 */
final class TopicsResource
{
    private static final List<String> DOMAINS = List.of("persistent", "non-persistent");

    /**
     * A message id as Pulsar's admin API writes it ({@code MessageIdImpl}): Magnetar's shard is the ledger id and
     * its byte position the entry id.
     *
     * @param ledgerId shard of the message.
     * @param entryId  position of the message in the shard log.
     */
    record MessageIdData(Long ledgerId, Long entryId)
    {
    }

    private final MetadataAdmin metadata;
    private final Supplier<MagnetarClient> client;
    private final TopicStatsView statsView;
    private final RestAccess access;

    TopicsResource(
        final MetadataAdmin metadata,
        final Supplier<MagnetarClient> client,
        final TopicStatsView statsView,
        final RestAccess access)
    {
        this.metadata = metadata;
        this.client = client;
        this.statsView = statsView;
        this.access = access;
    }

    void register(final Routes all)
    {
        final RouteRegistrar admin = all.guarded(access::tenantAdmin);
        for (final String domain : DOMAINS)
        {
            final RouteRegistrar lookUp = all.guarded((handler) -> access.lookUp(domain, handler));
            final RouteRegistrar consumer = all.guarded((handler) -> access.consumeOrAdmin(domain, handler));
            final String namespace = "/admin/v2/" + domain + "/{tenant}/{namespace}";
            final String topic = namespace + "/{topic}";
            final String subscription = topic + "/subscription/{subscription}";
            admin
                .add("GET", namespace, (call) -> topicsOf(domain, call))
                .add("GET", namespace + "/partitioned", (call) -> partitionedTopicsOf(domain, call))
                .add("GET", topic + "/permissions", (call) -> effectivePermissions(topicName(domain, call)))
                .add("POST", topic + "/permissions/{role}", (call) ->
                {
                    metadata.grantPermission(name(domain, call), call.path("role"), NamespacesResource.actions(call));
                    return null;
                })
                .add("DELETE", topic + "/permissions/{role}", (call) ->
                {
                    metadata.revokePermission(name(domain, call), call.path("role"));
                    return null;
                })
                .add("PUT", topic + "/partitions", (call) ->
                {
                    topics().createPartitionedTopic(name(domain, call), partitions(call));
                    return null;
                })
                .add("POST", topic + "/partitions", (call) ->
                {
                    topics().updatePartitionedTopic(name(domain, call), partitions(call));
                    return null;
                });
            lookUp
                .add("GET", topic + "/partitions", (call) ->
                    Map.of("partitions", topics().getPartitionedTopicMetadata(name(domain, call)).partitions))
                .add("GET", topic + "/stats", (call) -> statsView.view(topics().getStats(name(domain, call))))
                .add("GET", topic + "/partitioned-stats", (call) -> partitionedStats(domain, call))
                .add("GET", topic + "/internalStats", (call) ->
                    json(topics().statsInternal(name(domain, call)).toJson()))
                .add("GET", topic + "/partitioned-internalStats", (call) ->
                    json(topics().getPartitionedInternalStats(partitioned(domain, call)).toJson()))
                .add("GET", topic + "/subscriptions", (call) ->
                    new ArrayList<>(topics().statsInternal(name(domain, call)).getCursors().keySet()));
            consumer
                .add("PUT", subscription, (call) ->
                {
                    for (final String each : partitionsOrSelf(name(domain, call)))
                    {
                        createSubscription(each, call.path("subscription"), call.query("messageId"));
                    }
                    return null;
                })
                .add("POST", subscription + "/skip_all", (call) ->
                {
                    // Pulsar's clear-backlog: every message so far is skipped, as a reset to the end does; a
                    // partitioned topic's name stands for each of its partitions
                    for (final String each : partitionsOrSelf(name(domain, call)))
                    {
                        topics().resetCursor(each, call.path("subscription"), Long.MAX_VALUE);
                    }
                    return null;
                })
                .add("DELETE", subscription, (call) ->
                {
                    topics().deleteSubscription(
                        name(domain, call), call.path("subscription"), call.queryBoolean("force", false));
                    return null;
                })
                .add("POST", subscription + "/resetcursor/{timestamp}", (call) ->
                {
                    final long timestamp = call.pathLong("timestamp");
                    if (timestamp < 0)
                    {
                        throw RestException.badRequest("the timestamp is epoch milliseconds, 0 or more: " + timestamp);
                    }
                    topics().resetCursor(name(domain, call), call.path("subscription"), timestamp);
                    return null;
                })
                .add("POST", subscription + "/resetcursor", (call) ->
                {
                    final MessageIdData id = call.body(MessageIdData.class);
                    if (null == id.ledgerId() || null == id.entryId() || id.ledgerId() < 0 ||
                        id.ledgerId() > Integer.MAX_VALUE || id.entryId() < 0)
                    {
                        throw RestException.badRequest("the message id needs ledgerId (the shard) and entryId " +
                            "(the position), both 0 or more");
                    }
                    topics().resetCursor(name(domain, call), call.path("subscription"),
                        new MessageId((int)(long)id.ledgerId(), id.entryId()));
                    return null;
                });
        }
    }

    /**
     * @return the partitions of a partitioned topic, in order, or the topic itself if it is not partitioned.
     */
    private List<String> partitionsOrSelf(final String topic) throws Exception
    {
        final int partitions = metadata.snapshot().partitions(topic);
        if (0 == partitions)
        {
            return List.of(topic);
        }
        final List<String> names = new ArrayList<>(partitions);
        for (int i = 0; i < partitions; i++)
        {
            names.add(topic + TopicName.PARTITION_SUFFIX + i);
        }
        return names;
    }

    /**
     * Create a durable subscription at the earliest or the latest message (the default), as Pulsar's
     * {@code create-subscription}: a consumer of the admin API's session attaches, which creates the topic too if it
     * is new, and leaves at once; what it was sent goes back to the subscription.
     */
    private void createSubscription(final String topic, final String subscription, final String messageId)
        throws Exception
    {
        final InitialPosition position;
        if (null == messageId || "latest".equalsIgnoreCase(messageId))
        {
            position = InitialPosition.LATEST;
        }
        else if ("earliest".equalsIgnoreCase(messageId))
        {
            position = InitialPosition.EARLIEST;
        }
        else
        {
            throw RestException.badRequest("messageId is earliest or latest, not '" + messageId + "'");
        }
        try
        {
            if (topics().statsInternal(topic).getCursors().containsKey(subscription))
            {
                throw new RestException(409, "subscription " + subscription + " already exists on " + topic);
            }
        }
        catch (final MagnetarClientException ex)
        {
            if (MagnetarClientException.ErrorCode.TOPIC_NOT_FOUND != ex.errorCode())
            {
                throw ex;
            }
        }
        try (Consumer ignored = client.get().newConsumer().topic(topic).subscriptionName(subscription)
            .subscriptionInitialPosition(position).receiverQueueSize(1).subscribe())
        {
            // created: the subscription outlives its consumer
        }
    }

    /**
     * As Pulsar answers a topic's permissions: what was granted on its namespace, its partitioned topic and itself,
     * merged by role.
     */
    private Map<String, Set<String>> effectivePermissions(final TopicName topic)
    {
        final MetadataSnapshot snapshot = metadata.snapshot();
        final Map<String, Set<String>> merged = new TreeMap<>();
        final List<String> resources = new ArrayList<>(List.of(topic.namespaceName()));
        if (null != topic.partitionedTopicName())
        {
            resources.add(topic.partitionedTopicName());
        }
        resources.add(topic.toString());
        for (final String resource : resources)
        {
            for (final Map.Entry<String, Set<String>> grant :
                snapshot.permissions().getOrDefault(resource, Map.of()).entrySet())
            {
                merged.computeIfAbsent(grant.getKey(), (role) -> new TreeSet<>()).addAll(grant.getValue());
            }
        }
        return merged;
    }

    private Topics topics()
    {
        return client.get().admin().topics();
    }

    private List<String> topicsOf(final String domain, final RestCall call) throws Exception
    {
        final String namespace = call.path("tenant") + "/" + call.path("namespace");
        final String prefix = domain + "://";
        final List<String> topics = new ArrayList<>();
        for (final String topic : client.get().admin().namespaces().getTopics(namespace))
        {
            if (topic.startsWith(prefix))
            {
                topics.add(topic);
            }
        }
        return topics;
    }

    private List<String> partitionedTopicsOf(final String domain, final RestCall call)
    {
        final String namespace = call.path("tenant") + "/" + call.path("namespace");
        if (!metadata.snapshot().namespaces().contains(namespace))
        {
            throw RestException.notFound("namespace " + namespace + " does not exist");
        }
        final String prefix = domain + "://" + namespace + "/";
        final List<String> topics = new ArrayList<>();
        for (final String topic : metadata.snapshot().partitionedTopics().keySet())
        {
            if (topic.startsWith(prefix))
            {
                topics.add(topic);
            }
        }
        return topics;
    }

    private String partitioned(final String domain, final RestCall call) throws Exception
    {
        final String name = name(domain, call);
        final PartitionedTopicMetadata partitions = topics().getPartitionedTopicMetadata(name);
        if (0 == partitions.partitions)
        {
            throw RestException.notFound("partitioned topic " + name + " does not exist");
        }
        return name;
    }

    private Map<String, Object> partitionedStats(final String domain, final RestCall call) throws Exception
    {
        final String name = partitioned(domain, call);
        final int partitions = topics().getPartitionedTopicMetadata(name).partitions;
        final boolean perPartition = call.queryBoolean("perPartition", true);
        final Map<String, Object> byPartition = new LinkedHashMap<>();
        final String[] summed = { "msgRateIn", "msgThroughputIn", "msgRateOut", "msgThroughputOut", "msgInCounter",
            "bytesInCounter", "msgOutCounter", "bytesOutCounter", "storageSize", "entries" };
        final Map<String, Object> json = new LinkedHashMap<>();
        for (final String field : summed)
        {
            json.put(field, 0.0);
        }
        for (int i = 0; i < partitions; i++)
        {
            final String partition = name + TopicName.PARTITION_SUFFIX + i;
            final Map<String, Object> stats;
            try
            {
                stats = statsView.view(topics().getStats(partition));
            }
            catch (final MagnetarClientException ex)
            {
                if (MagnetarClientException.ErrorCode.TOPIC_NOT_FOUND == ex.errorCode())
                {
                    continue; // a partition nothing has used yet holds nothing
                }
                throw ex;
            }
            for (final String field : summed)
            {
                json.put(field, ((Number)json.get(field)).doubleValue() + ((Number)stats.get(field)).doubleValue());
            }
            byPartition.put(partition, stats);
        }
        json.put("metadata", Map.of("partitions", partitions));
        if (perPartition)
        {
            json.put("partitions", byPartition);
        }
        return json;
    }

    private static String name(final String domain, final RestCall call)
    {
        return topicName(domain, call).toString();
    }

    /**
     * @param domain {@code persistent} or {@code non-persistent}.
     * @param call   of a route under {@code {tenant}/{namespace}/{topic}}.
     * @return the topic's name.
     * @throws RestException 412 if it is not a valid name, as Pulsar answers.
     */
    static TopicName topicName(final String domain, final RestCall call)
    {
        final String name = domain + "://" + call.path("tenant") + "/" + call.path("namespace") + "/" +
            call.path("topic");
        try
        {
            return TopicName.parse(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new RestException(412, ex.getMessage());
        }
    }

    private static int partitions(final RestCall call)
    {
        final Long partitions = call.body(Long.class);
        if (partitions < 1 || partitions > Integer.MAX_VALUE)
        {
            throw RestException.badRequest("the partition count must be at least 1, not " + partitions);
        }
        return (int)(long)partitions;
    }

    private static RestResponse json(final String text)
    {
        return new RestResponse(200, "application/json", text);
    }
}

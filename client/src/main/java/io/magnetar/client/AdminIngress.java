package io.magnetar.client;

/**
 * The administration requests the admin client offers to the broker: the part of the {@link IngressProxy} that
 * {@link Namespaces} and {@link Topics} use, so they can be tested without a media driver. Each offer waits, bounded
 * by its deadline, while the ingress is back pressured.
 */
interface AdminIngress
{
    /**
     * Offer {@code ResetCursor}.
     *
     * @param correlationId of the request.
     * @param topic         full topic name.
     * @param subscription  name.
     * @param publishTime   epoch milliseconds to move the cursor to.
     * @param messageId     to move the cursor to instead, or null.
     * @param deadlineNs    bound on the offer.
     * @throws MagnetarClientException if the offer failed.
     */
    void resetCursor(
        long correlationId,
        String topic,
        String subscription,
        long publishTime,
        MessageId messageId,
        long deadlineNs) throws MagnetarClientException;

    /**
     * Offer {@code DeleteSubscription}.
     *
     * @param correlationId of the request.
     * @param topic         full topic name.
     * @param subscription  to delete.
     * @param force         true to close its consumers first.
     * @param deadlineNs    bound on waiting for the ingress.
     * @throws MagnetarClientException if the request could not be offered in time.
     */
    void deleteSubscription(
        long correlationId, String topic, String subscription, boolean force, long deadlineNs)
        throws MagnetarClientException;

    /**
     * Offer {@code StatsInternalRequest}.
     *
     * @param correlationId of the request.
     * @param topic         full topic name.
     * @param deadlineNs    bound on the offer.
     * @throws MagnetarClientException if the offer failed.
     */
    void statsInternal(long correlationId, String topic, long deadlineNs) throws MagnetarClientException;

    /**
     * Offer a {@code TopicStatsRequest}.
     *
     * @param correlationId of the request.
     * @param topic         full topic name.
     * @param deadlineNs    bound on the offer.
     * @throws MagnetarClientException if the offer failed.
     */
    void topicStats(long correlationId, String topic, long deadlineNs) throws MagnetarClientException;

    /**
     * Offer a {@code ShardStatsRequest}.
     *
     * @param correlationId of the request.
     * @param shard         to ask.
     * @param fromLocalId   first local topic id of the page.
     * @param maxTopics     most topics in the page.
     * @param resetLatency  true to start the shard's publish latency again.
     * @param deadlineNs    bound on the offer.
     * @throws MagnetarClientException if the offer failed.
     */
    void shardStats(
        long correlationId, int shard, long fromLocalId, int maxTopics, boolean resetLatency, long deadlineNs)
        throws MagnetarClientException;

    /**
     * Offer {@code SetNamespacePolicies}; every topic shard answers it.
     *
     * @param correlationId of the request.
     * @param namespace     {@code tenant/namespace}.
     * @param update        the policies to set or remove; empty creates the namespace.
     * @param deadlineNs    bound on the offer.
     * @throws MagnetarClientException if the offer failed.
     */
    void setNamespacePolicies(long correlationId, String namespace, NamespacePolicyUpdate update, long deadlineNs)
        throws MagnetarClientException;

    /**
     * Offer {@code GetNamespacePolicies}.
     *
     * @param correlationId of the request.
     * @param namespace     {@code tenant/namespace}.
     * @param deadlineNs    bound on the offer.
     * @throws MagnetarClientException if the offer failed.
     */
    void getNamespacePolicies(long correlationId, String namespace, long deadlineNs) throws MagnetarClientException;

    /**
     * Offer {@code ListNamespaces}.
     *
     * @param correlationId of the request.
     * @param tenant        whose namespaces to list.
     * @param deadlineNs    bound on the offer.
     * @throws MagnetarClientException if the offer failed.
     */
    void listNamespaces(long correlationId, String tenant, long deadlineNs) throws MagnetarClientException;

    /**
     * Offer {@code DeleteNamespace}.
     *
     * @param correlationId of the request.
     * @param namespace     {@code tenant/namespace}.
     * @param deadlineNs    bound on the offer.
     * @throws MagnetarClientException if the offer failed.
     */
    void deleteNamespace(long correlationId, String namespace, long deadlineNs) throws MagnetarClientException;

    /**
     * Offer {@code GetTopicsOfNamespace}.
     *
     * @param correlationId of the request.
     * @param namespace     {@code tenant/namespace}.
     * @param deadlineNs    bound on the offer.
     * @throws MagnetarClientException if the offer failed.
     */
    void getTopicsOfNamespace(long correlationId, String namespace, long deadlineNs) throws MagnetarClientException;

    /**
     * Offer a request to create a partitioned topic, or to raise its partition count.
     *
     * @param correlationId of the request.
     * @param create        true to create, false to raise the count.
     * @param topic         full name of the partitioned topic.
     * @param partitions    its partition count.
     * @param deadlineNs    bound on the offer.
     * @throws MagnetarClientException if it could not be offered.
     */
    void partitionedTopic(long correlationId, boolean create, String topic, int partitions, long deadlineNs)
        throws MagnetarClientException;

    /**
     * Offer a request for a topic's partition count.
     *
     * @param correlationId of the request.
     * @param topic         full name of the topic.
     * @param deadlineNs    bound on the offer.
     * @throws MagnetarClientException if it could not be offered.
     */
    void partitionedTopicMetadata(long correlationId, String topic, long deadlineNs) throws MagnetarClientException;
}

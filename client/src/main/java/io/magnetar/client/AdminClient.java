package io.magnetar.client;

import java.util.function.IntSupplier;

/**
 * Administration through a client's session with the broker, shaped like Pulsar's {@code PulsarAdmin}:
 * {@link #namespaces()} and {@link #topics()}. Get it from {@link MagnetarClient#admin()}; it lives as long as the
 * client and needs no closing. Thread-safe; every call blocks until the broker answered, bounded by the client's
 * operation timeout, and must not be made on the client's conductor thread.
 * <pre>{@code
 * final NamespacePolicies policies = client.admin().namespaces().setMessageTtl("public/orders", 600_000);
 * final TopicInternalStats stats = client.admin().topics().statsInternal("persistent://public/orders/t");
 * }</pre>
 */
public final class AdminClient
{
    private final Namespaces namespaces;
    private final Topics topics;

    /**
     * @param requests              the round trips go through.
     * @param ingress               the requests are offered on.
     * @param brokerProtocolVersion of the broker, once connected.
     */
    AdminClient(final RequestTracker requests, final AdminIngress ingress, final IntSupplier brokerProtocolVersion)
    {
        this.namespaces = new Namespaces(requests, ingress, brokerProtocolVersion);
        this.topics = new Topics(requests, ingress, brokerProtocolVersion);
    }

    /**
     * @return namespace administration: create and list namespaces, read and set their policies.
     */
    public Namespaces namespaces()
    {
        return namespaces;
    }

    /**
     * @return topic administration: internal stats, resetting cursors.
     */
    public Topics topics()
    {
        return topics;
    }
}

package io.magnetar.client;

/**
 * Constants of the Magnetar client protocol that both ends must agree on, and the ingress channel a client publishes
 * to. The broker mirrors these values; it does not depend on the client module.
 */
public final class Protocol
{
    /**
     * Version of the protocol this client speaks, sent in {@code Connect}.
     */
    public static final int PROTOCOL_VERSION = 10;

    /**
     * Stream id of the broker's ingress: every client publishes its requests on it.
     */
    public static final int INGRESS_STREAM_ID = 1001;

    /**
     * Stream id of a UDP client's egress (response) subscription.
     */
    public static final int EGRESS_STREAM_ID = 1002;

    /**
     * Bit set in the response stream id of an IPC client: the id is this bit or'ed with the low 30 bits of the Aeron
     * client id, which makes it unique among the clients of one media driver.
     */
    public static final int IPC_RESPONSE_STREAM_ID_BASE = 0x40000000;

    /**
     * Port of the broker when the service URL names none.
     */
    public static final int DEFAULT_PORT = 6650;

    /**
     * Scheme prefix of a service URL for UDP.
     */
    public static final String UDP_URL_PREFIX = "magnetar://";

    /**
     * Scheme prefix of a service URL for IPC through a media driver on this host.
     */
    public static final String IPC_URL_PREFIX = "magnetar+ipc://";

    /**
     * First protocol version with namespace policies ({@code SetNamespacePolicies}, {@code GetNamespacePolicies}).
     */
    public static final int NAMESPACE_POLICIES_VERSION = 3;

    /**
     * Correlation id of an {@code Error} the broker cannot tie to a request.
     */
    public static final long NULL_CORRELATION_ID = -1;

    /**
     * Longest message key the broker accepts, in bytes of its UTF-8 encoding; the broker refuses a longer key with
     * {@code MESSAGE_TOO_LARGE}.
     */
    public static final int MAX_KEY_LENGTH = 4096;

    /**
     * Most hash ranges a sticky Key_Shared consumer may give.
     */
    public static final int MAX_HASH_RANGES = 1024;

    /**
     * Shard of the message ids of non-persistent topics.
     */
    public static final int NON_PERSISTENT_SHARD = -1;

    private Protocol()
    {
    }

    /**
     * The Aeron channel of the broker's ingress for a service URL.
     *
     * @param serviceUrl {@code magnetar://host[:port]} or {@code magnetar+ipc://}.
     * @param termLength term length of the client's publication on that channel.
     * @return {@code aeron:udp?endpoint=host:port|term-length=n} or {@code aeron:ipc?term-length=n}.
     * @throws IllegalArgumentException if the service URL is not valid.
     */
    public static String ingressChannel(final String serviceUrl, final int termLength)
    {
        return ServiceUrl.parse(serviceUrl).ingressChannel(termLength);
    }

    /**
     * Whether a service URL asks for IPC.
     *
     * @param serviceUrl to look at.
     * @return true for {@code magnetar+ipc://}.
     * @throws IllegalArgumentException if the service URL is not valid.
     */
    public static boolean isIpc(final String serviceUrl)
    {
        return ServiceUrl.parse(serviceUrl).isIpc();
    }

    /**
     * The response stream id an IPC client uses.
     *
     * @param aeronClientId {@code Aeron.clientId()} of the client's Aeron instance.
     * @return a stream id unique among the clients of one media driver.
     */
    public static int ipcResponseStreamId(final long aeronClientId)
    {
        return IPC_RESPONSE_STREAM_ID_BASE | (int)(aeronClientId & 0x3FFFFFFF);
    }

    /**
     * The full name of a topic given in short form, as Pulsar resolves it: a bare {@code name} is
     * {@code persistent://public/default/name}, {@code tenant/namespace/name} is
     * {@code persistent://tenant/namespace/name}; a name with a domain (or another shape, which the broker refuses)
     * is returned as it is.
     *
     * @param topic as the application gave it.
     * @return the full topic name.
     */
    public static String fullTopicName(final String topic)
    {
        if (topic.contains("://"))
        {
            return topic;
        }
        final int firstSlash = topic.indexOf('/');
        if (firstSlash < 0)
        {
            return "persistent://public/default/" + topic;
        }
        final int secondSlash = topic.indexOf('/', firstSlash + 1);

        return secondSlash > 0 && topic.indexOf('/', secondSlash + 1) < 0 ? "persistent://" + topic : topic;
    }

    /**
     * Whether a name has the shape of a namespace: {@code tenant/namespace}, both parts non-empty, no further
     * {@code '/'}. The broker checks the characters.
     *
     * @param namespace to look at, may be null.
     * @return true if it has that shape.
     */
    public static boolean isNamespaceName(final String namespace)
    {
        if (null == namespace)
        {
            return false;
        }

        final int slash = namespace.indexOf('/');
        return slash > 0 && slash < namespace.length() - 1 && namespace.indexOf('/', slash + 1) < 0;
    }
}

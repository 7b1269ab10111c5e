package io.magnetar.broker.session;

import io.magnetar.broker.ShardCommand;
import io.magnetar.broker.BrokerCounters;
import io.magnetar.broker.BrokerConfiguration;
import io.magnetar.broker.auth.TokenAuthenticator;
import io.magnetar.broker.auth.Authorizer;
import io.magnetar.broker.metadata.MetadataAdmin;
import io.magnetar.broker.shard.TopicShardAgent;
import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.exceptions.ConfigurationException;
import io.aeron.exceptions.RegistrationException;
import io.magnetar.codecs.ErrorCode;
import org.agrona.ErrorHandler;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.jctools.queues.SpscArrayQueue;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Owns the client sessions. Its duty cycle polls the ingress (UDP and IPC) through an {@link IngressFrameAdapter},
 * which checks and decodes each frame for a {@link SessionCommandHandler}; connects, pings and bad input are
 * answered here through a {@link SessionReplyPublisher}, topic commands go to the owning {@link TopicShardAgent}
 * through a {@link ShardRouter}. Each {@link ClientSession} owns its lifecycle; this agent keeps the sessions, opens
 * and closes them, and drives their lifecycle from the duty cycle.
 */
public final class SessionAgent implements Agent
{
    /** The namespace every broker has, as Pulsar's standalone does. */
    public static final String DEFAULT_NAMESPACE = "public/default";

    /** Longest message key accepted, in bytes. */
    /**
     * Longest token a Connect may carry.
     */
    public static final int MAX_AUTH_TOKEN_LENGTH = 4096;

    public static final int MAX_KEY_LENGTH = 4096;

    /** Frames up to this length travel to a shard in a small pooled command; longer ones in a large one. */
    public static final int SMALL_FRAME_LENGTH = 2048;

    /** Room for headers and fixed fields around a message's key and payload in a frame. */
    public static final int FRAME_HEADROOM = 512;

    static final int MAX_NAME_LENGTH = 1024;

    /**
     * What the broker adds to a Send's bytes when it stores the message and pushes it to a consumer: the producer's
     * name and the Message frame's further fixed fields and length fields.
     */
    static final int DELIVERY_HEADROOM = MAX_NAME_LENGTH + 64;
    private static final int FRAGMENT_LIMIT = 64;
    private static final long LIVENESS_CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final TokenAuthenticator authenticator;
    private final Aeron aeron;
    private final Subscription udpIngress;
    private final Subscription ipcIngress;
    private final BrokerCounters counters;
    private final ErrorHandler errorHandler;
    private final NanoClock nanoClock;
    private final long connectTimeoutNs;
    private final int maxBadFrames;
    private final IngressFrameAdapter ingressAdapter;
    private final SessionReplyPublisher replyPublisher;
    private final ShardRouter router;
    private final ResponseChannels responseChannels;
    private final Long2ObjectHashMap<ClientSession> sessionByKey = new Long2ObjectHashMap<>();
    private final ArrayList<ClientSession> connectingSessions = new ArrayList<>();
    private final ArrayList<ClientSession> closingSessions = new ArrayList<>();
    private final ArrayList<ClientSession> deadSessions = new ArrayList<>();
    private long nextLivenessCheckNs;

    /**
     * @param aeron             client, for answer publications.
     * @param udpIngress        UDP ingress subscription, or null.
     * @param ipcIngress        IPC ingress subscription, or null.
     * @param shardQueues       command queue of each shard.
     * @param freeCommands      pool of small commands of each shard.
     * @param freeLargeCommands pool of large commands of each shard, for frames up to the maximum message size.
     * @param counters          of the broker.
     * @param errorHandler      for errors.
     * @param nanoClock         for timeouts.
     * @param brokerName        sent to clients.
     * @param maxMessageSize    largest payload accepted, sent to clients.
     * @param egressTermLength  term length of answer publications.
     * @param connectTimeoutNs  how long a new session's answer channel may take to connect.
     * @param maxBadFrames      malformed frames a session may send before it is closed.
     * @param namespaces        the namespaces the shards know at start.
     * @param authenticator     of connecting clients' tokens, or null when authentication is off.
     * @param metadata          the metadata store and its rules: tenants, namespaces, partitioned topics.
     * @param maxPartitions     most partitions a partitioned topic may have.
     * @param authorizer        of the sessions' roles.
     */
    public SessionAgent(
        final Aeron aeron,
        final Subscription udpIngress,
        final Subscription ipcIngress,
        final SpscArrayQueue<ShardCommand>[] shardQueues,
        final SpscArrayQueue<ShardCommand>[] freeCommands,
        final SpscArrayQueue<ShardCommand>[] freeLargeCommands,
        final BrokerCounters counters,
        final ErrorHandler errorHandler,
        final NanoClock nanoClock,
        final String brokerName,
        final int maxMessageSize,
        final int egressTermLength,
        final long connectTimeoutNs,
        final int maxBadFrames,
        final Set<String> namespaces,
        final TokenAuthenticator authenticator,
        final MetadataAdmin metadata,
        final int maxPartitions,
        final Authorizer authorizer)
    {
        final NamespaceDirectory namespaceDirectory = new NamespaceDirectory(namespaces, metadata, errorHandler);
        this.authenticator = authenticator;
        this.aeron = aeron;
        this.udpIngress = udpIngress;
        this.ipcIngress = ipcIngress;
        this.counters = counters;
        this.errorHandler = errorHandler;
        this.nanoClock = nanoClock;
        this.connectTimeoutNs = connectTimeoutNs;
        this.maxBadFrames = maxBadFrames;
        this.replyPublisher = new SessionReplyPublisher(errorHandler, brokerName, maxMessageSize, FRAGMENT_LIMIT);
        this.router = new ShardRouter(shardQueues, freeCommands, freeLargeCommands, counters.ingressBackPressure);
        this.responseChannels = new ResponseChannels(udpIngress, egressTermLength);
        this.ingressAdapter = new IngressFrameAdapter(
            new SessionCommandHandler(this, replyPublisher, router, namespaceDirectory, maxMessageSize,
                new PartitionedTopicAdmin(metadata, namespaceDirectory, replyPublisher, maxPartitions), authorizer),
            errorHandler);
    }

    /**
     * @param maxMessageSize largest payload accepted.
     * @param termName       naming the term length, for the error.
     * @param termLength     of a publication that carries messages of that size.
     * @throws ConfigurationException unless a term holds at least 8 frames of the largest message, as the broker
     *                                stores and delivers it (its producer's name added).
     */
    public static void checkMessageFits(final int maxMessageSize, final String termName, final int termLength)
    {
        final int headroom = MAX_KEY_LENGTH + FRAME_HEADROOM + DELIVERY_HEADROOM;
        if ((long)maxMessageSize + headroom > termLength / 8)
        {
            throw new ConfigurationException("maxMessageSize " + maxMessageSize + " needs a term length of at " +
                "least 8 x (size + " + headroom + "); " + termName + "=" + termLength);
        }
    }

    /**
     * @param maxMessageSize largest payload accepted.
     * @return the longest Send frame that can carry it with a key of the longest length.
     */
    public static int maxFrameLength(final int maxMessageSize)
    {
        return maxMessageSize + MAX_KEY_LENGTH + FRAME_HEADROOM;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int workCount = ingressAdapter.poll(udpIngress, ipcIngress, FRAGMENT_LIMIT);
        router.flushAcks(); // single acks polled together go as one group; if a pool is full, next cycle
        if (!connectingSessions.isEmpty())
        {
            workCount += serviceConnectingSessions();
        }
        if (!closingSessions.isEmpty())
        {
            workCount += serviceClosingSessions();
        }
        if (replyPublisher.hasDeferredReplies())
        {
            workCount += replyPublisher.sendDeferredReplies();
        }

        final long nowNs = nanoClock.nanoTime();
        if (nowNs >= nextLivenessCheckNs)
        {
            nextLivenessCheckNs = nowNs + LIVENESS_CHECK_INTERVAL_NS;
            workCount += checkLiveness();
        }

        return workCount;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "magnetar-session";
    }

    /**
     * Tell every client its session ends with the broker, so it reconnects at once instead of waiting for a liveness
     * timeout; then close every session's answer publication.
     */
    public void onClose()
    {
        // acks polled last go to their shards, which handle what is queued as they close; should a shard's pool
        // be full, they are lost as any ack not yet recorded, and their messages come again after the restart
        router.flushAcks();
        for (final ClientSession session : sessionByKey.values())
        {
            if (session.isActive())
            {
                replyPublisher.sendError(session, -1, ErrorCode.SERVICE_NOT_READY,
                    "the broker is shutting down: session closed");
            }
            if (null != session.publication())
            {
                session.publication().close();
            }
        }
        sessionByKey.clear();
    }

    /**
     * @param sessionKey names a client's ingress image.
     * @return the image's session if it is active; else null, and the frame that asked is counted as bad and
     * dropped: there is nowhere to answer it.
     */
    ClientSession activeSession(final long sessionKey)
    {
        final ClientSession session = sessionByKey.get(sessionKey);
        if (null == session || !session.isActive())
        {
            counters.badFrames.incrementRelease();
            return null;
        }

        return session;
    }

    /**
     * Open a session for a client's Connect: check the answer channel and start adding its publication. A Connect
     * re-sent by a client whose session is active is answered again.
     */
    void onConnect(
        final long sessionKey,
        final int transport,
        final int imageSessionId,
        final long correlationId,
        final int protocolVersion,
        final int responseStreamId,
        final String responseChannel,
        final String clientName,
        final String authToken)
    {
        final ClientSession existing = sessionByKey.get(sessionKey);
        if (null != existing)
        {
            if (existing.isActive() && existing.connectCorrelationId == correlationId)
            {
                replyPublisher.sendConnected(existing);
            }
            else if (existing.isActive())
            {
                // a new Connect on the same image: the client lost this session and starts afresh; its producers
                // and consumers go first, and the client's next Connect opens the new session
                close(existing);
            }
            return;
        }

        for (int i = 0, size = closingSessions.size(); i < size; i++)
        {
            if (closingSessions.get(i).key == sessionKey)
            {
                // the previous session on this image is still being closed on the shards; the client re-sends
                return;
            }
        }

        final String channel;
        try
        {
            channel = responseChannels.resolve(transport, imageSessionId, responseChannel, responseStreamId);
        }
        catch (final RuntimeException ex)
        {
            // No channel to answer on: drop the frame and count it.
            counters.badFrames.incrementRelease();
            errorHandler.onError(new IllegalArgumentException(
                "connect from image session " + imageSessionId + " rejected: " + ex.getMessage(), ex));
            return;
        }

        // the token is checked now; a refusal is answered once the answer channel is up, and the session closed
        String role = null;
        String authFailure = null;
        if (null != authenticator)
        {
            try
            {
                role = authenticator.authenticate(authToken, System.currentTimeMillis());
            }
            catch (final TokenAuthenticator.AuthenticationException ex)
            {
                authFailure = ex.getMessage();
            }
        }

        final ClientSession session = new ClientSession(
            sessionKey,
            transport,
            imageSessionId,
            aeron.asyncAddPublication(channel, responseStreamId),
            correlationId,
            protocolVersion,
            clientName,
            role,
            authFailure,
            ResponseChannels.key(channel, responseStreamId),
            nanoClock.nanoTime() + connectTimeoutNs);
        responseChannels.reserve(session.responseChannelKey);
        sessionByKey.put(sessionKey, session);
        connectingSessions.add(session);
    }

    /**
     * A malformed or unknown frame: counted, and answered with an error if its session is active. A session that
     * sends too many is closed.
     */
    void onBadFrame(final long sessionKey, final long correlationId, final ErrorCode code, final String message)
    {
        counters.badFrames.incrementRelease();
        final ClientSession session = sessionByKey.get(sessionKey);
        if (null != session && session.isActive())
        {
            replyPublisher.sendError(session, correlationId, code, message);
            final int badFrames = session.onBadFrame();
            if (badFrames >= maxBadFrames)
            {
                replyPublisher.sendError(session, -1, ErrorCode.MALFORMED_FRAME,
                    "too many bad frames (" + badFrames + "): session closed");
                close(session);
            }
        }
    }

    /**
     * A frame that cannot be answered: counted and dropped.
     */
    void onDroppedFrame()
    {
        counters.badFrames.incrementRelease();
    }

    /**
     * End a session: it no longer takes frames or holds its answer channel, and the shards are told it has gone.
     */
    void close(final ClientSession session)
    {
        final ClientSession.State state = session.state();
        if (ClientSession.State.CLOSING == state || ClientSession.State.CLOSED == state)
        {
            return;
        }

        sessionByKey.remove(session.key);
        responseChannels.release(session.responseChannelKey);
        if (session.close(aeron))
        {
            closingSessions.add(session);
            counters.sessionsClosed.incrementRelease();
        }
    }

    private int serviceConnectingSessions()
    {
        int workCount = 0;
        final long nowNs = nanoClock.nanoTime();
        for (int i = connectingSessions.size() - 1; i >= 0; i--)
        {
            final ClientSession session = connectingSessions.get(i);
            if (ClientSession.State.AWAITING_EGRESS != session.state())
            {
                connectingSessions.remove(i);
                continue;
            }

            final boolean connected;
            try
            {
                connected = session.pollEgress(aeron);
            }
            catch (final RegistrationException ex)
            {
                errorHandler.onError(ex);
                connectingSessions.remove(i);
                session.onEgressFailed();
                sessionByKey.remove(session.key);
                responseChannels.release(session.responseChannelKey);
                workCount++;
                continue;
            }

            if (connected)
            {
                connectingSessions.remove(i);
                session.activate();
                if (null != session.authFailure)
                {
                    replyPublisher.sendError(session, session.connectCorrelationId, ErrorCode.AUTHENTICATION_ERROR,
                        "authentication failed: " + session.authFailure);
                    close(session);
                }
                else if (session.protocolVersion < 1)
                {
                    replyPublisher.sendError(session, session.connectCorrelationId, ErrorCode.UNSUPPORTED_VERSION,
                        "protocol version " + session.protocolVersion + " is not supported; this broker speaks " +
                        BrokerConfiguration.PROTOCOL_VERSION);
                    close(session);
                }
                else
                {
                    counters.sessionsOpened.incrementRelease();
                    replyPublisher.sendConnected(session);
                }
                workCount++;
            }
            else if (nowNs > session.connectDeadlineNs)
            {
                connectingSessions.remove(i);
                close(session);
                workCount++;
            }
        }

        return workCount;
    }

    private int serviceClosingSessions()
    {
        int workCount = 0;
        for (int i = closingSessions.size() - 1; i >= 0; i--)
        {
            final ClientSession session = closingSessions.get(i);
            workCount += session.notifyShardsOfClose(router, aeron);
            if (ClientSession.State.CLOSED == session.state())
            {
                closingSessions.remove(i);
            }
        }

        return workCount;
    }

    private int checkLiveness()
    {
        for (final ClientSession session : sessionByKey.values())
        {
            final Subscription ingress = ClientSession.TRANSPORT_UDP == session.transport ? udpIngress : ipcIngress;
            if (session.isActive() && session.isGone(ingress))
            {
                deadSessions.add(session);
            }
        }

        final int closed = deadSessions.size();
        for (int i = 0; i < closed; i++)
        {
            close(deadSessions.get(i));
        }
        deadSessions.clear();

        return closed;
    }
}

package io.magnetar.broker.session;

import io.aeron.Publication;
import io.magnetar.broker.BrokerConfiguration;
import io.magnetar.codecs.ConnectedEncoder;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.ErrorEncoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.NamespaceListEncoder;
import io.magnetar.codecs.PartitionedTopicMetadataEncoder;
import io.magnetar.codecs.PongEncoder;
import io.magnetar.codecs.SendErrorEncoder;
import io.magnetar.codecs.SuccessEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;

/**
 * Encodes the session agent's own answers (Connected, Pong, Error, SendError, NamespaceList) and offers them on
 * the session's answer publication. An answer the publication cannot take now is kept, in order with later ones,
 * and sent from the duty cycle; only a client that lets more than {@link #MAX_DEFERRED_REPLY_BYTES} of answers
 * pile up loses one.
 */
final class SessionReplyPublisher
{
    static final int MAX_DEFERRED_REPLY_BYTES = 1024 * 1024;
    static final int MAX_ERROR_MESSAGE_LENGTH = 1024;
    private static final int INITIAL_DEFERRED_CAPACITY = 1024;

    private final ErrorHandler errorHandler;
    private final String brokerName;
    private final int maxMessageSize;
    private final int fragmentLimit;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectedEncoder connectedEncoder = new ConnectedEncoder();
    private final PongEncoder pongEncoder = new PongEncoder();
    private final ErrorEncoder errorEncoder = new ErrorEncoder();
    private final SendErrorEncoder sendErrorEncoder = new SendErrorEncoder();
    private final NamespaceListEncoder namespaceListEncoder = new NamespaceListEncoder();
    private final SuccessEncoder successEncoder = new SuccessEncoder();
    private final PartitionedTopicMetadataEncoder partitionedTopicMetadataEncoder =
        new PartitionedTopicMetadataEncoder();
    private final UnsafeBuffer replyBuffer = new UnsafeBuffer(new byte[4096]);
    private final ExpandableDirectByteBuffer listBuffer = new ExpandableDirectByteBuffer(4096);
    private final IdentityHashMap<ClientSession, ExpandableRingBuffer> deferredRepliesBySession =
        new IdentityHashMap<>();
    private final ArrayList<ClientSession> sessionsWithDeferredReplies = new ArrayList<>();
    private final ExpandableRingBuffer.MessageConsumer deferredReplyHandler = this::onDeferredReply;
    private Publication deferredReplyPublication;

    /**
     * @param errorHandler   told of answers dropped because too many wait.
     * @param brokerName     sent in Connected.
     * @param maxMessageSize sent in Connected.
     * @param fragmentLimit  most kept answers sent to one session per duty cycle.
     */
    SessionReplyPublisher(
        final ErrorHandler errorHandler, final String brokerName, final int maxMessageSize, final int fragmentLimit)
    {
        this.errorHandler = errorHandler;
        this.brokerName = brokerName;
        this.maxMessageSize = maxMessageSize;
        this.fragmentLimit = fragmentLimit;
    }

    void sendConnected(final ClientSession session)
    {
        connectedEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(session.connectCorrelationId)
            .protocolVersion(BrokerConfiguration.PROTOCOL_VERSION)
            .maxMessageSize(maxMessageSize)
            .brokerName(brokerName);
        reply(session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + connectedEncoder.encodedLength());
    }

    void sendPong(final ClientSession session, final long correlationId, final long timestamp)
    {
        pongEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .timestamp(timestamp);
        reply(session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + pongEncoder.encodedLength());
    }

    /**
     * Answer with an error; a message over {@link #MAX_ERROR_MESSAGE_LENGTH} characters is cut.
     */
    void sendError(final ClientSession session, final long correlationId, final ErrorCode code, final String message)
    {
        errorEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .code(code)
            .message(message.length() > MAX_ERROR_MESSAGE_LENGTH ?
                message.substring(0, MAX_ERROR_MESSAGE_LENGTH) : message);
        reply(session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + errorEncoder.encodedLength());
    }

    void sendSendError(
        final ClientSession session,
        final long producerId,
        final long sequenceId,
        final ErrorCode code,
        final String message)
    {
        sendErrorEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(sequenceId)
            .producerId(producerId)
            .code(code)
            .message(message);
        reply(session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + sendErrorEncoder.encodedLength());
    }

    /**
     * Answer a request that has no other answer: it succeeded.
     */
    void sendSuccess(final ClientSession session, final long correlationId)
    {
        successEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder).correlationId(correlationId);
        reply(session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + successEncoder.encodedLength());
    }

    /**
     * Answer with a topic's partition count, 0 if it is not partitioned.
     */
    void sendPartitionedTopicMetadata(final ClientSession session, final long correlationId, final int partitions)
    {
        partitionedTopicMetadataEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .partitions(partitions);
        reply(session, replyBuffer,
            MessageHeaderEncoder.ENCODED_LENGTH + partitionedTopicMetadataEncoder.encodedLength());
    }

    /**
     * Answer with namespaces, one per line, or with an error if they do not fit one message.
     */
    void sendNamespaceList(
        final ClientSession session, final long correlationId, final String tenant, final Collection<String> names)
    {
        final byte[] text = String.join("\n", names).getBytes(StandardCharsets.UTF_8);
        namespaceListEncoder.wrapAndApplyHeader(listBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .putNamespaces(text, 0, text.length);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + namespaceListEncoder.encodedLength();
        final Publication publication = session.publication();
        if (null != publication && length > publication.maxMessageLength())
        {
            sendError(session, correlationId, ErrorCode.UNSUPPORTED_OPERATION, "tenant " + tenant + " has " +
                names.size() + " namespaces, more than one answer of " + publication.maxMessageLength() +
                " bytes holds");
            return;
        }
        reply(session, listBuffer, length);
    }

    /**
     * Send kept answers as far as each session's publication takes them; drop those of sessions whose publication
     * has closed.
     *
     * @return work done.
     */
    int sendDeferredReplies()
    {
        int workCount = 0;
        for (int i = sessionsWithDeferredReplies.size() - 1; i >= 0; i--)
        {
            final ClientSession session = sessionsWithDeferredReplies.get(i);
            final ExpandableRingBuffer deferredReplies = deferredRepliesBySession.get(session);
            final Publication publication = session.publication();
            if (null == publication || publication.isClosed())
            {
                deferredReplies.reset(INITIAL_DEFERRED_CAPACITY);
            }
            else
            {
                deferredReplyPublication = publication;
                workCount += deferredReplies.consume(deferredReplyHandler, fragmentLimit) > 0 ? 1 : 0;
                deferredReplyPublication = null;
            }
            if (deferredReplies.isEmpty())
            {
                sessionsWithDeferredReplies.remove(i);
                deferredRepliesBySession.remove(session);
            }
        }

        return workCount;
    }

    /**
     * @return true if answers wait for some session.
     */
    boolean hasDeferredReplies()
    {
        return !sessionsWithDeferredReplies.isEmpty();
    }

    private void reply(final ClientSession session, final DirectBuffer buffer, final int length)
    {
        final Publication publication = session.publication();
        if (null == publication)
        {
            return;
        }

        ExpandableRingBuffer deferredReplies = deferredRepliesBySession.get(session);
        if (null == deferredReplies)
        {
            final long result = publication.offer(buffer, 0, length);
            if (isTaken(result))
            {
                return;
            }
            deferredReplies = new ExpandableRingBuffer(INITIAL_DEFERRED_CAPACITY, MAX_DEFERRED_REPLY_BYTES, false);
            deferredRepliesBySession.put(session, deferredReplies);
            sessionsWithDeferredReplies.add(session);
        }

        if (!deferredReplies.append(buffer, 0, length))
        {
            errorHandler.onError(new IllegalStateException("reply to " + session.egress() + " dropped: more than " +
                MAX_DEFERRED_REPLY_BYTES + " bytes of answers wait for the client"));
        }
    }

    private boolean onDeferredReply(
        final MutableDirectBuffer buffer, final int offset, final int length, final int headOffset)
    {
        return isTaken(deferredReplyPublication.offer(buffer, offset, length));
    }

    /**
     * @return true if the publication took the answer or never will (closed, not connected): only back pressure
     * and admin actions are worth waiting out.
     */
    private static boolean isTaken(final long result)
    {
        return result > 0 || (Publication.BACK_PRESSURED != result && Publication.ADMIN_ACTION != result);
    }
}

package io.magnetar.client;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.magnetar.codecs.AckEncoder;
import io.magnetar.codecs.CloseProducerEncoder;
import io.magnetar.codecs.ConnectEncoder;
import io.magnetar.codecs.CreateProducerEncoder;
import io.magnetar.codecs.DisconnectEncoder;
import io.magnetar.codecs.FlowEncoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.PingEncoder;
import io.magnetar.codecs.SendEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;

/**
 * Encodes requests and offers them on the broker's ingress. Safe for many threads: each thread encodes into its own
 * buffer, and offers on the exclusive publication are serialised by a lock held only for the offer itself.
 * <p>
 * The publication is exclusive rather than concurrent because the media driver shares one concurrent publication
 * (and so one session id) among all clients of the driver that publish to the same channel and stream, and the
 * broker tells client sessions apart by session id.
 * <p>
 * After the handshake, an offer that finds the publication not connected waits like under back pressure: if the
 * broker does not come back within the connection-loss grace, the session counts as lost. Without reconnect, an offer
 * then fails with {@link MagnetarClientException.ConnectionLostException}. With it, while the session is being
 * restored: sends are kept by their producer (the frame is retained before it is offered) and not offered, acks and
 * permit grants are dropped, requests wait, and only the reconnector's thread offers, and a producer or consumer
 * already restored in this loss's epoch ({@link SessionLiveness#isHeldBack(long)}).
 */
final class IngressProxy
{
    /**
     * Per-thread encoding state.
     */
    static final class Encoders
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final ConnectEncoder connectEncoder = new ConnectEncoder();
        final CreateProducerEncoder createProducerEncoder = new CreateProducerEncoder();
        final SendEncoder sendEncoder = new SendEncoder();
        final FlowEncoder flowEncoder = new FlowEncoder();
        final AckEncoder ackEncoder = new AckEncoder();
        final CloseProducerEncoder closeProducerEncoder = new CloseProducerEncoder();
        final PingEncoder pingEncoder = new PingEncoder();
        final DisconnectEncoder disconnectEncoder = new DisconnectEncoder();
        final IdleStrategy idleStrategy = Connector.newWaitingIdleStrategy();
    }

    private static final DirectBuffer EMPTY_BUFFER = new UnsafeBuffer(new byte[0]);

    private static final int REQUEST = 0;
    private static final int DROP = 1;
    private static final int CONNECT = 2;

    private final ExclusivePublication publication;
    private final SessionLiveness liveness;
    private final long connectionLossGraceNs;
    private final Object offerLock = new Object();
    private final ThreadLocal<Encoders> encoders = ThreadLocal.withInitial(Encoders::new);

    /**
     * @param publication on the broker's ingress, owned by the client.
     * @param liveness    of the session, told when an offer finds the session lost.
     */
    IngressProxy(final ExclusivePublication publication, final SessionLiveness liveness)
    {
        this.publication = publication;
        this.liveness = liveness;
        this.connectionLossGraceNs = liveness.connectionLossGraceNs();
    }

    /**
     * @return true if the broker subscribes to the ingress.
     */
    boolean isConnected()
    {
        return publication.isConnected();
    }

    /**
     * @return session id of the ingress publication: the broker's key for this client session.
     */
    int sessionId()
    {
        return publication.sessionId();
    }

    /**
     * @return largest frame that fits in one message on the ingress.
     */
    int maxMessageLength()
    {
        return publication.maxMessageLength();
    }

    /**
     * @return position the ingress publication has reached.
     */
    long position()
    {
        return publication.position();
    }

    /**
     * @return registration id of the ingress publication.
     */
    long registrationId()
    {
        return publication.registrationId();
    }

    void connect(
        final long correlationId,
        final int responseStreamId,
        final String responseChannel,
        final String clientName,
        final String authToken,
        final long deadlineNs) throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final ConnectEncoder encoder = e.connectEncoder.wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .protocolVersion(Protocol.PROTOCOL_VERSION)
            .responseStreamId(responseStreamId)
            .responseChannel(responseChannel)
            .clientName(clientName)
            .authToken(authToken);

        offer(e, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs, CONNECT);
    }

    void createProducer(
        final long correlationId,
        final long producerId,
        final String topic,
        final String producerName,
        final ProducerAccessMode accessMode,
        final long topicEpoch,
        final long deadlineNs) throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final CreateProducerEncoder encoder = e.createProducerEncoder.wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .producerId(producerId)
            .accessMode(WireEnums.toWire(accessMode))
            .topicEpoch(topicEpoch)
            .topic(topic)
            .producerName(producerName);

        offer(e, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs, REQUEST);
    }

    /**
     * Encode a send, keep a copy in the producer's retained frames, and offer it unless the session is being
     * restored: then the copy goes out with the others once it is.
     *
     * @param retained the producer's frames that wait for a receipt, appended to under its send lock.
     * @return true if offered, false if kept for the restored session.
     */
    boolean send(
        final long sequenceId,
        final long producerId,
        final long publishTime,
        final String key,
        final byte[] payload,
        final byte[] metadata,
        final long deadlineNs,
        final ExpandableRingBuffer retained,
        final long restoredEpoch) throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final SendEncoder encoder = e.sendEncoder.wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(sequenceId)
            .producerId(producerId)
            .publishTime(publishTime)
            .key(key)
            .putPayload(payload, 0, payload.length);
        if (null == metadata)
        {
            encoder.putMetadata(EMPTY_BUFFER, 0, 0);
        }
        else
        {
            encoder.putMetadata(metadata, 0, metadata.length);
        }

        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        checkFits(payload.length, length);
        return offerAndRetain(e, length, deadlineNs, retained, restoredEpoch);
    }

    /**
     * Offer an encoded send, waiting while back pressured, then keep a copy for a restored session: kept only once
     * offered or held back, so a send whose offer failed is not resent.
     */
    private boolean offerAndRetain(
        final Encoders e,
        final int length,
        final long deadlineNs,
        final ExpandableRingBuffer retained,
        final long restoredEpoch) throws MagnetarClientException
    {
        final boolean offered = offer(e, length, deadlineNs, DROP, restoredEpoch);
        if (!retained.append(e.buffer, 0, length))
        {
            throw new MagnetarClientException("the producer's unreceipted sends exceed " +
                ExpandableRingBuffer.MAX_CAPACITY + " bytes");
        }

        return offered;
    }

    /**
     * Offer a request encoded elsewhere (an admin request), waiting while the ingress is back pressured and while the
     * session is being restored.
     *
     * @param buffer     holding the frame.
     * @param length     of the frame, from 0.
     * @param deadlineNs bound on the offer.
     * @throws MagnetarClientException if it could not be offered in time.
     */
    void offerRequest(final DirectBuffer buffer, final int length, final long deadlineNs)
        throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        e.buffer.putBytes(0, buffer, 0, length);
        offer(e, length, deadlineNs, REQUEST);
    }

    /**
     * Offer a frame kept for a restored session: on the reconnector's thread, which may offer while others wait.
     *
     * @param buffer     holding the frame.
     * @param offset     of the frame.
     * @param length     of the frame.
     * @param deadlineNs bound on the offer.
     * @throws MagnetarClientException if it could not be offered in time.
     */
    void resend(final DirectBuffer buffer, final int offset, final int length, final long deadlineNs)
        throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        e.buffer.putBytes(0, buffer, offset, length);
        offer(e, length, deadlineNs, REQUEST);
    }

    /**
     * Offer a message without metadata once, without waiting: the Aeron-shaped send, as
     * {@link #trySendSealed} does for sealed entries. Allocates nothing.
     *
     * @return the new position of the ingress if offered, else the publication's negative result.
     * @throws MagnetarClientException if the frame does not fit the ingress.
     */
    long trySend(
        final long sequenceId,
        final long producerId,
        final long publishTime,
        final DirectBuffer keyBuffer,
        final int keyOffset,
        final int keyLength,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final ExpandableRingBuffer retained,
        final long restoredEpoch) throws MagnetarClientException
    {
        return trySend(sequenceId, producerId, publishTime, keyBuffer, keyOffset, keyLength, buffer, offset, length,
            EMPTY_BUFFER, 0, 0, retained, restoredEpoch);
    }

    /**
     * Offer an entry the producer sealed (a batch, a compressed message or a chunk) once, without waiting. Allocates
     * nothing.
     *
     * @param sequenceId    of the message, or of the batch's last message.
     * @param producerId    of the producer.
     * @param keyBuffer     holding the key, or null if keyLength is 0.
     * @param keyOffset     of the key.
     * @param keyLength     of the key, 0 for none.
     * @param sealed        holding the entry's payload and metadata.
     * @param retained      the producer's frames that wait for a receipt: an offered frame is copied there.
     * @param restoredEpoch of the producer.
     * @return the new position of the ingress if offered, else the publication's negative result
     * ({@link Publication#NOT_CONNECTED} while the session is being restored).
     * @throws MagnetarClientException if the frame does not fit the ingress.
     */
    long trySendSealed(
        final long sequenceId,
        final long producerId,
        final DirectBuffer keyBuffer,
        final int keyOffset,
        final int keyLength,
        final SealedEntry sealed,
        final ExpandableRingBuffer retained,
        final long restoredEpoch) throws MagnetarClientException
    {
        return trySend(sequenceId, producerId, System.currentTimeMillis(), keyBuffer, keyOffset, keyLength,
            sealed.payloadBuffer(), sealed.payloadOffset(), sealed.payloadLength(), sealed.metadataBuffer(), 0,
            sealed.metadataLength(),
            retained, restoredEpoch);
    }

    private long trySend(
        final long sequenceId,
        final long producerId,
        final long publishTime,
        final DirectBuffer keyBuffer,
        final int keyOffset,
        final int keyLength,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final DirectBuffer metadataBuffer,
        final int metadataOffset,
        final int metadataLength,
        final ExpandableRingBuffer retained,
        final long restoredEpoch) throws MagnetarClientException
    {
        if (liveness.isHeldBack(restoredEpoch))
        {
            return Publication.NOT_CONNECTED;
        }

        final Encoders e = encoders.get();
        final int frameLength = encodeSend(e, sequenceId, producerId, publishTime, keyBuffer, keyOffset, keyLength,
            buffer, offset, length, metadataBuffer, metadataOffset, metadataLength);

        final long result;
        synchronized (offerLock)
        {
            result = publication.offer(e.buffer, 0, frameLength);
        }
        if (result > 0)
        {
            // kept until its receipt, for a restored session; a receipt that came first frees it with the next send.
            // The ring holds up to 1 GiB, beyond the client's memory limit unless that is off.
            retained.append(e.buffer, 0, frameLength);
        }
        else if (Publication.CLOSED == result)
        {
            liveness.onConnectionLost("the client's ingress publication is closed");
        }
        else if (Publication.MAX_POSITION_EXCEEDED == result)
        {
            liveness.onConnectionLost("the client's ingress publication reached its maximum position");
        }

        return result;
    }

    /**
     * Encode an entry the producer sealed (a batch, a compressed message or a chunk), keep a copy in the producer's
     * retained frames, and offer it, waiting while the ingress is back pressured, unless the session is being
     * restored: then the copy goes out with the others once it is.
     *
     * @param sequenceId    of the message, or of the batch's last message.
     * @param producerId    of the producer.
     * @param keyBuffer     holding the key, or null if keyLength is 0.
     * @param keyOffset     of the key.
     * @param keyLength     of the key, 0 for none.
     * @param sealed        holding the entry's payload and metadata.
     * @param deadlineNs    bound on the wait.
     * @param retained      the producer's frames that wait for a receipt.
     * @param restoredEpoch of the producer.
     * @return true if offered, false if kept for the restored session.
     * @throws MagnetarClientException if it could not be offered in time (then it is not kept).
     */
    boolean sendSealed(
        final long sequenceId,
        final long producerId,
        final DirectBuffer keyBuffer,
        final int keyOffset,
        final int keyLength,
        final SealedEntry sealed,
        final long deadlineNs,
        final ExpandableRingBuffer retained,
        final long restoredEpoch) throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final int frameLength = encodeSend(e, sequenceId, producerId, System.currentTimeMillis(), keyBuffer,
            keyOffset, keyLength, sealed.payloadBuffer(), sealed.payloadOffset(), sealed.payloadLength(),
            sealed.metadataBuffer(), 0, sealed.metadataLength());
        return offerAndRetain(e, frameLength, deadlineNs, retained, restoredEpoch);
    }

    private int encodeSend(
        final Encoders e,
        final long sequenceId,
        final long producerId,
        final long publishTime,
        final DirectBuffer keyBuffer,
        final int keyOffset,
        final int keyLength,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final DirectBuffer metadataBuffer,
        final int metadataOffset,
        final int metadataLength) throws MagnetarClientException
    {
        final SendEncoder encoder = e.sendEncoder.wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(sequenceId)
            .producerId(producerId)
            .publishTime(publishTime);
        if (0 == keyLength)
        {
            encoder.putKey(EMPTY_BUFFER, 0, 0);
        }
        else
        {
            encoder.putKey(keyBuffer, keyOffset, keyLength);
        }
        encoder.putPayload(buffer, offset, length);
        encoder.putMetadata(metadataBuffer, metadataOffset, metadataLength);

        final int frameLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        checkFits(length, frameLength);
        return frameLength;
    }

    private void checkFits(final int payloadLength, final int frameLength) throws MagnetarClientException
    {
        if (frameLength > publication.maxMessageLength())
        {
            throw new MagnetarClientException("message of " + payloadLength + " bytes does not fit the ingress: " +
                "the frame is " + frameLength + " bytes, the limit for its term length is " +
                publication.maxMessageLength() + " (raise the client's termLength)");
        }
    }

    /**
     * @return true if offered, false if not because the session is being restored (the permits are not granted).
     */
    boolean flow(
        final long correlationId,
        final long consumerId,
        final int permits,
        final long deadlineNs,
        final long restoredEpoch) throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final FlowEncoder encoder = e.flowEncoder.wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .consumerId(consumerId)
            .permits(permits);

        return offer(e, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs, DROP, restoredEpoch);
    }

    /**
     * @return true if offered, false if not because the session is being restored (the message is redelivered).
     */
    boolean ack(
        final long correlationId,
        final long consumerId,
        final int shard,
        final long position,
        final long deadlineNs,
        final long restoredEpoch) throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final AckEncoder encoder = e.ackEncoder.wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .consumerId(consumerId);
        encoder.messageId().shard(shard).position(position);

        return offer(e, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs, DROP, restoredEpoch);
    }

    /**
     * Offer a frame encoded elsewhere (a group of acks), dropped while the session is being restored, as acks are.
     *
     * @param buffer        holding the frame.
     * @param length        of the frame, from 0.
     * @param wait          true to wait while back pressured, bounded by the deadline; false to offer once.
     * @param deadlineNs    bound on waiting.
     * @param restoredEpoch of the consumer.
     * @return true if offered or dropped; false if not offered (only without waiting): try again.
     * @throws MagnetarClientException if it could not be offered in time, or the session is lost.
     */
    boolean offerAcks(
        final DirectBuffer buffer,
        final int length,
        final boolean wait,
        final long deadlineNs,
        final long restoredEpoch) throws MagnetarClientException
    {
        if (!wait)
        {
            if (liveness.isHeldBack(restoredEpoch))
            {
                return true;
            }
            synchronized (offerLock)
            {
                return publication.offer(buffer, 0, length) > 0;
            }
        }
        final Encoders e = encoders.get();
        e.buffer.putBytes(0, buffer, 0, length);
        offer(e, length, deadlineNs, DROP, restoredEpoch);
        return true;
    }

    void closeProducer(final long correlationId, final long producerId, final long deadlineNs)
        throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final CloseProducerEncoder encoder = e.closeProducerEncoder.wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .producerId(producerId);

        offer(e, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs, REQUEST);
    }

    void ping(final long correlationId, final long timestamp, final long deadlineNs) throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final PingEncoder encoder = e.pingEncoder.wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId)
            .timestamp(timestamp);

        offer(e, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs, REQUEST);
    }

    void disconnect(final long correlationId, final long deadlineNs) throws MagnetarClientException
    {
        final Encoders e = encoders.get();
        final DisconnectEncoder encoder = e.disconnectEncoder.wrapAndApplyHeader(e.buffer, 0, e.headerEncoder)
            .correlationId(correlationId);

        offer(e, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs, REQUEST);
    }

    private boolean offer(final Encoders e, final int length, final long deadlineNs, final int mode)
        throws MagnetarClientException
    {
        return offer(e, length, deadlineNs, mode, -1);
    }

    private boolean offer(
        final Encoders e, final int length, final long deadlineNs, final int mode, final long restoredEpoch)
        throws MagnetarClientException
    {
        final IdleStrategy idleStrategy = e.idleStrategy;
        idleStrategy.reset();
        final boolean retryNotConnected = CONNECT == mode;
        boolean isNotConnected = false;
        long notConnectedSinceNs = 0;

        while (true)
        {
            if (CONNECT != mode && liveness.isHeldBack(restoredEpoch))
            {
                if (DROP == mode)
                {
                    return false;
                }
                if (System.nanoTime() - deadlineNs >= 0)
                {
                    throw new MagnetarClientException.TimeoutException(
                        "the client was reconnecting to the broker until the operation timed out");
                }
                idleStrategy.idle();
                continue;
            }

            final long result;
            synchronized (offerLock)
            {
                result = publication.offer(e.buffer, 0, length);
            }

            if (result > 0)
            {
                return true;
            }

            if (Publication.NOT_CONNECTED == result && !retryNotConnected)
            {
                final long nowNs = System.nanoTime();
                if (!isNotConnected)
                {
                    isNotConnected = true;
                    notConnectedSinceNs = nowNs;
                }
                else if (nowNs - notConnectedSinceNs >= connectionLossGraceNs)
                {
                    liveness.onConnectionLost("the broker has not been connected to the client's ingress for " +
                        TimeUnit.NANOSECONDS.toMillis(nowNs - notConnectedSinceNs) + " ms");
                }
            }
            else
            {
                isNotConnected = false;
            }

            if (Publication.CLOSED == result)
            {
                liveness.onConnectionLost("the client's ingress publication is closed");
            }
            liveness.checkConnected();

            if (Publication.BACK_PRESSURED == result ||
                Publication.NOT_CONNECTED == result ||
                Publication.ADMIN_ACTION == result)
            {
                if (System.nanoTime() - deadlineNs >= 0)
                {
                    throw new MagnetarClientException.TimeoutException(
                        (Publication.NOT_CONNECTED == result ?
                        "the broker was not connected to the ingress" : "the broker's ingress stayed back pressured") +
                        " until the operation timed out");
                }
                if (Publication.ADMIN_ACTION != result)
                {
                    idleStrategy.idle();
                }
            }
            else if (Publication.CLOSED == result)
            {
                throw new MagnetarClientException("the client's ingress publication is closed");
            }
            else if (Publication.MAX_POSITION_EXCEEDED == result)
            {
                throw new MagnetarClientException("the client's ingress publication reached its maximum position");
            }
            else
            {
                throw new MagnetarClientException("unexpected offer result " + result);
            }
        }
    }
}

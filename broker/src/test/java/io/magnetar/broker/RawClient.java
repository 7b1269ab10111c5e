package io.magnetar.broker;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.magnetar.codecs.ConnectEncoder;
import io.magnetar.codecs.ConnectedDecoder;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.ErrorDecoder;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A client that writes raw frames to the broker's UDP ingress, so tests can send bytes no real client would.
 */
final class RawClient implements AutoCloseable
{
    final Aeron aeron;
    final Publication publication;
    final Subscription subscription;
    final List<Frame> frames = new ArrayList<>();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
    private boolean connected;
    /** The protocol version sent in {@code Connect}: the oldest by default. */
    int protocolVersion = 1;
    /** {@code SendReceipts} frames seen; each of their receipts is also added as a {@code SendReceipt} frame. */
    int sendReceiptsFrames;
    /** {@code Messages} frames seen; each of their messages is also added as a {@code Message} frame. */
    int messagesFrames;

    static final class Frame
    {
        final int templateId;
        final long correlationId;
        final ErrorCode errorCode;
        final String errorMessage;
        /** A copy of the whole frame, header included, to decode. */
        UnsafeBuffer bytes;

        Frame(final int templateId, final long correlationId, final ErrorCode errorCode, final String errorMessage)
        {
            this.templateId = templateId;
            this.correlationId = correlationId;
            this.errorCode = errorCode;
            this.errorMessage = errorMessage;
        }

        public String toString()
        {
            return "Frame{template=" + templateId + ", correlationId=" + correlationId + ", error=" + errorCode +
                ", message=" + errorMessage + "}";
        }
    }

    RawClient(final String aeronDir, final int port)
    {
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        publication = aeron.addPublication(
            "aeron:udp?endpoint=localhost:" + port + "|term-length=1m", BrokerConfiguration.INGRESS_STREAM_ID);
        subscription = aeron.addSubscription("aeron:udp?endpoint=localhost:0", 1002);
    }

    String responseChannel()
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String resolved;
        while (null == (resolved = subscription.tryResolveChannelEndpointPort()))
        {
            if (System.nanoTime() > deadlineNs)
            {
                fail("response channel did not resolve");
            }
            Thread.yield();
        }
        return "aeron:udp?endpoint=" + ChannelUri.parse(resolved).get(CommonContext.ENDPOINT_PARAM_NAME);
    }

    void connect()
    {
        // like the real client: re-send Connect until answered. The broker ignores a re-sent Connect while the
        // session is connecting but answers it again once active, so more Connected frames (correlation id 1) may
        // come, before or after this returns; all are dropped, or one would answer a later await for correlation 1.
        // Only Connected is the answer: an Error to Connect fails here with its reason.
        final String responseChannel = responseChannel();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true)
        {
            sendConnect(1, responseChannel, 1002);
            final long resendNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < resendNs)
            {
                for (final Frame frame : frames)
                {
                    if (frame.correlationId == 1 && ErrorDecoder.TEMPLATE_ID == frame.templateId)
                    {
                        fail("Connect refused: " + frame);
                    }
                    if (frame.correlationId == 1 && ConnectedDecoder.TEMPLATE_ID == frame.templateId)
                    {
                        // answers to re-sent Connects, here already or still to come, are dropped
                        frames.removeIf((f) -> ConnectedDecoder.TEMPLATE_ID == f.templateId);
                        connected = true;
                        return;
                    }
                }
                if (0 == subscription.poll(assembler, 10))
                {
                    Thread.yield();
                }
            }
            if (System.nanoTime() > deadlineNs)
            {
                fail("no answer to Connect; frames so far: " + frames);
            }
        }
    }

    void sendConnect(final long correlationId, final String responseChannel, final int responseStreamId)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final ConnectEncoder encoder = new ConnectEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(correlationId)
            .protocolVersion(protocolVersion)
            .responseStreamId(responseStreamId)
            .responseChannel(responseChannel)
            .clientName("raw").authToken("");
        send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * Poll for a while and return every frame that arrived.
     */
    List<Frame> drain(final long millis)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadlineNs)
        {
            if (0 == subscription.poll(assembler, 10))
            {
                Thread.yield();
            }
        }
        final List<Frame> drained = new ArrayList<>(frames);
        frames.clear();
        return drained;
    }

    void send(final DirectBuffer buffer, final int offset, final int length)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (publication.offer(buffer, offset, length) < 0)
        {
            if (System.nanoTime() > deadlineNs)
            {
                fail("could not send raw frame");
            }
            Thread.yield();
        }
    }

    /**
     * Create a shared producer with id 1 and wait until it is ready.
     */
    void createProducer(final String topic, final String producerName)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final io.magnetar.codecs.CreateProducerEncoder create = new io.magnetar.codecs.CreateProducerEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(10).producerId(1)
            .accessMode(io.magnetar.codecs.ProducerAccessMode.SHARED).topicEpoch(-1)
            .topic(topic).producerName(producerName);
        send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + create.encodedLength());
        await((f) -> f.correlationId == 10 && io.magnetar.codecs.ProducerReadyDecoder.TEMPLATE_ID == f.templateId,
            "producer ready");
    }

    /**
     * Send on producer 1 with the given metadata and wait for the receipt.
     */
    void sendAndAwaitReceipt(final long sequenceId, final byte[] payload, final DirectBuffer metadata,
        final int metadataLength)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[payload.length + metadataLength + 256]);
        final io.magnetar.codecs.SendEncoder encoder = new io.magnetar.codecs.SendEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(sequenceId).producerId(1).publishTime(System.currentTimeMillis()).key("")
            .putPayload(payload, 0, payload.length);
        encoder.putMetadata(metadata, 0, metadataLength);
        send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        final Frame answer = await((f) -> f.correlationId == sequenceId &&
            (ErrorDecoder.TEMPLATE_ID == f.templateId ||
            io.magnetar.codecs.SendReceiptDecoder.TEMPLATE_ID == f.templateId), "answer to send " + sequenceId);
        if (ErrorDecoder.TEMPLATE_ID == answer.templateId)
        {
            fail("send " + sequenceId + " refused: " + answer);
        }
    }

    /**
     * Encode a MessageMetadata with the given entry fields.
     *
     * @return its length.
     */
    static int encodeEntryMetadata(
        final org.agrona.MutableDirectBuffer buffer,
        final int batchSize,
        final io.magnetar.codecs.CompressionType compression,
        final int uncompressedSize,
        final int numChunks,
        final int chunkId,
        final int totalChunkedSize,
        final long chunkedSequenceId)
    {
        final io.magnetar.codecs.MessageMetadataEncoder encoder = new io.magnetar.codecs.MessageMetadataEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .eventTime(0)
            .batchSize(batchSize)
            .compression(compression)
            .uncompressedSize(uncompressedSize)
            .numChunks(numChunks)
            .chunkId(chunkId)
            .totalChunkedSize(totalChunkedSize)
            .chunkedSequenceId(chunkedSequenceId)
            .deliverAtTime(0);
        encoder.propertiesCount(0);
        encoder.putOrderingKey(new byte[0], 0, 0);
        encoder.replicatedFrom("");
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    Frame await(final Predicate<Frame> predicate, final String what)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true)
        {
            for (final Frame frame : frames)
            {
                if (predicate.test(frame))
                {
                    frames.remove(frame);
                    return frame;
                }
            }
            if (System.nanoTime() > deadlineNs)
            {
                fail("timed out waiting for " + what + "; frames so far: " + frames);
            }
            if (0 == subscription.poll(assembler, 10))
            {
                Thread.yield();
            }
        }
    }

    private void onFragment(
        final DirectBuffer buffer, final int offset, final int length, final io.aeron.logbuffer.Header header)
    {
        headerDecoder.wrap(buffer, offset);
        final int templateId = headerDecoder.templateId();
        if (connected && ConnectedDecoder.TEMPLATE_ID == templateId)
        {
            // the answer to a re-sent Connect: not an answer to anything sent since
            return;
        }
        if (ErrorDecoder.TEMPLATE_ID == templateId)
        {
            errorDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
            frames.add(new Frame(
                templateId, errorDecoder.correlationId(), errorDecoder.code(), errorDecoder.message()));
        }
        else if (io.magnetar.codecs.MessagesDecoder.TEMPLATE_ID == templateId)
        {
            messagesFrames++;
            final io.magnetar.codecs.MessagesDecoder decoder =
                new io.magnetar.codecs.MessagesDecoder().wrapAndApplyHeader(buffer, offset, headerDecoder);
            int at = decoder.limit() + io.magnetar.codecs.MessagesDecoder.framesHeaderLength();
            final int end = at + decoder.framesLength();
            while (at < end)
            {
                final int frameLength = buffer.getInt(at, java.nio.ByteOrder.LITTLE_ENDIAN);
                onFragment(buffer, at + 4, frameLength, header);
                at += 4 + frameLength;
            }
            headerDecoder.wrap(buffer, offset);
        }
        else if (io.magnetar.codecs.SendReceiptsDecoder.TEMPLATE_ID == templateId)
        {
            sendReceiptsFrames++;
            final io.magnetar.codecs.SendReceiptsDecoder decoder =
                new io.magnetar.codecs.SendReceiptsDecoder().wrapAndApplyHeader(buffer, offset, headerDecoder);
            for (final io.magnetar.codecs.SendReceiptsDecoder.ReceiptsDecoder receipt : decoder.receipts())
            {
                final io.magnetar.codecs.SendReceiptEncoder encoder = new io.magnetar.codecs.SendReceiptEncoder();
                final UnsafeBuffer bytes = new UnsafeBuffer(new byte[64]);
                encoder.wrapAndApplyHeader(bytes, 0, new io.magnetar.codecs.MessageHeaderEncoder())
                    .correlationId(receipt.correlationId())
                    .producerId(receipt.producerId())
                    .messageId().shard(receipt.messageId().shard()).position(receipt.messageId().position());
                final Frame frame = new Frame(
                    io.magnetar.codecs.SendReceiptDecoder.TEMPLATE_ID, receipt.correlationId(), null, null);
                frame.bytes = bytes;
                frames.add(frame);
            }
        }
        else
        {
            final long correlationId = buffer.getLong(offset + MessageHeaderDecoder.ENCODED_LENGTH,
                java.nio.ByteOrder.LITTLE_ENDIAN);
            final Frame frame = new Frame(templateId, correlationId, null, null);
            frame.bytes = new UnsafeBuffer(new byte[length]);
            frame.bytes.putBytes(0, buffer, offset, length);
            frames.add(frame);
        }
    }

    public void close()
    {
        CloseHelper.closeAll(publication, subscription, aeron);
    }
}

package io.magnetar.client;

import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.magnetar.codecs.ActiveConsumerChangeDecoder;
import io.magnetar.codecs.BooleanType;
import io.magnetar.codecs.CloseConsumerDecoder;
import io.magnetar.codecs.ConnectedDecoder;
import io.magnetar.codecs.ErrorDecoder;
import io.magnetar.codecs.LastMessageIdDecoder;
import io.magnetar.codecs.MessageDecoder;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageIdDecoder;
import io.magnetar.codecs.MessagesDecoder;
import io.magnetar.codecs.NamespaceListDecoder;
import io.magnetar.codecs.NamespacePoliciesDecoder;
import io.magnetar.codecs.PartitionedTopicMetadataDecoder;
import io.magnetar.codecs.PongDecoder;
import io.magnetar.codecs.ShardStatsDecoder;
import io.magnetar.codecs.StatsInternalResponseDecoder;
import io.magnetar.codecs.TopicStatsDecoder;
import io.magnetar.codecs.ProducerReadyDecoder;
import io.magnetar.codecs.SendErrorDecoder;
import io.magnetar.codecs.SendReceiptDecoder;
import io.magnetar.codecs.SendReceiptsDecoder;
import io.magnetar.codecs.SubscribedDecoder;
import io.magnetar.codecs.SuccessDecoder;
import io.magnetar.codecs.TopicsOfNamespaceDecoder;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;

import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decodes the frames the broker sends on the client's egress and hands them to the {@link ClientConductor}. Frames of
 * other schemas, unknown templates and frames that fail to decode are counted and skipped. Variable-length fields are
 * read in schema order. Error codes are mapped to the client's {@link MagnetarClientException.ErrorCode} here, at
 * the boundary.
 */
final class EgressAdapter
{
    static final int CONNECTED = ConnectedDecoder.TEMPLATE_ID;
    static final int PRODUCER_READY = ProducerReadyDecoder.TEMPLATE_ID;
    static final int SUBSCRIBED = SubscribedDecoder.TEMPLATE_ID;
    static final int SUCCESS = SuccessDecoder.TEMPLATE_ID;
    static final int PONG = PongDecoder.TEMPLATE_ID;
    static final int STATS_INTERNAL = StatsInternalResponseDecoder.TEMPLATE_ID;
    static final int TOPIC_STATS = TopicStatsDecoder.TEMPLATE_ID;
    static final int SHARD_STATS = ShardStatsDecoder.TEMPLATE_ID;
    static final int NAMESPACE_POLICIES = NamespacePoliciesDecoder.TEMPLATE_ID;
    static final int NAMESPACE_LIST = NamespaceListDecoder.TEMPLATE_ID;
    static final int TOPICS_OF_NAMESPACE = TopicsOfNamespaceDecoder.TEMPLATE_ID;
    static final int PARTITIONED_TOPIC_METADATA = PartitionedTopicMetadataDecoder.TEMPLATE_ID;
    static final int LAST_MESSAGE_ID = LastMessageIdDecoder.TEMPLATE_ID;

    private static final int FRAGMENT_LIMIT = 32;
    private static final int FRAME_LENGTH_PREFIX = 4;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ConnectedDecoder connectedDecoder = new ConnectedDecoder();
    private final ProducerReadyDecoder producerReadyDecoder = new ProducerReadyDecoder();
    private final SendReceiptDecoder sendReceiptDecoder = new SendReceiptDecoder();
    private final SendReceiptsDecoder sendReceiptsDecoder = new SendReceiptsDecoder();
    private final MessagesDecoder messagesDecoder = new MessagesDecoder();
    private final SendErrorDecoder sendErrorDecoder = new SendErrorDecoder();
    private final SubscribedDecoder subscribedDecoder = new SubscribedDecoder();
    private final MessageDecoder messageDecoder = new MessageDecoder();
    private final SuccessDecoder successDecoder = new SuccessDecoder();
    private final PartitionedTopicMetadataDecoder partitionedTopicMetadataDecoder =
        new PartitionedTopicMetadataDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private final PongDecoder pongDecoder = new PongDecoder();
    private final LastMessageIdDecoder lastMessageIdDecoder = new LastMessageIdDecoder();
    private final ActiveConsumerChangeDecoder activeConsumerChangeDecoder = new ActiveConsumerChangeDecoder();
    private final CloseConsumerDecoder closeConsumerDecoder = new CloseConsumerDecoder();
    private final StatsInternalResponseDecoder statsInternalResponseDecoder = new StatsInternalResponseDecoder();
    private final NamespacePoliciesDecoder namespacePoliciesDecoder = new NamespacePoliciesDecoder();
    private final NamespaceListDecoder namespaceListDecoder = new NamespaceListDecoder();
    private final TopicsOfNamespaceDecoder topicsOfNamespaceDecoder = new TopicsOfNamespaceDecoder();
    private final FragmentHandler fragmentHandler = this::onFragment;
    private final FragmentAssembler fragmentAssembler = new FragmentAssembler(fragmentHandler);
    private final AtomicLong unknownFrameCount = new AtomicLong();
    private final AtomicLong unroutedFrameCount = new AtomicLong();
    private final Subscription subscription;
    private final ClientConductor conductor;
    private final RequestAnswers answers;
    private final ErrorHandler errorHandler;

    /**
     * @param subscription to the client's egress.
     * @param conductor    to hand decoded frames to.
     */
    EgressAdapter(final Subscription subscription, final ClientConductor conductor)
    {
        this.subscription = subscription;
        this.conductor = conductor;
        this.answers = conductor.answers();
        this.errorHandler = conductor.errorHandler();
    }

    /**
     * Poll the egress.
     *
     * @return number of fragments read.
     */
    int poll()
    {
        return subscription.poll(fragmentAssembler, FRAGMENT_LIMIT);
    }

    /**
     * The image of the egress with a session id: the broker's publication of answers to this client.
     *
     * @param sessionId of the image.
     * @return the image, or null if the subscription has none with that session id.
     */
    Image image(final int sessionId)
    {
        return subscription.imageBySessionId(sessionId);
    }

    /**
     * @return frames skipped because of their schema, template, or a decoding failure.
     */
    long unknownFrameCount()
    {
        return unknownFrameCount.get();
    }

    /**
     * @return messages dropped because their consumer was closed or unknown.
     */
    long unroutedFrameCount()
    {
        return unroutedFrameCount.get();
    }

    /**
     * Decode one frame and hand it to the conductor; package-private for tests.
     *
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @param header of the Aeron fragment; its session id is read only for {@code Connected}.
     */
    void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            unknownFrameCount.incrementAndGet();
            return;
        }

        headerDecoder.wrap(buffer, offset);
        if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId())
        {
            unknownFrameCount.incrementAndGet();
            return;
        }

        final int templateId = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;

        try
        {
            switch (templateId)
            {
                case SendReceiptDecoder.TEMPLATE_ID:
                {
                    final SendReceiptDecoder decoder =
                        sendReceiptDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    final long sequenceId = decoder.correlationId();
                    final long producerId = decoder.producerId();
                    final MessageIdDecoder messageId = decoder.messageId();
                    conductor.onSendReceipt(sequenceId, producerId, messageId.shard(), messageId.position());
                    break;
                }

                case SendReceiptsDecoder.TEMPLATE_ID:
                {
                    final SendReceiptsDecoder decoder =
                        sendReceiptsDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    checkReceiptsFit(buffer, bodyOffset + blockLength, offset + length);
                    for (final SendReceiptsDecoder.ReceiptsDecoder receipt : decoder.receipts())
                    {
                        final MessageIdDecoder messageId = receipt.messageId();
                        conductor.onSendReceipt(
                            receipt.correlationId(), receipt.producerId(), messageId.shard(), messageId.position());
                    }
                    break;
                }

                case MessageDecoder.TEMPLATE_ID:
                    onMessage(buffer, offset, length, bodyOffset, blockLength, version);
                    break;

                case MessagesDecoder.TEMPLATE_ID:
                    onMessages(buffer, offset + length, messagesDecoder.wrap(buffer, bodyOffset, blockLength, version));
                    break;

                case SendErrorDecoder.TEMPLATE_ID:
                {
                    final SendErrorDecoder decoder = sendErrorDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    final long sequenceId = decoder.correlationId();
                    final long producerId = decoder.producerId();
                    final MagnetarClientException.ErrorCode code = WireEnums.errorCode(decoder.codeRaw());
                    conductor.onSendError(sequenceId, producerId, code, decoder.message());
                    break;
                }

                case ConnectedDecoder.TEMPLATE_ID:
                {
                    final ConnectedDecoder decoder = connectedDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    final long correlationId = decoder.correlationId();
                    final int protocolVersion = decoder.protocolVersion();
                    final int maxMessageSize = decoder.maxMessageSize();
                    conductor.onConnected(
                        correlationId, header.sessionId(), protocolVersion, maxMessageSize, decoder.brokerName());
                    break;
                }

                case ProducerReadyDecoder.TEMPLATE_ID:
                {
                    final ProducerReadyDecoder decoder =
                        producerReadyDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    final long correlationId = decoder.correlationId();
                    final long producerId = decoder.producerId();
                    final long lastSequenceId = decoder.lastSequenceId();
                    final long topicEpoch = decoder.topicEpoch(); // its null value (negative) before v5: none
                    answers.onProducerReady(
                        correlationId, producerId, lastSequenceId, topicEpoch, decoder.producerName());
                    break;
                }

                case SubscribedDecoder.TEMPLATE_ID:
                {
                    final SubscribedDecoder decoder = subscribedDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    answers.onSubscribed(decoder.correlationId(), decoder.consumerId());
                    break;
                }

                case SuccessDecoder.TEMPLATE_ID:
                    answers.onSuccess(successDecoder.wrap(buffer, bodyOffset, blockLength, version).correlationId());
                    break;

                case ErrorDecoder.TEMPLATE_ID:
                {
                    final ErrorDecoder decoder = errorDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    final long correlationId = decoder.correlationId();
                    final MagnetarClientException.ErrorCode code = WireEnums.errorCode(decoder.codeRaw());
                    conductor.onError(correlationId, code, decoder.message());
                    break;
                }

                case StatsInternalResponseDecoder.TEMPLATE_ID:
                {
                    final StatsInternalResponseDecoder decoder =
                        statsInternalResponseDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    final long correlationId = decoder.correlationId();
                    answers.onTextAnswer(correlationId, STATS_INTERNAL, decoder.json());
                    break;
                }

                case TopicStatsDecoder.TEMPLATE_ID:
                case ShardStatsDecoder.TEMPLATE_ID:
                {
                    // decoded by the requesting thread: the correlation id is the first field of both
                    if (blockLength < Long.BYTES || length < MessageHeaderDecoder.ENCODED_LENGTH + Long.BYTES)
                    {
                        unknownFrameCount.incrementAndGet();
                        break;
                    }
                    final long correlationId = buffer.getLong(bodyOffset, ByteOrder.LITTLE_ENDIAN);
                    answers.onFrameAnswer(correlationId, templateId, buffer, offset, length);
                    break;
                }

                case NamespacePoliciesDecoder.TEMPLATE_ID:
                {
                    final NamespacePoliciesDecoder decoder =
                        namespacePoliciesDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    final long correlationId = decoder.correlationId();
                    final int shard = decoder.shard();
                    final int shardCount = decoder.shardCount();
                    answers.onShardTextAnswer(correlationId, NAMESPACE_POLICIES, shard, shardCount, decoder.json());
                    break;
                }

                case TopicsOfNamespaceDecoder.TEMPLATE_ID:
                {
                    final TopicsOfNamespaceDecoder decoder =
                        topicsOfNamespaceDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    final long correlationId = decoder.correlationId();
                    final int shard = decoder.shard();
                    final int shardCount = decoder.shardCount();
                    final String topics = decoder.topics();
                    answers.onShardTextAnswer(correlationId, TOPICS_OF_NAMESPACE, shard, shardCount, topics);
                    break;
                }

                case NamespaceListDecoder.TEMPLATE_ID:
                {
                    final NamespaceListDecoder decoder =
                        namespaceListDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    final long correlationId = decoder.correlationId();
                    answers.onTextAnswer(correlationId, NAMESPACE_LIST, decoder.namespaces());
                    break;
                }

                case PartitionedTopicMetadataDecoder.TEMPLATE_ID:
                {
                    final PartitionedTopicMetadataDecoder decoder =
                        partitionedTopicMetadataDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    answers.onAnswer(decoder.correlationId(), PARTITIONED_TOPIC_METADATA, decoder.partitions(), 0);
                    break;
                }

                case CloseConsumerDecoder.TEMPLATE_ID:
                {
                    final ConsumerImpl consumer = conductor.consumer(
                        closeConsumerDecoder.wrap(buffer, bodyOffset, blockLength, version).consumerId());
                    if (null != consumer)
                    {
                        consumer.onClosedByBroker();
                    }
                    break;
                }

                case ActiveConsumerChangeDecoder.TEMPLATE_ID:
                {
                    final ActiveConsumerChangeDecoder decoder =
                        activeConsumerChangeDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    onActiveConsumerChange(decoder.consumerId(), BooleanType.TRUE.value() == decoder.isActiveRaw());
                    break;
                }

                case LastMessageIdDecoder.TEMPLATE_ID:
                {
                    final LastMessageIdDecoder decoder =
                        lastMessageIdDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    answers.onAnswer(decoder.correlationId(), LAST_MESSAGE_ID, decoder.messageId().shard(),
                        decoder.messageId().position());
                    break;
                }

                case PongDecoder.TEMPLATE_ID:
                {
                    final PongDecoder decoder = pongDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    answers.onPong(decoder.correlationId(), decoder.timestamp());
                    break;
                }

                default:
                    unknownFrameCount.incrementAndGet();
                    break;
            }
        }
        catch (final RuntimeException ex)
        {
            unknownFrameCount.incrementAndGet();
            errorHandler.onError(new MagnetarClientException(
                "skipped a malformed frame from the broker (template " + templateId + ", " + length + " bytes)", ex));
        }
    }

    /**
     * Check, before any receipt is taken, that a {@code SendReceipts} frame holds the receipts its group header
     * counts, each at least as long as this client reads.
     */
    private static void checkReceiptsFit(final DirectBuffer buffer, final int groupOffset, final int frameEnd)
    {
        final int headerSize = SendReceiptsDecoder.ReceiptsDecoder.sbeHeaderSize();
        if (groupOffset + headerSize > frameEnd)
        {
            throw new IllegalStateException("send receipts frame shorter than its group header");
        }
        final int blockLength = buffer.getShort(groupOffset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(groupOffset + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (blockLength < SendReceiptsDecoder.ReceiptsDecoder.sbeBlockLength() ||
            (long)count * blockLength > frameEnd - groupOffset - headerSize)
        {
            throw new IllegalStateException("send receipts frame shorter than its " + count + " receipts");
        }
    }

    /**
     * The {@code Message} frames of a {@code Messages} frame, each preceded by its length, handed on one by one.
     */
    private void onMessages(final DirectBuffer buffer, final int frameEnd, final MessagesDecoder decoder)
    {
        final int framesLength = decoder.framesLength();
        int offset = decoder.limit() + MessagesDecoder.framesHeaderLength();
        if (framesLength < 0 || framesLength > frameEnd - offset)
        {
            throw new IllegalStateException("messages frame shorter than its frames");
        }
        final int end = offset + framesLength;

        while (offset < end)
        {
            final int length =
                offset + FRAME_LENGTH_PREFIX <= end ? buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN) : -1;
            final int frameOffset = offset + FRAME_LENGTH_PREFIX;
            if (length < MessageHeaderDecoder.ENCODED_LENGTH || length > end - frameOffset)
            {
                throw new IllegalStateException("a message in a messages frame overruns it");
            }

            headerDecoder.wrap(buffer, frameOffset);
            if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId() ||
                MessageDecoder.TEMPLATE_ID != headerDecoder.templateId())
            {
                throw new IllegalStateException("a messages frame holds template " + headerDecoder.templateId());
            }
            onMessage(buffer, frameOffset, length, frameOffset + MessageHeaderDecoder.ENCODED_LENGTH,
                headerDecoder.blockLength(), headerDecoder.version());
            offset = frameOffset + length;
        }
    }

    private void onActiveConsumerChange(final long consumerId, final boolean isActive)
    {
        final ConsumerImpl consumer = conductor.consumer(consumerId);
        final ConsumerEventListener listener = null == consumer ? null : consumer.settings().eventListener;
        if (null != listener)
        {
            final int partition = PartitionFactory.partitionIndexOf(consumer.getTopic());
            try
            {
                if (isActive)
                {
                    listener.becameActive(consumer, partition);
                }
                else
                {
                    listener.becameInactive(consumer, partition);
                }
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(new MagnetarClientException(
                    "the consumer event listener of " + consumer.getTopic() + " threw", ex));
            }
        }
    }

    private void onMessage(
        final DirectBuffer buffer,
        final int frameOffset,
        final int frameLength,
        final int offset,
        final int blockLength,
        final int version)
    {
        final MessageDecoder decoder = messageDecoder.wrap(buffer, offset, blockLength, version);
        final long consumerId = decoder.consumerId();
        final ConsumerImpl consumer = conductor.consumer(consumerId);
        if (null == consumer)
        {
            unroutedFrameCount.incrementAndGet();
            return;
        }

        final long position = decoder.messageId().position();
        final int keyLength = decoder.keyLength();
        decoder.skipKey();
        final int payloadLength = decoder.payloadLength();
        decoder.skipPayload();
        if (decoder.limit() > frameOffset + frameLength || keyLength < 0 || payloadLength < 0)
        {
            throw new IllegalStateException("message frame shorter than its fields");
        }

        consumer.onMessageFrame(buffer, frameOffset, frameLength, position);
    }
}

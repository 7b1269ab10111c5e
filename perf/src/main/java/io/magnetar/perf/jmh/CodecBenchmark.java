package io.magnetar.perf.jmh;

import io.magnetar.codecs.MessageDecoder;
import io.magnetar.codecs.MessageEncoder;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.SendDecoder;
import io.magnetar.codecs.SendEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Encode and decode the hot-path client frames: {@code Send} (producer to broker) and {@code Message} (broker to
 * consumer), with a key and a payload, over pre-allocated buffers. Run with {@code -prof gc} to show 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/java.util.zip=ALL-UNNAMED" })
@State(Scope.Thread)
public class CodecBenchmark
{
    @Param({ "100" })
    int payloadLength;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final SendEncoder sendEncoder = new SendEncoder();
    private final SendDecoder sendDecoder = new SendDecoder();
    private final MessageEncoder messageEncoder = new MessageEncoder();
    private final MessageDecoder messageDecoder = new MessageDecoder();
    private final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private final UnsafeBuffer messageFrame = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private final UnsafeBuffer key = new UnsafeBuffer(new byte[16]);
    private final UnsafeBuffer payloadIn = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private final UnsafeBuffer payloadOut = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private final UnsafeBuffer keyOut = new UnsafeBuffer(new byte[64]);
    private long sequence;

    /**
     * Fill the key and payload once.
     */
    @Setup
    public void setup()
    {
        key.putStringWithoutLengthAscii(0, "order-key-000001");
        for (int i = 0; i < payloadLength; i++)
        {
            payloadIn.putByte(i, (byte)i);
        }
        encodeSend();
        encodeMessage();
    }

    /**
     * Encode a Send frame.
     *
     * @return encoded length.
     */
    @Benchmark
    public int encodeSend()
    {
        sendEncoder.wrapAndApplyHeader(frame, 0, headerEncoder)
            .correlationId(sequence++)
            .producerId(7)
            .publishTime(1_700_000_000_000L)
            .putKey(key, 0, key.capacity())
            .putPayload(payloadIn, 0, payloadLength)
            .putMetadata(key, 0, 0);

        return MessageHeaderEncoder.ENCODED_LENGTH + sendEncoder.encodedLength();
    }

    /**
     * Decode a Send frame, copying the payload out.
     *
     * @return a value derived from every field.
     */
    @Benchmark
    public long decodeSend()
    {
        headerDecoder.wrap(frame, 0);
        sendDecoder.wrap(frame, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
            headerDecoder.version());
        long result = sendDecoder.correlationId() + sendDecoder.producerId() + sendDecoder.publishTime();
        result += sendDecoder.getKey(keyOut, 0, keyOut.capacity());
        result += sendDecoder.getPayload(payloadOut, 0, payloadOut.capacity());
        result += sendDecoder.metadataLength();

        return result;
    }

    /**
     * Encode a Message frame.
     *
     * @return encoded length.
     */
    @Benchmark
    public int encodeMessage()
    {
        messageEncoder.wrapAndApplyHeader(messageFrame, 0, headerEncoder).consumerId(3);
        messageEncoder.messageId().shard(0).position(sequence++ << 7);
        messageEncoder.publishTime(1_700_000_000_000L).sequenceId(sequence).redeliveryCount(0)
            .putKey(key, 0, key.capacity())
            .putPayload(payloadIn, 0, payloadLength)
            .putMetadata(key, 0, 0)
            .putProducerName(key, 0, 0);

        return MessageHeaderEncoder.ENCODED_LENGTH + messageEncoder.encodedLength();
    }

    /**
     * Decode a Message frame, copying the payload out.
     *
     * @return a value derived from every field.
     */
    @Benchmark
    public long decodeMessage()
    {
        headerDecoder.wrap(messageFrame, 0);
        messageDecoder.wrap(messageFrame, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
            headerDecoder.version());
        long result = messageDecoder.consumerId();
        result += messageDecoder.messageId().shard() + messageDecoder.messageId().position();
        result += messageDecoder.publishTime() + messageDecoder.sequenceId() + messageDecoder.redeliveryCount();
        result += messageDecoder.getKey(keyOut, 0, keyOut.capacity());
        result += messageDecoder.getPayload(payloadOut, 0, payloadOut.capacity());

        return result;
    }
}

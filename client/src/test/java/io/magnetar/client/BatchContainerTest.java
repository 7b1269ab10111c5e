package io.magnetar.client;

import io.magnetar.codecs.CompressionType;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageMetadataDecoder;
import io.magnetar.codecs.checks.BatchCheck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchContainerTest
{
    private final BatchCheck batchCheck = new BatchCheck();

    @Test
    void shouldLeaveOutMessagesThatFailedBeforeTheBatchWent()
    {
        final BatchContainer container = new BatchContainer(settings(io.magnetar.client.CompressionType.NONE), 1024);
        for (long sequenceId = 10; sequenceId <= 12; sequenceId++)
        {
            container.add(sequenceId, 0, null, ("m" + sequenceId).getBytes(StandardCharsets.UTF_8), null);
        }
        assertFalse(container.skipCompleted(9));
        assertTrue(container.skipCompleted(10)); // the first timed out
        assertEquals(11, container.firstSequenceId());
        assertEquals(12, container.lastSequenceId());

        container.sealBatch();
        final MessageMetadataDecoder metadata = metadata(container);
        assertEquals(2, metadata.batchSize());
        assertNull(batchCheck.check(
            container.payloadBuffer(), container.payloadOffset(), container.payloadLength(), 2));

        final MessageView view = new MessageView();
        final int next = view.wrapBatched(container.payloadBuffer(), container.payloadOffset(), 0);
        assertEquals("m11", new String(view.getData(), StandardCharsets.UTF_8));
        view.wrapBatched(container.payloadBuffer(), next, 1);
        assertEquals("m12", new String(view.getData(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldSendAPayloadThatDoesNotShrinkAsItIs()
    {
        final BatchContainer container = new BatchContainer(settings(io.magnetar.client.CompressionType.LZ4), 1 << 20);
        final byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        container.sealSingle(noise, null);
        assertEquals(CompressionType.NONE, metadata(container).compression());
        assertEquals(noise.length, container.payloadLength());

        final byte[] text = "abc".repeat(2000).getBytes(StandardCharsets.UTF_8);
        container.sealSingle(text, null);
        assertEquals(CompressionType.LZ4, metadata(container).compression());
        assertEquals(text.length, metadata(container).uncompressedSize());
        assertTrue(container.payloadLength() < text.length / 10, "compressed to " + container.payloadLength());
    }

    private static BatchSettings settings(final io.magnetar.client.CompressionType compression)
    {
        return new BatchSettings(true, 1_000_000, 100, 64 * 1024, compression, false, 0, BatcherBuilder.DEFAULT);
    }

    private static MessageMetadataDecoder metadata(final BatchContainer container)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(container.metadataBuffer(), 0);
        return new MessageMetadataDecoder().wrap(container.metadataBuffer(), MessageHeaderDecoder.ENCODED_LENGTH,
            header.blockLength(), header.version());
    }
}

package io.magnetar.client;

import org.agrona.DirectBuffer;

/**
 * An entry ready to be sent: its payload and its {@code MessageMetadata}, as a batch, a compressed message or a chunk.
 */
interface SealedEntry
{
    /**
     * @return buffer holding the payload.
     */
    DirectBuffer payloadBuffer();

    /**
     * @return offset of the payload.
     */
    int payloadOffset();

    /**
     * @return length of the payload.
     */
    int payloadLength();

    /**
     * @return buffer holding the metadata, from 0.
     */
    DirectBuffer metadataBuffer();

    /**
     * @return length of the metadata.
     */
    int metadataLength();
}

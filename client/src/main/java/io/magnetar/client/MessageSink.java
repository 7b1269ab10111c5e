package io.magnetar.client;

import java.util.concurrent.CompletableFuture;

/**
 * Where a {@link MessageBuilder} sends its message: a producer of one topic, or of a partitioned one.
 */
interface MessageSink
{
    /**
     * Send a message with its encoded metadata and wait for the receipt.
     *
     * @param key      of the message, or null.
     * @param payload  of the message.
     * @param metadata the encoded {@code MessageMetadata}, or null.
     * @return where the message is stored.
     * @throws MagnetarClientException if the send failed.
     */
    MessageId send(String key, byte[] payload, byte[] metadata) throws MagnetarClientException;

    /**
     * Send a message with its encoded metadata.
     *
     * @param key      of the message, or null.
     * @param payload  of the message.
     * @param metadata the encoded {@code MessageMetadata}, or null.
     * @return the receipt's future.
     */
    CompletableFuture<MessageId> sendAsync(String key, byte[] payload, byte[] metadata);

    /**
     * @param protocolVersion that brought a feature.
     * @param feature         named in the error.
     * @throws MagnetarClientException if the broker speaks an older protocol.
     */
    void checkBrokerSupports(int protocolVersion, String feature) throws MagnetarClientException;
}

package io.magnetar.client;

import java.util.concurrent.CompletableFuture;

/**
 * A send waiting for its receipt, and the future the application gets from {@link Producer#sendAsync(byte[])}. The
 * producer's {@link SendWindow} holds it in the slot of its sequence id until the conductor completes it.
 */
final class PendingSend extends CompletableFuture<MessageId>
{
    long sequenceId;
}

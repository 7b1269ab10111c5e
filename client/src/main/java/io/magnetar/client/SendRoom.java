package io.magnetar.client;

import org.agrona.concurrent.IdleStrategy;

/**
 * Whether one more send of a producer may be queued: its window of sends waiting for receipts
 * ({@code maxPendingMessages}) and the client's memory limit. Outside the send lock it waits for room, bounded by the
 * send's deadline, or, without {@code blockIfQueueFull}, refuses at once; the send lock then takes the room for real.
 */
final class SendRoom
{
    private final Connector connector;
    private final RequestTracker requests;
    private final SessionLiveness liveness;
    private final String topic;
    private final int maxPendingMessages;
    private final boolean blockIfQueueFull;
    private final SendWindow window;
    private final MemoryLimit memoryLimit;

    SendRoom(
        final Connector connector,
        final String topic,
        final int maxPendingMessages,
        final boolean blockIfQueueFull,
        final SendWindow window,
        final MemoryLimit memoryLimit)
    {
        this.connector = connector;
        this.requests = connector.requests();
        this.liveness = connector.liveness();
        this.topic = topic;
        this.maxPendingMessages = maxPendingMessages;
        this.blockIfQueueFull = blockIfQueueFull;
        this.window = window;
        this.memoryLimit = memoryLimit;
    }

    /**
     * @return true if a send waits for room; false if it is refused at once.
     */
    boolean blocksIfFull()
    {
        return blockIfQueueFull;
    }

    /**
     * Wait, outside the send lock, until the window and the memory limit have room for one more send.
     *
     * @param deadlineNs bound on the wait.
     * @param bytes      of the send's key and payload.
     * @param producer   sending; a closed one stops the wait.
     * @return null when there is room or the producer can no longer send (checked again under the lock), else why
     * the send fails.
     */
    MagnetarClientException await(final long deadlineNs, final int bytes, final ProducerImpl producer)
    {
        if (window.hasRoomForNext() && memoryLimit.hasRoom(bytes))
        {
            return null;
        }
        if (!blockIfQueueFull)
        {
            return window.hasRoomForNext() ? memoryFull() : new MagnetarClientException.ProducerQueueIsFullException(
                "pending queue of producer on topic '" + topic + "' is full (maxPendingMessages=" +
                maxPendingMessages + ")");
        }
        if (requests.isConductorThread())
        {
            return new MagnetarClientException("pending queue of producer on topic '" + topic + "' is full " +
                "(maxPendingMessages=" + maxPendingMessages + ") and the conductor thread cannot wait");
        }

        final IdleStrategy idleStrategy = Connector.newWaitingIdleStrategy();
        while (!window.hasRoomForNext() || !memoryLimit.hasRoom(bytes))
        {
            if (producer.isClosed() || null != liveness.connectionLoss() || connector.isClosed())
            {
                return null;
            }
            if (System.nanoTime() - deadlineNs >= 0)
            {
                return new MagnetarClientException.TimeoutException(window.hasRoomForNext() ?
                    "the client's memory limit of " + memoryLimit.limitBytes() + " bytes for sends waiting for " +
                    "receipts stayed taken" : "pending queue of producer on topic '" + topic + "' stayed full " +
                    "(maxPendingMessages=" + maxPendingMessages + ")");
            }
            if (Thread.currentThread().isInterrupted())
            {
                return new MagnetarClientException("interrupted while waiting to send");
            }
            idleStrategy.idle();
        }

        return null;
    }

    /**
     * @return the refusal of a send the memory limit has no room for.
     */
    MagnetarClientException memoryFull()
    {
        return new MagnetarClientException.ProducerQueueIsFullException("the client's memory limit of " +
            memoryLimit.limitBytes() + " bytes for sends waiting for receipts is taken (" +
            memoryLimit.reservedBytes() + " bytes)");
    }
}

package io.magnetar.client;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Reads the consumers of a consumer made of several (the partitions of a partitioned topic, the topics of a
 * multi-topic consumer) in turn: each receive or poll starts at the consumer after the one that last gave a message,
 * so none starves. Closed ones are passed over. Used by one aggregate consumer; not thread-safe beyond what its
 * {@code receive} promises.
 */
final class ConsumerRound
{
    /** The consumers to read, read again each round (a partition or topic may be added meanwhile). */
    @FunctionalInterface
    interface Members
    {
        /**
         * @return the consumers now.
         */
        Consumer[] members();
    }

    private final Members members;
    private final RequestTracker requests;
    private int next;

    /**
     * @param members  the consumers to read.
     * @param requests of the client: whether the calling thread may wait.
     */
    ConsumerRound(final Members members, final RequestTracker requests)
    {
        this.members = members;
        this.requests = requests;
    }

    /**
     * @param timeout   longest wait; 0 or less takes only what is there.
     * @param unit      of the timeout.
     * @return a message, or null if none came in time.
     * @throws MagnetarClientException if called on the conductor thread to wait, or interrupted.
     */
    Message receive(final long timeout, final TimeUnit unit) throws MagnetarClientException
    {
        final long deadlineNs = System.nanoTime() + unit.toNanos(Math.max(0, timeout));
        final IdleStrategy idleStrategy = Connector.continuedWaitingIdleStrategy();
        boolean checkedThread = false;
        while (true)
        {
            final Consumer[] round = members.members();
            final int start = 0 == round.length ? 0 : Math.floorMod(next, round.length);
            for (int k = 0; k < round.length; k++)
            {
                final int index = (start + k) % round.length;
                if (round[index].isClosed())
                {
                    continue; // e.g. its subscription was deleted: the others go on
                }
                final Message message = round[index].receive(0, TimeUnit.NANOSECONDS);
                if (null != message)
                {
                    next = index + 1;
                    if (checkedThread)
                    {
                        idleStrategy.idle(1); // the wait is over: the next one starts from the shortest idle
                    }
                    return message;
                }
            }
            if (timeout <= 0 || System.nanoTime() - deadlineNs >= 0)
            {
                return null;
            }
            if (!checkedThread)
            {
                requests.checkNotConductorThread("receive");
                checkedThread = true;
            }
            if (Thread.currentThread().isInterrupted())
            {
                throw new MagnetarClientException("interrupted while waiting for a message");
            }
            idleStrategy.idle();
        }
    }

    /**
     * @param handler   of the messages.
     * @param limit     most messages.
     * @return messages handed to the handler.
     * @throws MagnetarClientException as a consumer's poll.
     */
    int poll(final MessageHandler handler, final int limit) throws MagnetarClientException
    {
        final Consumer[] consumers = members.members();
        if (0 == consumers.length)
        {
            return 0;
        }
        final int start = Math.floorMod(next, consumers.length);
        int taken = 0;
        for (int k = 0; k < consumers.length && taken < limit; k++)
        {
            final Consumer consumer = consumers[(start + k) % consumers.length];
            if (!consumer.isClosed())
            {
                taken += consumer.poll(handler, limit - taken);
            }
        }
        next = start + 1;
        return taken;
    }
}

package io.magnetar.client;

import java.util.concurrent.TimeUnit;

/**
 * Reads a topic from a chosen message on, as Pulsar's {@code Reader}: a consumer of a non-durable subscription of its
 * own (kept in the broker's memory only, so it holds back neither retention nor backlog quotas, and gone when the
 * reader closes). Messages need no acknowledgement. After a broker restart the reader goes on after the last message
 * it returned. Get one from {@link MagnetarClient#newReader()}.
 */
public interface Reader extends AutoCloseable
{
    /**
     * @return the topic read.
     */
    String getTopic();

    /**
     * @return the next message, waiting up to the client's operation timeout.
     * @throws MagnetarClientException if none came in time, or the reader is closed.
     */
    Message readNext() throws MagnetarClientException;

    /**
     * @param timeout most time to wait.
     * @param unit    of the timeout.
     * @return the next message, or null if none came in time.
     * @throws MagnetarClientException if the reader is closed.
     */
    Message readNext(long timeout, TimeUnit unit) throws MagnetarClientException;

    /**
     * @return true if a message after the last one read is stored (asks the broker when none waits here).
     * @throws MagnetarClientException if the broker did not answer in time.
     */
    boolean hasMessageAvailable() throws MagnetarClientException;

    /**
     * Read from a message on ({@link MessageId#EARLIEST}, {@link MessageId#LATEST} or a message's id, which is read
     * again); messages waiting here are dropped.
     *
     * @param messageId where to go on.
     * @throws MagnetarClientException if the broker refused or did not answer in time.
     */
    void seek(MessageId messageId) throws MagnetarClientException;

    /**
     * Read from the first message published at or after a time on.
     *
     * @param publishTime in epoch milliseconds.
     * @throws MagnetarClientException if the broker refused or did not answer in time.
     */
    void seek(long publishTime) throws MagnetarClientException;

    /**
     * Close the reader: its subscription goes.
     *
     * @throws MagnetarClientException if the broker did not answer in time.
     */
    void close() throws MagnetarClientException;
}

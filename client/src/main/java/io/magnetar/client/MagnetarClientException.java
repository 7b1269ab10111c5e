package io.magnetar.client;

/**
 * A client operation failed. {@link #errorCode()} is the broker's code when the broker refused the request, and null
 * when the failure happened in the client (bad input, closed objects, timeouts, transport failures).
 */
public class MagnetarClientException extends Exception
{
    /**
     * Why the broker refused a request. A code the client does not know, e.g. from a newer broker, is
     * {@link #UNKNOWN_ERROR}.
     */
    public enum ErrorCode
    {
        /**
         * The broker failed for a reason it did not classify, or gave a code this client does not know.
         */
        UNKNOWN_ERROR,

        /**
         * The request could not be decoded.
         */
        MALFORMED_FRAME,

        /**
         * The broker does not know the request.
         */
        UNKNOWN_COMMAND,

        /**
         * The broker does not speak the client's protocol version.
         */
        UNSUPPORTED_VERSION,

        /**
         * The request came before the session was connected.
         */
        NOT_CONNECTED,

        /**
         * The topic name is not valid.
         */
        INVALID_TOPIC_NAME,

        /**
         * The topic's or request's namespace does not exist.
         */
        NAMESPACE_NOT_FOUND,

        /**
         * No such producer in the session.
         */
        PRODUCER_NOT_FOUND,

        /**
         * No such consumer in the session.
         */
        CONSUMER_NOT_FOUND,

        /**
         * The subscription has a consumer already and allows no other.
         */
        CONSUMER_BUSY,

        /**
         * The message or its key is larger than the broker accepts.
         */
        MESSAGE_TOO_LARGE,

        /**
         * The broker could not store the message or state.
         */
        PERSISTENCE_ERROR,

        /**
         * The broker is not ready to serve the request yet.
         */
        SERVICE_NOT_READY,

        /**
         * A value of the request is not valid, or the thing it names does not exist.
         */
        INVALID_ARGUMENT,

        /**
         * The broker does not support the operation on this resource.
         */
        UNSUPPORTED_OPERATION,

        /**
         * A producer with that name is already connected to the topic.
         */
        PRODUCER_BUSY,

        /**
         * The broker refused the request because of load.
         */
        TOO_MANY_REQUESTS,

        /**
         * The backlog quota is exceeded and the namespace's policy refuses or no longer holds sends.
         */
        PRODUCER_BLOCKED_QUOTA_EXCEEDED,

        /**
         * The broker requires a token and the client's is missing, malformed, badly signed or expired.
         */
        AUTHENTICATION_ERROR,

        /**
         * An exclusive producer took the topic over: this producer is fenced off and closed.
         */
        PRODUCER_FENCED,

        /**
         * The partitioned topic to create exists already.
         */
        TOPIC_ALREADY_EXISTS,

        /**
         * The partitioned topic does not exist.
         */
        TOPIC_NOT_FOUND,

        /**
         * A Key_Shared consumer's hash ranges overlap another consumer's, or its mode is not the subscription's.
         */
        CONSUMER_ASSIGN_ERROR,

        /**
         * The subscription to delete does not exist.
         */
        SUBSCRIPTION_NOT_FOUND,

        /**
         * The session's role is not allowed to do this (produce, consume, administer), as Pulsar's
         * {@code AuthorizationError}.
         */
        AUTHORIZATION_ERROR
    }

    private final ErrorCode errorCode;

    /**
     * A failure in the client.
     *
     * @param message what went wrong.
     */
    public MagnetarClientException(final String message)
    {
        this(null, message, null);
    }

    /**
     * A failure in the client with a cause.
     *
     * @param message what went wrong.
     * @param cause   of the failure.
     */
    public MagnetarClientException(final String message, final Throwable cause)
    {
        this(null, message, cause);
    }

    /**
     * A request the broker refused.
     *
     * @param errorCode the broker gave, or null for a failure in the client.
     * @param message   what went wrong.
     */
    public MagnetarClientException(final ErrorCode errorCode, final String message)
    {
        this(errorCode, message, null);
    }

    /**
     * A request the broker refused, with a cause.
     *
     * @param errorCode the broker gave, or null for a failure in the client.
     * @param message   what went wrong.
     * @param cause     of the failure.
     */
    public MagnetarClientException(final ErrorCode errorCode, final String message, final Throwable cause)
    {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /**
     * @return the broker's error code, or null if the failure happened in the client.
     */
    public ErrorCode errorCode()
    {
        return errorCode;
    }

    /**
     * An operation did not complete within its bound (by default the client's operation timeout).
     */
    public static class TimeoutException extends MagnetarClientException
    {
        /**
         * A timeout.
         *
         * @param message what did not complete in time.
         */
        public TimeoutException(final String message)
        {
            super(message);
        }

        /**
         * A timeout with a cause.
         *
         * @param message what did not complete in time.
         * @param cause   of the failure.
         */
        public TimeoutException(final String message, final Throwable cause)
        {
            super(message, cause);
        }
    }

    /**
     * A send was refused at once because its producer's {@code maxPendingMessages} sends wait for receipts, or the
     * client's {@code memoryLimit} is taken, and the producer was built with {@code blockIfQueueFull(false)}
     * (Pulsar's {@code ProducerQueueIsFullError} and {@code MemoryBufferIsFullError}).
     */
    public static class ProducerQueueIsFullException extends MagnetarClientException
    {
        /**
         * A full queue or memory limit.
         *
         * @param message which limit, and its value.
         */
        public ProducerQueueIsFullException(final String message)
        {
            super(message);
        }
    }

    /**
     * The session with the broker is gone for good: the broker stopped or closed the session, or the network between
     * them failed, and the client does not reconnect ({@code reconnect(false)}) or gave up (it closed). Every pending
     * and later operation of the client, its producers and its consumers fails with it; only closing still works. A
     * client that reconnects (the default) reports each loss to its error handler with this exception too, and goes
     * on.
     */
    public static class ConnectionLostException extends MagnetarClientException
    {
        /**
         * A lost connection.
         *
         * @param message which broker was lost, and why the client thinks so.
         */
        public ConnectionLostException(final String message)
        {
            super(message);
        }

        /**
         * A lost connection with a cause.
         *
         * @param message which broker was lost, and why the client thinks so.
         * @param cause   of the failure.
         */
        public ConnectionLostException(final String message, final Throwable cause)
        {
            super(message, cause);
        }
    }

    /**
     * Text for a broker error: the code, then the broker's text if it gave one.
     *
     * @param errorCode   from the broker.
     * @param brokerText  from the broker, may be empty.
     * @return readable text.
     */
    static String describe(final ErrorCode errorCode, final String brokerText)
    {
        return null == brokerText || brokerText.isEmpty() ? errorCode.name() : errorCode.name() + ": " + brokerText;
    }

    /**
     * Rethrow a failure that happened on another thread with the calling thread's stack, keeping its type, code
     * and message.
     *
     * @param cause the failure, usually from a completed future.
     * @return an exception to throw.
     */
    static MagnetarClientException wrap(final Throwable cause)
    {
        if (cause instanceof TimeoutException)
        {
            return new TimeoutException(cause.getMessage(), cause);
        }
        if (cause instanceof ConnectionLostException)
        {
            return new ConnectionLostException(cause.getMessage(), cause);
        }
        if (cause instanceof MagnetarClientException)
        {
            return new MagnetarClientException(((MagnetarClientException)cause).errorCode(), cause.getMessage(), cause);
        }

        return new MagnetarClientException("unexpected failure: " + cause, cause);
    }
}

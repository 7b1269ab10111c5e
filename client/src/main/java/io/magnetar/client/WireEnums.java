package io.magnetar.client;

import io.magnetar.codecs.PolicyField;

/**
 * The boundary between the client's public enums and the SBE codecs' generated ones, which carry {@code NULL_VAL}
 * and must not leak into the client's API. Each mapping is an explicit switch, so a value added on either side
 * shows up here rather than being matched by name or ordinal by accident.
 */
final class WireEnums
{
    /**
     * Wire value of a policy field that removes it from the namespace: it reverts to the broker's default.
     */
    static final long REMOVE = -2;

    private WireEnums()
    {
    }

    /**
     * @param type of the client's API.
     * @return the value on the wire.
     * @throws IllegalArgumentException if the type is null.
     */
    static io.magnetar.codecs.SubscriptionType toWire(final SubscriptionType type)
    {
        if (null == type)
        {
            throw new IllegalArgumentException("subscription type is null");
        }

        switch (type)
        {
            case EXCLUSIVE:
                return io.magnetar.codecs.SubscriptionType.EXCLUSIVE;
            case SHARED:
                return io.magnetar.codecs.SubscriptionType.SHARED;
            case FAILOVER:
                return io.magnetar.codecs.SubscriptionType.FAILOVER;
            case KEY_SHARED:
                return io.magnetar.codecs.SubscriptionType.KEY_SHARED;
            default:
                throw new IllegalArgumentException("no wire value for subscription type " + type);
        }
    }

    /**
     * @param type on the wire.
     * @return the client's type.
     * @throws IllegalArgumentException for {@code NULL_VAL}, null, or a value the client does not know.
     */
    static SubscriptionType fromWire(final io.magnetar.codecs.SubscriptionType type)
    {
        if (null == type)
        {
            throw new IllegalArgumentException("subscription type is null");
        }

        switch (type)
        {
            case EXCLUSIVE:
                return SubscriptionType.EXCLUSIVE;
            case SHARED:
                return SubscriptionType.SHARED;
            case FAILOVER:
                return SubscriptionType.FAILOVER;
            case KEY_SHARED:
                return SubscriptionType.KEY_SHARED;
            default:
                throw new IllegalArgumentException("no client subscription type for wire value " + type);
        }
    }

    /**
     * @param position of the client's API.
     * @return the value on the wire.
     * @throws IllegalArgumentException if the position is null.
     */
    static io.magnetar.codecs.InitialPosition toWire(final InitialPosition position)
    {
        if (null == position)
        {
            throw new IllegalArgumentException("initial position is null");
        }

        switch (position)
        {
            case LATEST:
                return io.magnetar.codecs.InitialPosition.LATEST;
            case EARLIEST:
                return io.magnetar.codecs.InitialPosition.EARLIEST;
            default:
                throw new IllegalArgumentException("no wire value for initial position " + position);
        }
    }

    /**
     * @param position on the wire.
     * @return the client's position.
     * @throws IllegalArgumentException for {@code NULL_VAL}, null, or a value the client does not know.
     */
    static InitialPosition fromWire(final io.magnetar.codecs.InitialPosition position)
    {
        if (null == position)
        {
            throw new IllegalArgumentException("initial position is null");
        }

        switch (position)
        {
            case LATEST:
                return InitialPosition.LATEST;
            case EARLIEST:
                return InitialPosition.EARLIEST;
            default:
                throw new IllegalArgumentException("no client initial position for wire value " + position);
        }
    }

    /**
     * The client's error code for a raw value on the wire.
     *
     * @param value of the {@code code} field as the broker sent it.
     * @return the code; {@link MagnetarClientException.ErrorCode#UNKNOWN_ERROR} for the null value and for values
     * the client does not know (a newer broker's).
     */
    static MagnetarClientException.ErrorCode errorCode(final int value)
    {
        for (final io.magnetar.codecs.ErrorCode code : io.magnetar.codecs.ErrorCode.values())
        {
            if (code.value() == value)
            {
                return fromWire(code);
            }
        }

        return MagnetarClientException.ErrorCode.UNKNOWN_ERROR;
    }

    /**
     * @param code on the wire.
     * @return the client's code; {@link MagnetarClientException.ErrorCode#UNKNOWN_ERROR} for {@code NULL_VAL} and
     * null.
     */
    static MagnetarClientException.ErrorCode fromWire(final io.magnetar.codecs.ErrorCode code)
    {
        if (null == code)
        {
            return MagnetarClientException.ErrorCode.UNKNOWN_ERROR;
        }

        switch (code)
        {
            case MALFORMED_FRAME:
                return MagnetarClientException.ErrorCode.MALFORMED_FRAME;
            case UNKNOWN_COMMAND:
                return MagnetarClientException.ErrorCode.UNKNOWN_COMMAND;
            case UNSUPPORTED_VERSION:
                return MagnetarClientException.ErrorCode.UNSUPPORTED_VERSION;
            case NOT_CONNECTED:
                return MagnetarClientException.ErrorCode.NOT_CONNECTED;
            case INVALID_TOPIC_NAME:
                return MagnetarClientException.ErrorCode.INVALID_TOPIC_NAME;
            case NAMESPACE_NOT_FOUND:
                return MagnetarClientException.ErrorCode.NAMESPACE_NOT_FOUND;
            case PRODUCER_NOT_FOUND:
                return MagnetarClientException.ErrorCode.PRODUCER_NOT_FOUND;
            case CONSUMER_NOT_FOUND:
                return MagnetarClientException.ErrorCode.CONSUMER_NOT_FOUND;
            case CONSUMER_BUSY:
                return MagnetarClientException.ErrorCode.CONSUMER_BUSY;
            case MESSAGE_TOO_LARGE:
                return MagnetarClientException.ErrorCode.MESSAGE_TOO_LARGE;
            case PERSISTENCE_ERROR:
                return MagnetarClientException.ErrorCode.PERSISTENCE_ERROR;
            case SERVICE_NOT_READY:
                return MagnetarClientException.ErrorCode.SERVICE_NOT_READY;
            case INVALID_ARGUMENT:
                return MagnetarClientException.ErrorCode.INVALID_ARGUMENT;
            case UNSUPPORTED_OPERATION:
                return MagnetarClientException.ErrorCode.UNSUPPORTED_OPERATION;
            case PRODUCER_BUSY:
                return MagnetarClientException.ErrorCode.PRODUCER_BUSY;
            case TOO_MANY_REQUESTS:
                return MagnetarClientException.ErrorCode.TOO_MANY_REQUESTS;
            case PRODUCER_BLOCKED_QUOTA_EXCEEDED:
                return MagnetarClientException.ErrorCode.PRODUCER_BLOCKED_QUOTA_EXCEEDED;
            case AUTHENTICATION_ERROR:
                return MagnetarClientException.ErrorCode.AUTHENTICATION_ERROR;
            case PRODUCER_FENCED:
                return MagnetarClientException.ErrorCode.PRODUCER_FENCED;
            case TOPIC_ALREADY_EXISTS:
                return MagnetarClientException.ErrorCode.TOPIC_ALREADY_EXISTS;
            case TOPIC_NOT_FOUND:
                return MagnetarClientException.ErrorCode.TOPIC_NOT_FOUND;
            case CONSUMER_ASSIGN_ERROR:
                return MagnetarClientException.ErrorCode.CONSUMER_ASSIGN_ERROR;
            case SUBSCRIPTION_NOT_FOUND:
                return MagnetarClientException.ErrorCode.SUBSCRIPTION_NOT_FOUND;
            case AUTHORIZATION_ERROR:
                return MagnetarClientException.ErrorCode.AUTHORIZATION_ERROR;
            case UNKNOWN_ERROR:
            default:
                return MagnetarClientException.ErrorCode.UNKNOWN_ERROR;
        }
    }

    /**
     * @param mode of the client's API.
     * @return the mode on the wire.
     */
    static io.magnetar.codecs.ProducerAccessMode toWire(final ProducerAccessMode mode)
    {
        switch (mode)
        {
            case EXCLUSIVE:
                return io.magnetar.codecs.ProducerAccessMode.EXCLUSIVE;
            case WAIT_FOR_EXCLUSIVE:
                return io.magnetar.codecs.ProducerAccessMode.WAIT_FOR_EXCLUSIVE;
            case EXCLUSIVE_WITH_FENCING:
                return io.magnetar.codecs.ProducerAccessMode.EXCLUSIVE_WITH_FENCING;
            case SHARED:
            default:
                return io.magnetar.codecs.ProducerAccessMode.SHARED;
        }
    }

    /**
     * @param durability of the client's API.
     * @return the value of the {@link PolicyField#DURABILITY} policy on the wire.
     */
    static long policyValue(final Durability durability)
    {
        switch (durability)
        {
            case MEMORY:
                return 0;
            case ARCHIVED:
                return 1;
            case FSYNC:
                return 2;
            default:
                throw new IllegalArgumentException("no wire value for durability " + durability);
        }
    }

    /**
     * @param policy of the client's API.
     * @return the value of the {@link PolicyField#BACKLOG_QUOTA_POLICY} policy on the wire.
     */
    static long policyValue(final BacklogQuotaPolicy policy)
    {
        switch (policy)
        {
            case PRODUCER_REQUEST_HOLD:
                return 0;
            case PRODUCER_EXCEPTION:
                return 1;
            case CONSUMER_BACKLOG_EVICTION:
                return 2;
            default:
                throw new IllegalArgumentException("no wire value for backlog quota policy " + policy);
        }
    }

    /**
     * @param type of the client's API.
     * @return the value on the wire.
     * @throws IllegalArgumentException if the type is null.
     */
    static io.magnetar.codecs.CompressionType toWire(final CompressionType type)
    {
        if (null == type)
        {
            throw new IllegalArgumentException("compression type is null");
        }

        switch (type)
        {
            case NONE:
                return io.magnetar.codecs.CompressionType.NONE;
            case LZ4:
                return io.magnetar.codecs.CompressionType.LZ4;
            case ZLIB:
                return io.magnetar.codecs.CompressionType.ZLIB;
            case ZSTD:
                return io.magnetar.codecs.CompressionType.ZSTD;
            case SNAPPY:
                return io.magnetar.codecs.CompressionType.SNAPPY;
            default:
                throw new IllegalArgumentException("no wire value for compression type " + type);
        }
    }

    /**
     * @param type on the wire.
     * @return the client's type, or null for {@code NULL_VAL} or a value the client does not know.
     */
    static CompressionType fromWire(final io.magnetar.codecs.CompressionType type)
    {
        if (null == type)
        {
            return null;
        }

        switch (type)
        {
            case NONE:
                return CompressionType.NONE;
            case LZ4:
                return CompressionType.LZ4;
            case ZLIB:
                return CompressionType.ZLIB;
            case ZSTD:
                return CompressionType.ZSTD;
            case SNAPPY:
                return CompressionType.SNAPPY;
            default:
                return null;
        }
    }
}

package io.magnetar.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The client's enums and the SBE codecs' generated ones map both ways, value for value, and the codecs'
 * {@code NULL_VAL} and unknown values never reach the client's API.
 */
class WireEnumsTest
{
    @Test
    void shouldMapEverySubscriptionTypeBothWays()
    {
        for (final SubscriptionType type : SubscriptionType.values())
        {
            final io.magnetar.codecs.SubscriptionType wire = WireEnums.toWire(type);
            assertEquals(type.name(), wire.name());
            assertEquals(type, WireEnums.fromWire(wire));
        }
        for (final io.magnetar.codecs.SubscriptionType wire : io.magnetar.codecs.SubscriptionType.values())
        {
            if (io.magnetar.codecs.SubscriptionType.NULL_VAL != wire)
            {
                assertEquals(wire, WireEnums.toWire(WireEnums.fromWire(wire)), "the client knows " + wire);
            }
        }
    }

    @Test
    void shouldMapEveryInitialPositionBothWays()
    {
        for (final InitialPosition position : InitialPosition.values())
        {
            final io.magnetar.codecs.InitialPosition wire = WireEnums.toWire(position);
            assertEquals(position.name(), wire.name());
            assertEquals(position, WireEnums.fromWire(wire));
        }
        for (final io.magnetar.codecs.InitialPosition wire : io.magnetar.codecs.InitialPosition.values())
        {
            if (io.magnetar.codecs.InitialPosition.NULL_VAL != wire)
            {
                assertEquals(wire, WireEnums.toWire(WireEnums.fromWire(wire)), "the client knows " + wire);
            }
        }
    }

    @Test
    void shouldRefuseNullAndTheNullValue()
    {
        assertThrows(IllegalArgumentException.class, () -> WireEnums.toWire((SubscriptionType)null));
        assertThrows(IllegalArgumentException.class, () -> WireEnums.toWire((InitialPosition)null));
        assertThrows(IllegalArgumentException.class,
            () -> WireEnums.fromWire(io.magnetar.codecs.SubscriptionType.NULL_VAL));
        assertThrows(IllegalArgumentException.class,
            () -> WireEnums.fromWire(io.magnetar.codecs.InitialPosition.NULL_VAL));
        assertThrows(
            IllegalArgumentException.class, () -> WireEnums.fromWire((io.magnetar.codecs.InitialPosition)null));
    }

    @Test
    void shouldMapEveryWireErrorCodeToTheClientsCodeOfTheSameName()
    {
        for (final io.magnetar.codecs.ErrorCode wire : io.magnetar.codecs.ErrorCode.values())
        {
            if (io.magnetar.codecs.ErrorCode.NULL_VAL == wire)
            {
                continue;
            }

            final MagnetarClientException.ErrorCode code = WireEnums.fromWire(wire);
            assertEquals(wire.name(), code.name(), "a wire code the client maps to another");
            assertEquals(code, WireEnums.errorCode(wire.value()));
        }
        for (final MagnetarClientException.ErrorCode code : MagnetarClientException.ErrorCode.values())
        {
            assertEquals(code, WireEnums.fromWire(io.magnetar.codecs.ErrorCode.valueOf(code.name())),
                "every client code comes from the wire");
        }
    }

    @Test
    void shouldMapUnknownAndNullErrorCodesToUnknownError()
    {
        assertEquals(MagnetarClientException.ErrorCode.UNKNOWN_ERROR,
            WireEnums.fromWire(io.magnetar.codecs.ErrorCode.NULL_VAL));
        assertEquals(MagnetarClientException.ErrorCode.UNKNOWN_ERROR,
            WireEnums.fromWire((io.magnetar.codecs.ErrorCode)null));
        assertEquals(MagnetarClientException.ErrorCode.UNKNOWN_ERROR,
            WireEnums.errorCode(io.magnetar.codecs.ErrorCode.NULL_VAL.value()));
        assertEquals(MagnetarClientException.ErrorCode.UNKNOWN_ERROR, WireEnums.errorCode(9999));
        assertEquals(MagnetarClientException.ErrorCode.UNKNOWN_ERROR, WireEnums.errorCode(-5));
    }

    @Test
    void shouldGivePolicyValuesAsTheBrokerReadsThem()
    {
        assertEquals(0, WireEnums.policyValue(Durability.MEMORY));
        assertEquals(1, WireEnums.policyValue(Durability.ARCHIVED));
        assertEquals(2, WireEnums.policyValue(Durability.FSYNC));
        assertEquals(0, WireEnums.policyValue(BacklogQuotaPolicy.PRODUCER_REQUEST_HOLD));
        assertEquals(1, WireEnums.policyValue(BacklogQuotaPolicy.PRODUCER_EXCEPTION));
        assertEquals(2, WireEnums.policyValue(BacklogQuotaPolicy.CONSUMER_BACKLOG_EVICTION));
    }

    @Test
    void shouldParseBacklogQuotaPoliciesByTheirNames()
    {
        for (final BacklogQuotaPolicy policy : BacklogQuotaPolicy.values())
        {
            assertEquals(policy, BacklogQuotaPolicy.parse(policy.text()));
            assertEquals(policy, BacklogQuotaPolicy.parse(policy.name()));
        }
        assertThrows(IllegalArgumentException.class, () -> BacklogQuotaPolicy.parse(null));
        assertThrows(IllegalArgumentException.class, () -> BacklogQuotaPolicy.parse("drop"));
    }
}

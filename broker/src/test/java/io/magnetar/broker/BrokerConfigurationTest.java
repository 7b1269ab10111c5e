package io.magnetar.broker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durations and sizes in the broker's system properties: a bare duration is seconds, as in Pulsar; sizes take
 * Agrona's suffixes, {@code t} and {@code -1}.
 */
class BrokerConfigurationTest
{
    @AfterEach
    void clearProperties()
    {
        System.clearProperty(BrokerConfiguration.MESSAGE_TTL_PROP_NAME);
        System.clearProperty(BrokerConfiguration.RETENTION_TIME_PROP_NAME);
        System.clearProperty(BrokerConfiguration.BACKLOG_QUOTA_HOLD_TIMEOUT_PROP_NAME);
        System.clearProperty(BrokerConfiguration.RETENTION_SIZE_PROP_NAME);
        System.clearProperty(BrokerConfiguration.BACKLOG_QUOTA_SIZE_PROP_NAME);
    }

    @Test
    void shouldReadSizesWithTheOneSizeParser()
    {
        assertEquals(-1, new BrokerContext().retention().sizeBytes());
        assertEquals(-1, new BrokerContext().backlogQuota().limitBytes());

        System.setProperty(BrokerConfiguration.RETENTION_SIZE_PROP_NAME, "1T");
        System.setProperty(BrokerConfiguration.BACKLOG_QUOTA_SIZE_PROP_NAME, "10m");
        final BrokerContext ctx = new BrokerContext();
        assertEquals(1024L * 1024 * 1024 * 1024, ctx.retention().sizeBytes());
        assertEquals(10L * 1024 * 1024, ctx.backlogQuota().limitBytes());

        System.setProperty(BrokerConfiguration.BACKLOG_QUOTA_SIZE_PROP_NAME, "-10m");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, BrokerContext::new);
        assertTrue(ex.getMessage().startsWith(BrokerConfiguration.BACKLOG_QUOTA_SIZE_PROP_NAME), ex.getMessage());
    }

    @Test
    void shouldReadABareMessageTtlAsSeconds()
    {
        System.setProperty(BrokerConfiguration.MESSAGE_TTL_PROP_NAME, "600");

        assertEquals(600_000, BrokerConfiguration.messageTtlMs());
        assertEquals(600_000, new BrokerContext().retention().messageTtlMs());
    }

    @Test
    void shouldReadABareRetentionTimeAsSeconds()
    {
        System.setProperty(BrokerConfiguration.RETENTION_TIME_PROP_NAME, "3600");

        assertEquals(3_600_000, new BrokerContext().retention().timeMs());
    }

    @Test
    void shouldReadABareHoldTimeoutAsSeconds()
    {
        System.setProperty(BrokerConfiguration.BACKLOG_QUOTA_HOLD_TIMEOUT_PROP_NAME, "5");

        assertEquals(5000, new BrokerContext().backlogQuotaHoldTimeoutMs());
    }

    @Test
    void shouldKeepDefaultsAndMinusOneAsOff()
    {
        assertEquals(-1, BrokerConfiguration.messageTtlMs());
        assertEquals(-1, BrokerConfiguration.retentionTimeMs());
        assertEquals(
            BrokerConfiguration.BACKLOG_QUOTA_HOLD_TIMEOUT_DEFAULT_MS, BrokerConfiguration.backlogQuotaHoldTimeoutMs());

        System.setProperty(BrokerConfiguration.MESSAGE_TTL_PROP_NAME, "-1");
        System.setProperty(BrokerConfiguration.RETENTION_TIME_PROP_NAME, "1h");
        assertEquals(-1, BrokerConfiguration.messageTtlMs());
        assertEquals(3_600_000, BrokerConfiguration.retentionTimeMs());
    }

    @Test
    void shouldRefuseABadDurationNamingTheProperty()
    {
        System.setProperty(BrokerConfiguration.MESSAGE_TTL_PROP_NAME, "10 minutes");

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, BrokerContext::new);
        assertTrue(ex.getMessage().startsWith(BrokerConfiguration.MESSAGE_TTL_PROP_NAME), ex.getMessage());
    }
}

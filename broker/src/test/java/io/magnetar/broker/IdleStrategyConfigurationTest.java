package io.magnetar.broker;

import io.aeron.exceptions.ConfigurationException;
import io.magnetar.client.MagnetarClient;
import io.magnetar.mediadriver.IdleConfiguration;
import io.magnetar.mediadriver.SettlingBackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdleStrategyConfigurationTest
{
    private static final String[] PROPERTIES = {
        BrokerConfiguration.AGENT_IDLE_STRATEGY_PROP_NAME,
        IdleConfiguration.IDLE_STRATEGY_PROP_NAME,
        IdleConfiguration.IDLE_MAX_YIELDS_PROP_NAME,
        MagnetarClient.Configuration.CONDUCTOR_IDLE_STRATEGY_PROP_NAME,
        MagnetarClient.Configuration.DRIVER_IDLE_STRATEGY_PROP_NAME,
        MagnetarClient.Configuration.DRIVER_THREADING_PROP_NAME };

    @AfterEach
    void clearProperties()
    {
        for (final String property : PROPERTIES)
        {
            System.clearProperty(property);
        }
    }

    @Test
    void backoffByDefaultAndAeronsNamesOtherwisePerThread()
    {
        assertInstanceOf(SettlingBackoffIdleStrategy.class, BrokerConfiguration.agentIdleStrategy());
        assertInstanceOf(SettlingBackoffIdleStrategy.class, IdleConfiguration.driverIdleStrategy());
        assertInstanceOf(SettlingBackoffIdleStrategy.class, MagnetarClient.Configuration.conductorIdleStrategy());
        assertInstanceOf(SettlingBackoffIdleStrategy.class, MagnetarClient.Configuration.driverIdleStrategy());

        System.setProperty(BrokerConfiguration.AGENT_IDLE_STRATEGY_PROP_NAME, "yield");
        System.setProperty(IdleConfiguration.IDLE_STRATEGY_PROP_NAME, "spin");
        System.setProperty(MagnetarClient.Configuration.CONDUCTOR_IDLE_STRATEGY_PROP_NAME, "yield");
        assertInstanceOf(YieldingIdleStrategy.class, BrokerConfiguration.agentIdleStrategy());
        assertInstanceOf(BusySpinIdleStrategy.class, IdleConfiguration.driverIdleStrategy());
        assertInstanceOf(YieldingIdleStrategy.class, MagnetarClient.Configuration.conductorIdleStrategy());
        assertInstanceOf(SettlingBackoffIdleStrategy.class, MagnetarClient.Configuration.driverIdleStrategy(),
            "each thread has its own property");
    }

    @Test
    void backoffTakesItsYieldsFromAProperty()
    {
        System.setProperty(IdleConfiguration.IDLE_MAX_YIELDS_PROP_NAME, "3000");
        final String description = IdleConfiguration.driverIdleStrategy().toString();

        assertTrue(description.contains("maxYields=3000"), description);
    }

    @Test
    void anUnknownNameIsAClearError()
    {
        System.setProperty(BrokerConfiguration.AGENT_IDLE_STRATEGY_PROP_NAME, "snooze");

        final ConfigurationException ex =
            assertThrows(ConfigurationException.class, BrokerConfiguration::agentIdleStrategy);
        assertTrue(ex.getMessage().contains("magnetar.broker.idle.strategy=snooze"), ex.getMessage());

        System.setProperty(MagnetarClient.Configuration.CONDUCTOR_IDLE_STRATEGY_PROP_NAME, "snooze");
        final IllegalArgumentException clientEx =
            assertThrows(IllegalArgumentException.class, MagnetarClient.Configuration::conductorIdleStrategy);
        assertTrue(clientEx.getMessage().contains("magnetar.client.idle.strategy=snooze"), clientEx.getMessage());
    }

    @Test
    void anEmbeddedClientDriverRunsOnTheConductorUnlessToldOtherwise()
    {
        assertTrue(MagnetarClient.Configuration.driverOnConductor());

        System.setProperty(MagnetarClient.Configuration.DRIVER_THREADING_PROP_NAME, "shared");
        assertFalse(MagnetarClient.Configuration.driverOnConductor());

        System.setProperty(MagnetarClient.Configuration.DRIVER_THREADING_PROP_NAME, "dedicated");
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, MagnetarClient.Configuration::driverOnConductor);
        assertTrue(ex.getMessage().contains("magnetar.client.driver.threading=dedicated"), ex.getMessage());
    }
}

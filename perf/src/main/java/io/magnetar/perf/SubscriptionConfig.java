package io.magnetar.perf;

import io.aeron.exceptions.ConfigurationException;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.SubscriptionType;

/**
 * Settings of the consumers' subscriptions: their type, name and where a new one starts.
 */
public final class SubscriptionConfig
{
    private SubscriptionType type = SubscriptionType.EXCLUSIVE;
    private String name = "perf-sub";
    private InitialPosition initialPosition = InitialPosition.LATEST;

    /**
     * Validate the settings.
     *
     * @return this for a fluent API.
     * @throws ConfigurationException naming the setting that is wrong.
     */
    public SubscriptionConfig conclude()
    {
        if (null == name || name.isBlank())
        {
            throw new ConfigurationException("subscription name must not be empty");
        }
        return this;
    }

    /**
     * @param type of the consumers: exclusive gives each its own subscription, shared and failover one for the
     *             consumers of a topic.
     * @return this for a fluent API.
     */
    public SubscriptionConfig type(final SubscriptionType type)
    {
        this.type = type;
        return this;
    }

    /**
     * @return the consumers' subscription type.
     */
    public SubscriptionType type()
    {
        return type;
    }

    /**
     * @param name prefix of the consumers' subscriptions.
     * @return this for a fluent API.
     */
    public SubscriptionConfig name(final String name)
    {
        this.name = name;
        return this;
    }

    /**
     * @return name prefix of the consumers' subscriptions.
     */
    public String name()
    {
        return name;
    }

    /**
     * @param initialPosition where a new subscription starts.
     * @return this for a fluent API.
     */
    public SubscriptionConfig initialPosition(final InitialPosition initialPosition)
    {
        this.initialPosition = initialPosition;
        return this;
    }

    /**
     * @return where a new subscription starts.
     */
    public InitialPosition initialPosition()
    {
        return initialPosition;
    }
}

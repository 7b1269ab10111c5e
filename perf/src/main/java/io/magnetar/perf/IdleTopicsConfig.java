package io.magnetar.perf;

import io.aeron.exceptions.ConfigurationException;
import org.agrona.SystemUtil;

/**
 * Settings of the idle topics a run creates on its embedded broker before the measured run: how many topics (each
 * given one message), how many subscriptions each, and whether each subscription keeps a connected consumer with
 * permits through the run.
 */
public final class IdleTopicsConfig
{
    /**
     * Most requests (create, send, close, subscribe) in flight at once while the idle topics are set up.
     */
    public static final String WINDOW_PROP_NAME = "magnetar.perf.idle.window";

    /**
     * Default set-up window: 4096 requests in flight.
     */
    public static final int WINDOW_DEFAULT = 4096;

    /**
     * Permits each idle consumer grants the broker.
     */
    public static final int CONSUMER_PERMITS = 1000;

    /**
     * Most idle topics of one run.
     */
    public static final int MAX_TOPICS = 10_000_000;

    /**
     * Most subscriptions of each idle topic.
     */
    public static final int MAX_SUBSCRIPTIONS = 64;

    /**
     * Value of {@link #subscriptionsPerTopic(int)} before {@link #conclude(PerfConfig)}: 1 when there are idle
     * topics.
     */
    public static final int SUBSCRIPTIONS_UNSET = -1;

    private int topics;
    private int subscriptionsPerTopic = SUBSCRIPTIONS_UNSET;
    private boolean consumers;
    private boolean restart;
    private int window = SystemUtil.getSizeAsInt(WINDOW_PROP_NAME, WINDOW_DEFAULT);

    /**
     * Validate the settings against the run's and fill in the default subscription count.
     *
     * @param config of the run.
     * @return this for a fluent API.
     * @throws ConfigurationException naming the setting that is wrong.
     */
    public IdleTopicsConfig conclude(final PerfConfig config)
    {
        if (topics < 0 || topics > MAX_TOPICS)
        {
            throw new ConfigurationException("idle topics must be 0.." + MAX_TOPICS + ": " + topics);
        }
        if (SUBSCRIPTIONS_UNSET == subscriptionsPerTopic)
        {
            subscriptionsPerTopic = topics > 0 ? 1 : 0;
        }
        if (subscriptionsPerTopic < 0 || subscriptionsPerTopic > MAX_SUBSCRIPTIONS)
        {
            throw new ConfigurationException(
                "idle subscriptions must be 0.." + MAX_SUBSCRIPTIONS + " per topic: " + subscriptionsPerTopic);
        }
        if (0 == topics && (subscriptionsPerTopic > 0 || consumers))
        {
            throw new ConfigurationException("idle subscriptions and consumers need idle topics (--idle-topics N)");
        }
        if (restart && 0 == topics)
        {
            throw new ConfigurationException(
                "--idle-restart restarts the broker holding idle topics: give --idle-topics N");
        }
        if (restart && consumers)
        {
            throw new ConfigurationException(
                "--idle-restart closes the idle session, so no idle consumer stays connected: drop --idle-consumers");
        }
        if (consumers && 0 == subscriptionsPerTopic)
        {
            throw new ConfigurationException("idle consumers need idle subscriptions (--idle-subscriptions K > 0)");
        }
        if (topics > 0 && null != config.serviceUrl())
        {
            throw new ConfigurationException("idle topics are created on the embedded broker only (not with -u)");
        }
        if (topics > 0 && config.workload() != Workload.E2E)
        {
            throw new ConfigurationException("idle topics apply to e2e only");
        }
        if (window < 1)
        {
            throw new ConfigurationException("idle set-up window must be positive: " + window);
        }

        return this;
    }

    /**
     * @param topics idle persistent topics to create, each given one message; 0 for none.
     * @return this for a fluent API.
     */
    public IdleTopicsConfig topics(final int topics)
    {
        this.topics = topics;
        return this;
    }

    /**
     * @return idle topics to create; 0 for none.
     */
    public int topics()
    {
        return topics;
    }

    /**
     * @param subscriptionsPerTopic subscriptions of each idle topic, or {@link #SUBSCRIPTIONS_UNSET}.
     * @return this for a fluent API.
     */
    public IdleTopicsConfig subscriptionsPerTopic(final int subscriptionsPerTopic)
    {
        this.subscriptionsPerTopic = subscriptionsPerTopic;
        return this;
    }

    /**
     * @return subscriptions of each idle topic.
     */
    public int subscriptionsPerTopic()
    {
        return subscriptionsPerTopic;
    }

    /**
     * @param consumers keep a consumer with permits connected on each idle subscription through the run.
     * @return this for a fluent API.
     */
    public IdleTopicsConfig consumers(final boolean consumers)
    {
        this.consumers = consumers;
        return this;
    }

    /**
     * @return true if each idle subscription keeps a connected consumer through the run.
     */
    public boolean consumers()
    {
        return consumers;
    }

    /**
     * @param restart stop the embedded broker after the set-up and start it again on the same data, timing the restart.
     * @return this for a fluent API.
     */
    public IdleTopicsConfig restart(final boolean restart)
    {
        this.restart = restart;
        return this;
    }

    /**
     * @return true if the embedded broker is restarted after the set-up.
     */
    public boolean restart()
    {
        return restart;
    }

    /**
     * @param window most set-up requests in flight at once.
     * @return this for a fluent API.
     */
    public IdleTopicsConfig window(final int window)
    {
        this.window = window;
        return this;
    }

    /**
     * @return most set-up requests in flight at once.
     */
    public int window()
    {
        return window;
    }

    /**
     * @return idle subscriptions in all, over every idle topic.
     */
    public long totalSubscriptions()
    {
        return (long)topics * subscriptionsPerTopic;
    }
}

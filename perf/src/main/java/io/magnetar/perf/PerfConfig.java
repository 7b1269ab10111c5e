package io.magnetar.perf;

import io.aeron.exceptions.ConfigurationException;
import io.magnetar.mediadriver.Durability;
import io.magnetar.mediadriver.Profile;

import java.io.File;
import java.util.Locale;

/**
 * Settings of one perf run, in the Aeron context style: fluent accessors, then {@link #conclude()} validates and
 * fills in the defaults that depend on the workload.
 */
public final class PerfConfig
{
    /**
     * Value of {@link #rate(long)} before {@link #conclude()}: the workload's default.
     */
    public static final long RATE_UNSET = -1;

    private Workload workload = Workload.E2E;
    private long rate = RATE_UNSET;
    private int size = 100;
    private int topics = 1;
    private int producers = 1;
    private int consumers = 1;
    private int durationSeconds = 15;
    private int warmupSeconds = 5;
    private long messages = 0;
    private boolean persistent = true;
    private Durability durability = Durability.ARCHIVED;
    private Transport transport = Transport.UDP;
    private ClientApi api = ClientApi.PULSAR;
    private Profile profile = Profile.DEFAULT;
    private String serviceUrl;
    private String aeronDirectoryName;
    private boolean rawAeronBaseline;
    private boolean rawAeronBestBaseline;
    private File summaryJson;
    private File outDir = new File("perf-results");
    private String topicPrefix = "perf";
    private final long pacerSpinThresholdNs = PerfConfiguration.pacerSpinThresholdNs();
    private final long pacerParkThresholdNs = PerfConfiguration.pacerParkThresholdNs();
    private final long drainTimeoutNs = PerfConfiguration.drainTimeoutNs();
    private final long operationTimeoutNs = PerfConfiguration.operationTimeoutNs();
    private final IdleTopicsConfig idleTopics = new IdleTopicsConfig();
    private final BurstConfig burst = new BurstConfig();
    private final BatchingConfig batching = new BatchingConfig();
    private final BrokerDefaults brokerDefaults = new BrokerDefaults();
    private final SubscriptionConfig subscriptions = new SubscriptionConfig();

    /**
     * Validate the settings and fill in the defaults that depend on the workload.
     *
     * @return this for a fluent API.
     * @throws ConfigurationException naming the setting that is wrong.
     */
    public PerfConfig conclude()
    {
        if (RATE_UNSET == rate)
        {
            rate = workload == Workload.PINGPONG || workload == Workload.CONSUME ? 0 : PerfConfiguration.RATE_DEFAULT;
        }
        if (rate < 0)
        {
            throw new ConfigurationException("rate must be 0 (as fast as possible) or positive: " + rate);
        }
        if (size < PerfConfiguration.MIN_SIZE || size > PerfConfiguration.MAX_SIZE)
        {
            throw new ConfigurationException("size must be " + PerfConfiguration.MIN_SIZE + ".." +
                PerfConfiguration.MAX_SIZE + " bytes (the first 8 bytes carry the send time): " + size);
        }
        checkCount("topics", topics);
        checkCount("producers", producers);
        checkCount("consumers", consumers);
        if ((long)topics * (producers + consumers) > PerfConfiguration.MAX_THREADS)
        {
            throw new ConfigurationException("topics x (producers + consumers) must be at most " +
                PerfConfiguration.MAX_THREADS + " threads: " + topics + " x (" + producers + " + " + consumers + ")");
        }
        if (workload == Workload.PINGPONG && (topics != 1 || producers != 1 || consumers != 1))
        {
            throw new ConfigurationException(
                "pingpong runs one closed loop: topics, producers and consumers must be 1");
        }
        if (durationSeconds < 1)
        {
            throw new ConfigurationException("duration must be at least 1 second: " + durationSeconds);
        }
        if (warmupSeconds < 0)
        {
            throw new ConfigurationException("warmup must not be negative: " + warmupSeconds);
        }
        if (messages < 0)
        {
            throw new ConfigurationException("messages must not be negative: " + messages);
        }
        if (null != serviceUrl)
        {
            final String url = serviceUrl.trim().toLowerCase(Locale.ROOT);
            final Transport urlTransport;
            if (url.startsWith("magnetar+ipc://"))
            {
                urlTransport = Transport.IPC;
            }
            else if (url.startsWith("magnetar://"))
            {
                urlTransport = Transport.UDP;
            }
            else
            {
                throw new ConfigurationException(
                    "service URL must be magnetar://host:port (UDP) or magnetar+ipc:// (IPC): " + serviceUrl);
            }
            if (urlTransport != transport)
            {
                throw new ConfigurationException("service URL " + serviceUrl + " is " + urlTransport.cliName() +
                    " but the transport is " + transport.cliName());
            }
        }
        else
        {
            if (null != aeronDirectoryName)
            {
                throw new ConfigurationException("the Aeron directory applies only to a running broker (-u)");
            }
            if (workload == Workload.CONSUME)
            {
                throw new ConfigurationException("consume reads existing topics of a running broker: give its " +
                    "service URL with -u (and feed it, e.g. with `perf produce -u URL` in another terminal)");
            }
        }
        if (workload == Workload.CONSUME && (rawAeronBaseline || rawAeronBestBaseline))
        {
            throw new ConfigurationException("consume has no raw Aeron baseline: it reads a running broker's topics");
        }
        if (null == outDir)
        {
            throw new ConfigurationException("output directory must be set");
        }
        if (null == topicPrefix || topicPrefix.isBlank() || topicPrefix.contains("/"))
        {
            throw new ConfigurationException("topic prefix must be a non-empty name without '/': " + topicPrefix);
        }
        subscriptions.conclude();
        if (pacerSpinThresholdNs < 0 || pacerParkThresholdNs < pacerSpinThresholdNs)
        {
            throw new ConfigurationException("pacer thresholds must satisfy 0 <= spin <= park: spin=" +
                pacerSpinThresholdNs + "ns park=" + pacerParkThresholdNs + "ns");
        }
        if (drainTimeoutNs <= 0 || operationTimeoutNs <= 0)
        {
            throw new ConfigurationException("drain and operation timeouts must be positive");
        }
        if (null != serviceUrl && brokerDefaults.isSet())
        {
            throw new ConfigurationException("retention time and message TTL apply to the embedded broker only");
        }
        idleTopics.conclude(this);
        burst.conclude(this);
        batching.conclude();

        return this;
    }

    private static void checkCount(final String name, final int value)
    {
        if (value < 1 || value > PerfConfiguration.MAX_COUNT)
        {
            throw new ConfigurationException(name + " must be 1.." + PerfConfiguration.MAX_COUNT + ": " + value);
        }
    }

    /**
     * Name of a result, used for the {@code .hgrm} and {@code .hlog} files: workload, persistence (and the fsync
     * level), transport, profile and side, e.g. {@code e2e-persistent-udp-default-broker}.
     *
     * @param side {@code broker} or {@code raw-aeron}.
     * @return the name.
     */
    public String resultName(final String side)
    {
        return workload.cliName() + "-" + (persistent ? "persistent" : "non-persistent") +
            (durability == Durability.FSYNC ? "-fsync" : "") + "-" + transport.cliName() + "-" +
            profile.cliName() + "-" + side;
    }

    /**
     * Full name of a topic of this run.
     *
     * @param suffix after the prefix, e.g. {@code 0} or {@code ping}.
     * @return e.g. {@code persistent://public/default/perf-0}.
     */
    public String topicName(final String suffix)
    {
        return (persistent ? "persistent" : "non-persistent") + "://public/default/" + topicPrefix + "-" + suffix;
    }

    /**
     * @param workload to run.
     * @return this for a fluent API.
     */
    public PerfConfig workload(final Workload workload)
    {
        this.workload = workload;
        return this;
    }

    /**
     * @return workload to run.
     */
    public Workload workload()
    {
        return workload;
    }

    /**
     * @param rate total messages per second; 0 sends as fast as possible; {@link #RATE_UNSET} for the default.
     * @return this for a fluent API.
     */
    public PerfConfig rate(final long rate)
    {
        this.rate = rate;
        return this;
    }

    /**
     * @return total messages per second; 0 sends as fast as possible.
     */
    public long rate()
    {
        return rate;
    }

    /**
     * @param size payload bytes.
     * @return this for a fluent API.
     */
    public PerfConfig size(final int size)
    {
        this.size = size;
        return this;
    }

    /**
     * @return payload bytes.
     */
    public int size()
    {
        return size;
    }

    /**
     * @param topics number of topics.
     * @return this for a fluent API.
     */
    public PerfConfig topics(final int topics)
    {
        this.topics = topics;
        return this;
    }

    /**
     * @return number of topics.
     */
    public int topics()
    {
        return topics;
    }

    /**
     * @param producers per topic.
     * @return this for a fluent API.
     */
    public PerfConfig producers(final int producers)
    {
        this.producers = producers;
        return this;
    }

    /**
     * @return producers per topic.
     */
    public int producers()
    {
        return producers;
    }

    /**
     * @param consumers per topic, each on its own exclusive subscription.
     * @return this for a fluent API.
     */
    public PerfConfig consumers(final int consumers)
    {
        this.consumers = consumers;
        return this;
    }

    /**
     * @return consumers per topic.
     */
    public int consumers()
    {
        return consumers;
    }

    /**
     * @param durationSeconds measured seconds (ignored when a message count is set).
     * @return this for a fluent API.
     */
    public PerfConfig durationSeconds(final int durationSeconds)
    {
        this.durationSeconds = durationSeconds;
        return this;
    }

    /**
     * @return measured seconds.
     */
    public int durationSeconds()
    {
        return durationSeconds;
    }

    /**
     * @param warmupSeconds seconds run before measuring.
     * @return this for a fluent API.
     */
    public PerfConfig warmupSeconds(final int warmupSeconds)
    {
        this.warmupSeconds = warmupSeconds;
        return this;
    }

    /**
     * @return seconds run before measuring.
     */
    public int warmupSeconds()
    {
        return warmupSeconds;
    }

    /**
     * @param messages measured messages after which the run stops instead of after the duration; 0 for none.
     * @return this for a fluent API.
     */
    public PerfConfig messages(final long messages)
    {
        this.messages = messages;
        return this;
    }

    /**
     * @return measured messages after which the run stops, or 0 to run for the duration.
     */
    public long messages()
    {
        return messages;
    }

    /**
     * @param persistent true for persistent topics, false for non-persistent ones.
     * @return this for a fluent API.
     */
    public PerfConfig persistent(final boolean persistent)
    {
        this.persistent = persistent;
        return this;
    }

    /**
     * @return true for persistent topics.
     */
    public boolean persistent()
    {
        return persistent;
    }

    /**
     * @param durability of the embedded broker (or the level a running broker is known to use).
     * @return this for a fluent API.
     */
    public PerfConfig durability(final Durability durability)
    {
        this.durability = durability;
        return this;
    }

    /**
     * @return durability level.
     */
    public Durability durability()
    {
        return durability;
    }

    /**
     * @param api shape of the client API the broker run's workers use.
     * @return this for a fluent API.
     */
    public PerfConfig api(final ClientApi api)
    {
        this.api = api;
        return this;
    }

    /**
     * @return shape of the client API the broker run's workers use.
     */
    public ClientApi api()
    {
        return api;
    }

    /**
     * @param transport between clients and broker.
     * @return this for a fluent API.
     */
    public PerfConfig transport(final Transport transport)
    {
        this.transport = transport;
        return this;
    }

    /**
     * @return transport between clients and broker.
     */
    public Transport transport()
    {
        return transport;
    }

    /**
     * @param profile of the embedded broker (or the profile a running broker is known to use); it also picks the
     *                idle strategy of the baseline's relay.
     * @return this for a fluent API.
     */
    public PerfConfig profile(final Profile profile)
    {
        this.profile = profile;
        return this;
    }

    /**
     * @return threading profile.
     */
    public Profile profile()
    {
        return profile;
    }

    /**
     * @param serviceUrl of a running broker, or null to start an embedded one.
     * @return this for a fluent API.
     */
    public PerfConfig serviceUrl(final String serviceUrl)
    {
        this.serviceUrl = serviceUrl;
        return this;
    }

    /**
     * @return service URL of a running broker, or null for an embedded one.
     */
    public String serviceUrl()
    {
        return serviceUrl;
    }

    /**
     * @param aeronDirectoryName media driver directory the clients use with a running broker, or null.
     * @return this for a fluent API.
     */
    public PerfConfig aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    /**
     * @return media driver directory the clients use with a running broker, or null.
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * @param rawAeronBaseline run the same workload over raw Aeron after the broker run.
     * @return this for a fluent API.
     */
    public PerfConfig rawAeronBaseline(final boolean rawAeronBaseline)
    {
        this.rawAeronBaseline = rawAeronBaseline;
        return this;
    }

    /**
     * @return true to run the raw Aeron baseline.
     */
    public boolean rawAeronBaseline()
    {
        return rawAeronBaseline;
    }

    /**
     * @param rawAeronBestBaseline run the same workload over raw Aeron with the fastest idle strategies this box
     *                             allows, after the broker run (and the same-config baseline, if asked).
     * @return this for a fluent API.
     */
    public PerfConfig rawAeronBestBaseline(final boolean rawAeronBestBaseline)
    {
        this.rawAeronBestBaseline = rawAeronBestBaseline;
        return this;
    }

    /**
     * @return true to run the best raw Aeron baseline.
     */
    public boolean rawAeronBestBaseline()
    {
        return rawAeronBestBaseline;
    }

    /**
     * @param summaryJson file for the JSON summary, or null for none.
     * @return this for a fluent API.
     */
    public PerfConfig summaryJson(final File summaryJson)
    {
        this.summaryJson = summaryJson;
        return this;
    }

    /**
     * @return file for the JSON summary, or null.
     */
    public File summaryJson()
    {
        return summaryJson;
    }

    /**
     * @param outDir directory of the {@code .hgrm} and {@code .hlog} files.
     * @return this for a fluent API.
     */
    public PerfConfig outDir(final File outDir)
    {
        this.outDir = outDir;
        return this;
    }

    /**
     * @return directory of the {@code .hgrm} and {@code .hlog} files.
     */
    public File outDir()
    {
        return outDir;
    }

    /**
     * @param topicPrefix local name prefix of the topics.
     * @return this for a fluent API.
     */
    public PerfConfig topicPrefix(final String topicPrefix)
    {
        this.topicPrefix = topicPrefix;
        return this;
    }

    /**
     * @return local name prefix of the topics.
     */
    public String topicPrefix()
    {
        return topicPrefix;
    }

    /**
     * @return the consumers' subscriptions: type, name and initial position.
     */
    public SubscriptionConfig subscriptions()
    {
        return subscriptions;
    }

    /**
     * @return a pacer spins when its deadline is closer than this, in nanoseconds.
     */
    public long pacerSpinThresholdNs()
    {
        return pacerSpinThresholdNs;
    }

    /**
     * @return a pacer parks until this much before its deadline, in nanoseconds.
     */
    public long pacerParkThresholdNs()
    {
        return pacerParkThresholdNs;
    }

    /**
     * @return how long to wait for messages in flight after the last send, in nanoseconds.
     */
    public long drainTimeoutNs()
    {
        return drainTimeoutNs;
    }

    /**
     * @return bound on each client operation, in nanoseconds.
     */
    public long operationTimeoutNs()
    {
        return operationTimeoutNs;
    }

    /**
     * @return the idle topics created before the measured run; set them through this object.
     */
    public IdleTopicsConfig idleTopics()
    {
        return idleTopics;
    }

    /**
     * @return the fairness workload's burst settings.
     */
    public BurstConfig burst()
    {
        return burst;
    }

    /**
     * @return how the broker run's producers batch and compress.
     */
    public BatchingConfig batching()
    {
        return batching;
    }

    /**
     * @return the namespace defaults of the embedded broker; set them through this object.
     */
    public BrokerDefaults brokerDefaults()
    {
        return brokerDefaults;
    }

    /**
     * Term length for the clients' publications and the baseline's channels: 4 MiB, as the tests use.
     *
     * @return term length in bytes.
     */
    public int termLength()
    {
        return 4 * 1024 * 1024;
    }
}

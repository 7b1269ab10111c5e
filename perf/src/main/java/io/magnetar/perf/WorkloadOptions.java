package io.magnetar.perf;

import io.aeron.exceptions.ConfigurationException;
import io.magnetar.broker.policy.Durations;
import io.magnetar.client.CompressionType;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.SubscriptionType;
import io.magnetar.mediadriver.Durability;
import io.magnetar.mediadriver.Profile;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.File;
import java.util.List;

/**
 * Options shared by {@code perf produce | consume | e2e | pingpong}; {@link #toConfig(Workload, CommandSpec)} turns
 * them into a validated {@link PerfConfig} or rejects them with a clear message.
 */
final class WorkloadOptions
{
    /** The floor with the broker run's idle strategies. */
    static final String RAW_AERON = "raw-aeron";
    /** The floor with the fastest idle strategies this box allows. */
    static final String RAW_AERON_BEST = "raw-aeron-best";

    @Option(names = { "-r", "--rate" }, paramLabel = "MSG/S",
        description = "Total messages per second over all producers; 0 sends as fast as possible (no " +
            "coordinated-omission correction: read it as throughput). Default: 10000 for produce and e2e, " +
            "0 (closed loop, unpaced) for pingpong.")
    Long rate;

    @Option(names = { "-s", "--size" }, paramLabel = "BYTES",
        description = "Payload bytes, 16..262144 (the first 8 carry the intended send time). " +
            "Default: ${DEFAULT-VALUE}")
    int size = 100;

    @Option(names = "--topics", paramLabel = "N", description = "Number of topics. Default: ${DEFAULT-VALUE}")
    int topics = 1;

    @Option(names = "--producers", paramLabel = "N", description = "Producers per topic. Default: ${DEFAULT-VALUE}")
    int producers = 1;

    @Option(names = "--consumers", paramLabel = "N",
        description = "Consumers per topic: each on its own exclusive subscription (each gets every message), or all " +
            "on one shared or failover subscription with --subscription-type. Default: ${DEFAULT-VALUE}")
    int consumers = 1;

    @Option(names = { "-st", "--subscription-type" }, paramLabel = "TYPE",
        description = "exclusive (each consumer its own subscription), shared or failover (one subscription for " +
            "the consumers of a topic), as pulsar-perf's -st. Default: exclusive")
    String subscriptionType = "exclusive";

    @Option(names = { "-d", "--duration" }, paramLabel = "SECONDS",
        description = "Measured seconds. Default: ${DEFAULT-VALUE}")
    int duration = 15;

    @Option(names = "--warmup", paramLabel = "SECONDS",
        description = "Seconds run before measuring. Default: ${DEFAULT-VALUE}")
    int warmup = 5;

    @Option(names = { "-n", "--messages" }, paramLabel = "N",
        description = "Stop after N measured messages (sent messages; for consume, received) instead of after " +
            "the duration.")
    Long messages;

    @Option(names = "--batching", description = "The broker run's producers batch (pulsar-perf batches by " +
        "default; magnetar's producers do not). The raw Aeron baseline sends each message as it is.")
    boolean batching;

    @Option(names = "--batch-time-window", paramLabel = "MS",
        description = "With --batching: most milliseconds a batch waits. Default: ${DEFAULT-VALUE}")
    double batchTimeWindowMs = 1;

    @Option(names = "--batch-max-messages", paramLabel = "N",
        description = "With --batching: most messages a batch. Default: ${DEFAULT-VALUE}")
    int batchMaxMessages = 1000;

    @Option(names = "--batch-max-bytes", paramLabel = "BYTES",
        description = "With --batching: most bytes a batch. Default: ${DEFAULT-VALUE}")
    int batchMaxBytes = 128 * 1024;

    @Option(names = "--acks-delay-millis", paramLabel = "MS",
        description = "The broker run's consumers group their acks for up to this long (pulsar-perf's option; its " +
            "default is 100). Default: 0, each ack at once")
    double acksDelayMillis;

    @Option(names = { "-z", "--compression" }, paramLabel = "CODEC",
        description = "The broker run's producers compress: none, lz4, zlib, zstd or snappy. Default: none")
    String compression = "none";

    @Option(names = "--persistent", description = "Persistent topics (the default).")
    boolean persistent;

    @Option(names = "--non-persistent", description = "Non-persistent topics.")
    boolean nonPersistent;

    @Option(names = "--durability", paramLabel = "archived|fsync",
        description = "Durability level of the embedded broker (with -u: the level the running broker uses, " +
            "used in names only). Default: ${DEFAULT-VALUE}")
    String durability = "archived";

    @Option(names = "--transport", paramLabel = "udp|ipc",
        description = "Client transport, and the baseline's. Default: udp, or what -u says.")
    String transport;

    @Option(names = "--api", paramLabel = "pulsar|aeron",
        description = "Client API of the broker run: pulsar (sendAsync with futures, receive of Message objects) or " +
            "aeron (offer from a buffer with receipts to a handler, poll with a flyweight; no allocation per " +
            "message). Default: ${DEFAULT-VALUE}")
    String api = "pulsar";

    @Option(names = "--profile", paramLabel = "default|low-latency|one-thread",
        description = "Threading profile of the embedded broker (with -u: the profile the running broker uses); " +
            "it also sets the baseline relay's idle strategy. Default: ${DEFAULT-VALUE}")
    String profile = "default";

    @Option(names = { "-u", "--service-url" }, paramLabel = "URL",
        description = "Target a running broker (magnetar://host:port or magnetar+ipc://) instead of starting an " +
            "embedded one.")
    String serviceUrl;

    @Option(names = "--aeron-dir", paramLabel = "DIR",
        description = "With -u: the media driver directory the client uses (for IPC, the broker's).")
    String aeronDir;

    @Option(names = "--baseline", paramLabel = "raw-aeron[,raw-aeron-best]", split = ",",
        description = "After the broker run, run the same workload over raw Aeron (no broker, same transport and " +
            "topology) and print the ratios: raw-aeron with the broker run's idle strategies, raw-aeron-best with " +
            "the fastest this box allows (every thread yields); both may be given, and then the best floor is the " +
            "lower of the two at each percentile.")
    List<String> baseline;

    @Option(names = "--summary-json", paramLabel = "FILE", description = "Write the final figures as JSON.")
    File summaryJson;

    @Option(names = "--out-dir", paramLabel = "DIR",
        description = "Directory for the .hgrm and .hlog files. Default: ${DEFAULT-VALUE}")
    File outDir = new File("perf-results");

    @Option(names = "--topic-prefix", paramLabel = "NAME",
        description = "Topics are <persistence>://public/default/NAME-<i> (pingpong: NAME-ping, NAME-pong). " +
            "Default: ${DEFAULT-VALUE}")
    String topicPrefix = "perf";

    @Option(names = "--subscription", paramLabel = "NAME",
        description = "Consumer c subscribes as NAME-<c>. Default: ${DEFAULT-VALUE}")
    String subscription = "perf-sub";

    @Option(names = { "-p", "--subscription-position" }, paramLabel = "latest|earliest",
        description = "Where a new subscription starts. Default: ${DEFAULT-VALUE}")
    String position = "latest";

    @Option(names = "--burst", paramLabel = "N",
        description = "e2e at a fixed rate: halfway through the measured window a second client sends N messages to " +
            "a topic of its own as fast as its flow limits allow; reports the paced client's latency before the " +
            "burst and during it. Default: none")
    int burst;

    @Option(names = "--idle-topics", paramLabel = "N",
        description = "e2e: before the measured run, create N idle persistent topics on the embedded broker, each " +
            "given one message; reports the heap per idle topic and the set-up time. Default: none")
    int idleTopics;

    @Option(names = "--idle-subscriptions", paramLabel = "K",
        description = "Subscriptions of each idle topic (at the latest position), 0.." +
            IdleTopicsConfig.MAX_SUBSCRIPTIONS + ". Default: 1 with --idle-topics")
    Integer idleSubscriptions;

    @Option(names = "--idle-consumers",
        description = "Keep a consumer with permits connected on each idle subscription through the measured run.")
    boolean idleConsumers;

    @Option(names = "--idle-restart",
        description = "After the idle set-up, stop the embedded broker and start it again on the same data; reports " +
            "the restart time and the heap per idle topic after it.")
    boolean idleRestart;

    @Option(names = "--retention-time", paramLabel = "DURATION",
        description = "Embedded broker's default retention time: seconds (e.g. 3600) or a duration (30s, 10m, 2h, " +
            "1d, 2w); -1 keeps everything. Default: the broker's (magnetar.retention.time)")
    String retentionTime;

    @Option(names = "--message-ttl", paramLabel = "DURATION",
        description = "Embedded broker's default message TTL: seconds (e.g. 600) or a duration; -1 for none. " +
            "Default: the broker's (magnetar.message.ttl)")
    String messageTtl;

    /**
     * Validate the options for a workload.
     *
     * @param workload to run.
     * @param spec     of the command, for its parse result and error messages.
     * @return the concluded settings.
     * @throws ParameterException with a message for the user when an option is wrong or does not apply.
     */
    PerfConfig toConfig(final Workload workload, final CommandSpec spec)
    {
        final ParseResult parsed = spec.commandLine().getParseResult();
        if (!batching && (parsed.hasMatchedOption("--batch-time-window") ||
            parsed.hasMatchedOption("--batch-max-messages") || parsed.hasMatchedOption("--batch-max-bytes")))
        {
            throw error(spec, "--batch-time-window, --batch-max-messages and --batch-max-bytes need --batching");
        }
        final CompressionType compressionType;
        try
        {
            compressionType = CompressionType.valueOf(compression.trim().toUpperCase(java.util.Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw error(spec, "unknown compression '" + compression + "': none, lz4, zlib, zstd or snappy");
        }
        if (persistent && nonPersistent)
        {
            throw error(spec, "give either --persistent or --non-persistent, not both");
        }
        if (null != messages && parsed.hasMatchedOption("--duration"))
        {
            throw error(spec, "give either -d/--duration or -n/--messages, not both");
        }
        if (null != baseline)
        {
            for (final String name : baseline)
            {
                if (!RAW_AERON.equals(name) && !RAW_AERON_BEST.equals(name))
                {
                    throw error(spec, "unknown baseline '" + name + "': the baselines are " + RAW_AERON + " and " +
                        RAW_AERON_BEST);
                }
            }
        }
        switch (workload)
        {
            case PRODUCE:
                rejectIfGiven(spec, parsed, workload, "--consumers", "--subscription", "--subscription-position");
                break;
            case CONSUME:
                rejectIfGiven(spec, parsed, workload, "--rate", "--size", "--producers", "--baseline");
                break;
            default:
                break;
        }
        if (workload == Workload.PINGPONG && "aeron".equalsIgnoreCase(api.trim()))
        {
            throw error(spec, "--api aeron does not apply to pingpong (its workers use the pulsar API)");
        }
        if (workload != Workload.E2E)
        {
            rejectIfGiven(spec, parsed, workload, "--idle-topics", "--idle-subscriptions", "--idle-consumers",
                "--idle-restart");
        }

        final PerfConfig config = new PerfConfig()
            .workload(workload)
            .rate(null == rate ? PerfConfig.RATE_UNSET : rate)
            .size(size)
            .topics(topics)
            .producers(producers)
            .consumers(workload == Workload.PRODUCE ? 1 : consumers)
            .durationSeconds(duration)
            .warmupSeconds(warmup)
            .messages(null == messages ? 0 : messages)
            .persistent(!nonPersistent)
            .serviceUrl(serviceUrl)
            .aeronDirectoryName(aeronDir)
            .rawAeronBaseline(null != baseline && baseline.contains(RAW_AERON))
            .rawAeronBestBaseline(null != baseline && baseline.contains(RAW_AERON_BEST))
            .summaryJson(summaryJson)
            .outDir(outDir)
            .topicPrefix(topicPrefix);
        config.subscriptions().type(subscriptionType(spec)).name(subscription);
        if (null != messages && messages < 1)
        {
            throw error(spec, "-n/--messages must be at least 1: " + messages);
        }

        try
        {
            config.durability(Durability.parse(durability))
                .profile(Profile.parse(profile))
                .transport(null != transport ? Transport.parse(transport) : transportOf(serviceUrl))
                .api(ClientApi.parse(api));
            config.subscriptions().initialPosition(parsePosition(position));
            config.burst().messages(burst);
            config.batching().enabled(batching).timeWindowMs(batchTimeWindowMs).maxMessages(batchMaxMessages)
                .maxBytes(batchMaxBytes).compression(compressionType).acksDelayMs(acksDelayMillis);
            config.idleTopics()
                .topics(idleTopics)
                .subscriptionsPerTopic(null == idleSubscriptions ?
                    IdleTopicsConfig.SUBSCRIPTIONS_UNSET : idleSubscriptions)
                .consumers(idleConsumers)
                .restart(idleRestart);
            if (null != retentionTime)
            {
                config.brokerDefaults().retentionTimeMs(Durations.toMillisOrOff("--retention-time", retentionTime));
            }
            if (null != messageTtl)
            {
                config.brokerDefaults().messageTtlMs(Durations.toMillisOrOff("--message-ttl", messageTtl));
            }

            return config.conclude();
        }
        catch (final IllegalArgumentException ex)
        {
            throw error(spec, ex.getMessage());
        }
        catch (final ConfigurationException ex)
        {
            final String message = ex.getMessage();
            final String prefix = ex.category().name() + " - ";
            throw error(spec, message.startsWith(prefix) ? message.substring(prefix.length()) : message);
        }
    }

    private static Transport transportOf(final String serviceUrl)
    {
        return null != serviceUrl && serviceUrl.trim().toLowerCase().startsWith("magnetar+ipc:") ?
            Transport.IPC : Transport.UDP;
    }

    private static InitialPosition parsePosition(final String position)
    {
        switch (position.trim().toLowerCase())
        {
            case "latest":
                return InitialPosition.LATEST;
            case "earliest":
                return InitialPosition.EARLIEST;
            default:
                throw new IllegalArgumentException(
                    "unknown subscription position '" + position + "': expected latest or earliest");
        }
    }

    private static void rejectIfGiven(
        final CommandSpec spec, final ParseResult parsed, final Workload workload, final String... optionNames)
    {
        for (final String name : optionNames)
        {
            if (parsed.hasMatchedOption(name))
            {
                throw error(spec, name + " does not apply to " + workload.cliName());
            }
        }
    }

    private static ParameterException error(final CommandSpec spec, final String message)
    {
        return new ParameterException(spec.commandLine(), message);
    }

    private SubscriptionType subscriptionType(final CommandSpec spec)
    {
        switch (subscriptionType.toLowerCase())
        {
            case "exclusive":
                return SubscriptionType.EXCLUSIVE;
            case "shared":
                return SubscriptionType.SHARED;
            case "failover":
                return SubscriptionType.FAILOVER;
            default:
                throw new ParameterException(spec.commandLine(),
                    "--subscription-type must be exclusive, shared or failover, not " + subscriptionType);
        }
    }
}

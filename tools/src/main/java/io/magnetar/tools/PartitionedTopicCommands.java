package io.magnetar.tools;

import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * {@code magnetar topics create-partitioned-topic | update-partitioned-topic | get-partitioned-topic-metadata}, as
 * pulsar-admin has them.
 */
final class PartitionedTopicCommands
{
    private PartitionedTopicCommands()
    {
    }

    /**
     * The topic and partition count the create and update commands share.
     */
    abstract static class WithPartitions
    {
        @Parameters(index = "0", description = "Topic, e.g. persistent://public/default/orders")
        String topic;

        @Option(names = { "-p", "--partitions" }, required = true, description = "Number of partitions.")
        int partitions;

        @Mixin
        ClientOptions clientOptions;
    }

    /**
     * {@code magnetar topics create-partitioned-topic TOPIC -p N}.
     */
    @Command(
        name = "create-partitioned-topic",
        mixinStandardHelpOptions = true,
        description = "Create a partitioned topic of N partitions (TOPIC-partition-0 .. N-1).")
    static final class Create extends WithPartitions implements Callable<Integer>
    {
        public Integer call()
        {
            return run("create-partitioned-topic", clientOptions, (client) ->
                client.admin().topics().createPartitionedTopic(topic, partitions));
        }
    }

    /**
     * {@code magnetar topics update-partitioned-topic TOPIC -p N}.
     */
    @Command(
        name = "update-partitioned-topic",
        mixinStandardHelpOptions = true,
        description = "Raise the partition count of a partitioned topic; running clients pick the new partitions up.")
    static final class Update extends WithPartitions implements Callable<Integer>
    {
        public Integer call()
        {
            return run("update-partitioned-topic", clientOptions, (client) ->
                client.admin().topics().updatePartitionedTopic(topic, partitions));
        }
    }

    /**
     * {@code magnetar topics get-partitioned-topic-metadata TOPIC}.
     */
    @Command(
        name = "get-partitioned-topic-metadata",
        mixinStandardHelpOptions = true,
        description = "Print a topic's partition count as JSON, {\"partitions\":N}; 0 if it is not partitioned.")
    static final class Get implements Callable<Integer>
    {
        @Parameters(index = "0", description = "Topic, e.g. persistent://public/default/orders")
        String topic;

        @Mixin
        ClientOptions clientOptions;

        public Integer call()
        {
            return run("get-partitioned-topic-metadata", clientOptions, (client) ->
                System.out.println(client.admin().topics().getPartitionedTopicMetadata(topic)));
        }
    }

    /**
     * {@code magnetar topics partitioned-stats-internal TOPIC}.
     */
    @Command(
        name = "partitioned-stats-internal",
        mixinStandardHelpOptions = true,
        description = "Print the internal storage state of every partition of a partitioned topic as JSON, with " +
            "entries and bytes summed.")
    static final class StatsInternal implements Callable<Integer>
    {
        @Parameters(index = "0", description = "Topic, e.g. persistent://public/default/orders")
        String topic;

        @Mixin
        ClientOptions clientOptions;

        public Integer call()
        {
            return run("partitioned-stats-internal", clientOptions, (client) ->
                System.out.println(client.admin().topics().getPartitionedInternalStats(topic).toJson()));
        }
    }

    /**
     * An admin call on a connected client.
     */
    @FunctionalInterface
    interface AdminCall
    {
        void run(MagnetarClient client) throws MagnetarClientException;
    }

    private static int run(final String name, final ClientOptions clientOptions, final AdminCall call)
    {
        try (MagnetarClient client = clientOptions.connect("magnetar-admin"))
        {
            call.run(client);
            return 0;
        }
        catch (final MagnetarClientException ex)
        {
            System.err.println(name + " failed: " + ex.getMessage());
            return 1;
        }
    }
}

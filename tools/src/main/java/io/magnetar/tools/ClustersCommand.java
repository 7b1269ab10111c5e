package io.magnetar.tools;

import io.magnetar.client.admin.ClusterData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code magnetar clusters ...}: cluster administration over the admin API, as {@code pulsar-admin clusters}.
 */
@Command(
    name = "clusters",
    mixinStandardHelpOptions = true,
    description = "Cluster administration: list, get, create, update and delete clusters.",
    subcommands = {
        ClustersCommand.ListClusters.class,
        ClustersCommand.Get.class,
        ClustersCommand.Create.class,
        ClustersCommand.Update.class,
        ClustersCommand.Delete.class
    })
final class ClustersCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    /**
     * Without a sub-command: say which are there and fail.
     *
     * @return exit code 2.
     */
    public Integer call()
    {
        return MagnetarTool.missingSubcommand(spec, "list");
    }

    /**
     * A cluster's URLs as {@code pulsar-admin clusters create} takes them.
     */
    static final class ClusterOptions
    {
        @Option(names = "--url", description = "HTTP URL of the cluster's admin API.")
        String url;

        @Option(names = "--broker-url", description = "Service URL of the cluster's brokers, magnetar://host:port.")
        String brokerUrl;

        @Option(names = "--replication-endpoint", description = "Where geo-replication reaches the cluster.")
        String replicationEndpoint;

        ClusterData data()
        {
            return new ClusterData(url, brokerUrl, replicationEndpoint);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the clusters, one per line.")
    static final class ListClusters implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        public Integer call()
        {
            return options.run("clusters list", (admin) -> String.join("\n", admin.clusters().getClusters()));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print a cluster's URLs as JSON.")
    static final class Get implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "CLUSTER", description = "Cluster name.")
        String cluster;

        public Integer call()
        {
            return options.run("clusters get", (admin) -> admin.clusters().getCluster(cluster));
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a cluster.")
    static final class Create implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Mixin
        ClusterOptions cluster;

        @Parameters(index = "0", paramLabel = "CLUSTER", description = "Cluster name.")
        String name;

        public Integer call()
        {
            return options.run("clusters create", (admin) ->
            {
                admin.clusters().createCluster(name, cluster.data());
                return null;
            });
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Replace a cluster's URLs.")
    static final class Update implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Mixin
        ClusterOptions cluster;

        @Parameters(index = "0", paramLabel = "CLUSTER", description = "Cluster name.")
        String name;

        public Integer call()
        {
            return options.run("clusters update", (admin) ->
            {
                admin.clusters().updateCluster(name, cluster.data());
                return null;
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete a cluster; refused while a tenant allows it, and for the broker's own.")
    static final class Delete implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "CLUSTER", description = "Cluster name.")
        String cluster;

        public Integer call()
        {
            return options.run("clusters delete", (admin) ->
            {
                admin.clusters().deleteCluster(cluster);
                return null;
            });
        }
    }
}

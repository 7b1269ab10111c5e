package io.magnetar.tools;

import io.magnetar.client.NamespacePolicyUpdate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code namespaces set-max-producers-per-topic}, {@code set-max-consumers-per-topic},
 * {@code set-max-consumers-per-subscription} and {@code remove-limits}, as {@code pulsar-admin namespaces} has the
 * first three: each prints the namespace's policies after the change.
 */
final class NamespaceLimitCommands
{
    private NamespaceLimitCommands()
    {
    }

    @Command(name = "set-max-producers-per-topic", mixinStandardHelpOptions = true,
        description = "Limit the producers a topic of the namespace takes at once (0: no limit).")
    static final class MaxProducersPerTopic extends NamespacesCommand.NamespaceCommand
    {
        @Option(names = { "-p", "--max-producers-per-topic" }, required = true, description = "Most producers.")
        long max;

        NamespacesCommand.NamespaceRequest request()
        {
            final NamespacePolicyUpdate update = new NamespacePolicyUpdate().maxProducersPerTopic(max);
            return (namespaces, namespace) -> namespaces.updatePolicies(namespace, update);
        }
    }

    @Command(name = "set-max-consumers-per-topic", mixinStandardHelpOptions = true,
        description = "Limit the consumers over all of a topic's subscriptions (0: no limit).")
    static final class MaxConsumersPerTopic extends NamespacesCommand.NamespaceCommand
    {
        @Option(names = { "-c", "--max-consumers-per-topic" }, required = true, description = "Most consumers.")
        long max;

        NamespacesCommand.NamespaceRequest request()
        {
            final NamespacePolicyUpdate update = new NamespacePolicyUpdate().maxConsumersPerTopic(max);
            return (namespaces, namespace) -> namespaces.updatePolicies(namespace, update);
        }
    }

    @Command(name = "set-max-consumers-per-subscription", mixinStandardHelpOptions = true,
        description = "Limit the consumers of one subscription (0: no limit).")
    static final class MaxConsumersPerSubscription extends NamespacesCommand.NamespaceCommand
    {
        @Option(names = { "-c", "--max-consumers-per-subscription" }, required = true,
            description = "Most consumers.")
        long max;

        NamespacesCommand.NamespaceRequest request()
        {
            final NamespacePolicyUpdate update = new NamespacePolicyUpdate().maxConsumersPerSubscription(max);
            return (namespaces, namespace) -> namespaces.updatePolicies(namespace, update);
        }
    }

    @Command(name = "remove-limits", mixinStandardHelpOptions = true,
        description = "Remove the namespace's producer and consumer limits.")
    static final class RemoveLimits extends NamespacesCommand.NamespaceCommand
    {
        NamespacesCommand.NamespaceRequest request()
        {
            final NamespacePolicyUpdate update = new NamespacePolicyUpdate().removeLimits();
            return (namespaces, namespace) -> namespaces.updatePolicies(namespace, update);
        }
    }
}

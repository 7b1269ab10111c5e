package io.magnetar.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.magnetar.broker.policy.Durations;
import io.magnetar.broker.policy.Sizes;
import io.magnetar.client.BacklogQuotaPolicy;
import io.magnetar.client.Durability;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.NamespacePolicies;
import io.magnetar.client.NamespacePolicyUpdate;
import io.magnetar.client.Namespaces;
import io.magnetar.client.Protocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code magnetar namespaces ...}: namespace administration, as Pulsar's {@code pulsar-admin namespaces}, through the
 * client's {@link Namespaces}. Each command prints the namespace's policies as JSON, in the broker's document format:
 * {@code policies} holds the values in effect, {@code explicit} names those set on the namespace rather than taken
 * from the broker's defaults.
 */
@Command(
    name = "namespaces",
    mixinStandardHelpOptions = true,
    description = "Namespace administration: create namespaces and set their policies.",
    subcommands = {
        NamespacesCommand.ListNamespaces.class,
        NamespacesCommand.Create.class,
        NamespacesCommand.Policies.class,
        NamespacesCommand.SetRetention.class,
        NamespacesCommand.RemoveRetention.class,
        NamespacesCommand.SetMessageTtl.class,
        NamespacesCommand.RemoveMessageTtl.class,
        NamespacesCommand.SetBacklogQuota.class,
        NamespacesCommand.RemoveBacklogQuota.class,
        NamespacesCommand.SetDurability.class,
        NamespacesCommand.RemoveDurability.class,
        NamespacesCommand.SetDeduplication.class,
        NamespacesCommand.GetDeduplication.class,
        NamespacesCommand.RemoveDeduplication.class,
        NamespaceLimitCommands.MaxProducersPerTopic.class,
        NamespaceLimitCommands.MaxConsumersPerTopic.class,
        NamespaceLimitCommands.MaxConsumersPerSubscription.class,
        NamespaceLimitCommands.RemoveLimits.class,
        PermissionCommands.DeleteNamespace.class,
        PermissionCommands.GrantOnNamespace.class,
        PermissionCommands.RevokeOnNamespace.class,
        PermissionCommands.OfNamespace.class
    })
final class NamespacesCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Without a sub-command: say which are there and fail.
     *
     * @return exit code 2.
     */
    public Integer call()
    {
        return MagnetarTool.missingSubcommand(spec, "policies NAMESPACE");
    }

    /**
     * A duration as Pulsar's namespace commands take it: see {@link Durations#toMillisOrOff(String, String)}.
     *
     * @param option the value belongs to, for the error message.
     * @param value  such as {@code 10m}, {@code 600} (seconds) or {@code -1}.
     * @return milliseconds, or -1 for {@code -1}.
     * @throws IllegalArgumentException naming the option if the value is neither a duration nor -1.
     */
    static long durationMs(final String option, final String value)
    {
        return Durations.toMillisOrOff(option, value);
    }

    /**
     * A size as Pulsar's namespace commands take it: see {@link Sizes#toBytesOrUnlimited(String, String)}.
     *
     * @param option the value belongs to, for the error message.
     * @param value  such as {@code 10M}, {@code 4096} or {@code -1}.
     * @return bytes, or -1 for {@code -1}.
     * @throws IllegalArgumentException naming the option if the value is neither a size nor -1.
     */
    static long sizeBytes(final String option, final String value)
    {
        return Sizes.toBytesOrUnlimited(option, value);
    }

    /**
     * The policies as the commands print them: the broker's JSON document ({@code namespace}, {@code policies} in
     * the broker's field order, {@code explicit}, and {@code shard}, the topic shard that answered), indented.
     *
     * @param policies of a namespace.
     * @return indented JSON.
     */
    static String policiesJson(final NamespacePolicies policies)
    {
        final ObjectNode root = JSON.createObjectNode();
        root.put("namespace", policies.getNamespace());
        final ObjectNode values = root.putObject("policies");
        values.put(NamespacePolicies.Policy.DURABILITY.jsonName(), policies.getDurability().text());
        values.put(NamespacePolicies.Policy.RETENTION_TIME_MS.jsonName(), policies.getRetentionTimeMs());
        values.put(NamespacePolicies.Policy.RETENTION_SIZE_BYTES.jsonName(), policies.getRetentionSizeBytes());
        values.put(NamespacePolicies.Policy.MESSAGE_TTL_MS.jsonName(), policies.getMessageTtlMs());
        values.put(
            NamespacePolicies.Policy.BACKLOG_QUOTA_LIMIT_BYTES.jsonName(), policies.getBacklogQuotaLimitBytes());
        values.put(
            NamespacePolicies.Policy.BACKLOG_QUOTA_POLICY.jsonName(), policies.getBacklogQuotaPolicy().text());
        values.put(NamespacePolicies.Policy.DEDUPLICATION.jsonName(), policies.isDeduplicationEnabled());
        values.put(NamespacePolicies.Policy.MAX_PRODUCERS_PER_TOPIC.jsonName(), policies.getMaxProducersPerTopic());
        values.put(NamespacePolicies.Policy.MAX_CONSUMERS_PER_TOPIC.jsonName(), policies.getMaxConsumersPerTopic());
        values.put(NamespacePolicies.Policy.MAX_CONSUMERS_PER_SUBSCRIPTION.jsonName(),
            policies.getMaxConsumersPerSubscription());
        final ArrayNode explicit = root.putArray("explicit");
        for (final NamespacePolicies.Policy policy : policies.getExplicitPolicies())
        {
            explicit.add(policy.jsonName());
        }
        if (policies.getShard() >= 0)
        {
            root.put("shard", policies.getShard());
        }

        try
        {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("policies could not be written as JSON", ex);
        }
    }

    /**
     * What a namespace command asks the broker, built from its options before it connects.
     */
    @FunctionalInterface
    interface NamespaceRequest
    {
        /**
         * @param namespaces administration of the client.
         * @param namespace  to act on.
         * @return the namespace's policies after the request.
         * @throws MagnetarClientException if the broker refused or could not be reached.
         */
        NamespacePolicies apply(Namespaces namespaces, String namespace) throws MagnetarClientException;
    }

    /**
     * A command on one namespace: checks the input before it connects, prints the policies JSON it gets back.
     * Exit status 0 on success, 1 if the broker refused or could not be reached, 2 for bad input.
     */
    abstract static class NamespaceCommand implements Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "NAMESPACE", description = "Namespace: tenant/namespace, e.g. " +
            "public/default")
        String namespace;

        @Mixin
        ClientOptions clientOptions;

        @Spec
        CommandSpec spec;

        public Integer call()
        {
            final String name = spec.name();
            if (!Protocol.isNamespaceName(namespace))
            {
                System.err.println(name + ": the namespace must be tenant/namespace, e.g. public/default: '" +
                    namespace + "'");
                return 2;
            }

            final NamespaceRequest request;
            try
            {
                request = request();
            }
            catch (final IllegalArgumentException ex)
            {
                System.err.println(name + ": " + ex.getMessage());
                return 2;
            }

            try (MagnetarClient client = clientOptions.connect("magnetar-admin"))
            {
                System.out.println(render(request.apply(client.admin().namespaces(), namespace)));
                return 0;
            }
            catch (final MagnetarClientException ex)
            {
                System.err.println(name + " failed: " + ex.getMessage());
                return 1;
            }
        }

        /**
         * @return the request to make.
         * @throws IllegalArgumentException if the command line gives a bad value.
         */
        abstract NamespaceRequest request();

        /**
         * @param policies the namespace's policies after the request.
         * @return what the command prints: the policies as JSON.
         */
        String render(final NamespacePolicies policies)
        {
            return policiesJson(policies);
        }
    }

    /**
     * {@code magnetar namespaces list TENANT}: one namespace per line.
     */
    @Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "List the namespaces of a tenant, one per line.")
    static final class ListNamespaces implements Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "TENANT", description = "Tenant, e.g. public")
        String tenant;

        @Mixin
        ClientOptions clientOptions;

        public Integer call()
        {
            if (tenant.isEmpty() || tenant.indexOf('/') >= 0)
            {
                System.err.println("list: the tenant is a name without '/': '" + tenant + "'");
                return 2;
            }
            try (MagnetarClient client = clientOptions.connect("magnetar-admin"))
            {
                for (final String namespace : client.admin().namespaces().listNamespaces(tenant))
                {
                    System.out.println(namespace);
                }
                return 0;
            }
            catch (final MagnetarClientException ex)
            {
                System.err.println("list failed: " + ex.getMessage());
                return 1;
            }
        }
    }

    /**
     * {@code magnetar namespaces create NAMESPACE}.
     */
    @Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = "Create a namespace; its policies are the broker's defaults until set. Prints them as JSON.")
    static final class Create extends NamespaceCommand
    {
        NamespaceRequest request()
        {
            return Namespaces::createNamespace;
        }
    }

    /**
     * {@code magnetar namespaces policies NAMESPACE}.
     */
    @Command(
        name = "policies",
        mixinStandardHelpOptions = true,
        description = "Print the policies of a namespace as JSON.")
    static final class Policies extends NamespaceCommand
    {
        NamespaceRequest request()
        {
            return Namespaces::getPolicies;
        }
    }

    /**
     * {@code magnetar namespaces set-retention NAMESPACE [-t TIME] [-s SIZE]}.
     */
    @Command(
        name = "set-retention",
        mixinStandardHelpOptions = true,
        description = "Set how long and how much of the acknowledged messages a namespace keeps; give -t, -s or " +
            "both (a limit not given keeps its value). Acknowledged messages go once beyond either limit.")
    static final class SetRetention extends NamespaceCommand
    {
        @Option(names = { "-t", "--time" }, paramLabel = "TIME", description = "Retention time: seconds " +
            "(e.g. 600), a duration (30s, 10m, 2h, 1d, 2w), or -1 for unlimited.")
        String time;

        @Option(names = { "-s", "--size" }, paramLabel = "SIZE", description = "Retention size: bytes (e.g. " +
            "4096), a size (512K, 10M, 2G, 1T), or -1 for unlimited.")
        String size;

        NamespaceRequest request()
        {
            if (null == time && null == size)
            {
                throw new IllegalArgumentException("give -t/--time, -s/--size or both");
            }

            final long timeMs = null == time ? 0 : durationMs("--time", time);
            final long sizeBytes = null == size ? 0 : sizeBytes("--size", size);
            if (null != time && null != size)
            {
                return (namespaces, namespace) -> namespaces.setRetention(namespace, timeMs, sizeBytes);
            }

            final NamespacePolicyUpdate update = null != time ?
                new NamespacePolicyUpdate().retentionTime(timeMs) :
                new NamespacePolicyUpdate().retentionSize(sizeBytes);
            return (namespaces, namespace) -> namespaces.updatePolicies(namespace, update);
        }
    }

    /**
     * {@code magnetar namespaces remove-retention NAMESPACE}.
     */
    @Command(
        name = "remove-retention",
        mixinStandardHelpOptions = true,
        description = "Remove a namespace's retention time and size: the broker's defaults apply.")
    static final class RemoveRetention extends NamespaceCommand
    {
        NamespaceRequest request()
        {
            return Namespaces::removeRetention;
        }
    }

    /**
     * {@code magnetar namespaces set-message-ttl NAMESPACE --ttl TTL}.
     */
    @Command(
        name = "set-message-ttl",
        mixinStandardHelpOptions = true,
        description = "Set a namespace's message TTL: a message not acknowledged this long after its publish time " +
            "is acknowledged by the broker for every subscription.")
    static final class SetMessageTtl extends NamespaceCommand
    {
        @Option(names = { "--ttl", "-ttl", "--messageTTL" }, required = true, paramLabel = "TTL",
            description = "Message TTL: seconds (e.g. 600, as in Pulsar), a duration (30s, 10m, 2h, 1d, 2w), or -1 " +
                "to turn the TTL off. 0 is refused: Pulsar reads it as off, Magnetar would expire every message.")
        String ttl;

        NamespaceRequest request()
        {
            final long ttlMs = durationMs("--ttl", ttl);
            if (0 == ttlMs)
            {
                throw new IllegalArgumentException("--ttl: 0 would expire every unacknowledged message at once " +
                    "(Pulsar reads 0 as off); give -1 to turn the TTL off, or a positive duration");
            }

            return (namespaces, namespace) -> namespaces.setMessageTtl(namespace, ttlMs);
        }
    }

    /**
     * {@code magnetar namespaces remove-message-ttl NAMESPACE}.
     */
    @Command(
        name = "remove-message-ttl",
        mixinStandardHelpOptions = true,
        description = "Remove a namespace's message TTL: the broker's default applies.")
    static final class RemoveMessageTtl extends NamespaceCommand
    {
        NamespaceRequest request()
        {
            return Namespaces::removeMessageTtl;
        }
    }

    /**
     * {@code magnetar namespaces set-backlog-quota NAMESPACE -l LIMIT -p POLICY}.
     */
    @Command(
        name = "set-backlog-quota",
        mixinStandardHelpOptions = true,
        description = "Set a namespace's backlog quota: the most bytes a subscription may hold back, and what " +
            "happens beyond it.")
    static final class SetBacklogQuota extends NamespaceCommand
    {
        @Option(names = { "-l", "--limit" }, required = true, paramLabel = "SIZE", description = "Limit: bytes " +
            "(e.g. 4096), a size (512K, 10M, 2G, 1T), or -1 to turn the quota off.")
        String limit;

        @Option(names = { "-p", "--policy" }, required = true, paramLabel = "POLICY", description = "Beyond the " +
            "limit: producer_request_hold, producer_exception or consumer_backlog_eviction.")
        String policy;

        NamespaceRequest request()
        {
            final long limitBytes = sizeBytes("--limit", limit);
            final BacklogQuotaPolicy quotaPolicy = BacklogQuotaPolicy.parse(policy);
            return (namespaces, namespace) -> namespaces.setBacklogQuota(namespace, limitBytes, quotaPolicy);
        }
    }

    /**
     * {@code magnetar namespaces remove-backlog-quota NAMESPACE}.
     */
    @Command(
        name = "remove-backlog-quota",
        mixinStandardHelpOptions = true,
        description = "Remove a namespace's backlog quota limit and policy: the broker's defaults apply.")
    static final class RemoveBacklogQuota extends NamespaceCommand
    {
        NamespaceRequest request()
        {
            return Namespaces::removeBacklogQuota;
        }
    }

    /**
     * {@code magnetar namespaces set-durability NAMESPACE LEVEL}.
     */
    @Command(
        name = "set-durability",
        mixinStandardHelpOptions = true,
        description = "Set the durability of a namespace's persistent topics: how far a message must have got " +
            "before its producer gets the receipt.")
    static final class SetDurability extends NamespaceCommand
    {
        @Parameters(index = "1", paramLabel = "LEVEL", description = "memory, archived (written to the archive's " +
            "files) or fsync (written and fsync'd).")
        String level;

        NamespaceRequest request()
        {
            final Durability durability = Durability.parse(level);
            return (namespaces, namespace) -> namespaces.setDurability(namespace, durability);
        }
    }

    /**
     * {@code magnetar namespaces remove-durability NAMESPACE}.
     */
    @Command(
        name = "remove-durability",
        mixinStandardHelpOptions = true,
        description = "Remove a namespace's durability: the broker's default applies.")
    static final class RemoveDurability extends NamespaceCommand
    {
        NamespaceRequest request()
        {
            return Namespaces::removeDurability;
        }
    }

    /**
     * {@code magnetar namespaces set-deduplication NAMESPACE --enable|--disable}, as {@code pulsar-admin} has it.
     */
    @Command(
        name = "set-deduplication",
        mixinStandardHelpOptions = true,
        description = "Turn deduplication on or off for a namespace: with it on, a send whose producer name and " +
            "sequence id are already stored is answered without being stored again, so a producer that resends " +
            "after a reconnect or a broker crash stores each message once.")
    static final class SetDeduplication extends NamespaceCommand
    {
        @Option(names = { "-e", "--enable" }, description = "Deduplicate sends.")
        boolean enable;

        @Option(names = { "-d", "--disable" }, description = "Stop deduplicating sends; the producer names kept " +
            "are forgotten.")
        boolean disable;

        NamespaceRequest request()
        {
            if (enable == disable)
            {
                throw new IllegalArgumentException("give one of --enable or --disable");
            }
            final boolean enabled = enable;
            return (namespaces, namespace) -> namespaces.setDeduplicationStatus(namespace, enabled);
        }
    }

    /**
     * {@code magnetar namespaces get-deduplication NAMESPACE}: prints true or false.
     */
    @Command(
        name = "get-deduplication",
        mixinStandardHelpOptions = true,
        description = "Print whether a namespace deduplicates sends: true or false.")
    static final class GetDeduplication extends NamespaceCommand
    {
        NamespaceRequest request()
        {
            return Namespaces::getPolicies;
        }

        String render(final NamespacePolicies policies)
        {
            return Boolean.toString(policies.isDeduplicationEnabled());
        }
    }

    /**
     * {@code magnetar namespaces remove-deduplication NAMESPACE}.
     */
    @Command(
        name = "remove-deduplication",
        mixinStandardHelpOptions = true,
        description = "Remove a namespace's deduplication setting: the broker's default applies.")
    static final class RemoveDeduplication extends NamespaceCommand
    {
        NamespaceRequest request()
        {
            return Namespaces::removeDeduplicationStatus;
        }
    }
}

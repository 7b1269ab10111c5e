package io.magnetar.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code namespaces grant-permission | revoke-permission | permissions | delete} and the permission commands under
 * {@code topics}, as {@code pulsar-admin} has them, over the admin API.
 */
final class PermissionCommands
{
    private PermissionCommands()
    {
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete a namespace that holds no topic (over the admin API).")
    static final class DeleteNamespace implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "NAMESPACE", description = "tenant/namespace.")
        String namespace;

        public Integer call()
        {
            return options.run("namespaces delete", (admin) ->
            {
                admin.namespaces().deleteNamespace(namespace);
                return null;
            });
        }
    }

    @Command(name = "grant-permission", mixinStandardHelpOptions = true,
        description = "Grant a role produce and/or consume on a namespace (replacing what it had there).")
    static final class GrantOnNamespace implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "NAMESPACE", description = "tenant/namespace.")
        String namespace;

        @Option(names = "--role", required = true, description = "Role to grant to.")
        String role;

        @Option(names = "--actions", required = true, split = ",", description = "produce, consume, or both.")
        List<String> actions;

        public Integer call()
        {
            return options.run("namespaces grant-permission", (admin) ->
            {
                admin.namespaces().grantPermissionOnNamespace(namespace, role, new LinkedHashSet<>(actions));
                return null;
            });
        }
    }

    @Command(name = "revoke-permission", mixinStandardHelpOptions = true,
        description = "Revoke what a role was granted on a namespace.")
    static final class RevokeOnNamespace implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "NAMESPACE", description = "tenant/namespace.")
        String namespace;

        @Option(names = "--role", required = true, description = "Role whose grant goes.")
        String role;

        public Integer call()
        {
            return options.run("namespaces revoke-permission", (admin) ->
            {
                admin.namespaces().revokePermissionsOnNamespace(namespace, role);
                return null;
            });
        }
    }

    @Command(name = "permissions", mixinStandardHelpOptions = true,
        description = "Print the actions granted on a namespace, by role, as JSON.")
    static final class OfNamespace implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "NAMESPACE", description = "tenant/namespace.")
        String namespace;

        public Integer call()
        {
            return options.run("namespaces permissions", (admin) -> admin.namespaces().getPermissions(namespace));
        }
    }

    @Command(name = "grant-permission", mixinStandardHelpOptions = true,
        description = "Grant a role produce and/or consume on a topic (a partitioned topic's grant covers its " +
            "partitions).")
    static final class GrantOnTopic implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
        String topic;

        @Option(names = "--role", required = true, description = "Role to grant to.")
        String role;

        @Option(names = "--actions", required = true, split = ",", description = "produce, consume, or both.")
        List<String> actions;

        public Integer call()
        {
            return options.run("topics grant-permission", (admin) ->
            {
                admin.topics().grantPermission(topic, role, new LinkedHashSet<>(actions));
                return null;
            });
        }
    }

    @Command(name = "revoke-permission", mixinStandardHelpOptions = true,
        description = "Revoke what a role was granted on a topic.")
    static final class RevokeOnTopic implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
        String topic;

        @Option(names = "--role", required = true, description = "Role whose grant goes.")
        String role;

        public Integer call()
        {
            return options.run("topics revoke-permission", (admin) ->
            {
                admin.topics().revokePermissions(topic, role);
                return null;
            });
        }
    }

    @Command(name = "permissions", mixinStandardHelpOptions = true,
        description = "Print the actions granted on a topic itself, by role, as JSON.")
    static final class OfTopic implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
        String topic;

        public Integer call()
        {
            return options.run("topics permissions", (admin) -> admin.topics().getPermissions(topic));
        }
    }
}

package io.magnetar.tools;

import io.magnetar.client.admin.TenantInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code magnetar tenants ...}: tenant administration over the admin API, as {@code pulsar-admin tenants}.
 */
@Command(
    name = "tenants",
    mixinStandardHelpOptions = true,
    description = "Tenant administration: list, get, create, update and delete tenants.",
    subcommands = {
        TenantsCommand.ListTenants.class,
        TenantsCommand.Get.class,
        TenantsCommand.Create.class,
        TenantsCommand.Update.class,
        TenantsCommand.Delete.class
    })
final class TenantsCommand implements Callable<Integer>
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

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tenants, one per line.")
    static final class ListTenants implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        public Integer call()
        {
            return options.run("tenants list", (admin) -> String.join("\n", admin.tenants().getTenants()));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
        description = "Print a tenant's admin roles and allowed clusters as JSON.")
    static final class Get implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "TENANT", description = "Tenant name.")
        String tenant;

        public Integer call()
        {
            return options.run("tenants get", (admin) -> admin.tenants().getTenantInfo(tenant));
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a tenant; without --allowed-clusters it may use every cluster.")
    static final class Create implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "TENANT", description = "Tenant name.")
        String tenant;

        @Option(names = { "-r", "--admin-roles" }, split = ",", description = "Roles that administer the tenant.")
        List<String> adminRoles = List.of();

        @Option(names = { "-c", "--allowed-clusters" }, split = ",",
            description = "Clusters its namespaces may use. Default: every cluster.")
        List<String> allowedClusters;

        public Integer call()
        {
            return options.run("tenants create", (admin) ->
            {
                final Set<String> clusters = null != allowedClusters ?
                    new LinkedHashSet<>(allowedClusters) : new LinkedHashSet<>(admin.clusters().getClusters());
                admin.tenants().createTenant(tenant, new TenantInfo(new LinkedHashSet<>(adminRoles), clusters));
                return null;
            });
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
        description = "Replace a tenant's admin roles and allowed clusters (an option not given keeps its value).")
    static final class Update implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "TENANT", description = "Tenant name.")
        String tenant;

        @Option(names = { "-r", "--admin-roles" }, split = ",", description = "Roles that administer the tenant.")
        List<String> adminRoles;

        @Option(names = { "-c", "--allowed-clusters" }, split = ",", description = "Clusters its namespaces may use.")
        List<String> allowedClusters;

        public Integer call()
        {
            return options.run("tenants update", (admin) ->
            {
                final TenantInfo current = admin.tenants().getTenantInfo(tenant);
                admin.tenants().updateTenant(tenant, new TenantInfo(
                    null != adminRoles ? new LinkedHashSet<>(adminRoles) : current.adminRoles(),
                    null != allowedClusters ? new LinkedHashSet<>(allowedClusters) : current.allowedClusters()));
                return null;
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete a tenant; refused while it has namespaces.")
    static final class Delete implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "TENANT", description = "Tenant name.")
        String tenant;

        public Integer call()
        {
            return options.run("tenants delete", (admin) ->
            {
                admin.tenants().deleteTenant(tenant);
                return null;
            });
        }
    }
}

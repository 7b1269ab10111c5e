package io.magnetar.admin;

import io.magnetar.broker.metadata.ClusterData;
import io.magnetar.broker.metadata.MetadataAdmin;

/**
 * {@code /admin/v2/clusters}: list, get, create (PUT), update (POST) and delete clusters, as Pulsar's clusters admin
 * calls; the data lives in the metadata store.
 */
final class ClustersResource
{
    private static final String CLUSTERS = "/admin/v2/clusters";
    private static final String CLUSTER = CLUSTERS + "/{cluster}";

    private final MetadataAdmin metadata;
    private final RestAccess access;

    ClustersResource(final MetadataAdmin metadata, final RestAccess access)
    {
        this.metadata = metadata;
        this.access = access;
    }

    void register(final Routes routes)
    {
        routes
            .add("GET", CLUSTERS, (call) -> metadata.snapshot().clusters().keySet())
            .add("GET", CLUSTER, (call) -> cluster(call.path("cluster")))
            .add("PUT", CLUSTER, (call) ->
            {
                access.requireSuperuser(call, "create a cluster");
                metadata.createCluster(call.path("cluster"), call.body(ClusterData.class));
                return null;
            })
            .add("POST", CLUSTER, (call) ->
            {
                access.requireSuperuser(call, "update a cluster");
                metadata.updateCluster(call.path("cluster"), call.body(ClusterData.class));
                return null;
            })
            .add("DELETE", CLUSTER, (call) ->
            {
                access.requireSuperuser(call, "delete a cluster");
                metadata.deleteCluster(call.path("cluster"));
                return null;
            });
    }

    private ClusterData cluster(final String name)
    {
        final ClusterData data = metadata.snapshot().clusters().get(name);
        if (null == data)
        {
            throw RestException.notFound("cluster " + name + " does not exist");
        }
        return data;
    }
}

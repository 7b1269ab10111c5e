package io.magnetar.client.admin;

import com.fasterxml.jackson.core.type.TypeReference;

import java.util.List;

/**
 * Cluster administration, as Pulsar's {@code admin.clusters()}.
 */
public final class Clusters
{
    private static final String CLUSTERS = "/admin/v2/clusters";

    private final AdminHttp http;

    Clusters(final AdminHttp http)
    {
        this.http = http;
    }

    /**
     * @return the names of the clusters, sorted.
     * @throws MagnetarAdminException if the call failed.
     */
    public List<String> getClusters() throws MagnetarAdminException
    {
        return http.get(CLUSTERS, new TypeReference<List<String>>() {});
    }

    /**
     * @param cluster name.
     * @return its data.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public ClusterData getCluster(final String cluster) throws MagnetarAdminException
    {
        return http.get(path(cluster), ClusterData.class);
    }

    /**
     * @param cluster name.
     * @param data    of the cluster.
     * @throws MagnetarAdminException 409 if it exists, 412 if the name is invalid.
     */
    public void createCluster(final String cluster, final ClusterData data) throws MagnetarAdminException
    {
        http.put(path(cluster), data);
    }

    /**
     * @param cluster name.
     * @param data    of the cluster, replacing what it had.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public void updateCluster(final String cluster, final ClusterData data) throws MagnetarAdminException
    {
        http.post(path(cluster), data);
    }

    /**
     * @param cluster name.
     * @throws MagnetarAdminException 404 if it does not exist, 409 if a tenant allows it or the broker serves it.
     */
    public void deleteCluster(final String cluster) throws MagnetarAdminException
    {
        http.delete(path(cluster));
    }

    private static String path(final String cluster)
    {
        return CLUSTERS + "/" + AdminHttp.segment(cluster);
    }
}

package io.magnetar.broker.metadata;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * A cluster as Pulsar's {@code ClusterData} names it: the admin (HTTP) URL of its brokers, their service URL for
 * clients, and the endpoint geo-replication sends to. Immutable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class ClusterData
{
    private final String serviceUrl;
    private final String brokerServiceUrl;
    private final String replicationEndpoint;

    /**
     * @param serviceUrl          HTTP URL of the admin API, e.g. {@code http://localhost:8080}; may be null.
     * @param brokerServiceUrl    URL clients connect to, e.g. {@code magnetar://localhost:6650}; may be null.
     * @param replicationEndpoint where geo-replication reaches this cluster (host:port); may be null.
     */
    @JsonCreator
    public ClusterData(
        @JsonProperty("serviceUrl") final String serviceUrl,
        @JsonProperty("brokerServiceUrl") final String brokerServiceUrl,
        @JsonProperty("replicationEndpoint") final String replicationEndpoint)
    {
        this.serviceUrl = serviceUrl;
        this.brokerServiceUrl = brokerServiceUrl;
        this.replicationEndpoint = replicationEndpoint;
    }

    /**
     * @return HTTP URL of the admin API, or null.
     */
    public String getServiceUrl()
    {
        return serviceUrl;
    }

    /**
     * @return URL clients connect to, or null.
     */
    public String getBrokerServiceUrl()
    {
        return brokerServiceUrl;
    }

    /**
     * @return where geo-replication reaches this cluster, or null.
     */
    public String getReplicationEndpoint()
    {
        return replicationEndpoint;
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object o)
    {
        if (!(o instanceof ClusterData))
        {
            return false;
        }
        final ClusterData that = (ClusterData)o;
        return Objects.equals(serviceUrl, that.serviceUrl) && Objects.equals(brokerServiceUrl, that.brokerServiceUrl) &&
            Objects.equals(replicationEndpoint, that.replicationEndpoint);
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        return Objects.hash(serviceUrl, brokerServiceUrl, replicationEndpoint);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "ClusterData{serviceUrl=" + serviceUrl + ", brokerServiceUrl=" + brokerServiceUrl +
            ", replicationEndpoint=" + replicationEndpoint + "}";
    }
}

package io.magnetar.client.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A cluster, as Pulsar's {@code ClusterData}.
 *
 * @param serviceUrl          HTTP URL of its admin API, e.g. {@code http://localhost:8080}; may be null.
 * @param brokerServiceUrl    URL its clients connect to, e.g. {@code magnetar://localhost:6650}; may be null.
 * @param replicationEndpoint where geo-replication reaches it; may be null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterData(String serviceUrl, String brokerServiceUrl, String replicationEndpoint)
{
}

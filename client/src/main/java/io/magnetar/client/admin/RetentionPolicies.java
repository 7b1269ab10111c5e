package io.magnetar.client.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * How much of a namespace's acknowledged messages is kept, as Pulsar's {@code RetentionPolicies}.
 *
 * @param retentionTimeInMinutes time kept; -1 for unlimited.
 * @param retentionSizeInMB      size kept; -1 for unlimited.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RetentionPolicies(long retentionTimeInMinutes, long retentionSizeInMB)
{
}

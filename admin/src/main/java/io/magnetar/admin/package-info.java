/**
 * The broker's HTTP port: {@link io.magnetar.admin.AdminServer} serves the {@code /admin/v2} REST API with Pulsar's
 * paths and JSON. One resource class per family of paths ({@code ClustersResource}, {@code TenantsResource},
 * {@code NamespacesResource}, {@code TopicsResource}, {@code BrokersResource}) registers its routes with
 * {@code Routes}, which matches them, reads requests through {@code RestCall} and answers refusals with Pulsar's
 * statuses.
 */
package io.magnetar.admin;

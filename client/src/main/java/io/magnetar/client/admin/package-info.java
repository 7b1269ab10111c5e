/**
 * The admin client over the broker's HTTP admin API, shaped like Pulsar's {@code PulsarAdmin}:
 * {@link io.magnetar.client.admin.MagnetarAdmin}.
 */
package io.magnetar.client.admin;

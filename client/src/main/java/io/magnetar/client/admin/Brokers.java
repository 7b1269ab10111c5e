package io.magnetar.client.admin;

/**
 * Broker health, as Pulsar's {@code admin.brokers()}.
 */
public final class Brokers
{
    private final AdminHttp http;

    Brokers(final AdminHttp http)
    {
        this.http = http;
    }

    /**
     * A real round trip: the broker produces a message to its health-check topic and consumes it back.
     *
     * @throws MagnetarAdminException 503 with the reason if the broker is not healthy.
     */
    public void healthcheck() throws MagnetarAdminException
    {
        http.getText("/admin/v2/brokers/health");
    }

    /**
     * Whether the broker can store messages now (not disk full, archive running).
     *
     * @throws MagnetarAdminException 503 with the reason if it is not ready.
     */
    public void ready() throws MagnetarAdminException
    {
        http.getText("/admin/v2/brokers/ready");
    }
}

package io.magnetar.client.admin;

import javax.net.ssl.SSLContext;
import java.time.Duration;

/**
 * The admin client over the broker's HTTP admin API ({@code /admin/v2}), shaped like Pulsar's {@code PulsarAdmin}:
 * {@link #clusters()}, {@link #tenants()}, {@link #namespaces()}, {@link #topics()}, {@link #brokers()}. Each call
 * blocks until the broker answers and throws {@link MagnetarAdminException} with its HTTP status and reason when it
 * refuses. Thread safe.
 * <pre>{@code
 * try (MagnetarAdmin admin = MagnetarAdmin.builder().serviceHttpUrl("http://localhost:8080").build())
 * {
 *     admin.tenants().createTenant("acme", new TenantInfo(Set.of("ops"), Set.of("standalone")));
 *     admin.namespaces().createNamespace("acme/orders");
 * }
 * }</pre>
 */
public final class MagnetarAdmin implements AutoCloseable
{
    /**
     * Builds a {@link MagnetarAdmin}.
     */
    public static final class Builder
    {
        private String serviceHttpUrl = "http://localhost:8080";
        private String authToken;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private SSLContext sslContext;

        private Builder()
        {
        }

        /**
         * @param serviceHttpUrl of the broker's admin API, e.g. {@code http://localhost:8080}.
         * @return this builder.
         */
        public Builder serviceHttpUrl(final String serviceHttpUrl)
        {
            this.serviceHttpUrl = serviceHttpUrl;
            return this;
        }

        /**
         * @param authToken JWT sent as a bearer token, for a broker with authentication on; null for none.
         * @return this builder.
         */
        public Builder authToken(final String authToken)
        {
            this.authToken = authToken;
            return this;
        }

        /**
         * @param sslContext trusting the broker's certificate, for an {@code https://} URL; null for the JDK's
         *                   default trust.
         * @return this builder.
         */
        public Builder sslContext(final SSLContext sslContext)
        {
            this.sslContext = sslContext;
            return this;
        }

        /**
         * @param connectTimeout how long connecting to the admin API may take.
         * @return this builder.
         */
        public Builder connectTimeout(final Duration connectTimeout)
        {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * @param requestTimeout how long one call may take.
         * @return this builder.
         */
        public Builder requestTimeout(final Duration requestTimeout)
        {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * @return the admin client.
         * @throws IllegalArgumentException if the URL is not an http or https URL, or a timeout is not positive.
         */
        public MagnetarAdmin build()
        {
            if (null == serviceHttpUrl ||
                !(serviceHttpUrl.startsWith("http://") || serviceHttpUrl.startsWith("https://")))
            {
                throw new IllegalArgumentException("serviceHttpUrl must be http://host:port or https://host:port, " +
                    "not '" + serviceHttpUrl + "'");
            }
            if (null == connectTimeout || connectTimeout.isNegative() || connectTimeout.isZero() ||
                null == requestTimeout || requestTimeout.isNegative() || requestTimeout.isZero())
            {
                throw new IllegalArgumentException("timeouts must be positive");
            }
            return new MagnetarAdmin(
                new AdminHttp(serviceHttpUrl, authToken, connectTimeout, requestTimeout, sslContext));
        }
    }

    private final Clusters clusters;
    private final Tenants tenants;
    private final Namespaces namespaces;
    private final Topics topics;
    private final Brokers brokers;

    private MagnetarAdmin(final AdminHttp http)
    {
        clusters = new Clusters(http);
        tenants = new Tenants(http);
        namespaces = new Namespaces(http);
        topics = new Topics(http);
        brokers = new Brokers(http);
    }

    /**
     * @return a builder, for {@code http://localhost:8080} unless told otherwise.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return cluster administration.
     */
    public Clusters clusters()
    {
        return clusters;
    }

    /**
     * @return tenant administration.
     */
    public Tenants tenants()
    {
        return tenants;
    }

    /**
     * @return namespace administration.
     */
    public Namespaces namespaces()
    {
        return namespaces;
    }

    /**
     * @return topic administration.
     */
    public Topics topics()
    {
        return topics;
    }

    /**
     * @return broker health.
     */
    public Brokers brokers()
    {
        return brokers;
    }

    /**
     * Nothing to release: each call is its own HTTP exchange.
     */
    public void close()
    {
    }
}

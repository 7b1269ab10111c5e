package io.magnetar.admin;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.magnetar.broker.auth.TokenAuthenticator;
import io.magnetar.client.admin.MagnetarAdmin;
import io.magnetar.client.admin.MagnetarAdminException;
import io.magnetar.client.admin.TenantInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.security.SecureRandom;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With authentication on, every admin call needs a bearer token the broker accepts: none, a malformed one, a bad
 * signature, an expired one and one forged as the broker's internal key are refused with 401 and change nothing;
 * the admin API's own session to the broker (namespace calls) works with the broker's internal key.
 */
class AdminAuthenticationTest
{
    private static final long HOUR_MS = 3_600_000L;

    @TempDir
    File dataDir;

    @Test
    void shouldRefuseCallsWithoutAGoodTokenAndServeThoseWithOne() throws Exception
    {
        final byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        final byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        final long nowMs = System.currentTimeMillis();

        try (AdminTestBroker broker =
            new AdminTestBroker(dataDir, new AdminServer.Context(), TokenAuthenticator.hs256(secret)))
        {
            final String url = broker.server.url();
            assertRefused(url, null, "no token");
            assertRefused(url, "not.a.jwt", "malformed token");
            assertRefused(url, token(other, null, "ops", nowMs + HOUR_MS), "bad token signature");
            assertRefused(url, token(secret, null, "ops", nowMs - HOUR_MS), "token expired");
            assertRefused(url, token(other, "magnetar-internal", "magnetar-admin", nowMs + HOUR_MS),
                "bad token signature");
            assertFalse(broker.broker.metadata().snapshot().tenants().containsKey("acme"), "nothing was written");

            try (MagnetarAdmin admin = MagnetarAdmin.builder().serviceHttpUrl(url)
                .authToken(token(secret, null, "ops", nowMs + HOUR_MS)).build())
            {
                admin.tenants().createTenant("acme", new TenantInfo(Set.of("ops"), Set.of("standalone")));
                admin.namespaces().createNamespace("acme/orders"); // through the admin API's own session
                assertEquals(List.of("acme/orders"), admin.namespaces().getNamespaces("acme"));
                admin.brokers().healthcheck();
            }
        }
    }

    private static void assertRefused(final String url, final String token, final String reason)
    {
        try (MagnetarAdmin admin = MagnetarAdmin.builder().serviceHttpUrl(url).authToken(token).build())
        {
            final MagnetarAdminException ex = assertThrows(MagnetarAdminException.class,
                () -> admin.tenants().createTenant("acme", new TenantInfo(null, Set.of("standalone"))));
            assertEquals(401, ex.statusCode(), ex.getMessage());
            assertTrue(ex.getMessage().contains(reason), ex.getMessage());
            assertEquals(401, assertThrows(MagnetarAdminException.class,
                () -> admin.namespaces().createNamespace("public/sneaky")).statusCode());
        }
    }

    private static String token(final byte[] key, final String keyId, final String subject, final long expiresAtMs)
        throws Exception
    {
        final SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keyId).build(),
            new JWTClaimsSet.Builder().subject(subject).expirationTime(new Date(expiresAtMs)).build());
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }
}

package io.magnetar.admin;

import io.magnetar.client.admin.MagnetarAdmin;
import io.magnetar.client.admin.MagnetarAdminException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API over TLS when a key store is given: a client that trusts the certificate is served over
 * {@code https://}, one that does not is refused by the handshake, and plain HTTP still answers.
 */
@Timeout(60)
class AdminTlsTest
{
    private static final String PASSWORD = "changeit";

    @TempDir
    File dir;

    @Test
    void shouldServeTheAdminApiOverTls() throws Exception
    {
        final File keyStore = new File(dir, "admin.p12");
        final Process keytool = new ProcessBuilder(
            Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "magnetar", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
            "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
            "-storetype", "PKCS12", "-keystore", keyStore.getPath(), "-storepass", PASSWORD, "-keypass", PASSWORD)
            .redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(30, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, keytool.exitValue(), new String(keytool.getInputStream().readAllBytes()));

        try (AdminTestBroker broker = new AdminTestBroker(new File(dir, "data"), new AdminServer.Context()
            .tlsPort(0).tlsKeyStore(keyStore.getPath(), PASSWORD)))
        {
            final String tlsUrl = broker.server.tlsUrl();
            assertTrue(tlsUrl.startsWith("https://localhost:"), tlsUrl);
            try (MagnetarAdmin admin = MagnetarAdmin.builder().serviceHttpUrl(tlsUrl)
                .sslContext(trusting(keyStore)).build())
            {
                assertEquals(List.of("public", "pulsar"), admin.tenants().getTenants());
            }
            try (MagnetarAdmin untrusting = MagnetarAdmin.builder().serviceHttpUrl(tlsUrl).build())
            {
                final MagnetarAdminException ex =
                    assertThrows(MagnetarAdminException.class, () -> untrusting.tenants().getTenants());
                assertEquals(-1, ex.statusCode(), "refused by the handshake: " + ex.getMessage());
            }
            assertEquals(List.of("public", "pulsar"), broker.admin.tenants().getTenants(), "plain HTTP too");
        }
    }

    private static SSLContext trusting(final File keyStoreFile) throws Exception
    {
        final KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keyStoreFile))
        {
            trusted.load(in, PASSWORD.toCharArray());
        }
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}

package io.magnetar.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.magnetar.client.admin.MagnetarAdmin;
import io.magnetar.client.admin.MagnetarAdminException;
import picocli.CommandLine.Option;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;

/**
 * Options of the commands that call the broker's HTTP admin API, as {@code pulsar-admin} takes them, and how they
 * print answers and refusals.
 */
final class AdminOptions
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--admin-url", description = "URL of the broker's admin API. Default: ${DEFAULT-VALUE}")
    String adminUrl = "http://localhost:8080";

    @Option(names = "--timeout", description = "Timeout of each admin call in seconds. Default: ${DEFAULT-VALUE}")
    long timeoutSeconds = 30;

    @Option(names = "--auth-token", description = "JWT of the caller's role, for a broker that requires one.")
    String authToken;

    @Option(names = "--auth-token-file", description = "File holding the JWT, instead of --auth-token.")
    File authTokenFile;

    @Option(names = "--tls-trust-store", description = "Trust store (PKCS12 or JKS) with the certificate an " +
        "https --admin-url presents, when the JDK's default trust does not hold it.")
    File trustStore;

    @Option(names = "--tls-trust-store-password", description = "Password of --tls-trust-store.")
    String trustStorePassword;

    /**
     * An admin call to run.
     */
    @FunctionalInterface
    interface AdminCall
    {
        /**
         * @param admin client.
         * @return what to print as JSON, or null for nothing.
         * @throws MagnetarAdminException if the broker refused.
         */
        Object call(MagnetarAdmin admin) throws MagnetarAdminException;
    }

    /**
     * Run a call: print its answer as indented JSON (a string as it is), or the refusal on stderr.
     *
     * @param command name, for the error line, e.g. {@code tenants create}.
     * @param call    to run.
     * @return exit code: 0 done, 1 refused or failed, 2 bad option.
     */
    int run(final String command, final AdminCall call)
    {
        try (MagnetarAdmin admin = connect())
        {
            final Object answer = call.call(admin);
            if (answer instanceof String)
            {
                System.out.println(answer);
            }
            else if (null != answer)
            {
                System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
            }
            return 0;
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("magnetar " + command + ": " + ex.getMessage());
            return 2;
        }
        catch (final MagnetarAdminException ex)
        {
            System.err.println("magnetar " + command + ": " + ex.getMessage());
            return 1;
        }
        catch (final JsonProcessingException ex)
        {
            System.err.println("magnetar " + command + ": the answer could not be printed: " + ex.getMessage());
            return 1;
        }
    }

    private static SSLContext trusting(final File trustStore, final String password)
    {
        try (InputStream in = new FileInputStream(trustStore))
        {
            final KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            if (null == password)
            {
                throw new IllegalArgumentException("--tls-trust-store needs --tls-trust-store-password");
            }
            trusted.load(in, password.toCharArray());
            final TrustManagerFactory trust =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        }
        catch (final IOException | GeneralSecurityException ex)
        {
            throw new IllegalArgumentException("--tls-trust-store: cannot use " + trustStore + ": " + ex.getMessage());
        }
    }

    private MagnetarAdmin connect()
    {
        String token = authToken;
        if (null != authTokenFile)
        {
            try
            {
                token = Files.readString(authTokenFile.toPath()).trim();
            }
            catch (final IOException ex)
            {
                throw new IllegalArgumentException("--auth-token-file: cannot read " + authTokenFile + ": " + ex);
            }
        }
        if (timeoutSeconds < 1)
        {
            throw new IllegalArgumentException("--timeout must be at least 1 second");
        }
        return MagnetarAdmin.builder()
            .serviceHttpUrl(adminUrl)
            .sslContext(null == trustStore ? null : trusting(trustStore, trustStorePassword))
            .authToken(token)
            .requestTimeout(Duration.ofSeconds(timeoutSeconds))
            .build();
    }
}

package io.magnetar.tools;

import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

/**
 * Options shared by the commands that connect to a broker as a client.
 */
final class ClientOptions
{
    @Option(names = { "-u", "--service-url" },
        description = "Broker URL: magnetar://host:port (UDP) or magnetar+ipc://. Default: ${DEFAULT-VALUE}")
    String serviceUrl = MagnetarClient.Configuration.SERVICE_URL_DEFAULT;

    @Option(names = "--aeron-dir",
        description = "Media driver directory to use (required for IPC if not the default); by default a UDP " +
            "client runs its own embedded driver.")
    String aeronDir;

    @Option(names = "--timeout", description = "Timeout of each broker operation in seconds. Default: ${DEFAULT-VALUE}")
    long operationTimeoutSeconds = 30;

    @Option(names = "--auth-token", description = "JWT of the client's role, for a broker that requires one " +
        "(bin/magnetar tokens create makes one).")
    String authToken;

    @Option(names = "--auth-token-file", description = "File holding the JWT, instead of --auth-token.")
    File authTokenFile;

    MagnetarClient connect(final String clientName) throws MagnetarClientException
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
                throw new MagnetarClientException("--auth-token-file: cannot read " + authTokenFile + ": " + ex);
            }
        }

        return MagnetarClient.builder()
            .serviceUrl(serviceUrl)
            .aeronDirectoryName(aeronDir)
            .operationTimeout(Duration.ofSeconds(operationTimeoutSeconds))
            .clientName(clientName)
            .authToken(null != token ? token : MagnetarClient.Configuration.authToken())
            .build();
    }
}

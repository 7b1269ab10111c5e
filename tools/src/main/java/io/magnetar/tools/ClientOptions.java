package io.magnetar.tools;

import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import picocli.CommandLine.Option;

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

    MagnetarClient connect(final String clientName) throws MagnetarClientException
    {
        return MagnetarClient.builder()
            .serviceUrl(serviceUrl)
            .aeronDirectoryName(aeronDir)
            .operationTimeout(Duration.ofSeconds(operationTimeoutSeconds))
            .clientName(clientName)
            .build();
    }
}

package io.magnetar.admin;

import io.aeron.CommonContext;
import io.magnetar.broker.BrokerContext;
import io.magnetar.broker.MagnetarBroker;
import io.magnetar.broker.auth.TokenAuthenticator;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.admin.MagnetarAdmin;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.File;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real broker (embedded driver and archive in a temporary data directory, small terms) with its admin API on an
 * ephemeral HTTP port, and clients of both.
 */
final class AdminTestBroker implements AutoCloseable
{
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final MagnetarBroker broker;
    final AdminServer server;
    final MagnetarAdmin admin;

    AdminTestBroker(final File dataDir) throws MagnetarClientException
    {
        this(dataDir, new AdminServer.Context());
    }

    AdminTestBroker(final File dataDir, final AdminServer.Context serverContext) throws MagnetarClientException
    {
        this(dataDir, serverContext, null);
    }

    AdminTestBroker(
        final File dataDir, final AdminServer.Context serverContext, final TokenAuthenticator authenticator)
        throws MagnetarClientException
    {
        this(dataDir, serverContext, authenticator, Set.of("ops"));
    }

    AdminTestBroker(
        final File dataDir,
        final AdminServer.Context serverContext,
        final TokenAuthenticator authenticator,
        final Set<String> superuserRoles)
        throws MagnetarClientException
    {
        broker = MagnetarBroker.launch(new BrokerContext()
            .authenticator(authenticator)
            .superuserRoles(superuserRoles)
            .bindAddress("localhost")
            .port(0)
            .dataDir(dataDir)
            .shardTermLength(1024 * 1024)
            .egressTermLength(1024 * 1024)
            .maxMessageSize(64 * 1024)
            .shardQueueCapacity(256)
            .errorHandler(errors::add)
            .idleStrategy(new BackoffIdleStrategy())
            .logger(System.out::println)
            .driverContext(new MagnetarMediaDriver.Context()
                .aeronDirectoryName(CommonContext.generateRandomDirName())
                .segmentFileLength(8 * 1024 * 1024)
                .ipcTermLength(1024 * 1024)
                .deleteAeronDirOnShutdown(true)));
        AdminServer started = null;
        try
        {
            started = AdminServer.launch(serverContext.broker(broker).port(0).bindAddress("localhost"));
        }
        finally
        {
            if (null == started)
            {
                broker.close();
            }
        }
        server = started;
        admin = MagnetarAdmin.builder().serviceHttpUrl(server.url()).build();
    }

    MagnetarClient newClient() throws MagnetarClientException
    {
        return MagnetarClient.builder().serviceUrl(broker.serviceUrl()).termLength(1024 * 1024).build();
    }

    public void close()
    {
        CloseHelper.quietCloseAll(admin, server, broker);
    }
}

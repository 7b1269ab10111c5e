package io.magnetar.admin;

import io.magnetar.broker.BrokerCounters;
import io.magnetar.broker.metadata.MetadataAdmin;
import io.magnetar.broker.metadata.TenantInfo;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import io.magnetar.client.SubscriptionType;
import org.agrona.concurrent.status.CountersReader;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code /admin/v2/brokers/health} and {@code /admin/v2/brokers/ready}. Health is a real round trip, as Pulsar's
 * {@code brokers healthcheck}: a message produced to the broker's health-check topic in the {@code pulsar/system}
 * namespace and consumed back within a timeout. Ready is the broker's state counter: 0 ready, else disk full or
 * archive stopped (503 with the reason).
 */
final class BrokersResource
{
    private final MetadataAdmin metadata;
    private final Supplier<MagnetarClient> client;
    private final CountersReader counters;
    private final String topic;
    private final long timeoutMs;
    private final Object healthLock = new Object();

    BrokersResource(
        final MetadataAdmin metadata,
        final Supplier<MagnetarClient> client,
        final CountersReader counters,
        final String brokerName,
        final long timeoutMs)
    {
        this.metadata = metadata;
        this.client = client;
        this.counters = counters;
        this.topic = "persistent://" + MetadataAdmin.SYSTEM_NAMESPACE + "/healthcheck-" + brokerName;
        this.timeoutMs = timeoutMs;
    }

    void register(final Routes routes, final RestAccess access)
    {
        routes.add("GET", "/admin/v2/brokers/health", access.superuser((call) -> health()));
        routes.addOpen("GET", "/admin/v2/brokers/ready", (call) -> ready());
    }

    /**
     * Make the system tenant and namespace the health check uses, if missing.
     *
     * @throws Exception if the broker refused.
     */
    void createSystemNamespace() throws Exception
    {
        if (!metadata.snapshot().tenants().containsKey(MetadataAdmin.SYSTEM_TENANT))
        {
            metadata.createTenant(
                MetadataAdmin.SYSTEM_TENANT, new TenantInfo(List.of(), List.of(metadata.clusterName())));
        }
        if (!metadata.snapshot().namespaces().contains(MetadataAdmin.SYSTEM_NAMESPACE))
        {
            client.get().admin().namespaces().createNamespace(MetadataAdmin.SYSTEM_NAMESPACE);
        }
    }

    private RestResponse ready()
    {
        final int id = findCounter(BrokerCounters.BROKER_STATE_TYPE_ID);
        final long state = CountersReader.NULL_COUNTER_ID == id ? -1 : counters.getCounterValue(id);
        if (0 == state)
        {
            return RestResponse.text("ok");
        }
        throw new RestException(503, -1 == state ? "the broker's state counter is missing" :
            1 == state ? "disk full: sends are refused until space is freed" :
            "archive stopped: nothing can be stored until the broker restarts");
    }

    private RestResponse health() throws MagnetarClientException
    {
        synchronized (healthLock)
        {
            final MagnetarClient magnetar = client.get();
            final byte[] probe = ("health-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
            try (Consumer consumer = magnetar.newConsumer().topic(topic).subscriptionName("healthcheck")
                .subscriptionType(SubscriptionType.EXCLUSIVE).subscriptionInitialPosition(InitialPosition.LATEST)
                .subscribe();
                Producer producer = magnetar.newProducer().topic(topic).create())
            {
                producer.send(probe);
                final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
                long leftNs;
                while ((leftNs = deadlineNs - System.nanoTime()) > 0)
                {
                    final Message message = consumer.receive(leftNs, TimeUnit.NANOSECONDS);
                    if (null == message)
                    {
                        break;
                    }
                    consumer.acknowledge(message.getMessageId());
                    if (Arrays.equals(probe, message.getData()))
                    {
                        return RestResponse.text("ok");
                    }
                }
            }
            throw new RestException(503, "health check failed: the message produced to " + topic +
                " was not consumed within " + timeoutMs + " ms");
        }
    }

    private int findCounter(final int typeId)
    {
        final int[] found = { CountersReader.NULL_COUNTER_ID };
        counters.forEach((counterId, type, keyBuffer, label) ->
        {
            if (type == typeId && CountersReader.NULL_COUNTER_ID == found[0])
            {
                found[0] = counterId;
            }
        });
        return found[0];
    }
}

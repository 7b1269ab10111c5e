package io.magnetar.broker;

import io.aeron.Aeron;
import io.aeron.AeronCounters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The UDP ingress takes its receiver window from {@code magnetar.ingress.receiver.window}: a real broker, read
 * back from the driver's receive channel counter.
 */
@Timeout(60)
class IngressReceiverWindowTest
{
    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        System.clearProperty(BrokerConfiguration.INGRESS_RECEIVER_WINDOW_PROP_NAME);
        if (null != harness)
        {
            harness.close();
        }
    }

    @Test
    void theIngressChannelCarriesTheConfiguredWindow()
    {
        System.setProperty(BrokerConfiguration.INGRESS_RECEIVER_WINDOW_PROP_NAME, "32k");
        harness = new BrokerHarness(dataDir).start();

        final List<String> channels = receiveChannels();
        assertTrue(channels.stream().anyMatch(
            (label) -> label.contains("rcv-wnd=32k") || label.contains("rcv-wnd=32768")), channels.toString());
    }

    @Test
    void aeronsDefaultWindowWhenNotSet()
    {
        harness = new BrokerHarness(dataDir).start();

        final List<String> channels = receiveChannels();
        assertFalse(channels.isEmpty());
        assertFalse(channels.stream().anyMatch((label) -> label.contains("rcv-wnd")), channels.toString());
    }

    private List<String> receiveChannels()
    {
        final List<String> labels = new ArrayList<>();
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.aeronDir)))
        {
            aeron.countersReader().forEach((counterId, typeId, keyBuffer, label) ->
            {
                if (AeronCounters.DRIVER_RECEIVE_CHANNEL_STATUS_TYPE_ID == typeId && label.contains("aeron:udp"))
                {
                    labels.add(label);
                }
            });
        }
        return labels;
    }
}

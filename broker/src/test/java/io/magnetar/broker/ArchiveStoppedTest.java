package io.magnetar.broker;

import io.aeron.Aeron;
import io.aeron.archive.Archive;
import io.aeron.archive.client.AeronArchive;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Producer;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The archive stops recording a shard log behind the broker's back (as it does when a write fails, e.g. on a disk
 * filled by another process): the broker says so in its state counter and its error log, and refuses sends with a
 * clear error instead of taking them and never answering.
 */
class ArchiveStoppedTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/archive-stopped";

    @Test
    void shouldRefuseSendsAndSaySoWhenTheArchiveStopsRecordingALog() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            producer.send("stored".getBytes());
            final long recordingId = client.admin().topics().statsInternal(TOPIC).getShardLog().get("recordingId");

            try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.aeronDir));
                AeronArchive archive = AeronArchive.connect(
                    MagnetarMediaDriver.archiveClientContext(new Archive.Context()).aeron(aeron)))
            {
                assertTrue(archive.tryStopRecordingByIdentity(recordingId));
            }

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (2 != harness.brokerState())
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    fail("the broker did not notice; state " + harness.brokerState());
                }
                Thread.sleep(10);
            }
            final MagnetarClientException refused =
                org.junit.jupiter.api.Assertions.assertThrows(MagnetarClientException.class,
                () -> producer.send("lost?".getBytes()));
            assertEquals(MagnetarClientException.ErrorCode.PERSISTENCE_ERROR, refused.errorCode());
            assertTrue(refused.getMessage().contains("the archive has stopped"), refused.getMessage());
        }
        assertTrue(harness.errors.stream().anyMatch((error) ->
            error.getMessage().contains("the archive stopped recording the log shard-0")), harness.errors.toString());
        assertTrue(harness.logLines.stream().anyMatch((line) -> line.contains("nothing can be stored until the " +
            "broker restarts")), harness.logLines.toString());
    }
}

package io.magnetar.broker;

import io.aeron.Aeron;
import io.aeron.archive.client.AeronArchive;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Producer;
import io.magnetar.codecs.storage.EntryHeaderEncoder;
import io.magnetar.codecs.storage.MessageHeaderEncoder;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import io.magnetar.storage.RecordedLog;
import io.magnetar.storage.StorageException;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A record the broker cannot read stops recovery with an error that names the shard and the position.
 */
@Timeout(60)
class StorageCorruptionTest
{
    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        if (null != harness)
        {
            harness.close();
        }
    }

    @Test
    void shouldRefuseToStartOnUnknownEntryVersionNamingShardAndPosition() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic("corrupt").create())
        {
            for (int i = 0; i < 5; i++)
            {
                producer.send(("m" + i).getBytes(StandardCharsets.UTF_8));
            }
        }
        harness.close();

        final long badPosition = appendRecordOfFutureVersion();

        harness = new BrokerHarness(dataDir);
        final StorageException ex = assertThrows(StorageException.class, harness::start);
        assertTrue(ex.getMessage().contains("shard 0"), ex.getMessage());
        assertTrue(ex.getMessage().contains("position " + badPosition), ex.getMessage());
        assertTrue(ex.getMessage().contains("version 99"), ex.getMessage());
        harness = null;
    }

    private long appendRecordOfFutureVersion()
    {
        final File archiveDir = new File(dataDir, "archive");
        final String aeronDir = io.aeron.CommonContext.generateRandomDirName();
        MagnetarMediaDriver driver = null;
        Aeron aeron = null;
        AeronArchive archive = null;
        try
        {
            driver = MagnetarMediaDriver.launch(new MagnetarMediaDriver.Context()
                .aeronDirectoryName(aeronDir)
                .archiveDir(archiveDir)
                .segmentFileLength(8 * 1024 * 1024)
                .deleteAeronDirOnShutdown(true));
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
            archive = AeronArchive.connect(driver.archiveClientContext().aeron(aeron));
            try (RecordedLog log = RecordedLog.open("shard-0", aeron, archive, archiveDir, 8 * 1024 * 1024,
                BrokerConfiguration.SHARD_LOG_STREAM_ID_BASE, 1024 * 1024))
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
                final EntryHeaderEncoder encoder = new EntryHeaderEncoder();
                encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).topicId(1);
                new MessageHeaderEncoder().wrap(buffer, 0).version(99);
                long position;
                while ((position = log.append(buffer, 0, 100)) < 0)
                {
                    Thread.yield();
                }
                while (log.durablePosition() < log.appendedPosition())
                {
                    Thread.yield();
                }
                return position;
            }
        }
        finally
        {
            CloseHelper.closeAll(archive, aeron, driver);
            IoUtil.delete(new File(aeronDir), true);
        }
    }
}

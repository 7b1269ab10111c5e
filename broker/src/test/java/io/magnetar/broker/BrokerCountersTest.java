package io.magnetar.broker;

import io.aeron.Aeron;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each kind of broker counter has its own type id, so AeronStat can filter by kind; labels stay as they were.
 */
@Timeout(120)
class BrokerCountersTest
{
    @TempDir
    File dataDir;

    private BrokerHarness harness;
    private Aeron aeron;

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(aeron, harness);
    }

    @Test
    void shouldGiveEachKindOfCounterItsOwnTypeId()
    {
        harness = new BrokerHarness(dataDir);
        harness.shardCount = 2;
        harness.start();
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.aeronDir));

        final Map<String, Integer> typeIdByLabel = new HashMap<>();
        aeron.countersReader().forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (label.startsWith("magnetar-"))
            {
                typeIdByLabel.put(label, typeId);
            }
        });

        final Map<String, Integer> expected = new HashMap<>();
        expected.put("magnetar-session: sessions opened", BrokerCounters.SESSIONS_OPENED_TYPE_ID);
        expected.put("magnetar-session: sessions closed", BrokerCounters.SESSIONS_CLOSED_TYPE_ID);
        expected.put("magnetar-session: bad frames", BrokerCounters.BAD_FRAMES_TYPE_ID);
        expected.put("magnetar-broker: errors", BrokerCounters.ERRORS_TYPE_ID);
        expected.put("magnetar-session: ingress back pressure", BrokerCounters.INGRESS_BACK_PRESSURE_TYPE_ID);
        expected.put("magnetar-log-sync: segment file syncs", BrokerCounters.LOG_SYNCS_TYPE_ID);
        expected.put("magnetar-disk: usable bytes of " + new File(dataDir, "archive").getAbsolutePath() +
            " (sends refused below " + BrokerConfiguration.DISK_MIN_FREE_DEFAULT + ")",
            BrokerCounters.ARCHIVE_USABLE_BYTES_TYPE_ID);
        expected.put("magnetar-broker: state (0 ready, 1 disk full, 2 archive stopped)",
            BrokerCounters.BROKER_STATE_TYPE_ID);
        for (int shard = 0; shard < 2; shard++)
        {
            final String prefix = "magnetar-topic-shard-" + shard + ": ";
            expected.put(prefix + "messages in", BrokerCounters.MESSAGES_IN_TYPE_ID);
            expected.put(prefix + "messages out", BrokerCounters.MESSAGES_OUT_TYPE_ID);
            expected.put(prefix + "receipts", BrokerCounters.RECEIPTS_TYPE_ID);
            expected.put(prefix + "log back pressure", BrokerCounters.LOG_BACK_PRESSURE_TYPE_ID);
            expected.put(prefix + "messages held by backlog quota", BrokerCounters.HELD_SENDS_TYPE_ID);
            expected.put(prefix + "duplicate sends", BrokerCounters.DUPLICATE_SENDS_TYPE_ID);
            expected.put(prefix + "shard log synced position", BrokerCounters.LOG_SYNCED_POSITION_TYPE_ID);
            expected.put(prefix + "cursor log synced position", BrokerCounters.LOG_SYNCED_POSITION_TYPE_ID);
            expected.put(prefix + "shard log sync request", BrokerCounters.LOG_SYNC_REQUEST_TYPE_ID);
            expected.put(prefix + "cursor log sync request", BrokerCounters.LOG_SYNC_REQUEST_TYPE_ID);
        }
        assertEquals(expected, typeIdByLabel);
        assertEquals(16, new HashSet<>(expected.values()).size());

        final Set<Integer> messagesIn = new HashSet<>();
        aeron.countersReader().forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (BrokerCounters.MESSAGES_IN_TYPE_ID == typeId)
            {
                messagesIn.add(counterId);
            }
        });
        assertEquals(2, messagesIn.size());
    }
}

package io.magnetar.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading the broker's stats-internal document into the client's typed {@link TopicInternalStats}.
 */
class TopicInternalStatsTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCUMENT = "{\"topic\":\"persistent://public/default/stats\",\"topicId\":3," +
        "\"shard\":1,\"persistent\":true,\"durability\":\"archived\",\"entries\":10,\"entriesAdded\":12," +
        "\"durableEntries\":10,\"bytes\":1234,\"firstPosition\":128,\"lastPosition\":4096,\"producers\":1," +
        "\"relocatedEntries\":2,\"cursors\":{\"s\":{\"subscriptionId\":7,\"connected\":true," +
        "\"readPosition\":4224,\"markDeletePosition\":640,\"backlog\":4,\"individuallyAckedEntries\":1," +
        "\"individuallyDeletedMessages\":[\"[1:1024..1:1024]\"]},\"live\":{\"subscriptionId\":8," +
        "\"connected\":false,\"readPosition\":4224}},\"shardLog\":{\"recordingId\":0,\"startPosition\":0," +
        "\"durablePosition\":4224,\"appendedPosition\":4224,\"bytes\":4224,\"segmentFileLength\":1048576," +
        "\"segments\":1,\"reclaimedBytes\":0,\"compactions\":0,\"relocatedEntries\":0}," +
        "\"cursorLog\":{\"recordingId\":1,\"bytes\":96,\"segments\":1,\"startPosition\":0,\"checkpoints\":0}," +
        "\"indexLog\":{\"recordingId\":2,\"bytes\":0,\"segments\":1,\"snapshots\":0," +
        "\"lastSnapshotShardLogPosition\":-1,\"lastSnapshotBytes\":0}}";

    @Test
    void shouldReadTheTopicItsCursorsAndItsLogs() throws Exception
    {
        final TopicInternalStats stats = TopicInternalStats.fromJson(DOCUMENT);

        assertEquals("persistent://public/default/stats", stats.getTopic());
        assertEquals(3, stats.getTopicId());
        assertEquals(1, stats.getShard());
        assertTrue(stats.isPersistent());
        assertEquals(Durability.ARCHIVED, stats.getDurability());
        assertEquals(10, stats.getEntries());
        assertEquals(12, stats.getEntriesAdded());
        assertEquals(10, stats.getDurableEntries());
        assertEquals(1234, stats.getBytes());
        assertEquals(128, stats.getFirstPosition());
        assertEquals(4096, stats.getLastPosition());
        assertEquals(1, stats.getProducers());
        assertEquals(2, stats.getRelocatedEntries());

        assertEquals(List.of("s", "live"), List.copyOf(stats.getCursors().keySet()));
        final TopicInternalStats.CursorStats durable = stats.getCursors().get("s");
        assertEquals(7, durable.getSubscriptionId());
        assertTrue(durable.isConnected());
        assertTrue(durable.isDurable());
        assertEquals(4224, durable.getReadPosition());
        assertEquals(640, durable.getMarkDeletePosition());
        assertEquals(4, durable.getBacklog());
        assertEquals(1, durable.getIndividuallyAckedEntries());
        assertEquals(List.of("[1:1024..1:1024]"), durable.getIndividuallyDeletedMessages());
        final TopicInternalStats.CursorStats live = stats.getCursors().get("live");
        assertFalse(live.isDurable());
        assertFalse(live.isConnected());
        assertEquals(-1, live.getMarkDeletePosition());
        assertEquals(-1, live.getBacklog());
        assertEquals(List.of(), live.getIndividuallyDeletedMessages());

        assertEquals(1, stats.getShardLog().get("segments"));
        assertEquals(1_048_576, stats.getShardLog().get("segmentFileLength"));
        assertEquals(Map.of("recordingId", 1L, "bytes", 96L, "segments", 1L, "startPosition", 0L, "checkpoints", 0L),
            stats.getCursorLog());
        assertEquals(-1, stats.getIndexLog().get("lastSnapshotShardLogPosition"));
        assertThrows(UnsupportedOperationException.class, () -> stats.getCursors().clear());
        assertThrows(UnsupportedOperationException.class, () -> stats.getShardLog().clear());
    }

    @Test
    void shouldGiveTheDocumentAsTheBrokerIndentsIt() throws Exception
    {
        final String brokerText = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(DOCUMENT));

        assertEquals(brokerText, TopicInternalStats.fromJson(brokerText).toJson());
    }

    @Test
    void shouldReadAMemoryTopicAndMissingFieldsAsNone()
    {
        final TopicInternalStats stats = TopicInternalStats.fromJson(
            "{\"topic\":\"non-persistent://public/default/t\",\"persistent\":false,\"durability\":\"memory\"}");

        assertFalse(stats.isPersistent());
        assertEquals(Durability.MEMORY, stats.getDurability());
        assertEquals(-1, stats.getEntries());
        assertEquals(Map.of(), stats.getCursors());
        assertEquals(Map.of(), stats.getShardLog());
        assertNull(TopicInternalStats.fromJson("{\"topic\":\"t\"}").getDurability());
    }

    @Test
    void shouldRefuseDocumentsItCannotRead()
    {
        assertThrows(IllegalArgumentException.class, () -> TopicInternalStats.fromJson(null));
        assertThrows(IllegalArgumentException.class, () -> TopicInternalStats.fromJson("not json"));
        assertThrows(IllegalArgumentException.class, () -> TopicInternalStats.fromJson("{\"entries\":1}"));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> TopicInternalStats.fromJson(DOCUMENT.replace("\"entries\":10", "\"entries\":\"ten\"")));
        assertTrue(ex.getMessage().contains("entries is not a whole number"), ex.getMessage());
    }
}

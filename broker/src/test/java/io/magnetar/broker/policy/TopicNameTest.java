package io.magnetar.broker.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicNameTest
{
    @Test
    void shouldParseFullAndShortNames()
    {
        final TopicName full = TopicName.parse("persistent://public/default/demo");
        assertTrue(full.isPersistent());
        assertEquals("public/default", full.namespaceName());
        assertEquals("demo", full.localName());

        final TopicName shortName = TopicName.parse("demo");
        assertEquals(full, shortName);

        final TopicName nonPersistent = TopicName.parse("non-persistent://acme/ns/t-1.a_b");
        assertFalse(nonPersistent.isPersistent());
        assertEquals("acme", nonPersistent.tenant());
        assertEquals("non-persistent://acme/ns/t-1.a_b", nonPersistent.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "persistent://", "persistent://a/b", "persistent://a/b/c/d", "persistent://a//c", "kafka://a/b/c",
        "persistent://a/b/c d", "a/b", "persistent://a/b/\u00e9" })
    void shouldRejectBadNames(final String name)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> TopicName.parse(name));
        assertFalse(ex.getMessage().isEmpty());
    }

    @Test
    void shouldRejectOverlongNames()
    {
        assertThrows(IllegalArgumentException.class, () -> TopicName.parse("t".repeat(TopicName.MAX_LENGTH + 1)));
    }
}

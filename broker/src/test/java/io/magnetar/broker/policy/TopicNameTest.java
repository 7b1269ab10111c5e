package io.magnetar.broker.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
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
        assertEquals(full, TopicName.parse("public/default/demo"));
        assertEquals("persistent://acme/ns/t", TopicName.parse("acme/ns/t").toString());

        final TopicName nonPersistent = TopicName.parse("non-persistent://acme/ns/t-1.a_b");
        assertFalse(nonPersistent.isPersistent());
        assertEquals("acme", nonPersistent.tenant());
        assertEquals("non-persistent://acme/ns/t-1.a_b", nonPersistent.toString());
        assertEquals("ns", nonPersistent.namespace());
        assertEquals("t-1.a_b", nonPersistent.localName());

        // a run of one namespace shares its strings; another namespace after it gets its own
        final TopicName other = TopicName.parse("persistent://acme/ns2/t");
        assertEquals("acme/ns2", other.namespaceName());
        assertSame(nonPersistent.tenant(), other.tenant());
        assertEquals("acme/ns", TopicName.parse("persistent://acme/ns/u").namespaceName());
        assertEquals("public/default", TopicName.parse("persistent://public/default/x").namespaceName());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "persistent://", "persistent://a/b", "persistent://a/b/c/d", "persistent://a//c", "kafka://a/b/c",
        "persistent://a/b/c d", "a/b", "a/b/c/d", "a//c", "/a/b", "persistent://a/b/\u00e9" })
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

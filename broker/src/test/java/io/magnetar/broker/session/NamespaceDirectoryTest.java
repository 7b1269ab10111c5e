package io.magnetar.broker.session;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NamespaceDirectoryTest
{
    @Test
    void shouldListTenantsNamespacesSortedAndOnlyTheirs()
    {
        final NamespaceDirectory directory = new NamespaceDirectory(Set.of("public/default", "publicity/a"));
        directory.add("public/zeta");
        directory.add("public/alpha");

        assertEquals(List.of("public/alpha", "public/default", "public/zeta"),
            List.copyOf(directory.namespacesOf("public")));
        assertEquals(List.of("publicity/a"), List.copyOf(directory.namespacesOf("publicity")));
        assertTrue(directory.contains("public/zeta"));
        assertFalse(directory.contains("public/beta"));
    }
}

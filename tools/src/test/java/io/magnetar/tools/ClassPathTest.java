package io.magnetar.tools;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The command line does not carry the benchmark stack: {@code bin/magnetar perf} loads the perf module on its own.
 */
class ClassPathTest
{
    @Test
    void shouldNotHavePerfJmhXchartOrPdfboxOnTheClassPath()
    {
        for (final String className : new String[]{
            "io.magnetar.perf.PerfCommand",
            "org.openjdk.jmh.Main",
            "org.knowm.xchart.XYChart",
            "org.apache.pdfbox.pdmodel.PDDocument" })
        {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(className), className);
        }
    }
}

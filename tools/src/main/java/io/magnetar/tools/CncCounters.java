package io.magnetar.tools;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The counters of a media driver, read from its {@code cnc.dat} as Aeron's {@code AeronStat} reads them, without
 * connecting a client.
 */
final class CncCounters implements AutoCloseable
{
    private static final long DRIVER_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(10);

    private final MappedByteBuffer mapping;
    private final CountersReader counters;
    private final long pid;

    private CncCounters(final MappedByteBuffer mapping)
    {
        this.mapping = mapping;
        final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(mapping);
        CncFileDescriptor.checkVersion(metaData.getInt(CncFileDescriptor.cncVersionOffset(0)));
        counters = new CountersReader(
            CncFileDescriptor.createCountersMetaDataBuffer(mapping, metaData),
            CncFileDescriptor.createCountersValuesBuffer(mapping, metaData));
        pid = metaData.getLong(CncFileDescriptor.pidOffset(0));
    }

    /**
     * @param aeronDir of the driver.
     * @return its counters.
     * @throws IllegalStateException if there is no driver's file, naming the directory.
     */
    static CncCounters open(final String aeronDir)
    {
        final File cncFile = new File(aeronDir, CncFileDescriptor.CNC_FILE);
        if (!cncFile.exists() || cncFile.length() <= CncFileDescriptor.META_DATA_LENGTH)
        {
            throw new IllegalStateException("no media driver in " + aeronDir + " (no " + CncFileDescriptor.CNC_FILE +
                "); give the broker's --aeron-dir");
        }
        final MappedByteBuffer mapping = IoUtil.mapExistingFile(cncFile, "cnc");
        try
        {
            return new CncCounters(mapping);
        }
        catch (final RuntimeException ex)
        {
            IoUtil.unmap(mapping);
            throw new IllegalStateException("cannot read " + cncFile + ": " + ex.getMessage(), ex);
        }
    }

    CountersReader reader()
    {
        return counters;
    }

    long pid()
    {
        return pid;
    }

    /**
     * @return true if the driver's heartbeat is recent.
     */
    boolean isDriverActive()
    {
        return CommonContext.isDriverActive(DRIVER_TIMEOUT_MS, CncCounters::quiet, mapping);
    }

    /**
     * @param typeId of the counter.
     * @return the id of the first counter of that type, or {@link CountersReader#NULL_COUNTER_ID}.
     */
    int findByType(final int typeId)
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

    public void close()
    {
        IoUtil.unmap(mapping);
    }

    private static void quiet(final String message)
    {
    }
}

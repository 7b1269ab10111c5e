package io.magnetar.broker.shard;

import io.magnetar.codecs.storage.EntryHeaderDecoder;
import io.magnetar.codecs.storage.MessageHeaderDecoder;
import io.magnetar.storage.EntryHandler;
import io.magnetar.storage.LogReader;
import org.agrona.DirectBuffer;

/**
 * Reads the publish time of a stored entry from the shard log.
 */
class PublishTimeReader
{
    private final LogReader entryReader;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final EntryHeaderDecoder entryDecoder = new EntryHeaderDecoder();
    private final EntryHandler handler = this::onEntry;
    private long publishTime;

    PublishTimeReader(final LogReader entryReader)
    {
        this.entryReader = entryReader;
    }

    /**
     * @return the publish time of the stored entry with a message id, or {@link Long#MAX_VALUE} if it cannot be
     * read yet.
     */
    long publishTimeOf(final Topic topic, final long messageId, final long durablePosition)
    {
        publishTime = Long.MAX_VALUE;
        entryReader.read(topic.location(messageId), durablePosition, handler);

        return publishTime;
    }

    /**
     * @param topic           to look in.
     * @param publishTime     to find.
     * @param durablePosition of the entry log: only entries below it are read.
     * @return the ordinal of the first stored entry published at or after a time: the time index gives the block,
     * read forward from there.
     */
    long firstOrdinalPublishedAt(final Topic topic, final long publishTime, final long durablePosition)
    {
        long ordinal = topic.index.firstOrdinalPublishedAtOrAfter(publishTime);
        while (ordinal < topic.durableEntries)
        {
            if (publishTimeOf(topic, topic.index.position(ordinal), durablePosition) >= publishTime)
            {
                break;
            }
            ordinal++;
        }

        return ordinal;
    }

    private void onEntry(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        headerDecoder.wrap(buffer, offset);
        entryDecoder.wrap(
            buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        entryDecoder.topicId();
        entryDecoder.sequenceId();
        publishTime = entryDecoder.publishTime();
    }
}

package io.magnetar.client;

import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.ControlledMessageHandler;

/**
 * A consumer's way in for messages: the ring the conductor writes pushed frames to, and the reading of it that hands
 * messages out, one at a time or to a poll's handler, unpacking batches and putting chunked messages together; a
 * message delivered again too often goes to the dead letter topic instead. Used under the consumer's receive lock,
 * apart from {@link #write(DirectBuffer, int, int)}, the conductor's, which the ring makes safe.
 */
final class MessageIntake
{
    private final ConsumerImpl consumer;
    private final String topic;
    private final String subscription;
    private final ReceiveRing ring;
    private final MessageView view = new MessageView();
    private final ReceiveRing.FrameHandler ringHandler = this::onFrame;
    private final EntryUnpacker unpacker;
    private final ChunkAssembler chunks;
    private final DeadLetters deadLetters;
    private final ConsumerAcks acks;
    private final boolean isReader;
    private final ErrorHandler errorHandler;
    private MessageHandler pollHandler;
    private Message received;
    private int taken;
    private int takeLimit;
    private int framesTaken;
    private volatile int lastReadShard = -1; // readers only: the shard of what they handed out, once they have

    MessageIntake(
        final ConsumerImpl consumer,
        final String topic,
        final String subscription,
        final ReceiveRing ring,
        final EntryUnpacker unpacker,
        final ChunkAssembler chunks,
        final DeadLetters deadLetters,
        final ConsumerAcks acks,
        final ConsumerSettings settings,
        final ErrorHandler errorHandler)
    {
        this.consumer = consumer;
        this.topic = topic;
        this.subscription = subscription;
        this.ring = ring;
        this.unpacker = unpacker;
        this.chunks = chunks;
        this.deadLetters = deadLetters;
        this.acks = acks;
        this.isReader = !settings.start.durable;
        this.errorHandler = errorHandler;
        view.partitionIndex(PartitionFactory.partitionIndexOf(topic));
    }

    /**
     * Conductor: a pushed frame.
     *
     * @return false if the ring had no room (the broker pushed more than permitted).
     */
    boolean write(final DirectBuffer buffer, final int offset, final int length)
    {
        return ring.write(buffer, offset, length);
    }

    /**
     * Hand at most {@code limit} messages to a handler, or make a {@link Message} of one when the handler is null
     * ({@link #takeReceived()}).
     *
     * @param handler of a poll, or null.
     * @param limit   most messages.
     * @return messages taken; {@link #framesTaken()} says how many frames of the ring that freed.
     */
    int read(final MessageHandler handler, final int limit)
    {
        try
        {
            pollHandler = handler;
            taken = 0;
            takeLimit = limit;
            framesTaken = 0;
            chunks.expire();
            handOutUnpacked(); // what is left of a batch goes first
            if (taken < limit && !unpacker.hasNext())
            {
                ring.read(ringHandler, limit - taken);
                if (taken < limit && !unpacker.hasNext())
                {
                    ring.read(ringHandler, limit - taken); // past the padding where the ring wraps
                }
            }

            return taken;
        }
        finally
        {
            pollHandler = null;
        }
    }

    /**
     * @return frames of the ring the last {@link #read(MessageHandler, int)} freed.
     */
    int framesTaken()
    {
        return framesTaken;
    }

    /**
     * @return the message the last read without a handler made, or null; once.
     */
    Message takeReceived()
    {
        final Message message = received;
        received = null;
        return message;
    }

    /**
     * @return a reader's: the shard of the last message handed out, or -1.
     */
    int lastReadShard()
    {
        return lastReadShard;
    }

    /**
     * Drop everything pushed and not handed out, half-unpacked batches and half-built chunked messages included: the
     * broker delivers them again (a restored session, a seek).
     */
    void discardAll()
    {
        ring.discard();
        unpacker.clear();
        chunks.clear();
    }

    /**
     * The consumer closed.
     */
    void close()
    {
        if (null != deadLetters)
        {
            deadLetters.close();
        }
        ring.clearOverflow();
    }

    private ControlledMessageHandler.Action onFrame(
        final DirectBuffer frameBuffer, final int frameOffset, final int frameLength)
    {
        framesTaken++;
        view.wrap(topic, frameBuffer, frameOffset);
        if (view.entryNumChunks() > 0)
        {
            if (chunks.onChunk(view, frameBuffer, frameOffset, frameLength, System.nanoTime()))
            {
                taken++;
                handOut();
            }
        }
        else if (view.isPlainEntry())
        {
            taken++;
            handOut();
        }
        else
        {
            final String invalid = unpacker.load(view, frameBuffer, frameOffset, frameLength);
            if (null != invalid)
            {
                discard(invalid);
            }
            else
            {
                handOutUnpacked();
            }
        }

        return taken >= takeLimit || unpacker.hasNext() ?
            ControlledMessageHandler.Action.BREAK : ControlledMessageHandler.Action.CONTINUE;
    }

    private void handOutUnpacked()
    {
        while (taken < takeLimit && unpacker.next(view))
        {
            taken++;
            handOut();
        }
    }

    private void handOut()
    {
        if (isReader)
        {
            lastReadShard = view.shard(); // a reader resumes after what it was pushed when its session is restored
        }
        if (null != deadLetters && deadLetters.isDeadLetter(view))
        {
            taken--;
            if (!deadLetters.divert(view, acks, consumer.restoredEpoch(), errorHandler))
            {
                consumer.watchTimersQuietly(); // given back: it comes again once its delay passed
            }
            return;
        }
        if (acks.tracksAckTimeout())
        {
            acks.onHandedOut(view.shard(), view.position());
        }
        final MessageHandler handler = pollHandler;
        if (null == handler)
        {
            received = view.toMessage();
        }
        else
        {
            handler.onMessage(view);
        }
    }

    /**
     * An entry the consumer cannot read (a producer's malformed batch or compressed payload): it is acknowledged, as
     * Pulsar discards a corrupted message, so it does not come back, and the error goes to the client's handler.
     */
    private void discard(final String why)
    {
        final int shard = view.shard();
        final long position = view.position();
        errorHandler.onError(new MagnetarClientException("consumer on topic '" + topic + "' subscription '" +
            subscription + "': discarded the entry at " + shard + ":" + position + ", which cannot be read: " + why));
        consumer.ackDropped(shard, position);
    }
}

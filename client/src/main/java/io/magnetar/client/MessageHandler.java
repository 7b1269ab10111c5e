package io.magnetar.client;

/**
 * Called by {@link Consumer#poll(MessageHandler, int)} for each message, on the polling thread, as Aeron's
 * {@code FragmentHandler} is. The view is valid only during the call: copy what must outlive it.
 */
@FunctionalInterface
public interface MessageHandler
{
    /**
     * A message was taken from the consumer's queue.
     *
     * @param message a flyweight over the message, reused for the next one.
     */
    void onMessage(MessageView message);
}

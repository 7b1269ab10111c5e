package io.magnetar.client;

/**
 * A producer or consumer the {@link SessionReconnector} creates again on a restored session. An abstract class rather
 * than an interface so these methods stay inside the package.
 */
abstract class Restorable
{
    /**
     * Create it again on the restored session and bring it up to date (resend kept sends, grant permits).
     *
     * @param deadlineNs bound on the restore.
     * @param epoch      of the reconnect attempt; from then on its frames go out.
     * @throws MagnetarClientException if the broker refused it or did not answer in time.
     */
    abstract void restore(long deadlineNs, long epoch) throws MagnetarClientException;

    /**
     * @param epoch of the reconnect attempt.
     * @return true if it needs nothing more in this attempt: restored in it, or closed.
     */
    abstract boolean isRestoredIn(long epoch);

    /**
     * The broker refused it for good after a reconnect: close it and fail what waits.
     *
     * @param reason for the failures.
     */
    abstract void onRestoreFailed(String reason);
}

package io.magnetar.broker.shard;

import io.magnetar.broker.SessionEgress;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The client sessions that have used this shard, by session key. A session is added with its first command and
 * removed when the session agent says it has ended.
 */
final class ShardSessions
{
    private final Long2ObjectHashMap<ShardSession> sessionByKey = new Long2ObjectHashMap<>();

    /**
     * @return the session of an answer channel, added if new.
     */
    ShardSession session(final SessionEgress egress)
    {
        ShardSession session = sessionByKey.get(egress.sessionKey);
        if (null == session)
        {
            session = new ShardSession(egress);
            sessionByKey.put(egress.sessionKey, session);
        }

        return session;
    }

    /**
     * @return the session with a key, or null if it has ended.
     */
    ShardSession find(final long sessionKey)
    {
        return sessionByKey.get(sessionKey);
    }

    /**
     * @return the ended session, now closed, or null if it never used this shard.
     */
    ShardSession remove(final SessionEgress egress)
    {
        final ShardSession session = sessionByKey.remove(egress.sessionKey);
        if (null != session)
        {
            session.close();
        }

        return session;
    }
}

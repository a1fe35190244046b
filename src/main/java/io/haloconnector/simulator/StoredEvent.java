package io.haloconnector.simulator;

import java.util.Comparator;

/**
 * One event as the store keeps it: its serialized JSON plus the few attributes that sorting and
 * the query filters need, so that serving never parses JSON.
 *
 * @param createdAtMicros created_at in microseconds since the epoch (the sort key)
 * @param id              the event id (the tie-break within one created_at)
 * @param type            lower-case event type, or "" when absent
 * @param critical        the critical flag, or null when absent
 * @param serverId        server_id, or null
 * @param groupId         the server group's id, or null
 * @param platform        lower-case server_platform, or null
 * @param slab            the array holding the event as compact UTF-8 JSON, often shared with other events
 * @param offset          where the event's JSON starts in {@code slab}
 * @param length          the length of the event's JSON
 */
record StoredEvent(long createdAtMicros, String id, String type, Boolean critical, String serverId, String groupId,
                   String platform, byte[] slab, int offset, int length) {

    static final Comparator<StoredEvent> ORDER =
            Comparator.comparingLong(StoredEvent::createdAtMicros).thenComparing(StoredEvent::id);

    void copyJsonTo(byte[] target, int at) {
        System.arraycopy(slab, offset, target, at, length);
    }
}

package io.haloconnector.halo;

/**
 * An event of a page that cannot be delivered, kept aside with what an operator needs to look at
 * it: where it was in the page, why it was refused, and its bytes as Halo sent them, cut at
 * {@code halo.event.maxBytes} (a cut never splits a UTF-8 character).
 *
 * @param position its place in the page's events array, 1 for the first
 * @param id       its id when it has a usable one, else null
 * @param reason   why it is not delivered
 * @param detail   what exactly was wrong, in a few words (never the event's content)
 * @param size     its full size in bytes
 * @param raw      its first bytes (all of them when {@code raw.length == size})
 * @param sha256   the SHA-256 of all its bytes, in hex: the same event met again is recognised by it
 */
public record BadEvent(int position, String id, Reason reason, String detail, long size, byte[] raw, String sha256) {

    /** Why an event is set aside. */
    public enum Reason {
        NO_ID("no id"),
        BAD_CREATED_AT("bad created_at"),
        TOO_LARGE("too large"),
        TOO_DEEP("too deep");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        /** As the dead-letter file and the log say it, e.g. {@code bad created_at}. */
        public String text() {
            return text;
        }

        /** As the metric's {@code reason} label says it, e.g. {@code bad_created_at}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** True when {@link #raw} holds only the first bytes of the event. */
    public boolean cut() {
        return raw.length < size;
    }
}

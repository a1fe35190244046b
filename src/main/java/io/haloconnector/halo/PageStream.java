package io.haloconnector.halo;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * An events page's HTTP body on its way to the JSON parser, keeping only the bytes the parser may
 * still need: those of the event it is in (so that event can be passed on as Halo sent it), and
 * otherwise the last {@link #TAIL} bytes read (the parser's own read-ahead). Memory stays bounded
 * whatever the body holds: once an event grows past {@code maxEventBytes}, the next read throws
 * {@link EventTooLarge} instead of keeping more.
 * <p>
 * Offsets count the bytes handed to the parser since the last {@link #restart}, as the parser's
 * own byte offsets do. A restart puts bytes back in front of the rest of the body, for a new
 * parser that continues after an event the old one could not get past.
 */
final class PageStream extends InputStream {
    /** Bytes per read: the parser reads ahead at most one read, so {@link #TAIL} covers it. */
    private static final int CHUNK = 8 * 1024;
    /** What is kept outside an event: more than the parser can have read and not yet used. */
    private static final int TAIL = 8 * CHUNK;

    private final InputStream body;
    private final int maxEventBytes;
    private byte[] replay = new byte[0];
    private int replayAt;
    private byte[] window = new byte[2 * TAIL];
    private int head; // where the bytes held start in window
    private long windowStart; // the offset of window[head]
    private int windowLength;
    private long eventStart = -1; // -1: not in an event

    PageStream(InputStream body, int maxEventBytes) {
        this.body = body;
        this.maxEventBytes = maxEventBytes;
    }

    int maxEventBytes() {
        return maxEventBytes;
    }

    /** The parser is at the event's first byte, at {@code offset}: its bytes are kept from here on. */
    void eventStarts(long offset) {
        if (offset < windowStart || offset > windowStart + windowLength) {
            throw new IllegalStateException("the page's bytes at offset " + offset + " are no longer held");
        }
        drop(offset);
        eventStart = offset;
    }

    /** The event ended just before {@code offset}: its bytes. */
    byte[] eventEnds(long offset) {
        byte[] event = Arrays.copyOfRange(window, index(eventStart), index(offset));
        eventStart = -1;
        drop(offset);
        return event;
    }

    /**
     * Hands back the bytes held from the current event's start on, read or not by the parser, and
     * forgets them: the caller goes on reading the event with {@link #readBody}.
     */
    byte[] takeEventBytes() {
        byte[] held = Arrays.copyOfRange(window, index(eventStart), head + windowLength);
        eventStart = -1;
        drop(windowStart + windowLength);
        return held;
    }

    /** Reads past the parser (which is abandoned): bytes put back by a restart first, then the body. */
    int readBody(byte[] buffer, int offset, int length) throws IOException {
        if (replayAt < replay.length) {
            int n = Math.min(length, replay.length - replayAt);
            System.arraycopy(replay, replayAt, buffer, offset, n);
            replayAt += n;
            return n;
        }
        return body.read(buffer, offset, length);
    }

    /**
     * Starts over at offset 0 for a new parser: it reads {@code prefix}, then {@code rest} (bytes
     * already taken from the body), then the body's remaining bytes.
     */
    void restart(byte[] prefix, byte[] rest, int restFrom, int restLength) {
        int left = replay.length - replayAt;
        byte[] next = new byte[prefix.length + restLength + left];
        System.arraycopy(prefix, 0, next, 0, prefix.length);
        System.arraycopy(rest, restFrom, next, prefix.length, restLength);
        System.arraycopy(replay, replayAt, next, prefix.length + restLength, left);
        replay = next;
        replayAt = 0;
        head = 0;
        windowStart = 0;
        windowLength = 0;
        eventStart = -1;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (eventStart >= 0 && windowStart + windowLength - eventStart > (long) maxEventBytes + TAIL) {
            throw new EventTooLarge(); // more than the event's limit plus any read-ahead past its end
        }
        int n = readBody(buffer, offset, Math.min(length, CHUNK));
        if (n > 0) {
            keep(buffer, offset, n);
        }
        return n;
    }

    private void keep(byte[] bytes, int offset, int n) {
        if (eventStart < 0) {
            drop(windowStart + windowLength + n - TAIL);
        }
        if (head + windowLength + n > window.length) {
            // bytes are moved only when the array is full, not at every event
            byte[] target = windowLength + n > window.length / 2 ? new byte[Math.max(2 * window.length, windowLength + n)] : window;
            System.arraycopy(window, head, target, 0, windowLength);
            window = target;
            head = 0;
        }
        System.arraycopy(bytes, offset, window, head + windowLength, n);
        windowLength += n;
    }

    /** Forgets the bytes before {@code offset}. */
    private void drop(long offset) {
        int gone = (int) Math.min(windowLength, Math.max(0, offset - windowStart));
        head += gone;
        windowLength -= gone;
        windowStart += gone;
    }

    private int index(long offset) {
        return head + (int) (offset - windowStart);
    }

    /** An event passed the size limit while the parser was reading it. */
    static final class EventTooLarge extends IOException {
        EventTooLarge() {
            super("an event is larger than halo.event.maxBytes");
        }
    }
}

package io.haloconnector.state;

/** The state is held by a running connector (its state folder's lock): one line saying so. */
public class StateLockedException extends StateException {
    public StateLockedException(String message) {
        super(message, null);
    }
}

package io.haloconnector.ops;

/** Bad input to a command: its message is the one line the user sees, and the exit code is 2. */
public final class CommandLineException extends RuntimeException {
    public CommandLineException(String message) {
        super(message);
    }
}

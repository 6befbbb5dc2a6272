package org.emomc4j.util;

/**
 * A mistake of the user's, not of the toolkit: a bad option or value, a file that is not what it
 * should be, a run directory that refuses to be resumed or is locked by another process. The
 * command line reports it as one message and exits with 2; any other exception is a bug and is
 * reported with its stack trace (exit 1). The message names the bad input and the fix.
 *
 * <p>It extends {@link IllegalArgumentException} so that library callers (notebooks, tests)
 * that catch argument errors keep working.
 */
public class UserError extends IllegalArgumentException {
    public UserError(String message) { super(message); }

    public UserError(String message, Throwable cause) { super(message, cause); }
}

package org.imgpipe.base;

/**
 * A problem the user can fix (bad config key, missing fold, unreadable model file). Jobs print its
 * one-line message without a stack trace and exit with {@link ExitCodes#USER_ERROR}.
 */
public class UserError extends RuntimeException {
    /** @param message the one line the job prints: what is wrong and how to fix it */
    public UserError(String message) {
        super(message);
    }

    /**
     * @param message the one line the job prints: what is wrong and how to fix it
     * @param cause the underlying exception, kept for debugging (jobs do not print it)
     */
    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.imgpipe.base;

/**
 * A problem the user can fix (bad config key, missing fold, unreadable model file). Jobs print its
 * one-line message without a stack trace and exit with {@link ExitCodes#USER_ERROR}.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}

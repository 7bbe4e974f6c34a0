package org.imgpipe.base;

/** Exit codes shared by every job, so schedulers can tell a user's mistake from a failure. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Any unexpected failure (bug, cluster problem). */
    public static final int FAILURE = 1;
    /** Bad arguments, config, data layout or input files: fix the input and rerun. */
    public static final int USER_ERROR = 2;
    /** Retrain: the new model did not pass the promotion gate; the current model stays. */
    public static final int KEPT_CURRENT = 3;
    /** Retrain: another run holds the lock; nothing was done. */
    public static final int LOCKED = 4;

    private ExitCodes() {
    }
}

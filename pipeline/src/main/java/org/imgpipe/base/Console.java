package org.imgpipe.base;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The lines a job shows its user on the driver's terminal: progress, results and one-line errors. Library
 * events (a learning-rate drop, a lock taken over) go to SLF4J instead, so a deployment routes or silences
 * them with its logging configuration; what a user asked the job for always reaches the console.
 * Thread-safe: progress lines come from timer threads.
 */
public final class Console {
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param out where results and progress go
     * @param err where error lines go
     */
    public Console(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** @return a console on the JVM's standard output and error streams, as they are now */
    public static Console system() {
        return new Console(System.out, System.err);
    }

    /**
     * Prints text and ends the line; text holding line breaks (a table) is printed as it is.
     *
     * @param text the line(s), without the final line break
     */
    public void line(String text) {
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }

    /**
     * Prints one formatted line ({@link String#format} in the root locale, so figures read the same everywhere).
     *
     * @param format the format, without the final line break
     * @param args   its arguments
     */
    public void format(String format, Object... args) {
        line(String.format(Locale.ROOT, format, args));
    }

    /**
     * Prints an error line on the error stream.
     *
     * @param text the line, without the final line break
     */
    public void error(String text) {
        synchronized (err) {
            err.println(text);
            err.flush();
        }
    }

    /**
     * Prints a throwable's stack trace on the error stream, for failures that are not the user's.
     *
     * @param t the failure
     */
    public void stackTrace(Throwable t) {
        synchronized (err) {
            t.printStackTrace(err);
            err.flush();
        }
    }
}

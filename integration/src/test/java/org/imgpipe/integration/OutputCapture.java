package org.imgpipe.integration;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * Everything a job prints while it is open: System.out, System.err (still passed on) and the log4j
 * log Spark, Hadoop and DL4J write, so that a test can check what a user would see.
 */
final class OutputCapture implements AutoCloseable {
    private final StringWriter log = new StringWriter();
    private final StringBuilder printed = new StringBuilder();
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final WriterAppender appender;

    OutputCapture() {
        System.setOut(tee(out));
        System.setErr(tee(err));
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        appender = WriterAppender.newBuilder().setName("capture").setTarget(log)
                .setLayout(PatternLayout.newBuilder().withPattern("%p %c: %m%n%ex").build()).build();
        appender.start();
        config.getRootLogger().addAppender(appender, null, null);
        ctx.updateLoggers();
    }

    private PrintStream tee(PrintStream original) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (printed) {
                    printed.append((char) b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (printed) {
                    printed.append(new String(b, off, len, StandardCharsets.UTF_8));
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    /** What was printed and logged so far. */
    String text() {
        synchronized (printed) {
            return printed + "\n" + log;
        }
    }

    @Override
    public void close() {
        System.setOut(out);
        System.setErr(err);
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().removeAppender(appender.getName());
        ctx.updateLoggers();
        appender.stop();
    }
}

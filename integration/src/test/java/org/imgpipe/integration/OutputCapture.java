package org.imgpipe.integration;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.imgpipe.base.Console;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * What a user would see of a run while it is open: the lines the workflows show on their {@link #console()},
 * whatever anything else (Hadoop, the AWS SDK) writes to System.out and System.err (both still passed on),
 * and the log4j log Spark, Hadoop, DL4J and the library write.
 */
final class OutputCapture implements AutoCloseable {
    private final StringWriter log = new StringWriter();
    private final ByteArrayOutputStream shown = new ByteArrayOutputStream();
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final Console console;
    private final WriterAppender appender;

    OutputCapture() {
        System.setOut(tee(out));
        System.setErr(tee(err));
        console = new Console(System.out, System.err);
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
                synchronized (shown) {
                    shown.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (shown) {
                    shown.write(b, off, len);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    /** @return the console to hand to the run */
    Console console() {
        return console;
    }

    /** What was shown and logged so far. */
    String text() {
        synchronized (shown) {
            return shown.toString(StandardCharsets.UTF_8) + "\n" + log;
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

package org.imgpipe.jobs;

import org.imgpipe.base.Console;
import org.imgpipe.base.ExitCodes;
import org.imgpipe.base.UserError;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobRunnerTest {
    @Test
    void exitCodesTellUserErrorsFromFailures() {
        assertEquals(ExitCodes.KEPT_CURRENT, JobRunner.run("t", new String[]{"-Dpipeline.train.epochs=2"}, List.of(),
                (config, args, console) -> {
                    assertEquals(2, config.train().epochs());
                    return ExitCodes.KEPT_CURRENT;
                }));
        assertEquals(ExitCodes.USER_ERROR, JobRunner.run("t", new String[]{"--config"}, List.of(),
                (config, args, console) -> ExitCodes.OK));
    }

    @Test
    void aUserErrorIsOneLineAndAFailureShowsItsStackTrace() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Console console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(ExitCodes.USER_ERROR, JobRunner.run("t", new String[]{"-Dpipeline.train.epoch=2"}, List.of(),
                (config, args, c) -> ExitCodes.OK, console));
        String userError = err.toString(StandardCharsets.UTF_8);
        assertTrue(userError.startsWith("t: error: ") && userError.contains("pipeline.train.epoch"), userError);
        assertEquals(1, userError.lines().count(), userError);
        err.reset();
        assertEquals(ExitCodes.FAILURE, JobRunner.run("t", new String[0], List.of(), (config, args, c) -> {
            c.line("started");
            throw new IllegalStateException("bug");
        }, console));
        String failure = err.toString(StandardCharsets.UTF_8);
        assertTrue(failure.startsWith("t: failed: java.lang.IllegalStateException: bug\n"), failure);
        assertTrue(failure.contains("\tat org.imgpipe.jobs.JobRunnerTest"), failure);
        assertEquals("started\n", out.toString(StandardCharsets.UTF_8), "results go to the output stream");
    }

    @Test
    void argumentsSplitIntoConfigOverridesAndTheRest() {
        JobArgs a = JobArgs.parse("--config", "x.conf", "-Da.b=c=d", "--resume", "in", "out");
        assertEquals("x.conf", a.configFile());
        assertEquals("c=d", a.overrides().get("a.b"));
        assertEquals(java.util.List.of("--resume", "in", "out"), a.rest());
    }

    @Test
    void jobOptionsAreShorthandsForConfigOverrides() {
        List<JobOption> options = List.of(JobOption.value("--input", "pipeline.score.input"),
                JobOption.flag("--incremental", "pipeline.score.incremental"));
        JobArgs a = JobArgs.parse(options, "--input", "hdfs://nn/dump/*", "--incremental", "list");
        assertEquals("hdfs://nn/dump/*", a.overrides().get("pipeline.score.input"));
        assertEquals("true", a.overrides().get("pipeline.score.incremental"));
        assertEquals(List.of("list"), a.rest());
        assertEquals("d", JobArgs.parse(options, "--input=d").overrides().get("pipeline.score.input"));
        UserError e = assertThrows(UserError.class, () -> JobArgs.parse(options, "--input"));
        assertEquals("--input needs a value (it sets pipeline.score.input)", e.getMessage());
    }
}

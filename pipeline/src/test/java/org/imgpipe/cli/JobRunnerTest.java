package org.imgpipe.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JobRunnerTest {
    @Test
    void exitCodesTellUserErrorsFromFailures() {
        assertEquals(ExitCodes.OK, JobRunner.run("t", new String[]{"-Dpipeline.train.epochs=2"},
                (config, args) -> assertEquals(2, config.train().epochs())));
        assertEquals(ExitCodes.USER_ERROR, JobRunner.run("t", new String[]{"-Dpipeline.train.epoch=2"},
                (config, args) -> { }));
        assertEquals(ExitCodes.USER_ERROR, JobRunner.run("t", new String[]{"--config"}, (config, args) -> { }));
        assertEquals(ExitCodes.FAILURE, JobRunner.run("t", new String[0], (config, args) -> {
            throw new IllegalStateException("bug");
        }));
    }

    @Test
    void argumentsSplitIntoConfigOverridesAndTheRest() {
        JobArgs a = JobArgs.parse("--config", "x.conf", "-Da.b=c=d", "--resume", "in", "out");
        assertEquals("x.conf", a.configFile());
        assertEquals("c=d", a.overrides().get("a.b"));
        assertEquals(java.util.List.of("--resume", "in", "out"), a.rest());
    }
}

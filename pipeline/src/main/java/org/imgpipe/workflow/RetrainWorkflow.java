package org.imgpipe.workflow;

import org.imgpipe.base.EvaluationMetric;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.imgpipe.config.RetrainOptions;
import org.imgpipe.eval.ClassificationMetrics;
import org.imgpipe.io.Locations;
import org.imgpipe.registry.ModelRegistry;
import org.imgpipe.registry.RunLock;
import org.imgpipe.retrain.Decision;
import org.imgpipe.retrain.PromotionGate;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Scheduled retraining under a lock: ingest (so new images are included), train (registering a new
 * version), evaluate the new and the current version on the same split, promote the new one only if
 * it passes the {@link PromotionGate}, and keep a decision record.
 */
public final class RetrainWorkflow {
    static final String LOCK_FILE = "retrain.lock";
    private final RunContext run;

    /**
     * @param run the run's context: configuration, session, Hadoop configuration, locations
     */
    public RetrainWorkflow(RunContext run) {
        this.run = run;
    }

    /** Runs one retraining; the decision, or empty when another run holds the lock. */
    public Optional<Decision> run() throws IOException {
        Configuration conf = run.hadoop();
        Workspace ws = run.workspace();
        RetrainOptions options = run.config().retrain();
        Locations.requireWritable(ws.registry(), "pipeline.registry.dir", conf);
        try (RunLock lock = RunLock.acquire(new Path(ws.registry(), LOCK_FILE),
                Duration.ofHours(options.lockMaxAgeHours()), conf)) {
            return Optional.of(retrain(ws, options, conf));
        } catch (RunLock.HeldException e) {
            run.console().line("Retrain skipped: " + e.getMessage());
            return Optional.empty();
        }
    }

    private Decision retrain(Workspace ws, RetrainOptions options, Configuration conf) throws IOException {
        ModelRegistry registry = new ModelRegistry(ws.registry(), conf);
        Optional<String> current = registry.currentId();
        new IngestWorkflow(run).run();
        // Before training: a model must not be registered, let alone promoted, that cannot be evaluated.
        new EvaluateWorkflow(run).requireSplit();
        String candidate = new TrainWorkflow(run).run().version().id();
        String split = run.config().eval().split();
        Map<String, Double> candidateMetrics = evaluate(registry, candidate, ws);
        registry.attach(candidate, "evaluation-" + split + ".json",
                ModelRegistry.json(candidateMetrics));
        Decision d;
        if (current.isEmpty()) {
            // TrainWorkflow made the registry's first version current.
            d = decision(Decision.PROMOTED, "no current version before this run", candidate, null, split, options,
                    candidateMetrics, Map.of());
        } else {
            Map<String, Double> currentMetrics = evaluate(registry, current.get(), ws);
            PromotionGate.Verdict v = new PromotionGate(options.metric(), options.margin())
                    .decide(candidateMetrics, currentMetrics);
            if (v.promote()) {
                registry.promote(candidate, "retrain: " + v.reason());
            }
            d = decision(v.promote() ? Decision.PROMOTED : Decision.KEPT_CURRENT, v.reason(), candidate,
                    current.get(), split, options, candidateMetrics, currentMetrics);
        }
        Path record = registry.recordDecision(candidate, d);
        run.console().format("Retrain decision: %s %s (%s); record: %s", d.outcome(), candidate, d.reason(),
                Locations.display(record));
        return d;
    }

    private Map<String, Double> evaluate(ModelRegistry registry, String id, Workspace ws) throws IOException {
        ClassificationMetrics m = new EvaluateWorkflow(run).evaluate(registry.modelFile(id),
                new Path(new Path(new Path(ws.evalOutput(), "versions"), id), run.config().eval().split())).metrics();
        Map<String, Double> out = new LinkedHashMap<>();
        for (EvaluationMetric e : EvaluationMetric.values()) {
            out.put(e.key(), m.value(e));
        }
        out.put("loss", m.loss());
        out.put("count", (double) m.count());
        return out;
    }

    private static Decision decision(String outcome, String reason, String candidate, String current, String split,
                                     RetrainOptions o, Map<String, Double> cand, Map<String, Double> cur) {
        return new Decision(Instant.now().toString(), outcome, reason, candidate, current, split, o.metric().key(),
                o.margin(), cand, cur);
    }
}

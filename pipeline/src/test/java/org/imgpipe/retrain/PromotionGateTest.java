package org.imgpipe.retrain;

import org.imgpipe.base.EvaluationMetric;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromotionGateTest {
    private static Map<String, Double> metrics(double accuracy, double macroF1) {
        return Map.of("accuracy", accuracy, "macro_f1", macroF1);
    }

    @Test
    void promotesOnlyWhenNotWorseThanTheCurrentModelByMoreThanTheMargin() {
        PromotionGate strict = new PromotionGate(EvaluationMetric.ACCURACY, 0);
        assertTrue(strict.decide(metrics(0.80, 0.1), metrics(0.79, 0.9)).promote());
        assertTrue(strict.decide(metrics(0.79, 0.1), metrics(0.79, 0.9)).promote(), "equal is not worse");
        PromotionGate.Verdict worse = strict.decide(metrics(0.78, 0.9), metrics(0.79, 0.1));
        assertFalse(worse.promote());
        assertEquals("accuracy 0.7800 < current 0.7900 - margin 0.0000", worse.reason());
        assertTrue(new PromotionGate(EvaluationMetric.ACCURACY, 0.02).decide(metrics(0.78, 0), metrics(0.79, 0)).promote());
        assertFalse(new PromotionGate(EvaluationMetric.MACRO_F1, 0).decide(metrics(0.9, 0.5), metrics(0.1, 0.6)).promote());
    }

    @Test
    void aMissingOrUndefinedMetricIsAnError() {
        PromotionGate gate = new PromotionGate(EvaluationMetric.WEIGHTED_F1, 0);
        assertThrows(IllegalArgumentException.class, () -> gate.decide(metrics(0.8, 0.8), metrics(0.7, 0.7)));
        assertThrows(IllegalArgumentException.class, () -> new PromotionGate(EvaluationMetric.ACCURACY, 0)
                .decide(metrics(Double.NaN, 0), metrics(0.7, 0.7)));
    }
}

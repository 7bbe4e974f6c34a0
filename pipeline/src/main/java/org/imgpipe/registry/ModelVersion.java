package org.imgpipe.registry;

import java.util.List;
import java.util.Map;

/**
 * What the registry records about one trained model: its id and creation time, what it predicts
 * (class names in label order, input size), the fingerprints of the folds it was trained and
 * validated on, its metrics and the configuration of the run that made it.
 */
public record ModelVersion(String id, String created, List<String> classNames, int imageSize,
                           Map<String, String> dataFingerprint, Map<String, Double> metrics, String config) {

    /** A version yet to be registered: the registry assigns the id and the time. */
    public static ModelVersion draft(List<String> classNames, int imageSize, Map<String, String> dataFingerprint,
                                     Map<String, Double> metrics, String config) {
        return new ModelVersion(null, null, classNames, imageSize, dataFingerprint, metrics, config);
    }

    ModelVersion registeredAs(String newId, String time) {
        return new ModelVersion(newId, time, classNames, imageSize, dataFingerprint, metrics, config);
    }
}

package org.imgpipe.model.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

import java.util.Collection;
import java.util.Map;

/**
 * The configuration of a batch-norm layer that runs as {@link FastBatchNormalizationLayer}. It is
 * DL4J's BatchNormalization configuration with another class name: saved models name this class in
 * their JSON (DL4J records layer classes by name), so loading them needs this library on the
 * classpath.
 */
public class FastBatchNormalization extends BatchNormalization {

    /** For JSON. */
    public FastBatchNormalization() {
    }

    /** The same settings as a stock configuration (copied through DL4J's own JSON mapping). */
    public static FastBatchNormalization of(BatchNormalization stock) {
        ObjectMapper json = NeuralNetConfiguration.mapper();
        ObjectNode node = json.valueToTree(stock);
        node.put("@class", FastBatchNormalization.class.getName());
        try {
            return json.treeToValue(node, FastBatchNormalization.class);
        } catch (Exception e) {
            throw new IllegalStateException("cannot copy the batch-norm configuration", e);
        }
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        LayerValidation.assertNOutSet("BatchNormalization", getLayerName(), layerIndex, getNOut());
        FastBatchNormalizationLayer layer = new FastBatchNormalizationLayer(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        ParamInitializer init = initializer();
        Map<String, INDArray> params = init.init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }
}

package org.imgpipe.model;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.imgpipe.config.ModelOptions;
import org.imgpipe.config.ModelOptions.Regularizer;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.config.TrainOptions;
import org.imgpipe.model.fast.ElasticNetRegularization;
import org.imgpipe.model.fast.FastBatchNormalization;
import org.imgpipe.model.fast.FastConvolution;
import org.imgpipe.model.fast.FastLayers;
import org.imgpipe.model.fast.FastReLU;
import org.imgpipe.model.fast.FastRmsProp;
import org.imgpipe.model.fast.FastSubsampling;
import org.imgpipe.model.fast.FoldedModelS;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The reference notebook's "Model S" as a DL4J graph that takes raw 0..255 pixels, channels first. Keras'
 * regularizers add l2*sum(w^2) to the loss while DL4J's add 0.5*l2*sum(w^2), so L2 is passed doubled.
 */
public final class ModelS {
    public static final String INPUT = "input";
    public static final String OUTPUT = "predictions";
    /** The layer whose activations feed the output layer. */
    public static final String PENULTIMATE = "dense";
    public static final int CHANNELS = 3;
    /**
     * Channels-first, as DL4J's layers are configured: the images and the last pooling's output are NCHW, and
     * in between the fast layers pass oneDNN's channel blocks ({@code nChw16c}) where oneDNN runs AVX-512.
     * Flattening is in (c, h, w) order rather than
     * Keras' (h, w, c), a fixed permutation of the dense layer's inputs that changes nothing for a model
     * trained here.
     */
    public static final CNN2DFormat FORMAT = CNN2DFormat.NCHW;

    private static final double BN_EPSILON = 1e-3;

    private ModelS() {
    }

    /**
     * Hyper-parameters that vary between runs. The reference uses batch-norm momentum 0.99; tiny data
     * sets give the moving statistics too few updates to converge with it.
     *
     * @param imageSize         the side of the square input images, in pixels
     * @param numClasses        the number of classes (output units)
     * @param seed              the seed of the initial weights
     * @param learningRate      RMSProp's learning rate
     * @param rho               RMSProp's decay of the squared-gradient average
     * @param epsilon           RMSProp's epsilon (inside the square root, as Keras)
     * @param batchNormMomentum Keras' batch-norm momentum (DL4J's decay)
     * @param dropout           Keras' Dropout rate on the flattened activations (fraction zeroed in training), 0..1
     *                          excluded
     * @throws IllegalArgumentException when {@code dropout} is outside 0..1 (1 excluded)
     * @param conv              the kernel penalty of the convolutions (Keras semantics)
     * @param dense             the kernel penalty of the dense and output layers (Keras semantics)
     */
    public record Spec(int imageSize, int numClasses, long seed, double learningRate, double rho, double epsilon,
                       double batchNormMomentum, double dropout, Regularizer conv, Regularizer dense) {
        public Spec {
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + dropout);
            }
        }

        /**
         * The model a fresh run of a configuration trains.
         *
         * @param config     the validated configuration (image size, seed, RMSProp, model settings)
         * @param numClasses the number of classes
         * @return the spec
         */
        public static Spec of(PipelineConfig config, int numClasses) {
            TrainOptions train = config.train();
            ModelOptions model = config.model();
            return new Spec(config.data().imageSize(), numClasses, train.seed(), train.learningRate(), train.rho(),
                    train.epsilon(), model.batchNormMomentum(), model.dropout(), model.conv(), model.dense());
        }

        /**
         * The reference notebook's settings (the defaults of {@code conf/application.conf}) for a number of classes.
         *
         * @param numClasses the number of classes
         * @param seed       the seed of the initial weights
         * @return batch-norm momentum 0.99, dropout 0.5, RMSProp 1e-3/0.9/1e-7, penalties L1 1e-5 / L2 1e-4 on the
         *     convolutions and L1 1e-3 / L2 1e-2 on the dense layers, 32x32 images
         */
        public static Spec reference(int numClasses, long seed) {
            return of(PipelineConfig.of(Map.of("pipeline.train.seed", seed)), numClasses);
        }

        /** @return {@link #reference(int, long)} for 10 classes and seed 42 */
        public static Spec reference() {
            return reference(10, 42);
        }
    }

    /**
     * The network's input type: square RGB images in {@link #FORMAT}, i.e. minibatches of shape
     * {@code [N, 3, imageSize, imageSize]} (NCHW floats 0..255).
     *
     * @param imageSize the side of the square images, in pixels
     * @return DL4J's convolutional input type for that size
     */
    public static InputType inputType(int imageSize) {
        return InputType.convolutional(imageSize, imageSize, CHANNELS, FORMAT);
    }

    /**
     * The Model S graph, layer for layer as in the Keras notebook: rescaling by 1/255, two blocks of two 3x3
     * "valid" convolutions (32, 64, then 128, 128 filters, ReLU, each followed by batch norm) and a 2x2 max pool,
     * flatten, dropout ({@code spec.dropout()}, 0.5 in the reference), dense 512 (ReLU) and a softmax output
     * trained with cross-entropy (MCXENT); RMSProp,
     * Glorot-uniform weights and L1/L2 penalties converted from Keras' definitions (see the class comment).
     * Input {@code [N, 3, S, S]} NCHW floats 0..255, output {@code [N][numClasses]} probabilities.
     *
     * @param spec the image size, class count, seed, optimizer, batch-norm, dropout and penalty settings
     * @return the configuration; the fast RMSProp, ReLU and penalties are chosen when
     *     {@code NativeRuntime.fastPathEnabled()}, the stock DL4J ones otherwise
     */
    public static ComputationGraphConfiguration configuration(Spec spec) {
        long side = FoldedModelS.pooledSide(spec.imageSize());
        return new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .updater(rmsProp(spec))
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .convolutionMode(ConvolutionMode.Truncate)
                // Without a cache mode DL4J's convolution layers run their forward convolution again in
                // backprop: caching the pre-activations saves a quarter of the convolution work per step.
                .cacheMode(CacheMode.DEVICE)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(inputType(spec.imageSize()))
                .addVertex("rescaling", new ScaleVertex(FoldedModelS.INPUT_SCALE), INPUT)
                // Between conv2d_1's output and pool_2's input the activations stay in oneDNN's channel blocks,
                // the convolutions' own layout, so that no convolution reorders them (see ChannelBlocks).
                .addLayer("conv2d_1", firstConv(32, spec.conv()), "rescaling")
                .addLayer("bn_1", batchNorm(spec.batchNormMomentum()), "conv2d_1")
                .addLayer("conv2d_2", conv(64, spec.conv()), "bn_1")
                .addLayer("bn_2", batchNorm(spec.batchNormMomentum()), "conv2d_2")
                .addLayer("pool_1", maxPool(true), "bn_2")
                .addLayer("conv2d_3", conv(128, spec.conv()), "pool_1")
                .addLayer("bn_3", batchNorm(spec.batchNormMomentum()), "conv2d_3")
                .addLayer("conv2d_4", conv(128, spec.conv()), "bn_3")
                .addLayer("bn_4", batchNorm(spec.batchNormMomentum()), "conv2d_4")
                .addLayer("pool_2", maxPool(false), "bn_4")
                // Explicit, so dropout acts on the flat vector as in Keras.
                .addVertex("flatten", new PreprocessorVertex(new CnnToFeedForwardPreProcessor(side, side, 128,
                        FORMAT)), "pool_2")
                // DL4J's dropout argument is the probability of keeping an activation.
                .addLayer("dropout", new DropoutLayer.Builder(1 - spec.dropout()).build(), "flatten")
                .addLayer(PENULTIMATE, penalized(FastLayers.dense(new DenseLayer.Builder().nOut(512)
                        .activation(relu()).build()), spec.dense()), "dropout")
                .addLayer(OUTPUT, penalized(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(spec.numClasses()).activation(Activation.SOFTMAX).build(), spec.dense()), PENULTIMATE)
                .setOutputs(OUTPUT)
                .build();
    }

    /**
     * A new, initialized Model S with fresh weights drawn from {@code spec.seed()}.
     *
     * @param spec the hyper-parameters, as for {@link #configuration(Spec)}
     * @return the initialized graph
     */
    public static ComputationGraph build(Spec spec) {
        ComputationGraph graph = new ComputationGraph(configuration(spec));
        graph.init();
        return graph;
    }

    /**
     * The fast RMSProp step, activation and penalties are chosen here, when the model is configured:
     * unlike the layers' helpers they are part of the configuration, so a model keeps what it was built
     * with.
     */
    private static RmsProp rmsProp(Spec spec) {
        return NativeRuntime.fastPathEnabled() ? new FastRmsProp(spec.learningRate(), spec.rho(), spec.epsilon())
                : new RmsProp(spec.learningRate(), spec.rho(), spec.epsilon());
    }

    /** The first convolution: its input is the images (NCHW), whose gradient nothing reads. */
    private static ConvolutionLayer firstConv(int filters, Regularizer penalty) {
        FastConvolution layer = conv(filters, penalty);
        layer.setInputGradientNeeded(false);
        layer.setBlockedInput(false);
        return layer;
    }

    /**
     * A convolution between blocked activations. DL4J's fallback to its own code after a helper's exception
     * would read them as NCHW, so it is off: the exception stops training instead.
     */
    private static FastConvolution conv(int filters, Regularizer penalty) {
        FastConvolution layer = penalized(FastLayers.convolution(new ConvolutionLayer.Builder(3, 3).nOut(filters)
                .activation(relu()).cudnnAllowFallback(false).build()), penalty);
        layer.setBlockedInput(true);
        layer.setBlockedOutput(true);
        return layer;
    }

    private static IActivation relu() {
        return NativeRuntime.fastPathEnabled() ? new FastReLU() : new ActivationReLU();
    }

    /** Keras' l1 and l2 penalties on the layer's weights (DL4J's l2 coefficient is twice Keras'). */
    private static <T extends BaseLayer> T penalized(T layer, Regularizer penalty) {
        double l1 = penalty.l1();
        double l2 = penalty.l2();
        layer.setRegularization(NativeRuntime.fastPathEnabled()
                ? new ArrayList<>(List.of(new ElasticNetRegularization(l1, 2 * l2)))
                : new ArrayList<>(List.of(new L1Regularization(l1), new L2Regularization(2 * l2))));
        return layer;
    }

    /** A batch norm between blocked activations, without DL4J's fallback (see {@link #conv}). */
    private static BatchNormalization batchNorm(double momentum) {
        FastBatchNormalization layer = FastLayers.batchNormalization(new BatchNormalization.Builder().decay(momentum)
                .eps(BN_EPSILON).activation(Activation.IDENTITY).cudnnAllowFallback(false).build());
        layer.setBlocked(true);
        return layer;
    }

    /** A pooling of blocked activations that returns them blocked, or NCHW for the flattening after it. */
    private static SubsamplingLayer maxPool(boolean blockedOutput) {
        FastSubsampling layer = FastLayers.subsampling(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2)
                .stride(2, 2).build());
        layer.setBlockedInput(true);
        layer.setBlockedOutput(blockedOutput);
        return layer;
    }
}

package org.imgpipe.model.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * DL4J's convolution layer with {@link OneDnnConvolutionHelper} as its helper, in front of the one DL4J
 * chose (libnd4j's oneDNN ops): DL4J keeps the parameters, the activation, the caching of
 * pre-activations and every path the helper does not take. Installed when the fast path is on
 * ({@code NativeRuntime.fastPathEnabled()} when the layer is created), the network is float, oneDNN's
 * presets load, and {@value #CONVOLUTION_PROPERTY} is not {@code libnd4j}.
 */
public class FastConvolutionLayer extends ConvolutionLayer {
    /** System property: {@code onednn} (the default) or {@code libnd4j} (DL4J's helper for every call). */
    public static final String CONVOLUTION_PROPERTY = "imgpipe.convolution";
    /**
     * System property: {@code winograd} (the default: Winograd's algorithm where oneDNN has it, direct elsewhere) or
     * {@code direct}, for the convolutions on oneDNN; read once per JVM.
     */
    public static final String ALGORITHM_PROPERTY = "imgpipe.convolution-algorithm";

    /**
     * Creates the layer as DL4J's does and puts the oneDNN helper in front of DL4J's.
     *
     * @param conf the layer's configuration
     * @param dataType the network's data type
     * @throws IllegalArgumentException when {@value #CONVOLUTION_PROPERTY} is neither onednn nor libnd4j, or for
     *                                  blocked activations with DL4J's fallback on or channels that do not fill
     *                                  whole blocks
     */
    public FastConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        if (oneDnnRuns(dataType)) {
            FastConvolution c = (FastConvolution) conf.getLayer();
            boolean blocks = ChannelBlocks.enabled(dataType);
            boolean blockedInput = c.isBlockedInput() && blocks;
            boolean blockedOutput = c.isBlockedOutput() && blocks;
            if (blockedInput || blockedOutput) {
                ChannelBlocks.requireConfigured("convolution " + c.getLayerName(), c.isCudnnAllowFallback(),
                        blockedInput ? c.getNIn() : 0, blockedOutput ? c.getNOut() : 0);
            }
            helper = new OneDnnConvolutionHelper(helper, c.isInputGradientNeeded(), blockedInput, blockedOutput);
        }
    }

    /**
     * @param dataType the network's data type
     * @return whether the oneDNN helper runs a layer created now: the fast path on, a float network,
     *     {@value #CONVOLUTION_PROPERTY} onednn and oneDNN's presets loaded
     * @throws IllegalArgumentException when the property is neither onednn nor libnd4j
     */
    static boolean oneDnnRuns(DataType dataType) {
        return NativeRuntime.fastPathEnabled() && dataType == DataType.FLOAT && oneDnnChosen()
                && OneDnnResources.available();
    }

    /**
     * @return whether {@value #ALGORITHM_PROPERTY} lets oneDNN's convolutions use Winograd's algorithm
     * @throws IllegalArgumentException when the property is neither winograd nor direct
     */
    static boolean winogradChosen() {
        return firstChosen(ALGORITHM_PROPERTY, "winograd", "direct");
    }

    /**
     * @return whether {@value #CONVOLUTION_PROPERTY} lets convolutions run on oneDNN
     * @throws IllegalArgumentException when the property is neither onednn nor libnd4j
     */
    static boolean oneDnnChosen() {
        return firstChosen(CONVOLUTION_PROPERTY, "onednn", "libnd4j");
    }

    /** Whether a two-valued system property holds its first value, the default; any third value is refused. */
    private static boolean firstChosen(String property, String first, String second) {
        String choice = System.getProperty(property, first);
        if (!choice.equals(first) && !choice.equals(second)) {
            throw new IllegalArgumentException(property + " must be " + first + " or " + second + ", not '" + choice
                    + "'");
        }
        return choice.equals(first);
    }
}

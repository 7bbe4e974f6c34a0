package org.imgpipe.model.fast;

import org.bytedeco.dnnl.memory;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * oneDNN's channel-blocked activation layout, which Model S's convolutions, batch norms and poolings pass
 * between each other instead of NCHW where oneDNN runs AVX-512: an array shaped {@code [N, C, H, W]} whose
 * floats lie as {@code [N, C/16, H, W, 16]} ({@code nChw16c}, the layout oneDNN's AVX-512 convolutions pick).
 * In NCHW every convolution reordered its input, its output and both gradients to and from that layout, 8.5 ms
 * of a 45 ms step of oneDNN work (batch 32, 2 threads, {@code DNNL_VERBOSE}). Below AVX-512 the activations stay
 * NCHW: oneDNN's AVX2 kernels block by 8 channels, a layout this library has not measured. Only the layers of
 * this package that a model configures for it read such arrays; an array's shape does not tell its layout, so
 * neighbouring layers must agree (see {@code ModelS}).
 */
final class ChannelBlocks {
    /** b, the channels per block. */
    static final int SIZE = 16;

    private ChannelBlocks() {
    }

    /**
     * Whether layers created now may pass blocked activations: the fast path is on, the network is float,
     * oneDNN's presets load, the convolutions run on them ({@link FastConvolutionLayer#oneDnnChosen()}) and oneDNN
     * runs AVX-512. Every layer of a network decides with this when it is created, so neighbours agree; a layer
     * configured for blocked activations runs NCHW when it answers false.
     *
     * @param dataType the network's data type
     * @return true when blocked activations may be used
     * @throws IllegalArgumentException when {@value FastConvolutionLayer#CONVOLUTION_PROPERTY} is invalid
     */
    static boolean enabled(DataType dataType) {
        return FastConvolutionLayer.oneDnnRuns(dataType) && NativeRuntime.oneDnnUsesAvx512();
    }

    /**
     * Checks a layer configured for blocked activations when it is created.
     *
     * @param layer           the layer, for the message
     * @param fallbackAllowed whether DL4J may run its own code for the layer, which would read the blocks as NCHW
     * @param channels        the channel counts of its blocked sides (0 for an NCHW side)
     * @throws IllegalArgumentException when the fallback is allowed or a count is not a multiple of {@link #SIZE}
     */
    static void requireConfigured(String layer, boolean fallbackAllowed, long... channels) {
        boolean whole = Arrays.stream(channels).allMatch(ChannelBlocks::fits);
        if (fallbackAllowed || !whole) {
            throw new IllegalArgumentException(layer + " on channel-blocked activations needs no fallback to DL4J's "
                    + "own code, which reads NCHW (cudnnAllowFallback false), and channels in whole blocks of "
                    + SIZE + ", not " + Arrays.toString(channels));
        }
    }

    /**
     * @param channels C
     * @return whether C channels fill whole blocks: oneDNN pads a last partial block, and would write past an ND4J
     *     array of C channels
     */
    static boolean fits(long channels) {
        return channels % SIZE == 0;
    }

    /**
     * @param x    an array a layer got as blocked activations
     * @param what the layer, for the message
     * @return x
     * @throws IllegalStateException unless x is dense floats {@code [N, C, H, W]} with C a multiple of {@link #SIZE}:
     *                               a copy or view in another order would scramble the blocks
     */
    static INDArray require(INDArray x, String what) {
        if (x.rank() != 4 || !FloatArrays.isDenseFloat(x) || !fits(x.size(1))) {
            throw new IllegalStateException(what + " of channel-blocked activations needs dense floats [N, C, H, W], C"
                    + " a multiple of " + SIZE + ", not " + x.dataType() + " " + Arrays.toString(x.shape())
                    + (FloatArrays.isDenseFloat(x) ? "" : " (not dense)"));
        }
        return x;
    }

    /**
     * @param blocked whether the activations are blocked
     * @return oneDNN's layout of {@code [N, C, H, W]} activations: {@code nChw16c}, or {@code nchw}
     */
    static memory.format_tag tag(boolean blocked) {
        return blocked ? memory.format_tag.nChw16c : memory.format_tag.nchw;
    }

    /**
     * An NCHW copy of blocked activations.
     *
     * @param blocked {@code [N, C, H, W]} dense floats in blocks, C a multiple of {@link #SIZE}
     * @return a new NCHW copy outside any workspace
     * @throws IllegalStateException as {@link #require}
     */
    static INDArray toPlain(INDArray blocked) {
        require(blocked, "a copy");
        INDArray plain = Nd4j.createUninitializedDetached(DataType.FLOAT, blocked.shape());
        copy(blocked, plain, false);
        return plain;
    }

    /**
     * A blocked copy of NCHW activations.
     *
     * @param plain        {@code [N, C, H, W]} floats in any ordering, C a multiple of {@link #SIZE}
     * @param workspaceMgr where the copy is allocated
     * @param type         the copy's array type there
     * @return a blocked copy
     * @throws IllegalStateException when C is not a multiple of {@link #SIZE}
     */
    static INDArray toBlocked(INDArray plain, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
        INDArray dense = require(FloatArrays.dense(plain), "a copy");
        INDArray blocked = workspaceMgr.createUninitialized(type, DataType.FLOAT, plain.shape(), 'c');
        copy(dense, blocked, true);
        return blocked;
    }

    /** Copies between the layouts: plain element (n, c, s) is blocked element (n, c / b, s, c % b). */
    private static void copy(INDArray from, INDArray to, boolean toBlocks) {
        int n = (int) from.size(0);
        int c = (int) from.size(1);
        int s = (int) (from.size(2) * from.size(3));
        int b = SIZE;
        FloatBuffer src = FloatArrays.view(from);
        FloatBuffer dst = FloatArrays.view(to);
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int plainAt = (i * c + ch) * s;
                int blockedAt = (i * c + ch / b * b) * s + ch % b;
                for (int p = 0; p < s; p++) {
                    if (toBlocks) {
                        dst.put(blockedAt + p * b, src.get(plainAt + p));
                    } else {
                        dst.put(plainAt + p, src.get(blockedAt + p * b));
                    }
                }
            }
        }
    }
}

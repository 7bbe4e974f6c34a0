package org.imgpipe.model.fast;

import org.bytedeco.dnnl.memory;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * oneDNN's channel-blocked activation layout, which Model S's convolutions, batch norms and poolings pass
 * between each other instead of NCHW where oneDNN runs AVX-512: an array shaped {@code [N, C, H, W]} whose
 * floats lie as {@code [N, C/16, H, W, 16]} ({@code nChw16c}, the layout oneDNN's AVX-512 convolutions pick).
 * In NCHW every convolution reordered its input, its output and both gradients to and from that layout, 8.5 ms
 * of a 45 ms step of oneDNN work (batch 32, 2 threads, {@code DNNL_VERBOSE}). Below AVX-512 the activations stay
 * NCHW: oneDNN's AVX2 batch norm accumulates with less precision (a 16x32x30x30 batch's variances 4e-5 from
 * double arithmetic, against 1.7e-6 with AVX-512 and 1.3e-6 in the Java batch norm), which moved Model S's
 * gradients 0.5 % from DL4J's. Only the layers of this package that a model configures for it read such
 * arrays; an array's shape does not tell its layout, so neighbouring layers must agree (see {@code ModelS}).
 */
final class ChannelBlocks {
    /** b, the channels per block. */
    static final int SIZE = 16;
    private ChannelBlocks() {
    }

    /**
     * Whether layers created now may pass blocked activations: the fast path is on, oneDNN's presets load, the
     * convolutions run on them ({@link FastConvolutionLayer#oneDnnChosen()}) and oneDNN runs AVX-512. Every layer
     * of a network decides with this when it is created, so neighbours agree; a layer configured for blocked
     * activations runs NCHW when it answers false.
     *
     * @return true when blocked activations may be used
     * @throws IllegalArgumentException when {@value FastConvolutionLayer#CONVOLUTION_PROPERTY} is invalid
     */
    static boolean enabled() {
        return NativeRuntime.fastPathEnabled() && NativeRuntime.oneDnnUsesAvx512()
                && FastConvolutionLayer.oneDnnChosen() && OneDnnResources.available();
    }


    /**
     * @param blocked whether the activations are blocked
     * @return oneDNN's layout of {@code [N, C, H, W]} activations: {@code nChw16c}, or {@code nchw}
     */
    static memory.format_tag tag(boolean blocked) {
        return blocked ? memory.format_tag.nChw16c : memory.format_tag.nchw;
    }

    /**
     * @param blocked {@code [N, C, H, W]} dense floats in blocks, C a multiple of {@link #SIZE}
     * @return a new NCHW copy outside any workspace
     */
    static INDArray toPlain(INDArray blocked) {
        INDArray plain = Nd4j.createUninitializedDetached(DataType.FLOAT, blocked.shape());
        copy(blocked, plain, false);
        return plain;
    }

    /**
     * @param plain        {@code [N, C, H, W]} floats, C a multiple of {@link #SIZE}
     * @param workspaceMgr where the copy is allocated
     * @param type         the copy's array type there
     * @return a blocked copy
     */
    static INDArray toBlocked(INDArray plain, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
        INDArray dense = FloatArrays.isDenseFloat(plain) ? plain : plain.castTo(DataType.FLOAT).dup('c');
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

package org.imgpipe.model.fast;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * 2x2 max pooling at stride 2 over dense NCHW floats with even H and W, planes (one image's channel)
 * in pieces, in parallel where the thread's task has several threads ({@link FloatArrays#indices}). The
 * gradient goes to the first maximum of each window in row-major order, as in oneDNN's and libnd4j's max
 * pooling. A NaN in a window makes its maximum NaN and sends its gradient
 * to the window's last element (oneDNN compares with {@code >} and skips NaN): Model S's activations
 * hold none unless training has already diverged.
 */
final class JavaMaxPool2x2 {
    private JavaMaxPool2x2() {
    }

    /**
     * @param x   the input, dense float {@code [N, C, H, W]}, H and W even
     * @param out written: dense float {@code [N, C, H/2, W/2]}, each element its window's maximum
     */
    static void forward(INDArray x, INDArray out) {
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int plane = h * w;
        int pooled = plane / 4;
        FloatBuffer xb = FloatArrays.view(x);
        FloatBuffer ob = FloatArrays.view(out);
        forEachPlanes((int) (x.size(0) * x.size(1)), plane, (first, count) -> {
            float[] a = FloatArrays.scratch(0, count * plane);
            float[] o = FloatArrays.scratch(1, count * pooled);
            xb.get(first * plane, a, 0, count * plane);
            int k = 0;
            for (int row = 0; row < count * h; row += 2) {
                int r0 = row * w;
                int r1 = r0 + w;
                for (int c = 0; c < w; c += 2) {
                    o[k++] = Math.max(Math.max(a[r0 + c], a[r0 + c + 1]), Math.max(a[r1 + c], a[r1 + c + 1]));
                }
            }
            ob.put(first * pooled, o, 0, count * pooled);
        });
    }

    /**
     * @param x  the forward pass's input, dense float {@code [N, C, H, W]}, H and W even
     * @param dy the gradient at the output, dense float {@code [N, C, H/2, W/2]}
     * @param dx written: the gradient at the input, {@code [N, C, H, W]}: each dy element at its window's
     *           first maximum, zero elsewhere
     */
    static void backward(INDArray x, INDArray dy, INDArray dx) {
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int plane = h * w;
        int pooled = plane / 4;
        FloatBuffer xb = FloatArrays.view(x);
        FloatBuffer dyb = FloatArrays.view(dy);
        FloatBuffer dxb = FloatArrays.view(dx);
        forEachPlanes((int) (x.size(0) * x.size(1)), plane, (first, count) -> {
            float[] a = FloatArrays.scratch(0, count * plane);
            float[] g = FloatArrays.scratch(1, count * pooled);
            xb.get(first * plane, a, 0, count * plane);
            dyb.get(first * pooled, g, 0, count * pooled);
            int k = 0;
            for (int row = 0; row < count * h; row += 2) {
                int r0 = row * w;
                int r1 = r0 + w;
                for (int c = 0; c < w; c += 2) {
                    float v00 = a[r0 + c];
                    float v01 = a[r0 + c + 1];
                    float v10 = a[r1 + c];
                    float v11 = a[r1 + c + 1];
                    float m = Math.max(Math.max(v00, v01), Math.max(v10, v11));
                    float d = g[k++];
                    boolean at00 = v00 == m;
                    boolean at01 = !at00 && v01 == m;
                    boolean at10 = !at00 && !at01 && v10 == m;
                    a[r0 + c] = at00 ? d : 0f;
                    a[r0 + c + 1] = at01 ? d : 0f;
                    a[r1 + c] = at10 ? d : 0f;
                    a[r1 + c + 1] = at00 || at01 || at10 ? 0f : d;
                }
            }
            dxb.put(first * plane, a, 0, count * plane);
        });
    }

    /**
     * Runs over [0, planes) in pieces of whole planes, about {@code FloatArrays.CHUNK} floats each: the piece's
     * {@code from} and {@code length} count planes.
     */
    private static void forEachPlanes(int planes, int plane, FloatArrays.Piece piece) {
        FloatArrays.forEachPiece(planes, Math.max(1, FloatArrays.CHUNK / plane), piece);
    }
}

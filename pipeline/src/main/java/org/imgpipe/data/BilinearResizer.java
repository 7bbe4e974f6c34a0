package org.imgpipe.data;

/**
 * Bilinear resize with half-pixel centres and no antialiasing, the arithmetic of
 * {@code tf.image.resize(method="bilinear")} that Keras' image loading uses; results are rounded to
 * the nearest uint8.
 */
public final class BilinearResizer {
    private BilinearResizer() {
    }

    /** Resizes interleaved RGB ({@code h x w x 3}) to {@code outH x outW x 3}. */
    public static byte[] resize(byte[] src, int h, int w, int outH, int outW) {
        Axis ys = new Axis(h, outH);
        Axis xs = new Axis(w, outW);
        byte[] out = new byte[outH * outW * 3];
        int o = 0;
        for (int y = 0; y < outH; y++) {
            int top = ys.lower[y] * w * 3;
            int bottom = ys.upper[y] * w * 3;
            float dy = ys.lerp[y];
            for (int x = 0; x < outW; x++) {
                int l = xs.lower[x] * 3;
                int r = xs.upper[x] * 3;
                float dx = xs.lerp[x];
                for (int c = 0; c < 3; c++) {
                    float tl = src[top + l + c] & 0xFF;
                    float tr = src[top + r + c] & 0xFF;
                    float bl = src[bottom + l + c] & 0xFF;
                    float br = src[bottom + r + c] & 0xFF;
                    float t = tl + (tr - tl) * dx;
                    float b = bl + (br - bl) * dx;
                    float v = t + (b - t) * dy;
                    out[o++] = (byte) Math.min(255, Math.max(0, Math.round(v)));
                }
            }
        }
        return out;
    }

    /** Source indices and weights along one axis (TensorFlow's compute_interpolation_weights). */
    private static final class Axis {
        final int[] lower;
        final int[] upper;
        final float[] lerp;

        Axis(int in, int out) {
            lower = new int[out];
            upper = new int[out];
            lerp = new float[out];
            float scale = (float) in / out;
            for (int i = 0; i < out; i++) {
                float pos = (i + 0.5f) * scale - 0.5f;
                float floor = (float) Math.floor(pos);
                lower[i] = Math.max((int) floor, 0);
                upper[i] = Math.min((int) Math.ceil(pos), in - 1);
                lerp[i] = pos - floor;
            }
        }
    }
}

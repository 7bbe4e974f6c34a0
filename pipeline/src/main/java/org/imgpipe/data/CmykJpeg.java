package org.imgpipe.data;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.imageio.metadata.IIOMetadata;
import java.awt.image.Raster;

/**
 * Four-channel (CMYK) JPEGs converted to RGB as PIL's {@code Image.convert("RGB")} and TensorFlow's
 * JPEG decoder do: R = (255 - C) * (255 - K) / 255, likewise G from M and B from Y, on the CMYK
 * values as stored. ImageIO's own conversion goes through a colour profile and gives much lighter
 * mid-tones (C0 M200 Y200 K0 becomes 255,128,128 instead of 255,55,55). The channels are taken as
 * stored inverted (255 - C), Adobe's convention, which Photoshop and PIL write and which PIL assumes
 * for every CMYK JPEG, with or without Adobe's APP14 marker.
 */
final class CmykJpeg {
    /** The native metadata format of ImageIO's JPEG reader. */
    private static final String JPEG_METADATA = "javax_imageio_jpeg_image_1.0";

    private CmykJpeg() {
    }

    /**
     * @param metadata the image's metadata from ImageIO's JPEG reader
     * @return whether the frame has four components stored as CMYK (Adobe transform 0, or no Adobe
     *         marker); YCCK (transform 2) is left to ImageIO
     */
    static boolean isCmyk(IIOMetadata metadata) {
        Element root = (Element) metadata.getAsTree(JPEG_METADATA);
        NodeList sof = root.getElementsByTagName("sof");
        if (sof.getLength() == 0 || !"4".equals(((Element) sof.item(0)).getAttribute("numFrameComponents"))) {
            return false;
        }
        NodeList adobe = root.getElementsByTagName("app14Adobe");
        return adobe.getLength() == 0 || "0".equals(((Element) adobe.item(0)).getAttribute("transform"));
    }

    /**
     * @param raw the four channels as stored (inverted), from {@code ImageReader.readRaster}
     * @return {@code [h, w, 3]} RGB uint8, row-major HWC
     */
    static byte[] toRgb(Raster raw) {
        int w = raw.getWidth();
        int h = raw.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] px = new int[4];
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raw.getPixel(x, y, px);
                // stored inverted: px[c] is 255 - C, so R = (255 - C)(255 - K) / 255 = px[0] * px[3] / 255
                for (int c = 0; c < 3; c++) {
                    out[i++] = (byte) Math.round(px[c] * px[3] / 255.0);
                }
            }
        }
        return out;
    }
}

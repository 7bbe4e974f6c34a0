package org.imgpipe.data;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * ImageIO readers kept per thread and reused from one image to the next. Looking a reader up asks the
 * registered providers in turn whether they can decode the stream, and a new reader sets itself up
 * again: together ~12 % of the Java time of a scoring task on 32x32 PNGs (Java Flight Recorder). A kept
 * reader is used only for input that its own provider accepts, so the reader is the one ImageIO would
 * pick as long as no two providers accept the same input, as the JDK's own (PNG, JPEG, GIF, BMP, TIFF,
 * WBMP: distinct signatures) do not; a plugin that claims a format ahead of the JDK's would only be
 * used on a thread until that thread keeps the JDK's reader of the format.
 */
final class ImageReaders {
    /**
     * A reader that has just decoded a larger image is disposed rather than kept: the PNG and TIFF
     * readers hold on to their last image after a reset, and a thread should not keep megabytes alive
     * between tasks.
     */
    private static final long KEEP_MAX_PIXELS = 512 * 512;
    private static final ThreadLocal<List<ImageReader>> IDLE = ThreadLocal.withInitial(ArrayList::new);

    private ImageReaders() {
    }

    /**
     * @param in the encoded image, at its start; left there
     * @return a reader, no longer kept, whose provider can decode {@code in}; null when no provider can
     * @throws IOException when the stream cannot be read
     */
    static ImageReader borrow(ImageInputStream in) throws IOException {
        for (Iterator<ImageReader> idle = IDLE.get().iterator(); idle.hasNext(); ) {
            ImageReader reader = idle.next();
            if (accepts(reader.getOriginatingProvider(), in)) {
                idle.remove();
                return reader;
            }
        }
        Iterator<ImageReader> found = ImageIO.getImageReaders(in);
        return found.hasNext() ? found.next() : null;
    }

    /**
     * As ImageIO asks a provider: the stream put back where it was, and a stream too short for the
     * provider's signature (the JDK 17 providers read it with readFully) an answer of no rather than an
     * error, so a 3-byte file still reads as "not an image" whichever readers a thread keeps.
     */
    private static boolean accepts(ImageReaderSpi provider, ImageInputStream in) throws IOException {
        if (provider == null) {
            return false;
        }
        in.mark();
        try {
            return provider.canDecodeInput(in);
        } catch (IOException e) {
            return false;
        } finally {
            in.reset();
        }
    }

    /**
     * Keeps the reader for the thread's next image, or disposes it after an error or a large image.
     *
     * @param reader  a reader from {@link #borrow}
     * @param decoded whether it read its image without an error
     * @param pixels  the image's width x height (0 when unknown)
     */
    static void giveBack(ImageReader reader, boolean decoded, long pixels) {
        if (decoded && pixels <= KEEP_MAX_PIXELS) {
            try {
                reader.reset();
                IDLE.get().add(reader);
                return;
            } catch (RuntimeException e) {
                // A reader that cannot be reset is not kept; the image it read is still good.
            }
        }
        reader.dispose();
    }
}

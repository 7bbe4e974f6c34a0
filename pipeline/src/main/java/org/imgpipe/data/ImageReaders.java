package org.imgpipe.data;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * ImageIO readers kept per thread and reused from one image to the next. Looking a reader up asks
 * every registered provider whether it can decode the stream, and a new reader sets itself up again:
 * together ~15% of the Java time of a scoring task on 32x32 PNGs. A kept reader is used only for
 * input that its own provider accepts, so which reader decodes a file is still ImageIO's choice.
 */
final class ImageReaders {
    /**
     * A reader that has just decoded a larger image is disposed rather than kept: readers hold on to
     * their last image, and a thread should not keep megabytes alive between tasks.
     */
    static final long KEEP_MAX_PIXELS = 512 * 512;
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
            if (reader.getOriginatingProvider().canDecodeInput(in)) {
                idle.remove();
                return reader;
            }
        }
        Iterator<ImageReader> found = ImageIO.getImageReaders(in);
        return found.hasNext() ? found.next() : null;
    }

    /**
     * @param reader   a reader from {@link #borrow}
     * @param reusable whether it read its image without an error and the image had at most
     *                 {@link #KEEP_MAX_PIXELS} pixels; otherwise it is disposed
     */
    static void giveBack(ImageReader reader, boolean reusable) {
        if (reusable) {
            reader.reset();
            IDLE.get().add(reader);
        } else {
            reader.dispose();
        }
    }
}

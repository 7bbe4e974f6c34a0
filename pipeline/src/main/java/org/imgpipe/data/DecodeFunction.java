package org.imgpipe.data;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.util.LongAccumulator;

/**
 * Reads and decodes labelled image files on an executor; a file that cannot be read or decoded
 * becomes a rejected result instead of a task failure.
 */
final class DecodeFunction implements Function<String, FileResult<FoldImage>> {
    private final FileLabeler labeler;
    private final ImageFileReader reader;
    private final LongAccumulator processed;

    DecodeFunction(FileLabeler labeler, ImageFileReader reader, LongAccumulator processed) {
        this.labeler = labeler;
        this.reader = reader;
        this.processed = processed;
    }

    @Override
    public FileResult<FoldImage> call(String file) {
        processed.add(1);
        FileLabeler.FileLabel where = labeler.labelOf(file);
        try {
            return FileResult.accepted(file, new FoldImage(where.fold(), where.label(), reader.read(file)));
        } catch (UndecodableImageException e) {
            return FileResult.rejected(file, e.getMessage());
        }
    }
}

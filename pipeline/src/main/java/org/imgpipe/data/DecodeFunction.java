package org.imgpipe.data;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.input.PortableDataStream;
import scala.Tuple2;

/** Decodes one file on an executor; failures become rejected results instead of task failures. */
final class DecodeFunction implements Function<Tuple2<String, PortableDataStream>, DecodeResult> {
    private final FileLabeler labeler;
    private final ImageDecoder decoder;

    DecodeFunction(FileLabeler labeler, ImageDecoder decoder) {
        this.labeler = labeler;
        this.decoder = decoder;
    }

    @Override
    public DecodeResult call(Tuple2<String, PortableDataStream> file) {
        FileLabeler.FileLabel where = labeler.labelOf(file._1());
        try {
            byte[] pixels = decoder.decode(file._2().toArray());
            return new DecodeResult(file._1(), where.fold(), where.label(), pixels, null);
        } catch (UndecodableImageException e) {
            return new DecodeResult(file._1(), where.fold(), where.label(), null, e.getMessage());
        }
    }
}

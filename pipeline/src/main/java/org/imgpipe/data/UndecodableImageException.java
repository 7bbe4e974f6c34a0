package org.imgpipe.data;

/** An input file that is not a readable image; the message is the reason shown in reports. */
public class UndecodableImageException extends Exception {
    /** @param reason why the file cannot be read, in words for the ingest or scoring report */
    public UndecodableImageException(String reason) {
        super(reason);
    }
}

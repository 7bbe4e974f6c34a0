package org.imgpipe.data;

/** An input file that is not a readable image; the message is the reason shown in reports. */
public class UndecodableImageException extends Exception {
    public UndecodableImageException(String reason) {
        super(reason);
    }
}

package org.imgpipe.data;

/**
 * An input entry that a job did not use, with the reason: listed in the ingest report and in a
 * scoring run's rejected.csv, so that no file vanishes without a word.
 *
 * @param path   the entry's URI (or the folder a counted group of entries lies in)
 * @param reason why it was not used, in words
 */
public record SkippedFile(String path, String reason) {
}

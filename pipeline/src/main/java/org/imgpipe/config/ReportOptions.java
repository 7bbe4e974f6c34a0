package org.imgpipe.config;

/**
 * Where the report goes and what it shows ({@code pipeline.report}).
 *
 * @param outputDir       the report folder (index.html, report.md, PNGs), a Hadoop URI or path
 * @param samplesPerClass images per class in the sample grid (one row per class), 1..{@value #MAX_SAMPLES_PER_CLASS}
 */
public record ReportOptions(String outputDir, int samplesPerClass) {
    /** More would make the grid wider than a page. */
    public static final int MAX_SAMPLES_PER_CLASS = 12;

    static ReportOptions from(Settings s) {
        return new ReportOptions(s.nonEmpty("output-dir"), s.intIn("samples-per-class", 1, MAX_SAMPLES_PER_CLASS));
    }
}

package org.imgpipe.config;

/**
 * Where the report goes and what it shows ({@code pipeline.report}).
 *
 * @param outputDir       the report folder (index.html, report.md, PNGs), a Hadoop URI or path
 * @param samplesPerClass images per class in the sample grid, 1..50
 */
public record ReportOptions(String outputDir, int samplesPerClass) {
    static ReportOptions from(Settings s) {
        int perClass = s.intAtLeast("samples-per-class", 1);
        if (perClass > 50) {
            throw new org.imgpipe.cli.UserError("pipeline.report.samples-per-class is " + perClass
                    + ": set 1..50 (the grid shows that many images per class)");
        }
        return new ReportOptions(s.nonEmpty("output-dir"), perClass);
    }
}

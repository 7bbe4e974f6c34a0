package org.imgpipe.integration;

import org.apache.spark.sql.SparkSession;
import org.imgpipe.workflow.RunContext;
import org.imgpipe.SparkTestSession;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.workflow.EvaluateWorkflow;
import org.imgpipe.workflow.IngestWorkflow;
import org.imgpipe.workflow.ReportWorkflow;
import org.imgpipe.workflow.TrainWorkflow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report of a small real run (sample data, one epoch) opened in headless Chromium: every section
 * heading present, every image loaded, no console error, and a full-page screenshot under
 * target/report-screenshots/. Also shows that the same check fails a page with a broken image, a
 * missing section or a failed load.
 */
@Tag("integration")
class ReportBrowserTest {
    static final List<String> ALL_SECTIONS = List.of("Class distribution", "Sample images", "Model summary",
            "Training curves", "Confusion matrix", "ROC curves", "Metrics", "Most confused classes",
            "Most confident mistakes", "This run beside the reference", "Epochs: figures and time",
            "Settings and environment");
    static final Path SCREENSHOTS = Path.of("target", "report-screenshots");

    @TempDir
    static Path work;
    private static Path full;
    private static Path withoutEvaluation;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void smallRunAndItsReports() throws Exception {
        chromium = new HeadlessChromium();
        SparkSession spark = SparkTestSession.get();
        Map<String, Object> settings = new HashMap<>(Map.of(
                "pipeline.work.dir", work.toUri().toString(),
                "pipeline.data.sample.images-per-class", 8,
                "pipeline.train.epochs", 1,
                "pipeline.train.batch-size", 16,
                "pipeline.model.batch-norm-momentum", 0.9));
        PipelineConfig config = PipelineConfig.of(settings);
        new IngestWorkflow(RunContext.of(config, spark)).run();
        new TrainWorkflow(RunContext.of(config, spark)).run();
        new EvaluateWorkflow(RunContext.of(config, spark)).run();
        full = Path.of(new ReportWorkflow(RunContext.of(config, spark)).run().toUri());
        settings.put("pipeline.eval.split", "train5");
        settings.put("pipeline.report.output-dir", work.resolve("report-without-evaluation").toUri().toString());
        withoutEvaluation = Path.of(new ReportWorkflow(RunContext.of(PipelineConfig.of(settings), spark)).run().toUri());
    }

    @AfterAll
    static void closeBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void theFullReportShowsEverySectionAndEveryImage() throws Exception {
        HeadlessChromium.Page page = chromium.open(full);
        assertEquals(ALL_SECTIONS, page.headings());
        assertEquals(List.of(), page.brokenImages());
        assertEquals(List.of(), page.consoleErrors());
        // 6 class-distribution charts, samples, 2 curves, heat map, ROC, mistakes, seconds per epoch
        assertEquals(13, page.images());
        Path shot = SCREENSHOTS.resolve("report-full.png");
        chromium.screenshot(shot);
        assertTrue(ImageIO.read(shot.toFile()).getHeight() > 3000, "a full page, not the 900 px window");
        assertTrue(Files.exists(full.resolveSibling("report.md")));
        assertTrue(Files.exists(full.resolveSibling("confusion-matrix.png")));
    }

    @Test
    void withoutAnEvaluationTheReportShowsWhatItCan() throws Exception {
        HeadlessChromium.Page page = chromium.open(withoutEvaluation);
        assertEquals(List.of("Class distribution", "Sample images", "Model summary", "Training curves",
                "This run beside the reference", "Epochs: figures and time", "Settings and environment"),
                page.headings());
        assertEquals(List.of(), page.brokenImages());
        assertEquals(List.of(), page.consoleErrors());
        chromium.screenshot(SCREENSHOTS.resolve("report-without-evaluation.png"));
    }

    @Test
    void theCheckFailsABrokenImageAMissingSectionAndAFailedLoad() throws Exception {
        String html = Files.readString(full);
        // The first image's data becomes three zero bytes: valid base64, not a PNG.
        String broken = html.replaceFirst("data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,AAAA")
                .replaceFirst("<h2>ROC curves</h2>", "")
                .replace("</body>", "<img alt=\"missing file\" src=\"missing.png\"></body>");
        Path page = full.resolveSibling("broken.html");
        Files.writeString(page, broken);
        HeadlessChromium.Page seen = chromium.open(page);
        assertEquals(List.of("Images per class in train1", "missing file"), seen.brokenImages());
        assertTrue(!seen.headings().contains("ROC curves"));
        assertTrue(seen.consoleErrors().stream().anyMatch(e -> e.contains("missing.png")),
                "the failed load is a console error: " + seen.consoleErrors());
    }
}

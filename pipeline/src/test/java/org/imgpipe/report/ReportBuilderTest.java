package org.imgpipe.report;

import org.imgpipe.config.AugmentOptions;
import org.imgpipe.data.IngestReport;
import org.imgpipe.data.LabeledImage;
import org.imgpipe.data.SkippedFile;
import org.imgpipe.eval.ClassificationMetrics;
import org.imgpipe.eval.ConfidentMistakes;
import org.imgpipe.eval.EvalAccumulator;
import org.imgpipe.eval.MetricsReport;
import org.imgpipe.runtime.RunEnvironment;
import org.imgpipe.base.EpochResult;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which sections a report has at each stage of a run, and the exact figures of its tables. */
class ReportBuilderTest {
    private static final List<String> CLASSES = List.of("cat", "dog", "<b>bird</b>");
    private static final ReportBuilder BUILDER = new ReportBuilder(ReferenceRun.load());
    private static final RunOutputs.RunSettings SETTINGS = new RunOutputs.RunSettings(
            new RunEnvironment("2026-11-30T00:00:00Z", "17", "3.5.9", "1.0.0-M2", "linux-amd64-onednn", true,
                    "test CPU", 2, "local[2]", 2), "pipeline { work.dir = x }");
    private static final List<EpochResult> HISTORY = List.of(
            new EpochResult(1, 2.5, 0.40, 2.2, 0.50, 1e-3, 10),
            new EpochResult(2, 2.0, 0.60, 1.9, 0.90, 1e-3, 10),
            new EpochResult(3, 1.5, 0.70, 1.8, 0.80, 1e-4, 8));

    private static RunOutputs run(boolean ingested, boolean trained, boolean evaluated) {
        return run(ingested, trained, evaluated, AugmentOptions.none());
    }

    private static RunOutputs run(boolean ingested, boolean trained, boolean evaluated, AugmentOptions augment) {
        return run(ingested, trained, evaluated, augment, HISTORY);
    }

    private static RunOutputs run(boolean ingested, boolean trained, boolean evaluated, AugmentOptions augment,
                                  List<EpochResult> history) {
        IngestReport ingest = new IngestReport("file:/data", "file:/work/decoded", CLASSES, List.of("train1", "train2"),
                Map.of("train1", new long[]{2, 2, 2}, "train2", new long[]{1, 1, 1}),
                List.of(new SkippedFile("file:/data/train1/cat/x.png", "not an image")), 1.5);
        List<LabeledImage> samples = List.of(new LabeledImage(0, new byte[12]), new LabeledImage(1, new byte[12]),
                new LabeledImage(2, new byte[12]));
        return new RunOutputs("/work", ingested ? CLASSES : List.of(), ingested ? Optional.of(ingest) : Optional.empty(),
                ingested ? Optional.of(new RunOutputs.Samples("train1", 2, 2, samples)) : Optional.empty(), augment,
                trained ? Optional.of("summary") : Optional.empty(), trained ? history : List.of(),
                ingested ? 6 : 0, ingested ? 3 : 0, evaluated ? Optional.of(evaluation()) : Optional.empty(), "train2",
                Optional.empty(), SETTINGS);
    }

    private static MetricsReport.Saved evaluation() {
        EvalAccumulator acc = new EvalAccumulator(3, 10);
        // 2 cats right, 1 cat taken for a dog; 1 dog right, 2 dogs taken for cats; 3 birds right
        acc.add(0, new float[]{0.8f, 0.1f, 0.1f});
        acc.add(0, new float[]{0.7f, 0.2f, 0.1f});
        acc.add(0, new float[]{0.1f, 0.8f, 0.1f}, new byte[12]);
        acc.add(1, new float[]{0.2f, 0.7f, 0.1f});
        acc.add(1, new float[]{0.6f, 0.3f, 0.1f}, new byte[12]);
        acc.add(1, new float[]{0.9f, 0.05f, 0.05f}, new byte[12]);
        for (int i = 0; i < 3; i++) {
            acc.add(2, new float[]{0.1f, 0.1f, 0.8f});
        }
        return new MetricsReport.Saved("train2", "best.zip", ClassificationMetrics.of(acc, CLASSES, 0.7),
                acc.mistakes());
    }

    private static List<String> ids(ReportDocument d) {
        return d.sections().stream().map(ReportDocument.Section::id).toList();
    }

    private static ReportDocument.Table table(ReportDocument d, String id) {
        return d.sections().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow().blocks().stream()
                .filter(b -> b instanceof ReportDocument.Table).map(b -> (ReportDocument.Table) b).findFirst()
                .orElseThrow();
    }

    @Test
    void aFinishedRunHasEverySectionInTheNotebooksOrder() {
        ReportDocument d = BUILDER.build(run(true, true, true));
        assertEquals(List.of("class-distribution", "samples", "model", "training", "confusion", "roc", "metrics",
                "confused-pairs", "misclassified", "reference", "epochs", "environment"), ids(d));
        assertEquals(1, d.intro().size(), "no stage missing: " + d.intro());
        for (ReportDocument.Section s : d.sections()) {
            for (ReportDocument.Block b : s.blocks()) {
                if (b instanceof ReportDocument.Figure f) {
                    assertTrue(f.fileName().matches("[a-z0-9_-]+\\.png"), f.fileName());
                    assertNotNull(decode(f.png()), f.fileName());
                }
            }
        }
    }

    @Test
    void augmentedSamplesBesideTheirOriginalsWhenTrainingAugments() throws Exception {
        AugmentOptions flip = new AugmentOptions(true, 0, 0, 0, 0, 0, 0, AugmentOptions.FillMode.REFLECT);
        ReportDocument d = BUILDER.build(run(true, false, false, flip));
        assertEquals(List.of("class-distribution", "samples", "augmented", "reference", "environment"), ids(d));
        ReportDocument.Figure grid = (ReportDocument.Figure) d.sections().get(2).blocks().get(1);
        assertEquals("augmented.png", grid.fileName());
        // 3 classes, each: the original and 5 draws
        assertEquals(3, decode(grid.png()).getHeight() / (6 + 2 * ImageGrid.PAD + ImageGrid.LINE));
        assertTrue(((ReportDocument.Text) d.sections().get(2).blocks().get(0)).text().contains("horizontal-flip=true"));
    }

    @Test
    void withoutEvaluationOnlyTheSectionsThatNeedNone() {
        ReportDocument d = BUILDER.build(run(true, true, false));
        assertEquals(List.of("class-distribution", "samples", "model", "training", "reference", "epochs",
                "environment"), ids(d));
        assertTrue(d.intro().get(1).contains("No evaluation of 'train2' yet: run the evaluate job"), d.intro().get(1));
    }

    @Test
    void anEmptyWorkDirectoryStillGivesAReport() {
        ReportDocument d = BUILDER.build(run(false, false, false));
        assertEquals(List.of("reference", "environment"), ids(d));
        assertEquals(4, d.intro().size(), "the run, then what ingest, train and evaluate would add: " + d.intro());
        assertEquals(List.of("epochs logged", "0", "38", "-38"), table(d, "reference").rows().get(5));
        assertEquals(List.of("peak val_accuracy", "", "0.8435 (epoch 31)", ""), table(d, "reference").rows().get(1));
    }

    @Test
    void theRunBesideTheReferenceWithDifferences() {
        List<List<String>> rows = table(BUILDER.build(run(true, true, true)), "reference").rows();
        assertEquals(List.of("val_accuracy after epoch 2", "0.9000 (epoch 2)", "0.6529 (epoch 2)", "+0.2471"),
                rows.get(0));
        assertEquals(List.of("peak val_accuracy", "0.9000 (epoch 2)", "0.8435 (epoch 31)", "+0.0565"), rows.get(1));
        assertEquals(List.of("final val_accuracy", "0.8000 (epoch 3)", "0.8378 (epoch 37)", "-0.0378"), rows.get(2));
        assertEquals(List.of("best val_loss", "1.8000 (epoch 3)", "0.9443 (epoch 38)", "+0.8557"), rows.get(3));
        assertEquals(List.of("first LR drop after epoch", "2", "21", "-19"), rows.get(4));
        assertEquals(List.of("accuracy (run: train2, reference: test)", "0.6667", "0.8340", "-0.1673"), rows.get(6));
        assertEquals(List.of("most confused pair", "cat / dog", "cat / dog", ""), rows.get(11));
    }

    @Test
    void aRateDecayedEveryEpochIsDescribedNotMarkedAsDrops() {
        List<EpochResult> cosine = List.of(
                new EpochResult(1, 2.5, 0.40, 2.2, 0.50, 1e-3, 10),
                new EpochResult(2, 2.0, 0.60, 1.9, 0.90, 5e-4, 10),
                new EpochResult(3, 1.5, 0.70, 1.8, 0.80, 1.5e-6, 8));
        ReportDocument d = BUILDER.build(run(true, true, true, AugmentOptions.none(), cosine));
        assertEquals(List.of("first LR drop after epoch", "every epoch (decay)", "21", ""),
                table(d, "reference").rows().get(4));
        ReportDocument.Section training = d.sections().stream().filter(s -> s.id().equals("training")).findFirst()
                .orElseThrow();
        assertEquals("This run lowered the learning rate after every epoch, from 0.00100 to 1.50e-06. "
                        + "The reference lowered the learning rate after epoch 21.",
                ((ReportDocument.Text) training.blocks().get(2)).text());
    }

    @Test
    void mostConfusedPairsCountBothDirections() {
        List<List<String>> rows = table(BUILDER.build(run(true, true, true)), "confused-pairs").rows();
        assertEquals(List.of("cat / dog", "1", "2", "3"), rows.get(0));
        assertEquals(3, rows.size());
    }

    @Test
    void metricsTableLikeSklearnsClassificationReport() {
        List<List<String>> rows = table(BUILDER.build(run(true, true, true)), "metrics").rows();
        // cat: precision 2/4, recall 2/3; dog: precision 1/2, recall 1/3; bird: 3/3, 3/3
        assertEquals(List.of("cat", "0.5000", "0.6667", "0.5714", "3"), rows.get(0).subList(0, 5));
        assertEquals(List.of("accuracy", "", "", "0.6667", "9", ""), rows.get(3));
        assertEquals("macro avg", rows.get(4).get(0));
    }

    @Test
    void epochTableGivesImagesPerSecondAndTheReferenceBeside() {
        List<List<String>> rows = table(BUILDER.build(run(true, true, true)), "epochs").rows();
        assertEquals(List.of("1", "2.5000", "0.4000", "2.2000", "0.5000", "", "1e-03", "10.0", "1"), rows.get(0));
        assertEquals("0.6529", rows.get(1).get(5));
    }

    @Test
    void hostileClassNamesReachThePageAndTheMarkdownAsText() {
        ReportDocument d = BUILDER.build(run(true, true, true));
        String html = HtmlReportWriter.render(d);
        assertFalse(html.contains("<b>bird</b>"));
        assertTrue(html.contains("&lt;b&gt;bird&lt;/b&gt;"));
        assertTrue(html.contains("<link rel=\"icon\" href=\"data:,\">"));
        assertFalse(html.contains("<script"));
        String md = MarkdownReportWriter.render(d);
        assertFalse(md.contains("<b>bird</b>"));
        assertTrue(md.contains("| &lt;b&gt;bird&lt;/b&gt; | 1.0000 |"), md);
    }

    @Test
    void theSampleGridHasOneRowPerClassAndBlanksWhereAClassHasFewer() throws Exception {
        ReportDocument.Figure grid = (ReportDocument.Figure) BUILDER.build(run(true, false, false)).sections()
                .get(1).blocks().get(0);
        java.awt.image.BufferedImage img = decode(grid.png());
        // 2 columns (samples per class), 3 rows (classes); captions wider than the 6 px images widen the
        // cells to 2.5 times the image
        assertEquals(2 * (15 + 2 * ImageGrid.PAD), img.getWidth());
        assertEquals(3 * (6 + 2 * ImageGrid.PAD + ImageGrid.LINE), img.getHeight());
        int blankCellCentre = (15 + 2 * ImageGrid.PAD) + (15 + 2 * ImageGrid.PAD) / 2;
        assertEquals(0xFFFFFF, img.getRGB(blankCellCentre, ImageGrid.PAD + 3) & 0xFFFFFF);
        assertEquals(0x000000, img.getRGB((15 + 2 * ImageGrid.PAD) / 2, ImageGrid.PAD + 3) & 0xFFFFFF);
    }

    @Test
    void figuresAreEmbeddedInTheHtmlAndLinkedFromTheMarkdown() {
        ReportDocument d = BUILDER.build(run(true, true, true));
        String html = HtmlReportWriter.render(d);
        String md = MarkdownReportWriter.render(d);
        for (ReportDocument.Section s : d.sections()) {
            assertTrue(html.contains("<section id=\"" + s.id() + "\">\n<h2>"), s.id());
            assertTrue(md.contains("## " + s.title() + "\n"), s.title());
            for (ReportDocument.Block b : s.blocks()) {
                if (b instanceof ReportDocument.Figure f) {
                    assertTrue(html.contains("src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(f.png())
                            + "\""), f.fileName());
                    assertTrue(md.contains("](" + f.fileName() + ")"), f.fileName());
                }
            }
        }
    }

    @Test
    void markdownTableCellsKeepPipesAndBrackets() {
        ReportDocument d = new ReportDocument("t", List.of(), List.of(new ReportDocument.Section("s", "S", List.of(
                new ReportDocument.Table(List.of("a|b", "c"), List.of(List.of("[x]", "y\nz")))))));
        assertEquals("# t\n\n## S\n\n| a\\|b | c |\n|---|---|\n| \\[x\\] | y z |\n\n", MarkdownReportWriter.render(d));
    }

    private static java.awt.image.BufferedImage decode(byte[] png) {
        try {
            return ImageIO.read(new ByteArrayInputStream(png));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}

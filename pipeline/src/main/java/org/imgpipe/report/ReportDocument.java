package org.imgpipe.report;

import java.util.List;

/**
 * A report as data: a title, an introduction and titled sections of text, tables, figures and
 * preformatted text, in reading order. {@link HtmlReportWriter} and {@link MarkdownReportWriter} turn
 * the same document into a self-contained page and into Markdown with the figures beside it.
 *
 * @param title    the page title
 * @param intro    paragraphs before the first section
 * @param sections the sections in order; their ids are unique and safe as HTML ids and file stems
 */
public record ReportDocument(String title, List<String> intro, List<Section> sections) {

    /**
     * One titled section.
     *
     * @param id     a short lower-case id ({@code [a-z0-9-]+}), used as the HTML anchor
     * @param title  the heading shown
     * @param blocks the content in order
     */
    public record Section(String id, String title, List<Block> blocks) {
    }

    /** A piece of a section's content. */
    public sealed interface Block permits Text, Figure, Table, Code {
    }

    /** A paragraph of plain text (escaped by the writers). */
    public record Text(String text) implements Block {
    }

    /**
     * A PNG image.
     *
     * @param fileName the file name the Markdown report links to (written beside report.md)
     * @param png      the encoded PNG
     * @param caption  alt text and caption
     */
    public record Figure(String fileName, byte[] png, String caption) implements Block {
    }

    /**
     * A table of text cells.
     *
     * @param header the column names
     * @param rows   the rows, each with as many cells as the header
     */
    public record Table(List<String> header, List<List<String>> rows) implements Block {
        /** @throws IllegalArgumentException when a row's width differs from the header's */
        public Table {
            for (List<String> r : rows) {
                if (r.size() != header.size()) {
                    throw new IllegalArgumentException("row of " + r.size() + " cells under " + header.size()
                            + " columns: " + r);
                }
            }
        }
    }

    /** Preformatted text in a monospaced font (the model summary, the settings). */
    public record Code(String text) implements Block {
    }
}

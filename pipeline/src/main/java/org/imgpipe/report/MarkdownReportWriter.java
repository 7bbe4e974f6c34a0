package org.imgpipe.report;

/**
 * Renders a {@link ReportDocument} as GitHub-flavoured Markdown whose figures are links to PNG files
 * written beside it under their {@link ReportDocument.Figure#fileName()}.
 */
public final class MarkdownReportWriter {
    private MarkdownReportWriter() {
    }

    /**
     * @param doc the report
     * @return the Markdown text; the caller writes each figure's PNG under its file name beside it
     */
    public static String render(ReportDocument doc) {
        StringBuilder sb = new StringBuilder("# ").append(text(doc.title())).append("\n\n");
        doc.intro().forEach(p -> sb.append(text(p)).append("\n\n"));
        for (ReportDocument.Section s : doc.sections()) {
            sb.append("## ").append(text(s.title())).append("\n\n");
            for (ReportDocument.Block b : s.blocks()) {
                if (b instanceof ReportDocument.Text t) {
                    sb.append(text(t.text())).append("\n\n");
                } else if (b instanceof ReportDocument.Code c) {
                    sb.append("```\n").append(c.text().stripTrailing()).append("\n```\n\n");
                } else if (b instanceof ReportDocument.Figure f) {
                    sb.append("![").append(cell(f.caption())).append("](").append(f.fileName()).append(")\n\n");
                } else if (b instanceof ReportDocument.Table t) {
                    row(sb, t.header());
                    sb.append('|');
                    t.header().forEach(h -> sb.append("---|"));
                    sb.append('\n');
                    t.rows().forEach(r -> row(sb, r));
                    sb.append('\n');
                }
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, java.util.List<String> cells) {
        sb.append('|');
        cells.forEach(c -> sb.append(' ').append(cell(c)).append(" |"));
        sb.append('\n');
    }

    /**
     * Text as Markdown shows it literally: Markdown passes HTML through, so angle brackets and
     * ampersands become entities (a class folder named {@code <b>bird</b>} stays text).
     */
    private static String text(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** A table cell or link text: pipes and brackets would end it early, newlines would end the row. */
    private static String cell(String s) {
        return text(s).replace("\\", "\\\\").replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")
                .replace("\n", " ");
    }
}

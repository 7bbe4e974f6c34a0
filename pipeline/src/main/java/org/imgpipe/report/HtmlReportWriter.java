package org.imgpipe.report;

import org.apache.commons.text.StringEscapeUtils;

import java.util.Base64;

/**
 * Renders a {@link ReportDocument} as one self-contained HTML page: the figures are embedded as
 * {@code data:} URIs and the style sheet is inline, so the file opens offline and can be mailed or
 * archived on its own. The page loads nothing and runs no script. Images are shown at their own size
 * (a wide one scrolls inside its figure) because a browser that shrinks an image smooths it, which
 * would blur the pixel-exact image grids.
 */
public final class HtmlReportWriter {
    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;\
            max-width:1100px;padding:0 24px 48px;color:#1b1f24;line-height:1.45}
            h1{margin-top:28px}h2{margin-top:40px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
            nav ol{columns:2;font-size:14px}figure{margin:16px 16px 16px 0;display:inline-block;vertical-align:top;\
            max-width:100%;overflow-x:auto}
            figure img{border:1px solid #eaeef2}
            figcaption{font-size:13px;color:#57606a}table{border-collapse:collapse;font-size:13px;margin:12px 0}
            th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:right}th{background:#f6f8fa}
            td:first-child,th:first-child{text-align:left}pre{background:#f6f8fa;padding:12px;overflow-x:auto;\
            font-size:12px}""";

    private HtmlReportWriter() {
    }

    /**
     * @param doc the report
     * @return the complete page, UTF-8 text starting with {@code <!DOCTYPE html>}
     */
    public static String render(ReportDocument doc) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                // An empty icon: browsers otherwise request /favicon.ico, an error on file:// pages.
                .append("<link rel=\"icon\" href=\"data:,\">\n")
                .append("<title>").append(esc(doc.title())).append("</title>\n<style>").append(STYLE)
                .append("</style>\n</head>\n<body>\n<h1>").append(esc(doc.title())).append("</h1>\n");
        doc.intro().forEach(p -> sb.append("<p>").append(esc(p)).append("</p>\n"));
        sb.append("<nav><ol>\n");
        doc.sections().forEach(s -> sb.append("<li><a href=\"#").append(s.id()).append("\">").append(esc(s.title()))
                .append("</a></li>\n"));
        sb.append("</ol></nav>\n");
        for (ReportDocument.Section s : doc.sections()) {
            sb.append("<section id=\"").append(s.id()).append("\">\n<h2>").append(esc(s.title())).append("</h2>\n");
            s.blocks().forEach(b -> block(sb, b));
            sb.append("</section>\n");
        }
        return sb.append("</body>\n</html>\n").toString();
    }

    private static void block(StringBuilder sb, ReportDocument.Block b) {
        if (b instanceof ReportDocument.Text t) {
            sb.append("<p>").append(esc(t.text())).append("</p>\n");
        } else if (b instanceof ReportDocument.Code c) {
            sb.append("<pre>").append(esc(c.text())).append("</pre>\n");
        } else if (b instanceof ReportDocument.Figure f) {
            sb.append("<figure><img alt=\"").append(esc(f.caption())).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(f.png())).append("\"><figcaption>")
                    .append(esc(f.caption())).append("</figcaption></figure>\n");
        } else if (b instanceof ReportDocument.Table t) {
            sb.append("<table>\n<thead><tr>");
            t.header().forEach(h -> sb.append("<th>").append(esc(h)).append("</th>"));
            sb.append("</tr></thead>\n<tbody>\n");
            for (var row : t.rows()) {
                sb.append("<tr>");
                row.forEach(cell -> sb.append("<td>").append(esc(cell)).append("</td>"));
                sb.append("</tr>\n");
            }
            sb.append("</tbody>\n</table>\n");
        }
    }

    private static String esc(String s) {
        return StringEscapeUtils.escapeHtml4(s);
    }
}

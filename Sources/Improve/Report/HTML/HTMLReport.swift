import Foundation

/// The report as one self-contained HTML page: inline CSS, inline SVG drawn by this project,
/// a few lines of inline script for sorting, and a Content-Security-Policy that forbids every
/// network request, so the file opens the same anywhere, offline, in light or dark mode, and prints.
public enum HTMLReport {
    /// The page for `model`; the same model gives the same bytes.
    public static func render(_ model: ReportModel) -> String {
        let head: Markup = .el("head", [], [
            .el("meta", [("charset", "utf-8")]),
            .el("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")]),
            .el("meta", [("name", "color-scheme"), ("content", "light dark")]),
            .el("meta", [("http-equiv", "Content-Security-Policy"), ("content", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:")]),
            .el("title", text: model.title),
            .el("style", [], [.raw(ReportPageAssets.css)]),
            .el("script", [], [.raw(ReportPageAssets.errorCatcher)]),
        ])
        let sections = ReportSections(model: model)
        let body: Markup = .el("body", [], [
            sections.header(),
            .el("main", [], sections.all()),
            .el("footer", [], [.text("Written by improve \(ImproveVersion.current). Self-contained: no fonts, scripts or images are fetched.")]),
            .el("script", [], [.raw(ReportPageAssets.script)]),
        ])
        return "<!DOCTYPE html>\n" + Markup.el("html", [("lang", "en")], [head, body]).rendered + "\n"
    }
}

/// A small tree of HTML or SVG elements that escapes every text and attribute value as it is
/// rendered, so report content (model outputs, rationales, file names) can never break out of
/// its element, and every chart is well-formed XML by construction.
///
/// Attributes keep the order they are given in, so the same data renders byte for byte the same.
public indirect enum Markup: Sendable, Equatable {
    /// An element with ordered attributes and children (`void` elements render as `<name … />`).
    case element(String, [(String, String)], [Markup])
    /// Text, escaped when rendered.
    case text(String)
    /// Trusted markup written by this project (the page's own CSS and script), inserted as is.
    case raw(String)

    /// An element; `attributes` with a nil value are left out.
    public static func el(_ name: String, _ attributes: [(String, String?)] = [], _ children: [Markup] = []) -> Markup {
        .element(name, attributes.compactMap { key, value in value.map { (key, $0) } }, children)
    }

    /// An element holding one text node.
    public static func el(_ name: String, _ attributes: [(String, String?)] = [], text: String) -> Markup {
        el(name, attributes, [.text(text)])
    }

    /// The markup as text.
    public var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    /// Appends the markup to `out`.
    public func render(into out: inout String) {
        switch self {
        case .text(let text):
            out += Self.escape(text)
        case .raw(let text):
            out += text
        case .element(let name, let attributes, let children):
            out += "<" + name
            for (key, value) in attributes { out += " \(key)=\"\(Self.escape(value))\"" }
            if children.isEmpty && Self.selfClosing(name) {
                out += "/>"
                return
            }
            out += ">"
            for child in children { child.render(into: &out) }
            out += "</\(name)>"
        }
    }

    /// Escapes the five XML special characters (enough for text and double-quoted attributes)
    /// and replaces control characters, which XML forbids even escaped (a model's output may
    /// hold terminal colour codes), with U+FFFD.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Elements that HTML treats as void, and SVG shapes without children: `<x/>` is valid for both.
    private static func selfClosing(_ name: String) -> Bool {
        ["meta", "br", "hr", "img", "input", "link", "circle", "line", "rect", "path", "polyline", "polygon", "ellipse"].contains(name)
    }

    /// Equal when both render to the same text.
    public static func == (lhs: Markup, rhs: Markup) -> Bool {
        lhs.rendered == rhs.rendered
    }
}

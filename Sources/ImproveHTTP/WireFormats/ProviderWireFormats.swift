import ImproveCore

/// The wire formats a ``ProviderRegistry`` and ``ProviderConfigLoader`` know, in the order
/// error messages list them.
public struct ProviderWireFormats: Sendable {
    /// The formats, first match wins.
    public let formats: [any ProviderWireFormat]

    /// A list of formats.
    public init(_ formats: [any ProviderWireFormat]) {
        self.formats = formats
    }

    /// The formats every installation knows. Adding a wire format is one line here.
    public static let builtIn = ProviderWireFormats([
        OpenAIWireFormat(),
        AnthropicWireFormat(),
    ])

    /// This list with `format` appended (a test or an embedding application registers its own).
    public func adding(_ format: any ProviderWireFormat) -> ProviderWireFormats {
        ProviderWireFormats(formats + [format])
    }

    /// The format selected by `kind`, if known.
    public func format(for kind: ProviderConfig.Kind) -> (any ProviderWireFormat)? {
        formats.first { $0.kind == kind }
    }

    /// The `kind:` values, for error messages.
    public var kinds: [String] { formats.map(\.kind.rawValue) }
}

import Foundation

/// Reads a file a user wrote as UTF-8 text, within a size limit, with errors that say which
/// file, which limit, and where the text stops being UTF-8.
public enum InputFile {
    /// The text of `url`, refusing files over `maxBytes` (before reading them) and bytes that
    /// are not UTF-8 (naming the line and byte).
    ///
    /// - Parameters:
    ///   - limit: which ``InputLimits`` field `maxBytes` came from, for the hint.
    public static func text(
        _ url: URL, maxBytes: Int, limit: WritableKeyPath<InputLimits, Int>, limits: InputLimits = .current
    ) throws -> String {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError(file: path, line: nil, field: "", problem: "does not exist", hint: "check the path")
        }
        guard !isDirectory.boolValue else {
            throw ConfigError(file: path, line: nil, field: "", problem: "is a directory, not a file")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        if size > maxBytes {
            throw ConfigError(file: path, line: nil, field: "", problem: "is \(size) bytes, over the limit", hint: InputLimits.hint(limit, in: limits, unit: "bytes"))
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ConfigError(file: path, line: nil, field: "", problem: "cannot be read", hint: "check its permissions")
        }
        defer { try? handle.close() }
        // Read one byte past the limit: a file that grew since the size check still fails.
        let data = (try? handle.read(upToCount: maxBytes + 1)) ?? Data()
        if data.count > maxBytes {
            throw ConfigError(file: path, line: nil, field: "", problem: "is over \(maxBytes) bytes", hint: InputLimits.hint(limit, in: limits, unit: "bytes"))
        }
        return try decode(data, file: path)
    }

    /// `data` as UTF-8 text (a UTF-8 byte-order mark is dropped); anything else is an error
    /// naming the encoding when it can be recognised, else the line and byte where UTF-8 breaks.
    public static func decode(_ data: Data, file: String) throws -> String {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw ConfigError(file: file, line: nil, field: "", problem: "is UTF-16 text, not UTF-8", hint: "save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)")
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        if let offset = firstInvalidUTF8(body) {
            let line = body[..<offset].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            let byte = String(format: "0x%02X", body[offset])
            throw ConfigError(
                file: file, line: line, field: "", problem: "is not UTF-8 text (byte \(byte) at offset \(offset))",
                hint: "save the file as UTF-8; from Latin-1 or Windows-1252: iconv -f WINDOWS-1252 -t UTF-8")
        }
        if let nul = body.firstIndex(of: 0) {
            let line = body[..<nul].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw ConfigError(file: file, line: line, field: "", problem: "contains a NUL byte: this is binary data, not text", hint: "check that the path names the text file you meant")
        }
        return String(decoding: body, as: UTF8.self)
    }

    /// The offset of the first byte that breaks UTF-8, or nil when all of it is valid.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0x00...0x7F: index += 1; continue
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return index
            }
            guard index + length <= bytes.count else { return index }
            for position in 1..<length {
                let byte = bytes[index + position]
                let range: ClosedRange<UInt8> = position == 1 ? low...high : 0x80...0xBF
                if !range.contains(byte) { return index }
            }
            index += length
        }
        return nil
    }
}

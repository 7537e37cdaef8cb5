import Glibc

extension StringProtocol {
    /// Without leading and trailing blanks (spaces, tabs; line breaks too when `newlines`).
    func trimmingBlanks(newlines: Bool = false) -> String {
        let blank: (Character) -> Bool = { $0.isWhitespace && (newlines || !$0.isNewline) }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[first...last])
    }
}

/// Numbers formatted by printf(3) rules in the C locale, e.g. `cFormat("%+.3f s", offset)`.
func cFormat(_ format: String, _ arguments: any CVarArg...) -> String {
    var size = 64
    while true {
        var buffer = [CChar](repeating: 0, count: size)
        let count = withVaList(arguments) { vsnprintf(&buffer, size, format, $0) }
        guard count >= 0 else { return "" }
        if Int(count) < size {
            return String(decoding: buffer[..<Int(count)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        size = Int(count) + 1
    }
}

/// The last component of a path, as basename(1) gives it.
func baseName(_ path: String) -> String {
    let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
    return trimmed.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? trimmed
}

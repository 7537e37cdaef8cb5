/// The app folder's database settings include DB_PASS: printed any way, it shows only
/// as whether there is one.
extension InstallFolder.DatabaseSettings: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        let fields: [(String, String?)] = [("host", host), ("port", port), ("socket", socket), ("name", name),
                                           ("user", user), ("prefix", prefix)]
        let shown = fields.compactMap { key, value in value.map { "\(key): \($0)" } }
        return "DatabaseSettings(" + (shown + ["password: \(redactedPassword)"]).joined(separator: ", ") + ")"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "host": host as Any, "port": port as Any, "socket": socket as Any, "name": name as Any,
            "user": user as Any, "password": redactedPassword, "prefix": prefix as Any,
        ], displayStyle: .struct)
    }

    private var redactedPassword: String { password == nil ? "none" : "<redacted>" }
}

/// However the options are printed (debugPrint, dump, a mirror), the password shows only
/// as whether there is one.
extension ConnectionOptions: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String {
        "ConnectionOptions(\(description), ssl: \(sslMode.rawValue), password: \(redactedPassword))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "host": host as Any, "port": port as Any, "socket": socket as Any, "user": user as Any,
            "password": redactedPassword, "database": database as Any, "sslMode": sslMode,
            "sslCA": sslCA as Any, "connectTimeout": connectTimeout,
        ], displayStyle: .struct)
    }

    var redactedPassword: String { password == nil ? "none" : "<redacted>" }
}

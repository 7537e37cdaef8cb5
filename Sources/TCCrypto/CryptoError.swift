internal import COpenSSL

/// A failure inside OpenSSL or the system random source. Values being
/// processed (keys, secrets, stored values) never appear in it.
public enum CryptoError: Error, Equatable, CustomStringConvertible {
    /// An OpenSSL call failed; `operation` names the call, `reason` is
    /// OpenSSL's own error string (from the thread's error queue), if any.
    case openSSL(operation: String, reason: String)
    /// A size outside what the operation supports (for example more random
    /// bytes than OpenSSL can produce in one call).
    case invalidSize(operation: String, size: Int)

    public var description: String {
        switch self {
        case let .openSSL(operation, reason):
            return reason.isEmpty ? "OpenSSL \(operation) failed" : "OpenSSL \(operation) failed: \(reason)"
        case let .invalidSize(operation, size):
            return "\(operation): unsupported size \(size)"
        }
    }

    /// Builds the error from the thread's OpenSSL error queue and empties it,
    /// so a later failure does not report this one's reason.
    static func fromQueue(_ operation: String) -> CryptoError {
        var reason = ""
        let code = ERR_get_error()
        if code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        ERR_clear_error()
        return .openSSL(operation: operation, reason: reason)
    }
}

/// An NTP server to ask: a host name or address literal, and a UDP port.
public struct NTPServerSpec: Sendable, Hashable, CustomStringConvertible {
    public static let defaultPort: UInt16 = 123

    /// Host name, IPv4 literal, or IPv6 literal without brackets (a zone such as
    /// `%eth0` is kept for getaddrinfo).
    public let host: String
    public let port: UInt16

    public init(host: String, port: UInt16 = NTPServerSpec.defaultPort) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST`, `HOST:PORT`, `[IPV6]` or `[IPV6]:PORT`. A bare IPv6
    /// literal (two or more colons, no brackets) takes the default port: 123, or
    /// `defaultPort` for other services given the same way (force-2fa's QR service).
    /// Throws `NTPServerSpecError` naming what is wrong.
    public init(parsing text: String, defaultPort: UInt16 = NTPServerSpec.defaultPort) throws(NTPServerSpecError) {
        let spec = text.trimmingWhitespace()
        var host: Substring
        var portText: Substring?
        if spec.hasPrefix("[") {
            guard let close = spec.firstIndex(of: "]") else { throw .init(text, "missing ']'") }
            host = spec[spec.index(after: spec.startIndex)..<close]
            let rest = spec[spec.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { throw .init(text, "expected ':PORT' after ']'") }
                portText = rest.dropFirst()
            }
        } else if spec.filter({ $0 == ":" }).count == 1, let colon = spec.firstIndex(of: ":") {
            host = spec[..<colon]
            portText = spec[spec.index(after: colon)...]
        } else {
            host = spec[...]
        }
        guard !host.isEmpty else { throw .init(text, "no host") }
        guard !host.contains(where: { $0 == " " || $0 == "\t" || $0 == "/" || $0 == "[" || $0 == "]" }) else {
            throw .init(text, "invalid host")
        }
        var port = defaultPort
        if let portText {
            guard portText.allSatisfy({ ("0"..."9").contains($0) }),
                  let value = UInt16(portText), value > 0 else {
                throw .init(text, "port must be a number from 1 to 65535")
            }
            port = value
        }
        self.init(host: String(host), port: port)
    }

    /// `host:port`, with brackets around IPv6 literals; the default port is left out.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return port == Self.defaultPort ? shownHost : "\(shownHost):\(port)"
    }
}

/// A server argument that is not `HOST[:PORT]` or `[IPV6]:PORT`.
public struct NTPServerSpecError: Error, Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public let problem: String

    init(_ text: String, _ problem: String) {
        self.text = text
        self.problem = problem
    }

    public var description: String {
        "invalid NTP server '\(text)': \(problem) (expected HOST[:PORT] or [IPV6]:PORT)"
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line ends.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

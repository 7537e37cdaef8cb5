import Dispatch
import FoundationEssentials
import Glibc
import Glibc
import Synchronization
import TCClock

/// Whether this host can reach a TCP service: its name resolves and a connection opens
/// within a deadline. Nothing is sent; the connection is closed at once.
///
/// getaddrinfo blocks and cannot be cancelled, so the probe runs on a thread of its own
/// and is abandoned at the deadline: the thread finishes later and its answer is dropped.
struct ServiceProbe: Sendable {
    enum Verdict: Sendable, Equatable {
        case reachable
        /// Why not, for the operator: "cannot resolve the name: ...", "connection refused", ...
        case unreachable(String)
    }

    let host: String
    let port: UInt16

    /// `HOST`, `HOST:PORT`, `[IPV6]` or `[IPV6]:PORT` (port 443 when none is given), as
    /// ntp-check takes its servers.
    init(parsing text: String, defaultPort: UInt16 = 443) throws(NTPServerSpecError) {
        let spec = try NTPServerSpec(parsing: text, defaultPort: defaultPort)
        host = spec.host
        port = spec.port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    func run(timeout: Double) -> Verdict {
        let answer = Answer()
        let deadline = Date().addingTimeInterval(timeout)
        let probe = self
        DispatchQueue.global().async {
            answer.verdict.withLock { $0 = probe.connect(before: deadline) }
            answer.done.signal()
        }
        // The thread keeps to the deadline itself; the margin covers a resolver that does not.
        guard answer.done.wait(timeout: .now() + timeout + 0.5) == .success,
              let verdict = answer.verdict.withLock({ $0 }) else {
            return .unreachable("no answer within \(Self.seconds(timeout))")
        }
        return verdict
    }

    private final class Answer: Sendable {
        let verdict = Mutex<Verdict?>(nil)
        let done = DispatchSemaphore(value: 0)
    }

    private func connect(before deadline: Date) -> Verdict {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        defer { if let list { freeaddrinfo(list) } }
        guard status == 0 else {
            let reason = status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            return .unreachable("cannot resolve \(host): \(reason)")
        }
        var failure = "no IPv4 or IPv6 address"
        var entry = list
        while let info = entry?.pointee {
            entry = info.ai_next
            guard let address = info.ai_addr, info.ai_family == AF_INET || info.ai_family == AF_INET6 else { continue }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return .unreachable(Self.describe(ETIMEDOUT)) }
            switch Self.open(family: info.ai_family, address, length: info.ai_addrlen, within: remaining) {
            case nil: return .reachable
            case let reason?: failure = reason
            }
        }
        return .unreachable(failure)
    }

    /// Opens and closes one TCP connection; nil on success, else why it failed.
    private static func open(family: Int32, _ address: UnsafePointer<sockaddr>, length: socklen_t, within limit: Double) -> String? {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return "socket: \(String(cString: strerror(errno)))" }
        defer { close(fd) }
        if Glibc.connect(fd, address, length) == 0 { return nil }
        guard errno == EINPROGRESS else { return describe(errno) }
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let milliseconds = Int32(min(max(limit * 1000, 1), 60_000))
        var ready: Int32
        repeat { ready = poll(&poller, 1, milliseconds) } while ready < 0 && errno == EINTR
        guard ready > 0 else { return describe(ready == 0 ? ETIMEDOUT : errno) }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 else { return describe(errno) }
        return error == 0 ? nil : describe(error)
    }

    private static func describe(_ number: Int32) -> String {
        String(cString: strerror(number)).lowercased()
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}

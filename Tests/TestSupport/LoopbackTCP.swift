import Foundation

/// A TCP port on 127.0.0.1 that accepts connections (the kernel completes them into the
/// listen backlog; nothing is read), standing in for an online service. Closed on release.
public final class LoopbackListener {
    public let port: UInt16
    private let descriptor: Int32

    public init() throws {
        (descriptor, port) = try LoopbackListener.bound()
        guard listen(descriptor, 128) == 0 else {
            close(descriptor)
            throw TestFailure("listen: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    /// "127.0.0.1:PORT".
    public var address: String { "127.0.0.1:\(port)" }

    /// A loopback port where nothing listens: bound to find a free one, then closed.
    public static func closedPort() throws -> UInt16 {
        let (fd, port) = try bound()
        close(fd)
        return port
    }

    private static func bound() throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            close(fd)
            throw TestFailure("bind: \(String(cString: strerror(errno)))")
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }
}

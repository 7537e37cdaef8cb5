import Dispatch
import Foundation
import Glibc
import Synchronization

/// A TCP listener on 127.0.0.1 that greets each client as a MariaDB server that does *not*
/// offer TLS (no CLIENT_SSL in its handshake), then records every byte the client sends
/// back and hangs up. A client that insists on TLS must send nothing; one that falls back
/// to plaintext sends its login packet (user name, password scramble) in the clear. With
/// `askForCleartextPassword`, the server answers that login by switching to the
/// mysql_clear_password plugin, as a man in the middle would, to get the password itself.
public final class FakeMySQLServer: Sendable {
    public let port: UInt16
    private let listener: Int32
    private let stopRequested = Atomic<Bool>(false)
    private let loopFinished = DispatchSemaphore(value: 0)
    private let received = Mutex<[UInt8]>([])
    private let accepted = Atomic<Int>(0)
    private let askForCleartextPassword: Bool

    public struct SetupError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(askForCleartextPassword: Bool = false) throws {
        self.askForCleartextPassword = askForCleartextPassword
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SetupError(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 4) == 0 else {
            close(fd)
            throw SetupError(description: "bind/listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in serve() }
        thread.name = "FakeMySQLServer 127.0.0.1:\(port)"
        thread.start()
    }

    /// Every byte clients sent after the greeting, all connections together.
    public var receivedBytes: [UInt8] { received.withLock { $0 } }
    public var connectionCount: Int { accepted.load(ordering: .relaxed) }

    /// Stops the thread and closes the socket; call once, before release.
    public func stop() {
        stopRequested.store(true, ordering: .relaxed)
        loopFinished.wait()
        close(listener)
    }

    private func serve() {
        defer { loopFinished.signal() }
        while !stopRequested.load(ordering: .relaxed) {
            var waiting = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&waiting, 1, 20) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            accepted.add(1, ordering: .relaxed)
            let greeting = Self.handshake()
            _ = greeting.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // Listen for up to two seconds, or until the client hangs up.
            let deadline = Date().addingTimeInterval(2)
            while Date() < deadline && !stopRequested.load(ordering: .relaxed) {
                var ready = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
                guard poll(&ready, 1, 20) > 0 else { continue }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                let first = received.withLock { bytes in
                    defer { bytes += buffer[..<n] }
                    return bytes.isEmpty
                }
                if first && askForCleartextPassword {
                    let payload: [UInt8] = [0xFE] + Array("mysql_clear_password".utf8) + [0]
                    let packet = [UInt8(payload.count), 0, 0, 2] + payload
                    _ = packet.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                }
            }
            close(client)
        }
    }

    /// Protocol 10 greeting of a MariaDB 10.11 server without CLIENT_SSL (0x800).
    static func handshake() -> [UInt8] {
        let capabilities: UInt32 = 0x0000_0001 | 0x0000_0004 | 0x0000_0008 | 0x0000_0200 | 0x0000_2000
            | 0x0000_8000 | 0x0002_0000 | 0x0008_0000
        var payload: [UInt8] = [10]
        payload += Array("5.5.5-10.11.6-MariaDB-fake".utf8) + [0]
        payload += [7, 0, 0, 0]
        payload += Array("abcdefgh".utf8) + [0]
        payload += [UInt8(capabilities & 0xFF), UInt8(capabilities >> 8 & 0xFF)]
        payload += [45, 2, 0]
        payload += [UInt8(capabilities >> 16 & 0xFF), UInt8(capabilities >> 24 & 0xFF)]
        payload += [21] + [UInt8](repeating: 0, count: 10)
        payload += Array("ijklmnopqrst".utf8) + [0]
        payload += Array("mysql_native_password".utf8) + [0]
        let n = payload.count
        return [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), 0] + payload
    }
}

import Dispatch
import Foundation
import Glibc
import Synchronization
@testable import TCClock

/// An SNTP server on a loopback UDP port, run on a thread of its own, whose
/// answers a test chooses.
public final class FakeSNTPServer: Sendable {
    /// What the server sends back to each request, in order; nothing when empty.
    public enum Response: Sendable {
        /// A proper server reply, shaped by the configuration.
        case reply
        /// A reply whose origin timestamp does not echo the request.
        case wrongOrigin
        /// These bytes instead of a reply.
        case garbage([UInt8])
    }

    public struct Configuration: Sendable {
        public init() {}
        /// Seconds the server's clock runs ahead of ours.
        public var offset: Double = 0
        public var leap: LeapIndicator = .noWarning
        public var stratum: UInt8 = 2
        public var version: UInt8 = 4
        public var mode: NTPMode = .server
        public var referenceID: UInt32 = 0xC000_0201  // 192.0.2.1
        /// Sets stratum 0, leap 3 and this code as reference ID.
        public var kissCode: String?
        public var responses: [Response] = [.reply]
    }

    /// "127.0.0.1" or "::1".
    public let host: String
    public let port: UInt16
    private let configuration: Configuration
    private let descriptor: Int32
    private let stopRequested = Atomic<Bool>(false)
    private let loopFinished = DispatchSemaphore(value: 0)
    private let requests = Atomic<Int>(0)

    public var spec: NTPServerSpec { NTPServerSpec(host: host, port: port) }
    /// Requests received so far.
    public var requestCount: Int { requests.load(ordering: .relaxed) }

    public struct SetupError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(host: String = "127.0.0.1", _ configuration: Configuration = Configuration()) throws {
        let (descriptor, port) = try Self.bindUDP(host: host)
        self.host = host
        self.port = port
        self.configuration = configuration
        self.descriptor = descriptor
        let thread = Thread { [self] in serve() }
        thread.name = "FakeSNTPServer \(host):\(port)"
        thread.start()
    }

    public convenience init(host: String = "127.0.0.1", configure: (inout Configuration) -> Void) throws {
        var configuration = Configuration()
        configure(&configuration)
        try self.init(host: host, configuration)
    }

    /// Stops the thread and closes the socket; call once, before release.
    public func stop() {
        stopRequested.store(true, ordering: .relaxed)
        loopFinished.wait()
        close(descriptor)
    }

    /// A UDP socket bound to `host` on a free port chosen by the kernel.
    public static func bindUDP(host: String) throws -> (descriptor: Int32, port: UInt16) {
        guard case .success(let addresses)? = SocketAddress.resolve(host: host, port: 0, numericOnly: true),
              let address = addresses.first else { throw SetupError(description: "bad address \(host)") }
        let descriptor = socket(address.family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SetupError(description: "socket: \(errnoDescription(errno))") }
        guard address.withSockaddr({ bind(descriptor, $0, $1) }) == 0 else {
            let reason = errnoDescription(errno)
            close(descriptor)
            throw SetupError(description: "bind \(host): \(reason)")
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset, in network byte order.
        let port = withUnsafeBytes(of: &storage) { UInt16($0[2]) << 8 | UInt16($0[3]) }
        return (descriptor, port)
    }

    /// A UDP port on `host` that nothing listens on (bound, read, released).
    public static func unusedPort(host: String = "127.0.0.1") throws -> UInt16 {
        let (descriptor, port) = try bindUDP(host: host)
        close(descriptor)
        return port
    }

    private func serve() {
        defer { loopFinished.signal() }
        while !stopRequested.load(ordering: .relaxed) {
            var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&waiting, 1, 20) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 2048)
            var peer = sockaddr_storage()
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = buffer.withUnsafeMutableBytes { bytes in
                withUnsafeMutablePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(descriptor, bytes.baseAddress, bytes.count, 0, $0, &peerLength)
                    }
                }
            }
            guard count > 0, let request = try? SNTPPacket.parse(Array(buffer.prefix(count))) else { continue }
            let receivedAt = NTPTimestamp.now().adding(seconds: configuration.offset)
            requests.add(1, ordering: .relaxed)
            for response in configuration.responses {
                let datagram = answer(response, to: request, receivedAt: receivedAt)
                _ = datagram.withUnsafeBytes { bytes in
                    withUnsafePointer(to: &peer) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(descriptor, bytes.baseAddress, bytes.count, 0, $0, peerLength)
                        }
                    }
                }
            }
        }
    }

    private func answer(_ response: Response, to request: SNTPPacket, receivedAt: NTPTimestamp) -> [UInt8] {
        if case .garbage(let bytes) = response { return bytes }
        var reply = SNTPPacket(
            leap: configuration.leap, version: configuration.version, mode: configuration.mode,
            stratum: configuration.stratum, poll: 6, precision: -20,
            rootDelay: 0x0000_0400, rootDispersion: 0x0000_0800, referenceID: configuration.referenceID,
            referenceTimestamp: receivedAt.adding(seconds: -16),
            originTimestamp: request.transmitTimestamp,
            receiveTimestamp: receivedAt)
        if let code = configuration.kissCode {
            reply.leap = .alarm
            reply.stratum = 0
            let ascii = Array(code.utf8.prefix(4)) + [UInt8](repeating: 0, count: 4 - min(code.utf8.count, 4))
            reply.referenceID = ascii.reduce(0) { $0 << 8 | UInt32($1) }
        }
        if case .wrongOrigin = response {
            reply.originTimestamp = request.transmitTimestamp.adding(seconds: 1)
        }
        reply.transmitTimestamp = NTPTimestamp.now().adding(seconds: configuration.offset)
        return reply.bytes
    }
}

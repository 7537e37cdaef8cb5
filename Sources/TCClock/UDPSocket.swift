import Glibc

/// A resolved socket address, kept as bytes so it is a plain Sendable value.
struct SocketAddress: Sendable, Hashable {
    let family: Int32
    let bytes: [UInt8]

    /// The address copied out of a `sockaddr` of `length` bytes.
    init(family: Int32, _ address: UnsafePointer<sockaddr>, length: socklen_t) {
        self.family = family
        bytes = Array(UnsafeRawBufferPointer(start: address, count: Int(length)))
    }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        bytes.withUnsafeBytes { raw in
            var storage = sockaddr_storage()
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) }
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(raw.count)) }
            }
        }
    }

    /// The numeric host, e.g. "127.0.0.1" or "::1".
    var numericHost: String {
        withSockaddr { address, length in
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else {
                return "?"
            }
            return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// The addresses of `host` for UDP to `port`, in getaddrinfo's preferred
    /// order. With `numericOnly`, names are not looked up (nil is returned for
    /// them), so the call cannot block.
    static func resolve(host: String, port: UInt16, numericOnly: Bool) -> Result<[SocketAddress], SNTPQueryError>? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_UDP)
        hints.ai_flags = AI_NUMERICSERV | (numericOnly ? AI_NUMERICHOST : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        defer { if let list { freeaddrinfo(list) } }
        guard status == 0 else {
            if numericOnly && status == EAI_NONAME { return nil }
            let reason = status == EAI_SYSTEM ? errnoDescription(errno) : String(cString: gai_strerror(status))
            return .failure(.resolutionFailed(reason))
        }
        var addresses: [SocketAddress] = []
        var entry = list
        while let info = entry?.pointee {
            if let address = info.ai_addr, info.ai_family == AF_INET || info.ai_family == AF_INET6 {
                let resolved = SocketAddress(family: info.ai_family, address, length: info.ai_addrlen)
                if !addresses.contains(resolved) { addresses.append(resolved) }
            }
            entry = info.ai_next
        }
        return addresses.isEmpty ? .failure(.resolutionFailed("no IPv4 or IPv6 address")) : .success(addresses)
    }
}

/// A nonblocking UDP socket connected to one peer, closed on release.
/// Connecting makes the kernel drop datagrams from anyone else and report
/// ICMP errors (e.g. port unreachable) to us.
final class UDPSocket {
    let descriptor: Int32

    /// Fails with the errno text.
    init(connectedTo address: SocketAddress) throws(SNTPQueryError) {
        let type = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        descriptor = socket(address.family, type, 0)
        guard descriptor >= 0 else { throw .unreachable("socket: \(errnoDescription(errno))") }
        let status = address.withSockaddr { connect(descriptor, $0, $1) }
        guard status == 0 else {
            let reason = errnoDescription(errno)
            close(descriptor)
            throw .unreachable(reason)
        }
    }

    deinit { close(descriptor) }

    func send(_ bytes: [UInt8]) throws(SNTPQueryError) {
        let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
        guard sent == bytes.count else {
            throw .unreachable(sent < 0 ? errnoDescription(errno) : "short send")
        }
    }

    /// The next waiting datagram, nil when none is waiting; throws a pending
    /// socket error (e.g. ECONNREFUSED after ICMP port unreachable).
    func receive() throws(SNTPQueryError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 2048)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count >= 0 { return Array(buffer.prefix(count)) }
        switch errno {
        case EAGAIN, EWOULDBLOCK, EINTR: return nil
        case let code: throw .unreachable(errnoDescription(code))
        }
    }
}

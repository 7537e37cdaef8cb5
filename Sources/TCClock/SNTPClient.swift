import Glibc

/// A simple SNTP client (RFC 4330, RFC 5905 on-wire protocol).
public enum SNTPClient {
    /// Asks every server once, all in parallel, and returns when each has
    /// answered or failed, or when `timeout` has passed since the call —
    /// whichever comes first. Never blocks longer than `timeout` (plus a few
    /// milliseconds), even when a server is silent or DNS hangs.
    ///
    /// Address literals are used as they are; names are resolved with
    /// getaddrinfo, each on its own thread, within the same timeout. A name is
    /// queried at its first address that accepts a packet. Each request goes
    /// from its own connected, nonblocking UDP socket and carries a transmit
    /// timestamp whose 32 fraction bits are random; a reply must echo it.
    ///
    /// Until the deadline, replies that cannot be decoded or do not echo our
    /// request are set aside (they may be stray or spoofed) and the server's
    /// real answer is awaited; if none comes, the result reports the last such
    /// problem instead of a plain timeout. A matching reply ends the exchange:
    /// measured, or rejected with the reason.
    ///
    /// - Returns: one result per server, in the order given. Blocks the calling
    ///   thread; safe to call from any thread.
    public static func query(_ servers: [NTPServerSpec], timeout: Duration) -> SNTPReport {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var results = [SNTPServerResult?](repeating: nil, count: servers.count)
        var exchanges: [Exchange] = []
        var lookups: NameLookups?
        var lookingUp = Set<Int>()

        func begin(_ index: Int, _ resolution: Result<[SocketAddress], SNTPQueryError>) {
            let started = resolution
                .mapError { Exchange.StartFailure(address: nil, reason: $0) }
                .flatMap { Exchange.start(index: index, addresses: $0) }
            switch started {
            case .success(let exchange):
                exchanges.append(exchange)
            case .failure(let failure):
                results[index] = SNTPServerResult(
                    server: servers[index], address: failure.address, outcome: .failure(failure.reason))
            }
        }

        for (index, server) in servers.enumerated() {
            if let literal = SocketAddress.resolve(host: server.host, port: server.port, numericOnly: true) {
                begin(index, literal)
                continue
            }
            do {
                if lookups == nil { lookups = try NameLookups() }
                lookups?.start(server, index: index)
                lookingUp.insert(index)
            } catch {
                results[index] = SNTPServerResult(server: server, address: nil, outcome: .failure(error))
            }
        }

        var pollFailure: SNTPQueryError?
        while !exchanges.isEmpty || !lookingUp.isEmpty {
            let remaining = deadline - clock.now
            guard remaining > .zero else { break }
            var descriptors = exchanges.map { pollfd(fd: $0.socket.descriptor, events: Int16(POLLIN), revents: 0) }
            if let lookups, !lookingUp.isEmpty {
                descriptors.append(pollfd(fd: lookups.wakeDescriptor, events: Int16(POLLIN), revents: 0))
            }
            let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds(roundingUp: remaining))
            if ready < 0 {
                if errno == EINTR { continue }
                pollFailure = .unreachable("poll: \(errnoDescription(errno))")
                break
            }
            guard ready > 0 else { continue }

            var waiting: [Exchange] = []
            for (exchange, descriptor) in zip(exchanges, descriptors) {
                if descriptor.revents != 0, let outcome = exchange.readReplies() {
                    results[exchange.index] = SNTPServerResult(
                        server: servers[exchange.index], address: exchange.address, outcome: outcome)
                } else {
                    waiting.append(exchange)
                }
            }
            exchanges = waiting
            if let lookups, let wake = descriptors.last, wake.fd == lookups.wakeDescriptor, wake.revents != 0 {
                for (index, resolution) in lookups.takeFinished() where lookingUp.remove(index) != nil {
                    begin(index, resolution)
                }
            }
        }

        for exchange in exchanges {
            results[exchange.index] = SNTPServerResult(
                server: servers[exchange.index], address: exchange.address,
                outcome: .failure(pollFailure ?? exchange.setAside ?? .timeout))
        }
        for index in lookingUp {
            results[index] = SNTPServerResult(
                server: servers[index], address: nil,
                outcome: .failure(pollFailure ?? .resolutionFailed("no answer from the resolver within the timeout")))
        }
        return SNTPReport(results: results.map { $0! })  // every index is filled above
    }

    /// poll(2)'s timeout argument: whole milliseconds, rounded up so that the
    /// loop never spins just before the deadline.
    static func milliseconds(roundingUp duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        guard seconds < Int64(Int32.max / 1000) else { return Int32.max }
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(millis, 0))
    }
}

/// One request in flight.
private final class Exchange {
    let index: Int
    let socket: UDPSocket
    /// Numeric address of the peer.
    let address: String
    /// The transmit timestamp as sent; the reply's origin must equal it.
    let request: NTPTimestamp
    /// Our clock when the request left (T1), without the random bits.
    let sentAt: NTPTimestamp
    /// The last reply set aside as undecodable or not echoing our request.
    private(set) var setAside: SNTPQueryError?

    struct StartFailure: Error {
        let address: String?
        let reason: SNTPQueryError
    }

    private init(index: Int, socket: UDPSocket, address: String, request: NTPTimestamp, sentAt: NTPTimestamp) {
        self.index = index
        self.socket = socket
        self.address = address
        self.request = request
        self.sentAt = sentAt
    }

    /// Sends the request to the first of `addresses` that takes it.
    static func start(index: Int, addresses: [SocketAddress]) -> Result<Exchange, StartFailure> {
        var failure = StartFailure(address: nil, reason: .unreachable("no address"))
        for address in addresses {
            do {
                let socket = try UDPSocket(connectedTo: address)
                let sentAt = NTPTimestamp.now()
                let request = NTPTimestamp(seconds: sentAt.seconds, fraction: .random(in: .min ... .max))
                try socket.send(SNTPPacket.clientRequest(transmit: request).bytes)
                return .success(Exchange(index: index, socket: socket, address: address.numericHost,
                                         request: request, sentAt: sentAt))
            } catch {
                failure = StartFailure(address: address.numericHost, reason: error)
            }
        }
        return .failure(failure)
    }

    /// Reads every waiting datagram; returns the outcome once a reply that
    /// echoes our request arrives or the socket reports an error, nil while
    /// the answer is still to come.
    func readReplies() -> Result<SNTPMeasurement, SNTPQueryError>? {
        while true {
            let datagram: [UInt8]?
            do {
                datagram = try socket.receive()
            } catch {
                return .failure(error)
            }
            guard let datagram else { return nil }
            let receivedAt = NTPTimestamp.now()
            let reply: SNTPPacket
            do {
                reply = try SNTPPacket.parse(datagram)
            } catch {
                setAside = .malformedReply(error)
                continue
            }
            switch reply.rejection(asReplyTo: request) {
            case nil:
                return .success(SNTPMeasurement(reply: reply, sentAt: sentAt, receivedAt: receivedAt))
            case .originMismatch:
                setAside = .rejected(.originMismatch)
            case let rejection?:
                return .failure(.rejected(rejection))
            }
        }
    }
}

/// Why a server gave no usable time.
public enum SNTPQueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// getaddrinfo found no address (or gave no answer within the timeout).
    case resolutionFailed(String)
    /// The network said no: no route, ICMP port unreachable ("Connection
    /// refused"), or a socket call failed. The text is the system's.
    case unreachable(String)
    /// No reply within the overall timeout.
    case timeout
    /// Only replies that could not be decoded arrived before the timeout.
    case malformedReply(SNTPPacketError)
    /// The server replied, but not acceptably (kiss-o'-death, unsynchronized,
    /// wrong mode or version…); `.originMismatch` when only replies that do not
    /// echo our request arrived before the timeout.
    case rejected(SNTPRejection)

    public var description: String {
        switch self {
        case .resolutionFailed(let reason): "cannot resolve: \(reason)"
        case .unreachable(let reason): "unreachable: \(reason)"
        case .timeout: "no reply (timeout)"
        case .malformedReply(let problem): "malformed reply: \(problem)"
        case .rejected(let rejection): "rejected: \(rejection)"
        }
    }
}

/// One good SNTP exchange (RFC 5905 §8 on-wire computation).
public struct SNTPMeasurement: Sendable, Hashable {
    /// Server clock minus our clock, seconds: positive means our clock is
    /// behind the server's. θ = ((T2 − T1) + (T3 − T4)) / 2.
    public let offset: Double
    /// Round-trip network delay, seconds: δ = (T4 − T1) − (T3 − T2).
    public let delay: Double
    public let stratum: UInt8
    public let leap: LeapIndicator
    /// `reply.referenceIDText`: e.g. "GPS" at stratum 1, "192.0.2.7" below.
    public let referenceID: String
    /// The server's reply as decoded.
    public let reply: SNTPPacket

    /// Computes offset and delay from our send time `t1`, the reply's receive
    /// (T2) and transmit (T3) timestamps, and our receive time `t4`.
    public init(reply: SNTPPacket, sentAt t1: NTPTimestamp, receivedAt t4: NTPTimestamp) {
        let t2 = reply.receiveTimestamp
        let t3 = reply.transmitTimestamp
        offset = (t2.seconds(since: t1) + t3.seconds(since: t4)) / 2
        delay = t4.seconds(since: t1) - t3.seconds(since: t2)
        stratum = reply.stratum
        leap = reply.leap
        referenceID = reply.referenceIDText
        self.reply = reply
    }
}

/// What one server answered.
public struct SNTPServerResult: Sendable, Hashable {
    /// The server as asked.
    public let server: NTPServerSpec
    /// The numeric address queried (e.g. "192.0.2.1", "2001:db8::1"); nil when
    /// resolution failed.
    public let address: String?
    public let outcome: Result<SNTPMeasurement, SNTPQueryError>

    public init(server: NTPServerSpec, address: String?, outcome: Result<SNTPMeasurement, SNTPQueryError>) {
        self.server = server
        self.address = address
        self.outcome = outcome
    }

    public var measurement: SNTPMeasurement? { try? outcome.get() }

    public var error: SNTPQueryError? {
        if case .failure(let error) = outcome { return error }
        return nil
    }
}

/// The answers of all servers asked together.
public struct SNTPReport: Sendable, Hashable {
    /// One result per server, in the order they were given.
    public let results: [SNTPServerResult]

    public init(results: [SNTPServerResult]) { self.results = results }

    /// The good sources' measurements.
    public var measurements: [SNTPMeasurement] { results.compactMap(\.measurement) }

    /// Median offset of the good sources (seconds, server − ours); nil when
    /// there is none.
    public var combinedOffset: Double? { Self.median(measurements.map(\.offset)) }

    /// The median; the mean of the two middle values for an even count; nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

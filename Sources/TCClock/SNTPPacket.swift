/// Leap indicator: the top two bits of an NTP packet.
public enum LeapIndicator: UInt8, Sendable, Hashable, CustomStringConvertible {
    case noWarning = 0
    case lastMinuteHas61Seconds = 1
    case lastMinuteHas59Seconds = 2
    /// The server's clock is not synchronized.
    case alarm = 3

    public var description: String {
        switch self {
        case .noWarning: "no warning"
        case .lastMinuteHas61Seconds: "leap second to insert"
        case .lastMinuteHas59Seconds: "leap second to delete"
        case .alarm: "unsynchronized"
        }
    }
}

/// Association mode: the low three bits of the first byte.
public enum NTPMode: UInt8, Sendable, Hashable {
    case reserved = 0, symmetricActive, symmetricPassive, client, server, broadcast, control, privateUse
}

/// Why `SNTPPacket.parse` refused some bytes.
public enum SNTPPacketError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Fewer than the 48 bytes of an NTP header.
    case tooShort(length: Int)

    public var description: String {
        switch self {
        case .tooShort(let length): "\(length)-byte packet, shorter than the 48-byte NTP header"
        }
    }
}

/// Why a well-formed reply is not accepted as a time source.
public enum SNTPRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The origin timestamp does not echo our transmit timestamp: a stale,
    /// stray or spoofed reply.
    case originMismatch
    /// Mode other than 4 (server).
    case unexpectedMode(UInt8)
    /// Version outside 1...4.
    case unsupportedVersion(UInt8)
    /// Stratum 0: kiss-o'-death; the code (e.g. "RATE", "DENY") may be empty.
    case kissOfDeath(code: String)
    /// Leap indicator 3: the server says its own clock is unsynchronized.
    case leapAlarm
    /// Stratum 16 (unsynchronized) or a reserved stratum above it.
    case unsynchronizedStratum(UInt8)
    /// The server left its transmit timestamp zero.
    case zeroTransmitTimestamp

    public var description: String {
        switch self {
        case .originMismatch: "reply does not echo our transmit timestamp"
        case .unexpectedMode(let mode): "reply in mode \(mode), not 4 (server)"
        case .unsupportedVersion(let version): "reply with NTP version \(version), not 1 to 4"
        case .kissOfDeath(let code) where code.isEmpty: "stratum 0 without a kiss code (server unsynchronized)"
        case .kissOfDeath(let code): "kiss-o'-death \(code)"
        case .leapAlarm: "server is unsynchronized (leap indicator 3)"
        case .unsynchronizedStratum(16): "server is unsynchronized (stratum 16)"
        case .unsynchronizedStratum(let stratum): "invalid stratum \(stratum)"
        case .zeroTransmitTimestamp: "reply has a zero transmit timestamp"
        }
    }
}

/// The 48-byte NTP header (RFC 5905 §7.3); extension fields and MACs after it
/// are ignored.
public struct SNTPPacket: Sendable, Hashable {
    public var leap: LeapIndicator
    /// 0...7 on the wire.
    public var version: UInt8
    public var mode: NTPMode
    public var stratum: UInt8
    /// log2 of the poll interval in seconds.
    public var poll: Int8
    /// log2 of the clock precision in seconds.
    public var precision: Int8
    /// Round-trip delay to the reference clock, NTP short format (16.16 s).
    public var rootDelay: UInt32
    /// Dispersion to the reference clock, NTP short format (16.16 s).
    public var rootDispersion: UInt32
    /// Raw reference identifier; see `referenceIDText`.
    public var referenceID: UInt32
    public var referenceTimestamp: NTPTimestamp
    /// In a reply: the client's transmit timestamp, echoed (T1).
    public var originTimestamp: NTPTimestamp
    /// In a reply: when the server received the request (T2).
    public var receiveTimestamp: NTPTimestamp
    /// When the packet left its sender (T3 in a reply).
    public var transmitTimestamp: NTPTimestamp

    public static let headerLength = 48

    public init(leap: LeapIndicator = .noWarning, version: UInt8 = 4, mode: NTPMode,
                stratum: UInt8 = 0, poll: Int8 = 0, precision: Int8 = 0,
                rootDelay: UInt32 = 0, rootDispersion: UInt32 = 0, referenceID: UInt32 = 0,
                referenceTimestamp: NTPTimestamp = .zero, originTimestamp: NTPTimestamp = .zero,
                receiveTimestamp: NTPTimestamp = .zero, transmitTimestamp: NTPTimestamp = .zero) {
        self.leap = leap
        self.version = version
        self.mode = mode
        self.stratum = stratum
        self.poll = poll
        self.precision = precision
        self.rootDelay = rootDelay
        self.rootDispersion = rootDispersion
        self.referenceID = referenceID
        self.referenceTimestamp = referenceTimestamp
        self.originTimestamp = originTimestamp
        self.receiveTimestamp = receiveTimestamp
        self.transmitTimestamp = transmitTimestamp
    }

    /// A version 4 client request (mode 3) carrying only a transmit timestamp,
    /// as RFC 4330 §5 recommends.
    public static func clientRequest(transmit: NTPTimestamp) -> SNTPPacket {
        SNTPPacket(mode: .client, transmitTimestamp: transmit)
    }

    /// Decodes the header of any datagram of 48 bytes or more. Pure: never
    /// traps, whatever the bytes; judging the contents is `rejection(asReplyTo:)`'s job.
    public static func parse(_ bytes: [UInt8]) throws(SNTPPacketError) -> SNTPPacket {
        guard bytes.count >= headerLength else { throw .tooShort(length: bytes.count) }
        func word(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
        }
        func timestamp(_ at: Int) -> NTPTimestamp {
            NTPTimestamp(seconds: word(at), fraction: word(at + 4))
        }
        return SNTPPacket(
            leap: LeapIndicator(rawValue: bytes[0] >> 6)!,  // two bits: every value is a case
            version: (bytes[0] >> 3) & 0x07,
            mode: NTPMode(rawValue: bytes[0] & 0x07)!,      // three bits: every value is a case
            stratum: bytes[1],
            poll: Int8(bitPattern: bytes[2]),
            precision: Int8(bitPattern: bytes[3]),
            rootDelay: word(4),
            rootDispersion: word(8),
            referenceID: word(12),
            referenceTimestamp: timestamp(16),
            originTimestamp: timestamp(24),
            receiveTimestamp: timestamp(32),
            transmitTimestamp: timestamp(40))
    }

    /// The 48-byte wire form (`version` is masked to its three bits).
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Self.headerLength)
        func append(_ value: UInt32) {
            out += [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                    UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
        }
        func append(_ value: NTPTimestamp) {
            append(value.seconds)
            append(value.fraction)
        }
        out += [leap.rawValue << 6 | (version & 0x07) << 3 | mode.rawValue,
                stratum, UInt8(bitPattern: poll), UInt8(bitPattern: precision)]
        append(rootDelay)
        append(rootDispersion)
        append(referenceID)
        append(referenceTimestamp)
        append(originTimestamp)
        append(receiveTimestamp)
        append(transmitTimestamp)
        return out
    }

    public var rootDelaySeconds: Double { Double(rootDelay) / 65536 }
    public var rootDispersionSeconds: Double { Double(rootDispersion) / 65536 }

    /// The reference identifier as text: the kiss code (stratum 0) or clock
    /// name (stratum 1) as ASCII, e.g. "RATE", "GPS"; otherwise the reference's
    /// IPv4 address, e.g. "192.0.2.1". (For IPv6 references servers send the
    /// first four bytes of an MD5 hash, which then also reads as an address.)
    /// Unprintable ASCII codes come out as hex, e.g. "0x0102ff00".
    public var referenceIDText: String {
        let octets = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: referenceID >> $0) }
        guard stratum <= 1 else { return octets.map(String.init).joined(separator: ".") }
        let text = octets.prefix { $0 != 0 }
        guard text.allSatisfy({ (0x20...0x7e).contains($0) }),
              octets.dropFirst(text.count).allSatisfy({ $0 == 0 }) else {
            let digits = String(referenceID, radix: 16)
            return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
        }
        var code = String(decoding: text, as: UTF8.self)
        while code.hasSuffix(" ") { code.removeLast() }
        return code
    }

    /// Why this packet is not acceptable as the reply to a request we sent
    /// with transmit timestamp `request`, or nil when it is a usable source.
    public func rejection(asReplyTo request: NTPTimestamp) -> SNTPRejection? {
        if originTimestamp != request { return .originMismatch }
        if mode != .server { return .unexpectedMode(mode.rawValue) }
        if !(1...4).contains(version) { return .unsupportedVersion(version) }
        if stratum == 0 { return .kissOfDeath(code: referenceIDText) }
        if leap == .alarm { return .leapAlarm }
        if stratum >= 16 { return .unsynchronizedStratum(stratum) }
        if transmitTimestamp == .zero { return .zeroTransmitTimestamp }
        return nil
    }
}

/// A 64-bit NTP timestamp: seconds since 1900-01-01 00:00 UTC in the high 32
/// bits, binary fraction of a second in the low 32 bits (RFC 5905 §6).
public struct NTPTimestamp: Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt64

    /// Seconds between the NTP epoch (1900) and the Unix epoch (1970).
    public static let unixEpochOffset: UInt64 = 2_208_988_800
    public static let zero = NTPTimestamp(rawValue: 0)

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public init(seconds: UInt32, fraction: UInt32) {
        rawValue = UInt64(seconds) << 32 | UInt64(fraction)
    }

    /// From Unix time. Seconds wrap modulo 2^32 as NTP era numbers do (2036).
    public init(unixSeconds: Int64, nanoseconds: Int64) {
        let seconds = UInt32(truncatingIfNeeded: unixSeconds &+ Int64(Self.unixEpochOffset))
        let fraction = UInt32(truncatingIfNeeded: (UInt64(nanoseconds) << 32) / 1_000_000_000)
        self.init(seconds: seconds, fraction: fraction)
    }

    /// From Unix time in seconds (a Double); finer than ~0.5 µs is lost.
    public init(unixTime: Double) {
        let whole = unixTime.rounded(.down)
        self.init(unixSeconds: Int64(whole), nanoseconds: Int64((unixTime - whole) * 1e9))
    }

    /// The system clock (CLOCK_REALTIME) now.
    public static func now() -> NTPTimestamp {
        let now = realtimeNow()
        return NTPTimestamp(unixSeconds: now.seconds, nanoseconds: now.nanoseconds)
    }

    public var seconds: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 32) }
    public var fraction: UInt32 { UInt32(truncatingIfNeeded: rawValue) }

    /// Unix time in seconds, assuming NTP era 0 (1900–2036).
    public var unixTime: Double {
        Double(Int64(seconds) - Int64(Self.unixEpochOffset)) + Double(fraction) / 4_294_967_296
    }

    /// `self − other` in seconds, computed in 64-bit two's complement so that it
    /// stays exact across an era boundary when the two are within 68 years.
    public func seconds(since other: NTPTimestamp) -> Double {
        Double(Int64(bitPattern: rawValue &- other.rawValue)) / 4_294_967_296
    }

    /// This timestamp moved by `seconds`, which may be negative and must be
    /// finite and within ±68 years (the span one NTP era difference can hold).
    public func adding(seconds: Double) -> NTPTimestamp {
        let scaled = (seconds * 4_294_967_296).rounded()
        precondition(scaled.magnitude < 0x1p63, "NTPTimestamp.adding(seconds:) out of range: \(seconds)")
        return NTPTimestamp(rawValue: rawValue &+ UInt64(bitPattern: Int64(scaled)))
    }

    /// Hexadecimal seconds.fraction, as `ntpq` shows timestamps.
    public var description: String {
        func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 8 - digits.count) + digits
        }
        return hex(seconds) + "." + hex(fraction)
    }
}

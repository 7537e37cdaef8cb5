/// How far another machine's clock (e.g. the database server's) is from ours,
/// from one reading of it taken between two readings of our own clock.
///
/// The remote value was read at some instant between `localBefore` and
/// `localAfter`; the midpoint is the best guess, and half the round trip
/// bounds the error. For MariaDB, read `SELECT UNIX_TIMESTAMP(NOW(6))` with the
/// session's `time_zone` set to `'+00:00'` (a fixed zone has no repeated hour
/// at the end of daylight saving time): microsecond resolution. Plain
/// `UNIX_TIMESTAMP()` is whole seconds, truncated; pass `remoteResolution: 1`.
public struct RemoteClockSkew: Sendable, Hashable {
    /// Remote clock minus ours, seconds: positive when the remote clock is
    /// ahead (the same sign as `SNTPMeasurement.offset`).
    public let offset: Double
    /// The true offset lies within `offset ± uncertainty`: half the round
    /// trip plus half the remote value's resolution.
    public let uncertainty: Double
    /// `localAfter − localBefore`, seconds.
    public let roundTrip: Double

    /// - Parameters:
    ///   - localBefore: our clock (Unix time, seconds) just before the query was sent.
    ///   - remote: the remote clock's reading (Unix time, seconds).
    ///   - localAfter: our clock just after the answer came back.
    ///   - remoteResolution: how coarse `remote` is, seconds; a truncated
    ///     reading `r` stands for `r ..< r + remoteResolution`. 0 for exact values.
    /// - Returns: nil when a value is not finite, `localAfter < localBefore`
    ///   (our clock was stepped meanwhile) or the resolution is negative.
    public init?(localBefore: Double, remote: Double, localAfter: Double, remoteResolution: Double = 0) {
        guard localBefore.isFinite, remote.isFinite, localAfter.isFinite, remoteResolution.isFinite,
              localAfter >= localBefore, remoteResolution >= 0 else { return nil }
        roundTrip = localAfter - localBefore
        offset = (remote + remoteResolution / 2) - (localBefore + roundTrip / 2)
        uncertainty = roundTrip / 2 + remoteResolution / 2
    }

    /// Our clock (CLOCK_REALTIME) as Unix time in seconds, for `localBefore`
    /// and `localAfter`.
    public static func localClock() -> Double {
        let now = realtimeNow()
        return Double(now.seconds) + Double(now.nanoseconds) / 1e9
    }
}

/// What a clock offset does to TOTP codes checked on this machine.
///
/// Derivation. Let this machine's clock read true time + e, where
/// e = −offset (offset being reference − ours, as SNTP reports it). A phone
/// with a correct clock shows the code of step s = ⌊p / P⌋ during
/// [sP, (s+1)P). The code reaches the server at true time t = sP + a, where a
/// is its age: seconds since its step began (0 ≤ a < P while the phone still
/// shows it; typing time adds to a). The server accepts it iff its own step
/// ⌊(t + e) / P⌋ is within ±w of s, that is iff ⌊(a + e) / P⌋ ∈ [−w, w]:
///
///     −wP − e ≤ a < (w + 1)P − e
///
/// With P = 30 and w = 1 and a correct clock, a code is accepted from 30 s
/// before its step (the phone's clock may lag) until 60 s after the step
/// began, i.e. up to 30 s after it left the phone's screen.
/// - e > 0 (clock ahead): that grace shrinks to 30 − e s. Beyond 30 s, codes
///   entered in the last e − 30 s of their step fail even when typed at once;
///   at 60 s and beyond, every code fails.
/// - e < 0 (clock behind): the grace grows, and nothing shown fails until
///   |e| > 30 s; then codes entered in the first |e| − 30 s of their step
///   fail; at 60 s and beyond, every code fails while it is shown.
/// So the spec's "beyond ~15 s codes typed late in their step are rejected"
/// means codes that take more than 30 − 15 = 15 s after their step ends to
/// arrive; an instantly typed code fails only beyond 30 s.
public struct TOTPClockImpact: Sendable, Hashable {
    /// Reference minus our clock, seconds (as `SNTPMeasurement.offset`).
    public let offset: Double
    /// TOTP step length, seconds.
    public let period: Int
    /// Steps accepted either side of the current one.
    public let window: Int

    /// The range of code ages (seconds since the code's step began, in true
    /// time, when it reaches this server) that this server accepts.
    public var acceptedAges: Range<Double> {
        let clockError = -offset
        let period = Double(period)
        return (-Double(window) * period - clockError) ..< (Double(window + 1) * period - clockError)
    }

    /// Seconds of a code's display time (its step) during which entering it
    /// instantly fails: at the end of the step when the clock is ahead, at the
    /// start when it is behind. 0 when only slow typing is affected.
    public var rejectedSecondsPerStep: Double {
        let shown = 0.0 ..< Double(period)
        let accepted = acceptedAges.clamped(to: shown)
        return Double(period) - (accepted.upperBound - accepted.lowerBound)
    }

    /// How long after a code leaves the phone's screen it is still accepted, seconds (normally `window × period`).
    public var graceAfterStep: Double { max(0, acceptedAges.upperBound - Double(period)) }

    /// nil unless `offset` is finite, `period` > 0 and `window` >= 0.
    public init?(offset: Double, period: Int = 30, window: Int = 1) {
        guard offset.isFinite, period > 0, window >= 0 else { return nil }
        self.offset = offset
        self.period = period
        self.window = window
    }

    /// One line for people, e.g. "clock 45 s ahead: codes entered in the last
    /// 15 s of their 30 s step are rejected (50% of codes even when typed at once)".
    public var summary: String {
        let clockError = -offset
        let lead: String
        if clockError.magnitude < 0.05 {
            lead = "clock right"
        } else {
            lead = "clock \(Self.seconds(clockError.magnitude)) \(clockError > 0 ? "ahead" : "behind")"
        }
        let period = Double(period)
        let normalGrace = Double(window) * period
        let accepted = acceptedAges
        let rejected = rejectedSecondsPerStep
        if rejected >= period {
            return "\(lead): every code is rejected while the phone shows it"
        }
        if rejected > 0 {
            let part = accepted.upperBound < period ? "last" : "first"
            let share = Int((rejected / period * 100).rounded())
            return "\(lead): codes entered in the \(part) \(Self.seconds(rejected)) of their \(Self.seconds(period)) step "
                + "are rejected (\(share)% of codes even when typed at once)"
        }
        let grace = graceAfterStep
        if grace < normalGrace - 0.05 {
            return "\(lead): codes are accepted while shown, but rejected if they arrive more than "
                + "\(Self.seconds(grace)) after leaving the phone's screen (normally \(Self.seconds(normalGrace)))"
        }
        return "\(lead): codes are accepted while shown and up to \(Self.seconds(grace)) after"
    }

    /// One line for an offset that may be unknown: `summary`, or a note that
    /// nothing can be said.
    public static func explanation(forOffset offset: Double?, period: Int = 30, window: Int = 1) -> String {
        guard let offset, let impact = TOTPClockImpact(offset: offset, period: period, window: window) else {
            return "clock offset unknown: its effect on TOTP codes cannot be judged"
        }
        return impact.summary
    }

    /// "20 s", "7.5 s": at most one decimal.
    static func seconds(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        guard tenths.magnitude < 1e15 else { return "\(tenths) s" }
        return tenths == tenths.rounded() ? "\(Int64(tenths)) s" : "\(tenths) s"
    }
}

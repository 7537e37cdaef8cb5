/// How bad a clock offset is, in monitoring-plugin terms.
public enum ClockVerdict: String, Sendable, Hashable, CaseIterable {
    case ok, warning, critical, unknown

    /// The monitoring-plugin exit status, which is also tcadmin's
    /// `ntp-check` exit code: 0 ok, 1 warning, 2 critical, 3 unknown.
    public var exitCode: Int32 {
        switch self {
        case .ok: 0
        case .warning: 1
        case .critical: 2
        case .unknown: 3
        }
    }

    /// `OK`, `WARNING`, `CRITICAL`, `UNKNOWN`, as monitoring plugins print it.
    public var label: String { rawValue.uppercased() }
}

/// Offset limits, in seconds, for a `ClockVerdict`.
public struct ClockThresholds: Sendable, Hashable {
    public static let defaultWarning = 5.0
    public static let defaultCritical = 15.0

    public let warning: Double
    public let critical: Double

    /// Both limits must be finite, non-negative, and `warning <= critical`;
    /// nil otherwise (a usage error for the caller to report).
    public init?(warning: Double = ClockThresholds.defaultWarning, critical: Double = ClockThresholds.defaultCritical) {
        guard warning.isFinite, critical.isFinite, warning >= 0, warning <= critical else { return nil }
        self.warning = warning
        self.critical = critical
    }

    /// Unknown for nil or NaN; critical when |offset| > critical; warning when
    /// |offset| > warning; ok otherwise. Like monitoring plugins' thresholds,
    /// an offset exactly at a limit does not cross it.
    public func verdict(forOffset offset: Double?) -> ClockVerdict {
        guard let offset, !offset.isNaN else { return .unknown }
        if offset.magnitude > critical { return .critical }
        if offset.magnitude > warning { return .warning }
        return .ok
    }
}

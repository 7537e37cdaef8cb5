internal import CClockShim

/// The kernel's STA_* status bits, as `adjtimex(2)` reports them (Linux values).
public struct KernelClockStatus: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let pll = KernelClockStatus(rawValue: 0x0001)
    public static let ppsFrequency = KernelClockStatus(rawValue: 0x0002)
    public static let ppsTime = KernelClockStatus(rawValue: 0x0004)
    public static let fll = KernelClockStatus(rawValue: 0x0008)
    public static let insertLeap = KernelClockStatus(rawValue: 0x0010)
    public static let deleteLeap = KernelClockStatus(rawValue: 0x0020)
    /// STA_UNSYNC: the time daemon has not (yet) declared the clock synchronized.
    public static let unsynchronized = KernelClockStatus(rawValue: 0x0040)
    public static let frequencyHold = KernelClockStatus(rawValue: 0x0080)
    public static let ppsSignal = KernelClockStatus(rawValue: 0x0100)
    public static let ppsJitter = KernelClockStatus(rawValue: 0x0200)
    public static let ppsWander = KernelClockStatus(rawValue: 0x0400)
    public static let ppsError = KernelClockStatus(rawValue: 0x0800)
    public static let clockError = KernelClockStatus(rawValue: 0x1000)
    public static let nanoResolution = KernelClockStatus(rawValue: 0x2000)
    public static let fllMode = KernelClockStatus(rawValue: 0x4000)
    public static let clockSource = KernelClockStatus(rawValue: 0x8000)

    private static let names: [(KernelClockStatus, String)] = [
        (.pll, "STA_PLL"), (.ppsFrequency, "STA_PPSFREQ"), (.ppsTime, "STA_PPSTIME"),
        (.fll, "STA_FLL"), (.insertLeap, "STA_INS"), (.deleteLeap, "STA_DEL"),
        (.unsynchronized, "STA_UNSYNC"), (.frequencyHold, "STA_FREQHOLD"),
        (.ppsSignal, "STA_PPSSIGNAL"), (.ppsJitter, "STA_PPSJITTER"),
        (.ppsWander, "STA_PPSWANDER"), (.ppsError, "STA_PPSERROR"),
        (.clockError, "STA_CLOCKERR"), (.nanoResolution, "STA_NANO"),
        (.fllMode, "STA_MODE"), (.clockSource, "STA_CLK"),
    ]

    /// The set flags' C names, e.g. `["STA_PLL", "STA_NANO"]`; unknown bits as hex.
    public var flagNames: [String] {
        var names = Self.names.filter { contains($0.0) }.map(\.1)
        let unknown = rawValue & ~Self.names.reduce(0) { $0 | $1.0.rawValue }
        if unknown != 0 { names.append("0x" + String(unknown, radix: 16)) }
        return names
    }

    /// The flags joined with `|`, or `0` when none is set.
    public var description: String {
        flagNames.isEmpty ? "0" : flagNames.joined(separator: "|")
    }
}

/// The kernel's leap-second state machine: `adjtimex(2)`'s return value.
public enum KernelLeapState: Int32, Sendable, Hashable {
    case ok = 0              // TIME_OK
    case insertPending = 1   // TIME_INS
    case deletePending = 2   // TIME_DEL
    case inProgress = 3      // TIME_OOP
    case occurred = 4        // TIME_WAIT
    case error = 5           // TIME_ERROR (also whenever the clock is unsynchronized)
}

/// What the kernel says about the system clock, read with `adjtimex(2)` in
/// read-only mode (`modes = 0`): nothing is ever set.
public struct KernelClockState: Sendable, Hashable {
    /// STA_* bits.
    public let status: KernelClockStatus
    /// The kernel's leap state; nil for a return value this code does not know.
    public let leapState: KernelLeapState?
    /// Maximum error bound, microseconds (the kernel caps it at 16 s).
    public let maxErrorMicroseconds: Int64
    /// Estimated error, microseconds.
    public let estimatedErrorMicroseconds: Int64
    /// PLL offset still to be slewed, seconds.
    public let offset: Double
    /// Frequency correction, parts per million.
    public let frequencyPPM: Double
    /// PLL time constant.
    public let timeConstant: Int64
    /// Microseconds per clock tick.
    public let tickMicroseconds: Int64
    /// TAI − UTC in seconds; 0 when no daemon has told the kernel.
    public let taiOffset: Int32

    /// The limit below which systemd ("System clock synchronized" in
    /// `timedatectl`) calls the clock synchronized: 16 s, the kernel's cap on `maxerror`.
    public static let synchronizedMaxErrorLimitMicroseconds: Int64 = 16_000_000

    public init(status: KernelClockStatus, leapState: KernelLeapState?,
                maxErrorMicroseconds: Int64, estimatedErrorMicroseconds: Int64,
                offset: Double = 0, frequencyPPM: Double = 0, timeConstant: Int64 = 0,
                tickMicroseconds: Int64 = 10_000, taiOffset: Int32 = 0) {
        self.status = status
        self.leapState = leapState
        self.maxErrorMicroseconds = maxErrorMicroseconds
        self.estimatedErrorMicroseconds = estimatedErrorMicroseconds
        self.offset = offset
        self.frequencyPPM = frequencyPPM
        self.timeConstant = timeConstant
        self.tickMicroseconds = tickMicroseconds
        self.taiOffset = taiOffset
    }

    /// Maximum error bound, seconds.
    public var maxError: Double { Double(maxErrorMicroseconds) / 1e6 }
    /// Estimated error, seconds.
    public var estimatedError: Double { Double(estimatedErrorMicroseconds) / 1e6 }

    /// Whether STA_UNSYNC is set. Some daemons set it on purpose (e.g. to keep
    /// the kernel from writing the RTC), so it is reported, not decisive.
    public var unsynchronizedFlag: Bool { status.contains(.unsynchronized) }

    /// Synchronized as current systemd decides it: `maxerror` < 16 s, STA_UNSYNC
    /// ignored. A time daemon keeps `maxerror` small; without one the kernel
    /// grows it by 500 µs per second until it reaches 16 s.
    public var synchronized: Bool {
        maxErrorMicroseconds < Self.synchronizedMaxErrorLimitMicroseconds
    }
}

/// The kernel clock state, or why it could not be read.
public enum KernelClockReading: Sendable, Hashable {
    case known(KernelClockState)
    /// The `adjtimex` call failed; the text names the errno.
    case unknown(reason: String)

    /// Reads the state now with `adjtimex(2)`, modes = 0 (read only).
    public static func read() -> KernelClockReading {
        var raw = tc_kernel_clock()
        let errorNumber = tc_kernel_clock_read(&raw)
        guard errorNumber == 0 else {
            return .unknown(reason: "adjtimex failed: \(errnoDescription(errorNumber))")
        }
        let status = KernelClockStatus(rawValue: raw.status)
        let offsetUnit = status.contains(.nanoResolution) ? 1e9 : 1e6
        return .known(KernelClockState(
            status: status,
            leapState: KernelLeapState(rawValue: raw.clock_state),
            maxErrorMicroseconds: raw.maxerror_us,
            estimatedErrorMicroseconds: raw.esterror_us,
            offset: Double(raw.offset) / offsetUnit,
            frequencyPPM: Double(raw.frequency) / 65536,
            timeConstant: raw.time_constant,
            tickMicroseconds: raw.tick_us,
            taiOffset: raw.tai_offset))
    }

    /// The state when known.
    public var state: KernelClockState? {
        if case .known(let state) = self { return state }
        return nil
    }
}

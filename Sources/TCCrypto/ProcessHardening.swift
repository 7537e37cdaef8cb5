internal import CProcessShim

/// Keeps secrets held in memory out of core files and away from other processes
/// of the same user: no core dump (RLIMIT_CORE 0) and not dumpable (no ptrace
/// attach, /proc/<pid>/environ and /mem readable by root only).
///
/// Applied first thing in `tcadmin`'s `main`, before any password, key or secret
/// is read. Best effort: a sandbox that forbids the calls leaves the process as it was.
public enum ProcessHardening {
    /// What the process looks like now, read back from the kernel.
    public struct State: Sendable, Equatable {
        /// RLIMIT_CORE soft and hard limits in bytes; nil when unlimited.
        public let coreLimit: UInt64?
        public let coreHardLimit: UInt64?
        /// prctl(PR_GET_DUMPABLE): 0 not dumpable, 1 dumpable, 2 root-only dumps.
        public let dumpable: Int32

        public var coreDumpsOff: Bool { coreLimit == 0 && dumpable == 0 }
    }

    public struct Failure: Error, Sendable, Equatable {
        public let errno: Int32
    }

    /// Turns core dumps off for the rest of the process's life (and its children's RLIMIT_CORE).
    public static func apply() throws(Failure) {
        let status = tc_process_disable_core_dumps()
        if status != 0 { throw Failure(errno: status) }
    }

    public static func current() throws(Failure) -> State {
        var soft: UInt64 = 0, hard: UInt64 = 0
        var dumpable: Int32 = 0
        let status = tc_process_core_dump_state(&soft, &hard, &dumpable)
        if status != 0 { throw Failure(errno: status) }
        return State(coreLimit: soft == .max ? nil : soft, coreHardLimit: hard == .max ? nil : hard, dumpable: dumpable)
    }
}

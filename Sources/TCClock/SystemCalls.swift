import Glibc

/// `strerror` text for an errno value, e.g. "Connection refused".
func errnoDescription(_ number: Int32) -> String {
    guard let text = strerror(number) else { return "errno \(number)" }
    return String(cString: text)
}

/// The system clock (CLOCK_REALTIME) now: Unix seconds and nanoseconds.
func realtimeNow() -> (seconds: Int64, nanoseconds: Int64) {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return (Int64(now.tv_sec), Int64(now.tv_nsec))
}

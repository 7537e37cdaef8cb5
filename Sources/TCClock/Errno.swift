import Glibc

/// `strerror` text for an errno value, e.g. "Connection refused".
func errnoDescription(_ number: Int32) -> String {
    guard let text = strerror(number) else { return "errno \(number)" }
    return String(cString: text)
}

import TCClock

/// chrony, ntpd and timesyncd configuration text and HOST[:PORT] specs: read or refused,
/// never a trap; every server found has a host and names its line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let chrony = TimeDaemonConfiguration.parseChrony(text, file: "fuzz.conf")
    let ntpd = TimeDaemonConfiguration.parseNtpd(text, file: "fuzz.conf")
    var timesyncd: [ConfiguredServer] = []
    TimeDaemonConfiguration.parseTimesyncd(text, file: "fuzz.conf", into: &timesyncd)
    for server in chrony.servers + ntpd.servers + timesyncd {
        precondition(!server.server.host.isEmpty && server.line >= 1, "a server has a host and a line")
    }
    for line in text.split(separator: "\n").prefix(64) {
        if let spec = try? NTPServerSpec(parsing: String(line)) {
            precondition(!spec.host.isEmpty, "a parsed spec has a host")
            _ = spec.description
        }
    }
    return 0
}

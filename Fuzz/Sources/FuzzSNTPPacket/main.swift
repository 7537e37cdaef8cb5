import TCClock

/// Any datagram: refused when short, else decoded so that it re-encodes to the same 48
/// bytes; judging it and measuring with it never trap, and give finite numbers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let packet: SNTPPacket
    do { packet = try SNTPPacket.parse(bytes) } catch {
        precondition(bytes.count < SNTPPacket.headerLength, "only short datagrams are refused")
        return 0
    }
    precondition(packet.bytes == Array(bytes.prefix(SNTPPacket.headerLength)), "decode/encode round trip")
    _ = packet.referenceIDText
    _ = packet.rejection(asReplyTo: packet.originTimestamp)
    _ = packet.rejection(asReplyTo: .zero)
    func timestamp(_ at: Int) -> NTPTimestamp {
        guard bytes.count >= at + 8 else { return .zero }
        return NTPTimestamp(rawValue: bytes[at..<(at + 8)].reduce(0) { $0 << 8 | UInt64($1) })
    }
    let measurement = SNTPMeasurement(reply: packet, sentAt: timestamp(48), receivedAt: timestamp(56))
    precondition(measurement.offset.isFinite && measurement.delay.isFinite, "finite offset and delay")
    _ = SNTPReport.median([measurement.offset, measurement.delay])
    return 0
}

import XCTest
@testable import TCClock

/// SplitMix64: a small seeded generator, so a failing fuzz run can be replayed.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class SNTPPacketTests: XCTestCase {
    /// A reply shaped like chronyd 4.3's with `local stratum 8`, echoing origin 0x12345678_9abcdef0.
    private let chronyReply: [UInt8] = [
        0x24, 0x08, 0x00, 0xe7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x7f, 0x7f, 0x01, 0x01,
        0xee, 0xbf, 0x12, 0x34, 0x00, 0x00, 0x00, 0x00,
        0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
        0xee, 0xbf, 0x12, 0x35, 0x80, 0x00, 0x00, 0x00,
        0xee, 0xbf, 0x12, 0x35, 0x80, 0x01, 0x00, 0x00,
    ]

    func testDecodesHeaderFields() throws {
        let packet = try SNTPPacket.parse(chronyReply)
        XCTAssertEqual(packet.leap, .noWarning)
        XCTAssertEqual(packet.version, 4)
        XCTAssertEqual(packet.mode, .server)
        XCTAssertEqual(packet.stratum, 8)
        XCTAssertEqual(packet.poll, 0)
        XCTAssertEqual(packet.precision, -25)
        XCTAssertEqual(packet.referenceIDText, "127.127.1.1")
        XCTAssertEqual(packet.originTimestamp, NTPTimestamp(rawValue: 0x1234_5678_9abc_def0))
        XCTAssertEqual(packet.receiveTimestamp, NTPTimestamp(seconds: 0xeebf_1235, fraction: 0x8000_0000))
        XCTAssertEqual(packet.transmitTimestamp.seconds(since: packet.receiveTimestamp), 1.0 / 65536)
        XCTAssertNil(packet.rejection(asReplyTo: NTPTimestamp(rawValue: 0x1234_5678_9abc_def0)))
        XCTAssertEqual(packet.rejection(asReplyTo: NTPTimestamp(rawValue: 0x1234_5678_9abc_def1)), .originMismatch)
    }

    func testSerializesWhatItParses() throws {
        XCTAssertEqual(try SNTPPacket.parse(chronyReply).bytes, chronyReply)
        let longer = chronyReply + [UInt8](repeating: 0xff, count: 20)  // extension field or MAC
        XCTAssertEqual(try SNTPPacket.parse(longer), try SNTPPacket.parse(chronyReply))
    }

    func testClientRequestIsVersionFourModeThree() {
        let transmit = NTPTimestamp(rawValue: 0x0102_0304_0506_0708)
        let bytes = SNTPPacket.clientRequest(transmit: transmit).bytes
        XCTAssertEqual(bytes.count, 48)
        XCTAssertEqual(bytes[0], 0x23)
        XCTAssertEqual(Array(bytes[1..<40]), [UInt8](repeating: 0, count: 39))
        XCTAssertEqual(Array(bytes[40...]), [1, 2, 3, 4, 5, 6, 7, 8])
    }

    func testShortPacketsAreRefused() {
        for length in [0, 1, 47] {
            XCTAssertThrowsError(try SNTPPacket.parse([UInt8](repeating: 0x24, count: length))) {
                XCTAssertEqual($0 as? SNTPPacketError, .tooShort(length: length))
            }
        }
    }

    func testReferenceIDText() throws {
        var packet = try SNTPPacket.parse(chronyReply)
        packet.stratum = 1
        packet.referenceID = 0x4750_5300  // "GPS\0"
        XCTAssertEqual(packet.referenceIDText, "GPS")
        packet.referenceID = 0x5050_5320  // "PPS " padded with a space
        XCTAssertEqual(packet.referenceIDText, "PPS")
        packet.referenceID = 0x0102_ff00
        XCTAssertEqual(packet.referenceIDText, "0x0102ff00")
        packet.referenceID = 0x4100_4200  // text after a NUL is not a code
        XCTAssertEqual(packet.referenceIDText, "0x41004200")
        packet.stratum = 0
        packet.referenceID = 0x5241_5445
        XCTAssertEqual(packet.referenceIDText, "RATE")
        packet.stratum = 3
        XCTAssertEqual(packet.referenceIDText, "82.65.84.69")
    }

    func testRejectionReasons() throws {
        let request = NTPTimestamp(rawValue: 0x1234_5678_9abc_def0)
        let good = try SNTPPacket.parse(chronyReply)
        func rejection(_ change: (inout SNTPPacket) -> Void) -> SNTPRejection? {
            var packet = good
            change(&packet)
            return packet.rejection(asReplyTo: request)
        }
        XCTAssertNil(rejection { _ in })
        XCTAssertEqual(rejection { $0.mode = .client }, .unexpectedMode(3))
        XCTAssertEqual(rejection { $0.version = 0 }, .unsupportedVersion(0))
        XCTAssertEqual(rejection { $0.version = 7 }, .unsupportedVersion(7))
        XCTAssertNil(rejection { $0.version = 1 })
        XCTAssertEqual(rejection { $0.leap = .alarm }, .leapAlarm)
        XCTAssertEqual(rejection { $0.stratum = 16 }, .unsynchronizedStratum(16))
        XCTAssertEqual(rejection { $0.stratum = 255 }, .unsynchronizedStratum(255))
        XCTAssertNil(rejection { $0.stratum = 15 })
        XCTAssertEqual(rejection { $0.transmitTimestamp = .zero }, .zeroTransmitTimestamp)
        // A kiss-o'-death usually comes with leap 3; the kiss code is the news.
        XCTAssertEqual(rejection { $0.stratum = 0; $0.leap = .alarm; $0.referenceID = 0x4445_4e59 },
                       .kissOfDeath(code: "DENY"))
        // Only a reply to our request is judged at all.
        XCTAssertEqual(rejection { $0.originTimestamp = .zero; $0.leap = .alarm }, .originMismatch)
    }

    func testMeasurementFollowsRFC5905() throws {
        var reply = try SNTPPacket.parse(chronyReply)
        let t1 = NTPTimestamp(seconds: 1000, fraction: 0)
        reply.receiveTimestamp = t1.adding(seconds: 10.25)    // T2: 10 s ahead + 0.25 s on the way out
        reply.transmitTimestamp = t1.adding(seconds: 10.5)    // T3: 0.25 s in the server
        let t4 = t1.adding(seconds: 1.0)                      // back after one second in all
        let measurement = SNTPMeasurement(reply: reply, sentAt: t1, receivedAt: t4)
        XCTAssertEqual(measurement.offset, 9.875, accuracy: 1e-9)  // ((10.25) + (10.5 − 1)) / 2
        XCTAssertEqual(measurement.delay, 0.75, accuracy: 1e-9)    // 1 − 0.25
        XCTAssertEqual(measurement.referenceID, "127.127.1.1")
    }

    func testTimestampsSpanEras() {
        let lateEraZero = NTPTimestamp(seconds: 0xffff_ffff, fraction: 0x8000_0000)
        let earlyEraOne = NTPTimestamp(seconds: 1, fraction: 0)
        XCTAssertEqual(earlyEraOne.seconds(since: lateEraZero), 1.5)
        XCTAssertEqual(lateEraZero.seconds(since: earlyEraOne), -1.5)
        XCTAssertEqual(lateEraZero.adding(seconds: 1.5), earlyEraOne)
    }

    func testUnixConversion() {
        let stamp = NTPTimestamp(unixSeconds: 1_700_000_000, nanoseconds: 500_000_000)
        XCTAssertEqual(stamp.seconds, 3_908_988_800)
        XCTAssertEqual(stamp.fraction, 0x8000_0000)
        XCTAssertEqual(stamp.unixTime, 1_700_000_000.5)
        XCTAssertEqual(NTPTimestamp(unixTime: 1_700_000_000.25).fraction, 0x4000_0000)
        XCTAssertEqual(NTPTimestamp.now().unixTime, Double(time(nil)), accuracy: 2)
        XCTAssertEqual(NTPTimestamp(rawValue: 0xeebf_1235_0000_00ff).description, "eebf1235.000000ff")
    }

    /// Thousands of random and mutated datagrams: parsing and judging them never traps.
    func testRandomBytesNeverCrashTheParser() {
        let seed = UInt64.random(in: .min ... .max)
        var random = SplitMix64(state: seed)
        var decoded = 0
        for round in 0..<5000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...120, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                bytes = chronyReply
                for _ in 0..<Int.random(in: 1...6, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
                if Bool.random(using: &random) { bytes.removeLast(Int.random(in: 0...48, using: &random)) }
            }
            guard let packet = try? SNTPPacket.parse(bytes) else {
                XCTAssertLessThan(bytes.count, 48, "seed \(seed)")
                continue
            }
            decoded += 1
            XCTAssertEqual(packet.bytes, Array(bytes.prefix(48)), "seed \(seed)")
            _ = packet.rejection(asReplyTo: NTPTimestamp(rawValue: random.next()))
            _ = packet.referenceIDText
            _ = SNTPMeasurement(reply: packet, sentAt: NTPTimestamp(rawValue: random.next()),
                                receivedAt: NTPTimestamp(rawValue: random.next()))
        }
        XCTAssertGreaterThan(decoded, 1000, "seed \(seed)")
    }
}

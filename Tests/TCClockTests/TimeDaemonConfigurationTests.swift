import Foundation
import XCTest
@testable import TCClock

final class TimeDaemonConfigurationTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tcclock-conf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: root)
    }

    /// Writes `contents` at `relativePath` under the temporary root; returns the full path.
    @discardableResult
    private func write(_ relativePath: String, _ contents: String) throws -> String {
        let path = root + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func hosts(_ servers: [ConfiguredServer]) -> [String] { servers.map(\.server.description) }

    // MARK: chrony

    func testChronyLines() {
        let parsed = TimeDaemonConfiguration.parseChrony("""
            # comment
            ! server commented.example
            ;server commented.example
              % server commented.example
            pool 2.debian.pool.ntp.org iburst maxsources 4
            SERVER ntp1.example.org iburst port 1123
            server 2001:db8::1 prefer
            peer peer.example.org
            server
            refclock PHC /dev/ptp0
            include /etc/chrony/extra/*.conf
            confdir /etc/chrony/conf.d /usr/lib/chrony/conf.d
            sourcedir /run/chrony-dhcp
            """, file: "/etc/chrony/chrony.conf")
        XCTAssertEqual(hosts(parsed.servers),
                       ["2.debian.pool.ntp.org", "ntp1.example.org:1123", "[2001:db8::1]", "peer.example.org"])
        XCTAssertEqual(parsed.servers.map(\.kind), [.pool, .server, .server, .peer])
        XCTAssertEqual(parsed.servers.map(\.line), [5, 6, 7, 8])
        XCTAssertEqual(Set(parsed.servers.map(\.daemon)), [.chrony])
        XCTAssertEqual(parsed.includes, ["/etc/chrony/extra/*.conf"])
        XCTAssertEqual(parsed.configDirectories, [["/etc/chrony/conf.d", "/usr/lib/chrony/conf.d"]])
        XCTAssertEqual(parsed.sourceDirectories, [["/run/chrony-dhcp"]])
    }

    func testChronyFollowsIncludeConfdirAndSourcedir() throws {
        try write("etc/chrony/extra/a.conf", "server included.example\ninclude \(root)/etc/chrony/chrony.conf\n")
        try write("etc/chrony/conf.d/10-site.conf", "server confdir-first.example\n")
        try write("usr/lib/chrony/conf.d/10-site.conf", "server shadowed.example\n")
        try write("usr/lib/chrony/conf.d/20-vendor.conf", "pool vendor.example\n")
        try write("etc/chrony/conf.d/README", "server not-a-conf-file.example\n")
        try write("run/chrony-dhcp/eth0.sources", "server dhcp.example iburst\ninclude \(root)/etc/chrony/extra/a.conf\n")
        let main = try write("etc/chrony/chrony.conf", """
            pool main.example iburst
            include \(root)/etc/chrony/extra/*.conf
            confdir \(root)/etc/chrony/conf.d \(root)/usr/lib/chrony/conf.d
            sourcedir \(root)/run/chrony-dhcp
            """)
        let found = TimeDaemonConfiguration.chronyServers(configFiles: [root + "/missing.conf", main, root + "/other.conf"])
        XCTAssertEqual(hosts(found.servers), ["main.example", "included.example", "confdir-first.example",
                                              "vendor.example", "dhcp.example"])
        XCTAssertEqual(found.servers[1].file, root + "/etc/chrony/extra/a.conf")
        XCTAssertEqual(found.filesRead.first, main)
        XCTAssertEqual(found.problems, [])
    }

    func testChronyReadsOnlyTheFirstExistingFile() throws {
        let first = try write("etc/chrony/chrony.conf", "server first.example\n")
        let second = try write("etc/chrony.conf", "server second.example\n")
        XCTAssertEqual(hosts(TimeDaemonConfiguration.chronyServers(configFiles: [first, second]).servers), ["first.example"])
        XCTAssertEqual(TimeDaemonConfiguration.chronyServers(configFiles: [root + "/none"]), ConfiguredServers())
    }

    // MARK: ntpd

    func testNtpdLines() {
        let parsed = TimeDaemonConfiguration.parseNtpd("""
            driftfile /var/lib/ntpsec/ntp.drift
            server 0.debian.pool.ntp.org iburst # trailing comment
            pool -4 pool.example.org iburst
            server -6 2001:db8::123
            #server commented.example
            server 127.127.1.0   # local clock driver
            refclock shm unit 0
            peer peer.example.org
            includefile /etc/ntpsec/ntp.d/
            """, file: "/etc/ntpsec/ntp.conf")
        XCTAssertEqual(hosts(parsed.servers),
                       ["0.debian.pool.ntp.org", "pool.example.org", "[2001:db8::123]", "peer.example.org"])
        XCTAssertEqual(parsed.servers.map(\.kind), [.server, .pool, .server, .peer])
        XCTAssertEqual(parsed.servers.map(\.line), [2, 3, 4, 8])
        XCTAssertEqual(parsed.includes, ["/etc/ntpsec/ntp.d/"])
    }

    func testNtpdFollowsIncludefileAndDirectories() throws {
        try write("etc/ntpsec/ntp.d/20-b.conf", "server b.example\n")
        try write("etc/ntpsec/ntp.d/10-a.conf", "server a.example\n")
        try write("etc/ntpsec/extra.conf", "pool extra.example\n")
        let main = try write("etc/ntpsec/ntp.conf", """
            server main.example
            includefile \(root)/etc/ntpsec/extra.conf
            includefile \(root)/etc/ntpsec/ntp.d
            """)
        let found = TimeDaemonConfiguration.ntpdServers(configFiles: [main, root + "/etc/ntp.conf"])
        XCTAssertEqual(hosts(found.servers), ["main.example", "extra.example", "a.example", "b.example"])
        XCTAssertEqual(Set(found.servers.map(\.daemon)), [.ntpd])
    }

    // MARK: timesyncd

    func testTimesyncdListsAndResets() {
        var servers: [ConfiguredServer] = []
        TimeDaemonConfiguration.parseTimesyncd("""
            # See timesyncd.conf(5)
            [Time]
            NTP=a.example b.example
            ;NTP=commented.example
            FallbackNTP = fallback.example
            RootDistanceMaxSec=5
            [Other]
            NTP=wrong-section.example
            """, file: "/etc/systemd/timesyncd.conf", into: &servers)
        XCTAssertEqual(hosts(servers), ["a.example", "b.example", "fallback.example"])
        XCTAssertEqual(servers.map(\.kind), [.ntp, .ntp, .fallback])
        XCTAssertEqual(servers.map(\.line), [3, 3, 5])

        TimeDaemonConfiguration.parseTimesyncd("[Time]\nNTP=\nNTP=c.example\n", file: "drop-in.conf", into: &servers)
        XCTAssertEqual(hosts(servers), ["fallback.example", "c.example"])
        XCTAssertEqual(servers.last?.file, "drop-in.conf")
    }

    func testTimesyncdDropInsInNameOrderWithOverrides() throws {
        let main = try write("etc/systemd/timesyncd.conf", "[Time]\nNTP=main.example\nFallbackNTP=fb.example\n")
        try write("etc/systemd/timesyncd.conf.d/20-site.conf", "[Time]\nNTP=site.example\n")
        try write("usr/lib/systemd/timesyncd.conf.d/20-site.conf", "[Time]\nNTP=shadowed.example\n")
        try write("usr/lib/systemd/timesyncd.conf.d/10-reset.conf", "[Time]\nNTP=\nNTP=vendor.example\n")
        try write("usr/lib/systemd/timesyncd.conf.d/30-ignored.txt", "[Time]\nNTP=not-conf.example\n")
        let found = TimeDaemonConfiguration.timesyncdServers(
            mainFile: main,
            dropInDirectories: [root + "/etc/systemd/timesyncd.conf.d", root + "/usr/lib/systemd/timesyncd.conf.d"])
        XCTAssertEqual(hosts(found.servers), ["fb.example", "vendor.example", "site.example"])
        XCTAssertEqual(found.filesRead.count, 3)
    }

    // MARK: together

    func testDefaultServersPrefersTimesyncdNTPOverFallbackAndDropsDuplicates() throws {
        let chrony = try write("chrony.conf", "server shared.example\npool chrony.example\n")
        let ntpd = try write("ntp.conf", "server shared.example\n")
        let timesyncd = try write("timesyncd.conf", "[Time]\nNTP=ts.example\nFallbackNTP=fallback.example\n")
        let found = TimeDaemonConfiguration.defaultServers(
            chronyFiles: [chrony], ntpdFiles: [ntpd], timesyncdFile: timesyncd, timesyncdDropInDirectories: [])
        XCTAssertEqual(hosts(found.servers), ["shared.example", "chrony.example", "ts.example"])
        XCTAssertEqual(found.servers.map(\.daemon), [.chrony, .chrony, .timesyncd])
        XCTAssertEqual(found.filesRead, [chrony, ntpd, timesyncd])
    }

    func testTimesyncdFallbackIsUsedWhenNothingElseIsNamed() throws {
        let timesyncd = try write("timesyncd.conf", "[Time]\n#NTP=\nFallbackNTP=fallback.example\n")
        let found = TimeDaemonConfiguration.defaultServers(
            chronyFiles: [], ntpdFiles: [], timesyncdFile: timesyncd, timesyncdDropInDirectories: [])
        XCTAssertEqual(hosts(found.servers), ["fallback.example"])
        XCTAssertEqual(found.servers.first?.description, "fallback.example (timesyncd FallbackNTP, \(timesyncd):3)")
    }

    func testUnreadableFileIsReportedNotFatal() throws {
        let directory = root + "/chrony.conf"  // a directory where a file should be
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let found = TimeDaemonConfiguration.chronyServers(configFiles: [directory])
        XCTAssertEqual(found.servers, [])
        XCTAssertEqual(found.problems, ["\(directory): Is a directory"])
    }

    func testThisMachinesConfigurationReadsWithoutTrouble() {
        let found = TimeDaemonConfiguration.defaultServers()
        print("configured servers here: \(found.servers.map(\.description)); read \(found.filesRead)")
        XCTAssertEqual(Set(found.servers.map(\.server)).count, found.servers.count)
        if FileManager.default.fileExists(atPath: "/etc/chrony/chrony.conf") {
            XCTAssertEqual(found.filesRead.first, "/etc/chrony/chrony.conf")
        }
    }
}

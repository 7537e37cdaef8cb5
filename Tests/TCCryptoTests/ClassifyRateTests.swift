import Foundation
import TCCrypto
import XCTest

/// Prints how fast one codec classifies stored values (no timing assertion:
/// `make bench` is where figures come from). Use a release build for numbers
/// that mean something: `swift test -c release --filter ClassifyRateTests`.
final class ClassifyRateTests: XCTestCase {
    func testClassifyRate() throws {
        let key = InstallationKey("5e091d9b9cbf36.90197318")
        let codec = try SecretCodec(key: key)
        var values: [String] = []
        for _ in 0..<1_000 { values.append(try codec.encryptV2(try SystemRandom.generateSecret())) }
        let legacy = try (0..<1_000).map { _ in try codec.encryptLegacy(try SystemRandom.generateSecret()) }

        for (label, sample) in [("v2", values), ("legacy", legacy)] {
            let rounds = 50
            var decrypted = 0
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<rounds {
                for value in sample {
                    if case .decrypted = try codec.classify(value) { decrypted += 1 }
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            XCTAssertEqual(decrypted, rounds * sample.count)
            print(String(format: "classify %@: %.0f values/s (%d in %.3f s)", label,
                         Double(decrypted) / seconds, decrypted, seconds))
        }
    }
}

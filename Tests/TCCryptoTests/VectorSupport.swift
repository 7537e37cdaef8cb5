import Foundation
import XCTest

/// One file of PHP-made vectors, in the layout of `../shared/vectors/*.json`.
struct PHPVectorFile: Decodable {
    struct Entry: Decodable {
        let secret: String
        let v2: String
        let legacy: String
        /// Unix time (as a string) → 6-digit code.
        let totp: [String: String]
    }

    let appKey: String
    let secrets: [Entry]

    enum CodingKeys: String, CodingKey {
        case appKey = "app_key"
        case secrets
    }
}

struct RFCVectors: Decodable {
    struct HOTPSet: Decodable {
        let secretASCII: String
        let codes: [String]
        enum CodingKeys: String, CodingKey { case secretASCII = "secret_ascii", codes }
    }

    struct TOTPCase: Decodable {
        let time: Int64
        let step: Int64
        let code: String
    }

    struct TOTPSet: Decodable {
        let secretASCII: String
        let digits: Int
        let codes: [TOTPCase]
        enum CodingKeys: String, CodingKey { case secretASCII = "secret_ascii", digits, codes }
    }

    let hotp: HOTPSet
    let totp: TOTPSet
    /// Pairs of (input as ASCII, base32 with padding), RFC 4648 §10.
    let base32: [[String]]

    enum CodingKeys: String, CodingKey {
        case hotp = "rfc4226_hotp"
        case totp = "rfc6238_totp_sha1"
        case base32 = "rfc4648_base32"
    }
}

enum Vectors {
    /// The RFC test vectors kept in this target's resources.
    static func rfc() throws -> RFCVectors {
        try JSONDecoder().decode(RFCVectors.self, from: resource("rfc-vectors.json"))
    }

    /// A few PHP-made entries copied into this target, so the tests stand alone.
    static func bundledPHP() throws -> [PHPVectorFile] {
        struct Sample: Decodable { let files: [PHPVectorFile] }
        return try JSONDecoder().decode(Sample.self, from: resource("php-vectors-sample.json")).files
    }

    /// `shared/vectors` beside the repository root (this file is
    /// `<root>/Tests/TCCryptoTests/VectorSupport.swift`); `nil` when absent.
    static var sharedDirectory: URL? {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = root.deletingLastPathComponent().appendingPathComponent("shared/vectors", isDirectory: true)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { return nil }
        return directory
    }

    /// Every `*.json` file in `shared/vectors`, by file name; throws
    /// `XCTSkip` when the folder is absent.
    static func sharedPHP() throws -> [(name: String, file: PHPVectorFile)] {
        guard let directory = sharedDirectory else {
            throw XCTSkip("../shared/vectors not found beside the repository; only the bundled PHP vectors were checked")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertFalse(names.isEmpty, "no *.json in \(directory.path)")
        return try names.map { name in
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            return (name, try JSONDecoder().decode(PHPVectorFile.self, from: data))
        }
    }

    private static func resource(_ name: String) throws -> Data {
        let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources")
        return try Data(contentsOf: XCTUnwrap(url, "test resource \(name) missing"))
    }
}

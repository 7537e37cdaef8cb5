import TCCrypto

/// Any stored value under any key is classified without trapping: not enrolled, decrypted
/// or undecryptable. What decrypts re-encrypts (v2 and legacy) to values that classify as
/// the same secret. Input: one length byte, that many key bytes, then the stored value
/// (prefixed with "v2:" when the length byte's top bit is set, to reach the v2 path often).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let head = input.first else { return 0 }
    let keyLength = min(Int(head & 0x3F), input.count - 1)
    let key = InstallationKey(String(decoding: input[1..<(1 + keyLength)], as: UTF8.self))
    var stored = Array(input[(1 + keyLength)...])
    if head & 0x80 != 0 { stored = Array("v2:".utf8) + stored }

    let codec: SecretCodec
    do { codec = try SecretCodec(key: key) } catch { fatalError("SecretCodec: \(error)") }
    let classification: SecretClassification
    do { classification = try stored.withUnsafeBytes { try codec.classify(bytes: $0) } } catch {
        fatalError("classify threw on a value: \(error)")
    }
    guard case .decrypted(let format, let secret) = classification else { return 0 }
    precondition("\(classification)" == "decrypted(\(format.rawValue), <redacted>)", "a secret never prints")
    precondition(format == (stored.starts(with: Array("v2:".utf8)) ? .v2 : .legacyECB), "format follows the prefix")
    do {
        for value in [try codec.encryptV2(secret), try codec.encryptLegacy(secret)] {
            guard case .decrypted(_, let again) = try codec.classify(value) else { fatalError("re-encrypted value does not decrypt") }
            precondition(again == secret, "re-encrypted value holds the same secret")
        }
    } catch {
        fatalError("re-encrypting: \(error)")
    }
    return 0
}

import TCCrypto

/// The `otpauth://` URI an authenticator app reads from the QR code, built exactly as the
/// app's TOTP library (RobThree TwoFactorAuth 2.x, `getQRText`) builds it for the setup page:
///
///     otpauth://totp/<rawurlencode(label)>?secret=<rawurlencode(secret)>
///         &issuer=<rawurlencode(issuer)>&period=30&algorithm=SHA1&digits=6
///
/// The app passes the username as the label and "TeamCal Neo" as the issuer.
public enum ProvisioningURI {
    public static let issuer = "TeamCal Neo"

    /// The URI for `username`. It holds the secret: show it only where the secret may go.
    public static func make(username: String, secret: PlainSecret, issuer: String = ProvisioningURI.issuer) -> String {
        "otpauth://totp/" + rawurlencode(username)
            + "?secret=" + rawurlencode(secret.base32)
            + "&issuer=" + rawurlencode(issuer)
            + "&period=\(TOTP.period)&algorithm=SHA1&digits=\(TOTP.defaultDigits)"
    }

    /// PHP's `rawurlencode` (RFC 3986): every byte of the UTF-8 text except the unreserved
    /// `A-Z a-z 0-9 - _ . ~` as `%XX` with upper-case hex; a space is `%20`.
    public static func rawurlencode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

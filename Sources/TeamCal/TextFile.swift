import Glibc

/// Reads the small text files tcadmin is pointed at — the app's `.env` and PHP files,
/// tcadmin's config, MariaDB option files, password and key files — without trusting their
/// size or kind: regular files, pipes (`--password-file <(pass show teamcal/db)`) and devices
/// are read alike, up to a limit, so a wrong path (/dev/zero, a 5 GB log) fails at once
/// instead of filling memory.
public enum TextFile {
    public struct Failure: Error, Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// Missing, not permitted, or a read error: `errno` says which.
            case unreadable
            case isDirectory
            /// More than the limit (for `firstLine`: no line ending within it).
            case tooLarge
        }

        public let kind: Kind
        public let errno: Int32
        public let limit: Int
    }

    /// Configuration files: far larger than any real one, small enough to read whole.
    public static let configurationLimit = 16 << 20
    /// A password or key is one line; this is how far to look for its end.
    public static let secretLineLimit = 64 << 10

    /// The whole file as UTF-8 (invalid bytes become U+FFFD).
    public static func read(_ path: String, limit: Int = configurationLimit) throws(Failure) -> String {
        var bytes = try readBytes(path, limit: limit, stopAtLineEnd: false)
        defer { wipe(&bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The first line without its line ending (\n, \r\n or \r); the rest is never read.
    /// The bytes read are wiped after use: this is how passwords and keys are read.
    public static func firstLine(_ path: String, limit: Int = secretLineLimit) throws(Failure) -> String {
        var bytes = try readBytes(path, limit: limit, stopAtLineEnd: true)
        defer { wipe(&bytes) }
        let end = bytes.firstIndex { $0 == 0x0A || $0 == 0x0D } ?? bytes.count
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// Lines ending in \n, \r\n or \r, as PHP and phpdotenv split them. (On bytes: to Swift,
    /// "\r\n" is one Character, which a split on "\n" never finds.) A final line ending
    /// gives a last empty line.
    public static func lines(_ text: String) -> [String] {
        let utf8 = text.utf8
        var lines: [String] = []
        var start = utf8.startIndex
        var i = start
        while i < utf8.endIndex {
            let byte = utf8[i]
            guard byte == 0x0A || byte == 0x0D else { i = utf8.index(after: i); continue }
            lines.append(String(text[start..<i]))
            i = utf8.index(after: i)
            if byte == 0x0D, i < utf8.endIndex, utf8[i] == 0x0A { i = utf8.index(after: i) }
            start = i
        }
        lines.append(String(text[start...]))
        return lines
    }

    private static func readBytes(_ path: String, limit: Int, stopAtLineEnd: Bool) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(kind: .unreadable, errno: errno, limit: limit) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw Failure(kind: .isDirectory, errno: EISDIR, limit: limit)
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        defer { wipe(&chunk) }
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let error = errno
                wipe(&bytes)
                throw Failure(kind: .unreadable, errno: error, limit: limit)
            }
            if n == 0 { return bytes }
            let lineEnd = stopAtLineEnd ? chunk[..<n].firstIndex { $0 == 0x0A || $0 == 0x0D } : nil
            bytes.append(contentsOf: chunk[..<(lineEnd ?? n)])
            if lineEnd != nil { return bytes }
            if bytes.count > limit {
                wipe(&bytes)
                throw Failure(kind: .tooLarge, errno: EFBIG, limit: limit)
            }
        }
    }

    private static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            zero(base, buffer.count)
        }
    }

    /// memset that the optimizer may not drop (the bytes are never read again).
    @inline(never)
    private static func zero(_ base: UnsafeMutableRawPointer, _ count: Int) {
        let volatile = base.bindMemory(to: UInt8.self, capacity: count)
        for i in 0..<count { volatile[i] = 0 }
    }
}

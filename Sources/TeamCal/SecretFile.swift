import FoundationEssentials
import Glibc

/// Files that hold secret material (reset backups, migration journals): written whole or
/// not at all, mode 0600 whatever the umask, never over an existing file unless asked, and
/// a full disk reported as such — so a command can stop before it touches the database.
///
/// The bytes go to a new temporary file beside the target (O_EXCL, O_NOFOLLOW), which is
/// fsynced, then linked into place (link() refuses an existing target atomically) or renamed
/// over it when overwriting is asked for; then the folder is fsynced.
public enum SecretFile {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// The target exists and overwriting was not asked for. Nothing was written.
            case exists
            /// ENOSPC or EDQUOT: the file system is full. Nothing was left behind.
            case noSpace
            /// EACCES, EPERM, EROFS: this account may not write there.
            case notPermitted
            case other
        }

        public let kind: Kind
        public let path: String
        /// The errno of the failed call (0 for `.exists` found by looking first).
        public let errno: Int32
        /// One line: what failed and how to fix it. Never any of the file's contents.
        public let message: String

        public var description: String { message }
    }

    public static let mode: mode_t = 0o600
    public static let directoryMode: mode_t = 0o700

    /// Writes `contents` to `path` as a new file, mode 0600.
    public static func write(path: String, contents: [UInt8], overwrite: Bool = false) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        if !overwrite && exists(path) { throw failure(.exists, path, 0, "") }
        let temporary = "\(directory)/.\(url.lastPathComponent).tcadmin-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw failure(path, Glibc.errno, "creating a file in \(directory)") }
        var isOpen = true
        var placed = false
        defer {
            if isOpen { close(fd) }
            if !placed { unlink(temporary) }
        }
        // open() applied the umask; fchmod() does not.
        guard fchmod(fd, mode) == 0 else { throw failure(path, Glibc.errno, "setting its mode to 0600") }
        let written = writeAll(fd, contents)
        guard written == 0 else { throw failure(path, written, "writing it") }
        guard fsync(fd) == 0 else { throw failure(path, Glibc.errno, "flushing it to disk") }
        isOpen = false
        guard close(fd) == 0 else { throw failure(path, Glibc.errno, "closing it") }

        if overwrite {
            guard rename(temporary, path) == 0 else { throw failure(path, Glibc.errno, "moving it into place") }
        } else if link(temporary, path) == 0 {
            unlink(temporary)
        } else {
            let error = Glibc.errno
            if error == EEXIST { throw failure(.exists, path, error, "") }
            // File systems without hard links: rename, having looked for the target above.
            guard error == EPERM || error == EOPNOTSUPP || error == EMLINK, !exists(path),
                  rename(temporary, path) == 0 else { throw failure(path, error, "moving it into place") }
        }
        placed = true
        try syncDirectory(directory, for: path)
    }

    /// Creates `path` (and missing parents) as folders only this account can enter, 0700
    /// whatever the umask; an existing folder owned by this account is narrowed to 0700.
    public static func makePrivateDirectory(_ path: String) throws(Failure) {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw failure(path, ENOTDIR, "using it as a folder")
            }
            if info.st_uid == geteuid(), info.st_mode & 0o077 != 0, chmod(path, directoryMode) != 0 {
                throw failure(path, Glibc.errno, "setting its mode to 0700")
            }
            return
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if parent != path && !exists(parent) { try makePrivateDirectory(parent) }
        guard mkdir(path, directoryMode) == 0 || Glibc.errno == EEXIST else {
            throw failure(path, Glibc.errno, "creating it")
        }
        guard chmod(path, directoryMode) == 0 else { throw failure(path, Glibc.errno, "setting its mode to 0700") }
    }

    /// Writes every byte, retrying short writes and EINTR; 0 or the errno.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBytes { buffer -> Int32 in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if Glibc.errno == EINTR { continue }
                    return Glibc.errno
                }
                if n == 0 { return EIO }
                offset += n
            }
            return 0
        }
    }

    private static func syncDirectory(_ directory: String, for path: String) throws(Failure) {
        let fd = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, Glibc.errno, "opening its folder to flush it") }
        defer { close(fd) }
        // Some file systems cannot fsync a folder (EINVAL): the rename is then as durable as it gets.
        guard fsync(fd) == 0 || Glibc.errno == EINVAL else { throw failure(path, Glibc.errno, "flushing its folder") }
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func kind(of error: Int32) -> Failure.Kind {
        switch error {
        case ENOSPC, EDQUOT: return .noSpace
        case EACCES, EPERM, EROFS: return .notPermitted
        case EEXIST: return .exists
        default: return .other
        }
    }

    private static func failure(_ path: String, _ error: Int32, _ doing: String) -> Failure {
        failure(kind(of: error), path, error, doing)
    }

    private static func failure(_ kind: Failure.Kind, _ path: String, _ error: Int32, _ doing: String) -> Failure {
        let reason = String(cString: strerror(error))
        let message: String
        switch kind {
        case .exists:
            message = "\(path) already exists — give another file name (files holding secrets are never overwritten)"
        case .noSpace:
            message = "cannot write \(path): the disk is full (\(reason)) — free some space or give a file on another disk; nothing was written"
        case .notPermitted:
            message = "cannot write \(path): \(doing) failed (\(reason)) — give a file in a folder this account may write to"
        case .other:
            message = "cannot write \(path): \(doing) failed (\(reason))"
        }
        return Failure(kind: kind, path: path, errno: error, message: message)
    }
}

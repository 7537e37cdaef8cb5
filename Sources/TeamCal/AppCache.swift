import FoundationEssentials
import Glibc

/// TeamCal Neo's file cache in `APP/cache/` (SPEC §2.7). The app keeps its `config` rows
/// there for an hour and deletes every `*.cache` file after each of its own writes; tcadmin
/// does the same after writing `config`, so the running app sees the change at once.
public enum AppCache {
    public struct Clearing: Sendable, Equatable {
        /// Files removed (or, for a dry run, that would be removed).
        public var removed: [String] = []
        /// Files that could not be removed, with the reason.
        public var failed: [Failure] = []
        /// The cache folder does not exist: nothing is cached.
        public var folderMissing = false
    }

    public struct Failure: Error, Sendable, Equatable {
        public let path: String
        public let reason: String
        /// The account lacks the permission (as opposed to any other failure).
        public let permissionDenied: Bool
    }

    /// The app's cache files: regular files named `*.cache` directly in `directory`.
    /// Symbolic links, folders and other files are left alone and never followed.
    public static func files(in directory: String) throws(Failure) -> [String]? {
        var isDir: Bool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) else { return nil }
        guard isDir else {
            throw Failure(path: directory, reason: "it is not a folder", permissionDenied: false)
        }
        guard let stream = opendir(directory) else {
            throw Failure(path: directory, reason: "cannot list it: \(String(cString: strerror(errno)))", permissionDenied: true)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.filter { $0.hasSuffix(".cache") && $0.count > ".cache".count }.sorted().compactMap { name in
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return path
        }
    }

    /// Deletes the app's cache files (`dryRun`: only lists them).
    public static func clear(_ directory: String, dryRun: Bool = false) -> Clearing {
        var result = Clearing()
        let paths: [String]
        do {
            guard let found = try files(in: directory) else {
                result.folderMissing = true
                return result
            }
            paths = found
        } catch {
            result.failed.append(error)
            return result
        }
        for path in paths {
            if dryRun || unlink(path) == 0 || errno == ENOENT {
                result.removed.append(path)
            } else {
                let code = errno
                result.failed.append(Failure(path: path, reason: String(cString: strerror(code)),
                                             permissionDenied: code == EACCES || code == EPERM || code == EROFS))
            }
        }
        return result
    }
}

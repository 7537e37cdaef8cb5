import Dispatch
import Glibc
import Glibc
import Synchronization

/// Host names being looked up, one thread each (getaddrinfo blocks and cannot
/// be cancelled). Each finished lookup writes a byte to a pipe, so the query's
/// poll loop wakes up for it as it does for replies. A lookup still running at
/// the deadline is abandoned: it keeps this object, and so the pipe, alive
/// until it returns, then its answer is dropped.
final class NameLookups: Sendable {
    private let finished = Mutex<[Int: Result<[SocketAddress], SNTPQueryError>]>([:])
    /// Poll this for readability: a lookup has finished.
    let wakeDescriptor: Int32
    private let signalDescriptor: Int32

    init() throws(SNTPQueryError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw .resolutionFailed("pipe: \(errnoDescription(errno))") }
        for end in ends {
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        wakeDescriptor = ends[0]
        signalDescriptor = ends[1]
    }

    deinit {
        close(wakeDescriptor)
        close(signalDescriptor)
    }

    /// Starts looking up `spec` on a thread of its own; its answer is filed under `index`.
    func start(_ spec: NTPServerSpec, index: Int) {
        DispatchQueue.global().async { [self] in
            let answer = SocketAddress.resolve(host: spec.host, port: spec.port, numericOnly: false)
                ?? .failure(.resolutionFailed("no answer"))
            finished.withLock { $0[index] = answer }
            var byte: UInt8 = 1
            _ = write(signalDescriptor, &byte, 1)
        }
    }

    /// The lookups finished since the last call, by index.
    func takeFinished() -> [Int: Result<[SocketAddress], SNTPQueryError>] {
        var scratch = [UInt8](repeating: 0, count: 64)
        while read(wakeDescriptor, &scratch, scratch.count) > 0 {}
        return finished.withLock { answers in
            defer { answers.removeAll() }
            return answers
        }
    }
}

import Glibc

/// Where a command's output goes. Results to `out`, diagnostics to `err`.
/// Injected so tests can run commands in-process and read both streams.
public final class Console {
    public let outIsTerminal: Bool
    public let errIsTerminal: Bool
    public let inIsTerminal: Bool
    /// Colour on stderr is allowed: it is a terminal, and neither NO_COLOR nor --no-color is set.
    public var color: Bool
    /// Colour on stdout is allowed: the same rule for stdout, so a pipe or a file never gets escapes.
    public var outColor: Bool
    public var quiet = false
    public var verbose = false

    private var outBuffer: [UInt8] = []
    private let writeOut: ([UInt8]) -> Void
    private let writeErr: ([UInt8]) -> Void
    private let readInputLine: (_ echo: Bool) -> String?

    public init(outIsTerminal: Bool, errIsTerminal: Bool, inIsTerminal: Bool, color: Bool, outColor: Bool? = nil,
                writeOut: @escaping ([UInt8]) -> Void, writeErr: @escaping ([UInt8]) -> Void,
                readLine: @escaping (_ echo: Bool) -> String?) {
        self.outIsTerminal = outIsTerminal
        self.errIsTerminal = errIsTerminal
        self.inIsTerminal = inIsTerminal
        self.color = color
        self.outColor = outColor ?? (color && outIsTerminal)
        self.writeOut = writeOut
        self.writeErr = writeErr
        self.readInputLine = readLine
    }

    deinit { flush() }

    /// The process's own standard streams.
    public static func standard(environment: [String: String]) -> Console {
        let outTTY = isatty(1) == 1, errTTY = isatty(2) == 1, inTTY = isatty(0) == 1
        let allowed = colorAllowed(environment)
        return Console(outIsTerminal: outTTY, errIsTerminal: errTTY, inIsTerminal: inTTY,
                       color: errTTY && allowed, outColor: outTTY && allowed,
                       writeOut: { writeAll(1, $0) }, writeErr: { writeAll(2, $0) },
                       readLine: { echo in readTerminalLine(echo: echo) })
    }

    /// Colour is allowed unless NO_COLOR is set to anything (https://no-color.org) or TERM is dumb.
    public static func colorAllowed(_ environment: [String: String]) -> Bool {
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return !noColor && environment["TERM"] != "dumb"
    }

    /// No colour on either stream (--no-color).
    public func disableColor() {
        color = false
        outColor = false
    }

    /// Writes a result line to stdout (buffered).
    public func out(_ text: String) {
        outBuffer.append(contentsOf: text.utf8)
        outBuffer.append(0x0A)
        if outBuffer.count >= 1 << 16 { flush() }
    }

    /// Writes raw text to stdout without a newline.
    public func outRaw(_ text: String) {
        outBuffer.append(contentsOf: text.utf8)
        if outBuffer.count >= 1 << 16 { flush() }
    }

    public func flush() {
        guard !outBuffer.isEmpty else { return }
        writeOut(outBuffer)
        outBuffer.removeAll(keepingCapacity: true)
    }

    /// A diagnostic line on stderr (always shown; stdout is flushed first to keep order).
    public func err(_ text: String) {
        flush()
        writeErr(Array((text + "\n").utf8))
    }

    /// A note for people: suppressed by --quiet.
    public func note(_ text: String) {
        if !quiet { err(text) }
    }

    /// Detail shown only with --verbose.
    public func detail(_ text: String) {
        if verbose && !quiet { err(text) }
    }

    public func warning(_ text: String) {
        err(paint("warning: ", .yellow) + text)
    }

    /// Progress text that rewrites one terminal line on stderr; nothing when stderr is not a terminal.
    public func progress(_ text: String) {
        guard errIsTerminal && !quiet else { return }
        writeErr(Array(("\r\u{1B}[K" + text).utf8))
    }

    public func endProgress() {
        guard errIsTerminal && !quiet else { return }
        writeErr(Array("\r\u{1B}[K".utf8))
    }

    /// Reads one line from stdin; `echo: false` turns terminal echo off (codes, passwords).
    public func readLine(echo: Bool = true) -> String? {
        flush()
        return readInputLine(echo)
    }

    public enum Color: String { case red = "31", green = "32", yellow = "33", bold = "1", dim = "2" }
    public enum Stream { case stdout, stderr }

    /// `text` in a colour when the stream it is for may carry colour; otherwise `text` unchanged.
    /// Diagnostics go to stderr (the default); results printed with `out` say `on: .stdout`.
    public func paint(_ text: String, _ color: Color, on stream: Stream = .stderr) -> String {
        let allowed = stream == .stdout ? outColor : self.color
        return allowed ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }

    private static func readTerminalLine(echo: Bool) -> String? {
        var saved = termios()
        let isTTY = isatty(0) == 1
        var handlers: [(Int32, __sighandler_t?)] = []
        if !echo && isTTY {
            tcgetattr(0, &saved)
            // Ctrl-C (or a kill) while echo is off must not leave the terminal silent.
            terminalToRestore = saved
            for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
                let previous = Glibc.signal(signal, restoreTerminalThenDie)
                if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { Glibc.signal(signal, SIG_IGN) }   // nohup and the like: still ignored
                handlers.append((signal, previous))
            }
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSAFLUSH, &quiet)
        }
        defer {
            if !echo && isTTY {
                tcsetattr(0, TCSAFLUSH, &saved)
                for (signal, previous) in handlers { Glibc.signal(signal, previous) }
                writeAll(2, Array("\n".utf8))
            }
        }
        return Swift.readLine(strippingNewline: true)
    }
}

/// The terminal settings to put back when a signal ends tcadmin while echo is off. Written
/// before the handler is installed, read only by it.
nonisolated(unsafe) private var terminalToRestore = termios()

/// Puts the terminal back (tcsetattr is async-signal-safe), then dies of the signal as it
/// would have, so the shell sees the same status.
private let restoreTerminalThenDie: @convention(c) (Int32) -> Void = { signal in
    tcsetattr(0, TCSANOW, &terminalToRestore)
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
}

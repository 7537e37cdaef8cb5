/// One row of a streaming result. Valid only inside the callback that receives it:
/// its cells point into buffers that the next row overwrites.
public final class Row {
    private var pointers: [UnsafeRawPointer?]
    private var lengths: [Int]

    init(columnCount: Int) {
        pointers = Array(repeating: nil, count: columnCount)
        lengths = Array(repeating: 0, count: columnCount)
    }

    func set(_ index: Int, _ pointer: UnsafeRawPointer?, _ length: Int) {
        pointers[index] = pointer
        lengths[index] = length
    }

    public var count: Int { pointers.count }

    public func isNull(_ index: Int) -> Bool { pointers[index] == nil }

    /// The cell's bytes without copying them, or nil for NULL.
    public func withBytes<T>(_ index: Int, _ body: (UnsafeRawBufferPointer?) throws -> T) rethrows -> T {
        guard let p = pointers[index] else { return try body(nil) }
        return try body(UnsafeRawBufferPointer(start: p, count: lengths[index]))
    }

    public func bytes(_ index: Int) -> [UInt8]? {
        withBytes(index) { $0.map { Array($0) } }
    }

    public func string(_ index: Int) -> String? {
        withBytes(index) { buffer in buffer.map { String(decoding: $0, as: UTF8.self) } }
    }

    public func int(_ index: Int) -> Int64? {
        withBytes(index) { buffer -> Int64? in
            guard let buffer, !buffer.isEmpty else { return nil }
            var value: Int64 = 0
            var negative = false
            for (i, byte) in buffer.enumerated() {
                if i == 0 && byte == UInt8(ascii: "-") { negative = true; continue }
                guard byte >= 48 && byte <= 57 else { return nil }
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(byte - 48))
                if o1 || o2 { return nil }
                value = s
            }
            return negative ? -value : value
        }
    }

    public func double(_ index: Int) -> Double? {
        string(index).flatMap(Double.init)
    }

    /// True when the cell holds exactly these bytes (no copy).
    public func equals(_ index: Int, _ other: some Collection<UInt8>) -> Bool {
        withBytes(index) { buffer in buffer.map { $0.elementsEqual(other) } ?? false }
    }
}

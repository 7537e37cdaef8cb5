/// A value bound to a prepared statement's placeholder.
public enum Value: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bytes([UInt8])
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// Types that bind as a statement parameter.
public protocol ValueConvertible {
    var databaseValue: Value { get }
}

extension String: ValueConvertible { public var databaseValue: Value { .text(self) } }
extension Int: ValueConvertible { public var databaseValue: Value { .int(Int64(self)) } }
extension Int64: ValueConvertible { public var databaseValue: Value { .int(self) } }
extension Double: ValueConvertible { public var databaseValue: Value { .double(self) } }
extension Value: ValueConvertible { public var databaseValue: Value { self } }
extension Optional: ValueConvertible where Wrapped: ValueConvertible {
    public var databaseValue: Value { self?.databaseValue ?? .null }
}

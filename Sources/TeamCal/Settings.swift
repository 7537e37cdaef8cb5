import TCDatabase

extension TeamCalDatabase {
    /// Writes one `config` row, creating it when it is missing (old databases lack some).
    /// Returns the value it had, nil when the row was created.
    @discardableResult
    public func writeSetting(_ name: String, _ value: String) throws -> String? {
        let config = table("config")
        let before = try settings([name])[name]
        if before != nil {
            try connection.execute("UPDATE \(config) SET value = ? WHERE name = ?", [value, name])
        } else {
            try connection.execute("INSERT INTO \(config) (name, value) VALUES (?, ?)", [name, value])
        }
        return before
    }
}

/// The app's two 2FA switches as stored (SPEC §2.3); nil when the row is missing,
/// which the app reads as '0'.
public struct TwoFactorSettings: Sendable, Equatable {
    public var forceTfa: String?
    public var disableTfa: String?

    public init(forceTfa: String?, disableTfa: String?) {
        self.forceTfa = forceTfa
        self.disableTfa = disableTfa
    }

    public init(_ db: TeamCalDatabase) throws {
        let values = try db.settings(["forceTfa", "disableTfa"])
        self.init(forceTfa: values["forceTfa"], disableTfa: values["disableTfa"])
    }

    /// Users without a secret are sent to 2FA setup.
    public var isForced: Bool { forceTfa.map(phpTruthy) ?? false }
    /// The 2FA feature is switched off.
    public var isFeatureDisabled: Bool { disableTfa.map(phpTruthy) ?? false }
}

/// What `force-2fa on|off` writes, by the rules of the app's own settings page.
public struct ForceTfaPlan: Sendable, Equatable {
    public struct Write: Sendable, Equatable {
        public let name: String
        /// The stored value, nil when the row is missing.
        public let from: String?
        public let to: String
    }

    public enum Refusal: Error, Sendable, Equatable {
        /// `disableTfa` is on: forcing 2FA would send users into a redirect loop.
        case featureDisabled(value: String)
    }

    /// In order: `disableTfa` before `forceTfa`, so the app never sees both on.
    public let writes: [Write]

    public var changesNothing: Bool { writes.isEmpty }

    public static func make(_ current: TwoFactorSettings, forceOn: Bool, enableFeature: Bool) throws(Refusal) -> ForceTfaPlan {
        var writes: [Write] = []
        if forceOn {
            if current.isFeatureDisabled {
                guard enableFeature else { throw .featureDisabled(value: current.disableTfa ?? "") }
                writes.append(Write(name: "disableTfa", from: current.disableTfa, to: "0"))
            }
            if !current.isForced { writes.append(Write(name: "forceTfa", from: current.forceTfa, to: "1")) }
        } else if current.isForced {
            writes.append(Write(name: "forceTfa", from: current.forceTfa, to: "0"))
        }
        return ForceTfaPlan(writes: writes)
    }
}

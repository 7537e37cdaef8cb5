// swift-tools-version:5.4
// libFuzzer targets for tcadmin's parsers and decoders. A package of its own, so that
// `make test` never builds it; `make fuzz` does (see run-fuzzers).
//
// Tools version 5.4 on purpose: from 5.5 on, SwiftPM renames an executable's entry point
// to <Target>_main, and a libFuzzer binary's main() comes from the fuzzer runtime.
import PackageDescription

let fuzzers = ["FuzzBase32", "FuzzBase64", "FuzzStoredSecret", "FuzzDotEnv", "FuzzPHPConfig",
               "FuzzConfigFile", "FuzzSNTPPacket", "FuzzTimeConfig", "FuzzSecretBackup", "FuzzMigrationJournal"]

let package = Package(
    name: "tcadmin-fuzz",
    dependencies: [.package(name: "tcadmin", path: "..")],
    targets: fuzzers.map { name in
        .executableTarget(name: name, dependencies: [.product(name: "TCAdminLibraries", package: "tcadmin")],
                          swiftSettings: [.unsafeFlags(["-swift-version", "6"])])
    }
)

// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tcadmin",
    products: [
        .executable(name: "tcadmin", targets: ["tcadmin"]),
        // For the fuzzers in Fuzz/, a package of its own that `make test` never builds.
        .library(name: "TCAdminLibraries", targets: ["TCCrypto", "TeamCal", "TCClock", "TCAdminCLI"]),
    ],
    targets: [
        // C libraries from Debian, through pkg-config.
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb",
                       providers: [.apt(["libmariadb-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode",
                       providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),

        // Layers, lowest first. Each imports only those below it.
        .target(name: "TCDatabase", dependencies: ["CMariaDB"]),
        // setrlimit/prctl for ProcessHardening; prctl is variadic.
        .target(name: "CProcessShim"),
        .target(name: "TCCrypto", dependencies: ["COpenSSL", "CProcessShim"]),
        .target(name: "TeamCal", dependencies: ["TCDatabase", "TCCrypto"]),
        // adjtimex() read-only wrapper; <sys/timex.h> is not in Swift's Glibc module.
        .target(name: "CClockShim"),
        .target(name: "TCClock", dependencies: ["TCDatabase", "CClockShim"]),
        // QR codes for offline enrollment: libqrencode's symbol, drawn as text or a PNG (libpng).
        .target(name: "TCQRCode", dependencies: ["CQREncode", "CPNG"]),
        .target(name: "TCAdminCLI", dependencies: ["TeamCal", "TCClock", "TCCrypto", "TCDatabase", "TCQRCode"]),
        .executableTarget(name: "tcadmin", dependencies: ["TCAdminCLI", "TCCrypto"]),

        .target(name: "TestSupport", dependencies: ["TCDatabase", "TCClock"], path: "Tests/TestSupport"),
        .testTarget(name: "TCDatabaseTests", dependencies: ["TCDatabase", "TestSupport"]),
        .testTarget(name: "TCCryptoTests", dependencies: ["TCCrypto", "TestSupport"],
                    resources: [.copy("Resources")]),
        .testTarget(name: "TeamCalTests", dependencies: ["TeamCal", "TestSupport"]),
        .testTarget(name: "TCClockTests", dependencies: ["TCClock", "TestSupport"]),
        .testTarget(name: "TCQRCodeTests", dependencies: ["TCQRCode", "TestSupport"]),
        .testTarget(name: "TCAdminCLITests", dependencies: ["TCAdminCLI", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

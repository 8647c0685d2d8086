// swift-tools-version:6.0
import PackageDescription

/// The threaded handlers tail-call each other. Without frame pointers each
/// handler and its C-convention thunk lose a push/pop pair, which cuts the
/// host instructions per guest instruction by a quarter in release builds;
/// without function merging, no thunk reaches a shared body by a non-tail call.
/// SwiftPM refuses unsafe flags in versioned dependencies, so a package that
/// embeds this one sets SWIFT_QEMU_LITE_PORTABLE=1 to build without them.
let executorSettings: [SwiftSetting] =
    Context.environment["SWIFT_QEMU_LITE_PORTABLE"] != nil ? [] :
    [.unsafeFlags(["-Xcc", "-Xclang", "-Xcc", "-mframe-pointer=none", "-Xfrontend", "-disable-llvm-merge-functions-pass"], .when(configuration: .release))]

let package = Package(
    name: "swift-qemu-lite",
    products: [
        .library(name: "SwiftQemuLite", targets: ["SwiftQemuLite"]),
        .executable(name: "swift-qemu-lite", targets: ["swift-qemu-lite"]),
    ],
    targets: [
        .target(name: "GuestMemory"),
        .target(
            name: "AArch64", dependencies: ["GuestMemory"], exclude: ["generate-threaded.py"],
            swiftSettings: executorSettings),
        .target(name: "ELF", dependencies: ["GuestMemory"]),
        .target(name: "LinuxUser", dependencies: ["AArch64", "GuestMemory", "ELF"]),
        .target(name: "SwiftQemuLite", dependencies: ["AArch64", "GuestMemory", "ELF", "LinuxUser"]),
        .executableTarget(name: "swift-qemu-lite", dependencies: ["SwiftQemuLite"]),
        .testTarget(name: "AArch64Tests", dependencies: ["AArch64", "GuestMemory"], exclude: ["Fixtures"]),
        .testTarget(name: "ELFTests", dependencies: ["ELF", "GuestMemory"]),
        .testTarget(name: "IntegrationTests", dependencies: ["SwiftQemuLite"]),
        .testTarget(name: "BinfmtTests", dependencies: ["SwiftQemuLite"]),
        .testTarget(name: "SwiftQemuLiteTests", dependencies: ["SwiftQemuLite", "ELF", "AArch64", "GuestMemory", "LinuxUser"]),
        .testTarget(name: "LinuxUserTests", dependencies: ["LinuxUser", "AArch64", "GuestMemory"]),
    ],
    swiftLanguageModes: [.v5]
)

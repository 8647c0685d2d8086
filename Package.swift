// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swift-qemu-lite",
    products: [
        .library(name: "SwiftQemuLite", targets: ["SwiftQemuLite"]),
        .executable(name: "swift-qemu-lite", targets: ["swift-qemu-lite"]),
    ],
    targets: [
        .target(name: "GuestMemory"),
        .target(name: "AArch64", dependencies: ["GuestMemory"], exclude: ["generate-threaded.py"]),
        .target(name: "ELF", dependencies: ["GuestMemory"]),
        .target(name: "LinuxUser", dependencies: ["AArch64", "GuestMemory", "ELF"]),
        .target(name: "SwiftQemuLite", dependencies: ["AArch64", "GuestMemory", "ELF", "LinuxUser"]),
        .executableTarget(name: "swift-qemu-lite", dependencies: ["SwiftQemuLite"]),
        .testTarget(name: "AArch64Tests", dependencies: ["AArch64", "GuestMemory"]),
        .testTarget(name: "ELFTests", dependencies: ["ELF", "GuestMemory"]),
        .testTarget(name: "IntegrationTests", dependencies: ["SwiftQemuLite"]),
        .testTarget(name: "BinfmtTests", dependencies: ["SwiftQemuLite"]),
        .testTarget(name: "SwiftQemuLiteTests", dependencies: ["SwiftQemuLite", "ELF", "AArch64", "GuestMemory", "LinuxUser"]),
        .testTarget(name: "LinuxUserTests", dependencies: ["LinuxUser", "AArch64", "GuestMemory"]),
    ],
    swiftLanguageModes: [.v5]
)

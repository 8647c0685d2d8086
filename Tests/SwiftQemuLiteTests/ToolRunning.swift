import Foundation
import XCTest

/// What a run of the built swift-qemu-lite executable gave.
struct ToolResult {
    var status: Int32
    var signaled: Bool
    var stdout: String
    var stderr: String
}

/// Tests that run the built swift-qemu-lite executable as a user would.
protocol ToolRunning {}

extension ToolRunning {
    /// The package root, where the tool runs and test programs are found.
    static var root: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `.build/debug/swift-qemu-lite` with `args` in the package root,
    /// with a minimal environment plus `env`.
    func run(_ args: [String], env: [String: String] = [:]) throws -> ToolResult {
        let exe = Self.root.appendingPathComponent(".build/debug/swift-qemu-lite")
        guard FileManager.default.isExecutableFile(atPath: exe.path) else {
            throw XCTSkip("swift-qemu-lite is not built at \(exe.path)")
        }
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        p.environment = ["PATH": "/usr/bin:/bin"].merging(env) { $1 }
        p.currentDirectoryURL = Self.root
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return ToolResult(status: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal,
                          stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

import Foundation
import SwiftQemuLite
import XCTest

/// Shared set-up of the binfmt_misc tests: they really register with the
/// kernel, so they need root and binfmt_misc, and skip without them.
/// Every entry a test registers has a unique name and is removed in
/// tearDown, whatever happened. Other entries for arm64 programs (Debian's
/// qemu-aarch64 from qemu-user-binfmt) are disabled meanwhile and enabled
/// again afterwards; the kernel tries the entry registered last first, so
/// ours would win anyway, but a disabled qemu entry makes a test that
/// reached qemu fail loudly rather than pass by accident. Each run also
/// asks for the instruction report, which only swift-qemu-lite prints.
class BinfmtTestCase: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let tool = root.appendingPathComponent(".build/debug/swift-qemu-lite").path
    static let multicall = root.appendingPathComponent("TestBinaries/bin/multicall.musl-O2").path

    /// Names registered by this test, removed in tearDown.
    var registered: [String] = []
    /// Entries this test disabled, enabled again in tearDown.
    var disabled: [String] = []
    /// A scratch directory, removed in tearDown.
    var dir = ""

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    override func setUpWithError() throws {
        guard geteuid() == 0 else { throw XCTSkip("binfmt_misc registration needs root") }
        do {
            try Binfmt.ensureMounted()
        } catch {
            throw XCTSkip("binfmt_misc cannot be mounted: \(error)")
        }
        guard FileManager.default.isExecutableFile(atPath: Self.tool) else {
            throw XCTSkip("swift-qemu-lite is not built at \(Self.tool)")
        }
        let tmp = ProcessInfo.processInfo.environment["TMPDIR"].map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "/tmp"
        var template = Array("\(tmp.isEmpty ? "/tmp" : tmp)/sql-binfmt-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw XCTSkip("mkdtemp failed") }
        dir = String(cString: p)
        // Readable by the unprivileged user of the O-flag test.
        chmod(dir, 0o755)
        for e in Binfmt.entries() where e.matchesArm64 && e.enabled {
            try Binfmt.setEnabled(name: e.name, false)
            disabled.append(e.name)
        }
    }

    override func tearDown() {
        for name in registered where Binfmt.entry(named: name) != nil {
            try? Binfmt.unregister(name: name)
        }
        for name in disabled { try? Binfmt.setEnabled(name: name, true) }
        if !dir.isEmpty { try? FileManager.default.removeItem(atPath: dir) }
        super.tearDown()
    }

    /// A name no other run uses.
    func uniqueName() -> String {
        let name = "sqltest-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        registered.append(name)
        return name
    }

    /// Runs `executable` with `arguments` and the environment `env` (only),
    /// in `cwd`.
    func run(_ executable: String, _ arguments: [String], env: [String: String] = [:],
             cwd: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.environment = ["PATH": "/usr/bin:/bin"].merging(env) { $1 }
        p.currentDirectoryURL = URL(fileURLWithPath: cwd ?? dir)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }

    /// swift-qemu-lite --binfmt ARGS.
    func binfmt(_ args: [String], tool: String = BinfmtTestCase.tool) throws -> Result {
        try run(tool, ["--binfmt"] + args)
    }

    /// Registers `tool` under a new unique name with the given options;
    /// returns the name.
    func register(_ options: [String], tool: String = BinfmtTestCase.tool) throws -> String {
        let name = uniqueName()
        let r = try binfmt(["register", "--name", name, "--interpreter", tool] + options, tool: tool)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        guard Binfmt.entry(named: name) != nil else {
            throw XCTSkip("registration of \(name) did not take: \(r.stderr)")
        }
        return name
    }

    /// Runs a shell command line with bash in the scratch directory, with
    /// the instruction report turned on and the whole argv[0] printed.
    func sh(_ command: String) throws -> Result {
        try run("/bin/bash", ["-c", command],
                env: ["SWIFT_QEMU_LITE_STATS": "1", "MULTICALL_FULL_ARGV0": "1"])
    }

    /// Asserts that swift-qemu-lite ran the program (its report is on
    /// stderr) and returns stdout.
    func assertEmulated(_ r: Result, file: StaticString = #filePath, line: UInt = #line) -> String {
        XCTAssertNotNil(r.stderr.range(of: #"swift-qemu-lite: [0-9]+ guest instructions"#, options: .regularExpression),
                        "not run by swift-qemu-lite: \(r.stderr)", file: file, line: line)
        return r.stdout
    }

    /// Copies the multi-call test program into the scratch directory as
    /// `name`, with `mode`.
    func installProgram(_ name: String, mode: mode_t = 0o755) throws {
        let path = dir + "/" + name
        try FileManager.default.copyItem(atPath: Self.multicall, toPath: path)
        chmod(path, mode)
    }
}

import Foundation
import XCTest

/// ps, top, pgrep and pidof see a guest as itself: the emulator rewrites
/// its argv area with the guest's argv and names itself after the guest
/// program (HostArgs.swift).
final class ProcTitleTests: XCTestCase, ToolRunning {
    var dir = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/sql-title-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw XCTSkip("mkdtemp failed") }
        dir = String(cString: p)
    }

    override func tearDown() {
        if !dir.isEmpty { try? FileManager.default.removeItem(atPath: dir) }
        super.tearDown()
    }

    /// Starts the tool with `args`, the guest blocked in open() of a FIFO,
    /// runs `body` with its pid, then lets it finish.
    func whileBlocked(_ args: [String], env: [String: String] = [:], _ body: (Int32) throws -> Void) throws {
        let exe = Self.root.appendingPathComponent(".build/debug/swift-qemu-lite").path
        guard FileManager.default.isExecutableFile(atPath: exe) else { throw XCTSkip("not built: \(exe)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.environment = ["PATH": "/usr/bin:/bin"].merging(env) { $1 }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer {
            // Opening the FIFO for writing lets the guest's open return.
            let fd = open(dir + "/fifo", O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) } else { p.terminate() }
            p.waitUntilExit()
        }
        // Until the emulator has renamed itself, it is still starting.
        let pid = p.processIdentifier
        for _ in 0..<500 where (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) == "swift-qemu-lite\n" {
            usleep(20_000)
        }
        try body(pid)
    }

    func command(_ exe: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: o, as: UTF8.self)
    }

    func testPsAndPgrepSeeTheGuest() throws {
        XCTAssertEqual(mkfifo(dir + "/fifo", 0o600), 0)
        let prog = Self.root.appendingPathComponent("TestBinaries/bin/multicall.musl-O2").path
        try FileManager.default.createSymbolicLink(atPath: dir + "/cat", withDestinationPath: prog)
        try whileBlocked(["-strace", "-L", "/", dir + "/cat", dir + "/fifo", "two words"]) { pid in
            let cmdline = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")))
            let used = Array((dir + "/cat\0" + dir + "/fifo\0two words\0").utf8)
            XCTAssertEqual(Array(cmdline.prefix(used.count)), used)
            XCTAssertTrue(cmdline.dropFirst(used.count).allSatisfy { $0 == 0 }, "only NULs after the guest's argv")
            XCTAssertEqual(try String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8), "cat\n")
            let ps = try command("/usr/bin/ps", ["-o", "comm=,args=", "-p", "\(pid)"])
            XCTAssertEqual(ps.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " "),
                           "cat \(dir)/cat \(dir)/fifo two words\n")
            let byLine = try command("/usr/bin/pgrep", ["-f", "^\(dir)/cat \(dir)/fifo two words"])
            XCTAssertEqual(byLine, "\(pid)\n")
            XCTAssertTrue(try command("/usr/bin/pgrep", ["-x", "cat"]).split(separator: "\n").contains("\(pid)"))
        }
    }

    /// A guest argv longer than the emulator's own (argv[0] from
    /// QEMU_ARGV0, which is in the environment area): the arguments are
    /// joined by spaces across the argv and environment area, as
    /// setproctitle does, and the kernel shows that one string.
    func testLongGuestCommandLine() throws {
        XCTAssertEqual(mkfifo(dir + "/fifo", 0o600), 0)
        let prog = Self.root.appendingPathComponent("TestBinaries/bin/multicall.musl-O2").path
        let long = String(repeating: "x", count: 300) + "/cat"
        try whileBlocked([prog, dir + "/fifo"], env: ["QEMU_ARGV0": long]) { pid in
            let cmdline = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")))
            XCTAssertEqual(String(decoding: cmdline, as: UTF8.self), "\(long) \(dir)/fifo\0")
            XCTAssertEqual(try String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8), "multicall.musl-\n")
        }
    }
}

import Foundation
import XCTest

/// The emulator's own descriptors (the -D log) are not the guest's: the
/// guest neither lists, reaches, closes nor replaces them
/// (docs/security.md). TestBinaries/src/runtime/procguard.c, mode `fds`.
final class EmulatorFdTests: XCTestCase, ToolRunning {
    func testLogFileIsHiddenFromTheGuest() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("sql-fdlog-\(getpid()).txt")
        defer { try? FileManager.default.removeItem(at: log) }
        for build in ["glibc", "musl"] {
            let r = try run(["-d", "strace", "-D", log.path, "TestBinaries/bin/procguard.\(build)-O2", "fds"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout, """
                highest listed fd below 1000: yes
                open fds from 1000: 0
                dup2 onto the top 70 fds: 69
                open fds from 3 after close_range: 0

                """, build)
            // The log survived close_range and dup2: later calls are in it.
            let text = try String(contentsOf: log, encoding: .utf8)
            XCTAssertTrue(text.contains(" getppid() = "), build)
            XCTAssertTrue(text.contains(" exit_group(0)\n"), build)
        }
        // Without a log nothing is hidden: every dup2 succeeds.
        let plain = try run(["TestBinaries/bin/procguard.musl-O2", "fds"])
        XCTAssertTrue(plain.stdout.contains("dup2 onto the top 70 fds: 70\n"), plain.stdout)
    }
}

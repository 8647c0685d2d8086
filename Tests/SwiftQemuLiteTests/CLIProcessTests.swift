import Foundation
import XCTest

/// Runs the built swift-qemu-lite executable as a user would: exit status,
/// stdout and the one-line errors on stderr.
final class CLIProcessTests: XCTestCase, ToolRunning {
    func testRunsAProgram() throws {
        // qemu-aarch64 TestBinaries/elf/tiny a b: prints "hi", exits 3.
        let r = try run(["TestBinaries/elf/tiny", "a", "b"])
        XCTAssertEqual(r.status, 3)
        XCTAssertEqual(r.stdout, "hi\n")
        XCTAssertEqual(r.stderr, "")
        let pie = try run(["TestBinaries/elf/tiny-pie"])
        XCTAssertEqual(pie.status, 1)
        XCTAssertEqual(pie.stdout, "hi\n")
    }

    func testDynamicProgramRunsWithASysroot() throws {
        // qemu-aarch64 -L TestBinaries/sysroot TestBinaries/elf/tiny-dyn a b: prints "hi", exits 3.
        let r = try run(["-L", "TestBinaries/sysroot", "TestBinaries/elf/tiny-dyn", "a", "b"],
                        env: ["SWIFT_QEMU_LITE_DEFAULT_SYSROOT": ""])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertEqual(r.stdout, "hi\n")
        let viaEnv = try run(["TestBinaries/elf/tiny-dyn", "a", "b"],
                             env: ["QEMU_LD_PREFIX": "TestBinaries/sysroot", "SWIFT_QEMU_LITE_DEFAULT_SYSROOT": ""])
        XCTAssertEqual(viaEnv.status, 3, viaEnv.stderr)
        let viaDefault = try run(["TestBinaries/elf/tiny-dyn", "a", "b"],
                                 env: ["SWIFT_QEMU_LITE_DEFAULT_SYSROOT": Self.root.path + "/TestBinaries/sysroot"])
        XCTAssertEqual(viaDefault.status, 3, viaDefault.stderr)
    }

    func testGuestSignalKillsTheEmulator() throws {
        // qemu-aarch64 TestBinaries/elf/segv dies by signal 11.
        let r = try run(["TestBinaries/elf/segv"])
        XCTAssertTrue(r.signaled)
        XCTAssertEqual(r.status, SIGSEGV)
        // The instruction report is printed before the emulator dies.
        let s = try run(["-icount-report", "TestBinaries/elf/segv"])
        XCTAssertTrue(s.signaled)
        XCTAssertNotNil(s.stderr.range(of: #"swift-qemu-lite: [0-9]+ guest instructions\n$"#, options: .regularExpression), s.stderr)
    }

    func testInstructionReport() throws {
        let r = try run(["-icount-report", "TestBinaries/elf/tiny"])
        XCTAssertEqual(r.stdout, "hi\n")
        XCTAssertNotNil(r.stderr.range(of: #"^swift-qemu-lite: [1-9][0-9]* guest instructions\n$"#,
                                        options: .regularExpression), r.stderr)
        let viaEnv = try run(["TestBinaries/elf/tiny"], env: ["SWIFT_QEMU_LITE_STATS": "1"])
        XCTAssertEqual(viaEnv.stderr, r.stderr, "same program, same count")
    }

    func testErrorsAreOneLineAndExitOne() throws {
        let cases: [([String], String)] = [
            (["-bogus"], "swift-qemu-lite: unknown option 'bogus'\n"),
            ([], "swift-qemu-lite: no user program specified\n"),
            (["-E"], "swift-qemu-lite: missing argument for option 'E'\n"),
            (["/no/such/program"], "swift-qemu-lite: /no/such/program: No such file or directory\n"),
            (["/bin/true"], "swift-qemu-lite: /bin/true: ELF file is for x86-64, not arm64 (AArch64)\n"),
            (["-L", "/no/such/sysroot", "TestBinaries/elf/tiny-dyn"], "swift-qemu-lite: TestBinaries/elf/tiny-dyn: "
                + "dynamically linked program needs its interpreter /lib/ld-linux-aarch64.so.1, not found (looked for "
                + "/no/such/sysroot/lib/ld-linux-aarch64.so.1, /lib/ld-linux-aarch64.so.1); give an arm64 sysroot "
                + "holding it with -L DIR or QEMU_LD_PREFIX=DIR, or install Debian's libc6-arm64-cross "
                + "(apt-get install libc6-arm64-cross)\n"),
        ]
        for (args, message) in cases {
            // The default sysroot (/usr/aarch64-linux-gnu) is switched off,
            // as on a machine without Debian's cross libc.
            let r = try run(args, env: ["SWIFT_QEMU_LITE_DEFAULT_SYSROOT": ""])
            XCTAssertEqual(r.status, 1, "\(args)")
            XCTAssertEqual(r.stderr, message)
            XCTAssertEqual(r.stdout, "")
        }
    }

    func testHelpAndVersion() throws {
        let v = try run(["-version", "ignored"])
        XCTAssertEqual(v.status, 0)
        XCTAssertEqual(v.stdout, "swift-qemu-lite version 0.1.0\n")
        let h = try run(["-h"])
        XCTAssertEqual(h.status, 0)
        XCTAssertTrue(h.stdout.hasPrefix("usage: swift-qemu-lite [options] program [arguments...]"))
    }
}

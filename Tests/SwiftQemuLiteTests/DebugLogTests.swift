import Foundation
import Glibc
import XCTest
import GuestMemory
import LinuxUser
@testable import SwiftQemuLite

/// The -d log items and -D, run through the built tool.
final class DebugLogTests: XCTestCase, ToolRunning {
    static let hello = "TestBinaries/bin/hello.glibc-O2"
    static let asmHello = "TestBinaries/bin/asmhello.nolibc"
    static let faults = "TestBinaries/bin/asmfaults.nolibc"

    /// The first block of hello.glibc-O2 (_start): the block boundaries are
    /// those of `qemu-aarch64 -d in_asm`, the text that of
    /// `aarch64-linux-gnu-objdump -d` for the same addresses.
    static let startBlock = """
        ----------------
        IN: \n\
        0x00400540:  d503201f  nop      \n\
        0x00400544:  d280001d  mov      x29, #0x0
        0x00400548:  d280001e  mov      x30, #0x0
        0x0040054c:  aa0003e5  mov      x5, x0
        0x00400550:  f94003e1  ldr      x1, [sp]
        0x00400554:  910023e2  add      x2, sp, #0x8
        0x00400558:  910003e6  mov      x6, sp
        0x0040055c:  90000000  adrp     x0, 0x400000
        0x00400560:  9115d000  add      x0, x0, #0x574
        0x00400564:  d2800003  mov      x3, #0x0
        0x00400568:  d2800004  mov      x4, #0x0
        0x0040056c:  94000086  bl       0x400784


        """

    /// Runs the tool with the log sent to a temporary file (-D), which is
    /// returned with the result: a long log would fill the stderr pipe.
    func runLogged(_ items: String, _ args: [String]) throws -> (ToolResult, String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("sql-dlog-\(getpid())-\(items).txt")
        defer { try? FileManager.default.removeItem(at: log) }
        let r = try run(["-D", log.path, "-d", items] + args)
        return (r, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    func testParse() throws {
        guard case .run(let s) = try CommandLineOptions.parse(["-d", "in_asm,exec,cpu,page,unimp,guest_errors,strace", "p"],
                                                             environment: []) else { return XCTFail("not a run") }
        XCTAssertEqual(s.logItems, [.inAsm, .exec, .cpu, .page, .unimp, .guestErrors])
        XCTAssertTrue(s.strace)
        XCTAssertEqual(s.emulatorConfig.logItems, s.logItems)
        guard case .run(let plain) = try CommandLineOptions.parse(["p"], environment: []) else { return XCTFail() }
        XCTAssertEqual(plain.logItems, [])
    }

    /// A minimal ELF with a symbol table: `_start` (function, 8 bytes at
    /// 0x400078), `table` (an object), `helper` (function at 0x400090).
    func testSymbols() {
        var elf = [UInt8](repeating: 0, count: 64 + 3 * 64)
        func put(_ v: UInt64, _ at: Int, _ n: Int) { for i in 0..<n { elf[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
        let strtab = Array("\0_start\0table\0helper\0".utf8)
        let symOff = elf.count, strOff = symOff + 4 * 24
        put(64, 0x28, 8); put(64, 0x3A, 2); put(3, 0x3C, 2)
        put(2, 64 + 64 + 4, 4); put(UInt64(symOff), 64 + 64 + 24, 8); put(4 * 24, 64 + 64 + 32, 8); put(2, 64 + 64 + 40, 4)
        put(3, 64 + 128 + 4, 4); put(UInt64(strOff), 64 + 128 + 24, 8); put(UInt64(strtab.count), 64 + 128 + 32, 8)
        var syms = [UInt8](repeating: 0, count: 4 * 24)
        func sym(_ i: Int, name: UInt64, info: UInt8, value: UInt64, size: UInt64) {
            for b in 0..<4 { syms[i * 24 + b] = UInt8(truncatingIfNeeded: name >> (8 * UInt64(b))) }
            syms[i * 24 + 4] = info
            syms[i * 24 + 6] = 1
            for b in 0..<8 {
                syms[i * 24 + 8 + b] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(b)))
                syms[i * 24 + 16 + b] = UInt8(truncatingIfNeeded: size >> (8 * UInt64(b)))
            }
        }
        sym(1, name: 1, info: 0x12, value: 0x400078, size: 8)
        sym(2, name: 8, info: 0x11, value: 0x400080, size: 16)
        sym(3, name: 14, info: 0x02, value: 0x400090, size: 4)
        elf += syms + strtab
        let symbols = GuestSymbols(elf: elf, bias: 0)
        XCTAssertEqual(symbols.name(at: 0x400078), "_start")
        XCTAssertEqual(symbols.name(at: 0x40007c), "_start")
        XCTAssertEqual(symbols.name(at: 0x400080), "")
        XCTAssertEqual(symbols.name(at: 0x400090), "helper")
        XCTAssertEqual(symbols.name(at: 0x400094), "")
        XCTAssertEqual(GuestSymbols(elf: elf, bias: 0x10000).name(at: 0x410090), "helper")
        XCTAssertEqual(GuestSymbols(elf: Array(elf.prefix(100)), bias: 0).name(at: 0x400078), "")
        XCTAssertEqual(DebugLog.inAsm(pc: 0, count: 0, mem: try! AddressSpace(size: 1 << 32), symbol: "_start"),
                       "----------------\nIN: _start\n\n")
    }

    func testInAsm() throws {
        let (r, log) = try runLogged("in_asm", [Self.hello])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "Hello, world!\n")
        XCTAssertEqual(r.stderr, "")
        XCTAssertTrue(log.hasPrefix(Self.startBlock), String(log.prefix(800)))
        // qemu's second block starts where _start's bl goes.
        XCTAssertTrue(log.contains("\n\n----------------\nIN: \n0x00400784:  a9b67bfd  stp      x29, x30, [sp, #-160]!\n"))
        // Straight to stderr without -D.
        let small = try run(["-d", "in_asm", Self.asmHello])
        XCTAssertTrue(small.stderr.hasPrefix("----------------\nIN: \n0x00400078:  d2800020  mov      x0, #0x1\n"), small.stderr)
        // Without the item there is no log at all.
        XCTAssertEqual(try run([Self.hello]).stderr, "")
    }

    func testLogFile() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("sql-dlog-\(getpid()).txt")
        defer { try? FileManager.default.removeItem(at: log) }
        let r = try run(["-D", log.path, "-d", "in_asm,exec", Self.hello])
        XCTAssertEqual(r.stdout, "Hello, world!\n")
        XCTAssertEqual(r.stderr, "")
        let text = try String(contentsOf: log, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix(Self.startBlock), String(text.prefix(800)))
        XCTAssertTrue(text.contains("[0000000000000000/0000000000400540/00000000/00000000] \n"))
        let viaEnv = try run(["-d", "page", Self.hello], env: ["QEMU_LOG_FILENAME": log.path])
        XCTAssertEqual(viaEnv.stderr, "")
        XCTAssertTrue(try String(contentsOf: log, encoding: .utf8).hasPrefix("start_brk   0x"))
    }

    func testExecAndCPU() throws {
        let r = try run(["-d", "exec,cpu", Self.asmHello])
        XCTAssertEqual(r.stdout, "Hello from assembly\n")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // qemu-aarch64 7.2 runs this program as two blocks; each gets a
        // Trace line and then the register dump.
        let traces = lines.filter { $0.hasPrefix("Trace 0: 0x") }
        XCTAssertEqual(traces.count, 2, r.stderr)
        XCTAssertTrue(traces[0].hasSuffix(" [0000000000000000/0000000000400078/00000000/00000000] "), traces[0])
        XCTAssertTrue(traces[1].hasSuffix(" [0000000000000000/000000000040008c/00000000/00000000] "), traces[1])
        // Register values as qemu-aarch64 -d cpu shows them before the
        // second block: write(1, msg, 20) returned 20 in x0.
        XCTAssertTrue(r.stderr.contains("""
             PC=000000000040008c X00=0000000000000014 X01=0000000000400098
            X02=0000000000000014 X03=0000000000000000 X04=0000000000000000
            X05=0000000000000000 X06=0000000000000000 X07=0000000000000000
            X08=0000000000000040 X09=0000000000000000 X10=0000000000000000
            """), r.stderr)
        XCTAssertTrue(r.stderr.contains("X29=0000000000000000 X30=0000000000000000  SP="), r.stderr)
        XCTAssertTrue(r.stderr.contains("\nPSTATE="), r.stderr)
        // exec alone: the trace lines and no registers.
        let execOnly = try run(["-d", "exec", Self.asmHello])
        XCTAssertEqual(execOnly.stderr.components(separatedBy: "Trace 0: ").count - 1, 2)
        XCTAssertFalse(execOnly.stderr.contains(" PC="))
    }

    func testExecTracesEveryBlockOfALoop() throws {
        // Blocks are not chained while tracing, so every executed block is
        // logged, not only the first entry of each chain.
        let (traced, log) = try runLogged("exec", [Self.hello])
        let stats = try run(["--stats", Self.hello])
        XCTAssertEqual(traced.stdout, "Hello, world!\n")
        let count = log.components(separatedBy: "Trace 0: ").count - 1
        let blocks = Int(stats.stderr.components(separatedBy: " blocks translated").first?
            .split(separator: " ").last ?? "") ?? 0
        XCTAssertGreaterThan(blocks, 100)
        XCTAssertGreaterThan(count, blocks, "more blocks run than translated")
    }

    func testPage() throws {
        let r = try run(["-d", "page", Self.hello])
        XCTAssertEqual(r.stdout, "Hello, world!\n")
        XCTAssertTrue(r.stderr.hasPrefix("start_brk   0x"), r.stderr)
        // The text mapping and entry point, as qemu-aarch64 -d page shows them.
        XCTAssertTrue(r.stderr.contains("start            end              size             prot\n"
                                        + "0000000000400000-000000000047e000 000000000007e000 r-x\n"), r.stderr)
        XCTAssertTrue(r.stderr.contains("entry       0x0000000000400540\n"), r.stderr)
        XCTAssertTrue(r.stderr.contains("start_code  0x0000000000400000\n"), r.stderr)
    }

    func testUnimpLogsUndefinedInstructions() throws {
        let r = try run(["-d", "unimp", Self.faults, "udf"])
        XCTAssertTrue(r.signaled)
        XCTAssertTrue(r.stderr.hasPrefix("unimp: undefined instruction 0x00000007 (udf #7) at pc 0x4000d4\n"), r.stderr)
        XCTAssertFalse(try run([Self.faults, "udf"]).stderr.contains("unimp:"))
    }

    func testGuestErrorsLogsFaults() throws {
        let wtext = try run(["-d", "guest_errors", Self.faults, "wtext"])
        XCTAssertTrue(wtext.signaled)
        XCTAssertTrue(wtext.stderr.hasPrefix("guest_errors: SIGSEGV at pc 0x4000e0: write to 0x400078 (no permission)\n"),
                      wtext.stderr)
        let zero = try run(["-d", "guest_errors", Self.faults, "zero"])
        XCTAssertTrue(zero.stderr.hasPrefix("guest_errors: SIGSEGV at pc 0x0: access to 0x0 (unmapped)\n"), zero.stderr)
        let align = try run(["-d", "guest_errors", Self.faults, "align"])
        XCTAssertTrue(align.stderr.hasPrefix("guest_errors: SIGBUS: branch to 0x4000b6, not a multiple of 4\n"), align.stderr)
    }

    /// Unknown syscalls (-d unimp) and EFAULT (-d guest_errors), through the
    /// library with the log sent to a file.
    func testSyscallLogging() throws {
        let path = Self.root.appendingPathComponent("TestBinaries/bin/asmhello.nolibc").path
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("sql-dsys-\(getpid()).txt")
        defer { try? FileManager.default.removeItem(at: logURL) }
        let fd = open(logURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let saved = Strace.fd
        Strace.fd = fd
        defer { Strace.fd = saved; close(fd) }
        var config = EmulatorConfig(programPath: path)
        config.logItems = [.unimp, .guestErrors]
        let emu = try Emulator(config: config)
        XCTAssertEqual(emu.process.syscall(4000), -38)
        XCTAssertEqual(emu.process.syscall(64, 1, 0xdead_0000, 10), -14) // write from an unmapped buffer
        let quiet = try Emulator(config: EmulatorConfig(programPath: path))
        XCTAssertEqual(quiet.process.syscall(4001), -38)
        let text = try String(contentsOf: logURL, encoding: .utf8)
        XCTAssertEqual(text, "Unsupported syscall: 4000\n"
                       + "guest_errors: write: bad address in an argument (EFAULT) at pc 0x400078\n")
    }
}

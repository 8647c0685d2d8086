import AArch64
import ELF
import Foundation
import GuestMemory
import XCTest
@testable import SwiftQemuLite

final class EmulatorTests: XCTestCase {
    static let elfDir = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TestBinaries/elf")

    func testSetUpPointsTheCPUAtTheProgram() throws {
        let path = Self.elfDir.appendingPathComponent("tiny").path
        let emu = try Emulator(config: EmulatorConfig(programPath: path, argv: ["tiny", "x"], environment: ["A=B"],
                                                      randomSeed: 42))
        // Entry point address from readelf; SP at argc.
        XCTAssertEqual(emu.cpu.pc, 0x4000b0)
        XCTAssertEqual(emu.cpu.sp, emu.stack.sp)
        XCTAssertEqual(emu.cpu.sp % 16, 0)
        XCTAssertEqual(emu.mem.readU64(emu.cpu.sp), 2)
        XCTAssertEqual(emu.mem.readCString(emu.mem.readU64(emu.stack.envpAddr)!), "A=B")
        XCTAssertEqual(emu.program.brkStart, 0x404000)
        XCTAssertEqual(emu.cpu.x(0), 0)
        XCTAssertEqual(emu.instructionCount, 0)
        // The advertised features reach the auxv.
        XCTAssertTrue(emu.stack.auxv.contains { $0 == (16, CPUModel.max.features.hwcap) })
        XCTAssertTrue(emu.stack.auxv.contains { $0 == (26, CPUModel.max.features.hwcap2) })
        // A seed makes AT_RANDOM reproducible, a different seed changes it.
        XCTAssertEqual(emu.mem.read(emu.stack.randomAddr, count: 16), Emulator.seededRandom(42))
        XCTAssertNotEqual(Emulator.seededRandom(42), Emulator.seededRandom(43))
        XCTAssertEqual(emu.process.options.programPath, path)
    }

    func testErrorsNameTheProgram() {
        let path = Self.elfDir.appendingPathComponent("tiny-dyn").path
        // No sysroot and no default one: the line says what was looked
        // for, where, and how to fix it.
        XCTAssertThrowsError(try Emulator(config: EmulatorConfig(programPath: path, defaultSysroot: nil))) { e in
            XCTAssertEqual("\(e)", "\(path): dynamically linked program needs its interpreter "
                + "/lib/ld-linux-aarch64.so.1, not found (looked for /lib/ld-linux-aarch64.so.1); give an arm64 "
                + "sysroot holding it with -L DIR or QEMU_LD_PREFIX=DIR, or install Debian's libc6-arm64-cross "
                + "(apt-get install libc6-arm64-cross)")
        }
        XCTAssertThrowsError(try Emulator(config: EmulatorConfig(programPath: path, sysroot: "/no/such/root",
                                                                 defaultSysroot: "/no/default"))) { e in
            XCTAssertTrue("\(e)".contains("(looked for /no/such/root/lib/ld-linux-aarch64.so.1, /lib/ld-linux-aarch64.so.1)"),
                          "\(e)")
        }
        XCTAssertThrowsError(try Emulator(config: EmulatorConfig(programPath: "/no/such/prog"))) { e in
            XCTAssertEqual("\(e)", "/no/such/prog: No such file or directory")
        }
    }

    func testDynamicProgramStartsInItsInterpreter() throws {
        let path = Self.elfDir.appendingPathComponent("tiny-dyn").path
        let sysroot = Self.elfDir.deletingLastPathComponent().appendingPathComponent("sysroot").path
        let emu = try Emulator(config: EmulatorConfig(programPath: path, sysroot: sysroot, defaultSysroot: nil))
        let auxv = Dictionary(emu.stack.auxv.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(auxv[7], emu.program.interpBase, "AT_BASE")
        XCTAssertNotEqual(auxv[7], 0)
        XCTAssertEqual(auxv[9], ELFLoader.dynBase(for: emu.mem) + 0x1ec, "AT_ENTRY is the program's")
        XCTAssertEqual(emu.cpu.pc, emu.program.interpBase + 0x1ac40, "ld.so's entry (readelf -h)")
        XCTAssertEqual(emu.process.options.sysroot, sysroot)
        // The default sysroot is used, and becomes the run's sysroot, only
        // when no sysroot is given.
        let viaDefault = try Emulator(config: EmulatorConfig(programPath: path, defaultSysroot: sysroot))
        XCTAssertEqual(viaDefault.process.options.sysroot, sysroot)
    }

    /// Runs a loaded program on the executor with just write and exit,
    /// independently of the Linux layer: checks that entry, stack and
    /// segments are what the code expects.
    func runBare(_ name: String, argv: [String]) throws -> (output: [UInt8], status: UInt64, emu: Emulator) {
        let path = Self.elfDir.appendingPathComponent(name).path
        let emu = try Emulator(config: EmulatorConfig(programPath: path, argv: argv))
        var output: [UInt8] = []
        for _ in 0..<100 {
            let why = emu.executor.run()
            guard why == .syscall else {
                XCTFail("stopped with \(why) at \(String(emu.cpu.pc, radix: 16))")
                break
            }
            switch emu.cpu.x(8) {
            case 64:
                output += emu.mem.read(emu.cpu.x(1), count: Int(emu.cpu.x(2))) ?? []
                emu.cpu.setX(0, emu.cpu.x(2))
            case 93:
                return (output, emu.cpu.x(0), emu)
            default:
                XCTFail("unexpected syscall \(emu.cpu.x(8))")
                return (output, ~0, emu)
            }
        }
        return (output, ~0, emu)
    }

    func testProgramsRunOnTheExecutor() throws {
        // qemu-aarch64 prints "hi" and exits with 3 (argc) for both.
        for name in ["tiny", "tiny-pie"] {
            let (out, status, emu) = try runBare(name, argv: [name, "a", "b"])
            XCTAssertEqual(out, Array("hi\n".utf8), name)
            XCTAssertEqual(status, 3, name)
            XCTAssertGreaterThan(emu.instructionCount, 0)
        }
        // The .data word (41) was incremented in place.
        let (_, _, emu) = try runBare("tiny", argv: ["tiny"])
        XCTAssertEqual(emu.mem.readU64(0x4010e8), 42)
    }
}

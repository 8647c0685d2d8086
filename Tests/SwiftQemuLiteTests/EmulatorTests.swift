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
        XCTAssertTrue(emu.stack.auxv.contains { $0 == (16, Features.hwcap) })
        XCTAssertTrue(emu.stack.auxv.contains { $0 == (26, Features.hwcap2) })
        // A seed makes AT_RANDOM reproducible, a different seed changes it.
        XCTAssertEqual(emu.mem.read(emu.stack.randomAddr, count: 16), Emulator.seededRandom(42))
        XCTAssertNotEqual(Emulator.seededRandom(42), Emulator.seededRandom(43))
        XCTAssertEqual(emu.process.options.programPath, path)
    }

    func testErrorsNameTheProgram() {
        let path = Self.elfDir.appendingPathComponent("tiny-dyn").path
        XCTAssertThrowsError(try Emulator(config: EmulatorConfig(programPath: path))) { e in
            XCTAssertEqual("\(e)", "\(path): dynamically linked programs need the interpreter "
                + "/lib/ld-linux-aarch64.so.1, which is not supported yet")
        }
        XCTAssertThrowsError(try Emulator(config: EmulatorConfig(programPath: "/no/such/prog"))) { e in
            XCTAssertEqual("\(e)", "/no/such/prog: No such file or directory")
        }
    }
}

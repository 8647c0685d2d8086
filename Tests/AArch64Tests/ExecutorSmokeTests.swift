import XCTest
import GuestMemory
@testable import AArch64

/// Runs hand-assembled code (encodings from aarch64-linux-gnu-as) in a small
/// address space until the first exit.
func runWords(_ words: [UInt32], setup: (CPU) -> Void = { _ in }) throws -> (CPU, ExitReason, AddressSpace) {
    let mem = try AddressSpace(size: 1 << 32)
    mem.mapFixed(0x10000, 0x1000, prot: PROT_READ | PROT_EXEC)
    words.withUnsafeBytes { mem.poke(0x10000, $0) }
    mem.mapFixed(0x80000, 0x10000, prot: PROT_READ | PROT_WRITE)
    let cpu = CPU()
    cpu.pc = 0x10000
    cpu.sp = 0x90000
    setup(cpu)
    let exec = Executor(cpu: cpu, mem: mem)
    let reason = exec.run()
    return (cpu, reason, mem)
}

final class ExecutorSmokeTests: XCTestCase {
    func testFibonacciLoopLoadsStoresAndSyscall() throws {
        // mov x0,#0; mov x1,#1; mov x2,#50; 1: add x3,x0,x1; mov x0,x1; mov x1,x3;
        // subs x2,x2,#1; b.ne 1b; adr x4,data; ldr x5,[x4]; str x1,[sp,#-16]!;
        // ldp x6,x7,[sp],#16; mov x8,#93; svc #0; data: .quad 0x1122334455667788
        let words: [UInt32] = [0xd2800000, 0xd2800021, 0xd2800642, 0x8b010003, 0xaa0103e0, 0xaa0303e1,
                               0xf1000442, 0x54ffff81, 0x100000c4, 0xf9400085, 0xf81f0fe1, 0xa8c11fe6,
                               0xd2800ba8, 0xd4000001, 0x55667788, 0x11223344]
        let (cpu, reason, _) = try runWords(words)
        XCTAssertEqual(reason, .syscall)
        XCTAssertEqual(cpu.x(1), 20365011074) // fib(51)
        XCTAssertEqual(cpu.x(5), 0x1122334455667788)
        XCTAssertEqual(cpu.x(6), 20365011074)
        XCTAssertEqual(cpu.sp, 0x90000)
        XCTAssertEqual(cpu.x(8), 93)
        XCTAssertEqual(cpu.pc, 0x10000 + 14 * 4)
    }

    func testUndefinedInstructionExitsAtItsPC() throws {
        let (cpu, reason, _) = try runWords([0xd2800020, 0x00000000])
        XCTAssertEqual(reason, .undefined(insn: 0))
        XCTAssertEqual(cpu.pc, 0x10004)
        XCTAssertEqual(cpu.x(0), 1)
    }

    func testBranchToMisalignedAddressIsAnAlignmentFault() throws {
        // adr x0, . ; add x0, x0, #2 ; br x0
        let (cpu, reason, _) = try runWords([0x10000000, 0x91000800, 0xd61f0000])
        XCTAssertEqual(reason, .pcAlignment(addr: 0x10002))
        XCTAssertEqual(cpu.pc, 0x10002)
    }

    func testFaultingLoadLeavesRegistersAlone() throws {
        // mov x1, #0x40 ; ldr x0, [x1]
        let (cpu, reason, _) = try runWords([0xd2800801, 0xf9400020]) { $0.setX(0, 7) }
        XCTAssertEqual(reason, .fault(addr: 0x40, write: false))
        XCTAssertEqual(cpu.pc, 0x10004)
        XCTAssertEqual(cpu.x(0), 7)
    }
}

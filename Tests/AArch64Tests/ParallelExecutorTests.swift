import Foundation
import GuestMemory
import XCTest
@testable import AArch64

/// Several executors over one address space, as guest threads are: atomics
/// must not lose updates when they run at the same time, and a store to
/// translated code must reach every executor's block cache.
final class ParallelExecutorTests: XCTestCase {
    static let code: UInt64 = 0x10000
    static let data: UInt64 = 0x80000

    /// An address space with `words` at `code` (read, write, execute) and a
    /// zeroed data page.
    func makeSpace(_ words: [UInt32]) throws -> AddressSpace {
        let mem = try AddressSpace(size: 1 << 32)
        mem.mapFixed(Self.code, 0x1000, prot: PROT_READ | PROT_WRITE | PROT_EXEC)
        words.withUnsafeBytes { mem.poke(Self.code, $0) }
        mem.mapFixed(Self.data, 0x1000, prot: PROT_READ | PROT_WRITE)
        return mem
    }

    /// Runs `count` executors from `pc`, each on its own host thread, with
    /// x1 = the data page; returns their exit reasons.
    func runParallel(_ mem: AddressSpace, pc: UInt64, count: Int) -> [ExitReason] {
        let cpus = (0..<count).map { _ -> CPU in
            let cpu = CPU()
            cpu.pc = pc
            cpu.setX(1, Self.data)
            return cpu
        }
        let executors = cpus.map { Executor(cpu: $0, mem: mem) }
        let results = Results(count)
        let group = DispatchGroup()
        for i in 0..<count {
            let t = Thread {
                results.set(i, executors[i].run())
                group.leave()
            }
            group.enter()
            t.start()
        }
        group.wait()
        return results.get()
    }

    /// Exit reasons written by the executors' threads.
    final class Results: @unchecked Sendable {
        private var reasons: [ExitReason]
        private let lock = NSLock()
        init(_ count: Int) { reasons = [ExitReason](repeating: .attention, count: count) }
        func set(_ i: Int, _ r: ExitReason) { lock.lock(); reasons[i] = r; lock.unlock() }
        func get() -> [ExitReason] { lock.lock(); defer { lock.unlock() }; return reasons }
    }

    // 100,000 x (ldxr x3, [x1]; add x3, x3, #1; stxr w4, x3, [x1]; cbnz w4, retry); svc #0
    static let exclusiveLoop: [UInt32] = [0xd290d402, 0xf2a00022, 0xc85f7c23, 0x91000463, 0xc8047c23,
                                          0x35ffffa4, 0xf1000442, 0x54ffff61, 0xd4000001]
    // x5 = 1; 100,000 x ldadd x5, x3, [x1]; svc #0
    static let lseLoop: [UInt32] = [0xd290d402, 0xf2a00022, 0xd2800025, 0xf8250023, 0xf1000442,
                                    0x54ffffc1, 0xd4000001]

    func testExclusivesLoseNoUpdateAcrossThreads() throws {
        let mem = try makeSpace(Self.exclusiveLoop)
        let reasons = runParallel(mem, pc: Self.code, count: 4)
        XCTAssertEqual(reasons, [ExitReason](repeating: .syscall, count: 4))
        XCTAssertEqual(mem.readU64(Self.data), 400_000)
    }

    func testLSEAddLosesNoUpdateAcrossThreads() throws {
        let mem = try makeSpace(Self.lseLoop)
        let reasons = runParallel(mem, pc: Self.code, count: 4)
        XCTAssertEqual(reasons, [ExitReason](repeating: .syscall, count: 4))
        XCTAssertEqual(mem.readU64(Self.data), 400_000)
    }

    /// CASPAL x2, x3, x4, x5: the pair at the lower address is x2 (first).
    func testCASPComparesAndStoresBothWords() throws {
        // mov x2, #5; mov x3, #6; mov x4, #7; mov x5, #8; caspal x2, x3, x4, x5, [x1]; svc #0
        let mem = try makeSpace([0xd28000a2, 0xd28000c3, 0xd28000e4, 0xd2800105, 0x4862fc24, 0xd4000001])
        mem.writeU64(Self.data, 5)
        mem.writeU64(Self.data + 8, 6)
        let cpu = CPU()
        cpu.pc = Self.code
        cpu.setX(1, Self.data)
        XCTAssertEqual(Executor(cpu: cpu, mem: mem).run(), .syscall)
        XCTAssertEqual(mem.readU64(Self.data), 7)
        XCTAssertEqual(mem.readU64(Self.data + 8), 8)
        XCTAssertEqual(cpu.x(2), 5)
        XCTAssertEqual(cpu.x(3), 6)
        // A second CASP finds 7, 8: no store, the old values come back.
        cpu.pc = Self.code
        XCTAssertEqual(Executor(cpu: cpu, mem: mem).run(), .syscall)
        XCTAssertEqual(mem.readU64(Self.data), 7)
        XCTAssertEqual(cpu.x(2), 7)
        XCTAssertEqual(cpu.x(3), 8)
    }

    func testMisalignedExclusiveIsAnAlignmentExit() throws {
        let mem = try makeSpace(Self.lseLoop)
        let cpu = CPU()
        cpu.pc = Self.code
        cpu.setX(1, Self.data + 4)
        XCTAssertEqual(Executor(cpu: cpu, mem: mem).run(), .alignment(addr: Self.data + 4, write: true))
        XCTAssertEqual(cpu.pc, Self.code + 12)
    }

    /// Executor A translates `mov x0, #1; svc`; executor B stores
    /// `mov x0, #2` over it; A, run again, must execute the new instruction.
    func testStoreToCodeFlushesEveryExecutor() throws {
        // A at code: mov x0, #1; svc #0. B at code + 0x100: str w5, [x1]; svc #0
        var words = [UInt32](repeating: 0, count: 0x42)
        words[0] = 0xd2800020
        words[1] = 0xd4000001
        words[0x40] = 0xb9000025
        words[0x41] = 0xd4000001
        let mem = try makeSpace(words)
        let a = CPU(), b = CPU()
        let execA = Executor(cpu: a, mem: mem), execB = Executor(cpu: b, mem: mem)
        a.pc = Self.code
        XCTAssertEqual(execA.run(), .syscall)
        XCTAssertEqual(a.x(0), 1)
        b.pc = Self.code + 0x100
        b.setX(1, Self.code)
        b.setX(5, 0xd2800040) // mov x0, #2
        XCTAssertEqual(execB.run(), .syscall)
        XCTAssertNotEqual(a.r[Slot.attention] & Executor.attentionFlush, 0)
        a.pc = Self.code
        XCTAssertEqual(execA.run(), .syscall)
        XCTAssertEqual(a.x(0), 2)
    }
}

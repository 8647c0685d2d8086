import XCTest
import Glibc
@testable import AArch64
import GuestMemory

/// Differential self-check of the specialised AdvSIMD ops: random encodings
/// from every group that `decodeSIMDFast` handles, with random register and
/// memory contents, run through the decoder and both executor cores and
/// compared with `executeFPSIMD` on the same state. Needs no oracle: the
/// full implementation is itself checked against qemu-aarch64 elsewhere.
final class SIMDFastDifferentialTests: XCTestCase {
    static let codeBase: UInt64 = 0x10_0000
    static let memBase: UInt64 = 0x40_0000
    static let memSize = 0x2000

    /// SplitMix64: deterministic, so a failure reproduces.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Encoding groups: (fixed bits mask, their value, loads/stores).
    static let groups: [(UInt32, UInt32, Bool)] = [
        (0xBF20_0000, 0x0C00_0000, true),  // LD1/ST1 (multiple structures)
        (0x9F20_0400, 0x0E20_0400, false), // three same
        (0x9F3E_0C00, 0x0E20_0800, false), // two-register misc
        (0x9F3E_0C00, 0x0E30_0800, false), // across lanes
        (0x9F20_0C00, 0x0E20_0000, false), // three different
        (0x9F80_0400, 0x0F00_0400, false), // shift by immediate
        (0x9FF8_0C00, 0x0F00_0400, false), // modified immediate
        (0x9FE0_8400, 0x0E00_0400, false), // copy
        (0xBFE0_8400, 0x2E00_0000, false), // EXT
        (0xBFE0_8C00, 0x0E00_0000, false), // TBL/TBX
        (0xBF20_8C00, 0x0E00_0800, false), // UZP/TRN/ZIP
        (0xFFFE_FC00, 0x9EAE_0000, false), // FMOV X <-> V.D[1]
        (0x9F20_FC00, 0x0E20_1C00, false), // three same, logical
        (0x9F3F_FC00, 0x0E20_5800, false), // NOT, CNT, RBIT
        (0x9F20_F400, 0x0E20_A400, false), // UMAXP, UMINP, SMAXP, SMINP
        (0x9F3E_EC00, 0x0E30_2800, false), // SADDLV, UADDLV
        (0x9F3E_FC00, 0x0E30_A800, false), // MAXV, MINV
    ]

    /// Register contents that make lanes compare equal, zero, negative or
    /// extreme often enough to matter.
    static func vectorWord(_ g: inout Rng) -> UInt64 {
        switch g.below(6) {
        case 0: return g.next()
        case 1: return [0, ~0, 0x8080_8080_8080_8080, 0x7F7F_7F7F_7F7F_7F7F, 0x0001_0001_0001_0001][g.below(5)]
        default:
            let picks: [UInt64] = [0, 1, 0x7F, 0x80, 0xFF, 0x41, 0x61]
            var w: UInt64 = 0
            for i in 0..<8 {
                let b = g.below(3) == 0 ? g.next() & 0xFF : picks[g.below(picks.count)]
                w |= b << UInt64(8 * i)
            }
            return w
        }
    }

    struct Case {
        var insn: UInt32
        var code: OpCode
        var mem: Bool
    }

    func testSpecialisedOpsMatchExecuteFPSIMD() throws {
        var g = Rng(state: 0x5EED_51AD)
        var cases: [Case] = []
        for (mask, value, isMem) in Self.groups {
            for _ in 0..<5000 {
                var insn = (UInt32(truncatingIfNeeded: g.next()) & ~mask) | value
                if g.below(4) == 0 && mask & 0x001F_0000 == 0 {
                    // Vm = Vn, which pairwise ops treat specially.
                    insn = (insn & ~0x001F_0000) | (((insn >> 5) & 31) << 16)
                }
                let op = Decoder.decode(insn, pc: 0)
                guard op.code != .fpsimd else { continue }
                cases.append(Case(insn: insn, code: op.code, mem: isMem))
            }
        }
        // Every specialised op must be exercised.
        let first = OpCode.simdLd1.rawValue, last = OpCode.simdShiftImm.rawValue
        var perCode: [OpCode: Int] = [:]
        for c in cases { perCode[c.code, default: 0] += 1 }
        for raw in first...last {
            let code = OpCode(rawValue: raw)!
            XCTAssertGreaterThanOrEqual(perCode[code, default: 0], 40, "too few cases for \(code)")
        }
        for c in cases {
            XCTAssert(c.code.rawValue >= first && c.code.rawValue <= last, "\(String(c.insn, radix: 16)) decoded to \(c.code)")
        }
        try run(cases, &g, core: .switchLoop)
        try run(cases, &g, core: .threaded)
    }

    func run(_ cases: [Case], _ g: inout Rng, core: Executor.Core) throws {
        let mem = try AddressSpace(size: 1 << 32)
        mem.mapFixed(Self.memBase, UInt64(Self.memSize), prot: PROT_READ | PROT_WRITE)
        let codeSize = UInt64((cases.count * 8 + 0xFFF) & ~0xFFF)
        mem.mapFixed(Self.codeBase, codeSize, prot: PROT_READ | PROT_EXEC)
        for (i, c) in cases.enumerated() {
            [c.insn, 0xD400_0001].withUnsafeBytes { mem.poke(Self.codeBase + UInt64(i * 8), $0) }
        }
        let cpu = CPU()
        let r = cpu.r
        let exec = Executor(cpu: cpu, mem: mem, core: core)
        let ref = UnsafeMutablePointer<UInt64>.allocate(capacity: Slot.count)
        defer { ref.deallocate() }
        let buf = mem.host(Self.memBase)
        var snapshot = [UInt8](repeating: 0, count: Self.memSize)
        var failures = 0
        for (i, c) in cases.enumerated() {
            for j in 0..<Slot.count where j != Slot.attention { r[j] = 0 }
            cpu.select(.max)
            for j in 0..<64 { r[Slot.v + j] = Self.vectorWord(&g) }
            for j in 0..<31 {
                if c.mem {
                    // Bases inside the buffer, now and then across its end;
                    // post-index registers small.
                    r[j] = g.below(16) == 0 ? Self.memBase + UInt64(Self.memSize - 8) : Self.memBase + UInt64(g.below(1024))
                } else {
                    r[j] = g.below(2) == 0 ? g.next() : Self.vectorWord(&g)
                }
            }
            r[Slot.sp] = Self.memBase + UInt64(g.below(1024))
            r[Slot.fpsr] = g.below(2) == 0 ? 0 : 0x0800_0010
            r[Slot.exclAddr] = ~0
            if c.mem {
                snapshot.withUnsafeMutableBytes { b in
                    for k in 0..<(Self.memSize / 8) { b.storeBytes(of: g.next(), toByteOffset: 8 * k, as: UInt64.self) }
                }
                snapshot.withUnsafeBytes { buf.copyMemory(from: $0.baseAddress!, byteCount: Self.memSize) }
            }

            // The full implementation on a copy of the state.
            ref.update(from: r, count: Slot.count)
            let pc = Self.codeBase + UInt64(i * 8)
            let want = executeFPSIMD(ref, mem, c.insn, pc: pc)
            var wantMem: [UInt8] = []
            if c.mem {
                wantMem = Array(UnsafeRawBufferPointer(start: buf, count: Self.memSize))
                snapshot.withUnsafeBytes { buf.copyMemory(from: $0.baseAddress!, byteCount: Self.memSize) }
            }

            cpu.pc = pc
            let reason = exec.run()
            var problems: [String] = []
            switch want {
            case .ok: if reason != .syscall { problems.append("exit \(reason), want a clean step") }
            case .undefined: if reason != .undefined(insn: c.insn) { problems.append("exit \(reason), want undefined") }
            case .fault(let addr, let write):
                if reason != .fault(addr: addr, write: write) { problems.append("exit \(reason), want fault at \(String(addr, radix: 16))") }
            }
            var slots = Array(0..<31) + [Slot.sp, Slot.fpsr]
            slots += (0..<64).map { Slot.v + $0 }
            for j in slots where r[j] != ref[j] {
                problems.append("slot \(j): want \(String(ref[j], radix: 16)) got \(String(r[j], radix: 16))")
            }
            if c.mem && Array(UnsafeRawBufferPointer(start: buf, count: Self.memSize)) != wantMem {
                problems.append("memory differs")
            }
            if !problems.isEmpty {
                failures += 1
                if failures <= 20 {
                    XCTFail("\(core) \(c.code) \(String(c.insn, radix: 16)): \(problems.prefix(4).joined(separator: "; "))")
                }
            }
        }
        XCTAssertEqual(failures, 0, "\(core): \(failures) of \(cases.count) cases differ")
    }
}

// MARK: - Branches, exception generating and system instructions

/// System register ids as MRS/MSR encode them: o0:op1:CRn:CRm:op2 (bits 19:5).
public enum SysReg {
    @inline(__always) static func id(_ op0: Int, _ op1: Int, _ crn: Int, _ crm: Int, _ op2: Int) -> Int {
        ((op0 & 1) << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2
    }
    public static let nzcv = id(3, 3, 4, 2, 0)
    public static let fpcr = id(3, 3, 4, 4, 0)
    public static let fpsr = id(3, 3, 4, 4, 1)
    public static let tpidrEL0 = id(3, 3, 13, 0, 2)
    public static let tpidrroEL0 = id(3, 3, 13, 0, 3)
    public static let ctrEL0 = id(3, 3, 0, 0, 1)
    public static let dczidEL0 = id(3, 3, 0, 0, 7)
    public static let cntfrqEL0 = id(3, 3, 14, 0, 0)
    public static let cntvctEL0 = id(3, 3, 14, 0, 2)
    public static let cntpctEL0 = id(3, 3, 14, 0, 1)
}

extension Decoder {
    static func decodeBranchSystem(_ insn: UInt32, pc: UInt64) -> Op {
        let next = pc &+ 4
        // B, BL
        if insn & 0x7C00_0000 == 0x1400_0000 {
            let target = pc &+ UInt64(bitPattern: signExtend(bits(insn, 25, 0), 26) << 2)
            if bit(insn, 31) == 1 { return Op(.bl, rd: 30, imm: target, imm2: next) }
            return Op(.b, imm: target, imm2: next)
        }
        // CBZ, CBNZ
        if insn & 0x7E00_0000 == 0x3400_0000 {
            let target = pc &+ UInt64(bitPattern: signExtend(bits(insn, 23, 5), 19) << 2)
            let sf = bit(insn, 31) == 1, nz = bit(insn, 24) == 1
            let code: OpCode = nz ? (sf ? .cbnz64 : .cbnz32) : (sf ? .cbz64 : .cbz32)
            return Op(code, rn: zr(bits(insn, 4, 0)), imm: target, imm2: next)
        }
        // TBZ, TBNZ
        if insn & 0x7E00_0000 == 0x3600_0000 {
            let target = pc &+ UInt64(bitPattern: signExtend(bits(insn, 18, 5), 14) << 2)
            let b = (bit(insn, 31) << 5) | bits(insn, 23, 19)
            return Op(bit(insn, 24) == 1 ? .tbnz : .tbz, rn: zr(bits(insn, 4, 0)), s1: b, imm: target, imm2: next)
        }
        // B.cond (BC.cond needs FEAT_HBC, which is not implemented)
        if insn & 0xFF00_0010 == 0x5400_0000 {
            let target = pc &+ UInt64(bitPattern: signExtend(bits(insn, 23, 5), 19) << 2)
            return Op(.bcond, s1: bits(insn, 3, 0), imm: target, imm2: next)
        }
        // BR, BLR, RET (without pointer authentication)
        if insn & 0xFE1F_FC1F == 0xD61F_0000 {
            let rn = zr(bits(insn, 9, 5))
            switch bits(insn, 24, 21) {
            case 0: return Op(.br, rn: rn, imm2: ~0)
            case 1: return Op(.blr, rd: 30, rn: rn, imm: next, imm2: ~0)
            case 2: return Op(.ret, rn: rn, imm2: ~0)
            default: return Op(.undefined)
            }
        }
        // Exception generation
        if insn & 0xFF00_0000 == 0xD400_0000 {
            let imm16 = UInt64(bits(insn, 20, 5))
            switch (bits(insn, 23, 21), bits(insn, 4, 0)) {
            case (0, 1): return Op(.svc, imm: imm16, imm2: next)
            case (1, 0): return Op(.brk, imm: imm16)
            default: return Op(.undefined)
            }
        }
        if insn & 0xFFC0_0000 == 0xD500_0000 { return decodeSystem(insn) }
        return Op(.undefined)
    }

    static func decodeSystem(_ insn: UInt32) -> Op {
        let rt = bits(insn, 4, 0)
        // Hints: NOP, YIELD, WFE, SEV, BTI, PACIASP/AUTIASP (NOPs without PAC), ...
        if insn & 0xFFFF_F01F == 0xD503_201F { return Op(.nop) }
        // Barriers and CLREX
        if insn & 0xFFFF_F01F == 0xD503_301F {
            switch bits(insn, 7, 5) {
            case 0b010: return Op(.clrex)
            // DSB and DMB ordering stores before loads need a host fence
            // (x86 keeps every other order); the LD and ST forms and ISB
            // need nothing. ISB is a context synchronisation point: new code
            // written before it must be what runs after it.
            case 0b100, 0b101: return bits(insn, 9, 8) == 0b11 ? Op(.barrier) : Op(.nop)
            case 0b110: return Op(.isb)
            case 0b111 where bits(insn, 11, 8) == 0: return Op(.nop) // SB (FEAT_SB)
            default: return Op(.undefined)
            }
        }
        // CFINV, XAFLAG, AXFLAG (FEAT_FlagM, FEAT_FlagM2)
        switch insn {
        case 0xD500_401F: return Op(.flagm, s1: Int(FlagMOp.cfinv))
        case 0xD500_403F: return Op(.flagm, s1: Int(FlagMOp.xaflag))
        case 0xD500_405F: return Op(.flagm, s1: Int(FlagMOp.axflag))
        default: break
        }
        // MSR (immediate) to PSTATE: none of the other EL0-writable fields are implemented.
        if insn & 0xFFF8_F01F == 0xD500_401F { return Op(.undefined) }
        let l = bit(insn, 21)
        let op0 = bits(insn, 20, 19), op1 = bits(insn, 18, 16)
        let crn = bits(insn, 15, 12), crm = bits(insn, 11, 8), op2 = bits(insn, 7, 5)
        if op0 == 1 {
            // SYS: cache maintenance that EL0 may issue.
            guard l == 0, op1 == 3, crn == 7 else { return Op(.undefined) }
            switch (crm, op2) {
            case (4, 1): return Op(.dczva, rn: zr(rt)) // DC ZVA
            case (5, 1), (10, 1), (11, 1), (12, 1), (13, 1), (14, 1): return Op(.nop) // IC IVAU, DC C*VA*
            default: return Op(.undefined)
            }
        }
        if op0 >= 2 {
            let id = SysReg.id(op0, op1, crn, crm, op2)
            if l == 1 { return Op(.mrs, rd: wz(rt), imm: UInt64(id)) }
            return Op(.msr, rn: zr(rt), imm: UInt64(id))
        }
        return Op(.undefined)
    }
}

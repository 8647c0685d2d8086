// MARK: - AdvSIMD: specialised ops for the hot integer forms
//
// The AdvSIMD instructions that string and memory functions and compiled
// loops execute most get their own ops, decoded once: register numbers,
// lane sizes, element positions and immediates are worked out here, and the
// semantics (SIMDFastSemantics.swift) work on the two 64-bit halves of a
// register at a time. None of these forms touches FPSR (the saturating
// ones are left to `executeFPSIMD`), so they need no run-time fallback.
//
// Common fields: V registers are numbers 0-31 in `rd`/`rn`/`rm`; `imm2` is
// the mask of the upper half of the result (all ones for 128-bit forms, 0
// for 64-bit forms, which clear it) unless a case says otherwise.

extension Decoder {
    /// A specialised op for a hot AdvSIMD encoding, or `.fpsimd`.
    static func decodeSIMDFast(_ insn: UInt32) -> Op {
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5), rm = bits(insn, 20, 16)
        let q = bit(insn, 30) == 1
        let hiMask: UInt64 = q ? ~0 : 0
        let u = bit(insn, 29) == 1
        let size = bits(insn, 23, 22)

        // LD1/ST1 (multiple structures), 1-4 registers, optional post-index.
        if insn & 0xBF20_0000 == 0x0C00_0000 {
            let post = bit(insn, 23) == 1
            let count: Int
            switch bits(insn, 15, 12) {
            case 0x7: count = 1
            case 0xA: count = 2
            case 0x6: count = 3
            case 0x2: count = 4
            default: return Op(.fpsimd)
            }
            if !post && rm != 0 { return Op(.fpsimd) }
            let total = count * (q ? 16 : 8)
            // Writeback: rn += imm + r[rm] (both zero without post-index).
            let incReg = post && rm != 31 ? rm : Slot.xzr
            let incImm: UInt64 = post && rm == 31 ? UInt64(total) : 0
            return Op(bit(insn, 22) == 1 ? .simdLd1 : .simdSt1, rd: rd, rn: spr(rn), rm: incReg, ra: total,
                      s1: count, s2: q ? 1 : 0, imm: incImm)
        }
        // FMOV Xd, Vn.D[1] and FMOV Vd.D[1], Xn
        if insn & 0xFFFE_FC00 == 0x9EAE_0000 {
            if bit(insn, 16) == 0 {
                return Op(.simdUmov, rd: wz(rd), rn: rn, ra: 1, s2: 0, imm: ~0)
            }
            return Op(.simdInsGen, rd: rd, rn: zr(rn), ra: 1, s2: 0, imm: ~0)
        }
        // Everything below is AdvSIMD vector data processing (bit 28 clear).
        guard insn & 0x9E00_0000 == 0x0E00_0000 else { return Op(.fpsimd) }

        // Three same (integer and logical)
        if insn & 0x9F20_0400 == 0x0E20_0400 {
            let opcode = bits(insn, 15, 11)
            if opcode == 3 {
                let code: OpCode
                switch (u, size) {
                case (false, 0): code = .simdAnd
                case (false, 1): code = .simdBic
                case (false, 2): code = .simdOrr
                case (false, _): code = .simdOrn
                case (true, 0): code = .simdEor
                case (true, 1): code = .simdBsl
                case (true, 2): code = .simdBit
                case (true, _): code = .simdBif
                }
                return Op(code, rd: rd, rn: rn, rm: rm, imm2: hiMask)
            }
            if size == 3 && !q { return Op(.fpsimd) }
            let laneBits = 8 << size
            let code: OpCode
            switch (opcode, u) {
            case (0x10, false): code = .simdAdd
            case (0x10, true): code = .simdSub
            case (0x11, false): code = .simdCmtst
            case (0x11, true): code = .simdCmeq
            case (0x06, false): code = .simdCmgt
            case (0x06, true): code = .simdCmhi
            case (0x07, false): code = .simdCmge
            case (0x07, true): code = .simdCmhs
            case (0x0C, false) where size < 3: code = .simdSmax
            case (0x0C, true) where size < 3: code = .simdUmax
            case (0x0D, false) where size < 3: code = .simdSmin
            case (0x0D, true) where size < 3: code = .simdUmin
            case (0x14, true) where size == 0: code = .simdUmaxpB
            case (0x15, true) where size == 0: code = .simdUminpB
            case (0x17, false): code = .simdAddp
            default: return Op(.fpsimd)
            }
            return Op(code, rd: rd, rn: rn, rm: rm, s1: rn == rm ? 1 : 0, s2: laneBits, imm: laneHigh(laneBits), imm2: hiMask)
        }

        // Two-register miscellaneous
        if insn & 0x9F3E_0C00 == 0x0E20_0800 {
            let opcode = bits(insn, 16, 12)
            let laneBits = 8 << size
            switch (opcode, u) {
            case (0x05, true) where size == 0: return Op(.simdNot, rd: rd, rn: rn, imm2: hiMask)
            case (0x05, false) where size == 0: return Op(.simdCnt, rd: rd, rn: rn, imm2: hiMask)
            case (0x00, _), (0x01, false):
                // REV64 / REV32 / REV16: s1 = element bits, s2 = container bits.
                let container = opcode == 1 ? 16 : (u ? 32 : 64)
                if laneBits >= container { return Op(.fpsimd) }
                return Op(.simdRev, rd: rd, rn: rn, s1: laneBits, s2: container, imm2: hiMask)
            case (0x12, false) where size < 3:
                // XTN / XTN2: a narrowing shift by zero.
                return Op(.simdShrn, rd: rd, rn: rn, ra: q ? 1 : 0, s1: 0, s2: laneBits)
            default: break
            }
            if size == 3 && !q { return Op(.fpsimd) }
            let code: OpCode
            switch (opcode, u) {
            case (0x08, false): code = .simdCmgtz
            case (0x08, true): code = .simdCmgez
            case (0x09, false): code = .simdCmeqz
            case (0x09, true): code = .simdCmlez
            case (0x0A, false): code = .simdCmltz
            default: return Op(.fpsimd)
            }
            return Op(code, rd: rd, rn: rn, s2: laneBits, imm: laneHigh(laneBits), imm2: hiMask)
        }

        // Across lanes: ADDV, UADDLV, UMAXV, UMINV
        if insn & 0x9F3E_0C00 == 0x0E30_0800 {
            if size == 3 || (size == 2 && !q) { return Op(.fpsimd) }
            let laneBits = 8 << size
            let code: OpCode
            switch (bits(insn, 16, 12), u) {
            case (0x1B, false): code = .simdAddv
            case (0x03, true): code = .simdUaddlv
            case (0x0A, true): code = .simdUmaxv
            case (0x1A, true): code = .simdUminv
            default: return Op(.fpsimd)
            }
            return Op(code, rd: rd, rn: rn, s2: laneBits, imm2: hiMask)
        }

        // Three different (widening and narrowing): the group's own code,
        // without the top-level decode.
        if insn & 0x9F20_0C00 == 0x0E20_0000 {
            return Op(.simdThreeDiff)
        }

        // Shift by immediate
        if insn & 0x9F80_0400 == 0x0F00_0400 && bits(insn, 22, 19) != 0 {
            let immh = bits(insn, 22, 19), immhb = bits(insn, 22, 16)
            let esizeLog = 63 - UInt64(immh).leadingZeroBitCount
            let laneBits = 8 << esizeLog
            let opcode = bits(insn, 15, 11)
            if opcode == 0x10 && !u {
                // SHRN / SHRN2
                if esizeLog == 3 { return Op(.fpsimd) }
                return Op(.simdShrn, rd: rd, rn: rn, ra: q ? 1 : 0, s1: 2 * laneBits - immhb, s2: laneBits)
            }
            if opcode == 0x14 {
                // SSHLL / USHLL (SXTL / UXTL): the group's own code.
                return esizeLog == 3 ? Op(.fpsimd) : Op(.simdShiftImm)
            }
            if esizeLog == 3 && !q { return Op(.fpsimd) }
            let rsh = 2 * laneBits - immhb, lsh = immhb - laneBits
            switch (opcode, u) {
            // imm = the bits of each lane that survive the shift.
            case (0x00, true):
                let keep = rsh >= laneBits ? 0 : (emask(laneBits) >> UInt64(rsh)) &* laneOnes(laneBits)
                return Op(.simdUshr, rd: rd, rn: rn, s1: rsh, s2: laneBits, imm: keep, imm2: hiMask)
            case (0x00, false):
                let keep = rsh >= laneBits ? 0 : (emask(laneBits) >> UInt64(rsh)) &* laneOnes(laneBits)
                return Op(.simdSshr, rd: rd, rn: rn, s1: rsh, s2: laneBits, imm: keep, imm2: hiMask)
            case (0x0A, false):
                let keep = ((emask(laneBits) << UInt64(lsh)) & emask(laneBits)) &* laneOnes(laneBits)
                return Op(.simdShl, rd: rd, rn: rn, s1: lsh, s2: laneBits, imm: keep, imm2: hiMask)
            default:
                return Op(.fpsimd)
            }
        }

        // Modified immediate: MOVI, MVNI, ORR, BIC, FMOV (vector)
        if insn & 0x9FF8_0C00 == 0x0F00_0400 {
            return modifiedImmediate(insn, rd: rd, q: q)
        }

        // Copy: DUP, INS, UMOV, SMOV
        if insn & 0x9FE0_8400 == 0x0E00_0400 {
            let imm5 = bits(insn, 20, 16), imm4 = bits(insn, 14, 11)
            if imm5 & 0xF == 0 { return Op(.fpsimd) }
            let esize = imm5.trailingZeroBitCount
            let laneBits = 8 << esize
            let index = imm5 >> (esize + 1)
            let off = index * laneBits
            let mask = emask(laneBits)
            if u {
                // INS (element): ra/s2 = destination word/shift, rm/s1 = source word/shift.
                if !q { return Op(.fpsimd) }
                let srcOff = (bits(insn, 14, 11) >> esize) * laneBits
                return Op(.simdInsElem, rd: rd, rn: rn, rm: srcOff >> 6, ra: off >> 6, s1: srcOff & 63, s2: off & 63, imm: mask)
            }
            switch imm4 {
            case 0:
                if esize == 3 && !q { return Op(.fpsimd) }
                return Op(.simdDupElem, rd: rd, rn: rn, ra: off >> 6, s1: q ? 1 : 0, s2: off & 63, imm: mask,
                          imm2: laneOnes(laneBits))
            case 1:
                if esize == 3 && !q { return Op(.fpsimd) }
                return Op(.simdDupGen, rd: rd, rn: zr(rn), s1: q ? 1 : 0, imm: mask, imm2: laneOnes(laneBits))
            case 3:
                if !q { return Op(.fpsimd) }
                return Op(.simdInsGen, rd: rd, rn: zr(rn), ra: off >> 6, s2: off & 63, imm: mask)
            case 5:
                // SMOV: s1 = element bits; imm = mask of the destination width.
                if esize > (q ? 2 : 1) { return Op(.fpsimd) }
                return Op(.simdSmov, rd: wz(rd), rn: rn, ra: off >> 6, s1: laneBits, s2: off & 63,
                          imm: q ? ~0 : 0xFFFF_FFFF)
            case 7:
                if q ? esize != 3 : esize > 2 { return Op(.fpsimd) }
                return Op(.simdUmov, rd: wz(rd), rn: rn, ra: off >> 6, s2: off & 63, imm: mask)
            default:
                return Op(.fpsimd)
            }
        }

        // EXT
        if insn & 0xBFE0_8400 == 0x2E00_0000 {
            let imm4 = bits(insn, 14, 11)
            if !q && imm4 >= 8 { return Op(.fpsimd) }
            return Op(.simdExt, rd: rd, rn: rn, rm: rm, s1: imm4, s2: q ? 1 : 0)
        }
        // TBL / TBX: s1 = table registers, s2 = 1 for TBX.
        if insn & 0xBFE0_8C00 == 0x0E00_0000 {
            return Op(.simdTbl, rd: rd, rn: rn, rm: rm, s1: bits(insn, 14, 13) + 1, s2: bit(insn, 12), imm2: hiMask)
        }
        // UZP, TRN, ZIP: the group's own code.
        if insn & 0xBF20_8C00 == 0x0E00_0800 {
            return Op(.simdPermute)
        }
        return Op(.fpsimd)
    }

    /// MOVI, MVNI, ORR and BIC (vector, immediate) and FMOV (vector,
    /// immediate), with the immediate expanded here: imm = the 64-bit
    /// pattern; for ORR/BIC, imm2 = the upper-half mask.
    static func modifiedImmediate(_ insn: UInt32, rd: Int, q: Bool) -> Op {
        let imm8 = UInt64(bits(insn, 18, 16) << 5 | bits(insn, 9, 5))
        guard let (imm, kind) = advSIMDExpandImm(op: UInt32(bit(insn, 29)), cmode: UInt32(bits(insn, 15, 12)),
                                                 imm8: imm8, q: q) else { return Op(.fpsimd) }
        switch kind {
        case .move: return Op(.simdMovi, rd: rd, imm: imm, imm2: q ? imm : 0)
        case .orr: return Op(.simdOrrImm, rd: rd, imm: imm, imm2: q ? ~0 : 0)
        case .bic: return Op(.simdBicImm, rd: rd, imm: imm, imm2: q ? ~0 : 0)
        }
    }
}

// MARK: - Data processing -- immediate

extension Decoder {
    static func decodeDataProcessingImmediate(_ insn: UInt32, pc: UInt64) -> Op {
        let sf = bit(insn, 31)
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5)
        switch bits(insn, 25, 23) {
        case 0b000, 0b001:
            // ADR / ADRP
            let immlo = bits(insn, 30, 29), immhi = bits(insn, 23, 5)
            let imm = signExtend((immhi << 2) | immlo, 21)
            if bit(insn, 31) == 1 {
                let v = (pc & ~0xFFF) &+ UInt64(bitPattern: imm << 12)
                return Op(.movImm, rd: wz(rd), imm: v)
            }
            return Op(.movImm, rd: wz(rd), imm: pc &+ UInt64(bitPattern: imm))
        case 0b010:
            return addSubImmediate(insn, sf: sf, rd: rd, rn: rn)
        case 0b100:
            return logicalImmediate(insn, sf: sf, rd: rd, rn: rn)
        case 0b101:
            return moveWide(insn, sf: sf, rd: rd)
        case 0b110:
            return bitfield(insn, sf: sf, rd: rd, rn: rn)
        case 0b111:
            // EXTR
            if bits(insn, 30, 29) != 0 || bit(insn, 21) != 0 || bit(insn, 22) != sf { return Op(.undefined) }
            let imms = bits(insn, 15, 10)
            if sf == 0 && imms >= 32 { return Op(.undefined) }
            return Op(sf == 1 ? .extr64 : .extr32, rd: wz(rd), rn: zr(rn), rm: zr(bits(insn, 20, 16)), s1: imms)
        default:
            return Op(.undefined)
        }
    }

    /// ADD, ADDS, SUB, SUBS (immediate), including MOV to/from SP and CMP/CMN.
    static func addSubImmediate(_ insn: UInt32, sf: Int, rd: Int, rn: Int) -> Op {
        let op = bit(insn, 30), s = bit(insn, 29)
        var imm = UInt64(bits(insn, 21, 10))
        if bit(insn, 22) == 1 { imm <<= 12 }
        let code: OpCode
        switch (sf, op, s) {
        case (1, 0, 0): code = .addImm64
        case (0, 0, 0): code = .addImm32
        case (1, 1, 0): code = .subImm64
        case (0, 1, 0): code = .subImm32
        case (1, 0, 1): code = .addsImm64
        case (0, 0, 1): code = .addsImm32
        case (1, 1, 1): code = .subsImm64
        default: code = .subsImm32
        }
        // The flag-setting forms write the zero register, not SP.
        return Op(code, rd: s == 1 ? wz(rd) : spr(rd), rn: spr(rn), imm: imm)
    }

    /// AND, ORR, EOR, ANDS (immediate).
    static func logicalImmediate(_ insn: UInt32, sf: Int, rd: Int, rn: Int) -> Op {
        let n = bit(insn, 22)
        if sf == 0 && n == 1 { return Op(.undefined) }
        guard let (wmask, _) = decodeBitMasks(n: n, imms: bits(insn, 15, 10), immr: bits(insn, 21, 16),
                                              immediate: true, dataSize: sf == 1 ? 64 : 32) else {
            return Op(.undefined)
        }
        switch bits(insn, 30, 29) {
        case 0: return Op(sf == 1 ? .andImm64 : .andImm32, rd: spr(rd), rn: zr(rn), imm: wmask)
        case 1:
            if rn == 31 { return Op(.movImm, rd: spr(rd), imm: wmask) } // MOV (bitmask immediate)
            return Op(sf == 1 ? .orrImm64 : .orrImm32, rd: spr(rd), rn: zr(rn), imm: wmask)
        case 2: return Op(sf == 1 ? .eorImm64 : .eorImm32, rd: spr(rd), rn: zr(rn), imm: wmask)
        default: return Op(sf == 1 ? .andsImm64 : .andsImm32, rd: wz(rd), rn: zr(rn), imm: wmask)
        }
    }

    /// MOVN, MOVZ, MOVK.
    static func moveWide(_ insn: UInt32, sf: Int, rd: Int) -> Op {
        let hw = bits(insn, 22, 21)
        if sf == 0 && hw >= 2 { return Op(.undefined) }
        let shift = UInt64(hw * 16)
        let imm = UInt64(bits(insn, 20, 5)) << shift
        switch bits(insn, 30, 29) {
        case 0b00: // MOVN
            let v = sf == 1 ? ~imm : (~imm & 0xFFFF_FFFF)
            return Op(.movImm, rd: wz(rd), imm: v)
        case 0b10: return Op(.movImm, rd: wz(rd), imm: imm)
        case 0b11: return Op(sf == 1 ? .movk64 : .movk32, rd: wz(rd), rn: zr(rd), imm: imm, imm2: 0xFFFF << shift)
        default: return Op(.undefined)
        }
    }

    /// SBFM, BFM, UBFM and their aliases (LSL, LSR, ASR, [SU]BFX, [SU]BFIZ, [SU]XT[BHW]).
    static func bitfield(_ insn: UInt32, sf: Int, rd: Int, rn: Int) -> Op {
        let opc = bits(insn, 30, 29), n = bit(insn, 22)
        let immr = bits(insn, 21, 16), imms = bits(insn, 15, 10)
        if opc == 3 || n != sf { return Op(.undefined) }
        if sf == 0 && (immr >= 32 || imms >= 32) { return Op(.undefined) }
        let size = sf == 1 ? 64 : 32
        guard let (wmask, tmask) = decodeBitMasks(n: n, imms: imms, immr: immr, immediate: false, dataSize: size) else {
            return Op(.undefined)
        }
        // Shift aliases get dedicated ops.
        if opc == 2 && imms + 1 == immr {
            return Op(sf == 1 ? .lslImm64 : .lslImm32, rd: wz(rd), rn: zr(rn), s1: size - 1 - imms)
        }
        if opc == 2 && imms == size - 1 {
            return Op(sf == 1 ? .lsrImm64 : .lsrImm32, rd: wz(rd), rn: zr(rn), s1: immr)
        }
        if opc == 0 && imms == size - 1 {
            return Op(sf == 1 ? .asrImm64 : .asrImm32, rd: wz(rd), rn: zr(rn), s1: immr)
        }
        let code: OpCode
        switch opc {
        case 0: code = sf == 1 ? .sbfm64 : .sbfm32
        case 1: code = sf == 1 ? .bfm64 : .bfm32
        default: code = sf == 1 ? .ubfm64 : .ubfm32
        }
        return Op(code, rd: wz(rd), rn: zr(rn), rm: zr(rd), s1: immr, s2: imms, imm: wmask, imm2: tmask)
    }
}

// MARK: - Data processing -- register

extension Decoder {
    static func decodeDataProcessingRegister(_ insn: UInt32) -> Op {
        let sf = bit(insn, 31)
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5), rm = bits(insn, 20, 16)
        if bit(insn, 28) == 0 {
            if bit(insn, 24) == 0 { return logicalShifted(insn, sf: sf, rd: rd, rn: rn, rm: rm) }
            if bit(insn, 21) == 0 { return addSubShifted(insn, sf: sf, rd: rd, rn: rn, rm: rm) }
            return addSubExtended(insn, sf: sf, rd: rd, rn: rn, rm: rm)
        }
        switch bits(insn, 24, 21) {
        case 0b0000:
            if bits(insn, 15, 10) != 0 { return flagManipulation(insn, rn: rn) }
            // ADC, ADCS, SBC, SBCS
            let code: OpCode
            switch (bit(insn, 30), bit(insn, 29)) {
            case (0, 0): code = sf == 1 ? .adc64 : .adc32
            case (0, 1): code = sf == 1 ? .adcs64 : .adcs32
            case (1, 0): code = sf == 1 ? .sbc64 : .sbc32
            default: code = sf == 1 ? .sbcs64 : .sbcs32
            }
            return Op(code, rd: wz(rd), rn: zr(rn), rm: zr(rm))
        case 0b0010:
            // CCMN, CCMP (register and immediate)
            if bit(insn, 29) != 1 || bit(insn, 10) != 0 || bit(insn, 4) != 0 { return Op(.undefined) }
            let cond = bits(insn, 15, 12), nzcv = bits(insn, 3, 0)
            let isImm = bit(insn, 11) == 1, isCmp = bit(insn, 30) == 1
            let code: OpCode
            switch (isImm, isCmp, sf) {
            case (false, true, 1): code = .ccmp64
            case (false, true, 0): code = .ccmp32
            case (false, false, 1): code = .ccmn64
            case (false, false, 0): code = .ccmn32
            case (true, true, 1): code = .ccmpImm64
            case (true, true, 0): code = .ccmpImm32
            case (true, false, 1): code = .ccmnImm64
            default: code = .ccmnImm32
            }
            return Op(code, rn: zr(rn), rm: zr(rm), s1: cond, s2: nzcv, imm: UInt64(rm))
        case 0b0100:
            // CSEL, CSINC, CSINV, CSNEG
            if bit(insn, 29) != 0 || bit(insn, 11) != 0 { return Op(.undefined) }
            let code: OpCode
            switch (bit(insn, 30), bit(insn, 10)) {
            case (0, 0): code = sf == 1 ? .csel64 : .csel32
            case (0, 1): code = sf == 1 ? .csinc64 : .csinc32
            case (1, 0): code = sf == 1 ? .csinv64 : .csinv32
            default: code = sf == 1 ? .csneg64 : .csneg32
            }
            return Op(code, rd: wz(rd), rn: zr(rn), rm: zr(rm), s1: bits(insn, 15, 12))
        case 0b0110:
            if bit(insn, 30) == 0 { return dataProcessing2(insn, sf: sf, rd: rd, rn: rn, rm: rm) }
            return dataProcessing1(insn, sf: sf, rd: rd, rn: rn)
        default:
            if bit(insn, 24) == 1 { return dataProcessing3(insn, sf: sf, rd: rd, rn: rn, rm: rm) }
            return Op(.undefined)
        }
    }

    /// AND, BIC, ORR, ORN, EOR, EON, ANDS, BICS (shifted register).
    static func logicalShifted(_ insn: UInt32, sf: Int, rd: Int, rn: Int, rm: Int) -> Op {
        let shift = bits(insn, 23, 22), amount = bits(insn, 15, 10)
        if sf == 0 && amount >= 32 { return Op(.undefined) }
        let invert: UInt64 = bit(insn, 21) == 1 ? ~0 : 0
        let opc = bits(insn, 30, 29)
        if opc == 1 && rn == 31 && invert == 0 && amount == 0 {
            return Op(sf == 1 ? .movReg64 : .movReg32, rd: wz(rd), rn: zr(rm))
        }
        let code: OpCode
        switch opc {
        case 0: code = sf == 1 ? .andReg64 : .andReg32
        case 1: code = sf == 1 ? .orrReg64 : .orrReg32
        case 2: code = sf == 1 ? .eorReg64 : .eorReg32
        default: code = sf == 1 ? .andsReg64 : .andsReg32
        }
        return Op(OpCode(rawValue: code.rawValue + UInt16(shift))!, rd: wz(rd), rn: zr(rn), rm: zr(rm), s2: amount, imm2: invert)
    }

    /// ADD, ADDS, SUB, SUBS (shifted register), with CMP/CMN/NEG aliases.
    static func addSubShifted(_ insn: UInt32, sf: Int, rd: Int, rn: Int, rm: Int) -> Op {
        let shift = bits(insn, 23, 22), amount = bits(insn, 15, 10)
        if shift == 3 || (sf == 0 && amount >= 32) { return Op(.undefined) }
        let sub = bit(insn, 30) == 1, s = bit(insn, 29) == 1
        let plain = amount == 0
        let code: OpCode
        switch (sub, s, sf == 1, plain) {
        case (false, false, true, true): code = .addReg64
        case (false, false, false, true): code = .addReg32
        case (true, false, true, true): code = .subReg64
        case (true, false, false, true): code = .subReg32
        case (false, true, true, true): code = .addsReg64
        case (false, true, false, true): code = .addsReg32
        case (true, true, true, true): code = .subsReg64
        case (true, true, false, true): code = .subsReg32
        case (false, false, true, false): code = .addShift64
        case (false, false, false, false): code = .addShift32
        case (true, false, true, false): code = .subShift64
        case (true, false, false, false): code = .subShift32
        case (false, true, true, false): code = .addsShift64
        case (false, true, false, false): code = .addsShift32
        case (true, true, true, false): code = .subsShift64
        case (true, true, false, false): code = .subsShift32
        }
        let specialised = plain ? code : OpCode(rawValue: code.rawValue + UInt16(shift))!
        return Op(specialised, rd: wz(rd), rn: zr(rn), rm: zr(rm), s2: amount)
    }

    /// ADD, ADDS, SUB, SUBS (extended register).
    static func addSubExtended(_ insn: UInt32, sf: Int, rd: Int, rn: Int, rm: Int) -> Op {
        let amount = bits(insn, 12, 10)
        if bits(insn, 23, 22) != 0 || amount > 4 { return Op(.undefined) }
        let sub = bit(insn, 30) == 1, s = bit(insn, 29) == 1
        let code: OpCode
        switch (sub, s, sf == 1) {
        case (false, false, true): code = .addExt64
        case (false, false, false): code = .addExt32
        case (true, false, true): code = .subExt64
        case (true, false, false): code = .subExt32
        case (false, true, true): code = .addsExt64
        case (false, true, false): code = .addsExt32
        case (true, true, true): code = .subsExt64
        case (true, true, false): code = .subsExt32
        }
        return Op(code, rd: s ? wz(rd) : spr(rd), rn: spr(rn), rm: zr(rm), s1: bits(insn, 15, 13), s2: amount)
    }

    /// UDIV, SDIV, LSLV, LSRV, ASRV, RORV, CRC32*.
    static func dataProcessing2(_ insn: UInt32, sf: Int, rd: Int, rn: Int, rm: Int) -> Op {
        if bit(insn, 29) != 0 { return Op(.undefined) }
        let opcode = bits(insn, 15, 10)
        let code: OpCode
        switch opcode {
        case 0b000010: code = sf == 1 ? .udiv64 : .udiv32
        case 0b000011: code = sf == 1 ? .sdiv64 : .sdiv32
        case 0b001000: code = sf == 1 ? .lslv64 : .lslv32
        case 0b001001: code = sf == 1 ? .lsrv64 : .lsrv32
        case 0b001010: code = sf == 1 ? .asrv64 : .asrv32
        case 0b001011: code = sf == 1 ? .rorv64 : .rorv32
        case 0b010000...0b010111:
            let size = opcode & 3
            if (size == 3) != (sf == 1) { return Op(.undefined) }
            return Op(.crc32, rd: wz(rd), rn: zr(rn), rm: zr(rm), s1: size, s2: (opcode >> 2) & 1)
        default: return Op(.undefined)
        }
        return Op(code, rd: wz(rd), rn: zr(rn), rm: zr(rm))
    }

    /// RBIT, REV16, REV32, REV, CLZ, CLS.
    static func dataProcessing1(_ insn: UInt32, sf: Int, rd: Int, rn: Int) -> Op {
        if bit(insn, 29) != 0 || bits(insn, 20, 16) != 0 { return Op(.undefined) }
        let code: OpCode
        switch (bits(insn, 15, 10), sf) {
        case (0, 1): code = .rbit64
        case (0, 0): code = .rbit32
        case (1, 1): code = .rev16_64
        case (1, 0): code = .rev16_32
        case (2, 1): code = .rev32_64
        case (2, 0): code = .rev32
        case (3, 1): code = .rev64
        case (4, 1): code = .clz64
        case (4, 0): code = .clz32
        case (5, 1): code = .cls64
        case (5, 0): code = .cls32
        default: return Op(.undefined)
        }
        return Op(code, rd: wz(rd), rn: zr(rn))
    }

    /// MADD, MSUB, SMADDL, SMSUBL, SMULH, UMADDL, UMSUBL, UMULH.
    static func dataProcessing3(_ insn: UInt32, sf: Int, rd: Int, rn: Int, rm: Int) -> Op {
        if bits(insn, 30, 29) != 0 { return Op(.undefined) }
        let ra = bits(insn, 14, 10), o0 = bit(insn, 15)
        let code: OpCode
        switch (bits(insn, 23, 21), o0, sf) {
        case (0, 0, 1): code = .madd64
        case (0, 0, 0): code = .madd32
        case (0, 1, 1): code = .msub64
        case (0, 1, 0): code = .msub32
        case (1, 0, 1): code = .smaddl
        case (1, 1, 1): code = .smsubl
        case (2, 0, 1): code = .smulh
        case (5, 0, 1): code = .umaddl
        case (5, 1, 1): code = .umsubl
        case (6, 0, 1): code = .umulh
        default: return Op(.undefined)
        }
        return Op(code, rd: wz(rd), rn: zr(rn), rm: zr(rm), ra: zr(ra))
    }

    /// RMIF, SETF8, SETF16 (FEAT_FlagM), in the add/subtract-with-carry space.
    static func flagManipulation(_ insn: UInt32, rn: Int) -> Op {
        // RMIF: 1 01 11010000 imm6 00001 Rn 0 mask
        if insn & 0xFFE0_7C10 == 0xBA00_0400 {
            return Op(.flagm, rn: zr(rn), s1: Int(FlagMOp.rmif), s2: bits(insn, 3, 0), imm: UInt64(bits(insn, 20, 15)))
        }
        // SETF8, SETF16: 0 01 11010000 000000 sz 0010 Rn 0 1101
        if insn & 0xFFFF_BC1F == 0x3A00_080D {
            return Op(.flagm, rn: zr(rn), s1: Int(bit(insn, 14) == 1 ? FlagMOp.setf16 : FlagMOp.setf8))
        }
        return Op(.undefined)
    }
}

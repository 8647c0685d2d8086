// MARK: - Loads and stores

/// Addressing modes of the generic load/store ops (`Op.ra`).
enum AddrMode {
    static let offset: UInt8 = 0
    static let preIndex: UInt8 = 1
    static let postIndex: UInt8 = 2
    /// Base plus extended/shifted register; imm = option | shift << 8.
    static let register: UInt8 = 3
    /// Base only, naturally aligned (LDAR, STLR, LDAPR): an Alignment
    /// fault otherwise.
    static let ordered: UInt8 = 4
}

/// Data kinds of the generic load/store ops (`Op.s1`).
enum LdStKind {
    static let load: UInt8 = 0
    static let loadSigned64: UInt8 = 1
    static let loadSigned32: UInt8 = 2
    static let store: UInt8 = 3
    static let loadFP: UInt8 = 4
    static let storeFP: UInt8 = 5
}

extension Decoder {
    static func decodeLoadStore(_ insn: UInt32, pc: UInt64) -> Op {
        // AdvSIMD load/store multiple and single structure
        if insn & 0xBF80_0000 == 0x0C00_0000 || insn & 0xBF80_0000 == 0x0C80_0000
            || insn & 0xBF00_0000 == 0x0D00_0000 {
            return Op(.fpsimd)
        }
        switch bits(insn, 29, 27) {
        case 0b001 where bit(insn, 26) == 0 && bit(insn, 24) == 0:
            return exclusiveOrdered(insn)
        case 0b011 where bit(insn, 24) == 0:
            return loadLiteral(insn, pc: pc)
        case 0b011 where bit(insn, 26) == 0 && bit(insn, 21) == 0 && bits(insn, 11, 10) == 0:
            return loadStoreRCpcUnscaled(insn)
        case 0b101:
            return loadStorePair(insn)
        case 0b111:
            return loadStoreRegister(insn)
        default:
            return Op(.undefined)
        }
    }

    /// LDR (literal) for W, X, SW, S, D, Q, and PRFM (literal).
    static func loadLiteral(_ insn: UInt32, pc: UInt64) -> Op {
        let rt = bits(insn, 4, 0)
        let addr = pc &+ UInt64(bitPattern: signExtend(bits(insn, 23, 5), 19) << 2)
        let v = bit(insn, 26) == 1
        switch (bits(insn, 31, 30), v) {
        case (0, false): return Op(.ldst, rd: wz(rt), ra: Int(AddrMode.offset), s1: Int(LdStKind.load), s2: 2, imm: addr)
        case (1, false): return Op(.ldst, rd: wz(rt), ra: Int(AddrMode.offset), s1: Int(LdStKind.load), s2: 3, imm: addr)
        case (2, false): return Op(.ldst, rd: wz(rt), ra: Int(AddrMode.offset), s1: Int(LdStKind.loadSigned64), s2: 2, imm: addr)
        case (3, false): return Op(.nop)
        case (let opc, true) where opc < 3:
            return Op(.ldst, rd: rt, ra: Int(AddrMode.offset), s1: Int(LdStKind.loadFP), s2: 2 + opc, imm: addr)
        default: return Op(.undefined)
        }
    }

    /// LDP, STP, LDNP, STNP, LDPSW for X/W and S/D/Q registers.
    static func loadStorePair(_ insn: UInt32) -> Op {
        let opc = bits(insn, 31, 30), v = bit(insn, 26) == 1, l = bit(insn, 22) == 1
        let mode = bits(insn, 24, 23)
        let rt = bits(insn, 4, 0), rt2 = bits(insn, 14, 10), rn = spr(bits(insn, 9, 5))
        let imm7 = signExtend(bits(insn, 21, 15), 7)
        let sizeLog: Int
        var kind: UInt8
        if v {
            guard opc < 3 else { return Op(.undefined) }
            sizeLog = 2 + opc
            kind = l ? LdStKind.loadFP : LdStKind.storeFP
        } else {
            switch opc {
            case 0: sizeLog = 2; kind = l ? LdStKind.load : LdStKind.store
            case 1:
                guard l, mode != 0 else { return Op(.undefined) } // STGP needs MTE
                sizeLog = 2; kind = LdStKind.loadSigned64
            case 2: sizeLog = 3; kind = l ? LdStKind.load : LdStKind.store
            default: return Op(.undefined)
            }
        }
        let offset = UInt64(bitPattern: imm7 << Int64(sizeLog))
        let addrMode: UInt8
        switch mode {
        case 0, 2: addrMode = AddrMode.offset
        case 1: addrMode = AddrMode.postIndex
        default: addrMode = AddrMode.preIndex
        }
        let isInt = !v
        let rtSlot = isInt ? (l ? wz(rt) : zr(rt)) : rt
        let rt2Slot = isInt ? (l ? wz(rt2) : zr(rt2)) : rt2
        if isInt && sizeLog == 3 {
            let code: OpCode
            switch (addrMode, l) {
            case (AddrMode.offset, true): code = .ldpX
            case (AddrMode.offset, false): code = .stpX
            case (AddrMode.preIndex, true): code = .ldpXPre
            case (AddrMode.preIndex, false): code = .stpXPre
            case (AddrMode.postIndex, true): code = .ldpXPost
            default: code = .stpXPost
            }
            return Op(code, rd: rtSlot, rn: rn, rm: rt2Slot, imm: offset)
        }
        if v && addrMode == AddrMode.offset && sizeLog >= 3 {
            let code: OpCode = sizeLog == 3 ? (l ? .ldpD : .stpD) : (l ? .ldpQ : .stpQ)
            return Op(code, rd: rtSlot, rn: rn, rm: rt2Slot, imm: offset)
        }
        return Op(.ldstPair, rd: rtSlot, rn: rn, rm: rt2Slot, ra: Int(addrMode), s1: Int(kind), s2: sizeLog, imm: offset)
    }

    /// LDR/STR and friends: unsigned offset, unscaled, pre/post-index,
    /// register offset; LSE atomic memory operations.
    static func loadStoreRegister(_ insn: UInt32) -> Op {
        let size = bits(insn, 31, 30), v = bit(insn, 26) == 1, opc = bits(insn, 23, 22)
        let rt = bits(insn, 4, 0), rn = spr(bits(insn, 9, 5))
        if !v && bit(insn, 24) == 0 && bit(insn, 21) == 1 && bits(insn, 11, 10) == 0 {
            return atomicMemory(insn)
        }
        if bit(insn, 24) == 0 && bit(insn, 21) == 0 {
            // Unprivileged forms have no SIMD&FP variant, and PRFM has
            // only the unscaled 9-bit form (PRFUM): no LDTR or indexed one.
            let idx = bits(insn, 11, 10)
            if idx == 0b10 && v { return Op(.undefined) }
            if idx != 0 && !v && size == 3 && opc == 2 { return Op(.undefined) }
        }
        // Data kind and access size.
        var sizeLog = size
        let kind: UInt8
        if v {
            switch opc {
            case 0: kind = LdStKind.storeFP
            case 1: kind = LdStKind.loadFP
            case 2 where size == 0: kind = LdStKind.storeFP; sizeLog = 4
            case 3 where size == 0: kind = LdStKind.loadFP; sizeLog = 4
            default: return Op(.undefined)
            }
        } else {
            switch opc {
            case 0: kind = LdStKind.store
            case 1: kind = LdStKind.load
            case 2:
                if size == 3 {
                    // PRFM / PRFUM; the register form needs a valid extend.
                    if bit(insn, 24) == 0 && bit(insn, 21) == 1 && bits(insn, 15, 13) & 2 == 0 { return Op(.undefined) }
                    return Op(.nop)
                }
                kind = LdStKind.loadSigned64
            default:
                if size >= 2 { return Op(.undefined) }
                kind = LdStKind.loadSigned32
            }
        }
        let isLoad = kind != LdStKind.store && kind != LdStKind.storeFP
        let rtSlot = v ? rt : (isLoad ? wz(rt) : zr(rt))

        var mode: UInt8
        var imm: UInt64
        var rm = Slot.xzr
        if bit(insn, 24) == 1 {
            mode = AddrMode.offset
            imm = UInt64(bits(insn, 21, 10)) << UInt64(sizeLog)
        } else if bit(insn, 21) == 0 {
            imm = UInt64(bitPattern: signExtend(bits(insn, 20, 12), 9))
            switch bits(insn, 11, 10) {
            case 0b00, 0b10: mode = AddrMode.offset // LDUR, LDTR
            case 0b01: mode = AddrMode.postIndex
            default: mode = AddrMode.preIndex
            }
        } else {
            guard bits(insn, 11, 10) == 0b10 else { return Op(.undefined) }
            let option = bits(insn, 15, 13)
            guard option & 2 != 0 else { return Op(.undefined) }
            let shift = bit(insn, 12) == 1 ? sizeLog : 0
            mode = AddrMode.register
            imm = UInt64(option | (shift << 8))
            rm = zr(bits(insn, 20, 16))
            if !v && option == 3 {
                // Plain LSL register offsets get their own ops.
                switch (kind, sizeLog) {
                case (LdStKind.load, 3): return Op(.ldrXReg, rd: rtSlot, rn: rn, rm: rm, s2: shift)
                case (LdStKind.store, 3): return Op(.strXReg, rd: rtSlot, rn: rn, rm: rm, s2: shift)
                case (LdStKind.load, 2): return Op(.ldrWReg, rd: rtSlot, rn: rn, rm: rm, s2: shift)
                case (LdStKind.store, 2): return Op(.strWReg, rd: rtSlot, rn: rn, rm: rm, s2: shift)
                default: break
                }
            }
        }
        if mode == AddrMode.preIndex || mode == AddrMode.postIndex {
            let post = mode == AddrMode.postIndex
            let code: OpCode?
            switch (kind, sizeLog) {
            case (LdStKind.load, 3): code = post ? .ldrXPost : .ldrXPre
            case (LdStKind.store, 3): code = post ? .strXPost : .strXPre
            case (LdStKind.load, 2): code = post ? .ldrWPost : nil
            case (LdStKind.store, 2): code = post ? .strWPost : nil
            case (LdStKind.load, 0): code = post ? .ldrBPost : nil
            case (LdStKind.store, 0): code = post ? .strBPost : nil
            case (LdStKind.loadFP, 3): code = post ? .ldrDPost : nil
            case (LdStKind.storeFP, 3): code = post ? .strDPost : nil
            case (LdStKind.loadFP, 4): code = post ? .ldrQPost : .ldrQPre
            case (LdStKind.storeFP, 4): code = post ? .strQPost : .strQPre
            default: code = nil
            }
            if let code { return Op(code, rd: rtSlot, rn: rn, imm: imm) }
        }
        if mode == AddrMode.offset && v && sizeLog >= 2 {
            let load = kind == LdStKind.loadFP
            let code: OpCode = sizeLog == 2 ? (load ? .ldrS : .strS) : sizeLog == 3 ? (load ? .ldrD : .strD) : (load ? .ldrQ : .strQ)
            return Op(code, rd: rtSlot, rn: rn, imm: imm)
        }
        if mode == AddrMode.offset && !v {
            let code: OpCode?
            switch (kind, sizeLog) {
            case (LdStKind.load, 3): code = .ldrX
            case (LdStKind.load, 2): code = .ldrW
            case (LdStKind.load, 1): code = .ldrH
            case (LdStKind.load, 0): code = .ldrB
            case (LdStKind.loadSigned64, 2): code = .ldrSW
            case (LdStKind.store, 3): code = .strX
            case (LdStKind.store, 2): code = .strW
            case (LdStKind.store, 1): code = .strH
            case (LdStKind.store, 0): code = .strB
            default: code = nil
            }
            if let code { return Op(code, rd: rtSlot, rn: rn, imm: imm) }
        }
        return Op(.ldst, rd: rtSlot, rn: rn, rm: rm, ra: Int(mode), s1: Int(kind), s2: sizeLog, imm: imm)
    }

    /// LSE: LDADD, LDCLR, LDEOR, LDSET, LD[SU]MAX, LD[SU]MIN, SWP; LDAPR.
    static func atomicMemory(_ insn: UInt32) -> Op {
        let size = bits(insn, 31, 30)
        let rs = bits(insn, 20, 16), rt = bits(insn, 4, 0), rn = spr(bits(insn, 9, 5))
        let o3 = bit(insn, 15), opc = bits(insn, 14, 12)
        if o3 == 0 {
            return Op(.atomic, rd: wz(rt), rn: rn, rm: zr(rs), s1: opc, s2: size)
        }
        switch opc {
        case 0: return Op(.atomic, rd: wz(rt), rn: rn, rm: zr(rs), s1: 8, s2: size) // SWP
        case 4 where rs == 31 && bit(insn, 23) == 1 && bit(insn, 22) == 0: // LDAPR (A = 1, R = 0)
            return Op(.ldst, rd: wz(rt), rn: rn, ra: Int(AddrMode.ordered), s1: Int(LdStKind.load), s2: size)
        default: return Op(.undefined)
        }
    }

    /// LDAPUR*, STLUR* (FEAT_LRCPC2): unscaled signed offset; aligned and
    /// ordered like LDAR and STLR (`.ordered`: s1 = 0 store, 1 load,
    /// 2 load sign-extended to 64 bits, 3 to 32 bits).
    static func loadStoreRCpcUnscaled(_ insn: UInt32) -> Op {
        let size = bits(insn, 31, 30), opc = bits(insn, 23, 22)
        let rt = bits(insn, 4, 0), rn = spr(bits(insn, 9, 5))
        let imm = UInt64(bitPattern: signExtend(bits(insn, 20, 12), 9))
        switch opc {
        case 0: return Op(.ordered, rd: zr(rt), rn: rn, s1: 0, s2: size, imm: imm)
        case 1: return Op(.ordered, rd: wz(rt), rn: rn, s1: 1, s2: size, imm: imm)
        case 2 where size < 3: return Op(.ordered, rd: wz(rt), rn: rn, s1: 2, s2: size, imm: imm)
        case 3 where size < 2: return Op(.ordered, rd: wz(rt), rn: rn, s1: 3, s2: size, imm: imm)
        default: return Op(.undefined)
        }
    }

    /// Exclusives, load-acquire/store-release, CAS and CASP.
    static func exclusiveOrdered(_ insn: UInt32) -> Op {
        let size = bits(insn, 31, 30)
        let o2 = bit(insn, 23), l = bit(insn, 22) == 1, o1 = bit(insn, 21)
        let rs = bits(insn, 20, 16), rt2 = bits(insn, 14, 10)
        let rn = spr(bits(insn, 9, 5)), rt = bits(insn, 4, 0)
        switch (o2, o1) {
        case (0, 0):
            if l { return Op(.ldxr, rd: wz(rt), rn: rn, s2: size) }
            return Op(.stxr, rd: zr(rt), rn: rn, ra: wz(rs), s2: size)
        case (0, 1):
            if size >= 2 {
                let sz = size - 2 + 2 // element size log2: 2 or 3
                if l { return Op(.ldaxp, rd: wz(rt), rn: rn, rm: wz(rt2), s2: sz) }
                return Op(.stxp, rd: zr(rt), rn: rn, rm: zr(rt2), ra: wz(rs), s2: sz)
            }
            // CASP: even register pairs only.
            guard rt2 == 31, rs & 1 == 0, rt & 1 == 0 else { return Op(.undefined) }
            return Op(.casp, rd: rt, rn: rn, rm: rs, s2: 2 + size)
        case (1, 0):
            // LDAR and STLR: aligned, and STLR ordered before a later LDAR.
            if l { return Op(.ordered, rd: wz(rt), rn: rn, s1: 1, s2: size) }
            return Op(.ordered, rd: zr(rt), rn: rn, s1: 0, s2: size)
        default:
            guard rt2 == 31 else { return Op(.undefined) }
            return Op(.cas, rd: zr(rt), rn: rn, rm: zr(rs), ra: wz(rs), s2: size)
        }
    }
}

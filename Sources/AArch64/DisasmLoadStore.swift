// MARK: - Disassembly: loads and stores

extension Disassembler {
    static func disLoadStore(_ insn: UInt32, pc: UInt64) -> Disassembly? {
        if insn & 0xBF00_0000 == 0x0C00_0000 { return disSIMDLoadStoreMultiple(insn) }
        if insn & 0xBF00_0000 == 0x0D00_0000 { return disSIMDLoadStoreSingle(insn) }
        if insn & 0x3F00_0000 == 0x0800_0000 { return disExclusive(insn) }
        if insn & 0x3F20_0C00 == 0x1900_0000 { return disRCpcUnscaled(insn) }
        if insn & 0xFF20_0000 == 0xD920_0000 { return disMemoryTags(insn) }
        if insn & 0x3B00_0000 == 0x1800_0000 { return disLiteral(insn, pc: pc) }
        if insn & 0x3A00_0000 == 0x2800_0000 { return disPair(insn) }
        if insn & 0x3B00_0000 == 0x3900_0000 { return disLoadStoreRegister(insn, mode: 4) }
        if insn & 0x3B20_0000 == 0x3800_0000 { return disLoadStoreRegister(insn, mode: bits(insn, 11, 10)) }
        if insn & 0x3B20_0C00 == 0x3820_0800 { return disLoadStoreRegister(insn, mode: 5) }
        if insn & 0x3B20_0C00 == 0x3820_0000 { return disAtomic(insn) }
        if insn & 0x3B20_0400 == 0x3820_0400 { return disPACLoad(insn) }
        return nil
    }

    /// `[xn]` or `[xn, #off]`.
    static func dMem(_ rn: Int, _ offset: Int64) -> String {
        offset == 0 ? "[" + dX(rn, sp: true) + "]" : "[" + dX(rn, sp: true) + ", " + dDec(offset) + "]"
    }

    /// PRFM's operation name, or `#0x..`.
    static func dPrefetch(_ rt: Int) -> String {
        let type = rt >> 3, target = (rt >> 1) & 3
        if type == 3 || target == 3 {
            return "#0x" + (rt < 16 ? "0" : "") + String(rt, radix: 16)
        }
        return ["pld", "pli", "pst"][type] + "l\(target + 1)" + (rt & 1 == 1 ? "strm" : "keep")
    }

    static func disLiteral(_ insn: UInt32, pc: UInt64) -> Disassembly? {
        let opc = bits(insn, 31, 30), rt = bits(insn, 4, 0)
        let target = dTarget(pc, signExtend(bits(insn, 23, 5), 19) << 2)
        if bit(insn, 26) == 1 {
            guard opc != 3 else { return nil }
            return Disassembly("ldr", dV(4 << opc, rt) + ", " + target)
        }
        switch opc {
        case 0: return Disassembly("ldr", dW(rt) + ", " + target)
        case 1: return Disassembly("ldr", dX(rt) + ", " + target)
        case 2: return Disassembly("ldrsw", dX(rt) + ", " + target)
        default: return Disassembly("prfm", dPrefetch(rt) + ", " + target)
        }
    }

    static func disExclusive(_ insn: UInt32) -> Disassembly? {
        let size = bits(insn, 31, 30), o2 = bit(insn, 23), l = bit(insn, 22), o1 = bit(insn, 21)
        let rs = bits(insn, 20, 16), o0 = bit(insn, 15), rt2 = bits(insn, 14, 10)
        let rn = bits(insn, 9, 5), rt = bits(insn, 4, 0)
        let mem = "[" + dX(rn, sp: true) + "]"
        let suffix = ["b", "h", "", ""][size]
        let r = { (n: Int) in size == 3 ? dX(n) : dW(n) }
        switch (o2, o1) {
        case (0, 0):
            let name = (l == 1 ? (o0 == 1 ? "ldaxr" : "ldxr") : (o0 == 1 ? "stlxr" : "stxr")) + suffix
            if l == 1 { return Disassembly(name, r(rt) + ", " + mem) }
            return Disassembly(name, dW(rs) + ", " + r(rt) + ", " + mem)
        case (0, 1):
            if size >= 2 {
                let x = { (n: Int) in size == 3 ? dX(n) : dW(n) }
                let name = l == 1 ? (o0 == 1 ? "ldaxp" : "ldxp") : (o0 == 1 ? "stlxp" : "stxp")
                if l == 1 { return Disassembly(name, x(rt) + ", " + x(rt2) + ", " + mem) }
                return Disassembly(name, dW(rs) + ", " + x(rt) + ", " + x(rt2) + ", " + mem)
            }
            guard rt2 == 31, rs & 1 == 0, rt & 1 == 0 else { return nil }
            let name = "casp" + (l == 1 ? "a" : "") + (o0 == 1 ? "l" : "")
            let x = { (n: Int) in size == 1 ? dX(n) : dW(n) }
            return Disassembly(name, x(rs) + ", " + x(rs + 1) + ", " + x(rt) + ", " + x(rt + 1) + ", " + mem)
        case (1, 0):
            // objdump checks the should-be-one Rs and Rt2 of LDAR only.
            if l == 1 && o0 == 1 && (rs != 31 || rt2 != 31) { return nil }
            let name = (l == 1 ? (o0 == 1 ? "ldar" : "ldlar") : (o0 == 1 ? "stlr" : "stllr")) + suffix
            return Disassembly(name, r(rt) + ", " + mem)
        default:
            guard rt2 == 31 else { return nil }
            let name = "cas" + (l == 1 ? "a" : "") + (o0 == 1 ? "l" : "") + suffix
            return Disassembly(name, r(rs) + ", " + r(rt) + ", " + mem)
        }
    }

    static func disRCpcUnscaled(_ insn: UInt32) -> Disassembly? {
        let size = bits(insn, 31, 30), opc = bits(insn, 23, 22)
        let rn = bits(insn, 9, 5), rt = bits(insn, 4, 0)
        let mem = dMem(rn, signExtend(bits(insn, 20, 12), 9))
        let suffix = ["b", "h", "", ""][size]
        switch opc {
        case 0: return Disassembly("stlur" + suffix, dR(size == 3 ? 1 : 0, rt) + ", " + mem)
        case 1: return Disassembly("ldapur" + suffix, dR(size == 3 ? 1 : 0, rt) + ", " + mem)
        case 2:
            guard size < 3 else { return nil }
            return Disassembly("ldapurs" + (size == 2 ? "w" : suffix), dX(rt) + ", " + mem)
        default:
            guard size < 2 else { return nil }
            return Disassembly("ldapurs" + suffix, dW(rt) + ", " + mem)
        }
    }

    /// The MTE tag loads and stores (STG, STZG, ST2G, STZ2G, LDG, and the
    /// bulk STGM, STZGM, LDGM).
    static func disMemoryTags(_ insn: UInt32) -> Disassembly? {
        let opc = bits(insn, 23, 22), imm9 = bits(insn, 20, 12), op2 = bits(insn, 11, 10)
        let rn = bits(insn, 9, 5), rt = bits(insn, 4, 0)
        let off = signExtend(imm9, 9) << 4
        if op2 == 0 {
            if opc == 1 { return Disassembly("ldg", dX(rt) + ", " + dMem(rn, off)) }
            guard imm9 == 0 else { return nil }
            return Disassembly(["stzgm", "", "stgm", "ldgm"][opc], dX(rt) + ", [" + dX(rn, sp: true) + "]")
        }
        let name = ["stg", "stzg", "st2g", "stz2g"][opc]
        let t = dX(rt, sp: true), n = dX(rn, sp: true)
        switch op2 {
        case 1: return Disassembly(name, t + ", [" + n + "], " + dDec(off))
        case 3: return Disassembly(name, t + ", [" + n + ", " + dDec(off) + "]!")
        default: return Disassembly(name, t + ", " + dMem(rn, off))
        }
    }

    static func disPair(_ insn: UInt32) -> Disassembly? {
        let opc = bits(insn, 31, 30), v = bit(insn, 26), l = bit(insn, 22)
        let mode = bits(insn, 24, 23) // 0 no-allocate, 1 post, 2 offset, 3 pre
        let rt = bits(insn, 4, 0), rt2 = bits(insn, 14, 10), rn = bits(insn, 9, 5)
        let imm7 = signExtend(bits(insn, 21, 15), 7)
        var name: String
        var reg: (Int) -> String
        var scale: Int64
        if v == 1 {
            guard opc != 3 else { return nil }
            scale = 4 << Int64(opc)
            reg = { dV(4 << opc, $0) }
            name = l == 1 ? "ldp" : "stp"
        } else {
            switch opc {
            case 0: scale = 4; reg = { dW($0) }; name = l == 1 ? "ldp" : "stp"
            case 2: scale = 8; reg = { dX($0) }; name = l == 1 ? "ldp" : "stp"
            case 1:
                guard mode != 0 else { return nil }
                if l == 1 {
                    // objdump rejects the UNPREDICTABLE register overlaps for LDPSW.
                    if rt == rt2 || (mode != 2 && rn != 31 && (rn == rt || rn == rt2)) { return nil }
                    scale = 4; reg = { dX($0) }; name = "ldpsw"
                } else {
                    scale = 16; reg = { dX($0) }; name = "stgp"
                }
            default: return nil
            }
        }
        if mode == 0 { name = l == 1 ? "ldnp" : "stnp" }
        let off = imm7 * scale
        let regs = reg(rt) + ", " + reg(rt2) + ", "
        let base = dX(rn, sp: true)
        switch mode {
        case 1: return Disassembly(name, regs + "[" + base + "], " + dDec(off))
        case 3: return Disassembly(name, regs + "[" + base + ", " + dDec(off) + "]!")
        default: return Disassembly(name, regs + dMem(rn, off))
        }
    }

    /// Single-register loads and stores. `mode`: 0 unscaled, 1 post-index,
    /// 2 unprivileged, 3 pre-index, 4 unsigned offset, 5 register offset.
    static func disLoadStoreRegister(_ insn: UInt32, mode: Int) -> Disassembly? {
        let size = bits(insn, 31, 30), v = bit(insn, 26), opc = bits(insn, 23, 22)
        let rn = bits(insn, 9, 5), rt = bits(insn, 4, 0)
        var base: String
        var reg: String
        var scale = size
        if v == 1 {
            if opc >= 2 {
                guard size == 0 else { return nil }
                scale = 4
            }
            guard mode != 2 else { return nil }
            reg = dV(1 << scale, rt)
            base = opc & 1 == 1 ? "ldr" : "str"
        } else {
            let suffix = ["b", "h", "", ""][size]
            switch opc {
            case 0: base = "str" + suffix; reg = dR(size == 3 ? 1 : 0, rt)
            case 1: base = "ldr" + suffix; reg = dR(size == 3 ? 1 : 0, rt)
            case 2:
                if size == 3 {
                    guard mode == 0 || mode == 4 || mode == 5 else { return nil }
                    base = "prfm"; reg = dPrefetch(rt)
                } else {
                    base = "ldrs" + (size == 2 ? "w" : suffix); reg = dX(rt)
                }
            default:
                guard size < 2 else { return nil }
                base = "ldrs" + suffix; reg = dW(rt)
            }
        }
        let n = dX(rn, sp: true)
        switch mode {
        case 0, 2:
            var name = base
            let infix = mode == 0 ? "u" : "t"
            if name == "prfm" { name = "prfum" } else {
                name = String(name.prefix(2)) + infix + String(name.dropFirst(2))
            }
            return Disassembly(name, reg + ", " + dMem(rn, signExtend(bits(insn, 20, 12), 9)))
        case 1: return Disassembly(base, reg + ", [" + n + "], " + dDec(signExtend(bits(insn, 20, 12), 9)))
        case 3: return Disassembly(base, reg + ", [" + n + ", " + dDec(signExtend(bits(insn, 20, 12), 9)) + "]!")
        case 4: return Disassembly(base, reg + ", " + dMem(rn, Int64(bits(insn, 21, 10) << scale)))
        default:
            let option = bits(insn, 15, 13), s = bit(insn, 12), rm = bits(insn, 20, 16)
            guard option & 2 == 2 else { return nil }
            let m = option & 1 == 1 ? dX(rm) : dW(rm)
            var ext = ""
            if option == 3 {
                if s == 1 { ext = ", lsl #\(scale)" }
            } else {
                ext = ", " + dExtendNames[option] + (s == 1 ? " #\(scale)" : "")
            }
            return Disassembly(base, reg + ", [" + n + ", " + m + ext + "]")
        }
    }

    static func disAtomic(_ insn: UInt32) -> Disassembly? {
        let size = bits(insn, 31, 30), v = bit(insn, 26), a = bit(insn, 23), r = bit(insn, 22)
        let o3 = bit(insn, 15), opc = bits(insn, 14, 12)
        let rs = bits(insn, 20, 16), rn = bits(insn, 9, 5), rt = bits(insn, 4, 0)
        guard v == 0 else { return nil }
        let mem = "[" + dX(rn, sp: true) + "]"
        let reg = { (n: Int) in size == 3 ? dX(n) : dW(n) }
        let suffix = ["b", "h", "", ""][size]
        let order = (a == 1 ? "a" : "") + (r == 1 ? "l" : "")
        if o3 == 0 {
            let op = ["add", "clr", "eor", "set", "smax", "smin", "umax", "umin"][opc]
            if a == 0 && rt == 31 { return Disassembly("st" + op + order + suffix, reg(rs) + ", " + mem) }
            return Disassembly("ld" + op + order + suffix, reg(rs) + ", " + reg(rt) + ", " + mem)
        }
        switch opc {
        case 0: return Disassembly("swp" + order + suffix, reg(rs) + ", " + reg(rt) + ", " + mem)
        case 4:
            guard a == 1, r == 0, rs == 31 else { return nil }
            return Disassembly("ldapr" + suffix, reg(rt) + ", " + mem)
        case 1, 2, 3, 5:
            guard size == 3, a == 0, r == 0 else { return nil }
            switch opc {
            case 1: return rs == 31 ? Disassembly("st64b", dX(rt) + ", " + mem) : nil
            case 5: return rs == 31 ? Disassembly("ld64b", dX(rt) + ", " + mem) : nil
            default: return Disassembly(opc == 3 ? "st64bv" : "st64bv0", dX(rs) + ", " + dX(rt) + ", " + mem)
            }
        default: return nil
        }
    }

    static func disPACLoad(_ insn: UInt32) -> Disassembly? {
        guard bits(insn, 31, 30) == 3, bit(insn, 26) == 0 else { return nil }
        let off = signExtend((bit(insn, 22) << 9) | bits(insn, 20, 12), 10) * 8
        let name = bit(insn, 23) == 1 ? "ldrab" : "ldraa"
        let rn = bits(insn, 9, 5), rt = bits(insn, 4, 0)
        if bit(insn, 11) == 1 { return Disassembly(name, dX(rt) + ", " + String(dMem(rn, off)) + "!") }
        return Disassembly(name, dX(rt) + ", " + dMem(rn, off))
    }

    // MARK: AdvSIMD structures

    /// `{v1.4s, v2.4s}` or, for three or more registers in order, `{v1.4s-v3.4s}`.
    static func dList(_ first: Int, _ count: Int, _ t: String) -> String {
        if count >= 3 && first + count - 1 <= 31 {
            return "{v\(first)." + t + "-v\(first + count - 1)." + t + "}"
        }
        return "{" + (0..<count).map { "v\((first + $0) & 31)." + t }.joined(separator: ", ") + "}"
    }

    static func disSIMDLoadStoreMultiple(_ insn: UInt32) -> Disassembly? {
        let q = bit(insn, 30), l = bit(insn, 22), post = bit(insn, 23)
        let opcode = bits(insn, 15, 12), size = bits(insn, 11, 10)
        let rm = bits(insn, 20, 16), rn = bits(insn, 9, 5), rt = bits(insn, 4, 0)
        if post == 0 && rm != 0 { return nil }
        let (selem, regs): (Int, Int)
        switch opcode {
        case 0b0000: (selem, regs) = (4, 4)
        case 0b0010: (selem, regs) = (1, 4)
        case 0b0100: (selem, regs) = (3, 3)
        case 0b0110: (selem, regs) = (1, 3)
        case 0b0111: (selem, regs) = (1, 1)
        case 0b1000: (selem, regs) = (2, 2)
        case 0b1010: (selem, regs) = (1, 2)
        default: return nil
        }
        if selem > 1 && size == 3 && q == 0 { return nil }
        let name = (l == 1 ? "ld" : "st") + "\(selem)"
        var ops = dList(rt, regs, dArr(size, q)) + ", [" + dX(rn, sp: true) + "]"
        if post == 1 { ops += ", " + (rm == 31 ? dDec(regs * (q == 1 ? 16 : 8)) : dX(rm)) }
        return Disassembly(name, ops)
    }

    static func disSIMDLoadStoreSingle(_ insn: UInt32) -> Disassembly? {
        let q = bit(insn, 30), l = bit(insn, 22), r = bit(insn, 21), post = bit(insn, 23)
        let opcode = bits(insn, 15, 13), s = bit(insn, 12), size = bits(insn, 11, 10)
        let rm = bits(insn, 20, 16), rn = bits(insn, 9, 5), rt = bits(insn, 4, 0)
        if post == 0 && rm != 0 { return nil }
        let selem = ((opcode & 1) << 1 | r) + 1
        var ebytes: Int, index: Int, t: String
        switch opcode >> 1 {
        case 0: ebytes = 1; index = (q << 3) | (s << 2) | size; t = "b"
        case 1:
            guard size & 1 == 0 else { return nil }
            ebytes = 2; index = (q << 2) | (s << 1) | (size >> 1); t = "h"
        case 2:
            if size == 0 { ebytes = 4; index = (q << 1) | s; t = "s" } else {
                guard size == 1, s == 0 else { return nil }
                ebytes = 8; index = q; t = "d"
            }
        default:
            guard l == 1, s == 0 else { return nil }
            let name = "ld\(selem)r"
            var ops = dList(rt, selem, dArr(size, q)) + ", [" + dX(rn, sp: true) + "]"
            if post == 1 { ops += ", " + (rm == 31 ? dDec(selem << size) : dX(rm)) }
            return Disassembly(name, ops)
        }
        let name = (l == 1 ? "ld" : "st") + "\(selem)"
        var ops = dList(rt, selem, t) + "[\(index)], [" + dX(rn, sp: true) + "]"
        if post == 1 { ops += ", " + (rm == 31 ? dDec(selem * ebytes) : dX(rm)) }
        return Disassembly(name, ops)
    }
}

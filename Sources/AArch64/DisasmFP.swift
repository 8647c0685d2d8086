// MARK: - Disassembly: scalar floating point, crypto and AdvSIMD data movement

extension Disassembler {
    /// The FP/AdvSIMD space (bits 27:25 = x111).
    static func disFPSIMD(_ insn: UInt32) -> Disassembly? {
        if insn >> 24 == 0xCE { return disCryptoSHA512(insn) }
        if bit(insn, 28) == 1 && bit(insn, 30) == 0 { return disFPScalar(insn) }
        guard bit(insn, 31) == 0 else { return nil }
        if bit(insn, 28) == 1 { return disSIMDScalar(insn) }
        return disSIMDVector(insn)
    }

    /// FP register for `ptype` (0 s, 1 d, 3 h).
    static func dFP(_ ptype: Int, _ n: Int) -> String { dV([4, 8, 16, 2][ptype], n) }

    static func disFPScalar(_ insn: UInt32) -> Disassembly? {
        let sf = bit(insn, 31), s = bit(insn, 29), ptype = bits(insn, 23, 22)
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5), rm = bits(insn, 20, 16)
        if bit(insn, 24) == 1 {
            guard sf == 0, s == 0, ptype != 2 else { return nil }
            let name = ["fmadd", "fmsub", "fnmadd", "fnmsub"][(bit(insn, 21) << 1) | bit(insn, 15)]
            return Disassembly(name, [rd, rn, rm, bits(insn, 14, 10)].map { dFP(ptype, $0) }.joined(separator: ", "))
        }
        if bit(insn, 21) == 0 { return disFPFixed(insn, sf: sf, ptype: ptype, rd: rd, rn: rn) }
        guard s == 0 else { return nil }
        if bits(insn, 15, 10) == 0 { return disFPInt(insn, sf: sf, ptype: ptype, rd: rd, rn: rn) }
        guard sf == 0 else { return nil }
        let f = { (n: Int) in dFP(ptype, n) }
        if bits(insn, 14, 10) == 0b10000 {
            let opcode = bits(insn, 20, 15)
            switch opcode {
            case 0...3:
                guard ptype != 2 else { return nil }
                return Disassembly(["fmov", "fabs", "fneg", "fsqrt"][opcode], f(rd) + ", " + f(rn))
            case 4, 5, 7:
                let to = [4: 0, 5: 1, 7: 3][opcode]!
                guard ptype != 2, to != ptype else { return nil }
                return Disassembly("fcvt", dFP(to, rd) + ", " + f(rn))
            case 6:
                guard ptype == 1 else { return nil }
                return Disassembly("bfcvt", dV(2, rd) + ", " + dV(4, rn))
            case 8...15:
                guard ptype != 2, opcode != 13 else { return nil }
                let names = ["frintn", "frintp", "frintm", "frintz", "frinta", "", "frintx", "frinti"]
                return Disassembly(names[opcode - 8], f(rd) + ", " + f(rn))
            case 16...19:
                guard ptype < 2 else { return nil }
                return Disassembly(["frint32z", "frint32x", "frint64z", "frint64x"][opcode - 16], f(rd) + ", " + f(rn))
            default: return nil
            }
        }
        guard ptype != 2 else { return nil }
        if bits(insn, 13, 10) == 0b1000 {
            guard bits(insn, 15, 14) == 0, bits(insn, 2, 0) == 0 else { return nil }
            let name = bit(insn, 4) == 1 ? "fcmpe" : "fcmp"
            return Disassembly(name, f(rn) + ", " + (bit(insn, 3) == 1 ? "#0.0" : f(rm)))
        }
        if bits(insn, 12, 10) == 0b100 {
            guard bits(insn, 9, 5) == 0 else { return nil }
            return Disassembly("fmov", f(rd) + ", " + dFPImm8(bits(insn, 20, 13)))
        }
        switch bits(insn, 11, 10) {
        case 0b01:
            return Disassembly(bit(insn, 4) == 1 ? "fccmpe" : "fccmp", f(rn) + ", " + f(rm) + ", "
                               + dHex(UInt64(bits(insn, 3, 0))) + ", " + dCondNames[bits(insn, 15, 12)])
        case 0b10:
            let opcode = bits(insn, 15, 12)
            guard opcode <= 8 else { return nil }
            let names = ["fmul", "fdiv", "fadd", "fsub", "fmax", "fmin", "fmaxnm", "fminnm", "fnmul"]
            return Disassembly(names[opcode], f(rd) + ", " + f(rn) + ", " + f(rm))
        case 0b11:
            return Disassembly("fcsel", f(rd) + ", " + f(rn) + ", " + f(rm) + ", " + dCondNames[bits(insn, 15, 12)])
        default:
            return nil
        }
    }

    static func disFPFixed(_ insn: UInt32, sf: Int, ptype: Int, rd: Int, rn: Int) -> Disassembly? {
        let rmode = bits(insn, 20, 19), opcode = bits(insn, 18, 16), scale = bits(insn, 15, 10)
        guard bit(insn, 29) == 0, ptype != 2, sf == 1 || scale >= 32 else { return nil }
        let fbits = dDec(64 - scale)
        switch (rmode, opcode) {
        case (0, 2), (0, 3): return Disassembly(opcode == 2 ? "scvtf" : "ucvtf", dFP(ptype, rd) + ", " + dR(sf, rn) + ", " + fbits)
        case (3, 0), (3, 1): return Disassembly(opcode == 0 ? "fcvtzs" : "fcvtzu", dR(sf, rd) + ", " + dFP(ptype, rn) + ", " + fbits)
        default: return nil
        }
    }

    static func disFPInt(_ insn: UInt32, sf: Int, ptype: Int, rd: Int, rn: Int) -> Disassembly? {
        let rmode = bits(insn, 20, 19), opcode = bits(insn, 18, 16)
        switch opcode {
        case 0, 1, 4, 5:
            guard ptype != 2 else { return nil }
            if opcode >= 4 && rmode != 0 { return nil }
            let name = "fcvt" + (opcode >= 4 ? "a" : ["n", "p", "m", "z"][rmode]) + (opcode & 1 == 1 ? "u" : "s")
            return Disassembly(name, dR(sf, rd) + ", " + dFP(ptype, rn))
        case 2, 3:
            guard ptype != 2, rmode == 0 else { return nil }
            return Disassembly(opcode == 2 ? "scvtf" : "ucvtf", dFP(ptype, rd) + ", " + dR(sf, rn))
        default:
            if rmode == 3 && opcode == 6 && sf == 0 && ptype == 1 {
                return Disassembly("fjcvtzs", dW(rd) + ", " + dV(8, rn))
            }
            if rmode == 1 && sf == 1 && ptype == 2 {
                if opcode == 6 { return Disassembly("fmov", dX(rd) + ", v\(rn).d[1]") }
                return Disassembly("fmov", "v\(rd).d[1], " + dX(rn))
            }
            guard rmode == 0 else { return nil }
            switch (sf, ptype) {
            case (0, 0), (1, 1), (0, 3), (1, 3): break
            default: return nil
            }
            if opcode == 6 { return Disassembly("fmov", dR(sf, rd) + ", " + dFP(ptype, rn)) }
            return Disassembly("fmov", dFP(ptype, rd) + ", " + dR(sf, rn))
        }
    }

    // MARK: Crypto

    static func disCryptoSHA512(_ insn: UInt32) -> Disassembly? {
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5), rm = bits(insn, 20, 16), ra = bits(insn, 14, 10)
        let v = { (n: Int, t: String) in dVT(n, t) }
        switch bits(insn, 23, 21) {
        case 0b000, 0b001:
            guard bit(insn, 15) == 0 else { return nil }
            switch bits(insn, 22, 21) {
            case 0: return Disassembly("eor3", [rd, rn, rm, ra].map { v($0, "16b") }.joined(separator: ", "))
            case 1: return Disassembly("bcax", [rd, rn, rm, ra].map { v($0, "16b") }.joined(separator: ", "))
            default: return nil
            }
        case 0b010:
            if bits(insn, 15, 14) == 0b10 {
                let names = ["sm3tt1a", "sm3tt1b", "sm3tt2a", "sm3tt2b"]
                return Disassembly(names[bits(insn, 11, 10)], v(rd, "4s") + ", " + v(rn, "4s") + ", v\(rm).s[\(bits(insn, 13, 12))]")
            }
            guard bit(insn, 15) == 0 else { return nil }
            return Disassembly("sm3ss1", [rd, rn, rm, ra].map { v($0, "4s") }.joined(separator: ", "))
        case 0b011:
            guard bit(insn, 15) == 1, bits(insn, 13, 12) == 0 else { return nil }
            let opcode = bits(insn, 11, 10)
            if bit(insn, 14) == 0 {
                switch opcode {
                case 0, 1: return Disassembly(opcode == 0 ? "sha512h" : "sha512h2", "q\(rd), q\(rn), " + v(rm, "2d"))
                default: return Disassembly(opcode == 2 ? "sha512su1" : "rax1", v(rd, "2d") + ", " + v(rn, "2d") + ", " + v(rm, "2d"))
                }
            }
            guard opcode != 3 else { return nil }
            return Disassembly(["sm3partw1", "sm3partw2", "sm4ekey"][opcode], v(rd, "4s") + ", " + v(rn, "4s") + ", " + v(rm, "4s"))
        case 0b100:
            return Disassembly("xar", v(rd, "2d") + ", " + v(rn, "2d") + ", " + v(rm, "2d") + ", " + dDec(bits(insn, 15, 10)))
        case 0b110:
            guard bits(insn, 20, 12) == 0b000001000 else { return nil }
            switch bits(insn, 11, 10) {
            case 0: return Disassembly("sha512su0", v(rd, "2d") + ", " + v(rn, "2d"))
            case 1: return Disassembly("sm4e", v(rd, "4s") + ", " + v(rn, "4s"))
            default: return nil
            }
        default:
            return nil
        }
    }

    static func disCryptoAES(_ insn: UInt32) -> Disassembly? {
        guard bits(insn, 23, 22) == 0 else { return nil }
        let opcode = bits(insn, 16, 12)
        guard (4...7).contains(opcode) else { return nil }
        return Disassembly(["aese", "aesd", "aesmc", "aesimc"][opcode - 4],
                           dVT(bits(insn, 4, 0), "16b") + ", " + dVT(bits(insn, 9, 5), "16b"))
    }

    static func disCryptoSHA(_ insn: UInt32) -> Disassembly? {
        guard bits(insn, 23, 22) == 0 else { return nil }
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5), rm = bits(insn, 20, 16)
        if bit(insn, 21) == 0 {
            let opcode = bits(insn, 14, 12)
            switch opcode {
            case 0, 1, 2: return Disassembly(["sha1c", "sha1p", "sha1m"][opcode], "q\(rd), s\(rn), " + dVT(rm, "4s"))
            case 4, 5: return Disassembly(opcode == 4 ? "sha256h" : "sha256h2", "q\(rd), q\(rn), " + dVT(rm, "4s"))
            case 3, 6: return Disassembly(opcode == 3 ? "sha1su0" : "sha256su1", dVT(rd, "4s") + ", " + dVT(rn, "4s") + ", " + dVT(rm, "4s"))
            default: return nil
            }
        }
        switch bits(insn, 16, 12) {
        case 0: return Disassembly("sha1h", "s\(rd), s\(rn)")
        case 1: return Disassembly("sha1su1", dVT(rd, "4s") + ", " + dVT(rn, "4s"))
        case 2: return Disassembly("sha256su0", dVT(rd, "4s") + ", " + dVT(rn, "4s"))
        default: return nil
        }
    }

    // MARK: AdvSIMD data movement

    /// The element size (log2 bytes) and index that imm5 encodes, or nil.
    static func dImm5(_ imm5: Int) -> (Int, Int)? {
        if imm5 & 1 != 0 { return (0, imm5 >> 1) }
        if imm5 & 2 != 0 { return (1, imm5 >> 2) }
        if imm5 & 4 != 0 { return (2, imm5 >> 3) }
        if imm5 & 8 != 0 { return (3, imm5 >> 4) }
        return nil
    }

    static func disCopy(_ insn: UInt32, scalar: Bool) -> Disassembly? {
        let q = bit(insn, 30), op = bit(insn, 29), imm4 = bits(insn, 14, 11)
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5)
        guard let (size, index) = dImm5(bits(insn, 20, 16)) else { return nil }
        let ts = dSizeLetter[size]
        if scalar {
            guard op == 0, imm4 == 0 else { return nil }
            return Disassembly("mov", dV(1 << size, rd) + ", v\(rn).\(ts)[\(index)]")
        }
        if op == 1 {
            guard q == 1 else { return nil }
            let index2 = imm4 >> size
            return Disassembly("mov", "v\(rd).\(ts)[\(index)], v\(rn).\(ts)[\(index2)]")
        }
        switch imm4 {
        case 0b0000:
            guard !(size == 3 && q == 0) else { return nil }
            return Disassembly("dup", dVA(rd, size, q) + ", v\(rn).\(ts)[\(index)]")
        case 0b0001:
            guard !(size == 3 && q == 0) else { return nil }
            return Disassembly("dup", dVA(rd, size, q) + ", " + (size == 3 ? dX(rn) : dW(rn)))
        case 0b0011:
            guard q == 1 else { return nil }
            return Disassembly("mov", "v\(rd).\(ts)[\(index)], " + (size == 3 ? dX(rn) : dW(rn)))
        case 0b0101:
            guard size < 3, !(size == 2 && q == 0) else { return nil }
            return Disassembly("smov", dR(q, rd) + ", v\(rn).\(ts)[\(index)]")
        case 0b0111:
            guard (size == 3) == (q == 1) else { return nil }
            let name = size >= 2 ? "mov" : "umov"
            return Disassembly(name, dR(q, rd) + ", v\(rn).\(ts)[\(index)]")
        default:
            return nil
        }
    }

    static func disModifiedImmediate(_ insn: UInt32) -> Disassembly? {
        let q = bit(insn, 30), op = bit(insn, 29), cmode = bits(insn, 15, 12), o2 = bit(insn, 11)
        let rd = bits(insn, 4, 0)
        let imm8 = (bits(insn, 18, 16) << 5) | bits(insn, 9, 5)
        let imm = dHex(UInt64(imm8))
        if o2 == 1 {
            guard cmode == 15, op == 0 else { return nil }
            return Disassembly("fmov", dVT(rd, q == 1 ? "8h" : "4h") + ", " + dFPImm8(imm8))
        }
        switch cmode {
        case 0...7:
            let t = q == 1 ? "4s" : "2s"
            let shift = (cmode >> 1) * 8
            let name = cmode & 1 == 0 ? (op == 0 ? "movi" : "mvni") : (op == 0 ? "orr" : "bic")
            return Disassembly(name, dVT(rd, t) + ", " + imm + (shift == 0 ? "" : ", lsl #\(shift)"))
        case 8...11:
            let t = q == 1 ? "8h" : "4h"
            let shift = ((cmode >> 1) & 1) * 8
            let name = cmode & 1 == 0 ? (op == 0 ? "movi" : "mvni") : (op == 0 ? "orr" : "bic")
            return Disassembly(name, dVT(rd, t) + ", " + imm + (shift == 0 ? "" : ", lsl #\(shift)"))
        case 12, 13:
            let t = q == 1 ? "4s" : "2s"
            return Disassembly(op == 0 ? "movi" : "mvni", dVT(rd, t) + ", " + imm + ", msl #\(cmode == 12 ? 8 : 16)")
        case 14:
            if op == 0 { return Disassembly("movi", dVT(rd, q == 1 ? "16b" : "8b") + ", " + imm) }
            var v: UInt64 = 0
            for i in 0..<8 where imm8 & (1 << i) != 0 { v |= 0xFF << UInt64(8 * i) }
            return Disassembly("movi", (q == 1 ? dVT(rd, "2d") : "d\(rd)") + ", " + dHex(v))
        default:
            if op == 0 { return Disassembly("fmov", dVT(rd, q == 1 ? "4s" : "2s") + ", " + dFPImm8(imm8)) }
            guard q == 1 else { return nil }
            return Disassembly("fmov", dVT(rd, "2d") + ", " + dFPImm8(imm8))
        }
    }

    static func disPermute(_ insn: UInt32) -> Disassembly? {
        let q = bit(insn, 30), size = bits(insn, 23, 22), opcode = bits(insn, 14, 12)
        guard !(size == 3 && q == 0), opcode & 3 != 0 else { return nil }
        let names = ["", "uzp1", "trn1", "zip1", "", "uzp2", "trn2", "zip2"]
        let t = dArr(size, q)
        return Disassembly(names[opcode], dVT(bits(insn, 4, 0), t) + ", " + dVT(bits(insn, 9, 5), t) + ", " + dVT(bits(insn, 20, 16), t))
    }

    static func disExtract(_ insn: UInt32) -> Disassembly? {
        let q = bit(insn, 30), imm4 = bits(insn, 14, 11)
        guard bits(insn, 23, 22) == 0, q == 1 || imm4 < 8 else { return nil }
        let t = q == 1 ? "16b" : "8b"
        return Disassembly("ext", dVT(bits(insn, 4, 0), t) + ", " + dVT(bits(insn, 9, 5), t) + ", "
                           + dVT(bits(insn, 20, 16), t) + ", " + dDec(imm4))
    }

    static func disTable(_ insn: UInt32) -> Disassembly? {
        guard bits(insn, 23, 22) == 0 else { return nil }
        let q = bit(insn, 30), len = bits(insn, 14, 13) + 1
        let t = q == 1 ? "16b" : "8b"
        return Disassembly(bit(insn, 12) == 1 ? "tbx" : "tbl", dVT(bits(insn, 4, 0), t) + ", "
                           + dList(bits(insn, 9, 5), len, "16b") + ", " + dVT(bits(insn, 20, 16), t))
    }
}

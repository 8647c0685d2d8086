// MARK: - Disassembly: AdvSIMD arithmetic groups (vector and scalar)

extension Disassembler {
    static func disSIMDVector(_ insn: UInt32) -> Disassembly? {
        if insn & 0xFF3E_0C00 == 0x4E28_0800 { return disCryptoAES(insn) }
        if insn & 0xBF20_8C00 == 0x0E00_0000 { return disTable(insn) }
        if insn & 0xBF20_8C00 == 0x0E00_0800 { return disPermute(insn) }
        if insn & 0xBF20_8400 == 0x2E00_0000 { return disExtract(insn) }
        if insn & 0x9FE0_8400 == 0x0E00_0400 { return disCopy(insn, scalar: false) }
        if insn & 0x9F60_C400 == 0x0E40_0400 { return dis3SameFP16(insn, scalar: false) }
        if insn & 0x9F7E_0C00 == 0x0E78_0800 { return dis2MiscFP16(insn, scalar: false) }
        if insn & 0x9F20_8400 == 0x0E00_8400 { return dis3SameExtra(insn, scalar: false) }
        if insn & 0x9F3E_0C00 == 0x0E20_0800 { return dis2Misc(insn, scalar: false) }
        if insn & 0x9F3E_0C00 == 0x0E30_0800 { return disAcrossLanes(insn) }
        if insn & 0x9F20_0C00 == 0x0E20_0000 { return dis3Different(insn, scalar: false) }
        if insn & 0x9F20_0400 == 0x0E20_0400 { return dis3Same(insn, scalar: false) }
        if insn & 0x9FF8_0400 == 0x0F00_0400 { return disModifiedImmediate(insn) }
        if insn & 0x9F80_0400 == 0x0F00_0400 { return disShiftImmediate(insn, scalar: false) }
        if insn & 0x9F00_0400 == 0x0F00_0000 { return disIndexed(insn, scalar: false) }
        return nil
    }

    static func disSIMDScalar(_ insn: UInt32) -> Disassembly? {
        if insn & 0xFF20_8C00 == 0x5E00_0000 { return disCryptoSHA(insn) }
        if insn & 0xFF3E_0C00 == 0x5E28_0800 { return disCryptoSHA(insn) }
        guard bit(insn, 30) == 1 else { return nil }
        if insn & 0xDFE0_8400 == 0x5E00_0400 { return disCopy(insn, scalar: true) }
        if insn & 0xDF60_C400 == 0x5E40_0400 { return dis3SameFP16(insn, scalar: true) }
        if insn & 0xDF7E_0C00 == 0x5E78_0800 { return dis2MiscFP16(insn, scalar: true) }
        if insn & 0xDF20_8400 == 0x5E00_8400 { return dis3SameExtra(insn, scalar: true) }
        if insn & 0xDF3E_0C00 == 0x5E20_0800 { return dis2Misc(insn, scalar: true) }
        if insn & 0xDF3E_0C00 == 0x5E30_0800 { return disScalarPairwise(insn) }
        if insn & 0xDF20_0C00 == 0x5E20_0000 { return dis3Different(insn, scalar: true) }
        if insn & 0xDF20_0400 == 0x5E20_0400 { return dis3Same(insn, scalar: true) }
        if insn & 0xDF80_0400 == 0x5F00_0400 { return disShiftImmediate(insn, scalar: true) }
        if insn & 0xDF00_0400 == 0x5F00_0000 { return disIndexed(insn, scalar: true) }
        return nil
    }

    static func dJoin(_ parts: [String]) -> String { parts.joined(separator: ", ") }

    // MARK: Three same

    static let dInt3Same: [[String]] = [
        ["shadd", "sqadd", "srhadd", "", "shsub", "sqsub", "cmgt", "cmge", "sshl", "sqshl", "srshl", "sqrshl",
         "smax", "smin", "sabd", "saba", "add", "cmtst", "mla", "mul", "smaxp", "sminp", "sqdmulh", "addp"],
        ["uhadd", "uqadd", "urhadd", "", "uhsub", "uqsub", "cmhi", "cmhs", "ushl", "uqshl", "urshl", "uqrshl",
         "umax", "umin", "uabd", "uaba", "sub", "cmeq", "mls", "pmul", "umaxp", "uminp", "sqrdmulh", ""],
    ]
    static let dFP3Same: [[String]] = [
        ["fmaxnm", "fmla", "fadd", "fmulx", "fcmeq", "fmlal", "fmax", "frecps"],
        ["fminnm", "fmls", "fsub", "", "", "fmlsl", "fmin", "frsqrts"],
        ["fmaxnmp", "fmlal2", "faddp", "fmul", "fcmge", "facge", "fmaxp", "fdiv"],
        ["fminnmp", "fmlsl2", "fabd", "", "fcmgt", "facgt", "fminp", ""],
    ]

    static func dis3Same(_ insn: UInt32, scalar: Bool) -> Disassembly? {
        let q = bit(insn, 30), u = bit(insn, 29), size = bits(insn, 23, 22), opcode = bits(insn, 15, 11)
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5), rm = bits(insn, 20, 16)
        if opcode >= 24 {
            let a = size >> 1, sz = size & 1
            let name = dFP3Same[u * 2 + a][opcode - 24]
            guard !name.isEmpty else { return nil }
            if name.hasPrefix("fmlal") || name.hasPrefix("fmlsl") {
                guard !scalar else { return nil } // objdump ignores sz here
                return Disassembly(name, dJoin([dVT(rd, q == 1 ? "4s" : "2s"), dVT(rn, q == 1 ? "4h" : "2h"), dVT(rm, q == 1 ? "4h" : "2h")]))
            }
            if scalar {
                let ok = ["fmulx", "fcmeq", "frecps", "frsqrts", "fcmge", "facge", "fabd", "fcmgt", "facgt"]
                guard ok.contains(name) else { return nil }
                let b = sz == 1 ? 8 : 4
                return Disassembly(name, dJoin([dV(b, rd), dV(b, rn), dV(b, rm)]))
            }
            guard !(sz == 1 && q == 0) else { return nil }
            let t = dArr(2 + sz, q)
            return Disassembly(name, dJoin([dVT(rd, t), dVT(rn, t), dVT(rm, t)]))
        }
        if opcode == 3 {
            guard !scalar else { return nil }
            let t = q == 1 ? "16b" : "8b"
            let names = u == 0 ? ["and", "bic", "orr", "orn"] : ["eor", "bsl", "bit", "bif"]
            if u == 0 && size == 2 && rn == rm { return Disassembly("mov", dJoin([dVT(rd, t), dVT(rn, t)])) }
            return Disassembly(names[size], dJoin([dVT(rd, t), dVT(rn, t), dVT(rm, t)]))
        }
        let name = dInt3Same[u][opcode]
        guard !name.isEmpty else { return nil }
        if scalar {
            switch opcode {
            case 1, 5, 9, 11: break
            case 6, 7, 8, 10, 16, 17: guard size == 3 else { return nil }
            case 22: guard size == 1 || size == 2 else { return nil }
            default: return nil
            }
            let b = 1 << size
            return Disassembly(name, dJoin([dV(b, rd), dV(b, rn), dV(b, rm)]))
        }
        switch opcode {
        case 1, 5, 6, 7, 8, 9, 10, 11, 16, 17, 23: guard !(size == 3 && q == 0) else { return nil }
        case 19: if u == 1 { guard size == 0 else { return nil } } else { guard size != 3 else { return nil } }
        case 22: guard size == 1 || size == 2 else { return nil }
        default: guard size != 3 else { return nil }
        }
        let t = dArr(size, q)
        return Disassembly(name, dJoin([dVT(rd, t), dVT(rn, t), dVT(rm, t)]))
    }

    static func dis3SameFP16(_ insn: UInt32, scalar: Bool) -> Disassembly? {
        let q = bit(insn, 30), u = bit(insn, 29), a = bit(insn, 23), opcode = bits(insn, 13, 11)
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5), rm = bits(insn, 20, 16)
        let name = dFP3Same[u * 2 + a][opcode == 5 ? 5 : opcode]
        guard !name.isEmpty, !name.hasPrefix("fmlal"), !name.hasPrefix("fmlsl") else { return nil }
        if scalar {
            let ok = ["fmulx", "fcmeq", "frecps", "frsqrts", "fcmge", "facge", "fabd", "fcmgt", "facgt"]
            guard ok.contains(name) else { return nil }
            return Disassembly(name, dJoin([dV(2, rd), dV(2, rn), dV(2, rm)]))
        }
        let t = q == 1 ? "8h" : "4h"
        return Disassembly(name, dJoin([dVT(rd, t), dVT(rn, t), dVT(rm, t)]))
    }

    static func dis3SameExtra(_ insn: UInt32, scalar: Bool) -> Disassembly? {
        let q = bit(insn, 30), u = bit(insn, 29), size = bits(insn, 23, 22), opcode = bits(insn, 14, 11)
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5), rm = bits(insn, 20, 16)
        if scalar {
            guard u == 1, opcode <= 1, size == 1 || size == 2 else { return nil }
            let b = 1 << size
            return Disassembly(opcode == 0 ? "sqrdmlah" : "sqrdmlsh", dJoin([dV(b, rd), dV(b, rn), dV(b, rm)]))
        }
        switch (u, opcode) {
        case (1, 0), (1, 1):
            guard size == 1 || size == 2 else { return nil }
            let t = dArr(size, q)
            return Disassembly(opcode == 0 ? "sqrdmlah" : "sqrdmlsh", dJoin([dVT(rd, t), dVT(rn, t), dVT(rm, t)]))
        case (_, 2), (0, 3):
            guard size == 2 else { return nil }
            let name = opcode == 3 ? "usdot" : (u == 1 ? "udot" : "sdot")
            let b = q == 1 ? "16b" : "8b"
            return Disassembly(name, dJoin([dVT(rd, q == 1 ? "4s" : "2s"), dVT(rn, b), dVT(rm, b)]))
        case (_, 4), (0, 5):
            guard size == 2, q == 1 else { return nil }
            let name = opcode == 5 ? "usmmla" : (u == 1 ? "ummla" : "smmla")
            return Disassembly(name, dJoin([dVT(rd, "4s"), dVT(rn, "16b"), dVT(rm, "16b")]))
        case (1, 8...11):
            guard size != 0, !(size == 3 && q == 0) else { return nil }
            let t = dArr(size, q)
            return Disassembly("fcmla", dJoin([dVT(rd, t), dVT(rn, t), dVT(rm, t), "#\((opcode & 3) * 90)"]))
        case (1, 12), (1, 14):
            guard size != 0, !(size == 3 && q == 0) else { return nil }
            let t = dArr(size, q)
            return Disassembly("fcadd", dJoin([dVT(rd, t), dVT(rn, t), dVT(rm, t), opcode == 12 ? "#90" : "#270"]))
        case (1, 13):
            guard size == 1, q == 1 else { return nil }
            return Disassembly("bfmmla", dJoin([dVT(rd, "4s"), dVT(rn, "8h"), dVT(rm, "8h")]))
        case (1, 15):
            if size == 1 {
                return Disassembly("bfdot", dJoin([dVT(rd, q == 1 ? "4s" : "2s"), dVT(rn, q == 1 ? "8h" : "4h"), dVT(rm, q == 1 ? "8h" : "4h")]))
            }
            guard size == 3 else { return nil }
            return Disassembly(q == 1 ? "bfmlalt" : "bfmlalb", dJoin([dVT(rd, "4s"), dVT(rn, "8h"), dVT(rm, "8h")]))
        default:
            return nil
        }
    }

    // MARK: Two-register miscellaneous

    static let dFP2Misc: [[Int: String]] = [
        [24: "frintn", 25: "frintm", 26: "fcvtns", 27: "fcvtms", 28: "fcvtas", 29: "scvtf", 30: "frint32z", 31: "frint64z"],
        [12: "fcmgt", 13: "fcmeq", 14: "fcmlt", 15: "fabs", 24: "frintp", 25: "frintz", 26: "fcvtps", 27: "fcvtzs",
         28: "urecpe", 29: "frecpe", 31: "frecpx"],
        [24: "frinta", 25: "frintx", 26: "fcvtnu", 27: "fcvtmu", 28: "fcvtau", 29: "ucvtf", 30: "frint32x", 31: "frint64x"],
        [12: "fcmge", 13: "fcmle", 15: "fneg", 25: "frinti", 26: "fcvtpu", 27: "fcvtzu", 28: "ursqrte", 29: "frsqrte", 31: "fsqrt"],
    ]
    static let dInt2Misc: [[Int: String]] = [
        [0: "rev64", 1: "rev16", 2: "saddlp", 3: "suqadd", 4: "cls", 5: "cnt", 6: "sadalp", 7: "sqabs",
         8: "cmgt", 9: "cmeq", 10: "cmlt", 11: "abs", 18: "xtn", 20: "sqxtn"],
        [0: "rev32", 2: "uaddlp", 3: "usqadd", 4: "clz", 5: "not", 6: "uadalp", 7: "sqneg",
         8: "cmge", 9: "cmle", 11: "neg", 18: "sqxtun", 19: "shll", 20: "uqxtn"],
    ]

    static func dis2Misc(_ insn: UInt32, scalar: Bool) -> Disassembly? {
        let q = bit(insn, 30), u = bit(insn, 29), size = bits(insn, 23, 22), opcode = bits(insn, 16, 12)
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5)
        let q2 = q == 1 ? "2" : ""
        if (12...15).contains(opcode) || opcode >= 24 {
            let a = size >> 1, sz = size & 1
            guard let name = dFP2Misc[u * 2 + a][opcode] else { return nil }
            let zero = (12...14).contains(opcode) ? ", #0.0" : ""
            if scalar {
                guard !name.hasPrefix("frint"), name != "fabs", name != "fneg", name != "fsqrt",
                      name != "urecpe", name != "ursqrte" else { return nil }
                let b = sz == 1 ? 8 : 4
                return Disassembly(name, dV(b, rd) + ", " + dV(b, rn) + zero)
            }
            if name == "frecpx" { return nil }
            if name == "urecpe" || name == "ursqrte" { guard sz == 0 else { return nil } }
            guard !(sz == 1 && q == 0) else { return nil }
            let t = dArr(2 + sz, q)
            return Disassembly(name, dVT(rd, t) + ", " + dVT(rn, t) + zero)
        }
        switch (u, opcode) {
        case (0, 22), (0, 23), (1, 22):
            if opcode == 23 {
                guard !scalar, size < 2 else { return nil }
                return Disassembly("fcvtl" + q2, dVT(rd, size & 1 == 1 ? "2d" : "4s") + ", " + dVT(rn, dArr(size & 1 == 1 ? 2 : 1, q)))
            }
            if u == 1 {
                guard size == 1 else { return nil }
                if scalar { return Disassembly("fcvtxn", "s\(rd), d\(rn)") }
                return Disassembly("fcvtxn" + q2, dVT(rd, dArr(2, q)) + ", " + dVT(rn, "2d"))
            }
            guard !scalar else { return nil }
            if size == 2 { return Disassembly("bfcvtn" + q2, dVT(rd, dArr(1, q)) + ", " + dVT(rn, "4s")) }
            guard size < 2 else { return nil }
            return Disassembly("fcvtn" + q2, dVT(rd, dArr(size + 1, q)) + ", " + dVT(rn, size == 1 ? "2d" : "4s"))
        default: break
        }
        guard let name = dInt2Misc[u][opcode] else { return nil }
        let zero = (8...10).contains(opcode) ? ", #0" : ""
        if scalar {
            switch opcode {
            case 3, 7: let b = 1 << size; return Disassembly(name, dV(b, rd) + ", " + dV(b, rn))
            case 8, 9, 10, 11:
                guard size == 3 else { return nil }
                return Disassembly(name, "d\(rd), d\(rn)" + zero)
            case 18, 20:
                guard size < 3, opcode == 20 || u == 1 else { return nil }
                return Disassembly(name, dV(1 << size, rd) + ", " + dV(2 << size, rn))
            default: return nil
            }
        }
        switch opcode {
        case 0: guard size + u < 3 else { return nil }
        case 1, 5:
            if opcode == 5 && u == 1 {
                guard size <= 1 else { return nil }
                let t = dArr(0, q)
                return Disassembly(size == 0 ? "mvn" : "rbit", dVT(rd, t) + ", " + dVT(rn, t))
            }
            guard size == 0 else { return nil }
        case 2, 6:
            guard size < 3 else { return nil }
            return Disassembly(name, dVT(rd, dArr(size + 1, q)) + ", " + dVT(rn, dArr(size, q)))
        case 4: guard size < 3 else { return nil }
        case 18, 20:
            guard size < 3 else { return nil }
            return Disassembly(name + q2, dVT(rd, dArr(size, q)) + ", " + dVT(rn, dArr(size + 1, 1)))
        case 19:
            guard size < 3 else { return nil }
            return Disassembly("shll" + q2, dVT(rd, dArr(size + 1, 1)) + ", " + dVT(rn, dArr(size, q)) + ", #\(8 << size)")
        default: guard !(size == 3 && q == 0) else { return nil }
        }
        let t = dArr(size, q)
        return Disassembly(name, dVT(rd, t) + ", " + dVT(rn, t) + zero)
    }

    static func dis2MiscFP16(_ insn: UInt32, scalar: Bool) -> Disassembly? {
        let q = bit(insn, 30), u = bit(insn, 29), a = bit(insn, 23), opcode = bits(insn, 16, 12)
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5)
        guard let name = dFP2Misc[u * 2 + a][opcode], name != "urecpe", name != "ursqrte",
              !name.hasPrefix("frint3"), !name.hasPrefix("frint6") else { return nil }
        let zero = (12...14).contains(opcode) ? ", #0.0" : ""
        if scalar {
            guard !name.hasPrefix("frint"), name != "fabs", name != "fneg", name != "fsqrt" else { return nil }
            return Disassembly(name, "h\(rd), h\(rn)" + zero)
        }
        if name == "frecpx" { return nil }
        let t = q == 1 ? "8h" : "4h"
        return Disassembly(name, dVT(rd, t) + ", " + dVT(rn, t) + zero)
    }

    // MARK: Across lanes and pairwise

    static func disAcrossLanes(_ insn: UInt32) -> Disassembly? {
        let q = bit(insn, 30), u = bit(insn, 29), size = bits(insn, 23, 22), opcode = bits(insn, 16, 12)
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5)
        if opcode == 12 || opcode == 15 {
            let a = size >> 1
            let name = opcode == 12 ? (a == 0 ? "fmaxnmv" : "fminnmv") : (a == 0 ? "fmaxv" : "fminv")
            if u == 0 {
                guard size & 1 == 0 else { return nil }
                return Disassembly(name, "h\(rd), " + dVT(rn, q == 1 ? "8h" : "4h"))
            }
            guard size & 1 == 0, q == 1 else { return nil }
            return Disassembly(name, "s\(rd), " + dVT(rn, "4s"))
        }
        guard size < 3, !(size == 2 && q == 0) else { return nil }
        switch (u, opcode) {
        case (_, 3): return Disassembly(u == 1 ? "uaddlv" : "saddlv", dV(2 << size, rd) + ", " + dVA(rn, size, q))
        case (_, 10): return Disassembly(u == 1 ? "umaxv" : "smaxv", dV(1 << size, rd) + ", " + dVA(rn, size, q))
        case (_, 26): return Disassembly(u == 1 ? "uminv" : "sminv", dV(1 << size, rd) + ", " + dVA(rn, size, q))
        case (0, 27): return Disassembly("addv", dV(1 << size, rd) + ", " + dVA(rn, size, q))
        default: return nil
        }
    }

    static func disScalarPairwise(_ insn: UInt32) -> Disassembly? {
        let u = bit(insn, 29), size = bits(insn, 23, 22), opcode = bits(insn, 16, 12)
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5)
        if u == 0 && opcode == 27 {
            guard size == 3 else { return nil }
            return Disassembly("addp", "d\(rd), " + dVT(rn, "2d"))
        }
        let a = size >> 1, sz = size & 1
        let name: String
        switch (opcode, a) {
        case (12, 0): name = "fmaxnmp"
        case (12, 1): name = "fminnmp"
        case (13, 0): name = "faddp"
        case (15, 0): name = "fmaxp"
        case (15, 1): name = "fminp"
        default: return nil
        }
        if u == 0 {
            guard sz == 0 else { return nil }
            return Disassembly(name, "h\(rd), " + dVT(rn, "2h"))
        }
        return Disassembly(name, dV(sz == 1 ? 8 : 4, rd) + ", " + dVT(rn, sz == 1 ? "2d" : "2s"))
    }

    // MARK: Three different

    static func dis3Different(_ insn: UInt32, scalar: Bool) -> Disassembly? {
        let q = bit(insn, 30), u = bit(insn, 29), size = bits(insn, 23, 22), opcode = bits(insn, 15, 12)
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5), rm = bits(insn, 20, 16)
        let q2 = q == 1 ? "2" : ""
        if scalar {
            guard u == 0, size == 1 || size == 2 else { return nil }
            let names = [9: "sqdmlal", 11: "sqdmlsl", 13: "sqdmull"]
            guard let name = names[opcode] else { return nil }
            return Disassembly(name, dJoin([dV(2 << size, rd), dV(1 << size, rn), dV(1 << size, rm)]))
        }
        let s = u == 1 ? "u" : "s"
        let wide = dArr(size + 1, 1), narrow = dArr(size, q)
        switch opcode {
        case 0, 2, 5, 7, 8, 10, 12:
            guard size < 3 else { return nil }
            let base = [0: "addl", 2: "subl", 5: "abal", 7: "abdl", 8: "mlal", 10: "mlsl", 12: "mull"][opcode]!
            return Disassembly(s + base + q2, dJoin([dVT(rd, wide), dVT(rn, narrow), dVT(rm, narrow)]))
        case 1, 3:
            guard size < 3 else { return nil }
            return Disassembly(s + (opcode == 1 ? "addw" : "subw") + q2, dJoin([dVT(rd, wide), dVT(rn, wide), dVT(rm, narrow)]))
        case 4, 6:
            guard size < 3 else { return nil }
            let name = (u == 1 ? "r" : "") + (opcode == 4 ? "addhn" : "subhn") + q2
            return Disassembly(name, dJoin([dVT(rd, narrow), dVT(rn, wide), dVT(rm, wide)]))
        case 9, 11, 13:
            guard u == 0, size == 1 || size == 2 else { return nil }
            let name = [9: "sqdmlal", 11: "sqdmlsl", 13: "sqdmull"][opcode]! + q2
            return Disassembly(name, dJoin([dVT(rd, wide), dVT(rn, narrow), dVT(rm, narrow)]))
        case 14:
            guard u == 0 else { return nil }
            if size == 3 { return Disassembly("pmull" + q2, dJoin([dVT(rd, "1q"), dVT(rn, dArr(3, q)), dVT(rm, dArr(3, q))])) }
            guard size == 0 else { return nil }
            return Disassembly("pmull" + q2, dJoin([dVT(rd, "8h"), dVT(rn, narrow), dVT(rm, narrow)]))
        default:
            return nil
        }
    }
}

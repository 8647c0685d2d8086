// MARK: - Disassembly: AdvSIMD shift by immediate and by-element groups

extension Disassembler {
    static func disShiftImmediate(_ insn: UInt32, scalar: Bool) -> Disassembly? {
        let q = scalar ? 1 : bit(insn, 30), u = bit(insn, 29), opcode = bits(insn, 15, 11)
        let immh = bits(insn, 22, 19), immhb = bits(insn, 22, 16)
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5)
        let size = 3 - immh.leadingZeroBitCount + (Int.bitWidth - 4)
        let right = (16 << size) - immhb, left = immhb - (8 << size)
        let q2 = q == 1 && !scalar ? "2" : ""
        let same: [Int: String] = u == 0
            ? [0: "sshr", 2: "ssra", 4: "srshr", 6: "srsra", 10: "shl", 14: "sqshl"]
            : [0: "ushr", 2: "usra", 4: "urshr", 6: "ursra", 8: "sri", 10: "sli", 12: "sqshlu", 14: "uqshl"]
        if let name = same[opcode] {
            let amount = opcode >= 10 ? left : right
            if scalar {
                guard opcode >= 12 || size == 3 else { return nil }
                let b = 1 << size
                return Disassembly(name, dV(b, rd) + ", " + dV(b, rn) + ", " + dDec(amount))
            }
            guard !(size == 3 && q == 0) else { return nil }
            let t = dArr(size, q)
            return Disassembly(name, dVT(rd, t) + ", " + dVT(rn, t) + ", " + dDec(amount))
        }
        switch opcode {
        case 16...19:
            guard size < 3 else { return nil }
            let names = u == 0 ? ["shrn", "rshrn", "sqshrn", "sqrshrn"] : ["sqshrun", "sqrshrun", "uqshrn", "uqrshrn"]
            let name = names[opcode - 16]
            if scalar {
                guard u == 1 || opcode >= 18 else { return nil }
                return Disassembly(name, dV(1 << size, rd) + ", " + dV(2 << size, rn) + ", " + dDec(right))
            }
            return Disassembly(name + q2, dVT(rd, dArr(size, q)) + ", " + dVT(rn, dArr(size + 1, 1)) + ", " + dDec(right))
        case 20:
            guard !scalar, size < 3 else { return nil }
            let dst = dVT(rd, dArr(size + 1, 1)), src = dVT(rn, dArr(size, q))
            if left == 0 { return Disassembly((u == 1 ? "uxtl" : "sxtl") + q2, dst + ", " + src) }
            return Disassembly((u == 1 ? "ushll" : "sshll") + q2, dst + ", " + src + ", " + dDec(left))
        case 28, 31:
            guard size >= 1 else { return nil }
            let name = opcode == 28 ? (u == 1 ? "ucvtf" : "scvtf") : (u == 1 ? "fcvtzu" : "fcvtzs")
            if scalar {
                let b = 1 << size
                return Disassembly(name, dV(b, rd) + ", " + dV(b, rn) + ", " + dDec(right))
            }
            guard !(size == 3 && q == 0) else { return nil }
            let t = dArr(size, q)
            return Disassembly(name, dVT(rd, t) + ", " + dVT(rn, t) + ", " + dDec(right))
        default:
            return nil
        }
    }

    static func disIndexed(_ insn: UInt32, scalar: Bool) -> Disassembly? {
        let q = bit(insn, 30), u = bit(insn, 29), size = bits(insn, 23, 22), opcode = bits(insn, 15, 12)
        let l = bit(insn, 21), m = bit(insn, 20), h = bit(insn, 11)
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5)
        let rm4 = bits(insn, 19, 16), rm5 = bits(insn, 20, 16)
        // The element operand for an element of 2, 4 or 8 bytes.
        func elem(_ bytes: Int) -> String? {
            switch bytes {
            case 2: return "v\(rm4).h[\((h << 2) | (l << 1) | m)]"
            case 4: return "v\(rm5).s[\((h << 1) | l)]"
            default: return l == 0 ? "v\(rm5).d[\(h)]" : nil
            }
        }
        let q2 = q == 1 && !scalar ? "2" : ""
        switch (u, opcode) {
        case (0, 1), (0, 5), (0, 9), (1, 9):
            let name = [1: "fmla", 5: "fmls", 9: u == 1 ? "fmulx" : "fmul"][opcode]!
            let bytes: Int
            switch size {
            case 0: bytes = 2
            case 2: bytes = 4
            case 3: bytes = 8
            default: return nil
            }
            guard let e = elem(bytes) else { return nil }
            if scalar { return Disassembly(name, dJoin([dV(bytes, rd), dV(bytes, rn), e])) }
            guard !(bytes == 8 && q == 0) else { return nil }
            let t = dArr(bytes.trailingZeroBitCount, q)
            return Disassembly(name, dJoin([dVT(rd, t), dVT(rn, t), e]))
        case (0, 0), (0, 4), (1, 8), (1, 12):
            guard !scalar, size == 2 else { return nil }
            let name = [0: "fmlal", 4: "fmlsl", 8: "fmlal2", 12: "fmlsl2"][opcode]!
            return Disassembly(name, dJoin([dVT(rd, q == 1 ? "4s" : "2s"), dVT(rn, q == 1 ? "4h" : "2h"), elem(2)!]))
        case (1, 1), (1, 3), (1, 5), (1, 7):
            guard !scalar else { return nil }
            let rot = "#\(bits(insn, 14, 13) * 90)"
            if size == 1 {
                let t = q == 1 ? "8h" : "4h"
                return Disassembly("fcmla", dJoin([dVT(rd, t), dVT(rn, t), "v\(rm5).h[\((h << 1) | l)]", rot]))
            }
            guard size == 2, q == 1, l == 0 else { return nil }
            return Disassembly("fcmla", dJoin([dVT(rd, "4s"), dVT(rn, "4s"), "v\(rm5).s[\(h)]", rot]))
        case (0, 14), (1, 14), (0, 15):
            guard !scalar else { return nil }
            let t = q == 1 ? "4s" : "2s"
            if opcode == 15 && size == 1 {
                return Disassembly("bfdot", dJoin([dVT(rd, t), dVT(rn, q == 1 ? "8h" : "4h"), "v\(rm5).2h[\((h << 1) | l)]"]))
            }
            if opcode == 15 && size == 3 {
                return Disassembly(q == 1 ? "bfmlalt" : "bfmlalb", dJoin([dVT(rd, "4s"), dVT(rn, "8h"), elem(2)!]))
            }
            let name = opcode == 14 ? (u == 1 ? "udot" : "sdot") : (size == 0 ? "sudot" : "usdot")
            guard size == 2 || (opcode == 15 && size == 0) else { return nil }
            return Disassembly(name, dJoin([dVT(rd, t), dVT(rn, q == 1 ? "16b" : "8b"), "v\(rm5).4b[\((h << 1) | l)]"]))
        default:
            break
        }
        guard size == 1 || size == 2, let e = elem(1 << size) else { return nil }
        let long: [Int: String] = u == 0
            ? [2: "smlal", 6: "smlsl", 10: "smull", 3: "sqdmlal", 7: "sqdmlsl", 11: "sqdmull"]
            : [2: "umlal", 6: "umlsl", 10: "umull"]
        if let name = long[opcode] {
            if scalar {
                guard name.hasPrefix("sqd") else { return nil }
                return Disassembly(name, dJoin([dV(2 << size, rd), dV(1 << size, rn), e]))
            }
            return Disassembly(name + q2, dJoin([dVT(rd, dArr(size + 1, 1)), dVT(rn, dArr(size, q)), e]))
        }
        let same: [Int: String] = u == 0
            ? [8: "mul", 12: "sqdmulh", 13: "sqrdmulh"]
            : [0: "mla", 4: "mls", 13: "sqrdmlah", 15: "sqrdmlsh"]
        guard let name = same[opcode] else { return nil }
        if scalar {
            guard name.hasPrefix("sq") else { return nil }
            return Disassembly(name, dJoin([dV(1 << size, rd), dV(1 << size, rn), e]))
        }
        let t = dArr(size, q)
        return Disassembly(name, dJoin([dVT(rd, t), dVT(rn, t), e]))
    }
}

// AdvSIMD copy (DUP/INS/UMOV/SMOV), permute (UZP/TRN/ZIP), extract (EXT),
// table lookup (TBL/TBX) and modified immediate (MOVI/MVNI/ORR/BIC/FMOV).

@inline(__always) func simdCopy(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, op = (insn >> 29) & 1
    let imm5 = Int((insn >> 16) & 0x1F), imm4 = Int((insn >> 11) & 0xF)
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    if imm5 & 0xF == 0 { return .undefined }
    let size = imm5.trailingZeroBitCount
    let bits = 8 << size
    let index = imm5 >> (size + 1)
    if op == 1 {
        if !q { return .undefined }
        var dst = readV(r, d)
        dst.setElem(index, bits, readV(r, n).elem(imm4 >> size, bits))
        writeV(r, d, dst)
        return .ok
    }
    switch imm4 {
    case 0, 1:
        if size == 3 && !q { return .undefined }
        let v = imm4 == 0 ? readV(r, n).elem(index, bits) : r[n] & emask(bits)
        let rep = v &* laneOnes(bits)
        writeVQ(r, d, V128(rep, rep), q)
    case 3:
        if !q { return .undefined }
        var dst = readV(r, d)
        dst.setElem(index, bits, r[n])
        writeV(r, d, dst)
    case 5:
        if size > (q ? 2 : 1) { return .undefined }
        let v = UInt64(bitPattern: sext(readV(r, n).elem(index, bits), bits))
        writeXReg(r, d, q ? v : v & 0xFFFF_FFFF)
    case 7:
        if q ? size != 3 : size > 2 { return .undefined }
        writeXReg(r, d, readV(r, n).elem(index, bits))
    default: return .undefined
    }
    return .ok
}

/// DUP (element), scalar form: MOV Bd/Hd/Sd/Dd, Vn.T[i].
@inline(__always) func simdScalarDup(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let imm5 = Int((insn >> 16) & 0x1F)
    if imm5 & 0xF == 0 { return .undefined }
    let size = imm5.trailingZeroBitCount
    let bits = 8 << size
    writeScalarBits(r, Int(insn & 31), readV(r, Int((insn >> 5) & 31)).elem(imm5 >> (size + 1), bits))
    return .ok
}

@inline(__always) func simdPermute(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, size = Int((insn >> 22) & 3), opcode = (insn >> 12) & 7
    if size == 3 && !q { return .undefined }
    let d = Int(insn & 31), a = readV(r, Int((insn >> 5) & 31)), b = readV(r, Int((insn >> 16) & 31))
    let bits = 8 << size
    let elements = (q ? 128 : 64) / bits
    let half = elements / 2
    let part = Int(opcode >> 2)
    var res = V128()
    switch opcode & 3 {
    case 1:
        for i in 0..<elements {
            let j = 2 * i + part
            res.setElem(i, bits, j < elements ? a.elem(j, bits) : b.elem(j - elements, bits))
        }
    case 2:
        for i in 0..<half {
            res.setElem(2 * i, bits, a.elem(2 * i + part, bits))
            res.setElem(2 * i + 1, bits, b.elem(2 * i + part, bits))
        }
    case 3:
        let base = part * half
        for i in 0..<half {
            res.setElem(2 * i, bits, a.elem(base + i, bits))
            res.setElem(2 * i + 1, bits, b.elem(base + i, bits))
        }
    default: return .undefined
    }
    writeVQ(r, d, res, q)
    return .ok
}

@inline(__always) func simdExtract(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, imm4 = Int((insn >> 11) & 0xF)
    if !q && imm4 >= 8 { return .undefined }
    let d = Int(insn & 31), a = readV(r, Int((insn >> 5) & 31)), b = readV(r, Int((insn >> 16) & 31))
    let bytes = q ? 16 : 8
    var res = V128()
    for i in 0..<bytes {
        let j = imm4 + i
        res.setElem(i, 8, j < bytes ? a.byte(j) : b.byte(j - bytes))
    }
    writeVQ(r, d, res, q)
    return .ok
}

@inline(__always) func simdTableLookup(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, regs = Int((insn >> 13) & 3) + 1, isTBX = (insn >> 12) & 1 == 1
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    let idx = readV(r, Int((insn >> 16) & 31))
    var res = isTBX ? readV(r, d) : V128()
    let bytes = q ? 16 : 8
    for i in 0..<bytes {
        let k = Int(idx.byte(i))
        if k < 16 * regs {
            res.setElem(i, 8, readV(r, (n + k / 16) & 31).byte(k & 15))
        } else if !isTBX {
            res.setElem(i, 8, 0)
        }
    }
    writeVQ(r, d, res, q)
    return .ok
}

// MARK: - Modified immediate

/// What a modified-immediate encoding does with its expanded immediate.
enum SIMDImmediateKind { case move, orr, bic }

/// AdvSIMDExpandImm for MOVI, MVNI, ORR, BIC and FMOV (vector, immediate):
/// the 64-bit pattern written to (or combined with) each half of the
/// register, MVNI's inversion already applied. nil when unallocated (FMOV of
/// a double with Q = 0).
@inline(__always) func advSIMDExpandImm(op: UInt32, cmode: UInt32, imm8: UInt64, q: Bool) -> (UInt64, SIMDImmediateKind)? {
    var imm: UInt64
    switch cmode >> 1 {
    case 0: imm = imm8
    case 1: imm = imm8 << 8
    case 2: imm = imm8 << 16
    case 3: imm = imm8 << 24
    case 4: imm = imm8 | (imm8 << 16)
    case 5: imm = (imm8 << 8) | (imm8 << 24)
    case 6: imm = cmode & 1 == 0 ? (imm8 << 8) | 0xFF : (imm8 << 16) | 0xFFFF
    default:
        if cmode & 1 == 0 {
            if op == 0 { return (imm8 &* 0x0101_0101_0101_0101, .move) }
            imm = 0
            for i in 0..<8 where (imm8 >> UInt64(i)) & 1 == 1 { imm |= 0xFF << UInt64(8 * i) }
            return (imm, .move)
        }
        if op == 0 {
            let s = vfpExpandImm(imm8, size: 32)
            return (s | (s << 32), .move)
        }
        return q ? (vfpExpandImm(imm8, size: 64), .move) : nil
    }
    if cmode >> 2 == 2 {
        // 16-bit forms: replicate to four halfwords.
        imm = (imm & 0xFFFF) | ((imm & 0xFFFF) << 16)
    }
    imm = (imm & 0xFFFF_FFFF) | ((imm & 0xFFFF_FFFF) << 32)
    if cmode < 12 && cmode & 1 == 1 { return (imm, op == 0 ? .orr : .bic) }
    return (op == 0 ? imm : ~imm, .move)
}

@inline(__always) func simdModifiedImmediate(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, op = (insn >> 29) & 1
    let cmode = (insn >> 12) & 0xF, o2 = (insn >> 11) & 1
    let imm8 = UInt64(((insn >> 16) & 0x7) << 5 | ((insn >> 5) & 0x1F))
    let d = Int(insn & 31)
    if o2 != 0 { return simdHalfFmovImmediate(r, insn) }
    guard let (imm, kind) = advSIMDExpandImm(op: op, cmode: cmode, imm8: imm8, q: q) else { return .undefined }
    var dst = readV(r, d)
    switch kind {
    case .move: dst = V128(imm, imm)
    case .orr: dst.lo |= imm; dst.hi |= imm
    case .bic: dst.lo &= ~imm; dst.hi &= ~imm
    }
    writeVQ(r, d, dst, q)
    return .ok
}

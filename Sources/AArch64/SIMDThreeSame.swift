// AdvSIMD three same and scalar three same, integer and logical forms
// (Arm ARM C4.1.95.x). FP forms live in SIMDFloat.swift.

/// Shift by register (SSHL/USHL/SRSHL/URSHL): `sh` is the signed shift.
@inline(__always) func simdShiftReg(_ x: UInt64, _ sh: Int, _ bits: Int, signed: Bool, round: Bool) -> UInt64 {
    if sh >= 0 { return sh >= bits ? 0 : (x << UInt64(sh)) & emask(bits) }
    if signed { return UInt64(bitPattern: shrS(sext(x, bits), -sh, round: round)) & emask(bits) }
    return shrU(x, -sh, round: round) & emask(bits)
}

/// Saturating shift left by a non-negative amount (SQSHL/UQSHL/SQSHLU).
@inline(__always) func simdSatShl(_ x: UInt64, _ sh: Int, _ bits: Int, srcSigned: Bool, dstSigned: Bool, _ sat: inout Bool) -> UInt64 {
    if srcSigned {
        let v = sext(x, bits)
        if !dstSigned && v < 0 { sat = true; return 0 }
        if v == 0 { return 0 }
        let limitBits = dstSigned ? bits - 1 : bits
        // Number of significant bits after the shift must fit.
        let mag = v < 0 ? ~v : v
        let need = 64 - mag.leadingZeroBitCount + sh
        if need > limitBits {
            sat = true
            if !dstSigned { return emask(bits) }
            return v < 0 ? (UInt64(1) << UInt64(bits - 1)) : emask(bits - 1)
        }
        return UInt64(bitPattern: v << Int64(sh)) & emask(bits)
    }
    if x == 0 { return 0 }
    let need = 64 - x.leadingZeroBitCount + sh
    if need > bits { sat = true; return emask(bits) }
    return (x << UInt64(sh)) & emask(bits)
}

@inline(__always) func polyMul8(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var res: UInt64 = 0
    for i in 0..<8 where (b >> UInt64(i)) & 1 == 1 { res ^= a << UInt64(i) }
    return res
}

@inline(__always) func simdThreeSame(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, scalar: Bool) -> StepStatus {
    let opcode = Int((insn >> 11) & 0x1F)
    if opcode >= 0x18 { return simdFPThreeSame(r, insn, scalar: scalar) }
    let q = (insn >> 30) & 1 == 1, u = (insn >> 29) & 1 == 1
    let size = Int((insn >> 22) & 3)
    let d = Int(insn & 31), n = Int((insn >> 5) & 31), m = Int((insn >> 16) & 31)
    let a = readV(r, n), b = readV(r, m)
    if opcode == 3 {
        if scalar { return .undefined }
        let dv = readV(r, d)
        var lo: UInt64, hi: UInt64
        switch (u, size) {
        case (false, 0): lo = a.lo & b.lo; hi = a.hi & b.hi
        case (false, 1): lo = a.lo & ~b.lo; hi = a.hi & ~b.hi
        case (false, 2): lo = a.lo | b.lo; hi = a.hi | b.hi
        case (false, _): lo = a.lo | ~b.lo; hi = a.hi | ~b.hi
        case (true, 0): lo = a.lo ^ b.lo; hi = a.hi ^ b.hi
        case (true, 1): lo = (dv.lo & a.lo) | (~dv.lo & b.lo); hi = (dv.hi & a.hi) | (~dv.hi & b.hi)
        case (true, 2): lo = (dv.lo & ~b.lo) | (a.lo & b.lo); hi = (dv.hi & ~b.hi) | (a.hi & b.hi)
        case (true, _): lo = (dv.lo & b.lo) | (a.lo & ~b.lo); hi = (dv.hi & b.hi) | (a.hi & ~b.hi)
        }
        writeVQ(r, d, V128(lo, hi), q)
        return .ok
    }
    let bits = 8 << size
    var elements: Int
    if scalar {
        switch opcode {
        case 1, 5, 9, 11: break
        case 6, 7, 8, 10, 16, 17: if size != 3 { return .undefined }
        case 22: if size == 0 || size == 3 { return .undefined }
        default: return .undefined
        }
        elements = 1
    } else {
        if size == 3 && !q { return .undefined }
        switch opcode {
        case 0, 2, 4, 12, 13, 14, 15, 18, 20, 21: if size == 3 { return .undefined }
        case 19: if size == 3 || (u && size != 0) { return .undefined }
        case 22: if size == 0 || size == 3 { return .undefined }
        case 23: if u { return .undefined }
        default: break
        }
        elements = (q ? 128 : 64) / bits
    }
    var res = V128()
    var sat = false
    if opcode == 20 || opcode == 21 || opcode == 23 {
        // Pairwise over the concatenation m:n.
        let half = elements / 2
        for i in 0..<elements {
            let src = i < half ? a : b
            let j = (i % half) * 2
            let x = src.elem(j, bits), y = src.elem(j + 1, bits)
            var v: UInt64
            if opcode == 23 {
                v = x &+ y
            } else {
                let gt = u ? x > y : sext(x, bits) > sext(y, bits)
                v = (gt == (opcode == 20)) ? x : y
            }
            res.setElem(i, bits, v)
        }
        writeVQ(r, d, res, q)
        return .ok
    }
    let dv = readV(r, d)
    let mask = emask(bits)
    for i in 0..<elements {
        let x = a.elem(i, bits), y = b.elem(i, bits)
        let sx = sext(x, bits), sy = sext(y, bits)
        var v: UInt64
        switch opcode {
        case 0: v = u ? (x &+ y) >> 1 : UInt64(bitPattern: (sx + sy) >> 1)
        case 1: v = u ? uqAdd(x, y, bits, &sat) : sqAdd(x, y, bits, &sat)
        case 2: v = u ? (x &+ y &+ 1) >> 1 : UInt64(bitPattern: (sx + sy + 1) >> 1)
        case 4: v = u ? UInt64(bitPattern: (Int64(x) - Int64(y)) >> 1) : UInt64(bitPattern: (sx - sy) >> 1)
        case 5: v = u ? uqSub(x, y, bits, &sat) : sqSub(x, y, bits, &sat)
        case 6: v = (u ? x > y : sx > sy) ? mask : 0
        case 7: v = (u ? x >= y : sx >= sy) ? mask : 0
        case 8, 10:
            v = simdShiftReg(x, Int(Int8(truncatingIfNeeded: y)), bits, signed: !u, round: opcode == 10)
        case 9, 11:
            let sh = Int(Int8(truncatingIfNeeded: y))
            if sh >= 0 {
                v = simdSatShl(x, sh, bits, srcSigned: !u, dstSigned: !u, &sat)
            } else {
                v = simdShiftReg(x, sh, bits, signed: !u, round: opcode == 11)
            }
        case 12: v = (u ? x > y : sx > sy) ? x : y
        case 13: v = (u ? x < y : sx < sy) ? x : y
        case 14, 15:
            var diff: UInt64
            if u { diff = x > y ? x - y : y - x } else { diff = UInt64(bitPattern: sx > sy ? sx - sy : sy - sx) }
            v = opcode == 15 ? dv.elem(i, bits) &+ diff : diff
        case 16: v = u ? x &- y : x &+ y
        case 17: v = (u ? x == y : x & y != 0) ? mask : 0
        case 18:
            let p = x &* y
            v = u ? dv.elem(i, bits) &- p : dv.elem(i, bits) &+ p
        case 19: v = u ? polyMul8(x, y) : x &* y
        case 22:
            if sx == sy && sx == -(Int64(1) << Int64(bits - 1)) {
                sat = true
                v = emask(bits - 1)
            } else {
                let p = sx * sy
                let rc: Int64 = u ? Int64(1) << Int64(bits - 2) : 0
                v = UInt64(bitPattern: (p + rc) >> Int64(bits - 1))
            }
        default: return .undefined
        }
        res.setElem(i, bits, v & mask)
    }
    if sat { setQC(r) }
    writeVQ(r, d, res, q && !scalar)
    return .ok
}

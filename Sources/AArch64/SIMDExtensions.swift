// MARK: - AdvSIMD extensions: dot product, I8MM, RDM, FCMA, FRINT32/64, PMULL.64
//
// AdvSIMD three same (extra), the by-element forms of the same
// instructions, FRINT32/64 (vector), and the 64-bit polynomial multiply.
// The FP helpers are generic over `ArmFloat` (single and double); the
// half-precision FCMLA and FCADD (size 01, FEAT_FCMA with FEAT_FP16) use
// the FP16 helpers (FPHalf.swift), which honour FPCR.FZ16. The group entry
// points are out of line: these instructions are rare next to the base
// ISA, and inlining them would only grow the cores' dispatch functions.

// MARK: - Element helpers

@inline(__always) func fpNegBits<T: ArmFloat>(_ x: T) -> T { T(bits64: x.bits64 ^ (1 << UInt64(T.width - 1))) }

/// SQRDMLAH (sub false) / SQRDMLSH of one element: the rounded doubled
/// product's high half added to (or subtracted from) the accumulator,
/// saturated (Arm ARM: accum = (acc << esize) +/- 2 * x * y + rounding).
@inline(__always) func sqrdmlahElem(_ acc: UInt64, _ x: UInt64, _ y: UInt64, _ bits: Int, sub: Bool, _ sat: inout Bool) -> UInt64 {
    let a = Int128(sext(acc, bits)) << bits
    let p = 2 * Int128(sext(x, bits)) * Int128(sext(y, bits))
    let v = ((sub ? a - p : a + p) + (Int128(1) << (bits - 1))) >> bits
    let maxv = Int128(1) << (bits - 1)
    if v >= maxv { sat = true; return emask(bits - 1) }
    if v < -maxv { sat = true; return (1 << UInt64(bits - 1)) }
    return UInt64(truncatingIfNeeded: Int64(v)) & emask(bits)
}

/// Sum of the products of the four bytes of `n` and `m` (32-bit lanes),
/// each byte signed or unsigned as the instruction says.
@inline(__always) func dotLane(_ n: UInt64, _ m: UInt64, nSigned: Bool, mSigned: Bool) -> UInt64 {
    var s: Int64 = 0
    for k in 0..<4 {
        let x = (n >> UInt64(8 * k)) & 0xFF, y = (m >> UInt64(8 * k)) & 0xFF
        let sx = nSigned ? sext(x, 8) : Int64(x), sy = mSigned ? sext(y, 8) : Int64(y)
        s &+= sx &* sy
    }
    return UInt64(bitPattern: s)
}

/// Carry-less multiplication of two 64-bit polynomials: (low, high).
@inline(__always) func clmul64(_ a: UInt64, _ b: UInt64) -> (UInt64, UInt64) {
    var lo: UInt64 = 0, hi: UInt64 = 0
    var y = b, i: UInt64 = 0
    while y != 0 {
        if y & 1 != 0 {
            lo ^= a << i
            if i != 0 { hi ^= a >> (64 - i) }
        }
        y >>= 1
        i += 1
    }
    return (lo, hi)
}

/// FCMLA on one complex pair (real at even, imaginary at odd elements):
/// Arm ARM FCMLA, operand1 = Vn pair, operand2 = Vm pair, addend = Vd pair.
@inline(__always) func fcmlaPair<T: ArmFloat>(_ n0: T, _ n1: T, _ m0: T, _ m1: T, _ d0: T, _ d1: T, rot: Int,
                                           _ fpcr: UInt64, _ fl: inout UInt64) -> (T, T) {
    let e1: T, e2: T, e3: T, e4: T
    switch rot {
    case 0: e1 = m0; e2 = n0; e3 = m1; e4 = n0
    case 1: e1 = fpNegBits(m1); e2 = n1; e3 = m0; e4 = n1
    case 2: e1 = fpNegBits(m0); e2 = n0; e3 = fpNegBits(m1); e4 = n0
    default: e1 = m1; e2 = n1; e3 = fpNegBits(m0); e4 = n1
    }
    return (fpMulAdd(d0, e2, e1, fpcr, &fl), fpMulAdd(d1, e4, e3, fpcr, &fl))
}

/// FCMLA (vector, or by element when `index` is given) over elements of T.
@inline(__always) func fcmla<T: ArmFloat>(_ r: UnsafeMutablePointer<UInt64>, _ d: Int, _ n: Int, _ m: Int, q: Bool,
                                       rot: Int, index: Int?, _: T.Type) -> StepStatus {
    let bits = T.width, elements = (q ? 128 : 64) / bits
    let a = readV(r, n), b = readV(r, m), acc = readV(r, d)
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    var res = V128()
    var e = 0
    while e < elements {
        let mi = index.map { 2 * $0 } ?? e
        let (x, y) = fcmlaPair(T(bits64: a.elem(e, bits)), T(bits64: a.elem(e + 1, bits)),
                               T(bits64: b.elem(mi, bits)), T(bits64: b.elem(mi + 1, bits)),
                               T(bits64: acc.elem(e, bits)), T(bits64: acc.elem(e + 1, bits)), rot: rot, fpcr, &fl)
        res.setElem(e, bits, x.bits64 & emask(bits))
        res.setElem(e + 1, bits, y.bits64 & emask(bits))
        e += 2
    }
    r[Slot.fpsr] |= fl
    writeVQ(r, d, res, q)
    return .ok
}

/// FCADD: rotation 90 (rot1 false) or 270 of Vm added to Vn.
@inline(__always) func fcadd<T: ArmFloat>(_ r: UnsafeMutablePointer<UInt64>, _ d: Int, _ n: Int, _ m: Int, q: Bool,
                                       rot270: Bool, _: T.Type) -> StepStatus {
    let bits = T.width, elements = (q ? 128 : 64) / bits
    let a = readV(r, n), b = readV(r, m)
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    var res = V128()
    var e = 0
    while e < elements {
        let b0 = T(bits64: b.elem(e, bits)), b1 = T(bits64: b.elem(e + 1, bits))
        let e1 = rot270 ? b1 : fpNegBits(b1), e3 = rot270 ? fpNegBits(b0) : b0
        res.setElem(e, bits, fpArith(.add, T(bits64: a.elem(e, bits)), e1, fpcr, &fl).bits64 & emask(bits))
        res.setElem(e + 1, bits, fpArith(.add, T(bits64: a.elem(e + 1, bits)), e3, fpcr, &fl).bits64 & emask(bits))
        e += 2
    }
    r[Slot.fpsr] |= fl
    writeVQ(r, d, res, q)
    return .ok
}

/// FCMLA (vector, or by element when `index` is given) over half-precision
/// elements: the pair as in `fcmlaPair`, FPMulAdd with FPCR.FZ16.
@inline(__always) func fcmlaHalf(_ r: UnsafeMutablePointer<UInt64>, _ d: Int, _ n: Int, _ m: Int, q: Bool,
                                 rot: Int, index: Int?) -> StepStatus {
    let a = readV(r, n), b = readV(r, m), acc = readV(r, d)
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    var res = V128()
    var e = 0
    while e < (q ? 8 : 4) {
        let mi = index.map { 2 * $0 } ?? e
        let n0 = a.elem(e, 16), n1 = a.elem(e + 1, 16), m0 = b.elem(mi, 16), m1 = b.elem(mi + 1, 16)
        let e1: UInt64, e2: UInt64, e3: UInt64, e4: UInt64
        switch rot {
        case 0: e1 = m0; e2 = n0; e3 = m1; e4 = n0
        case 1: e1 = m1 ^ H16.sign; e2 = n1; e3 = m0; e4 = n1
        case 2: e1 = m0 ^ H16.sign; e2 = n0; e3 = m1 ^ H16.sign; e4 = n0
        default: e1 = m1; e2 = n1; e3 = m0 ^ H16.sign; e4 = n1
        }
        res.setElem(e, 16, h16MulAdd(acc.elem(e, 16), e2, e1, fpcr, &fl))
        res.setElem(e + 1, 16, h16MulAdd(acc.elem(e + 1, 16), e4, e3, fpcr, &fl))
        e += 2
    }
    r[Slot.fpsr] |= fl
    writeVQ(r, d, res, q)
    return .ok
}

/// FCADD over half-precision elements: rotation 90 or 270 of Vm added to Vn.
@inline(__always) func fcaddHalf(_ r: UnsafeMutablePointer<UInt64>, _ d: Int, _ n: Int, _ m: Int, q: Bool,
                                 rot270: Bool) -> StepStatus {
    let a = readV(r, n), b = readV(r, m)
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    var res = V128()
    var e = 0
    while e < (q ? 8 : 4) {
        let b0 = b.elem(e, 16), b1 = b.elem(e + 1, 16)
        let e1 = rot270 ? b1 : b1 ^ H16.sign, e3 = rot270 ? b0 ^ H16.sign : b0
        res.setElem(e, 16, h16Add(a.elem(e, 16), e1, sub: false, fpcr, &fl))
        res.setElem(e + 1, 16, h16Add(a.elem(e + 1, 16), e3, sub: false, fpcr, &fl))
        e += 2
    }
    r[Slot.fpsr] |= fl
    writeVQ(r, d, res, q)
    return .ok
}

/// SDOT/UDOT/USDOT/SUDOT over 32-bit lanes; `mLane` picks one 32-bit
/// element of Vm for every lane (by element) or nil for lane-by-lane.
@inline(__always) func simdDot(_ r: UnsafeMutablePointer<UInt64>, _ d: Int, _ n: Int, _ m: Int, q: Bool,
                               nSigned: Bool, mSigned: Bool, mLane: Int?) -> StepStatus {
    let a = readV(r, n), b = readV(r, m), acc = readV(r, d)
    var res = V128()
    for e in 0..<(q ? 4 : 2) {
        let y = b.elem(mLane ?? e, 32)
        res.setElem(e, 32, (acc.elem(e, 32) &+ dotLane(a.elem(e, 32), y, nSigned: nSigned, mSigned: mSigned)) & 0xFFFF_FFFF)
    }
    writeVQ(r, d, res, q)
    return .ok
}

/// SMMLA/UMMLA/USMMLA: Vd (2x2 of 32-bit) += Vn (2x8 bytes) x transpose(Vm).
@inline(__always) func simdMatMul(_ r: UnsafeMutablePointer<UInt64>, _ d: Int, _ n: Int, _ m: Int,
                                  nSigned: Bool, mSigned: Bool) -> StepStatus {
    let a = readV(r, n), b = readV(r, m), acc = readV(r, d)
    var res = V128()
    for i in 0..<2 {
        let row = i == 0 ? a.lo : a.hi
        for j in 0..<2 {
            let col = j == 0 ? b.lo : b.hi
            let lo = dotLane(row, col, nSigned: nSigned, mSigned: mSigned)
            let hi = dotLane(row >> 32, col >> 32, nSigned: nSigned, mSigned: mSigned)
            res.setElem(2 * i + j, 32, (acc.elem(2 * i + j, 32) &+ lo &+ hi) & 0xFFFF_FFFF)
        }
    }
    writeV(r, d, res)
    return .ok
}

/// SQRDMLAH/SQRDMLSH: vector, scalar (one element) or by element (`yIndex`).
@inline(__always) func simdRDM(_ r: UnsafeMutablePointer<UInt64>, _ d: Int, _ n: Int, _ m: Int, q: Bool, scalar: Bool,
                               bits: Int, sub: Bool, yIndex: Int?) -> StepStatus {
    let a = readV(r, n), b = readV(r, m), acc = readV(r, d)
    let elements = scalar ? 1 : (q ? 128 : 64) / bits
    var res = V128(), sat = false
    for e in 0..<elements {
        let y = b.elem(yIndex ?? e, bits)
        res.setElem(e, bits, sqrdmlahElem(acc.elem(e, bits), a.elem(e, bits), y, bits, sub: sub, &sat))
    }
    if sat { setQC(r) }
    writeVQ(r, d, res, q && !scalar)
    return .ok
}

// MARK: - Decode of the groups

/// AdvSIMD three same (extra) and its scalar form (bit 21 = 0, bits 15 and
/// 10 set): SQRDMLAH/SQRDMLSH, SDOT/UDOT/USDOT, SMMLA/UMMLA/USMMLA, FCMLA, FCADD.
@inline(never) func simdThreeSameExtra(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, scalar: Bool) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, u = (insn >> 29) & 1
    let size = Int((insn >> 22) & 3), opcode = Int((insn >> 11) & 0xF)
    let d = Int(insn & 31), n = Int((insn >> 5) & 31), m = Int((insn >> 16) & 31)
    if scalar {
        guard u == 1, opcode < 2, size == 1 || size == 2 else { return .undefined }
        return simdRDM(r, d, n, m, q: false, scalar: true, bits: 8 << size, sub: opcode == 1, yIndex: nil)
    }
    switch (u, opcode) {
    case (1, 0), (1, 1):
        guard size == 1 || size == 2 else { return .undefined }
        return simdRDM(r, d, n, m, q: q, scalar: false, bits: 8 << size, sub: opcode == 1, yIndex: nil)
    case (_, 2):
        guard size == 2 else { return .undefined }
        return simdDot(r, d, n, m, q: q, nSigned: u == 0, mSigned: u == 0, mLane: nil)
    case (0, 3):
        guard size == 2 else { return .undefined }
        return simdDot(r, d, n, m, q: q, nSigned: false, mSigned: true, mLane: nil)
    case (_, 4), (0, 5):
        guard size == 2, q else { return .undefined }
        if opcode == 5 { return simdMatMul(r, d, n, m, nSigned: false, mSigned: true) }
        return simdMatMul(r, d, n, m, nSigned: u == 0, mSigned: u == 0)
    case (1, 8...11):
        let rot = opcode & 3
        switch size {
        case 1: return fcmlaHalf(r, d, n, m, q: q, rot: rot, index: nil)
        case 2: return fcmla(r, d, n, m, q: q, rot: rot, index: nil, Float.self)
        case 3 where q: return fcmla(r, d, n, m, q: q, rot: rot, index: nil, Double.self)
        default: return .undefined
        }
    case (1, 12), (1, 14):
        let rot270 = opcode == 14
        switch size {
        case 1: return fcaddHalf(r, d, n, m, q: q, rot270: rot270)
        case 2: return fcadd(r, d, n, m, q: q, rot270: rot270, Float.self)
        case 3 where q: return fcadd(r, d, n, m, q: q, rot270: rot270, Double.self)
        default: return .undefined
        }
    default:
        return .undefined
    }
}

/// True for the by-element encodings this file handles (opcode = bits 15:12).
@inline(__always) func isIndexedExtra(_ u: UInt32, _ opcode: UInt32) -> Bool {
    opcode >= 0xE || (u == 1 && (opcode == 0xD || opcode & 9 == 1))
}

/// By element: SDOT/UDOT/USDOT/SUDOT, SQRDMLAH/SQRDMLSH (vector and
/// scalar), FCMLA.
@inline(never) func simdIndexedExtra(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, scalar: Bool) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, u = (insn >> 29) & 1
    let size = Int((insn >> 22) & 3), opcode = Int((insn >> 12) & 0xF)
    let l = Int((insn >> 21) & 1), mBit = Int((insn >> 20) & 1), h = Int((insn >> 11) & 1)
    let d = Int(insn & 31), n = Int((insn >> 5) & 31), rm = Int((insn >> 16) & 0xF)
    let m5 = rm | (mBit << 4)
    if u == 1 && (opcode == 0xD || opcode == 0xF) {
        switch size {
        case 1:
            return simdRDM(r, d, n, rm, q: q, scalar: scalar, bits: 16, sub: opcode == 0xF, yIndex: (h << 2) | (l << 1) | mBit)
        case 2:
            return simdRDM(r, d, n, m5, q: q, scalar: scalar, bits: 32, sub: opcode == 0xF, yIndex: (h << 1) | l)
        default: return .undefined
        }
    }
    if scalar { return .undefined }
    let index = (h << 1) | l
    switch (u, opcode) {
    case (_, 0xE):
        guard size == 2 else { return .undefined }
        return simdDot(r, d, n, m5, q: q, nSigned: u == 0, mSigned: u == 0, mLane: index)
    case (0, 0xF):
        switch size {
        case 0: return simdDot(r, d, n, m5, q: q, nSigned: true, mSigned: false, mLane: index)  // SUDOT
        case 2: return simdDot(r, d, n, m5, q: q, nSigned: false, mSigned: true, mLane: index)  // USDOT
        default: return .undefined
        }
    case (1, _) where opcode & 9 == 1:
        let rot = (opcode >> 1) & 3
        switch size {
        case 1:
            guard h == 0 || q else { return .undefined }
            return fcmlaHalf(r, d, n, m5, q: q, rot: rot, index: (h << 1) | l)
        case 2:
            guard l == 0, q else { return .undefined }
            return fcmla(r, d, n, m5, q: q, rot: rot, index: h, Float.self)
        default: return .undefined
        }
    default:
        return .undefined
    }
}

// MARK: - FRINT32Z, FRINT32X, FRINT64Z, FRINT64X

/// FPRoundIntN: round to an integral value that fits in `intBits`; NaNs,
/// infinities and out-of-range values give the most negative integer and
/// Invalid Operation. Inexact is raised whenever the value changes.
@inline(__always) func fpRoundIntN<T: ArmFloat>(_ a0: T, _ mode: Int, intBits: Int, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    let a = fpFlushIn(a0, fpcr, &fl)
    let minInt = -T(sign: .plus, exponent: T.Exponent(intBits - 1), significand: 1)
    if a.isNaN || a.isInfinite { fl |= FPBits.ioc; return minInt }
    if a == 0 { return a }
    let res = fpRoundTo(a, mode)
    if res < minInt || res >= -minInt { fl |= FPBits.ioc; return minInt }
    if res != a { fl |= FPBits.ixc }
    return res == 0 ? (fpIsNeg(a) ? -T.zero : T.zero) : res
}

/// FRINT32Z/X, FRINT64Z/X (scalar): 0001 1110 0 x 1 0100 op 10000 Rn Rd.
@inline(never) func fpFrintNScalar(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    let op = Int((insn >> 15) & 3)
    let fpcr = r[Slot.fpcr]
    let mode = op & 1 == 0 ? FPRounding.towardZero : Int((fpcr >> 22) & 3)
    let intBits = op & 2 == 0 ? 32 : 64
    var fl: UInt64 = 0
    let x = r[Slot.v + 2 * n]
    let v: UInt64
    if (insn >> 22) & 1 == 0 {
        v = fpRoundIntN(Float(bits64: x), mode, intBits: intBits, fpcr, &fl).bits64
    } else {
        v = fpRoundIntN(Double(bits64: x), mode, intBits: intBits, fpcr, &fl).bits64
    }
    r[Slot.fpsr] |= fl
    writeScalarBits(r, d, v)
    return .ok
}

/// FRINT32Z/X, FRINT64Z/X (vector): two-register misc opcodes 0x1E, 0x1F, size 0x.
@inline(never) func simdFrintN(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, u = (insn >> 29) & 1, sz = (insn >> 22) & 1
    if sz == 1 && !q { return .undefined }
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    let fpcr = r[Slot.fpcr]
    let mode = u == 0 ? FPRounding.towardZero : Int((fpcr >> 22) & 3)
    let intBits = (insn >> 12) & 1 == 0 ? 32 : 64
    let a = readV(r, n)
    var fl: UInt64 = 0
    var res = V128()
    if sz == 1 {
        for i in 0..<2 { res.setElem(i, 64, fpRoundIntN(Double(bits64: a.elem(i, 64)), mode, intBits: intBits, fpcr, &fl).bits64) }
    } else {
        for i in 0..<(q ? 4 : 2) { res.setElem(i, 32, fpRoundIntN(Float(bits64: a.elem(i, 32)), mode, intBits: intBits, fpcr, &fl).bits64) }
    }
    r[Slot.fpsr] |= fl
    writeVQ(r, d, res, q)
    return .ok
}

// MARK: - FJCVTZS

/// FJCVTZS Wd, Dn: JavaScript conversion (FPToFixedJS): truncate toward
/// zero, keep the low 32 bits of the integer, Z set only when exact and in
/// range (and not -0.0).
@inline(never) func fpJSConvert(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    let raw = r[Slot.v + 2 * n]
    let x = fpFlushIn(Double(bits64: raw), fpcr, &fl)
    let bitsX = x.bits64
    let neg = bitsX >> 63 != 0
    let exp = Int((bitsX >> 52) & 0x7FF)
    var z = true
    var result: UInt64 = 0
    if x.isNaN || x.isInfinite {
        fl |= FPBits.ioc
        z = false
    } else if x == 0 {
        // A flushed denormal is not an exact zero; -0.0 is not +0.
        if neg || raw & 0x000F_FFFF_FFFF_FFFF != 0 { z = false }
    } else {
        let mant = (bitsX & 0x000F_FFFF_FFFF_FFFF) | (exp == 0 ? 0 : 1 << 52)
        let shift = (exp == 0 ? 1 : exp) - 1075
        var mag: UInt64           // |integer| mod 2^64 (only the low 32 bits are kept)
        var inexact = false
        var big = false           // |integer| >= 2^64
        if shift >= 0 {
            mag = shift >= 64 ? 0 : mant << UInt64(shift)
            big = shift >= 12     // mant >= 2^52, so mag >= 2^64
        } else if shift > -64 {
            mag = mant >> UInt64(-shift)
            inexact = mant & ((1 << UInt64(-shift)) - 1) != 0
        } else {
            mag = 0
            inexact = true
        }
        result = (neg ? 0 &- mag : mag) & 0xFFFF_FFFF
        let limit: UInt64 = neg ? 1 << 31 : (1 << 31) - 1
        if big || mag > limit {
            fl |= FPBits.ioc
            z = false
        } else if inexact {
            fl |= FPBits.ixc
            z = false
        }
    }
    r[Slot.fpsr] |= fl
    r[wz(d)] = result
    setNZCV(r, z ? 0x4000_0000 : 0)
    return .ok
}

// MARK: - Flag manipulation (FEAT_FlagM, FEAT_FlagM2)

/// Operations of the `.flagm` op (`Op.s1`).
enum FlagMOp {
    static let cfinv: UInt8 = 0
    static let xaflag: UInt8 = 1
    static let axflag: UInt8 = 2
    static let rmif: UInt8 = 3
    static let setf8: UInt8 = 4
    static let setf16: UInt8 = 5
}

/// CFINV, XAFLAG, AXFLAG, RMIF, SETF8, SETF16 on the materialised NZCV.
@inline(__always) func flagManipulate(_ r: UnsafeMutablePointer<UInt64>, _ p: UnsafeMutablePointer<Op>) {
    let f = Flags.materialize(r)
    var n = (f >> 31) & 1, z = (f >> 30) & 1, c = (f >> 29) & 1, v = (f >> 28) & 1
    switch p.pointee.s1 {
    case FlagMOp.cfinv:
        c ^= 1
    case FlagMOp.xaflag:
        let n1 = (~c & ~z) & 1, z1 = z & c, c1 = c | z, v1 = ~c & z & 1
        n = n1; z = z1; c = c1; v = v1
    case FlagMOp.axflag:
        let z1 = z | v, c1 = c & ~v & 1
        n = 0; z = z1; c = c1; v = 0
    case FlagMOp.rmif:
        let t = ror64(r[Int(p.pointee.rn)], p.pointee.imm)
        let mask = p.pointee.s2
        if mask & 8 != 0 { n = (t >> 3) & 1 }
        if mask & 4 != 0 { z = (t >> 2) & 1 }
        if mask & 2 != 0 { c = (t >> 1) & 1 }
        if mask & 1 != 0 { v = t & 1 }
    default: // SETF8, SETF16
        let bits: UInt64 = p.pointee.s1 == FlagMOp.setf8 ? 8 : 16
        let x = r[Int(p.pointee.rn)]
        n = (x >> (bits - 1)) & 1
        z = x & ((1 << bits) - 1) == 0 ? 1 : 0
        v = ((x >> bits) ^ (x >> (bits - 1))) & 1
    }
    setNZCV(r, (n << 31) | (z << 30) | (c << 29) | (v << 28))
}

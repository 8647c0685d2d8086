// AdvSIMD half-precision forms (FEAT_FP16): three same, two-register misc,
// across lanes, pairwise, by element, FMOV (vector, immediate) and the
// fixed-point conversions by immediate; and FEAT_FHM's widening
// FMLAL/FMLAL2/FMLSL/FMLSL2. The operation keys are those of the single and
// double forms in SIMDFloat.swift and SIMDTwoMisc.swift.

/// One lane of the FP16 three-same group: key = U:a:opcode.
@inline(__always) func h16ThreeSameElem(_ key: Int, _ x: UInt64, _ y: UInt64, _ acc: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64? {
    switch key {
    case 0x00: return h16MinMax(x, y, isMax: true, numeric: true, fpcr, &fl)
    case 0x01: return h16MulAdd(acc, x, y, fpcr, &fl)
    case 0x02: return h16Add(x, y, sub: false, fpcr, &fl)
    case 0x03: return h16MulX(x, y, fpcr, &fl)
    case 0x04: return h16CompareMask(x, y, 0, abs: false, fpcr, &fl)
    case 0x06: return h16MinMax(x, y, isMax: true, numeric: false, fpcr, &fl)
    case 0x07: return h16StepFused(x, y, rsqrt: false, fpcr, &fl)
    case 0x08: return h16MinMax(x, y, isMax: false, numeric: true, fpcr, &fl)
    case 0x09: return h16MulAdd(acc, x ^ H16.sign, y, fpcr, &fl)
    case 0x0A: return h16Add(x, y, sub: true, fpcr, &fl)
    case 0x0E: return h16MinMax(x, y, isMax: false, numeric: false, fpcr, &fl)
    case 0x0F: return h16StepFused(x, y, rsqrt: true, fpcr, &fl)
    case 0x13: return h16Mul(x, y, fpcr, &fl)
    case 0x14: return h16CompareMask(x, y, 1, abs: false, fpcr, &fl)
    case 0x15: return h16CompareMask(x, y, 1, abs: true, fpcr, &fl)
    case 0x17: return h16Div(x, y, fpcr, &fl)
    case 0x1A: return h16Abd(x, y, fpcr, &fl)
    case 0x1C: return h16CompareMask(x, y, 2, abs: false, fpcr, &fl)
    case 0x1D: return h16CompareMask(x, y, 2, abs: true, fpcr, &fl)
    default: return nil
    }
}

/// Pairwise step: 0 maxnm, 2 add, 6 max; `minBit` selects min.
@inline(__always) func h16PairOp(_ op: Int, _ minBit: Bool, _ x: UInt64, _ y: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    switch op {
    case 0: return h16MinMax(x, y, isMax: !minBit, numeric: true, fpcr, &fl)
    case 2: return h16Add(x, y, sub: false, fpcr, &fl)
    default: return h16MinMax(x, y, isMax: !minBit, numeric: false, fpcr, &fl)
    }
}

/// AdvSIMD (scalar) three same FP16: 0 Q U 01110 a 10 Rm 00 opcode 1 Rn Rd.
@inline(__always) func simdHalfThreeSame(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, scalar: Bool) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, u = Int((insn >> 29) & 1), aBit = Int((insn >> 23) & 1)
    let opc = Int((insn >> 11) & 7)
    let d = Int(insn & 31), n = Int((insn >> 5) & 31), m = Int((insn >> 16) & 31)
    let key = (u << 4) | (aBit << 3) | opc
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    let a = readV(r, n), b = readV(r, m), acc = readV(r, d)
    let elements = scalar ? 1 : (q ? 8 : 4)
    var res = V128()
    if u == 1 && (opc == 0 || opc == 2 || opc == 6) && !(aBit == 1 && opc == 2) {
        if scalar { return .undefined }
        let half = elements / 2
        for i in 0..<elements {
            let src = i < half ? a : b
            let j = (i % half) * 2
            res.setElem(i, 16, h16PairOp(opc, aBit == 1, src.elem(j, 16), src.elem(j + 1, 16), fpcr, &fl))
        }
        writeVQ(r, d, res, q)
        fpAccumulate(r, fl)
        return .ok
    }
    if scalar {
        switch key {
        case 0x03, 0x04, 0x07, 0x0F, 0x14, 0x15, 0x1A, 0x1C, 0x1D: break
        default: return .undefined
        }
    }
    for i in 0..<elements {
        guard let v = h16ThreeSameElem(key, a.elem(i, 16), b.elem(i, 16), acc.elem(i, 16), fpcr, &fl) else { return .undefined }
        res.setElem(i, 16, v)
    }
    writeVQ(r, d, res, q && !scalar)
    fpAccumulate(r, fl)
    return .ok
}

/// AdvSIMD (scalar) two-register misc FP16: 0 Q U 01110 a 1111 00 opcode 10 Rn Rd.
@inline(__always) func simdHalfTwoRegMisc(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, scalar: Bool) -> StepStatus {
    if (insn >> 22) & 1 == 0 { return .undefined }
    let q = (insn >> 30) & 1 == 1, u = Int((insn >> 29) & 1), aBit = Int((insn >> 23) & 1)
    let opcode = Int((insn >> 12) & 0x1F)
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    let key = (u << 6) | (aBit << 5) | opcode
    if scalar {
        switch key {
        case 0x2C, 0x2D, 0x2E, 0x6C, 0x6D, 0x1A, 0x1B, 0x1C, 0x1D, 0x3A, 0x3B, 0x5A, 0x5B, 0x5C, 0x5D, 0x7A, 0x7B, 0x3D, 0x7D, 0x3F: break
        default: return .undefined
        }
    } else if key == 0x3F {
        return .undefined
    }
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    let a = readV(r, n)
    let elements = scalar ? 1 : (q ? 8 : 4)
    var res = V128()
    for i in 0..<elements {
        guard let v = h16MiscElem(key, a.elem(i, 16), fpcr, &fl) else { return .undefined }
        res.setElem(i, 16, v)
    }
    writeVQ(r, d, res, q && !scalar)
    fpAccumulate(r, fl)
    return .ok
}

@inline(__always) func h16MiscElem(_ key: Int, _ x: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64? {
    switch key {
    case 0x2C: return h16CompareMask(x, 0, 2, abs: false, fpcr, &fl)
    case 0x6C: return h16CompareMask(x, 0, 1, abs: false, fpcr, &fl)
    case 0x2D: return h16CompareMask(x, 0, 0, abs: false, fpcr, &fl)
    case 0x6D: return h16CompareMask(0, x, 1, abs: false, fpcr, &fl)
    case 0x2E: return h16CompareMask(0, x, 2, abs: false, fpcr, &fl)
    case 0x2F: return x & ~H16.sign
    case 0x6F: return x ^ H16.sign
    case 0x7F: return h16Sqrt(x, fpcr, &fl)
    case 0x18: return h16RoundInt(x, FPRounding.nearestEven, exact: false, fpcr, &fl)
    case 0x38: return h16RoundInt(x, FPRounding.up, exact: false, fpcr, &fl)
    case 0x19: return h16RoundInt(x, FPRounding.down, exact: false, fpcr, &fl)
    case 0x39: return h16RoundInt(x, FPRounding.towardZero, exact: false, fpcr, &fl)
    case 0x58: return h16RoundInt(x, FPRounding.nearestAway, exact: false, fpcr, &fl)
    case 0x79: return h16RoundInt(x, Int((fpcr >> 22) & 3), exact: false, fpcr, &fl)
    case 0x59: return h16RoundInt(x, Int((fpcr >> 22) & 3), exact: true, fpcr, &fl)
    case 0x1A, 0x3A, 0x1B, 0x3B, 0x1C, 0x5A, 0x7A, 0x5B, 0x7B, 0x5C:
        let mode: Int
        switch key & 0x3F {
        case 0x1A: mode = FPRounding.nearestEven
        case 0x3A: mode = FPRounding.up
        case 0x1B: mode = FPRounding.down
        case 0x3B: mode = FPRounding.towardZero
        default: mode = FPRounding.nearestAway
        }
        return h16ToFixed(x, fbits: 0, unsigned: key >= 0x40, width: 16, mode: mode, fpcr, &fl)
    case 0x3D: return h16RecipEstimate(x, fpcr, &fl)
    case 0x7D: return h16RSqrtEstimate(x, fpcr, &fl)
    case 0x3F: return h16RecpX(x, fpcr, &fl)
    case 0x1D, 0x5D:
        let iv = key == 0x1D ? UInt64(bitPattern: sext(x, 16)) : x
        return h16FromFixed(iv, fbits: 0, unsigned: key == 0x5D, fpcr, &fl)
    default: return nil
    }
}

/// FMAXNMV/FMINNMV/FMAXV/FMINV (H): 0 Q 0 01110 a 0 11000 opcode 10.
@inline(__always) func simdHalfAcrossLanes(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, size = (insn >> 22) & 3, opcode = (insn >> 12) & 0x1F
    if size & 1 == 1 { return .undefined }
    let op: Int
    switch opcode {
    case 0x0C: op = 0
    case 0x0F: op = 6
    default: return .undefined
    }
    let a = readV(r, Int((insn >> 5) & 31))
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    let minBit = size >> 1 == 1
    // Reduce() halves recursively; pairing neighbours level by level builds
    // the same tree.
    var cur = a, count = q ? 8 : 4
    while count > 1 {
        var next = V128()
        for i in 0..<(count / 2) {
            next.setElem(i, 16, h16PairOp(op, minBit, cur.elem(2 * i, 16), cur.elem(2 * i + 1, 16), fpcr, &fl))
        }
        cur = next
        count /= 2
    }
    writeScalarBits(r, Int(insn & 31), cur.elem(0, 16))
    fpAccumulate(r, fl)
    return .ok
}

/// Scalar pairwise FADDP/FMAXP/FMINP/FMAXNMP/FMINNMP (H): 01 0 11110 a 0 11000 opcode 10.
@inline(__always) func simdHalfScalarPairwise(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let size = (insn >> 22) & 3, opcode = (insn >> 12) & 0x1F
    if size & 1 == 1 { return .undefined }
    let op: Int
    switch opcode {
    case 0x0C: op = 0
    case 0x0D: op = 2; if size >> 1 != 0 { return .undefined }
    case 0x0F: op = 6
    default: return .undefined
    }
    let a = readV(r, Int((insn >> 5) & 31))
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    writeScalarBits(r, Int(insn & 31), h16PairOp(op, size >> 1 == 1, a.elem(0, 16), a.elem(1, 16), fpcr, &fl))
    fpAccumulate(r, fl)
    return .ok
}

/// FMLA/FMLS/FMUL/FMULX (by element, H), vector and scalar: size == 00.
@inline(__always) func simdHalfIndexed(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, scalar: Bool) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, u = (insn >> 29) & 1
    let opcode = (insn >> 12) & 0xF
    let index = h16ElementIndex(insn)
    let m = Int((insn >> 16) & 0xF)
    let key: Int
    switch (u, opcode) {
    case (0, 1): key = 0x01
    case (0, 5): key = 0x09
    case (0, 9): key = 0x13
    case (1, 9): key = 0x03
    default: return .undefined
    }
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    let elements = scalar ? 1 : (q ? 8 : 4)
    let a = readV(r, n), acc = readV(r, d)
    let y = readV(r, m).elem(index, 16)
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    var res = V128()
    for i in 0..<elements {
        res.setElem(i, 16, h16ThreeSameElem(key, a.elem(i, 16), y, acc.elem(i, 16), fpcr, &fl)!)
    }
    writeVQ(r, d, res, q && !scalar)
    fpAccumulate(r, fl)
    return .ok
}

/// FMOV (vector, immediate) half precision: cmode 1111, op 0, o2 1.
@inline(__always) func simdHalfFmovImmediate(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let q = (insn >> 30) & 1 == 1
    if (insn >> 29) & 1 != 0 || (insn >> 12) & 0xF != 0xF { return .undefined }
    let imm8 = UInt64(((insn >> 16) & 0x7) << 5 | ((insn >> 5) & 0x1F))
    let h = vfpExpandImm(imm8, size: 16)
    let v = h &* 0x0001_0001_0001_0001
    writeVQ(r, Int(insn & 31), V128(v, v), q)
    return .ok
}

/// SCVTF/UCVTF and FCVTZS/FCVTZU (vector and scalar, fixed-point) on
/// halves: immh == 001x.
@inline(__always) func simdHalfFixedConvert(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, scalar: Bool) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, u = (insn >> 29) & 1 == 1
    let opcode = (insn >> 11) & 0x1F
    let fbits = 32 - Int((insn >> 16) & 0x3F)
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    let elements = scalar ? 1 : (q ? 8 : 4)
    let a = readV(r, n)
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    var res = V128()
    for i in 0..<elements {
        let x = a.elem(i, 16)
        let v: UInt64
        if opcode == 0x1C {
            v = h16FromFixed(u ? x : UInt64(bitPattern: sext(x, 16)), fbits: fbits, unsigned: u, fpcr, &fl)
        } else {
            v = h16ToFixed(x, fbits: fbits, unsigned: u, width: 16, mode: FPRounding.towardZero, fpcr, &fl)
        }
        res.setElem(i, 16, v)
    }
    writeVQ(r, d, res, q && !scalar)
    fpAccumulate(r, fl)
    return .ok
}

/// H:L:M, the element index of the by-element forms on halves.
@inline(__always) func h16ElementIndex(_ insn: UInt32) -> Int {
    let h = Int((insn >> 11) & 1), l = Int((insn >> 21) & 1), m = Int((insn >> 20) & 1)
    return (h << 2) | (l << 1) | m
}

// MARK: - FEAT_FHM

/// FPMulAddH: a single-precision addend plus the product of two halves,
/// with one rounding. The halves are flushed by FPCR.FZ16, the addend and
/// the result follow FPCR.FZ.
@inline(__always) func fhmMulAdd(_ acc: UInt64, _ x: UInt64, _ y: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let a = Float(bits64: acc), b = h16ToSingleBits(x, fpcr), c = h16ToSingleBits(y, fpcr)
    return fpMulAdd(a, b, c, fpcr, &fl).bits64
}

/// FMLAL/FMLSL (vector: U 0, opcode 11101) and FMLAL2/FMLSL2 (U 1, opcode
/// 11001); size<1> selects the subtracting form.
@inline(__always) func simdFHMVector(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, part = Int((insn >> 29) & 1), sub = (insn >> 23) & 1 == 1
    let d = Int(insn & 31), n = Int((insn >> 5) & 31), m = Int((insn >> 16) & 31)
    let elements = q ? 4 : 2
    let base = part * elements
    let a = readV(r, n), b = readV(r, m), acc = readV(r, d)
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    var res = V128()
    for i in 0..<elements {
        var x = a.elem(base + i, 16)
        if sub { x ^= H16.sign }
        res.setElem(i, 32, fhmMulAdd(acc.elem(i, 32), x, b.elem(base + i, 16), fpcr, &fl))
    }
    writeVQ(r, d, res, q)
    fpAccumulate(r, fl)
    return .ok
}

/// FMLAL/FMLSL/FMLAL2/FMLSL2 (by element): size 10, opcode 0000/0100 (U 0)
/// or 1000/1100 (U 1).
@inline(__always) func simdFHMIndexed(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, part = Int((insn >> 29) & 1), sub = (insn >> 14) & 1 == 1
    let index = h16ElementIndex(insn)
    let d = Int(insn & 31), n = Int((insn >> 5) & 31), m = Int((insn >> 16) & 0xF)
    let elements = q ? 4 : 2
    let base = part * elements
    let a = readV(r, n), acc = readV(r, d)
    let y = readV(r, m).elem(index, 16)
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    var res = V128()
    for i in 0..<elements {
        var x = a.elem(base + i, 16)
        if sub { x ^= H16.sign }
        res.setElem(i, 32, fhmMulAdd(acc.elem(i, 32), x, y, fpcr, &fl))
    }
    writeVQ(r, d, res, q)
    fpAccumulate(r, fl)
    return .ok
}

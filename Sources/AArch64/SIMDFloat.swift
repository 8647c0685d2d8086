// AdvSIMD floating-point forms: three same (vector and scalar), pairwise,
// across lanes and by element. Elements go through the same FP core as
// the scalar instructions, so NaN, FZ and exception behaviour match.

/// FPMulX: FMUL except that infinity times zero is 2.0 with the XOR sign.
@inline(__always) func fpMulX<T: ArmFloat>(_ a0: T, _ b0: T, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    let a = fpFlushIn(a0, fpcr, &fl), b = fpFlushIn(b0, fpcr, &fl)
    if !a.isNaN && !b.isNaN && ((a.isInfinite && b == 0) || (a == 0 && b.isInfinite)) {
        return fpIsNeg(a) != fpIsNeg(b) ? T(-2.0) : T(2.0)
    }
    return fpArith(.mul, a, b, fpcr, &fl)
}

/// FP compare for FCMEQ/FCMGE/FCMGT/FACGE/FACGT: 0 eq, 1 ge, 2 gt; `abs` compares magnitudes.
@inline(__always) func fpCompareMask<T: ArmFloat>(_ a0: T, _ b0: T, _ kind: Int, abs: Bool, _ fpcr: UInt64, _ fl: inout UInt64) -> Bool {
    var a = fpFlushIn(a0, fpcr, &fl), b = fpFlushIn(b0, fpcr, &fl)
    if a.isNaN || b.isNaN {
        if kind != 0 || a.isSignalingNaN || b.isSignalingNaN { fl |= FPBits.ioc }
        return false
    }
    if abs { a = a.magnitude; b = b.magnitude }
    switch kind {
    case 0: return a == b
    case 1: return a >= b
    default: return a > b
    }
}

@inline(__always) func simdFPThreeSameElem<T: ArmFloat>(_ key: Int, _ x: T, _ y: T, _ acc: T, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64? {
    let ones = emask(T.width)
    switch key {
    case 0x00: return fpMinMax(x, y, isMax: true, numeric: true, fpcr, &fl).bits64
    case 0x01: return fpMulAdd(acc, x, y, fpcr, &fl).bits64
    case 0x02: return fpArith(.add, x, y, fpcr, &fl).bits64
    case 0x03: return fpMulX(x, y, fpcr, &fl).bits64
    case 0x04: return fpCompareMask(x, y, 0, abs: false, fpcr, &fl) ? ones : 0
    case 0x06: return fpMinMax(x, y, isMax: true, numeric: false, fpcr, &fl).bits64
    case 0x07: return fpStepFused(x, y, rsqrt: false, fpcr, &fl).bits64
    case 0x08: return fpMinMax(x, y, isMax: false, numeric: true, fpcr, &fl).bits64
    case 0x09: return fpMulAdd(acc, -x, y, fpcr, &fl).bits64
    case 0x0A: return fpArith(.sub, x, y, fpcr, &fl).bits64
    case 0x0E: return fpMinMax(x, y, isMax: false, numeric: false, fpcr, &fl).bits64
    case 0x0F: return fpStepFused(x, y, rsqrt: true, fpcr, &fl).bits64
    case 0x13: return fpArith(.mul, x, y, fpcr, &fl).bits64
    case 0x14: return fpCompareMask(x, y, 1, abs: false, fpcr, &fl) ? ones : 0
    case 0x15: return fpCompareMask(x, y, 1, abs: true, fpcr, &fl) ? ones : 0
    case 0x17: return fpArith(.div, x, y, fpcr, &fl).bits64
    case 0x1A: return fpAbd(x, y, fpcr, &fl).bits64
    case 0x1C: return fpCompareMask(x, y, 2, abs: false, fpcr, &fl) ? ones : 0
    case 0x1D: return fpCompareMask(x, y, 2, abs: true, fpcr, &fl) ? ones : 0
    default: return nil
    }
}

/// Pairwise FP reduction step: 0 maxnm, 2 add, 6 max; `a` bit selects min.
@inline(__always) func simdFPPairOp<T: ArmFloat>(_ op: Int, _ minBit: Bool, _ x: T, _ y: T, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    switch op {
    case 0: return fpMinMax(x, y, isMax: !minBit, numeric: true, fpcr, &fl)
    case 2: return fpArith(.add, x, y, fpcr, &fl)
    default: return fpMinMax(x, y, isMax: !minBit, numeric: false, fpcr, &fl)
    }
}

@inline(__always) func simdFPThreeSame(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, scalar: Bool) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, u = Int((insn >> 29) & 1)
    let aBit = Int((insn >> 23) & 1), sz = (insn >> 22) & 1
    let opc = Int((insn >> 11) & 7)
    let d = Int(insn & 31), n = Int((insn >> 5) & 31), m = Int((insn >> 16) & 31)
    let key = (u << 4) | (aBit << 3) | opc
    if sz == 0 && !scalar && (key & 0x17) == (u == 0 ? 0x05 : 0x11) { return simdFHMVector(r, insn) }
    let bits = sz == 1 ? 64 : 32
    if sz == 1 && !q && !scalar { return .undefined }
    let elements = scalar ? 1 : (q ? 128 : 64) / bits
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    let a = readV(r, n), b = readV(r, m), acc = readV(r, d)
    var res = V128()
    if u == 1 && (opc == 0 || opc == 2 || opc == 6) && !(aBit == 1 && opc == 2) {
        if scalar { return .undefined }
        let half = elements / 2
        for i in 0..<elements {
            let src = i < half ? a : b
            let j = (i % half) * 2
            let x = src.elem(j, bits), y = src.elem(j + 1, bits)
            let v = bits == 64
                ? simdFPPairOp(opc, aBit == 1, Double(bits64: x), Double(bits64: y), fpcr, &fl).bits64
                : simdFPPairOp(opc, aBit == 1, Float(bits64: x), Float(bits64: y), fpcr, &fl).bits64
            res.setElem(i, bits, v)
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
    let fast = bits == 64 ? simdFPCommonLanes(key, a, b, acc, elements, Double.self, fpcr, &fl)
        : simdFPCommonLanes(key, a, b, acc, elements, Float.self, fpcr, &fl)
    if let v = fast {
        res = v
    } else {
        for i in 0..<elements {
            let x = a.elem(i, bits), y = b.elem(i, bits), z = acc.elem(i, bits)
            let v: UInt64?
            if bits == 64 {
                v = simdFPThreeSameElem(key, Double(bits64: x), Double(bits64: y), Double(bits64: z), fpcr, &fl)
            } else {
                v = simdFPThreeSameElem(key, Float(bits64: x), Float(bits64: y), Float(bits64: z), fpcr, &fl)
            }
            guard let vv = v else { return .undefined }
            res.setElem(i, bits, vv)
        }
    }
    writeVQ(r, d, res, q && !scalar)
    fpAccumulate(r, fl)
    return .ok
}

/// The frequent lane-wise operations with the operation chosen once, outside
/// the lane loop (FADD, FSUB, FMUL, FDIV, FMLA, FMLS); nil for the others.
@inline(__always) func simdFPCommonLanes<T: ArmFloat>(_ key: Int, _ a: V128, _ b: V128, _ acc: V128, _ elements: Int, _: T.Type, _ fpcr: UInt64, _ fl: inout UInt64) -> V128? {
    let bits = T.width
    var res = V128()
    switch key {
    case 0x02:
        for i in 0..<elements {
            res.setElem(i, bits, fpArith(.add, T(bits64: a.elem(i, bits)), T(bits64: b.elem(i, bits)), fpcr, &fl).bits64)
        }
    case 0x0A:
        for i in 0..<elements {
            res.setElem(i, bits, fpArith(.sub, T(bits64: a.elem(i, bits)), T(bits64: b.elem(i, bits)), fpcr, &fl).bits64)
        }
    case 0x13:
        for i in 0..<elements {
            res.setElem(i, bits, fpArith(.mul, T(bits64: a.elem(i, bits)), T(bits64: b.elem(i, bits)), fpcr, &fl).bits64)
        }
    case 0x17:
        for i in 0..<elements {
            res.setElem(i, bits, fpArith(.div, T(bits64: a.elem(i, bits)), T(bits64: b.elem(i, bits)), fpcr, &fl).bits64)
        }
    case 0x01, 0x09:
        let neg = key == 0x09
        for i in 0..<elements {
            let x = T(bits64: a.elem(i, bits))
            let v = fpMulAdd(T(bits64: acc.elem(i, bits)), neg ? -x : x, T(bits64: b.elem(i, bits)), fpcr, &fl)
            res.setElem(i, bits, v.bits64)
        }
    default:
        return nil
    }
    return res
}

/// AdvSIMD scalar pairwise: ADDP (D), FADDP/FMAXP/FMINP/FMAXNMP/FMINNMP.
@inline(__always) func simdScalarPairwise(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let u = (insn >> 29) & 1, size = (insn >> 22) & 3, opcode = (insn >> 12) & 0x1F
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    let a = readV(r, n)
    if u == 0 && opcode != 0x1B { return simdHalfScalarPairwise(r, insn) }
    if u == 0 {
        if opcode != 0x1B || size != 3 { return .undefined }
        writeScalarBits(r, d, a.lo &+ a.hi)
        return .ok
    }
    let op: Int
    switch opcode {
    case 0x0C: op = 0
    case 0x0D: op = 2; if size >> 1 != 0 { return .undefined }
    case 0x0F: op = 6
    default: return .undefined
    }
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    let minBit = size >> 1 == 1
    if size & 1 == 1 {
        writeScalarBits(r, d, simdFPPairOp(op, minBit, Double(bits64: a.lo), Double(bits64: a.hi), fpcr, &fl).bits64)
    } else {
        writeScalarBits(r, d, simdFPPairOp(op, minBit, Float(bits64: a.lo), Float(bits64: a.lo >> 32), fpcr, &fl).bits64)
    }
    fpAccumulate(r, fl)
    return .ok
}

/// FMAXV/FMINV/FMAXNMV/FMINNMV (4S only): a pairwise tree, as Reduce() does.
@inline(__always) func simdFPAcrossLanes(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, size = (insn >> 22) & 3, opcode = (insn >> 12) & 0x1F
    if !q || size & 1 == 1 { return .undefined }
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
    let e0 = Float(bits64: a.lo), e1 = Float(bits64: a.lo >> 32), e2 = Float(bits64: a.hi), e3 = Float(bits64: a.hi >> 32)
    let p0 = simdFPPairOp(op, minBit, e0, e1, fpcr, &fl)
    let p1 = simdFPPairOp(op, minBit, e2, e3, fpcr, &fl)
    let res = simdFPPairOp(op, minBit, p0, p1, fpcr, &fl)
    writeScalarBits(r, Int(insn & 31), res.bits64)
    fpAccumulate(r, fl)
    return .ok
}

/// FMLA/FMLS/FMUL/FMULX (by element), vector and scalar.
@inline(__always) func simdFPIndexed(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, scalar: Bool) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, u = (insn >> 29) & 1, size = (insn >> 22) & 3
    let opcode = (insn >> 12) & 0xF
    let l = Int((insn >> 21) & 1), h = Int((insn >> 11) & 1)
    if size == 0 { return simdHalfIndexed(r, insn, scalar: scalar) }
    if size >> 1 == 0 { return .undefined }
    let sz = size & 1
    let bits = sz == 1 ? 64 : 32
    let index: Int, m = Int((insn >> 16) & 31)
    if sz == 1 {
        if l == 1 || (!q && !scalar) { return .undefined }
        index = h
    } else {
        index = (h << 1) | l
    }
    let key: Int
    switch (u, opcode) {
    case (0, 1): key = 0x01
    case (0, 5): key = 0x09
    case (0, 9): key = 0x13
    case (1, 9): key = 0x03
    default: return .undefined
    }
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    let elements = scalar ? 1 : (q ? 128 : 64) / bits
    let a = readV(r, n), acc = readV(r, d)
    let y = readV(r, m).elem(index, bits)
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    var res = V128()
    for i in 0..<elements {
        let x = a.elem(i, bits), z = acc.elem(i, bits)
        let v: UInt64?
        if bits == 64 {
            v = simdFPThreeSameElem(key, Double(bits64: x), Double(bits64: y), Double(bits64: z), fpcr, &fl)
        } else {
            v = simdFPThreeSameElem(key, Float(bits64: x), Float(bits64: y), Float(bits64: z), fpcr, &fl)
        }
        res.setElem(i, bits, v!)
    }
    writeVQ(r, d, res, q && !scalar)
    fpAccumulate(r, fl)
    return .ok
}

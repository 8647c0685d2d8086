// Data Processing -- Scalar Floating-Point (Arm ARM C4.1.96): 1, 2 and 3
// source operations, compares, conditional compare/select, immediates and
// conversions between floating-point and integer or fixed-point.

@inline(__always) func readF<T: ArmFloat>(_ r: UnsafeMutablePointer<UInt64>, _ n: Int, _: T.Type) -> T {
    T(bits64: r[Slot.v + 2 * n])
}

/// Scalar write: the rest of the V register becomes zero.
@inline(__always) func writeF<T: ArmFloat>(_ r: UnsafeMutablePointer<UInt64>, _ d: Int, _ x: T) {
    r[Slot.v + 2 * d] = x.bits64
    r[Slot.v + 2 * d + 1] = 0
}

@inline(__always) func writeScalarBits(_ r: UnsafeMutablePointer<UInt64>, _ d: Int, _ bits: UInt64) {
    r[Slot.v + 2 * d] = bits
    r[Slot.v + 2 * d + 1] = 0
}

/// Writes a general register; register 31 is XZR here, so the write is dropped.
@inline(__always) func writeXReg(_ r: UnsafeMutablePointer<UInt64>, _ d: Int, _ v: UInt64) {
    if d != 31 { r[d] = v }
}

@inline(__always) func fpAccumulate(_ r: UnsafeMutablePointer<UInt64>, _ fl: UInt64) {
    if fl != 0 { r[Slot.fpsr] |= fl }
}

// MARK: - Dispatch

/// Scalar FP group: bits 28:24 = 11110 (M=0, S=0) or 11111 (3-source).
@inline(__always) func executeFPScalar(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    if insn & 0xA000_0000 != 0 && (insn >> 24) & 0x1F == 0x1F { return .undefined }
    if (insn >> 22) & 3 == 3 { return executeFPScalarHalf(r, insn) }
    if (insn >> 24) & 1 == 1 {
        if insn >> 29 != 0 { return .undefined }
        switch (insn >> 22) & 3 {
        case 0: return fp3Source(r, insn, Float.self)
        case 1: return fp3Source(r, insn, Double.self)
        default: return .undefined
        }
    }
    if (insn >> 29) & 1 != 0 { return .undefined }
    if (insn >> 21) & 1 == 0 { return fpFixedConvert(r, insn) }
    if insn & 0xFFFF_FC00 == 0x1E7E_0000 { return fpJSConvert(r, insn) } // FJCVTZS
    if (insn >> 10) & 0x3F == 0 { return fpIntConvert(r, insn) }
    if insn & 0xFFBE_7C00 == 0x1E28_4000 { return fpFrintNScalar(r, insn) } // FRINT32/64
    if insn >> 31 != 0 { return .undefined }
    let ftype = (insn >> 22) & 3
    if (insn >> 10) & 0x1F == 0x10 { return fp1Source(r, insn) }
    if ftype > 1 { return .undefined }
    if (insn >> 10) & 0xF == 0x8 {
        return ftype == 0 ? fpCompareInsn(r, insn, Float.self) : fpCompareInsn(r, insn, Double.self)
    }
    if (insn >> 10) & 0x7 == 0x4 {
        if (insn >> 5) & 0x1F != 0 { return .undefined }
        let imm8 = UInt64((insn >> 13) & 0xFF)
        writeScalarBits(r, Int(insn & 31), vfpExpandImm(imm8, size: ftype == 0 ? 32 : 64))
        return .ok
    }
    switch (insn >> 10) & 3 {
    case 1: return ftype == 0 ? fpCondCompare(r, insn, Float.self) : fpCondCompare(r, insn, Double.self)
    case 2: return ftype == 0 ? fp2Source(r, insn, Float.self) : fp2Source(r, insn, Double.self)
    case 3:
        let cond = Int((insn >> 12) & 0xF)
        let n = Int((insn >> 5) & 31), m = Int((insn >> 16) & 31), d = Int(insn & 31)
        let src = Flags.holds(cond, Flags.materialize(r)) ? n : m
        var v = r[Slot.v + 2 * src]
        if ftype == 0 { v &= 0xFFFF_FFFF }
        writeScalarBits(r, d, v)
        return .ok
    default: return .undefined
    }
}

// MARK: - Arithmetic

@inline(__always) func fp2Source<T: ArmFloat>(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, _: T.Type) -> StepStatus {
    let fpcr = r[Slot.fpcr]
    let a = readF(r, Int((insn >> 5) & 31), T.self), b = readF(r, Int((insn >> 16) & 31), T.self)
    var fl: UInt64 = 0
    let res: T
    switch (insn >> 12) & 0xF {
    case 0: res = fpArith(.mul, a, b, fpcr, &fl)
    case 1: res = fpArith(.div, a, b, fpcr, &fl)
    case 2: res = fpArith(.add, a, b, fpcr, &fl)
    case 3: res = fpArith(.sub, a, b, fpcr, &fl)
    case 4: res = fpMinMax(a, b, isMax: true, numeric: false, fpcr, &fl)
    case 5: res = fpMinMax(a, b, isMax: false, numeric: false, fpcr, &fl)
    case 6: res = fpMinMax(a, b, isMax: true, numeric: true, fpcr, &fl)
    case 7: res = fpMinMax(a, b, isMax: false, numeric: true, fpcr, &fl)
    case 8: res = -fpArith(.mul, a, b, fpcr, &fl)
    default: return .undefined
    }
    writeF(r, Int(insn & 31), res)
    fpAccumulate(r, fl)
    return .ok
}

/// FMADD, FMSUB, FNMADD, FNMSUB: negations are applied to the operands
/// before the fused multiply-add, NaNs included.
@inline(__always) func fp3Source<T: ArmFloat>(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, _: T.Type) -> StepStatus {
    let fpcr = r[Slot.fpcr]
    var n = readF(r, Int((insn >> 5) & 31), T.self)
    let m = readF(r, Int((insn >> 16) & 31), T.self)
    var a = readF(r, Int((insn >> 10) & 31), T.self)
    let o1 = (insn >> 21) & 1, o0 = (insn >> 15) & 1
    if o0 != o1 { n = -n }
    if o1 == 1 { a = -a }
    var fl: UInt64 = 0
    let res = fpMulAdd(a, n, m, fpcr, &fl)
    writeF(r, Int(insn & 31), res)
    fpAccumulate(r, fl)
    return .ok
}

@inline(__always) func fp1Source(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let ftype = (insn >> 22) & 3, opc = (insn >> 15) & 0x3F
    let n = Int((insn >> 5) & 31), d = Int(insn & 31)
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    if opc >> 2 == 1 {
        // FCVT between precisions.
        let to = opc & 3
        if to == ftype || to == 2 || ftype == 2 { return .undefined }
        let src = r[Slot.v + 2 * n]
        let wide: Double
        switch ftype {
        case 0:
            if to == 1 { writeF(r, d, fpSingleToDouble(Float(bits64: src), fpcr, &fl)); fpAccumulate(r, fl); return .ok }
            wide = fpSingleToDouble(fpFlushIn(Float(bits64: src), fpcr, &fl), fpcr & ~FPBits.dn, &fl)
        case 1:
            if to == 0 { writeF(r, d, fpDoubleToSingle(Double(bits64: src), fpcr, &fl)); fpAccumulate(r, fl); return .ok }
            wide = fpFlushIn(Double(bits64: src), fpcr, &fl)
        default:
            let h = fpFromHalf(src & 0xFFFF, fpcr, &fl)
            if to == 1 { writeF(r, d, h) } else { writeF(r, d, Float(h)) }
            fpAccumulate(r, fl)
            return .ok
        }
        // A single NaN was widened with DN clear, so its payload survives.
        writeScalarBits(r, d, fpToHalf(wide, fpcr, &fl))
        fpAccumulate(r, fl)
        return .ok
    }
    switch ftype {
    case 0: return fp1SourceTyped(r, opc, n, d, Float.self)
    case 1: return fp1SourceTyped(r, opc, n, d, Double.self)
    default: return .undefined
    }
}

@inline(__always) func fp1SourceTyped<T: ArmFloat>(_ r: UnsafeMutablePointer<UInt64>, _ opc: UInt32, _ n: Int, _ d: Int, _: T.Type) -> StepStatus {
    let fpcr = r[Slot.fpcr]
    let a = readF(r, n, T.self)
    let sign: UInt64 = 1 << UInt64(T.width - 1)
    var fl: UInt64 = 0
    let res: T
    switch opc {
    case 0: res = a
    case 1: res = T(bits64: a.bits64 & ~sign)
    case 2: res = T(bits64: a.bits64 ^ sign)
    case 3: res = fpSqrt(a, fpcr, &fl)
    case 8: res = fpRoundInt(a, FPRounding.nearestEven, exact: false, fpcr, &fl)
    case 9: res = fpRoundInt(a, FPRounding.up, exact: false, fpcr, &fl)
    case 10: res = fpRoundInt(a, FPRounding.down, exact: false, fpcr, &fl)
    case 11: res = fpRoundInt(a, FPRounding.towardZero, exact: false, fpcr, &fl)
    case 12: res = fpRoundInt(a, FPRounding.nearestAway, exact: false, fpcr, &fl)
    case 14: res = fpRoundInt(a, Int((fpcr >> 22) & 3), exact: true, fpcr, &fl)
    case 15: res = fpRoundInt(a, Int((fpcr >> 22) & 3), exact: false, fpcr, &fl)
    default: return .undefined
    }
    writeF(r, d, res)
    fpAccumulate(r, fl)
    return .ok
}

// MARK: - Compares

@inline(__always) func fpCompareInsn<T: ArmFloat>(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, _: T.Type) -> StepStatus {
    if (insn >> 14) & 3 != 0 || insn & 7 != 0 { return .undefined }
    let fpcr = r[Slot.fpcr]
    let a = readF(r, Int((insn >> 5) & 31), T.self)
    let withZero = (insn >> 3) & 1 == 1
    let b = withZero ? T.zero : readF(r, Int((insn >> 16) & 31), T.self)
    var fl: UInt64 = 0
    let nzcv = fpCompare(a, b, signalAll: (insn >> 4) & 1 == 1, fpcr, &fl)
    r[Slot.nzcv] = nzcv
    r[Slot.flagKind] = FlagKind.materialized
    fpAccumulate(r, fl)
    return .ok
}

@inline(__always) func fpCondCompare<T: ArmFloat>(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, _: T.Type) -> StepStatus {
    let cond = Int((insn >> 12) & 0xF)
    var nzcv = UInt64(insn & 0xF) << 28
    if Flags.holds(cond, Flags.materialize(r)) {
        let fpcr = r[Slot.fpcr]
        let a = readF(r, Int((insn >> 5) & 31), T.self), b = readF(r, Int((insn >> 16) & 31), T.self)
        var fl: UInt64 = 0
        nzcv = fpCompare(a, b, signalAll: (insn >> 4) & 1 == 1, fpcr, &fl)
        fpAccumulate(r, fl)
    }
    r[Slot.nzcv] = nzcv
    r[Slot.flagKind] = FlagKind.materialized
    return .ok
}

// MARK: - Conversions

/// Conversion between floating-point and fixed-point (C4.1.96.x).
@inline(__always) func fpFixedConvert(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let sf = insn >> 31, ftype = (insn >> 22) & 3, rmode = (insn >> 19) & 3, opc = (insn >> 16) & 7
    let scale = Int((insn >> 10) & 0x3F)
    if ftype > 1 || (sf == 0 && scale < 32) { return .undefined }
    let fbits = 64 - scale
    let n = Int((insn >> 5) & 31), d = Int(insn & 31)
    let width = sf == 1 ? 64 : 32
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    switch (rmode, opc) {
    case (3, 0), (3, 1):
        let v: Double = ftype == 0 ? Double(fpFlushIn(readF(r, n, Float.self), fpcr, &fl)) : fpFlushIn(readF(r, n, Double.self), fpcr, &fl)
        writeXReg(r, d, fpToFixed(v, fbits: fbits, unsigned: opc == 1, width: width, mode: FPRounding.towardZero, &fl))
    case (0, 2), (0, 3):
        var x = r[n]
        if width == 32 { x = opc == 2 ? UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: x))) : x & 0xFFFF_FFFF }
        if ftype == 0 {
            writeF(r, d, fpFromFixed(x, fbits: fbits, unsigned: opc == 3, Float.self, fpcr, &fl))
        } else {
            writeF(r, d, fpFromFixed(x, fbits: fbits, unsigned: opc == 3, Double.self, fpcr, &fl))
        }
    default: return .undefined
    }
    fpAccumulate(r, fl)
    return .ok
}

/// Conversion between floating-point and integer, and FMOV (general).
@inline(__always) func fpIntConvert(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let sf = insn >> 31, ftype = (insn >> 22) & 3, rmode = (insn >> 19) & 3, opc = (insn >> 16) & 7
    let n = Int((insn >> 5) & 31), d = Int(insn & 31)
    let width = sf == 1 ? 64 : 32
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    if opc >= 6 {
        // FMOV (general).
        switch (sf, ftype, rmode) {
        case (0, 0, 0):
            if opc == 6 { writeXReg(r, d, r[Slot.v + 2 * n] & 0xFFFF_FFFF) } else { writeScalarBits(r, d, r[n] & 0xFFFF_FFFF) }
        case (1, 1, 0):
            if opc == 6 { writeXReg(r, d, r[Slot.v + 2 * n]) } else { writeScalarBits(r, d, r[n]) }
        case (1, 2, 1):
            if opc == 6 { writeXReg(r, d, r[Slot.v + 2 * n + 1]) } else { r[Slot.v + 2 * d + 1] = r[n] }
        default: return .undefined
        }
        return .ok
    }
    if ftype > 1 { return .undefined }
    switch opc {
    case 0, 1, 4, 5:
        if opc >= 4 && rmode != 0 { return .undefined }
        let mode = opc >= 4 ? FPRounding.nearestAway : Int(rmode)
        let v: Double = ftype == 0 ? Double(fpFlushIn(readF(r, n, Float.self), fpcr, &fl)) : fpFlushIn(readF(r, n, Double.self), fpcr, &fl)
        writeXReg(r, d, fpToFixed(v, fbits: 0, unsigned: opc & 1 == 1, width: width, mode: mode, &fl))
    case 2, 3:
        if rmode != 0 { return .undefined }
        var x = r[n]
        if width == 32 { x = opc == 2 ? UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: x))) : x & 0xFFFF_FFFF }
        if ftype == 0 {
            writeF(r, d, fpFromFixed(x, fbits: 0, unsigned: opc == 3, Float.self, fpcr, &fl))
        } else {
            writeF(r, d, fpFromFixed(x, fbits: 0, unsigned: opc == 3, Double.self, fpcr, &fl))
        }
    default: return .undefined
    }
    fpAccumulate(r, fl)
    return .ok
}

// Scalar floating-point instructions on half precision (ftype == 11,
// FEAT_FP16): the same encoding groups as FPScalar.swift, computed by the
// half-precision core in FPHalf.swift.

@inline(__always) func readH(_ r: UnsafeMutablePointer<UInt64>, _ n: Int) -> UInt64 {
    r[Slot.v + 2 * n] & 0xFFFF
}

/// Scalar FP group with ftype == 11. FCVT from half stays in fp1Source.
@inline(__always) func executeFPScalarHalf(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    if (insn >> 24) & 1 == 1 {
        if insn >> 29 != 0 { return .undefined }
        return fpHalf3Source(r, insn)
    }
    if (insn >> 29) & 1 != 0 { return .undefined }
    if (insn >> 21) & 1 == 0 { return fpHalfFixedConvert(r, insn) }
    if (insn >> 10) & 0x3F == 0 { return fpHalfIntConvert(r, insn) }
    if insn >> 31 != 0 { return .undefined }
    if (insn >> 10) & 0x1F == 0x10 {
        let opc = (insn >> 15) & 0x3F
        if opc >> 2 == 1 { return fp1Source(r, insn) }
        return fpHalf1Source(r, insn, opc)
    }
    let n = Int((insn >> 5) & 31), m = Int((insn >> 16) & 31), d = Int(insn & 31)
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    if (insn >> 10) & 0xF == 0x8 {
        // FCMP, FCMPE.
        if (insn >> 14) & 3 != 0 || insn & 7 != 0 { return .undefined }
        let b: UInt64 = (insn >> 3) & 1 == 1 ? 0 : readH(r, m)
        r[Slot.nzcv] = h16Compare(readH(r, n), b, signalAll: (insn >> 4) & 1 == 1, fpcr, &fl)
        r[Slot.flagKind] = FlagKind.materialized
        fpAccumulate(r, fl)
        return .ok
    }
    if (insn >> 10) & 0x7 == 0x4 {
        // FMOV (scalar, immediate).
        if (insn >> 5) & 0x1F != 0 { return .undefined }
        writeScalarBits(r, d, vfpExpandImm(UInt64((insn >> 13) & 0xFF), size: 16))
        return .ok
    }
    switch (insn >> 10) & 3 {
    case 1:
        // FCCMP, FCCMPE.
        let cond = Int((insn >> 12) & 0xF)
        var nzcv = UInt64(insn & 0xF) << 28
        if Flags.holds(cond, Flags.materialize(r)) {
            nzcv = h16Compare(readH(r, n), readH(r, m), signalAll: (insn >> 4) & 1 == 1, fpcr, &fl)
            fpAccumulate(r, fl)
        }
        r[Slot.nzcv] = nzcv
        r[Slot.flagKind] = FlagKind.materialized
        return .ok
    case 2:
        let a = readH(r, n), b = readH(r, m)
        let res: UInt64
        switch (insn >> 12) & 0xF {
        case 0: res = h16Mul(a, b, fpcr, &fl)
        case 1: res = h16Div(a, b, fpcr, &fl)
        case 2: res = h16Add(a, b, sub: false, fpcr, &fl)
        case 3: res = h16Add(a, b, sub: true, fpcr, &fl)
        case 4: res = h16MinMax(a, b, isMax: true, numeric: false, fpcr, &fl)
        case 5: res = h16MinMax(a, b, isMax: false, numeric: false, fpcr, &fl)
        case 6: res = h16MinMax(a, b, isMax: true, numeric: true, fpcr, &fl)
        case 7: res = h16MinMax(a, b, isMax: false, numeric: true, fpcr, &fl)
        case 8: res = h16Mul(a, b, fpcr, &fl) ^ H16.sign
        default: return .undefined
        }
        writeScalarBits(r, d, res)
        fpAccumulate(r, fl)
        return .ok
    case 3:
        // FCSEL.
        let cond = Int((insn >> 12) & 0xF)
        let src = Flags.holds(cond, Flags.materialize(r)) ? n : m
        writeScalarBits(r, d, readH(r, src))
        return .ok
    default:
        return .undefined
    }
}

/// FMADD, FMSUB, FNMADD, FNMSUB (half).
@inline(__always) func fpHalf3Source(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let fpcr = r[Slot.fpcr]
    var n = readH(r, Int((insn >> 5) & 31))
    let m = readH(r, Int((insn >> 16) & 31))
    var a = readH(r, Int((insn >> 10) & 31))
    let o1 = (insn >> 21) & 1, o0 = (insn >> 15) & 1
    if o0 != o1 { n ^= H16.sign }
    if o1 == 1 { a ^= H16.sign }
    var fl: UInt64 = 0
    writeScalarBits(r, Int(insn & 31), h16MulAdd(a, n, m, fpcr, &fl))
    fpAccumulate(r, fl)
    return .ok
}

@inline(__always) func fpHalf1Source(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, _ opc: UInt32) -> StepStatus {
    let fpcr = r[Slot.fpcr]
    let a = readH(r, Int((insn >> 5) & 31))
    var fl: UInt64 = 0
    let res: UInt64
    switch opc {
    case 0: res = a
    case 1: res = a & ~H16.sign
    case 2: res = a ^ H16.sign
    case 3: res = h16Sqrt(a, fpcr, &fl)
    case 8: res = h16RoundInt(a, FPRounding.nearestEven, exact: false, fpcr, &fl)
    case 9: res = h16RoundInt(a, FPRounding.up, exact: false, fpcr, &fl)
    case 10: res = h16RoundInt(a, FPRounding.down, exact: false, fpcr, &fl)
    case 11: res = h16RoundInt(a, FPRounding.towardZero, exact: false, fpcr, &fl)
    case 12: res = h16RoundInt(a, FPRounding.nearestAway, exact: false, fpcr, &fl)
    case 14: res = h16RoundInt(a, Int((fpcr >> 22) & 3), exact: true, fpcr, &fl)
    case 15: res = h16RoundInt(a, Int((fpcr >> 22) & 3), exact: false, fpcr, &fl)
    default: return .undefined
    }
    writeScalarBits(r, Int(insn & 31), res)
    fpAccumulate(r, fl)
    return .ok
}

/// FCVTZS/FCVTZU/SCVTF/UCVTF between half and fixed point.
@inline(__always) func fpHalfFixedConvert(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let sf = insn >> 31, rmode = (insn >> 19) & 3, opc = (insn >> 16) & 7
    let scale = Int((insn >> 10) & 0x3F)
    if sf == 0 && scale < 32 { return .undefined }
    let fbits = 64 - scale
    let n = Int((insn >> 5) & 31), d = Int(insn & 31)
    let width = sf == 1 ? 64 : 32
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    switch (rmode, opc) {
    case (3, 0), (3, 1):
        writeXReg(r, d, h16ToFixed(readH(r, n), fbits: fbits, unsigned: opc == 1, width: width, mode: FPRounding.towardZero, fpcr, &fl))
    case (0, 2), (0, 3):
        var x = r[n]
        if width == 32 { x = opc == 2 ? UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: x))) : x & 0xFFFF_FFFF }
        writeScalarBits(r, d, h16FromFixed(x, fbits: fbits, unsigned: opc == 3, fpcr, &fl))
    default: return .undefined
    }
    fpAccumulate(r, fl)
    return .ok
}

/// FCVT[NPMZA][SU], SCVTF/UCVTF and FMOV between half and W/X registers.
@inline(__always) func fpHalfIntConvert(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let sf = insn >> 31, rmode = (insn >> 19) & 3, opc = (insn >> 16) & 7
    let n = Int((insn >> 5) & 31), d = Int(insn & 31)
    let width = sf == 1 ? 64 : 32
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    switch opc {
    case 6, 7:
        // FMOV Wd/Xd, Hn and FMOV Hd, Wn/Xn: the low 16 bits, zero-extended.
        if rmode != 0 { return .undefined }
        if opc == 6 { writeXReg(r, d, readH(r, n)) } else { writeScalarBits(r, d, r[n] & 0xFFFF) }
        return .ok
    case 0, 1, 4, 5:
        if opc >= 4 && rmode != 0 { return .undefined }
        let mode = opc >= 4 ? FPRounding.nearestAway : Int(rmode)
        writeXReg(r, d, h16ToFixed(readH(r, n), fbits: 0, unsigned: opc & 1 == 1, width: width, mode: mode, fpcr, &fl))
    case 2, 3:
        if rmode != 0 { return .undefined }
        var x = r[n]
        if width == 32 { x = opc == 2 ? UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: x))) : x & 0xFFFF_FFFF }
        writeScalarBits(r, d, h16FromFixed(x, fbits: 0, unsigned: opc == 3, fpcr, &fl))
    default: return .undefined
    }
    fpAccumulate(r, fl)
    return .ok
}

import Glibc

// MARK: - FPCR / FPSR fields

/// FPCR and FPSR bits used by the floating-point semantics (Arm ARM D17.2).
enum FPBits {
    static let ioc: UInt64 = 1 << 0
    static let dzc: UInt64 = 1 << 1
    static let ofc: UInt64 = 1 << 2
    static let ufc: UInt64 = 1 << 3
    static let ixc: UInt64 = 1 << 4
    static let idc: UInt64 = 1 << 7
    static let qc: UInt64 = 1 << 27
    static let fz: UInt64 = 1 << 24
    static let dn: UInt64 = 1 << 25
    static let ahp: UInt64 = 1 << 26
}

/// Float and Double seen as Arm floating-point formats.
protocol ArmFloat: BinaryFloatingPoint where RawSignificand: FixedWidthInteger {
    var bits64: UInt64 { get }
    init(bits64: UInt64)
    static var defaultNaNBits: UInt64 { get }
    static var quietBit: UInt64 { get }
    static var width: Int { get }
    /// Magnitude above which error terms of +, -, *, /, sqrt and fma are
    /// exactly representable (no underflow), so exceptions can be derived
    /// without the host flags.
    static var exactBound: Self { get }
}

extension Double: ArmFloat {
    @inline(__always) var bits64: UInt64 { bitPattern }
    @inline(__always) init(bits64: UInt64) { self.init(bitPattern: bits64) }
    @inline(__always) static var defaultNaNBits: UInt64 { 0x7FF8_0000_0000_0000 }
    @inline(__always) static var quietBit: UInt64 { 1 << 51 }
    @inline(__always) static var width: Int { 64 }
    @inline(__always) static var exactBound: Double { 0x1p-900 }
}

extension Float: ArmFloat {
    @inline(__always) var bits64: UInt64 { UInt64(bitPattern) }
    @inline(__always) init(bits64: UInt64) { self.init(bitPattern: UInt32(truncatingIfNeeded: bits64)) }
    @inline(__always) static var defaultNaNBits: UInt64 { 0x7FC0_0000 }
    @inline(__always) static var quietBit: UInt64 { 1 << 22 }
    @inline(__always) static var width: Int { 32 }
    @inline(__always) static var exactBound: Float { 0x1p-70 }
}

// MARK: - Host exception flags and rounding

let fpHostAllExcept: Int32 = FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW | FE_INEXACT

/// Host floating-point exceptions are collected with fenv: clear before the
/// host operation, test after it. Non-default Arm rounding modes switch the
/// host rounding mode around the operation only.
@inline(__always) func hostFPBegin(_ fpcr: UInt64) {
    feclearexcept(fpHostAllExcept)
    let rm = (fpcr >> 22) & 3
    if rm != 0 {
        fesetround(rm == 1 ? FE_UPWARD : rm == 2 ? FE_DOWNWARD : FE_TOWARDZERO)
    }
}

/// The optimizer does not model the host FP environment: left alone it
/// computes host arithmetic before `hostFPBegin` or after `hostFPEnd` (or
/// reuses the same arithmetic done earlier in round-to-nearest), losing the
/// rounding mode and the exception flags in optimized builds. Operands and
/// results pass through memory handed to an opaque libc call (reading no
/// exception, it only stores a zero flag word beside the value), which pins
/// the arithmetic between the fenv calls.
@inline(__always) func fpPin<T>(_ v: T) -> T {
    var box = (fexcept_t(0), v)
    withUnsafeMutablePointer(to: &box) { p in
        _ = fegetexceptflag(UnsafeMutableRawPointer(p).assumingMemoryBound(to: fexcept_t.self), 0)
    }
    return box.1
}

@inline(__always) func hostFPEnd(_ fpcr: UInt64) -> UInt64 {
    let e = fetestexcept(fpHostAllExcept)
    if (fpcr >> 22) & 3 != 0 { fesetround(FE_TONEAREST) }
    var f: UInt64 = 0
    if e & FE_INVALID != 0 { f |= FPBits.ioc }
    if e & FE_DIVBYZERO != 0 { f |= FPBits.dzc }
    if e & FE_OVERFLOW != 0 { f |= FPBits.ofc }
    if e & FE_UNDERFLOW != 0 { f |= FPBits.ufc }
    if e & FE_INEXACT != 0 { f |= FPBits.ixc }
    return f
}

/// Rounding modes as small integers: Arm's FPCR.RMode values (0 RN, 1 RP,
/// 2 RM, 3 RZ) plus 4 for ties-away. A switch over constants lets each case
/// compile to a direct rounding call; FloatingPointRoundingRule values
/// chosen at run time go through a slow generic path.
enum FPRounding {
    static let nearestEven = 0
    static let up = 1
    static let down = 2
    static let towardZero = 3
    static let nearestAway = 4
}

@inline(__always) func fpRoundTo<T: ArmFloat>(_ v: T, _ mode: Int) -> T {
    switch mode {
    case FPRounding.nearestEven: return v.rounded(.toNearestOrEven)
    case FPRounding.up: return v.rounded(.up)
    case FPRounding.down: return v.rounded(.down)
    case FPRounding.towardZero: return v.rounded(.towardZero)
    default: return v.rounded(.toNearestOrAwayFromZero)
    }
}

// MARK: - NaNs, flushing, rounding of results

/// Sign bit test; Float.sign is an out-of-line call in this toolchain.
@inline(__always) func fpIsNeg<T: ArmFloat>(_ x: T) -> Bool { x.bits64 >> UInt64(T.width - 1) != 0 }

@inline(__always) func fpDefaultNaN<T: ArmFloat>(_: T.Type) -> T { T(bits64: T.defaultNaNBits) }

@inline(__always) func fpQuiet<T: ArmFloat>(_ x: T) -> T { T(bits64: x.bits64 | T.quietBit) }

/// FPUnpack's flush of a denormal input to zero when FPCR.FZ is set.
@inline(__always) func fpFlushIn<T: ArmFloat>(_ x: T, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    if fpcr & FPBits.fz != 0 && x.isSubnormal {
        fl |= FPBits.idc
        return fpIsNeg(x) ? -T.zero : T.zero
    }
    return x
}

/// FPProcessNaN: quiet a signalling NaN (raising Invalid), apply FPCR.DN.
@inline(__always) func fpProcessNaN<T: ArmFloat>(_ x: T, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    var v = x
    if v.isSignalingNaN { fl |= FPBits.ioc; v = fpQuiet(v) }
    return fpcr & FPBits.dn != 0 ? fpDefaultNaN(T.self) : v
}

/// FPProcessNaNs: signalling NaNs first (operand order), then quiet NaNs.
@inline(__always) func fpProcessNaNs<T: ArmFloat>(_ a: T, _ b: T, _ fpcr: UInt64, _ fl: inout UInt64) -> T? {
    if a.isSignalingNaN { return fpProcessNaN(a, fpcr, &fl) }
    if b.isSignalingNaN { return fpProcessNaN(b, fpcr, &fl) }
    if a.isNaN { return fpProcessNaN(a, fpcr, &fl) }
    if b.isNaN { return fpProcessNaN(b, fpcr, &fl) }
    return nil
}

@inline(__always) func fpProcessNaNs3<T: ArmFloat>(_ a: T, _ b: T, _ c: T, _ fpcr: UInt64, _ fl: inout UInt64) -> T? {
    if a.isSignalingNaN { return fpProcessNaN(a, fpcr, &fl) }
    if b.isSignalingNaN { return fpProcessNaN(b, fpcr, &fl) }
    if c.isSignalingNaN { return fpProcessNaN(c, fpcr, &fl) }
    if a.isNaN { return fpProcessNaN(a, fpcr, &fl) }
    if b.isNaN { return fpProcessNaN(b, fpcr, &fl) }
    if c.isNaN { return fpProcessNaN(c, fpcr, &fl) }
    return nil
}

/// Post-processing of a host result: a NaN produced from numbers becomes
/// the Arm default NaN; with FPCR.FZ a tiny result is flushed to zero and
/// only Underflow is signalled (FPRoundBase).
@inline(__always) func fpFinish<T: ArmFloat>(_ res: T, _ hf: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    if res.isNaN { fl |= hf; return fpDefaultNaN(T.self) }
    if fpcr & FPBits.fz != 0 && (res.isSubnormal || hf & FPBits.ufc != 0) {
        fl |= (hf & ~(FPBits.ufc | FPBits.ixc)) | FPBits.ufc
        return fpIsNeg(res) ? -T.zero : T.zero
    }
    fl |= hf
    return res
}

// MARK: - Arithmetic

enum FPOp { case add, sub, mul, div }

@inline(__always) func fpArith<T: ArmFloat>(_ op: FPOp, _ a0: T, _ b0: T, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    let a = fpFlushIn(a0, fpcr, &fl), b = fpFlushIn(b0, fpcr, &fl)
    if a.isNaN || b.isNaN { return fpProcessNaNs(a, b, fpcr, &fl)! }
    if fpcr & (3 << 22) == 0 {
        // Round to nearest: exceptions follow from exact error terms.
        switch op {
        case .add, .sub:
            let bb = op == .add ? b : -b
            let sum = a + bb
            if sum.isFinite {
                let z = sum - a
                let err = (a - (sum - z)) + (bb - z)
                if err.isFinite { return fpFinish(sum, err != 0 ? FPBits.ixc : 0, fpcr, &fl) }
            }
        case .mul:
            let p = a * b
            if p.isFinite {
                if p == 0 && (a == 0 || b == 0) { return fpFinish(p, 0, fpcr, &fl) }
                if p.magnitude >= T.exactBound {
                    let e = (-p).addingProduct(a, b)
                    return fpFinish(p, e != 0 ? FPBits.ixc : 0, fpcr, &fl)
                }
            }
        case .div:
            if a == 0 && b != 0 && !b.isNaN { return fpFinish(a / b, 0, fpcr, &fl) }
            let quo = a / b
            if quo.isFinite && a.magnitude >= T.exactBound && b.magnitude >= T.exactBound && quo.magnitude >= T.exactBound {
                let rem = a.addingProduct(-quo, b)
                return fpFinish(quo, rem != 0 ? FPBits.ixc : 0, fpcr, &fl)
            }
        }
    }
    hostFPBegin(fpcr)
    let (pa, pb) = fpPin((a, b))
    var res: T
    switch op {
    case .add: res = pa + pb
    case .sub: res = pa - pb
    case .mul: res = pa * pb
    case .div: res = pa / pb
    }
    res = fpPin(res)
    var hf = hostFPEnd(fpcr)
    if res.magnitude == T.leastNormalMagnitude && hf & (FPBits.ixc | FPBits.ufc) == FPBits.ixc {
        // The host detects tininess after rounding, Arm before: the exact
        // value is tiny when rounding toward zero gives a subnormal.
        hostFPBegin(3 << 22)
        let (za, zb) = fpPin((a, b))
        switch op {
        case .add: res = za + zb
        case .sub: res = za - zb
        case .mul: res = za * zb
        case .div: res = za / zb
        }
        res = fpPin(res)
        _ = hostFPEnd(3 << 22)
        if res.magnitude < T.leastNormalMagnitude { hf |= FPBits.ufc }
        res = fpIsNeg(res) ? -T.leastNormalMagnitude : T.leastNormalMagnitude
    }
    return fpFinish(res, hf, fpcr, &fl)
}

/// FPMulAdd: addend + op1 * op2 with a single rounding.
@inline(__always) func fpMulAdd<T: ArmFloat>(_ a0: T, _ b0: T, _ c0: T, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    let a = fpFlushIn(a0, fpcr, &fl), b = fpFlushIn(b0, fpcr, &fl), c = fpFlushIn(c0, fpcr, &fl)
    let infZero = (b.isInfinite && c == 0) || (b == 0 && c.isInfinite)
    if a.isNaN || b.isNaN || c.isNaN {
        let n = fpProcessNaNs3(a, b, c, fpcr, &fl)!
        if !a.isSignalingNaN && !b.isSignalingNaN && !c.isSignalingNaN && a.isNaN && infZero {
            fl |= FPBits.ioc
            return fpDefaultNaN(T.self)
        }
        return n
    }
    if fpcr & (3 << 22) == 0 && a.isFinite && b.isFinite && c.isFinite {
        // Round to nearest: the exact error of the fused result (Boldo and
        // Muller's ErrFma) tells whether it is inexact.
        let r1 = a.addingProduct(b, c)
        let u1 = b * c
        if r1.isFinite && r1.magnitude >= T.exactBound && u1.isFinite
            && (u1.magnitude >= T.exactBound || b == 0 || c == 0) {
            let u2 = (-u1).addingProduct(b, c)
            let alpha1 = a + u2
            let az = alpha1 - a
            let z = (a - (alpha1 - az)) + (u2 - az)
            let beta1 = u1 + alpha1
            let bz = beta1 - u1
            let beta2 = (u1 - (beta1 - bz)) + (alpha1 - bz)
            let gamma = (beta1 - r1) + beta2
            let r2 = gamma + z
            if r2.isFinite { return fpFinish(r1, r2 != 0 || gamma != -z ? FPBits.ixc : 0, fpcr, &fl) }
        }
    }
    hostFPBegin(fpcr)
    let (pa, pb, pc) = fpPin((a, b, c))
    let res = fpPin(pa.addingProduct(pb, pc))
    var hf = hostFPEnd(fpcr)
    if res.magnitude == T.leastNormalMagnitude && hf & (FPBits.ixc | FPBits.ufc) == FPBits.ixc {
        // Tininess before rounding, as in fpArith.
        hostFPBegin(3 << 22)
        let (za, zb, zc) = fpPin((a, b, c))
        let rz = fpPin(za.addingProduct(zb, zc))
        _ = hostFPEnd(3 << 22)
        if rz.magnitude < T.leastNormalMagnitude { hf |= FPBits.ufc }
    }
    return fpFinish(res, hf, fpcr, &fl)
}

@inline(__always) func fpSqrt<T: ArmFloat>(_ a0: T, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    let a = fpFlushIn(a0, fpcr, &fl)
    if a.isNaN { return fpProcessNaN(a, fpcr, &fl) }
    if fpcr & (3 << 22) == 0 && a.isFinite && a.magnitude >= T.exactBound && a > 0 {
        let root = a.squareRoot()
        let rem = a.addingProduct(-root, root)
        return fpFinish(root, rem != 0 ? FPBits.ixc : 0, fpcr, &fl)
    }
    hostFPBegin(fpcr)
    let res = fpPin(fpPin(a).squareRoot())
    let hf = hostFPEnd(fpcr)
    return fpFinish(res, hf, fpcr, &fl)
}

/// FPMax / FPMin (isMax selects), and the ...NM forms that prefer a number
/// to a quiet NaN.
@inline(__always) func fpMinMax<T: ArmFloat>(_ a0: T, _ b0: T, isMax: Bool, numeric: Bool, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    let a = fpFlushIn(a0, fpcr, &fl), b = fpFlushIn(b0, fpcr, &fl)
    if a.isNaN || b.isNaN {
        if numeric {
            let aq = a.isNaN && !a.isSignalingNaN, bq = b.isNaN && !b.isSignalingNaN
            if aq && !b.isNaN { return b }
            if bq && !a.isNaN { return a }
        }
        return fpProcessNaNs(a, b, fpcr, &fl)!
    }
    if a == 0 && b == 0 {
        let neg = isMax ? (fpIsNeg(a) && fpIsNeg(b)) : (fpIsNeg(a) || fpIsNeg(b))
        return neg ? -T.zero : T.zero
    }
    if isMax { return a > b ? a : b }
    return a < b ? a : b
}

/// FPCompare: NZCV in bits 31..28.
@inline(__always) func fpCompare<T: ArmFloat>(_ a0: T, _ b0: T, signalAll: Bool, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let a = fpFlushIn(a0, fpcr, &fl), b = fpFlushIn(b0, fpcr, &fl)
    if a.isNaN || b.isNaN {
        if signalAll || a.isSignalingNaN || b.isSignalingNaN { fl |= FPBits.ioc }
        return 0x3 << 28
    }
    if a == b { return 0x6 << 28 }
    if a < b { return 0x8 << 28 }
    return 0x2 << 28
}

/// FPRoundInt: `rule` from the instruction; `exact` raises Inexact (FRINTX).
@inline(__always) func fpRoundInt<T: ArmFloat>(_ a0: T, _ mode: Int, exact: Bool, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    let a = fpFlushIn(a0, fpcr, &fl)
    if a.isNaN { return fpProcessNaN(a, fpcr, &fl) }
    if a.isInfinite || a == 0 { return a }
    let res = fpRoundTo(a, mode)
    if exact && res != a { fl |= FPBits.ixc }
    return res == 0 ? (fpIsNeg(a) ? -T.zero : T.zero) : res
}

/// FPRecipStepFused (FRECPS, `rsqrt` false) and FPRSqrtStepFused (FRSQRTS).
@inline(__always) func fpStepFused<T: ArmFloat>(_ a0: T, _ b0: T, rsqrt: Bool, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    let a = -fpFlushIn(a0, fpcr, &fl), b = fpFlushIn(b0, fpcr, &fl)
    if a.isNaN || b.isNaN { return fpProcessNaNs(a, b, fpcr, &fl)! }
    if (a.isInfinite && b == 0) || (a == 0 && b.isInfinite) { return rsqrt ? T(1.5) : T(2.0) }
    if a.isInfinite || b.isInfinite {
        return fpIsNeg(a) != fpIsNeg(b) ? -T.infinity : T.infinity
    }
    hostFPBegin(fpcr)
    let (pa, pb) = fpPin((a, b))
    var res: T
    if rsqrt {
        // (3 + a*b) / 2 with one rounding: halve a first when that is exact.
        if pa.isNormal && pa.exponent > T.leastNormalMagnitude.exponent {
            res = T(1.5).addingProduct(pa / 2, pb)
        } else {
            res = T(3.0).addingProduct(pa, pb) / 2
        }
    } else {
        res = T(2.0).addingProduct(pa, pb)
    }
    res = fpPin(res)
    let hf = hostFPEnd(fpcr)
    return fpFinish(res, hf, fpcr, &fl)
}

/// FPAbs(FPSub) with the NaN and flag behaviour of FABD.
@inline(__always) func fpAbd<T: ArmFloat>(_ a: T, _ b: T, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    let d = fpArith(.sub, a, b, fpcr, &fl)
    return T(bits64: d.bits64 & ~(1 << UInt64(T.width - 1)))
}

// MARK: - Conversions

/// FPToFixed: `v` already flushed and widened; saturates, NaN gives 0.
@inline(__always) func fpToFixed(_ v: Double, fbits: Int, unsigned: Bool, width: Int, mode: Int, _ fl: inout UInt64) -> UInt64 {
    if v.isNaN { fl |= FPBits.ioc; return 0 }
    let scaled = fbits == 0 ? v : v * Double(sign: .plus, exponent: fbits, significand: 1)
    let rd: Double
    if mode == FPRounding.towardZero {
        // The host conversion truncates; it is exact below 2^63.
        rd = scaled.magnitude < 0x1p63 ? Double(Int64(scaled)) : scaled
    } else {
        rd = fpRoundTo(scaled, mode)
    }
    let inexact = rd != scaled
    if unsigned {
        let lim: Double = width == 64 ? 0x1p64 : 0x1p32
        if rd < 0 { fl |= FPBits.ioc; return 0 }
        if rd >= lim { fl |= FPBits.ioc; return width == 64 ? ~0 : (1 << UInt64(width)) - 1 }
        if inexact { fl |= FPBits.ixc }
        return UInt64(rd)
    }
    let lim: Double = width == 64 ? 0x1p63 : 0x1p31
    if rd < -lim {
        fl |= FPBits.ioc
        return width == 64 ? 1 << 63 : UInt64(truncatingIfNeeded: Int64(Int32.min)) & 0xFFFF_FFFF
    }
    if rd >= lim {
        fl |= FPBits.ioc
        return width == 64 ? UInt64(Int64.max) : UInt64(Int32.max)
    }
    if inexact { fl |= FPBits.ixc }
    let i = Int64(rd)
    return width == 64 ? UInt64(bitPattern: i) : UInt64(UInt32(truncatingIfNeeded: i))
}

/// FixedToFP: `value` is the raw integer (sign-extended for signed).
@inline(__always) func fpFromFixed<T: ArmFloat>(_ value: UInt64, fbits: Int, unsigned: Bool, _: T.Type, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    // FixedToFP gives +0 for 0 in every rounding mode (the host's unsigned
    // conversion can produce -0 when rounding toward minus infinity).
    if value == 0 { return T(0) }
    var res: T
    if fpcr & (3 << 22) == 0 {
        // Inexact when the integer has more significant bits than the format.
        let mag = unsigned ? value : Int64(bitPattern: value).magnitude
        res = unsigned ? T(value) : T(Int64(bitPattern: value))
        if mag != 0 && 64 - mag.leadingZeroBitCount - mag.trailingZeroBitCount > T.significandBitCount + 1 {
            fl |= FPBits.ixc
        }
    } else {
        hostFPBegin(fpcr)
        // Each conversion pins its own operand inside its branch: a select
        // of both would run the unsigned one too, raising its Inexact.
        if unsigned {
            res = fpPin(T(fpPin(value)))
        } else {
            res = fpPin(T(Int64(bitPattern: fpPin(value))))
        }
        fl |= hostFPEnd(fpcr)
    }
    if fbits != 0 { res = res * T(sign: .plus, exponent: T.Exponent(-fbits), significand: 1) }
    return res
}

/// VFPExpandImm for an 8-bit FMOV immediate.
@inline(__always) func vfpExpandImm(_ imm8: UInt64, size: Int) -> UInt64 {
    let s = (imm8 >> 7) & 1, b6 = (imm8 >> 6) & 1, e2 = (imm8 >> 4) & 3, f4 = imm8 & 0xF
    switch size {
    case 64:
        let exp = ((b6 ^ 1) << 10) | (b6 == 1 ? 0xFF << 2 : 0) | e2
        return (s << 63) | (exp << 52) | (f4 << 48)
    case 32:
        let exp = ((b6 ^ 1) << 7) | (b6 == 1 ? 0x1F << 2 : 0) | e2
        return (s << 31) | (exp << 23) | (f4 << 19)
    default:
        let exp = ((b6 ^ 1) << 4) | (b6 == 1 ? 0x3 << 2 : 0) | e2
        return (s << 15) | (exp << 10) | (f4 << 6)
    }
}

// MARK: - Precision conversions (FCVT)

/// Double to single with Arm NaN conversion.
@inline(__always) func fpDoubleToSingle(_ a0: Double, _ fpcr: UInt64, _ fl: inout UInt64) -> Float {
    let a = fpFlushIn(a0, fpcr, &fl)
    if a.isNaN {
        if a.isSignalingNaN { fl |= FPBits.ioc }
        if fpcr & FPBits.dn != 0 { return fpDefaultNaN(Float.self) }
        let b = a.bitPattern
        return Float(bits64: ((b >> 32) & 0x8000_0000) | 0x7FC0_0000 | ((b >> 29) & 0x3F_FFFF))
    }
    if fpcr & (3 << 22) == 0 {
        let res = Float(a)
        if res.isFinite || a.isInfinite {
            let inexact = Double(res) != a
            var hf: UInt64 = inexact ? FPBits.ixc : 0
            if inexact && a.magnitude < Double(Float.leastNormalMagnitude) { hf |= FPBits.ufc }
            return fpFinish(res, hf, fpcr, &fl)
        }
    }
    hostFPBegin(fpcr)
    let res = fpPin(Float(fpPin(a)))
    var hf = hostFPEnd(fpcr)
    if hf & FPBits.ixc != 0 && a.magnitude < Double(Float.leastNormalMagnitude) { hf |= FPBits.ufc }
    return fpFinish(res, hf, fpcr, &fl)
}

@inline(__always) func fpSingleToDouble(_ a0: Float, _ fpcr: UInt64, _ fl: inout UInt64) -> Double {
    let a = fpFlushIn(a0, fpcr, &fl)
    if a.isNaN {
        if a.isSignalingNaN { fl |= FPBits.ioc }
        if fpcr & FPBits.dn != 0 { return fpDefaultNaN(Double.self) }
        let b = UInt64(a.bitPattern)
        return Double(bits64: ((b & 0x8000_0000) << 32) | 0x7FF8_0000_0000_0000 | ((b & 0x3F_FFFF) << 29))
    }
    return Double(a)
}

/// Rounds a double (single values are widened exactly) to half precision:
/// IEEE, or the alternative format when FPCR.AHP is set (no infinities or
/// NaNs, exponent 31 is a normal one; FPConvert and FPRoundCV).
@inline(__always) func fpToHalf(_ a: Double, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let sign: UInt64 = fpIsNeg(a) ? 0x8000 : 0
    let ahp = fpcr & H16.ahp != 0
    if a.isNaN {
        if ahp { fl |= FPBits.ioc; return sign }
        if a.isSignalingNaN { fl |= FPBits.ioc }
        if fpcr & FPBits.dn != 0 { return 0x7E00 }
        return sign | 0x7E00 | ((a.bitPattern >> 42) & 0x1FF)
    }
    if a.isInfinite {
        if ahp { fl |= FPBits.ioc; return sign | 0x7FFF }
        return sign | 0x7C00
    }
    if a == 0 { return sign }
    let mag = a.magnitude
    var e = Int(mag.exponent)
    let tiny = e < -14
    let quantumExp = tiny ? -24 : e - 10
    let scaled = mag * Double(sign: .plus, exponent: -quantumExp, significand: 1)
    let rm = (fpcr >> 22) & 3
    let mode: Int
    switch rm {
    case 0: mode = FPRounding.nearestEven
    case 1: mode = sign == 0 ? FPRounding.up : FPRounding.down
    case 2: mode = sign == 0 ? FPRounding.down : FPRounding.up
    default: mode = FPRounding.towardZero
    }
    var q = fpRoundTo(scaled, mode)
    let inexact = q != scaled
    if !tiny && q >= 2048 { q = 1024; e += 1 }
    if ahp && e > 16 {
        // Saturates with Invalid Operation and no Inexact.
        fl |= FPBits.ioc
        return sign | 0x7FFF
    }
    if !ahp && e > 15 {
        fl |= FPBits.ofc | FPBits.ixc
        let toInf = rm == 0 || (rm == 1 && sign == 0) || (rm == 2 && sign != 0)
        return sign | (toInf ? 0x7C00 : 0x7BFF)
    }
    if inexact { fl |= FPBits.ixc | (tiny ? FPBits.ufc : 0) }
    let qi = UInt64(q)
    if tiny { return sign | qi }
    return sign | (UInt64(e + 15) << 10) | (qi - 1024)
}

/// Half to double (exact); with FPCR.AHP the alternative format, whose
/// exponent 31 is a normal one.
@inline(__always) func fpFromHalf(_ h: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> Double {
    let sign = (h >> 15) & 1, exp = (h >> 10) & 0x1F, frac = h & 0x3FF
    if exp == 0x1F && fpcr & H16.ahp == 0 {
        if frac == 0 { return sign != 0 ? -.infinity : .infinity }
        if frac & 0x200 == 0 { fl |= FPBits.ioc }
        if fpcr & FPBits.dn != 0 { return fpDefaultNaN(Double.self) }
        return Double(bitPattern: (sign << 63) | 0x7FF8_0000_0000_0000 | (frac << 42))
    }
    let mag: Double = exp == 0 ? Double(frac) * 0x1p-24 : Double(frac | 0x400) * Double(sign: .plus, exponent: Int(exp) - 25, significand: 1)
    return sign != 0 ? -mag : mag
}

// Half-precision (FEAT_FP16) arithmetic following the Arm ARM pseudocode
// (FPUnpack, FPRound, FPAdd, FPMulAdd, ...) for N == 16. Values travel as
// UInt64 holding the 16-bit pattern. FPCR.FZ16 flushes half-precision
// denormal inputs (without IDC) and tiny results (with UFC); FPCR.AHP is
// ignored here because it only affects conversions.
//
// Every operation is computed exactly, or as a Double plus the sign of its
// error, then rounded once to half precision by `h16Round`. Sums,
// differences and products of two halves are exact in a Double (at most 40
// significant bits); quotients, roots and fused products carry an exact
// error term computed with an FMA or TwoSum, so no double rounding occurs.

enum H16 {
    static let sign: UInt64 = 0x8000
    static let defaultNaN: UInt64 = 0x7E00
    static let quiet: UInt64 = 0x0200
    static let infinity: UInt64 = 0x7C00
    static let maxNormal: UInt64 = 0x7BFF
    static let one: UInt64 = 0x3C00
    static let two: UInt64 = 0x4000
    static let onePointFive: UInt64 = 0x3E00
    /// FPCR.FZ16 and FPCR.AHP.
    static let fz16: UInt64 = 1 << 19
    static let ahp: UInt64 = 1 << 26
}

@inline(__always) func h16IsNaN(_ h: UInt64) -> Bool { h & 0x7FFF > 0x7C00 }
@inline(__always) func h16IsSNaN(_ h: UInt64) -> Bool { h16IsNaN(h) && h & H16.quiet == 0 }
@inline(__always) func h16IsQNaN(_ h: UInt64) -> Bool { h16IsNaN(h) && h & H16.quiet != 0 }
@inline(__always) func h16IsInf(_ h: UInt64) -> Bool { h & 0x7FFF == 0x7C00 }
@inline(__always) func h16IsZero(_ h: UInt64) -> Bool { h & 0x7FFF == 0 }
@inline(__always) func h16IsNeg(_ h: UInt64) -> Bool { h & H16.sign != 0 }

/// FPUnpack's input flush: with FPCR.FZ16 a denormal becomes a zero of the
/// same sign, and (unlike FPCR.FZ) no Input Denormal exception is raised.
@inline(__always) func h16FlushIn(_ h: UInt64, _ fpcr: UInt64) -> UInt64 {
    if fpcr & H16.fz16 != 0 && h & 0x7C00 == 0 { return h & H16.sign }
    return h
}

/// The value of a finite half (exact).
@inline(__always) func h16Value(_ h: UInt64) -> Double {
    let exp = Int((h >> 10) & 0x1F), frac = h & 0x3FF
    let mag = exp == 0 ? Double(frac) * 0x1p-24 : Double(frac | 0x400) * Double(sign: .plus, exponent: exp - 25, significand: 1)
    return h16IsNeg(h) ? -mag : mag
}

/// FPProcessNaN.
@inline(__always) func h16ProcessNaN(_ h: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    var v = h
    if h16IsSNaN(v) { fl |= FPBits.ioc; v |= H16.quiet }
    return fpcr & FPBits.dn != 0 ? H16.defaultNaN : v
}

@inline(__always) func h16ProcessNaNs(_ a: UInt64, _ b: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64? {
    if h16IsSNaN(a) { return h16ProcessNaN(a, fpcr, &fl) }
    if h16IsSNaN(b) { return h16ProcessNaN(b, fpcr, &fl) }
    if h16IsNaN(a) { return h16ProcessNaN(a, fpcr, &fl) }
    if h16IsNaN(b) { return h16ProcessNaN(b, fpcr, &fl) }
    return nil
}

@inline(__always) func h16ProcessNaNs3(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64? {
    if h16IsSNaN(a) { return h16ProcessNaN(a, fpcr, &fl) }
    if h16IsSNaN(b) { return h16ProcessNaN(b, fpcr, &fl) }
    if h16IsSNaN(c) { return h16ProcessNaN(c, fpcr, &fl) }
    if h16IsNaN(a) { return h16ProcessNaN(a, fpcr, &fl) }
    if h16IsNaN(b) { return h16ProcessNaN(b, fpcr, &fl) }
    if h16IsNaN(c) { return h16ProcessNaN(c, fpcr, &fl) }
    return nil
}

// MARK: - Rounding

/// The sign of an exact zero result that is not the sum of like-signed
/// zeros: negative only when rounding toward minus infinity.
@inline(__always) func h16ExactZero(_ fpcr: UInt64) -> UInt64 {
    (fpcr >> 22) & 3 == 2 ? H16.sign : 0
}

/// FPRound to half precision with FPCR's rounding mode, FZ16 and exact
/// flags. `v` is finite and non-zero; when `sticky` is set the exact value
/// lies strictly between `v` and the next Double away from zero.
@inline(__always) func h16Round(_ v: Double, sticky: Bool, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    h16RoundMode(v, sticky: sticky, Int((fpcr >> 22) & 3), fpcr, &fl)
}

@inline(__always) func h16RoundMode(_ v: Double, sticky: Bool, _ rm: Int, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let neg = v < 0
    let sign: UInt64 = neg ? H16.sign : 0
    let b = v.magnitude.bitPattern
    let dexp = Int((b >> 52) & 0x7FF)
    let mant = (b & ((1 << 52) - 1)) | (1 << 52)
    var e = dexp - 1023
    if fpcr & H16.fz16 != 0 && e < -14 {
        fl |= FPBits.ufc
        return sign
    }
    let tiny = e < -14
    let quantum = (tiny ? -14 : e) - 10
    let shift = quantum - (dexp - 1075)
    var q: UInt64, rem: UInt64, half: UInt64
    if shift >= 64 {
        q = 0; rem = 1; half = 2    // below half an ulp, never a tie
    } else {
        q = mant >> UInt64(shift)
        rem = mant & ((1 << UInt64(shift)) - 1)
        half = 1 << UInt64(shift - 1)
    }
    let exact = rem == 0 && !sticky
    let up: Bool
    switch rm {
    case 0: up = rem > half || (rem == half && (sticky || q & 1 == 1))
    case 1: up = !exact && !neg
    case 2: up = !exact && neg
    default: up = false
    }
    if tiny && !exact { fl |= FPBits.ufc }
    if up { q += 1 }
    if tiny {
        if !exact { fl |= FPBits.ixc }
        return sign | q
    }
    if q == 2048 { q = 1024; e += 1 }
    if e > 15 {
        fl |= FPBits.ofc | FPBits.ixc
        let toInf = rm == 0 || (rm == 1 && !neg) || (rm == 2 && neg)
        return sign | (toInf ? H16.infinity : H16.maxNormal)
    }
    if !exact { fl |= FPBits.ixc }
    return sign | (UInt64(e + 15) << 10) | (q - 1024)
}

/// Rounds `s + err`, where `s` is the Double nearest to the exact value and
/// `err` (|err| <= ulp(s)/2) has the sign of the remaining error.
@inline(__always) func h16RoundErr(_ s: Double, _ err: Double, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    if err == 0 { return h16Round(s, sticky: false, fpcr, &fl) }
    if (err < 0) == (s < 0) { return h16Round(s, sticky: true, fpcr, &fl) }
    return h16Round(s < 0 ? s.nextUp : s.nextDown, sticky: true, fpcr, &fl)
}

// MARK: - Arithmetic

/// FPAdd / FPSub (`sub` negates the second operand, NaNs excepted).
@inline(__always) func h16Add(_ a0: UInt64, _ b0: UInt64, sub: Bool, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let a = h16FlushIn(a0, fpcr), b1 = h16FlushIn(b0, fpcr)
    if let n = h16ProcessNaNs(a, b1, fpcr, &fl) { return n }
    let b = sub ? b1 ^ H16.sign : b1
    let ia = h16IsInf(a), ib = h16IsInf(b)
    if ia && ib && (a ^ b) & H16.sign != 0 { fl |= FPBits.ioc; return H16.defaultNaN }
    if ia { return a }
    if ib { return b }
    if h16IsZero(a) && h16IsZero(b) && a == b { return a }
    let s = h16Value(a) + h16Value(b)
    if s == 0 { return h16ExactZero(fpcr) }
    return h16Round(s, sticky: false, fpcr, &fl)
}

@inline(__always) func h16Mul(_ a0: UInt64, _ b0: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let a = h16FlushIn(a0, fpcr), b = h16FlushIn(b0, fpcr)
    if let n = h16ProcessNaNs(a, b, fpcr, &fl) { return n }
    let sign = (a ^ b) & H16.sign
    let ia = h16IsInf(a), ib = h16IsInf(b), za = h16IsZero(a), zb = h16IsZero(b)
    if (ia && zb) || (za && ib) { fl |= FPBits.ioc; return H16.defaultNaN }
    if ia || ib { return sign | H16.infinity }
    if za || zb { return sign }
    return h16Round(h16Value(a) * h16Value(b), sticky: false, fpcr, &fl)
}

/// FPMulX: infinity times zero gives 2.0 with the product's sign.
@inline(__always) func h16MulX(_ a0: UInt64, _ b0: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let a = h16FlushIn(a0, fpcr), b = h16FlushIn(b0, fpcr)
    if !h16IsNaN(a) && !h16IsNaN(b) && ((h16IsInf(a) && h16IsZero(b)) || (h16IsZero(a) && h16IsInf(b))) {
        return ((a ^ b) & H16.sign) | H16.two
    }
    return h16Mul(a, b, fpcr, &fl)
}

@inline(__always) func h16Div(_ a0: UInt64, _ b0: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let a = h16FlushIn(a0, fpcr), b = h16FlushIn(b0, fpcr)
    if let n = h16ProcessNaNs(a, b, fpcr, &fl) { return n }
    let sign = (a ^ b) & H16.sign
    let ia = h16IsInf(a), ib = h16IsInf(b), za = h16IsZero(a), zb = h16IsZero(b)
    if (ia && ib) || (za && zb) { fl |= FPBits.ioc; return H16.defaultNaN }
    if ia || zb {
        if !ia { fl |= FPBits.dzc }
        return sign | H16.infinity
    }
    if za || ib { return sign }
    let x = h16Value(a), y = h16Value(b)
    let q = x / y
    let rem = x.addingProduct(-q, y)
    return h16RoundErr(q, rem / y, fpcr, &fl)
}

@inline(__always) func h16Sqrt(_ a0: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let a = h16FlushIn(a0, fpcr)
    if h16IsNaN(a) { return h16ProcessNaN(a, fpcr, &fl) }
    if h16IsZero(a) { return a }
    if h16IsNeg(a) { fl |= FPBits.ioc; return H16.defaultNaN }
    if h16IsInf(a) { return a }
    let x = h16Value(a)
    let s = x.squareRoot()
    return h16RoundErr(s, x.addingProduct(-s, s), fpcr, &fl)
}

/// The exact `c + a * b` of finite Doubles holding halves (or small
/// constants) as a nearest Double and the sign-carrying error.
@inline(__always) func h16FusedValue(_ c: Double, _ a: Double, _ b: Double) -> (Double, Double) {
    let p = a * b        // exact: at most 22 significant bits
    let s = p + c
    let bb = s - p
    let err = (p - (s - bb)) + (c - bb)
    return (s, err)
}

/// FPMulAdd: addend + op1 * op2 with one rounding.
@inline(__always) func h16MulAdd(_ c0: UInt64, _ a0: UInt64, _ b0: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let c = h16FlushIn(c0, fpcr), a = h16FlushIn(a0, fpcr), b = h16FlushIn(b0, fpcr)
    let ia = h16IsInf(a), ib = h16IsInf(b), za = h16IsZero(a), zb = h16IsZero(b)
    if let n = h16ProcessNaNs3(c, a, b, fpcr, &fl) {
        if h16IsQNaN(c) && ((ia && zb) || (za && ib)) { fl |= FPBits.ioc; return H16.defaultNaN }
        return n
    }
    let signP = (a ^ b) & H16.sign
    let infP = ia || ib, zeroP = za || zb
    let ic = h16IsInf(c)
    if (ia && zb) || (za && ib) || (ic && infP && (c & H16.sign) != signP) {
        fl |= FPBits.ioc
        return H16.defaultNaN
    }
    if ic { return c }
    if infP { return signP | H16.infinity }
    if h16IsZero(c) && zeroP && (c & H16.sign) == signP { return c }
    let (s, err) = h16FusedValue(h16Value(c), h16Value(a), h16Value(b))
    if s == 0 { return h16ExactZero(fpcr) }
    return h16RoundErr(s, err, fpcr, &fl)
}

/// FPRecipStepFused (`rsqrt` false: 2 - a*b) and FPRSqrtStepFused
/// ((3 - a*b) / 2).
@inline(__always) func h16StepFused(_ a0: UInt64, _ b0: UInt64, rsqrt: Bool, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let a = h16FlushIn(a0, fpcr) ^ H16.sign, b = h16FlushIn(b0, fpcr)
    if let n = h16ProcessNaNs(a, b, fpcr, &fl) { return n }
    let ia = h16IsInf(a), ib = h16IsInf(b), za = h16IsZero(a), zb = h16IsZero(b)
    if (ia && zb) || (za && ib) { return rsqrt ? H16.onePointFive : H16.two }
    if ia || ib { return ((a ^ b) & H16.sign) | H16.infinity }
    var (s, err) = h16FusedValue(rsqrt ? 3.0 : 2.0, h16Value(a), h16Value(b))
    if s == 0 { return h16ExactZero(fpcr) }
    if rsqrt { s *= 0.5; err *= 0.5 }
    return h16RoundErr(s, err, fpcr, &fl)
}

@inline(__always) func h16Abd(_ a: UInt64, _ b: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    h16Add(a, b, sub: true, fpcr, &fl) & ~H16.sign
}

/// FPMax / FPMin and the ...Num forms, which prefer a number to one quiet NaN.
@inline(__always) func h16MinMax(_ a0: UInt64, _ b0: UInt64, isMax: Bool, numeric: Bool, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let a = h16FlushIn(a0, fpcr), b = h16FlushIn(b0, fpcr)
    if h16IsNaN(a) || h16IsNaN(b) {
        if numeric {
            if h16IsQNaN(a) && !h16IsNaN(b) { return b }
            if h16IsQNaN(b) && !h16IsNaN(a) { return a }
        }
        return h16ProcessNaNs(a, b, fpcr, &fl)!
    }
    if h16IsZero(a) && h16IsZero(b) {
        return isMax ? (a & b & H16.sign) : ((a | b) & H16.sign)
    }
    let x = h16Value(a), y = h16Value(b)
    if isMax { return x > y ? a : b }
    return x < y ? a : b
}

/// FPCompare: NZCV in bits 31..28.
@inline(__always) func h16Compare(_ a0: UInt64, _ b0: UInt64, signalAll: Bool, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let a = h16FlushIn(a0, fpcr), b = h16FlushIn(b0, fpcr)
    if h16IsNaN(a) || h16IsNaN(b) {
        if signalAll || h16IsSNaN(a) || h16IsSNaN(b) { fl |= FPBits.ioc }
        return 0x3 << 28
    }
    let x = h16ValueOrInf(a), y = h16ValueOrInf(b)
    if x == y { return 0x6 << 28 }
    if x < y { return 0x8 << 28 }
    return 0x2 << 28
}

@inline(__always) func h16ValueOrInf(_ h: UInt64) -> Double {
    if h16IsInf(h) { return h16IsNeg(h) ? -.infinity : .infinity }
    return h16Value(h)
}

/// FPCompareEQ/GE/GT (kind 0, 1, 2); `abs` compares magnitudes (FACGE/FACGT).
@inline(__always) func h16CompareMask(_ a0: UInt64, _ b0: UInt64, _ kind: Int, abs: Bool, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    var a = h16FlushIn(a0, fpcr), b = h16FlushIn(b0, fpcr)
    if h16IsNaN(a) || h16IsNaN(b) {
        if kind != 0 || h16IsSNaN(a) || h16IsSNaN(b) { fl |= FPBits.ioc }
        return 0
    }
    if abs { a &= ~H16.sign; b &= ~H16.sign }
    let x = h16ValueOrInf(a), y = h16ValueOrInf(b)
    let t: Bool
    switch kind {
    case 0: t = x == y
    case 1: t = x >= y
    default: t = x > y
    }
    return t ? 0xFFFF : 0
}

/// FPRoundInt with an explicit rounding (`exact` raises Inexact: FRINTX).
@inline(__always) func h16RoundInt(_ a0: UInt64, _ mode: Int, exact: Bool, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let a = h16FlushIn(a0, fpcr)
    if h16IsNaN(a) { return h16ProcessNaN(a, fpcr, &fl) }
    if h16IsInf(a) || h16IsZero(a) { return a }
    let x = h16Value(a)
    let r = fpRoundTo(x, mode)
    if exact && r != x { fl |= FPBits.ixc }
    if r == 0 { return a & H16.sign }
    var ignored: UInt64 = 0
    return h16RoundMode(r, sticky: false, 3, fpcr & ~H16.fz16, &ignored)
}

// MARK: - Conversions

/// FPToFixed for a half: `width` 16, 32 or 64; saturates, NaN gives 0.
@inline(__always) func h16ToFixed(_ h0: UInt64, fbits: Int, unsigned: Bool, width: Int, mode: Int, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let h = h16FlushIn(h0, fpcr)
    if h16IsNaN(h) {
        fl |= FPBits.ioc
        return 0
    }
    if width != 16 {
        return fpToFixed(h16ValueOrInf(h), fbits: fbits, unsigned: unsigned, width: width, mode: mode, &fl)
    }
    let scaled = h16ValueOrInf(h) * Double(sign: .plus, exponent: fbits, significand: 1)
    let rd = fpRoundTo(scaled, mode)
    if unsigned {
        if rd < 0 { fl |= FPBits.ioc; return 0 }
        if rd > 65535 { fl |= FPBits.ioc; return 0xFFFF }
        if rd != scaled { fl |= FPBits.ixc }
        return UInt64(rd)
    }
    if rd < -32768 { fl |= FPBits.ioc; return 0x8000 }
    if rd > 32767 { fl |= FPBits.ioc; return 0x7FFF }
    if rd != scaled { fl |= FPBits.ixc }
    return UInt64(bitPattern: Int64(rd)) & 0xFFFF
}

/// FixedToFP to half: `value` is the raw integer (sign-extended for signed).
@inline(__always) func h16FromFixed(_ value: UInt64, fbits: Int, unsigned: Bool, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let neg = !unsigned && Int64(bitPattern: value) < 0
    var mag = neg ? 0 &- value : value
    if mag == 0 { return 0 }
    // Keep the top 53 significant bits; the rest only matter as sticky.
    var sticky = false
    let sig = 64 - mag.leadingZeroBitCount
    var scale = -fbits
    if sig > 53 {
        let drop = sig - 53
        sticky = mag & ((1 << UInt64(drop)) - 1) != 0
        mag >>= UInt64(drop)
        scale += drop
    }
    let v = Double(mag) * Double(sign: .plus, exponent: scale, significand: 1)
    return h16Round(neg ? -v : v, sticky: sticky, fpcr, &fl)
}

// MARK: - Estimates

/// FPRecipEstimate for N == 16.
@inline(__always) func h16RecipEstimate(_ x0: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let x = h16FlushIn(x0, fpcr)
    let sign = x & H16.sign
    if h16IsNaN(x) { return h16ProcessNaN(x, fpcr, &fl) }
    if h16IsInf(x) { return sign }
    if h16IsZero(x) { fl |= FPBits.dzc; return sign | H16.infinity }
    let mag = x & 0x7FFF
    if mag < 0x0100 {
        // |x| < 2^-16: the reciprocal overflows.
        let rm = (fpcr >> 22) & 3
        let toInf = rm == 0 || (rm == 1 && sign == 0) || (rm == 2 && sign != 0)
        fl |= FPBits.ofc | FPBits.ixc
        return sign | (toInf ? H16.infinity : H16.maxNormal)
    }
    if fpcr & H16.fz16 != 0 && mag >= 0x7400 {
        fl |= FPBits.ufc
        return sign
    }
    let (resultExp, frac) = recipEstimateCore(fraction: (x & 0x3FF) << 42, exp: Int((x >> 10) & 0x1F), base: 29)
    return sign | (UInt64(resultExp & 0x1F) << 10) | (frac >> 42)
}

/// FPRSqrtEstimate for N == 16.
@inline(__always) func h16RSqrtEstimate(_ x0: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let x = h16FlushIn(x0, fpcr)
    if h16IsNaN(x) { return h16ProcessNaN(x, fpcr, &fl) }
    if h16IsZero(x) { fl |= FPBits.dzc; return (x & H16.sign) | H16.infinity }
    if h16IsNeg(x) { fl |= FPBits.ioc; return H16.defaultNaN }
    if h16IsInf(x) { return 0 }
    let (resultExp, estimate) = rsqrtEstimateCore(fraction: (x & 0x3FF) << 42, exp: Int((x >> 10) & 0x1F), base: 44)
    return (UInt64(resultExp & 0x1F) << 10) | ((estimate & 0xFF) << 2)
}

/// FRECPX for a half.
@inline(__always) func h16RecpX(_ x0: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let x = h16FlushIn(x0, fpcr)
    if h16IsNaN(x) { return h16ProcessNaN(x, fpcr, &fl) }
    let exp = (x >> 10) & 0x1F
    let newExp: UInt64 = exp == 0 ? 0x1E : (~exp & 0x1F)
    return (x & H16.sign) | (newExp << 10)
}

// MARK: - Widening for FMLAL

/// A half as a single for FPMulAddH: exact for numbers (after the FZ16
/// flush), and NaNs keep their payload and signalling state so the single
/// precision NaN rules (FPProcessNaNs3H) apply to them.
@inline(__always) func h16ToSingleBits(_ h0: UInt64, _ fpcr: UInt64) -> Float {
    let h = h16FlushIn(h0, fpcr)
    let sign = (h & H16.sign) << 16
    if h16IsNaN(h) || h16IsInf(h) { return Float(bits64: sign | 0x7F80_0000 | ((h & 0x3FF) << 13)) }
    return Float(h16Value(h))
}

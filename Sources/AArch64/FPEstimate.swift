// Reciprocal and reciprocal square root estimates (FRECPE, FRSQRTE,
// URECPE, URSQRTE) and FRECPX, following the Arm ARM pseudocode
// (RecipEstimate, RecipSqrtEstimate, FPRecipEstimate, FPRSqrtEstimate).

/// RecipEstimate: `a` in 256...511 (0.5 <= x < 1.0), result in 256...511.
@inline(__always) func recipEstimate(_ a0: UInt64) -> UInt64 {
    let a = a0 * 2 + 1
    let b = (1 << 19) / a
    return (b + 1) / 2
}

/// RecipSqrtEstimate: `a` in 128...511 (0.25 <= x < 1.0), result in 256...511.
@inline(__always) func recipSqrtEstimate(_ a0: UInt64) -> UInt64 {
    var a = a0
    if a < 256 { a = a * 2 + 1 } else { a = (a >> 1) << 1; a = (a + 1) * 2 }
    var b: UInt64 = 512
    while a * (b + 1) * (b + 1) < (1 << 28) { b += 1 }
    return (b + 1) / 2
}

/// FPRecipEstimate once the special cases are out, for every width: the
/// operand's 52-bit `fraction` and biased `exp` give the result's biased
/// exponent and 52-bit fraction. `base` is 2 * bias - 1 of the format.
@inline(__always) func recipEstimateCore(fraction f0: UInt64, exp e0: Int, base: Int) -> (exp: Int, frac: UInt64) {
    var fraction = f0, exp = e0
    if exp == 0 {
        if (fraction >> 51) & 1 == 0 {
            exp = -1; fraction = (fraction << 2) & ((1 << 52) - 1)
        } else {
            fraction = (fraction << 1) & ((1 << 52) - 1)
        }
    }
    let scaled = (1 << 8) | ((fraction >> 44) & 0xFF)
    var resultExp = base - exp
    var frac = (recipEstimate(scaled) & 0xFF) << 44
    if resultExp == 0 {
        frac = (1 << 51) | (frac >> 1)
    } else if resultExp == -1 {
        frac = (1 << 50) | (frac >> 2)
        resultExp = 0
    }
    return (resultExp, frac)
}

/// FPRSqrtEstimate once the special cases are out, for every width: the
/// result's biased exponent and its 8-bit estimate (the top fraction
/// bits). `base` is 3 * bias - 1 of the format.
@inline(__always) func rsqrtEstimateCore(fraction f0: UInt64, exp e0: Int, base: Int) -> (exp: Int, estimate: UInt64) {
    var fraction = f0, exp = e0
    if exp == 0 {
        while (fraction >> 51) & 1 == 0 {
            fraction = (fraction << 1) & ((1 << 52) - 1)
            exp -= 1
        }
        fraction = (fraction << 1) & ((1 << 52) - 1)
    }
    let scaled: UInt64 = exp & 1 == 0 ? (1 << 8) | ((fraction >> 44) & 0xFF) : (1 << 7) | ((fraction >> 45) & 0x7F)
    return ((base - exp) >> 1, recipSqrtEstimate(scaled))
}

/// FPRecipEstimate for single (width 32) or double (width 64) bits.
@inline(__always) func fpRecipEstimate<T: ArmFloat>(_ x0: T, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    let x = fpFlushIn(x0, fpcr, &fl)
    let neg = fpIsNeg(x)
    if x.isNaN { return fpProcessNaN(x, fpcr, &fl) }
    if x.isInfinite { return neg ? -T.zero : T.zero }
    if x == 0 { fl |= FPBits.dzc; return neg ? -T.infinity : T.infinity }
    let wide = T.width == 64
    let mag = x.magnitude
    if mag < T(sign: .plus, exponent: wide ? -1024 : -128, significand: 1) {
        let rm = (fpcr >> 22) & 3
        let toInf = rm == 0 || (rm == 1 && !neg) || (rm == 2 && neg)
        fl |= FPBits.ofc | FPBits.ixc
        let v: T = toInf ? T.infinity : T.greatestFiniteMagnitude
        return neg ? -v : v
    }
    if fpcr & FPBits.fz != 0 && mag >= T(sign: .plus, exponent: wide ? 1022 : 126, significand: 1) {
        fl |= FPBits.ufc
        return neg ? -T.zero : T.zero
    }
    let bits = x.bits64
    let (fraction, exp) = estimateOperand(bits, wide: wide)
    let (resultExp, frac) = recipEstimateCore(fraction: fraction, exp: exp, base: wide ? 2045 : 253)
    let sign: UInt64 = neg ? 1 : 0
    if wide { return T(bits64: (sign << 63) | (UInt64(resultExp) << 52) | frac) }
    return T(bits64: (sign << 31) | (UInt64(resultExp & 0xFF) << 23) | (frac >> 29))
}

@inline(__always) func fpRSqrtEstimate<T: ArmFloat>(_ x0: T, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    let x = fpFlushIn(x0, fpcr, &fl)
    if x.isNaN { return fpProcessNaN(x, fpcr, &fl) }
    if x == 0 { fl |= FPBits.dzc; return fpIsNeg(x) ? -T.infinity : T.infinity }
    if fpIsNeg(x) { fl |= FPBits.ioc; return fpDefaultNaN(T.self) }
    if x.isInfinite { return T.zero }
    let wide = T.width == 64
    let bits = x.bits64
    let (fraction, exp) = estimateOperand(bits, wide: wide)
    let (resultExp, estimate) = rsqrtEstimateCore(fraction: fraction, exp: exp, base: wide ? 3068 : 380)
    if wide { return T(bits64: (UInt64(resultExp & 0x7FF) << 52) | ((estimate & 0xFF) << 44)) }
    return T(bits64: (UInt64(resultExp & 0xFF) << 23) | ((estimate & 0xFF) << 15))
}

/// FRECPX: exponent complement, fraction cleared.
@inline(__always) func fpRecpX<T: ArmFloat>(_ x0: T, _ fpcr: UInt64, _ fl: inout UInt64) -> T {
    let x = fpFlushIn(x0, fpcr, &fl)
    if x.isNaN { return fpProcessNaN(x, fpcr, &fl) }
    let wide = T.width == 64
    let bits = x.bits64
    let ebits = wide ? 11 : 8, fbits = wide ? 52 : 23
    let expMask: UInt64 = (1 << UInt64(ebits)) - 1
    let exp = (bits >> UInt64(fbits)) & expMask
    let signBit = bits & (1 << UInt64(T.width - 1))
    let newExp = exp == 0 ? expMask - 1 : (~exp & expMask)
    return T(bits64: signBit | (newExp << UInt64(fbits)))
}

@inline(__always) func urecpe32(_ x: UInt64) -> UInt64 {
    if (x >> 31) & 1 == 0 { return 0xFFFF_FFFF }
    return (recipEstimate((x >> 23) & 0x1FF) & 0x1FF) << 23
}

@inline(__always) func ursqrte32(_ x: UInt64) -> UInt64 {
    if (x >> 30) & 3 == 0 { return 0xFFFF_FFFF }
    return (recipSqrtEstimate((x >> 23) & 0x1FF) & 0x1FF) << 23
}

// MARK: - Saturating doubling multiplies (long forms)

/// SQDMULL of two `bits`-wide signed elements into a 2*bits result; with
/// `acc`, SQDMLAL (sub false) or SQDMLSL (sub true) saturating accumulate.
@inline(__always) func sqdmullElem(_ x: UInt64, _ y: UInt64, _ bits: Int, acc: UInt64?, sub: Bool, _ sat: inout Bool) -> UInt64 {
    let sx = sext(x, bits), sy = sext(y, bits)
    let wbits = 2 * bits
    var prod: UInt64
    if sx == sy && sx == -(Int64(1) << Int64(bits - 1)) {
        sat = true
        prod = emask(wbits - 1)
    } else {
        prod = UInt64(bitPattern: (sx &* sy) &* 2) & emask(wbits)
    }
    guard let a = acc else { return prod }
    return sub ? sqSub(a, prod, wbits, &sat) : sqAdd(a, prod, wbits, &sat)
}

/// The operand of FRECPE/FRSQRTE as the Arm pseudocode unpacks it: a 52-bit
/// fraction (single precision widened) and the biased exponent.
@inline(__always) func estimateOperand(_ bits: UInt64, wide: Bool) -> (UInt64, Int) {
    if wide { return (bits & ((1 << 52) - 1), Int((bits >> 52) & 0x7FF)) }
    return ((bits & ((1 << 23) - 1)) << 29, Int((bits >> 23) & 0xFF))
}

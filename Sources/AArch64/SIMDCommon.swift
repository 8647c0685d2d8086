// Shared pieces of the AdvSIMD data-processing implementation: a 128-bit
// value type with element access (no arrays, no allocation), saturation
// helpers, and the top-level decode of the AdvSIMD encoding groups.

/// A 128-bit vector register value, little-endian lanes.
struct V128 {
    var lo: UInt64
    var hi: UInt64

    @inline(__always) init(_ lo: UInt64 = 0, _ hi: UInt64 = 0) { self.lo = lo; self.hi = hi }

    /// Element `i` of `bits` (8, 16, 32 or 64) bits, zero-extended.
    @inline(__always) func elem(_ i: Int, _ bits: Int) -> UInt64 {
        let off = i &* bits
        let w = off < 64 ? lo : hi
        if bits == 64 { return w }
        return (w >> UInt64(off & 63)) & ((1 << UInt64(bits)) - 1)
    }

    @inline(__always) mutating func setElem(_ i: Int, _ bits: Int, _ v: UInt64) {
        let off = i &* bits
        if bits == 64 {
            if off < 64 { lo = v } else { hi = v }
            return
        }
        let sh = UInt64(off & 63)
        let m: UInt64 = ((1 << UInt64(bits)) - 1) << sh
        if off < 64 { lo = (lo & ~m) | ((v << sh) & m) } else { hi = (hi & ~m) | ((v << sh) & m) }
    }

    /// Byte `i` (0...15).
    @inline(__always) func byte(_ i: Int) -> UInt64 {
        ((i < 8 ? lo : hi) >> UInt64((i & 7) * 8)) & 0xFF
    }
}

@inline(__always) func readV(_ r: UnsafeMutablePointer<UInt64>, _ n: Int) -> V128 {
    V128(r[Slot.v + 2 * n], r[Slot.v + 2 * n + 1])
}

@inline(__always) func writeV(_ r: UnsafeMutablePointer<UInt64>, _ d: Int, _ v: V128) {
    r[Slot.v + 2 * d] = v.lo
    r[Slot.v + 2 * d + 1] = v.hi
}

/// Writes a 64-bit (Q=0) or 128-bit result; a 64-bit result clears the top half.
@inline(__always) func writeVQ(_ r: UnsafeMutablePointer<UInt64>, _ d: Int, _ v: V128, _ q: Bool) {
    r[Slot.v + 2 * d] = v.lo
    r[Slot.v + 2 * d + 1] = q ? v.hi : 0
}

@inline(__always) func sext(_ v: UInt64, _ bits: Int) -> Int64 {
    let s = UInt64(64 - bits)
    return Int64(bitPattern: v << s) >> Int64(s)
}

@inline(__always) func emask(_ bits: Int) -> UInt64 {
    bits >= 64 ? ~0 : (1 << UInt64(bits)) - 1
}

@inline(__always) func setQC(_ r: UnsafeMutablePointer<UInt64>) {
    r[Slot.fpsr] |= FPBits.qc
}

// MARK: - Lane-parallel arithmetic on 64-bit words (SWAR)

/// 1 in the lowest bit of every `bits`-wide lane.
@inline(__always) func laneOnes(_ bits: Int) -> UInt64 {
    switch bits {
    case 8: return 0x0101_0101_0101_0101
    case 16: return 0x0001_0001_0001_0001
    case 32: return 0x0000_0001_0000_0001
    default: return 1
    }
}

/// The top bit of every lane.
@inline(__always) func laneHigh(_ bits: Int) -> UInt64 { laneOnes(bits) << UInt64(bits - 1) }

@inline(__always) func swarAdd(_ x: UInt64, _ y: UInt64, _ h: UInt64) -> UInt64 {
    ((x & ~h) &+ (y & ~h)) ^ ((x ^ y) & h)
}

@inline(__always) func swarSub(_ x: UInt64, _ y: UInt64, _ h: UInt64) -> UInt64 {
    ((x | h) &- (y & ~h)) ^ ((x ^ ~y) & h)
}

/// All ones in each lane of `t` that is non-zero (`zero` false) or zero.
@inline(__always) func swarLaneMask(_ t: UInt64, _ bits: Int, zero: Bool) -> UInt64 {
    let h = laneHigh(bits)
    var flag = (((t & ~h) &+ ~h) | t) & h
    if zero { flag ^= h }
    return (flag >> UInt64(bits - 1)) &* emask(bits)
}

/// Packs the low bytes of the four 16-bit lanes of `x` into 32 bits.
@inline(__always) func packBytesOf16(_ x: UInt64) -> UInt64 {
    var y = x & 0x00FF_00FF_00FF_00FF
    y = (y | (y >> 8)) & 0x0000_FFFF_0000_FFFF
    return (y | (y >> 16)) & 0xFFFF_FFFF
}

/// UMAXP/UMINP on bytes: the larger (or smaller) of each adjacent pair, packed.
@inline(__always) func swarPairMaxMinBytes(_ x: UInt64, max: Bool) -> UInt64 {
    let e = x & 0x00FF_00FF_00FF_00FF, o = (x >> 8) & 0x00FF_00FF_00FF_00FF
    let ge = ((((e | 0x0100_0100_0100_0100) &- o) >> 8) & 0x0001_0001_0001_0001) &* 0xFF
    let pick = max ? o ^ ((e ^ o) & ge) : e ^ ((e ^ o) & ge)
    return packBytesOf16(pick)
}

// MARK: - Saturation

/// Signed saturation of `v` to `bits` (< 64).
@inline(__always) func satS(_ v: Int64, _ bits: Int, _ sat: inout Bool) -> UInt64 {
    let maxv = Int64(bitPattern: emask(bits - 1)), minv = -maxv - 1
    if v > maxv { sat = true; return UInt64(bitPattern: maxv) & emask(bits) }
    if v < minv { sat = true; return UInt64(bitPattern: minv) & emask(bits) }
    return UInt64(bitPattern: v) & emask(bits)
}

/// Unsigned saturation of a signed value to `bits` (< 64).
@inline(__always) func satU(_ v: Int64, _ bits: Int, _ sat: inout Bool) -> UInt64 {
    if v < 0 { sat = true; return 0 }
    if UInt64(v) > emask(bits) { sat = true; return emask(bits) }
    return UInt64(v)
}

@inline(__always) func sqAdd(_ a: UInt64, _ b: UInt64, _ bits: Int, _ sat: inout Bool) -> UInt64 {
    if bits < 64 { return satS(sext(a, bits) + sext(b, bits), bits, &sat) }
    let (s, o) = Int64(bitPattern: a).addingReportingOverflow(Int64(bitPattern: b))
    if o { sat = true; return Int64(bitPattern: a) < 0 ? 1 << 63 : UInt64(Int64.max) }
    return UInt64(bitPattern: s)
}

@inline(__always) func sqSub(_ a: UInt64, _ b: UInt64, _ bits: Int, _ sat: inout Bool) -> UInt64 {
    if bits < 64 { return satS(sext(a, bits) - sext(b, bits), bits, &sat) }
    let (s, o) = Int64(bitPattern: a).subtractingReportingOverflow(Int64(bitPattern: b))
    if o { sat = true; return Int64(bitPattern: a) < 0 ? 1 << 63 : UInt64(Int64.max) }
    return UInt64(bitPattern: s)
}

@inline(__always) func uqAdd(_ a: UInt64, _ b: UInt64, _ bits: Int, _ sat: inout Bool) -> UInt64 {
    let (s, o) = a.addingReportingOverflow(b)
    if o || s > emask(bits) { sat = true; return emask(bits) }
    return s
}

@inline(__always) func uqSub(_ a: UInt64, _ b: UInt64, _ bits: Int, _ sat: inout Bool) -> UInt64 {
    if b > a { sat = true; return 0 }
    return a - b
}

/// Signed value `v` (an element, sign-extended) saturated to a signed `bits` element, 64 allowed.
@inline(__always) func satSWide(_ v: Int64, _ bits: Int, _ sat: inout Bool) -> UInt64 {
    bits == 64 ? UInt64(bitPattern: v) : satS(v, bits, &sat)
}

// MARK: - Shifts with Arm semantics

/// Right shift by `s` >= 0 (may exceed the width), optionally rounding.
@inline(__always) func shrS(_ v: Int64, _ s: Int, round: Bool) -> Int64 {
    if s == 0 { return v }
    let t = v >> Int64(min(s, 63))
    if !round { return t }
    return t &+ ((v >> Int64(min(s - 1, 63))) & 1)
}

@inline(__always) func shrU(_ v: UInt64, _ s: Int, round: Bool) -> UInt64 {
    if s == 0 { return v }
    let t = s >= 64 ? 0 : v >> UInt64(s)
    if !round { return t }
    let rb = s - 1 >= 64 ? 0 : (v >> UInt64(s - 1)) & 1
    return t &+ rb
}

// MARK: - Top-level decode

@inline(__always) func executeSIMD(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    if insn >> 31 != 0 { return cryptoExtended(r, insn) }
    let scalar = (insn >> 28) & 1 == 1
    if scalar && (insn >> 30) & 1 == 0 { return .undefined }
    let b24 = (insn >> 24) & 1
    if b24 == 0 {
        if (insn >> 21) & 1 == 1 {
            if (insn >> 10) & 1 == 1 { return simdThreeSame(r, insn, scalar: scalar) }
            if (insn >> 10) & 3 == 0 { return scalar ? simdScalarThreeDifferent(r, insn) : simdThreeDifferent(r, insn) }
            switch (insn >> 17) & 0xF {
            case 0: return simdTwoRegMisc(r, insn, scalar: scalar)
            case 8: return scalar ? simdScalarPairwise(r, insn) : simdAcrossLanes(r, insn)
            case 4 where (insn >> 22) & 3 == 0 && (insn >> 10) & 3 == 2 && (insn >> 29) & 1 == 0:
                return scalar ? cryptoSHATwoReg(r, insn) : ((insn >> 30) & 1 == 1 ? cryptoAES(r, insn) : .undefined)
            case 12 where (insn >> 10) & 3 == 2: return simdHalfTwoRegMisc(r, insn, scalar: scalar)
            default: return .undefined
            }
        }
        if (insn >> 22) & 1 == 1 && (insn >> 14) & 3 == 0 && (insn >> 10) & 1 == 1 {
            return simdHalfThreeSame(r, insn, scalar: scalar)
        }
        if (insn >> 15) & 1 != 0 {
            return (insn >> 10) & 1 == 1 ? simdThreeSameExtra(r, insn, scalar: scalar) : .undefined
        }
        if scalar {
            if (insn >> 22) & 3 == 0 && (insn >> 10) & 3 == 0 && (insn >> 29) & 1 == 0 {
                return cryptoSHAThreeReg(r, insn)
            }
            if (insn >> 21) & 7 == 0 && (insn >> 10) & 0x1F == 1 && (insn >> 29) & 1 == 0 {
                return simdScalarDup(r, insn)
            }
            return .undefined
        }
        let u = (insn >> 29) & 1
        if (insn >> 21) & 7 == 0 && (insn >> 10) & 1 == 1 { return simdCopy(r, insn) }
        if u == 0 {
            if (insn >> 10) & 3 == 2 { return simdPermute(r, insn) }
            if (insn >> 10) & 3 == 0 && (insn >> 22) & 3 == 0 { return simdTableLookup(r, insn) }
            return .undefined
        }
        if (insn >> 22) & 3 == 0 && (insn >> 10) & 1 == 0 { return simdExtract(r, insn) }
        return .undefined
    }
    if (insn >> 10) & 1 == 0 { return simdIndexed(r, insn, scalar: scalar) }
    if (insn >> 23) & 1 != 0 { return .undefined }
    if (insn >> 19) & 0xF == 0 { return scalar ? .undefined : simdModifiedImmediate(r, insn) }
    return simdShiftImmediate(r, insn, scalar: scalar)
}

// AdvSIMD two-register miscellaneous (vector and scalar), across lanes,
// and three different (widening/narrowing) groups.

@inline(__always) func simdTwoRegMisc(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, scalar: Bool) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, u = (insn >> 29) & 1 == 1
    let size = Int((insn >> 22) & 3), opcode = Int((insn >> 12) & 0x1F)
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    if opcode >= 0x1E && size < 2 { return scalar ? .undefined : simdFrintN(r, insn) }
    if opcode >= 0x0C && opcode != 0x12 && opcode != 0x13 && opcode != 0x14 {
        return simdFPTwoRegMisc(r, insn, scalar: scalar)
    }
    let a = readV(r, n)
    if opcode == 0x05 {
        // CNT / NOT / RBIT work on bytes whatever the size field says.
        if scalar { return .undefined }
        var res = V128()
        for i in 0..<(q ? 16 : 8) {
            let x = a.byte(i)
            var v: UInt64
            switch (u, size) {
            case (false, 0): v = UInt64(x.nonzeroBitCount)
            case (true, 0): v = ~x & 0xFF
            case (true, 1):
                v = 0
                for k in 0..<8 where (x >> UInt64(k)) & 1 == 1 { v |= 1 << UInt64(7 - k) }
            default: return .undefined
            }
            res.setElem(i, 8, v)
        }
        writeVQ(r, d, res, q)
        return .ok
    }
    let bits = 8 << size
    var res = V128()
    var sat = false
    // Narrowing: XTN, SQXTUN, SQXTN, UQXTN; SHLL widening.
    if opcode == 0x12 || opcode == 0x14 {
        if size == 3 { return .undefined }
        if scalar && opcode == 0x12 && !u { return .undefined }
        let elements = scalar ? 1 : 64 / bits
        var dst = scalar ? V128() : readV(r, d)
        let base = (q && !scalar) ? elements : 0
        for i in 0..<elements {
            let x = a.elem(i, 2 * bits)
            var v: UInt64
            switch (opcode, u) {
            case (0x12, false): v = x & emask(bits)
            case (0x12, true): v = satU(sext(x, 2 * bits), bits, &sat)
            case (0x14, false): v = satS(sext(x, 2 * bits), bits, &sat)
            default:
                if x > emask(bits) { sat = true; v = emask(bits) } else { v = x }
            }
            dst.setElem(base + i, bits, v)
        }
        if !q || scalar { dst.hi = 0 }
        writeV(r, d, dst)
        if sat { setQC(r) }
        return .ok
    }
    if opcode == 0x13 {
        if !u || scalar || size == 3 { return .undefined }
        let elements = 64 / bits
        let base = q ? elements : 0
        for i in 0..<elements { res.setElem(i, 2 * bits, a.elem(base + i, bits) << UInt64(bits)) }
        writeV(r, d, res)
        return .ok
    }
    if scalar {
        switch opcode {
        case 0x03, 0x07: break
        case 0x08, 0x09, 0x0A, 0x0B: if size != 3 { return .undefined }
        default: return .undefined
        }
    } else if size == 3 && !q {
        return .undefined
    }
    let elements = scalar ? 1 : (q ? 128 : 64) / bits
    let mask = emask(bits)
    if opcode == 0x09 && !u {
        // CMEQ #0 on whole words.
        writeVQ(r, d, V128(swarLaneMask(a.lo, bits, zero: true), swarLaneMask(a.hi, bits, zero: true)), q && !scalar)
        return .ok
    }
    switch opcode {
    case 0x00, 0x01:
        // REV64 / REV32 / REV16: reverse elements within containers.
        if opcode == 1 && u { return .undefined }
        let container = opcode == 1 ? 16 : (u ? 32 : 64)
        if bits >= container { return .undefined }
        let per = container / bits
        for i in 0..<elements {
            let base = (i / per) * per
            res.setElem(i, bits, a.elem(base + (per - 1 - (i - base)), bits))
        }
    case 0x02, 0x06:
        if size == 3 { return .undefined }
        let dv = readV(r, d)
        for i in 0..<(elements / 2) {
            let x = a.elem(2 * i, bits), y = a.elem(2 * i + 1, bits)
            var s = u ? x &+ y : UInt64(bitPattern: sext(x, bits) + sext(y, bits))
            if opcode == 6 { s = s &+ dv.elem(i, 2 * bits) }
            res.setElem(i, 2 * bits, s & emask(2 * bits))
        }
    default:
        let dv = readV(r, d)
        for i in 0..<elements {
            let x = a.elem(i, bits)
            let sx = sext(x, bits)
            var v: UInt64
            switch opcode {
            case 0x03:
                // SUQADD / USQADD: accumulate into Vd with saturation.
                let acc = dv.elem(i, bits)
                if !u {
                    // Signed accumulator plus unsigned operand.
                    if bits == 64 {
                        let sa = Int64(bitPattern: acc)
                        if sa >= 0 {
                            let (t, o) = acc.addingReportingOverflow(x)
                            if o || t > UInt64(Int64.max) { sat = true; v = UInt64(Int64.max) } else { v = t }
                        } else {
                            let mag = 0 &- acc
                            if x >= mag {
                                let t = x - mag
                                if t > UInt64(Int64.max) { sat = true; v = UInt64(Int64.max) } else { v = t }
                            } else {
                                v = acc &+ x
                            }
                        }
                    } else {
                        v = satS(sext(acc, bits) + Int64(x), bits, &sat)
                    }
                } else {
                    // Unsigned accumulator plus signed operand.
                    if bits == 64 {
                        v = sx >= 0 ? uqAdd(acc, x, 64, &sat) : uqSub(acc, 0 &- x, 64, &sat)
                    } else {
                        v = satU(Int64(acc) + sx, bits, &sat)
                    }
                }
            case 0x04:
                if size == 3 { return .undefined }
                if u { v = UInt64(x.leadingZeroBitCount - (64 - bits)) } else {
                    let t = sx < 0 ? ~sx : sx
                    v = UInt64(t.leadingZeroBitCount - (64 - bits) - 1)
                }
            case 0x05:
                switch (u, size) {
                case (false, 0): v = UInt64(x.nonzeroBitCount)
                case (true, 0): v = ~x
                case (true, 1):
                    var b: UInt64 = 0
                    for k in 0..<8 where (x >> UInt64(k)) & 1 == 1 { b |= 1 << UInt64(7 - k) }
                    v = b
                default: return .undefined
                }
            case 0x07:
                if u {
                    v = sqSub(0, x, bits, &sat)
                } else {
                    v = sx < 0 ? sqSub(0, x, bits, &sat) : x
                }
            case 0x08: v = (u ? sx >= 0 : sx > 0) ? mask : 0
            case 0x09: v = (u ? sx <= 0 : sx == 0) ? mask : 0
            case 0x0A: if u { return .undefined }; v = sx < 0 ? mask : 0
            case 0x0B: v = u ? 0 &- x : (sx < 0 ? 0 &- x : x)
            default: return .undefined
            }
            res.setElem(i, bits, v & mask)
        }
    }
    if sat { setQC(r) }
    writeVQ(r, d, res, q && !scalar)
    return .ok
}

/// FP two-register misc forms (vector and scalar).
@inline(__always) func simdFPTwoRegMisc(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, scalar: Bool) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, u = Int((insn >> 29) & 1)
    let size = Int((insn >> 22) & 3), opcode = Int((insn >> 12) & 0x1F)
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    let aBit = size >> 1, sz = size & 1
    let fpcr = r[Slot.fpcr]
    var fl: UInt64 = 0
    let a = readV(r, n)
    if opcode == 0x16 || opcode == 0x17 {
        if aBit != 0 { return .undefined }
        if opcode == 0x16 {
            // FCVTN / FCVTN2 / FCVTXN: narrow to the low or high half.
            if u == 1 && sz == 0 { return .undefined }
            if scalar && u == 0 { return .undefined }
            var dst = (q && !scalar) ? readV(r, d) : V128()
            let count = scalar ? 1 : (sz == 1 ? 2 : 4)
            let base = (q && !scalar) ? count : 0
            for i in 0..<count {
                var v: UInt64
                if sz == 1 {
                    let x = Double(bits64: a.elem(i, 64))
                    v = u == 1 ? fpToSingleOdd(x, fpcr, &fl) : fpDoubleToSingle(x, fpcr, &fl).bits64
                    dst.setElem(base + i, 32, v)
                } else {
                    let x = fpFlushIn(Float(bits64: a.elem(i, 32)), fpcr, &fl)
                    v = fpToHalf(fpSingleToDouble(x, fpcr & ~FPBits.dn, &fl), fpcr, &fl)
                    dst.setElem(base + i, 16, v)
                }
            }
            if !q || scalar { dst.hi = 0 }
            writeV(r, d, dst)
        } else {
            if u != 0 || scalar { return .undefined }
            var res = V128()
            let count = sz == 1 ? 2 : 4
            let base = q ? count : 0
            for i in 0..<count {
                if sz == 1 {
                    res.setElem(i, 64, fpSingleToDouble(Float(bits64: a.elem(base + i, 32)), fpcr, &fl).bits64)
                } else {
                    res.setElem(i, 32, Float(fpFromHalf(a.elem(base + i, 16), fpcr, &fl)).bits64)
                }
            }
            writeV(r, d, res)
        }
        fpAccumulate(r, fl)
        return .ok
    }
    let bits = sz == 1 ? 64 : 32
    if sz == 1 && !q && !scalar { return .undefined }
    let elements = scalar ? 1 : (q ? 128 : 64) / bits
    let key = (u << 6) | (aBit << 5) | opcode
    if scalar {
        switch key {
        case 0x2C, 0x2D, 0x2E, 0x6C, 0x6D, 0x1A, 0x1B, 0x1C, 0x1D, 0x3A, 0x3B, 0x5A, 0x5B, 0x5C, 0x5D, 0x7A, 0x7B, 0x3D, 0x7D, 0x3F: break
        default: return .undefined
        }
    }
    if key == 0x3F && !scalar { return .undefined }
    var res = V128()
    for i in 0..<elements {
        let x = a.elem(i, bits)
        let v: UInt64?
        if bits == 64 {
            v = simdFPMiscElem(key, Double(bits64: x), x, fpcr, &fl)
        } else {
            v = simdFPMiscElem(key, Float(bits64: x), x, fpcr, &fl)
        }
        guard let vv = v else { return .undefined }
        res.setElem(i, bits, vv)
    }
    writeVQ(r, d, res, q && !scalar)
    fpAccumulate(r, fl)
    return .ok
}

/// Double to single rounding to odd (FCVTXN).
@inline(__always) func fpToSingleOdd(_ a0: Double, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64 {
    let a = fpFlushIn(a0, fpcr, &fl)
    if a.isNaN { return fpDoubleToSingle(a, fpcr, &fl).bits64 }
    hostFPBegin(fpcr & ~(3 << 22) | (3 << 22))
    let f = fpPin(Float(fpPin(a)))
    let hf = hostFPEnd(fpcr & ~(3 << 22) | (3 << 22))
    var b = UInt64(f.bitPattern)
    if hf & FPBits.ixc != 0 && !f.isInfinite { b |= 1 }
    var fl2: UInt64 = 0
    let res = fpFinish(Float(bits64: b), hf, fpcr, &fl2)
    fl |= fl2
    return res.bits64
}

@inline(__always) func simdFPMiscElem<T: ArmFloat>(_ key: Int, _ x: T, _ raw: UInt64, _ fpcr: UInt64, _ fl: inout UInt64) -> UInt64? {
    let ones = emask(T.width)
    let signBit: UInt64 = 1 << UInt64(T.width - 1)
    switch key {
    case 0x2C: return fpCompareMask(x, T.zero, 2, abs: false, fpcr, &fl) ? ones : 0
    case 0x6C: return fpCompareMask(x, T.zero, 1, abs: false, fpcr, &fl) ? ones : 0
    case 0x2D: return fpCompareMask(x, T.zero, 0, abs: false, fpcr, &fl) ? ones : 0
    case 0x6D: return fpCompareMask(T.zero, x, 1, abs: false, fpcr, &fl) ? ones : 0
    case 0x2E: return fpCompareMask(T.zero, x, 2, abs: false, fpcr, &fl) ? ones : 0
    case 0x2F: return raw & ~signBit
    case 0x6F: return raw ^ signBit
    case 0x7F: return fpSqrt(x, fpcr, &fl).bits64
    case 0x18: return fpRoundInt(x, FPRounding.nearestEven, exact: false, fpcr, &fl).bits64
    case 0x38: return fpRoundInt(x, FPRounding.up, exact: false, fpcr, &fl).bits64
    case 0x19: return fpRoundInt(x, FPRounding.down, exact: false, fpcr, &fl).bits64
    case 0x39: return fpRoundInt(x, FPRounding.towardZero, exact: false, fpcr, &fl).bits64
    case 0x58: return fpRoundInt(x, FPRounding.nearestAway, exact: false, fpcr, &fl).bits64
    case 0x79: return fpRoundInt(x, Int((fpcr >> 22) & 3), exact: false, fpcr, &fl).bits64
    case 0x59: return fpRoundInt(x, Int((fpcr >> 22) & 3), exact: true, fpcr, &fl).bits64
    case 0x1A, 0x3A, 0x1B, 0x3B, 0x1C, 0x5A, 0x7A, 0x5B, 0x7B, 0x5C:
        let mode: Int
        switch key & 0x3F {
        case 0x1A: mode = FPRounding.nearestEven
        case 0x3A: mode = FPRounding.up
        case 0x1B: mode = FPRounding.down
        case 0x3B: mode = FPRounding.towardZero
        default: mode = FPRounding.nearestAway
        }
        let v = fpFlushIn(x, fpcr, &fl)
        return fpToFixed(Double(v), fbits: 0, unsigned: key >= 0x40, width: T.width, mode: mode, &fl)
    case 0x3D: return fpRecipEstimate(x, fpcr, &fl).bits64
    case 0x7D: return fpRSqrtEstimate(x, fpcr, &fl).bits64
    case 0x3F: return fpRecpX(x, fpcr, &fl).bits64
    case 0x3C: return T.width == 32 ? urecpe32(raw) : nil
    case 0x7C: return T.width == 32 ? ursqrte32(raw) : nil
    case 0x1D, 0x5D:
        let iv = key == 0x1D && T.width == 32 ? UInt64(bitPattern: sext(raw, 32)) : raw
        return fpFromFixed(iv, fbits: 0, unsigned: key == 0x5D, T.self, fpcr, &fl).bits64
    default: return nil
    }
}

// MARK: - Across lanes

@inline(__always) func simdAcrossLanes(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, u = (insn >> 29) & 1 == 1
    let size = Int((insn >> 22) & 3), opcode = (insn >> 12) & 0x1F
    if opcode == 0x0C || opcode == 0x0F {
        if !u { return simdHalfAcrossLanes(r, insn) }
        return simdFPAcrossLanes(r, insn)
    }
    if size == 3 || (size == 2 && !q) { return .undefined }
    let bits = 8 << size
    let elements = (q ? 128 : 64) / bits
    let a = readV(r, Int((insn >> 5) & 31))
    let d = Int(insn & 31)
    switch opcode {
    case 0x03:
        var s: Int64 = 0
        for i in 0..<elements { s = s &+ (u ? Int64(a.elem(i, bits)) : sext(a.elem(i, bits), bits)) }
        writeScalarBits(r, d, UInt64(bitPattern: s) & emask(2 * bits))
    case 0x1B:
        if u { return .undefined }
        var s: UInt64 = 0
        for i in 0..<elements { s = s &+ a.elem(i, bits) }
        writeScalarBits(r, d, s & emask(bits))
    case 0x0A, 0x1A:
        let isMax = opcode == 0x0A
        var best = a.elem(0, bits)
        for i in 1..<elements {
            let x = a.elem(i, bits)
            let gt = u ? x > best : sext(x, bits) > sext(best, bits)
            let lt = u ? x < best : sext(x, bits) < sext(best, bits)
            if (isMax && gt) || (!isMax && lt) { best = x }
        }
        writeScalarBits(r, d, best)
    default: return .undefined
    }
    return .ok
}

// MARK: - Three different

@inline(__always) func simdThreeDifferent(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, u = (insn >> 29) & 1 == 1
    let size = Int((insn >> 22) & 3), opcode = Int((insn >> 12) & 0xF)
    let d = Int(insn & 31), n = Int((insn >> 5) & 31), m = Int((insn >> 16) & 31)
    let a = readV(r, n), b = readV(r, m), dv = readV(r, d)
    let bits = 8 << size
    let elements = 64 / bits
    let part = q ? elements : 0
    var res = V128()
    if opcode == 0xE {
        // PMULL: 8-bit, or 64-bit (crypto extension).
        if u || (size != 0 && size != 3) { return .undefined }
        if size == 3 {
            let (lo, hi) = clmul64(a.elem(q ? 1 : 0, 64), b.elem(q ? 1 : 0, 64))
            writeV(r, d, V128(lo, hi))
            return .ok
        }
        for i in 0..<elements { res.setElem(i, 16, polyMul8(a.elem(part + i, 8), b.elem(part + i, 8))) }
        writeV(r, d, res)
        return .ok
    }
    if size == 3 { return .undefined }
    if opcode == 0x4 || opcode == 0x6 {
        // ADDHN / RADDHN / SUBHN / RSUBHN: narrow to the high half.
        var dst = q ? dv : V128()
        for i in 0..<elements {
            let x = a.elem(i, 2 * bits), y = b.elem(i, 2 * bits)
            var s = opcode == 4 ? x &+ y : x &- y
            if u { s = s &+ (1 << UInt64(bits - 1)) }
            dst.setElem(part + i, bits, (s >> UInt64(bits)) & emask(bits))
        }
        if !q { dst.hi = 0 }
        writeV(r, d, dst)
        return .ok
    }
    if opcode == 0x9 || opcode == 0xB || opcode == 0xD {
        if u || size == 0 { return .undefined }
        var sat = false
        for i in 0..<elements {
            let acc: UInt64? = opcode == 0xD ? nil : dv.elem(i, 2 * bits)
            res.setElem(i, 2 * bits, sqdmullElem(a.elem(part + i, bits), b.elem(part + i, bits), bits, acc: acc, sub: opcode == 0xB, &sat))
        }
        if sat { setQC(r) }
        writeV(r, d, res)
        return .ok
    }
    let wbits = 2 * bits
    let wmask = emask(wbits)
    for i in 0..<elements {
        let x = a.elem(part + i, bits), y = b.elem(part + i, bits)
        let wx: Int64 = u ? Int64(x) : sext(x, bits)
        let wy: Int64 = u ? Int64(y) : sext(y, bits)
        let acc = dv.elem(i, wbits)
        var v: UInt64
        switch opcode {
        case 0x0: v = UInt64(bitPattern: wx &+ wy)
        case 0x1:
            let w = a.elem(i, wbits)
            v = w &+ UInt64(bitPattern: wy)
        case 0x2: v = UInt64(bitPattern: wx &- wy)
        case 0x3:
            let w = a.elem(i, wbits)
            v = w &- UInt64(bitPattern: wy)
        case 0x5: v = acc &+ UInt64(bitPattern: wx > wy ? wx &- wy : wy &- wx)
        case 0x7: v = UInt64(bitPattern: wx > wy ? wx &- wy : wy &- wx)
        case 0x8: v = acc &+ UInt64(bitPattern: wx &* wy)
        case 0xA: v = acc &- UInt64(bitPattern: wx &* wy)
        case 0xC: v = UInt64(bitPattern: wx &* wy)
        default: return .undefined
        }
        res.setElem(i, wbits, v & wmask)
    }
    writeV(r, d, res)
    return .ok
}

/// AdvSIMD scalar three different: SQDMLAL, SQDMLSL, SQDMULL.
@inline(__always) func simdScalarThreeDifferent(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let u = (insn >> 29) & 1, size = Int((insn >> 22) & 3), opcode = (insn >> 12) & 0xF
    if u != 0 || size == 0 || size == 3 { return .undefined }
    if opcode != 0x9 && opcode != 0xB && opcode != 0xD { return .undefined }
    let bits = 8 << size
    let d = Int(insn & 31)
    let x = readV(r, Int((insn >> 5) & 31)).elem(0, bits), y = readV(r, Int((insn >> 16) & 31)).elem(0, bits)
    var sat = false
    let acc: UInt64? = opcode == 0xD ? nil : readV(r, d).elem(0, 2 * bits)
    let v = sqdmullElem(x, y, bits, acc: acc, sub: opcode == 0xB, &sat)
    if sat { setQC(r) }
    writeScalarBits(r, d, v)
    return .ok
}

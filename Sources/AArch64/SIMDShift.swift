// AdvSIMD shift by immediate (vector and scalar) and integer by-element
// multiplies (MUL/MLA/MLS/SMULL/UMULL/SMLAL/UMLAL/SQDMULH by element).

@inline(__always) func simdShiftImmediate(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, scalar: Bool) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, u = (insn >> 29) & 1 == 1
    let immh = Int((insn >> 19) & 0xF), immhb = Int((insn >> 16) & 0x7F)
    let opcode = Int((insn >> 11) & 0x1F)
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    let esizeLog = 63 - UInt64(immh).leadingZeroBitCount   // highest set bit of immh: 0...3
    let bits = 8 << esizeLog
    let a = readV(r, n)
    var sat = false
    let narrow = opcode >= 0x10 && opcode <= 0x13
    if opcode == 0x14 {
        // SSHLL / USHLL (UXTL/SXTL): widen.
        if scalar || esizeLog == 3 { return .undefined }
        let sh = immhb - bits
        let elements = 64 / bits
        let part = q ? elements : 0
        var res = V128()
        for i in 0..<elements {
            let x = a.elem(part + i, bits)
            let w = u ? x : UInt64(bitPattern: sext(x, bits))
            res.setElem(i, 2 * bits, (w << UInt64(sh)) & emask(2 * bits))
        }
        writeV(r, d, res)
        return .ok
    }
    if narrow {
        if esizeLog == 3 { return .undefined }
        if scalar && opcode == 0x10 && !u { return .undefined }
        if scalar && opcode == 0x11 && !u { return .undefined }
        let sh = 2 * bits - immhb
        if opcode == 0x10 && !u && bits == 8 {
            // SHRN 8H -> 8B on whole words: the shift stays inside each lane.
            let packed = packBytesOf16(a.lo >> UInt64(sh)) | (packBytesOf16(a.hi >> UInt64(sh)) << 32)
            if q { r[Slot.v + 2 * d + 1] = packed } else { writeVQ(r, d, V128(packed, 0), false) }
            return .ok
        }
        let elements = scalar ? 1 : 64 / bits
        var dst = scalar ? V128() : readV(r, d)
        let base = (q && !scalar) ? elements : 0
        let round = opcode & 1 == 1
        for i in 0..<elements {
            let x = a.elem(i, 2 * bits)
            var v: UInt64
            switch (opcode >> 1, u) {
            case (0x8, false):
                v = shrU(x, sh, round: round) & emask(bits)
            case (0x8, true):
                v = satU(shrS(sext(x, 2 * bits), sh, round: round), bits, &sat)
            case (_, false):
                v = satS(shrS(sext(x, 2 * bits), sh, round: round), bits, &sat)
            default:
                let t = shrU(x, sh, round: round)
                if t > emask(bits) { sat = true; v = emask(bits) } else { v = t }
            }
            dst.setElem(base + i, bits, v)
        }
        if !q || scalar { dst.hi = 0 }
        writeV(r, d, dst)
        if sat { setQC(r) }
        return .ok
    }
    if opcode == 0x1C || opcode == 0x1F {
        // SCVTF/UCVTF and FCVTZS/FCVTZU (vector, fixed-point).
        if esizeLog == 1 { return simdHalfFixedConvert(r, insn, scalar: scalar) }
        if esizeLog < 2 { return .undefined }
        if esizeLog == 3 && !q && !scalar { return .undefined }
        let fbits = 2 * bits - immhb
        let elements = scalar ? 1 : (q ? 128 : 64) / bits
        let fpcr = r[Slot.fpcr]
        var fl: UInt64 = 0
        var res = V128()
        for i in 0..<elements {
            let x = a.elem(i, bits)
            var v: UInt64
            if opcode == 0x1C {
                let iv = !u && bits == 32 ? UInt64(bitPattern: sext(x, 32)) : x
                v = bits == 64 ? fpFromFixed(iv, fbits: fbits, unsigned: u, Double.self, fpcr, &fl).bits64
                    : fpFromFixed(iv, fbits: fbits, unsigned: u, Float.self, fpcr, &fl).bits64
            } else {
                let f: Double = bits == 64 ? fpFlushIn(Double(bits64: x), fpcr, &fl) : Double(fpFlushIn(Float(bits64: x), fpcr, &fl))
                v = fpToFixed(f, fbits: fbits, unsigned: u, width: bits, mode: FPRounding.towardZero, &fl)
            }
            res.setElem(i, bits, v)
        }
        writeVQ(r, d, res, q && !scalar)
        fpAccumulate(r, fl)
        return .ok
    }
    if esizeLog == 3 && !q && !scalar { return .undefined }
    if scalar && esizeLog != 3 && opcode != 0x0C && opcode != 0x0E { return .undefined }
    let elements = scalar ? 1 : (q ? 128 : 64) / bits
    let rsh = 2 * bits - immhb
    let lsh = immhb - bits
    let mask = emask(bits)
    if (opcode == 0x00 && u) || (opcode == 0x0A && !u) {
        // USHR / SHL on whole words.
        var lo: UInt64 = 0, hi: UInt64 = 0
        if opcode == 0 {
            if rsh < bits {
                let keep = (mask >> UInt64(rsh)) &* laneOnes(bits)
                lo = (a.lo >> UInt64(rsh)) & keep; hi = (a.hi >> UInt64(rsh)) & keep
            }
        } else {
            let keep = ((mask << UInt64(lsh)) & mask) &* laneOnes(bits)
            lo = (a.lo << UInt64(lsh)) & keep; hi = (a.hi << UInt64(lsh)) & keep
        }
        writeVQ(r, d, V128(lo, hi), q && !scalar)
        return .ok
    }
    let dv = readV(r, d)
    var res = V128()
    for i in 0..<elements {
        let x = a.elem(i, bits)
        var v: UInt64
        switch opcode {
        case 0x00, 0x02, 0x04, 0x06:
            let round = opcode & 4 != 0
            v = u ? shrU(x, rsh, round: round) : UInt64(bitPattern: shrS(sext(x, bits), rsh, round: round))
            if opcode & 2 != 0 { v = v &+ dv.elem(i, bits) }
        case 0x08:
            if !u { return .undefined }
            // SRI: keep the top `rsh` bits of the destination.
            let m = rsh >= 64 ? 0 : mask >> UInt64(rsh)
            v = rsh >= bits ? dv.elem(i, bits) : (dv.elem(i, bits) & ~m) | (x >> UInt64(rsh))
        case 0x0A:
            if u {
                let m = (mask << UInt64(lsh)) & mask
                v = (dv.elem(i, bits) & ~m) | ((x << UInt64(lsh)) & m)
            } else {
                v = x << UInt64(lsh)
            }
        case 0x0C:
            if !u { return .undefined }
            v = simdSatShl(x, lsh, bits, srcSigned: true, dstSigned: false, &sat)
        case 0x0E:
            v = simdSatShl(x, lsh, bits, srcSigned: !u, dstSigned: !u, &sat)
        default: return .undefined
        }
        res.setElem(i, bits, v & mask)
    }
    if sat { setQC(r) }
    writeVQ(r, d, res, q && !scalar)
    return .ok
}

// MARK: - By element

@inline(__always) func simdIndexed(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, scalar: Bool) -> StepStatus {
    let opcode = (insn >> 12) & 0xF
    let u = (insn >> 29) & 1
    if isIndexedExtra(u, opcode) { return simdIndexedExtra(r, insn, scalar: scalar) }
    if opcode == 1 || opcode == 5 || opcode == 9 { return simdFPIndexed(r, insn, scalar: scalar) }
    if !scalar && (insn >> 22) & 3 == 2 && opcode & 3 == 0 && (opcode >> 3) == (insn >> 29) & 1 {
        return simdFHMIndexed(r, insn)
    }
    let q = (insn >> 30) & 1 == 1, size = Int((insn >> 22) & 3)
    let l = Int((insn >> 21) & 1), mBit = Int((insn >> 20) & 1), h = Int((insn >> 11) & 1)
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    var m = Int((insn >> 16) & 0xF)
    let index: Int
    switch size {
    case 1: index = (h << 2) | (l << 1) | mBit
    case 2: index = (h << 1) | l; m |= mBit << 4
    default: return .undefined
    }
    let bits = 8 << size
    let y = readV(r, m).elem(index, bits)
    let sy = sext(y, bits)
    let a = readV(r, n), dv = readV(r, d)
    var res = V128()
    var sat = false
    switch (u, opcode) {
    case (0, 8), (1, 0), (1, 4):
        if scalar { return .undefined }
        let elements = (q ? 128 : 64) / bits
        for i in 0..<elements {
            let p = a.elem(i, bits) &* y
            let v = opcode == 8 ? p : (opcode == 0 ? dv.elem(i, bits) &+ p : dv.elem(i, bits) &- p)
            res.setElem(i, bits, v & emask(bits))
        }
        writeVQ(r, d, res, q)
    case (_, 2), (_, 6), (_, 0xA):
        if scalar { return .undefined }
        let elements = 64 / bits
        let part = q ? elements : 0
        let wbits = 2 * bits
        for i in 0..<elements {
            let x = a.elem(part + i, bits)
            let p = u == 1 ? x &* y : UInt64(bitPattern: sext(x, bits) &* sy)
            let acc = dv.elem(i, wbits)
            let v = opcode == 0xA ? p : (opcode == 2 ? acc &+ p : acc &- p)
            res.setElem(i, wbits, v & emask(wbits))
        }
        writeV(r, d, res)
    case (0, 3), (0, 7), (0, 0xB):
        let elements = scalar ? 1 : 64 / bits
        let part = (q && !scalar) ? elements : 0
        for i in 0..<elements {
            let acc: UInt64? = opcode == 0xB ? nil : dv.elem(i, 2 * bits)
            res.setElem(i, 2 * bits, sqdmullElem(a.elem(part + i, bits), y, bits, acc: acc, sub: opcode == 7, &sat))
        }
        if sat { setQC(r) }
        if scalar { res.hi = 0 }
        writeV(r, d, res)
    case (0, 0xC), (0, 0xD):
        let elements = scalar ? 1 : (q ? 128 : 64) / bits
        for i in 0..<elements {
            let sx = sext(a.elem(i, bits), bits)
            var v: UInt64
            if sx == sy && sx == -(Int64(1) << Int64(bits - 1)) {
                sat = true
                v = emask(bits - 1)
            } else {
                let rc: Int64 = opcode == 0xD ? Int64(1) << Int64(bits - 2) : 0
                v = UInt64(bitPattern: (sx * sy + rc) >> Int64(bits - 1))
            }
            res.setElem(i, bits, v & emask(bits))
        }
        if sat { setQC(r) }
        writeVQ(r, d, res, q && !scalar)
    default: return .undefined
    }
    return .ok
}

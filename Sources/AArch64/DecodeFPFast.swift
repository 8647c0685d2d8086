// MARK: - Scalar floating point: specialised ops for the common cases
//
// The hot scalar FP instructions get their own ops. Their semantics take a
// fast path on the host FPU only when the result is certainly what the Arm
// rules give (default FPCR, no NaN, no new exception flag to raise); every
// other case runs the full implementation in `executeFPSIMD`.

extension Decoder {
    /// A specialised op for a hot scalar FP encoding, or `.fpsimd`.
    static func decodeFPFast(_ insn: UInt32) -> Op {
        let rd = bits(insn, 4, 0), rn = bits(insn, 9, 5), rm = bits(insn, 20, 16)
        let ftype = bits(insn, 23, 22)
        guard ftype < 2 else { return Op(.fpsimd) }
        let d = ftype == 1
        // Data-processing (2 source)
        if insn & 0xFF20_0C00 == 0x1E20_0800 {
            let code: OpCode
            switch bits(insn, 15, 12) {
            case 0: code = d ? .fmulD : .fmulS
            case 1: code = d ? .fdivD : .fdivS
            case 2: code = d ? .faddD : .faddS
            case 3: code = d ? .fsubD : .fsubS
            default: return Op(.fpsimd)
            }
            return Op(code, rd: rd, rn: rn, rm: rm)
        }
        // Data-processing (1 source)
        if insn & 0xFF20_7C00 == 0x1E20_4000 {
            let code: OpCode
            switch bits(insn, 20, 15) {
            case 0: code = d ? .fmovD : .fmovS
            case 1: code = d ? .fabsD : .fabsS
            case 2: code = d ? .fnegD : .fnegS
            case 3: code = d ? .fsqrtD : .fsqrtS
            case 4 where d: code = .fcvtSD
            case 5 where !d: code = .fcvtDS
            default: return Op(.fpsimd)
            }
            return Op(code, rd: rd, rn: rn)
        }
        // Compare: FCMP, FCMPE, with a register or zero
        if insn & 0xFF20_FC07 == 0x1E20_2000 {
            let e = bit(insn, 4) == 1, zero = bit(insn, 3) == 1
            if zero && rm != 0 { return Op(.fpsimd) }
            let code: OpCode = d ? (e ? .fcmpeD : .fcmpD) : (e ? .fcmpeS : .fcmpS)
            return Op(code, rn: rn, rm: rm, s1: zero ? 1 : 0)
        }
        // Data-processing (3 source)
        if insn & 0xFF00_0000 == 0x1F00_0000 {
            let code: OpCode
            switch (bit(insn, 21), bit(insn, 15)) {
            case (0, 0): code = d ? .fmaddD : .fmaddS
            case (0, 1): code = d ? .fmsubD : .fmsubS
            case (1, 0): code = d ? .fnmaddD : .fnmaddS
            default: code = d ? .fnmsubD : .fnmsubS
            }
            return Op(code, rd: rd, rn: rn, rm: rm, ra: bits(insn, 14, 10))
        }
        // FCSEL
        if insn & 0xFF20_0C00 == 0x1E20_0C00 {
            return Op(d ? .fcselD : .fcselS, rd: rd, rn: rn, rm: rm, s1: bits(insn, 15, 12))
        }
        // Conversions between FP and integer
        if insn & 0x7F20_FC00 == 0x1E20_0000 {
            let sf = bit(insn, 31) == 1
            switch (bits(insn, 20, 19), bits(insn, 18, 16)) {
            case (0, 2): // SCVTF
                return Op(d ? (sf ? .scvtfDX : .scvtfDW) : (sf ? .scvtfSX : .scvtfSW), rd: rd, rn: zr(rn))
            case (3, 0): // FCVTZS
                return Op(d ? (sf ? .fcvtzsXD : .fcvtzsWD) : (sf ? .fcvtzsXS : .fcvtzsWS), rd: wz(rd), rn: rn)
            case (0, 6) where sf == d: // FMOV general <- FP
                return Op(sf ? .fmovToX : .fmovToW, rd: wz(rd), rn: rn)
            case (0, 7) where sf == d: // FMOV FP <- general
                return Op(sf ? .fmovFromX : .fmovFromW, rd: rd, rn: zr(rn))
            default:
                return Op(.fpsimd)
            }
        }
        return Op(.fpsimd)
    }
}

/// FPSR cumulative exception bits.
enum FPSRBit {
    static let ioc: UInt64 = 1 << 0
    static let ixc: UInt64 = 1 << 4
}

// MARK: - Semantics of the specialised FP ops

extension Sem {
    @inline(__always) static func dLow(_ r: UnsafeMutablePointer<UInt64>, _ i: UInt8) -> Double {
        Double(bitPattern: r[Slot.v + 2 * Int(i)])
    }

    @inline(__always) static func sLow(_ r: UnsafeMutablePointer<UInt64>, _ i: UInt8) -> Float {
        Float(bitPattern: UInt32(truncatingIfNeeded: r[Slot.v + 2 * Int(i)]))
    }

    @inline(__always) static func setD(_ r: UnsafeMutablePointer<UInt64>, _ i: UInt8, _ v: Double) {
        r[Slot.v + 2 * Int(i)] = v.bitPattern
        r[Slot.v + 2 * Int(i) + 1] = 0
    }

    @inline(__always) static func setS(_ r: UnsafeMutablePointer<UInt64>, _ i: UInt8, _ v: Float) {
        r[Slot.v + 2 * Int(i)] = UInt64(v.bitPattern)
        r[Slot.v + 2 * Int(i) + 1] = 0
    }

    /// The full Arm implementation, for everything off the fast path.
    @inline(never)
    static func fpGeneric(_ p: UnsafeMutablePointer<Op>, _ r: UnsafeMutablePointer<UInt64>,
                          _ s: UnsafeMutablePointer<ExecState>) -> Int {
        let here = s.pointee.blockPC &+ UInt64(p.pointee.idx) &* 4
        let status = s.pointee.space._withUnsafeGuaranteedRef { executeFPSIMD(r, $0, p.pointee.insn, pc: here) }
        switch status {
        case .ok: return Flow.next
        case .undefined:
            r[Slot.pc] = here
            return exit(s, .undefined(insn: p.pointee.insn))
        case .fault(let addr, let write):
            r[Slot.pc] = here
            return exit(s, .fault(addr: addr, write: write))
        }
    }

    /// True when a rounded result needs no flag beyond what FPSR holds:
    /// FPCR is the default, and inexactness is either already recorded or
    /// known not to have happened.
    @inline(__always) static func fpQuiet(_ r: UnsafeMutablePointer<UInt64>, exact: Bool) -> Bool {
        r[Slot.fpcr] == 0 && (exact || r[Slot.fpsr] & FPSRBit.ixc != 0)
    }

    /// A finite result that cannot have underflowed: Arm detects tininess
    /// before rounding, so a result rounded up to the smallest normal may
    /// still raise UFC; only zeros the caller knows to be exact pass.
    @inline(__always) static func fpSafe<F: BinaryFloatingPoint>(_ x: F, zeroAllowed: Bool) -> Bool {
        (x.isFinite && x.magnitude > F.leastNormalMagnitude) || (x.isZero && zeroAllowed)
    }

    @inline(__always)
    static func stepFP(_ p: UnsafeMutablePointer<Op>, _ r: UnsafeMutablePointer<UInt64>,
                       _ s: UnsafeMutablePointer<ExecState>, _ code: OpCode) -> Int {
        let rd = p.pointee.rd, rn = p.pointee.rn, rm = p.pointee.rm
        switch code {
        case .faddD, .fsubD:
            let a = dLow(r, rn), b = code == .faddD ? dLow(r, rm) : -dLow(r, rm)
            let v = a + b
            // Sums are exact when the TwoSum error term is zero; a zero sum of
            // non-zero operands is exact (Sterbenz), so no underflow either.
            let bv = v - a
            let exact = (a - (v - bv)) + (b - bv) == 0
            guard (v.isNormal || v.isZero) && fpQuiet(r, exact: exact) else { return fpGeneric(p, r, s) }
            setD(r, rd, v)
        case .faddS, .fsubS:
            let a = sLow(r, rn), b = code == .faddS ? sLow(r, rm) : -sLow(r, rm)
            let v = a + b
            let bv = v - a
            let exact = (a - (v - bv)) + (b - bv) == 0
            guard (v.isNormal || v.isZero) && fpQuiet(r, exact: exact) else { return fpGeneric(p, r, s) }
            setS(r, rd, v)
        case .fmulD:
            let a = dLow(r, rn), b = dLow(r, rm)
            let v = a * b
            guard fpSafe(v, zeroAllowed: a == 0 || b == 0) && fpQuiet(r, exact: false) else { return fpGeneric(p, r, s) }
            setD(r, rd, v)
        case .fmulS:
            let a = sLow(r, rn), b = sLow(r, rm)
            let v = a * b
            guard fpSafe(v, zeroAllowed: a == 0 || b == 0) && fpQuiet(r, exact: false) else { return fpGeneric(p, r, s) }
            setS(r, rd, v)
        case .fdivD:
            let a = dLow(r, rn), b = dLow(r, rm)
            let v = a / b
            guard b.isNormal && fpSafe(v, zeroAllowed: a == 0) && fpQuiet(r, exact: false) else { return fpGeneric(p, r, s) }
            setD(r, rd, v)
        case .fdivS:
            let a = sLow(r, rn), b = sLow(r, rm)
            let v = a / b
            guard b.isNormal && fpSafe(v, zeroAllowed: a == 0) && fpQuiet(r, exact: false) else { return fpGeneric(p, r, s) }
            setS(r, rd, v)
        case .fmaddD, .fmsubD, .fnmaddD, .fnmsubD:
            var a = dLow(r, rn)
            var c = dLow(r, p.pointee.ra)
            if code == .fmsubD || code == .fnmaddD { a = -a }
            if code == .fnmaddD || code == .fnmsubD { c = -c }
            let b = dLow(r, rm)
            let v = c.addingProduct(a, b)
            guard fpSafe(v, zeroAllowed: false) && a.isFinite && b.isFinite && c.isFinite && fpQuiet(r, exact: false) else { return fpGeneric(p, r, s) }
            setD(r, rd, v)
        case .fmaddS, .fmsubS, .fnmaddS, .fnmsubS:
            var a = sLow(r, rn)
            var c = sLow(r, p.pointee.ra)
            if code == .fmsubS || code == .fnmaddS { a = -a }
            if code == .fnmaddS || code == .fnmsubS { c = -c }
            let b = sLow(r, rm)
            let v = c.addingProduct(a, b)
            guard fpSafe(v, zeroAllowed: false) && a.isFinite && b.isFinite && c.isFinite && fpQuiet(r, exact: false) else { return fpGeneric(p, r, s) }
            setS(r, rd, v)
        case .fsqrtD:
            let a = dLow(r, rn)
            let v = a.squareRoot()
            guard a.isNormal && a > 0 && fpQuiet(r, exact: false) else { return fpGeneric(p, r, s) }
            setD(r, rd, v)
        case .fsqrtS:
            let a = sLow(r, rn)
            let v = a.squareRoot()
            guard a.isNormal && a > 0 && fpQuiet(r, exact: false) else { return fpGeneric(p, r, s) }
            setS(r, rd, v)
        case .fmovD:
            r[Slot.v + 2 * Int(rd)] = r[Slot.v + 2 * Int(rn)]
            r[Slot.v + 2 * Int(rd) + 1] = 0
        case .fmovS:
            r[Slot.v + 2 * Int(rd)] = r[Slot.v + 2 * Int(rn)] & 0xFFFF_FFFF
            r[Slot.v + 2 * Int(rd) + 1] = 0
        case .fabsD:
            r[Slot.v + 2 * Int(rd)] = r[Slot.v + 2 * Int(rn)] & ~(1 << 63)
            r[Slot.v + 2 * Int(rd) + 1] = 0
        case .fabsS:
            r[Slot.v + 2 * Int(rd)] = r[Slot.v + 2 * Int(rn)] & 0x7FFF_FFFF
            r[Slot.v + 2 * Int(rd) + 1] = 0
        case .fnegD:
            r[Slot.v + 2 * Int(rd)] = r[Slot.v + 2 * Int(rn)] ^ (1 << 63)
            r[Slot.v + 2 * Int(rd) + 1] = 0
        case .fnegS:
            r[Slot.v + 2 * Int(rd)] = (r[Slot.v + 2 * Int(rn)] ^ 0x8000_0000) & 0xFFFF_FFFF
            r[Slot.v + 2 * Int(rd) + 1] = 0
        case .fcvtSD:
            let a = dLow(r, rn)
            let v = Float(a)
            guard fpSafe(v, zeroAllowed: a == 0) && fpQuiet(r, exact: Double(v) == a) else { return fpGeneric(p, r, s) }
            setS(r, rd, v)
        case .fcvtDS:
            let a = sLow(r, rn)
            guard !a.isNaN && r[Slot.fpcr] == 0 && !a.isSubnormal else { return fpGeneric(p, r, s) }
            setD(r, rd, Double(a))
        case .fcmpD, .fcmpeD:
            let a = dLow(r, rn), b = p.pointee.s1 == 1 ? 0 : dLow(r, rm)
            guard !a.isNaN && !b.isNaN && r[Slot.fpcr] == 0 else { return fpGeneric(p, r, s) }
            setNZCV(r, a == b ? 0x6000_0000 : (a < b ? 0x8000_0000 : 0x2000_0000))
        case .fcmpS, .fcmpeS:
            let a = sLow(r, rn), b = p.pointee.s1 == 1 ? 0 : sLow(r, rm)
            guard !a.isNaN && !b.isNaN && r[Slot.fpcr] == 0 else { return fpGeneric(p, r, s) }
            setNZCV(r, a == b ? 0x6000_0000 : (a < b ? 0x8000_0000 : 0x2000_0000))
        case .fcselD:
            let src = condHolds(r, p.pointee.s1) ? rn : rm
            r[Slot.v + 2 * Int(rd)] = r[Slot.v + 2 * Int(src)]
            r[Slot.v + 2 * Int(rd) + 1] = 0
        case .fcselS:
            let src = condHolds(r, p.pointee.s1) ? rn : rm
            r[Slot.v + 2 * Int(rd)] = r[Slot.v + 2 * Int(src)] & 0xFFFF_FFFF
            r[Slot.v + 2 * Int(rd) + 1] = 0
        case .scvtfDX:
            let x = Int64(bitPattern: r[Int(rn)])
            guard fpQuiet(r, exact: x.magnitude <= 1 << 53) else { return fpGeneric(p, r, s) }
            setD(r, rd, Double(x))
        case .scvtfDW:
            guard r[Slot.fpcr] == 0 else { return fpGeneric(p, r, s) }
            setD(r, rd, Double(Int32(truncatingIfNeeded: r[Int(rn)])))
        case .scvtfSX:
            let x = Int64(bitPattern: r[Int(rn)])
            guard fpQuiet(r, exact: x.magnitude <= 1 << 24) else { return fpGeneric(p, r, s) }
            setS(r, rd, Float(x))
        case .scvtfSW:
            let x = Int32(truncatingIfNeeded: r[Int(rn)])
            guard fpQuiet(r, exact: x.magnitude <= 1 << 24) else { return fpGeneric(p, r, s) }
            setS(r, rd, Float(x))
        case .fcvtzsXD:
            let a = dLow(r, rn)
            guard a > -9.2e18 && a < 9.2e18 && fpQuiet(r, exact: a == a.rounded(.towardZero)) else { return fpGeneric(p, r, s) }
            r[Int(rd)] = UInt64(bitPattern: Int64(a))
        case .fcvtzsWD:
            let a = dLow(r, rn)
            guard a > -2.1e9 && a < 2.1e9 && fpQuiet(r, exact: a == a.rounded(.towardZero)) else { return fpGeneric(p, r, s) }
            r[Int(rd)] = UInt64(UInt32(bitPattern: Int32(a)))
        case .fcvtzsXS:
            let a = sLow(r, rn)
            guard a > -9.2e18 && a < 9.2e18 && fpQuiet(r, exact: a == a.rounded(.towardZero)) else { return fpGeneric(p, r, s) }
            r[Int(rd)] = UInt64(bitPattern: Int64(a))
        case .fcvtzsWS:
            let a = sLow(r, rn)
            guard a > -2.1e9 && a < 2.1e9 && fpQuiet(r, exact: a == a.rounded(.towardZero)) else { return fpGeneric(p, r, s) }
            r[Int(rd)] = UInt64(UInt32(bitPattern: Int32(a)))
        case .fmovToX:
            r[Int(rd)] = r[Slot.v + 2 * Int(rn)]
        case .fmovToW:
            r[Int(rd)] = r[Slot.v + 2 * Int(rn)] & 0xFFFF_FFFF
        case .fmovFromX:
            r[Slot.v + 2 * Int(rd)] = r[Int(rn)]
            r[Slot.v + 2 * Int(rd) + 1] = 0
        default: // fmovFromW
            r[Slot.v + 2 * Int(rd)] = r[Int(rn)] & 0xFFFF_FFFF
            r[Slot.v + 2 * Int(rd) + 1] = 0
        }
        return Flow.next
    }
}

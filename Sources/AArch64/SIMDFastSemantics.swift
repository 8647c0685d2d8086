// MARK: - Semantics of the specialised AdvSIMD ops (decoded in DecodeSIMDFast.swift)
//
// Each op works on the two 64-bit halves of its registers with lane-parallel
// (SWAR) arithmetic: no element loops where a word operation does, no
// arrays, no allocation. Results must be bit-identical to `executeFPSIMD`.

/// The top bit of each lane of `h` set where lane `t` is non-zero.
@inline(__always) func swarNonZeroFlags(_ t: UInt64, _ h: UInt64) -> UInt64 {
    (((t & ~h) &+ ~h) | t) & h
}

/// Every lane whose top bit is set in `flags` (top bits only) made all ones.
@inline(__always) func swarFill(_ flags: UInt64, _ bits: Int) -> UInt64 {
    (flags &- (flags &>> UInt64(bits &- 1))) | flags
}

/// All ones in each lane where x >= y, unsigned (`h` = the lanes' top bits).
@inline(__always) func swarGeU(_ x: UInt64, _ y: UInt64, _ h: UInt64, _ bits: Int) -> UInt64 {
    let diff = swarSub(x, y, h)
    // No borrow out of the lane's top bit.
    return swarFill(((x & ~y) | (~(x ^ y) & ~diff)) & h, bits)
}

/// All ones in each lane where x >= y, signed.
@inline(__always) func swarGeS(_ x: UInt64, _ y: UInt64, _ h: UInt64, _ bits: Int) -> UInt64 {
    swarGeU(x ^ h, y ^ h, h, bits)
}

/// The number of set bits in each byte.
@inline(__always) func swarPopcountBytes(_ x: UInt64) -> UInt64 {
    var v = x &- ((x >> 1) & 0x5555_5555_5555_5555)
    v = (v & 0x3333_3333_3333_3333) &+ ((v >> 2) & 0x3333_3333_3333_3333)
    return (v &+ (v >> 4)) & 0x0F0F_0F0F_0F0F_0F0F
}

/// Reverses the `bits`-wide elements inside each `container`-wide group.
@inline(__always) func swarReverse(_ x: UInt64, _ bits: Int, _ container: Int) -> UInt64 {
    var v = x
    var w = bits
    while w < container {
        let m: UInt64 = w == 8 ? 0x00FF_00FF_00FF_00FF : (w == 16 ? 0x0000_FFFF_0000_FFFF : 0x0000_0000_FFFF_FFFF)
        v = ((v >> UInt64(w)) & m) | ((v & m) << UInt64(w))
        w &*= 2
    }
    return v
}

/// The low halves of the four, two or one `2 * bits`-wide lanes, packed into 32 bits.
@inline(__always) func packLowHalves(_ x: UInt64, _ bits: Int) -> UInt64 {
    switch bits {
    case 8: return packBytesOf16(x)
    case 16: return (x & 0xFFFF) | ((x >> 16) & 0xFFFF_0000)
    default: return x & 0xFFFF_FFFF
    }
}

/// ADDP on one word: sums of adjacent `bits`-wide pairs (bits < 64), packed into 32 bits.
@inline(__always) func swarPairAdd(_ x: UInt64, _ bits: Int) -> UInt64 {
    let m: UInt64 = bits == 8 ? 0x00FF_00FF_00FF_00FF : (bits == 16 ? 0x0000_FFFF_0000_FFFF : 0x0000_0000_FFFF_FFFF)
    return packLowHalves(((x & m) &+ ((x >> UInt64(bits)) & m)) & m, bits)
}

/// Sum of all `bits`-wide lanes of lo and hi (bits < 64), exact.
@inline(__always) func swarLaneSum(_ lo: UInt64, _ hi: UInt64, _ bits: Int) -> UInt64 {
    switch bits {
    case 8:
        let m: UInt64 = 0x00FF_00FF_00FF_00FF
        let t = (lo & m) &+ ((lo >> 8) & m) &+ (hi & m) &+ ((hi >> 8) & m)
        return (t &* 0x0001_0001_0001_0001) >> 48
    case 16:
        let m: UInt64 = 0x0000_FFFF_0000_FFFF
        let t = (lo & m) &+ ((lo >> 16) & m) &+ (hi & m) &+ ((hi >> 16) & m)
        return (t & 0xFFFF_FFFF) &+ (t >> 32)
    default:
        return (lo & 0xFFFF_FFFF) &+ (lo >> 32) &+ (hi & 0xFFFF_FFFF) &+ (hi >> 32)
    }
}

/// Bytes `sh / 8` onwards of the 128-bit value hi:lo, as one word.
@inline(__always) func funnelBytes(_ lo: UInt64, _ hi: UInt64, _ sh: UInt64) -> UInt64 {
    sh == 0 ? lo : (lo >> sh) | (hi << (64 - sh))
}

extension Sem {
    @inline(__always) static func vlo(_ r: UnsafeMutablePointer<UInt64>, _ i: UInt8) -> UInt64 {
        r[Slot.v + 2 * Int(i)]
    }

    @inline(__always) static func vhi(_ r: UnsafeMutablePointer<UInt64>, _ i: UInt8) -> UInt64 {
        r[Slot.v + 2 * Int(i) + 1]
    }

    @inline(__always) static func setVec(_ r: UnsafeMutablePointer<UInt64>, _ i: UInt8, _ lo: UInt64, _ hi: UInt64) {
        r[Slot.v + 2 * Int(i)] = lo
        r[Slot.v + 2 * Int(i) + 1] = hi
    }

    /// A lane-wise operation on Vn and Vm into Vd (upper half masked by imm2).
    @inline(__always) static func binary(_ p: UnsafeMutablePointer<Op>, _ r: UnsafeMutablePointer<UInt64>,
                                         _ f: (UInt64, UInt64) -> UInt64) {
        let n = p.pointee.rn, m = p.pointee.rm
        setVec(r, p.pointee.rd, f(vlo(r, n), vlo(r, m)), f(vhi(r, n), vhi(r, m)) & p.pointee.imm2)
    }

    /// A lane-wise operation on Vn into Vd (upper half masked by imm2).
    @inline(__always) static func unary(_ p: UnsafeMutablePointer<Op>, _ r: UnsafeMutablePointer<UInt64>,
                                        _ f: (UInt64) -> UInt64) {
        let n = p.pointee.rn
        setVec(r, p.pointee.rd, f(vlo(r, n)), f(vhi(r, n)) & p.pointee.imm2)
    }

    /// A pairwise operation: each source word gives 32 bits of the result,
    /// Vn's in the lower lanes and Vm's in the upper. s1 = 1 when Vn is Vm,
    /// as in the common reduction `UMAXP V0.16B, V0.16B, V0.16B`.
    @inline(__always) static func pairwise(_ p: UnsafeMutablePointer<Op>, _ r: UnsafeMutablePointer<UInt64>,
                                           _ f: (UInt64) -> UInt64) {
        let n = p.pointee.rn, m = p.pointee.rm
        if p.pointee.s1 != 0 {
            if p.pointee.imm2 != 0 {
                let lo = f(vlo(r, n)) | (f(vhi(r, n)) << 32)
                setVec(r, p.pointee.rd, lo, lo)
            } else {
                let half = f(vlo(r, n))
                setVec(r, p.pointee.rd, half | (half << 32), 0)
            }
        } else if p.pointee.imm2 != 0 {
            let lo = f(vlo(r, n)) | (f(vhi(r, n)) << 32)
            let hi = f(vlo(r, m)) | (f(vhi(r, m)) << 32)
            setVec(r, p.pointee.rd, lo, hi)
        } else {
            setVec(r, p.pointee.rd, f(vlo(r, n)) | (f(vlo(r, m)) << 32), 0)
        }
    }

    /// Vn as sixteen bytes, for the host's own vector instructions.
    @inline(__always) static func vbytes(_ r: UnsafeMutablePointer<UInt64>, _ i: UInt8) -> SIMD16<UInt8> {
        UnsafeRawPointer(r + Slot.v + 2 * Int(i)).loadUnaligned(as: SIMD16<UInt8>.self)
    }

    @inline(__always) static func setVBytes(_ r: UnsafeMutablePointer<UInt64>, _ i: UInt8, _ v: SIMD16<UInt8>) {
        UnsafeMutableRawPointer(r + Slot.v + 2 * Int(i)).storeBytes(of: v, as: SIMD16<UInt8>.self)
    }

    /// A 16B pairwise byte operation on the host's vector unit: the even
    /// and odd bytes of Vm:Vn (the concatenation) combined lane by lane.
    @inline(__always) static func pairwiseBytes(_ p: UnsafeMutablePointer<Op>, _ r: UnsafeMutablePointer<UInt64>,
                                                _ f: (SIMD16<UInt8>, SIMD16<UInt8>) -> SIMD16<UInt8>) {
        let a = vbytes(r, p.pointee.rn), b = vbytes(r, p.pointee.rm)
        let even = SIMD16(lowHalf: a.evenHalf, highHalf: b.evenHalf)
        let odd = SIMD16(lowHalf: a.oddHalf, highHalf: b.oddHalf)
        setVBytes(r, p.pointee.rd, f(even, odd))
    }

    /// One of the AdvSIMD groups run by its own code; an encoding it does
    /// not accept goes through the full implementation (which reports it).
    @inline(__always) static func simdGroup(_ p: UnsafeMutablePointer<Op>, _ r: UnsafeMutablePointer<UInt64>,
                                            _ s: UnsafeMutablePointer<ExecState>, _ status: StepStatus) -> Int {
        if case .ok = status { return Flow.next }
        return fpGeneric(p, r, s)
    }

    /// One word of TBL/TBX: `idx` holds eight byte indices into the table
    /// of `limit` bytes starting at Vn; out-of-range bytes keep `old`.
    @inline(__always) static func tableWord(_ r: UnsafeMutablePointer<UInt64>, _ idx: UInt64, _ old: UInt64,
                                            _ n: Int, _ limit: Int) -> UInt64 {
        var out = old
        var j: UInt64 = 0
        while j < 64 {
            let k = Int(truncatingIfNeeded: (idx >> j) & 0xFF)
            if k < limit {
                let src = r[Slot.v + 2 * ((n + (k >> 4)) & 31) + ((k >> 3) & 1)]
                out = (out & ~(0xFF << j)) | (((src >> UInt64((k & 7) * 8)) & 0xFF) << j)
            }
            j += 8
        }
        return out
    }

    @inline(__always)
    static func stepSIMD(_ p: UnsafeMutablePointer<Op>, _ r: UnsafeMutablePointer<UInt64>,
                         _ s: UnsafeMutablePointer<ExecState>, _ code: OpCode) -> Int {
        switch code {
        // MARK: Loads and stores
        case .simdLd1:
            let base = r[Int(p.pointee.rn)]
            guard s.pointee.mem.readable(base, UInt64(p.pointee.ra)) else { return fault(r, s, p, base, false) }
            let h = s.pointee.mem.host(base)
            let t = Int(p.pointee.rd), count = Int(p.pointee.s1)
            if p.pointee.s2 != 0 {
                for i in 0..<count {
                    let v = Slot.v + 2 * ((t + i) & 31)
                    r[v] = h.loadUnaligned(fromByteOffset: 16 * i, as: UInt64.self)
                    r[v + 1] = h.loadUnaligned(fromByteOffset: 16 * i + 8, as: UInt64.self)
                }
            } else {
                for i in 0..<count {
                    let v = Slot.v + 2 * ((t + i) & 31)
                    r[v] = h.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
                    r[v + 1] = 0
                }
            }
            r[Int(p.pointee.rn)] = base &+ p.pointee.imm &+ r[Int(p.pointee.rm)]
        case .simdSt1:
            let base = r[Int(p.pointee.rn)]
            guard s.pointee.mem.writable(base, UInt64(p.pointee.ra)) else { return fault(r, s, p, base, true) }
            let h = s.pointee.mem.host(base)
            let t = Int(p.pointee.rd), count = Int(p.pointee.s1)
            if p.pointee.s2 != 0 {
                for i in 0..<count {
                    let v = Slot.v + 2 * ((t + i) & 31)
                    h.storeBytes(of: r[v], toByteOffset: 16 * i, as: UInt64.self)
                    h.storeBytes(of: r[v + 1], toByteOffset: 16 * i + 8, as: UInt64.self)
                }
            } else {
                for i in 0..<count {
                    h.storeBytes(of: r[Slot.v + 2 * ((t + i) & 31)], toByteOffset: 8 * i, as: UInt64.self)
                }
            }
            r[Int(p.pointee.rn)] = base &+ p.pointee.imm &+ r[Int(p.pointee.rm)]

        // MARK: Logical
        case .simdAnd: binary(p, r) { $0 & $1 }
        case .simdBic: binary(p, r) { $0 & ~$1 }
        case .simdOrr: binary(p, r) { $0 | $1 }
        case .simdOrn: binary(p, r) { $0 | ~$1 }
        case .simdEor: binary(p, r) { $0 ^ $1 }
        case .simdBsl, .simdBit, .simdBif:
            let d = p.pointee.rd, n = p.pointee.rn, m = p.pointee.rm
            let dl = vlo(r, d), dh = vhi(r, d), al = vlo(r, n), ah = vhi(r, n), bl = vlo(r, m), bh = vhi(r, m)
            let lo: UInt64, hi: UInt64
            switch code {
            case .simdBsl: lo = (dl & al) | (~dl & bl); hi = (dh & ah) | (~dh & bh)
            case .simdBit: lo = (dl & ~bl) | (al & bl); hi = (dh & ~bh) | (ah & bh)
            default: lo = (dl & bl) | (al & ~bl); hi = (dh & bh) | (ah & ~bh)
            }
            setVec(r, d, lo, hi & p.pointee.imm2)
        case .simdNot: unary(p, r) { ~$0 }
        case .simdCnt: unary(p, r) { swarPopcountBytes($0) }

        // MARK: Lane arithmetic and compares (imm = the lanes' top bits, s2 = lane bits)
        case .simdAdd:
            let h = p.pointee.imm
            binary(p, r) { swarAdd($0, $1, h) }
        case .simdSub:
            let h = p.pointee.imm
            binary(p, r) { swarSub($0, $1, h) }
        case .simdCmeq:
            let h = p.pointee.imm, b = Int(p.pointee.s2)
            binary(p, r) { swarFill(~swarNonZeroFlags($0 ^ $1, h) & h, b) }
        case .simdCmtst:
            let h = p.pointee.imm, b = Int(p.pointee.s2)
            binary(p, r) { swarFill(swarNonZeroFlags($0 & $1, h), b) }
        case .simdCmhs:
            let h = p.pointee.imm, b = Int(p.pointee.s2)
            binary(p, r) { swarGeU($0, $1, h, b) }
        case .simdCmhi:
            let h = p.pointee.imm, b = Int(p.pointee.s2)
            binary(p, r) { ~swarGeU($1, $0, h, b) }
        case .simdCmge:
            let h = p.pointee.imm, b = Int(p.pointee.s2)
            binary(p, r) { swarGeS($0, $1, h, b) }
        case .simdCmgt:
            let h = p.pointee.imm, b = Int(p.pointee.s2)
            binary(p, r) { ~swarGeS($1, $0, h, b) }
        case .simdUmax:
            let h = p.pointee.imm, b = Int(p.pointee.s2)
            binary(p, r) { x, y in let ge = swarGeU(x, y, h, b); return (x & ge) | (y & ~ge) }
        case .simdUmin:
            let h = p.pointee.imm, b = Int(p.pointee.s2)
            binary(p, r) { x, y in let ge = swarGeU(x, y, h, b); return (y & ge) | (x & ~ge) }
        case .simdSmax:
            let h = p.pointee.imm, b = Int(p.pointee.s2)
            binary(p, r) { x, y in let ge = swarGeS(x, y, h, b); return (x & ge) | (y & ~ge) }
        case .simdSmin:
            let h = p.pointee.imm, b = Int(p.pointee.s2)
            binary(p, r) { x, y in let ge = swarGeS(x, y, h, b); return (y & ge) | (x & ~ge) }
        case .simdCmeqz, .simdCmgtz, .simdCmgez, .simdCmlez, .simdCmltz:
            let h = p.pointee.imm, b = Int(p.pointee.s2)
            unary(p, r) { x in
                let nz = swarNonZeroFlags(x, h), sign = x & h
                let flags: UInt64
                switch code {
                case .simdCmeqz: flags = ~nz & h
                case .simdCmgtz: flags = nz & ~sign
                case .simdCmgez: flags = ~sign & h
                case .simdCmlez: flags = (sign | ~nz) & h
                default: flags = sign
                }
                return swarFill(flags, b)
            }

        // MARK: Pairwise and across lanes
        case .simdUmaxpB:
            if p.pointee.imm2 != 0 {
                pairwiseBytes(p, r) { e, o in e.replacing(with: o, where: o .> e) }
            } else {
                pairwise(p, r) { swarPairMaxMinBytes($0, max: true) }
            }
        case .simdUminpB:
            if p.pointee.imm2 != 0 {
                pairwiseBytes(p, r) { e, o in e.replacing(with: o, where: o .< e) }
            } else {
                pairwise(p, r) { swarPairMaxMinBytes($0, max: false) }
            }
        case .simdAddp:
            let b = Int(p.pointee.s2)
            if b == 8 && p.pointee.imm2 != 0 {
                pairwiseBytes(p, r) { $0 &+ $1 }
            } else if b == 64 {
                let n = p.pointee.rn, m = p.pointee.rm
                setVec(r, p.pointee.rd, vlo(r, n) &+ vhi(r, n), vlo(r, m) &+ vhi(r, m))
            } else {
                pairwise(p, r) { swarPairAdd($0, b) }
            }
        case .simdAddv, .simdUaddlv:
            let n = p.pointee.rn, b = Int(p.pointee.s2)
            let sum = swarLaneSum(vlo(r, n), vhi(r, n) & p.pointee.imm2, b)
            setVec(r, p.pointee.rd, sum & emask(code == .simdAddv ? b : 2 * b), 0)
        case .simdUmaxv, .simdUminv:
            let n = p.pointee.rn, b = Int(p.pointee.s2)
            let h = laneHigh(b)
            let isMax = code == .simdUmaxv
            var v = vlo(r, n)
            if p.pointee.imm2 != 0 {
                let y = vhi(r, n), ge = swarGeU(v, y, h, b)
                v = isMax ? (v & ge) | (y & ~ge) : (y & ge) | (v & ~ge)
            }
            var sh = 32
            while sh >= b {
                // Lanes above the result's may take in zeros; only lane 0 is kept.
                let y = v >> UInt64(sh), ge = swarGeU(v, y, h, b)
                v = isMax ? (v & ge) | (y & ~ge) : (y & ge) | (v & ~ge)
                sh >>= 1
            }
            setVec(r, p.pointee.rd, v & emask(b), 0)

        // MARK: Shifts (s1 = amount, s2 = lane bits, imm = bits kept)
        case .simdUshr:
            let sh = UInt64(p.pointee.s1), keep = p.pointee.imm
            unary(p, r) { ($0 &>> sh) & keep }
        case .simdSshr:
            let sh = UInt64(p.pointee.s1), keep = p.pointee.imm, b = Int(p.pointee.s2)
            let h = laneHigh(b)
            unary(p, r) { (($0 &>> sh) & keep) | (swarFill($0 & h, b) & ~keep) }
        case .simdShl:
            let sh = UInt64(p.pointee.s1), keep = p.pointee.imm
            unary(p, r) { ($0 &<< sh) & keep }
        case .simdShrn:
            // Narrowing right shift (XTN when s1 = 0); ra = 1 writes the upper half.
            let n = p.pointee.rn, sh = UInt64(p.pointee.s1), b = Int(p.pointee.s2)
            let packed = packLowHalves(vlo(r, n) >> sh, b) | (packLowHalves(vhi(r, n) >> sh, b) << 32)
            if p.pointee.ra != 0 {
                r[Slot.v + 2 * Int(p.pointee.rd) + 1] = packed
            } else {
                setVec(r, p.pointee.rd, packed, 0)
            }
        case .simdRev:
            let b = Int(p.pointee.s1), c = Int(p.pointee.s2)
            unary(p, r) { swarReverse($0, b, c) }

        // MARK: Immediates
        case .simdMovi:
            setVec(r, p.pointee.rd, p.pointee.imm, p.pointee.imm2)
        case .simdOrrImm:
            let d = p.pointee.rd
            setVec(r, d, vlo(r, d) | p.pointee.imm, (vhi(r, d) | p.pointee.imm) & p.pointee.imm2)
        case .simdBicImm:
            let d = p.pointee.rd
            setVec(r, d, vlo(r, d) & ~p.pointee.imm, vhi(r, d) & ~p.pointee.imm & p.pointee.imm2)

        // MARK: Copies (ra = word, s2 = bit offset, imm = element mask)
        case .simdDupGen:
            let v = (r[Int(p.pointee.rn)] & p.pointee.imm) &* p.pointee.imm2
            setVec(r, p.pointee.rd, v, p.pointee.s1 != 0 ? v : 0)
        case .simdDupElem:
            let w = r[Slot.v + 2 * Int(p.pointee.rn) + Int(p.pointee.ra)]
            let v = ((w &>> UInt64(p.pointee.s2)) & p.pointee.imm) &* p.pointee.imm2
            setVec(r, p.pointee.rd, v, p.pointee.s1 != 0 ? v : 0)
        case .simdUmov:
            let w = r[Slot.v + 2 * Int(p.pointee.rn) + Int(p.pointee.ra)]
            r[Int(p.pointee.rd)] = (w &>> UInt64(p.pointee.s2)) & p.pointee.imm
        case .simdSmov:
            let w = r[Slot.v + 2 * Int(p.pointee.rn) + Int(p.pointee.ra)]
            let b = UInt64(p.pointee.s1)
            let v = Int64(bitPattern: w &<< (64 &- UInt64(p.pointee.s2) &- b)) &>> Int64(64 &- b)
            r[Int(p.pointee.rd)] = UInt64(bitPattern: v) & p.pointee.imm
        case .simdInsGen:
            let i = Slot.v + 2 * Int(p.pointee.rd) + Int(p.pointee.ra)
            let sh = UInt64(p.pointee.s2), m = p.pointee.imm
            r[i] = (r[i] & ~(m &<< sh)) | ((r[Int(p.pointee.rn)] & m) &<< sh)
        case .simdInsElem:
            let src = (r[Slot.v + 2 * Int(p.pointee.rn) + Int(p.pointee.rm)] &>> UInt64(p.pointee.s1)) & p.pointee.imm
            let i = Slot.v + 2 * Int(p.pointee.rd) + Int(p.pointee.ra)
            let sh = UInt64(p.pointee.s2)
            r[i] = (r[i] & ~(p.pointee.imm &<< sh)) | (src &<< sh)

        // MARK: Permutes
        case .simdExt:
            let n = p.pointee.rn, m = p.pointee.rm
            let k = Int(p.pointee.s1), sh = UInt64((k & 7) * 8)
            if p.pointee.s2 != 0 {
                let w0 = vlo(r, n), w1 = vhi(r, n), w2 = vlo(r, m), w3 = vhi(r, m)
                if k < 8 {
                    setVec(r, p.pointee.rd, funnelBytes(w0, w1, sh), funnelBytes(w1, w2, sh))
                } else {
                    setVec(r, p.pointee.rd, funnelBytes(w1, w2, sh), funnelBytes(w2, w3, sh))
                }
            } else {
                setVec(r, p.pointee.rd, funnelBytes(vlo(r, n), vlo(r, m), sh), 0)
            }
        case .simdTbl:
            let d = p.pointee.rd, n = Int(p.pointee.rn), m = p.pointee.rm
            let limit = 16 * Int(p.pointee.s1), tbx = p.pointee.s2 != 0
            let lo = tableWord(r, vlo(r, m), tbx ? vlo(r, d) : 0, n, limit)
            let hi = p.pointee.imm2 == 0 ? 0 : tableWord(r, vhi(r, m), tbx ? vhi(r, d) : 0, n, limit)
            setVec(r, d, lo, hi)
        case .simdPermute:
            return simdGroup(p, r, s, simdPermute(r, p.pointee.insn))
        case .simdThreeDiff:
            return simdGroup(p, r, s, simdThreeDifferent(r, p.pointee.insn))
        default: // simdShiftImm
            return simdGroup(p, r, s, simdShiftImmediate(r, p.pointee.insn, scalar: false))
        }
        return Flow.next
    }
}

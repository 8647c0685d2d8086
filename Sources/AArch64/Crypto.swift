// MARK: - Cryptographic extensions: AES, SHA1, SHA256, SHA512, SHA3, SM3, SM4
//
// The semantics follow the Arm ARM's pseudocode (AESSubBytes, SHA256hash,
// SHA512H...). All of them are pure bit manipulation: no FPCR, no FPSR.
// Results are 128-bit, so the top half of the register is always written.

/// Multiplication in GF(2^8) modulo the polynomial `poly` (with its x^8 term).
@inline(__always) func gf8Mul(_ a: UInt8, _ b: UInt8, poly: UInt16) -> UInt8 {
    var x = UInt16(a), y = b, p: UInt16 = 0
    while y != 0 {
        if y & 1 != 0 { p ^= x }
        x <<= 1
        if x & 0x100 != 0 { x ^= poly }
        y >>= 1
    }
    return UInt8(truncatingIfNeeded: p)
}

/// The multiplicative inverse in GF(2^8) (0 maps to 0): x^254.
func gf8Inverse(_ a: UInt8, poly: UInt16) -> UInt8 {
    var result: UInt8 = 1, base = a, e = 254
    while e != 0 {
        if e & 1 != 0 { result = gf8Mul(result, base, poly: poly) }
        base = gf8Mul(base, base, poly: poly)
        e >>= 1
    }
    return a == 0 ? 0 : result
}

@inline(__always) func rotl8(_ x: UInt8, _ n: UInt8) -> UInt8 { (x << n) | (x >> (8 - n)) }

/// The AES S-box (bytes 0-255) and its inverse (256-511), FIPS 197 5.1.1:
/// the inverse in GF(2^8) mod x^8+x^4+x^3+x+1 followed by the affine map.
/// Built once into memory that is never freed, so lookups need no
/// reference counting.
let aesSBoxes: UnsafeMutablePointer<UInt8> = {
    let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 512)
    for i in 0..<256 {
        let b = gf8Inverse(UInt8(i), poly: 0x11B)
        let s = b ^ rotl8(b, 1) ^ rotl8(b, 2) ^ rotl8(b, 3) ^ rotl8(b, 4) ^ 0x63
        t[i] = s
        t[256 + Int(s)] = UInt8(i)
    }
    return t
}()

/// ShiftRows and InvShiftRows as the source byte of each result byte, one
/// nibble per byte (byte i of the state is row i % 4 of column i / 4).
let aesShiftRowsSources: UInt64 = 0xB61C_72D8_3E94_FA50 // 0,5,10,15, 4,9,14,3, 8,13,2,7, 12,1,6,11
let aesInvShiftRowsSources: UInt64 = 0x369C_F258_BE14_7AD0 // 0,13,10,7, 4,1,14,11, 8,5,2,15, 12,9,6,3

/// AESE (decrypt false) and AESD: AddRoundKey, then (Inv)ShiftRows and
/// (Inv)SubBytes.
@inline(__always) func aesRound(_ d: V128, _ n: V128, decrypt: Bool) -> V128 {
    let lo = d.lo ^ n.lo, hi = d.hi ^ n.hi
    let box = aesSBoxes + (decrypt ? 256 : 0)
    let sources = decrypt ? aesInvShiftRowsSources : aesShiftRowsSources
    var out: (UInt64, UInt64) = (0, 0)
    var i: UInt64 = 0
    while i < 16 {
        let src = (sources >> (4 &* i)) & 15
        let byte = ((src < 8 ? lo : hi) >> ((src & 7) &* 8)) & 0xFF
        let v = UInt64(box[Int(truncatingIfNeeded: byte)])
        if i < 8 { out.0 |= v << (8 &* i) } else { out.1 |= v << (8 &* (i &- 8)) }
        i &+= 1
    }
    return V128(out.0, out.1)
}

/// xtime on every byte of a word: multiplication by x in GF(2^8).
@inline(__always) func aesXtime(_ w: UInt64) -> UInt64 {
    ((w & 0x7F7F_7F7F_7F7F_7F7F) << 1) ^ (((w >> 7) & 0x0101_0101_0101_0101) &* 0x1B)
}

/// Rotates each 32-bit column down by `k` bytes: byte i takes byte i + k.
@inline(__always) func aesColumnRotate(_ w: UInt64, _ k: Int) -> UInt64 {
    let s = UInt64(8 * k)
    let keep: UInt64 = 0xFFFF_FFFF_FFFF_FFFF >> (32 + s) // low (32 - s) bits of each column
    let lane = (keep << 32) | keep
    return ((w >> s) & lane) | ((w << (32 - s)) & ~lane)
}

/// MixColumns on the two columns of a word.
@inline(__always) func aesMixColumnsWord(_ a: UInt64) -> UInt64 {
    let r1 = aesColumnRotate(a, 1), r2 = aesColumnRotate(a, 2), r3 = aesColumnRotate(a, 3)
    return aesXtime(a ^ r1) ^ r1 ^ r2 ^ r3
}

/// InvMixColumns: a pre-multiplication by (x^2 + x^3 ...) folded as
/// a ^= 4 * (a + a rotated by two), then MixColumns.
@inline(__always) func aesInvMixColumnsWord(_ a: UInt64) -> UInt64 {
    let t = aesXtime(aesXtime(a ^ aesColumnRotate(a, 2)))
    return aesMixColumnsWord(a ^ t)
}

/// The SM4 S-box (GB/T 32907): x -> A(I(A x + C)) + C, where I is the
/// inverse in GF(2^8) mod x^8+x^7+x^6+x^5+x^4+x^2+1, A the circulant
/// matrix of row 0xD3 (most significant bit first) and C = 0xD3.
let sm4SBox: [UInt8] = {
    func affine(_ x: UInt8) -> UInt8 {
        var y: UInt8 = 0
        for i in 0..<8 {
            let c: UInt8 = 0xD3
            let row = i == 0 ? c : (c >> UInt8(i)) | (c << UInt8(8 - i))
            y |= UInt8((row & x).nonzeroBitCount & 1) << UInt8(7 - i)
        }
        return y ^ 0xD3
    }
    return (0..<256).map { affine(gf8Inverse(affine(UInt8($0)), poly: 0x1F5)) }
}()

/// SM4E (key false: `state` = Vd, `keys` = Vn) and SM4EKEY (state = Vn,
/// constants = Vm): four rounds of the SM4 round or key-expansion function.
@inline(__always) func sm4Rounds(_ state: V128, _ keys: V128, key: Bool) -> V128 {
    var x = Words4(state)
    let k = Words4(keys)
    sm4SBox.withUnsafeBufferPointer { box in
        for i in 0..<4 {
            var t = x[1] ^ x[2] ^ x[3] ^ k[i]
            t = UInt32(box[Int(t & 0xFF)]) | UInt32(box[Int((t >> 8) & 0xFF)]) << 8
                | UInt32(box[Int((t >> 16) & 0xFF)]) << 16 | UInt32(box[Int(t >> 24)]) << 24
            t ^= key ? rol32(t, 13) ^ rol32(t, 23) : rol32(t, 2) ^ rol32(t, 10) ^ rol32(t, 18) ^ rol32(t, 24)
            let y = t ^ x[0]
            x[0] = x[1]; x[1] = x[2]; x[2] = x[3]; x[3] = y
        }
    }
    return x.v
}

// MARK: - SHA helpers

@inline(__always) func rol32(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
@inline(__always) func ror32(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
@inline(__always) func ror64(_ x: UInt64, _ n: UInt64) -> UInt64 { n == 0 ? x : (x >> n) | (x << (64 - n)) }
@inline(__always) func shaChoose<T: FixedWidthInteger>(_ x: T, _ y: T, _ z: T) -> T { ((y ^ z) & x) ^ z }
@inline(__always) func shaParity<T: FixedWidthInteger>(_ x: T, _ y: T, _ z: T) -> T { x ^ y ^ z }
@inline(__always) func shaMajority<T: FixedWidthInteger>(_ x: T, _ y: T, _ z: T) -> T { (x & y) | ((x | y) & z) }

/// The four 32-bit words of a vector, element 0 first.
struct Words4 {
    var w: (UInt32, UInt32, UInt32, UInt32)
    @inline(__always) init(_ v: V128) {
        w = (UInt32(truncatingIfNeeded: v.lo), UInt32(truncatingIfNeeded: v.lo >> 32),
             UInt32(truncatingIfNeeded: v.hi), UInt32(truncatingIfNeeded: v.hi >> 32))
    }
    @inline(__always) var v: V128 {
        V128(UInt64(w.0) | UInt64(w.1) << 32, UInt64(w.2) | UInt64(w.3) << 32)
    }
    @inline(__always) subscript(i: Int) -> UInt32 {
        get {
            switch i & 3 {
            case 0: return w.0
            case 1: return w.1
            case 2: return w.2
            default: return w.3
            }
        }
        set {
            switch i & 3 {
            case 0: w.0 = newValue
            case 1: w.1 = newValue
            case 2: w.2 = newValue
            default: w.3 = newValue
            }
        }
    }
}

/// SHA1C (op 0), SHA1P (1), SHA1M (2): four rounds on X = Vd (a, b, c, d),
/// Y = e (Sn), with the schedule words of Vm.
@inline(__always) func sha1Hash(_ x0: V128, _ y0: UInt32, _ w: V128, _ op: Int) -> V128 {
    var x = Words4(x0), y = y0
    let ww = Words4(w)
    for e in 0..<4 {
        let t: UInt32
        switch op {
        case 0: t = shaChoose(x[1], x[2], x[3])
        case 1: t = shaParity(x[1], x[2], x[3])
        default: t = shaMajority(x[1], x[2], x[3])
        }
        y = y &+ rol32(x[0], 5) &+ t &+ ww[e]
        x[1] = rol32(x[1], 30)
        // <Y, X> = ROL(Y : X, 32)
        let top = x[3]
        x[3] = x[2]; x[2] = x[1]; x[1] = x[0]; x[0] = y
        y = top
    }
    return x.v
}

@inline(__always) func sha256Sigma0(_ x: UInt32) -> UInt32 { ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22) }
@inline(__always) func sha256Sigma1(_ x: UInt32) -> UInt32 { ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25) }

/// SHA256hash: four rounds; X = (a, b, c, d), Y = (e, f, g, h).
@inline(__always) func sha256Hash(_ x0: V128, _ y0: V128, _ w: V128, part1: Bool) -> V128 {
    var x = Words4(x0), y = Words4(y0)
    let ww = Words4(w)
    for e in 0..<4 {
        let chs = shaChoose(y[0], y[1], y[2])
        let maj = shaMajority(x[0], x[1], x[2])
        let t = y[3] &+ sha256Sigma1(y[0]) &+ chs &+ ww[e]
        x[3] = t &+ x[3]
        y[3] = t &+ sha256Sigma0(x[0]) &+ maj
        // <Y, X> = ROL(Y : X, 32)
        let xTop = x[3], yTop = y[3]
        x[3] = x[2]; x[2] = x[1]; x[1] = x[0]; x[0] = yTop
        y[3] = y[2]; y[2] = y[1]; y[1] = y[0]; y[0] = xTop
    }
    return part1 ? x.v : y.v
}

@inline(__always) func sha512Sigma0(_ x: UInt64) -> UInt64 { ror64(x, 28) ^ ror64(x, 34) ^ ror64(x, 39) }
@inline(__always) func sha512Sigma1(_ x: UInt64) -> UInt64 { ror64(x, 14) ^ ror64(x, 18) ^ ror64(x, 41) }
@inline(__always) func sha512sigma0(_ x: UInt64) -> UInt64 { ror64(x, 1) ^ ror64(x, 8) ^ (x >> 7) }
@inline(__always) func sha512sigma1(_ x: UInt64) -> UInt64 { ror64(x, 19) ^ ror64(x, 61) ^ (x >> 6) }

// MARK: - Execution

extension Decoder {
    /// The allocated encodings of the crypto groups, which get the
    /// `.simdCrypto` op (reserved ones stay `.fpsimd`, which reports them).
    static func isCrypto(_ insn: UInt32) -> Bool {
        if insn >> 24 == 0xCE {
            switch (insn >> 21) & 7 {
            case 0, 1: return (insn >> 15) & 1 == 0                                    // EOR3, BCAX
            case 2: return (insn >> 15) & 1 == 0 || (insn >> 14) & 3 == 2              // SM3SS1, SM3TT*
            case 3: return insn & 0xF000 == 0x8000 || insn & 0xFC00 == 0xC000          // SHA512*, RAX1; SM3PARTW1
                || insn & 0xFC00 == 0xC400 || insn & 0xFC00 == 0xC800                  // SM3PARTW2, SM4EKEY
            case 4: return true                                                        // XAR
            case 6: return insn & 0xFFFF_F800 == 0xCEC0_8000                           // SHA512SU0, SM4E
            default: return false
            }
        }
        return insn & 0xFFFF_CC00 == 0x4E28_4800                                       // AES
            || insn & 0xFFFF_EC00 == 0x5E28_0800 || insn & 0xFFFF_FC00 == 0x5E28_2800  // SHA1H, SHA1SU1, SHA256SU0
            || (insn & 0xFFE0_8C00 == 0x5E00_0000 && (insn >> 12) & 7 != 7)           // SHA1C..SHA256SU1
    }
}

/// Every crypto encoding, for the `.simdCrypto` op (one decode of the group
/// instead of the whole AdvSIMD tree). The groups themselves are out of
/// line, so the cores' dispatch functions do not grow with them.
@inline(__always) func cryptoGroup(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    switch insn >> 24 {
    case 0xCE: return cryptoExtended(r, insn)
    case 0x4E: return cryptoAES(r, insn)
    default: return (insn >> 21) & 1 == 1 ? cryptoSHATwoReg(r, insn) : cryptoSHAThreeReg(r, insn)
    }
}

/// Crypto AES: AESE, AESD, AESMC, AESIMC (0100 1110 0010 1000 0 opcode 10).
@inline(never) func cryptoAES(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    let src = readV(r, n)
    switch (insn >> 12) & 0x1F {
    case 0b00100: writeV(r, d, aesRound(readV(r, d), src, decrypt: false))
    case 0b00101: writeV(r, d, aesRound(readV(r, d), src, decrypt: true))
    case 0b00110: writeV(r, d, V128(aesMixColumnsWord(src.lo), aesMixColumnsWord(src.hi)))
    case 0b00111: writeV(r, d, V128(aesInvMixColumnsWord(src.lo), aesInvMixColumnsWord(src.hi)))
    default: return .undefined
    }
    return .ok
}

/// Crypto two-register SHA: SHA1H, SHA1SU1, SHA256SU0.
@inline(never) func cryptoSHATwoReg(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let d = Int(insn & 31), n = Int((insn >> 5) & 31)
    let x = Words4(readV(r, n))
    switch (insn >> 12) & 0x1F {
    case 0: // SHA1H
        writeV(r, d, V128(UInt64(rol32(x[0], 30)), 0))
    case 1: // SHA1SU1
        let op1 = Words4(readV(r, d))
        var t = Words4(V128())
        t[0] = op1[0] ^ x[1]; t[1] = op1[1] ^ x[2]; t[2] = op1[2] ^ x[3]; t[3] = op1[3]
        var res = Words4(V128())
        res[0] = rol32(t[0], 1); res[1] = rol32(t[1], 1); res[2] = rol32(t[2], 1)
        res[3] = rol32(t[3], 1) ^ rol32(t[0], 2)
        writeV(r, d, res.v)
    case 2: // SHA256SU0
        let op1 = Words4(readV(r, d))
        var res = Words4(V128())
        for e in 0..<4 {
            let elt = e < 3 ? op1[e + 1] : x[0]
            res[e] = (ror32(elt, 7) ^ ror32(elt, 18) ^ (elt >> 3)) &+ op1[e]
        }
        writeV(r, d, res.v)
    default: return .undefined
    }
    return .ok
}

/// Crypto three-register SHA: SHA1C/P/M, SHA1SU0, SHA256H/H2, SHA256SU1.
@inline(never) func cryptoSHAThreeReg(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    let d = Int(insn & 31), n = Int((insn >> 5) & 31), m = Int((insn >> 16) & 31)
    let vd = readV(r, d), vn = readV(r, n), vm = readV(r, m)
    switch (insn >> 12) & 7 {
    case 0, 1, 2:
        writeV(r, d, sha1Hash(vd, UInt32(truncatingIfNeeded: vn.lo), vm, Int((insn >> 12) & 7)))
    case 3: // SHA1SU0: (Vn<63:0> : Vd<127:64>) ^ Vd ^ Vm
        writeV(r, d, V128(vd.hi ^ vd.lo ^ vm.lo, vn.lo ^ vd.hi ^ vm.hi))
    case 4: writeV(r, d, sha256Hash(vd, vn, vm, part1: true))
    case 5: writeV(r, d, sha256Hash(vn, vd, vm, part1: false))
    case 6: // SHA256SU1
        let op1 = Words4(vd), op2 = Words4(vn), op3 = Words4(vm)
        var res = Words4(V128())
        for e in 0..<4 {
            let t0 = e < 3 ? op2[e + 1] : op3[0]
            let t1 = e < 2 ? op3[e + 2] : res[e - 2]
            res[e] = (ror32(t1, 17) ^ ror32(t1, 19) ^ (t1 >> 10)) &+ op1[e] &+ t0
        }
        writeV(r, d, res.v)
    default: return .undefined
    }
    return .ok
}

/// The crypto groups with bit 31 set (1100 1110 ...): EOR3, BCAX, SM3SS1,
/// XAR, SHA512H/H2/SU0/SU1, RAX1, SM3TT*, SM3PARTW1/2, SM4E, SM4EKEY.
@inline(never) func cryptoExtended(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    guard insn >> 24 == 0xCE else { return .undefined }
    let d = Int(insn & 31), n = Int((insn >> 5) & 31), m = Int((insn >> 16) & 31)
    let vn = readV(r, n)
    // Bits 23:21 = 010 is SM3SS1 (four-register) with bit 15 clear, SM3TT* with it set.
    let group = (insn >> 21) & 7 == 2 && (insn >> 15) & 1 == 0 ? 0 : (insn >> 21) & 7
    switch group {
    case 0, 1: // Crypto four-register: EOR3, BCAX, SM3SS1
        if (insn >> 15) & 1 != 0 { return .undefined }
        let vm = readV(r, m), va = readV(r, Int((insn >> 10) & 31))
        switch (insn >> 21) & 3 {
        case 0: writeV(r, d, V128(vn.lo ^ vm.lo ^ va.lo, vn.hi ^ vm.hi ^ va.hi))       // EOR3
        case 1: writeV(r, d, V128(vn.lo ^ (vm.lo & ~va.lo), vn.hi ^ (vm.hi & ~va.hi))) // BCAX
        case 2: // SM3SS1
            let wn = Words4(vn), wm = Words4(vm), wa = Words4(va)
            let v = rol32(rol32(wn[3], 12) &+ wm[3] &+ wa[3], 7)
            writeV(r, d, V128(0, UInt64(v) << 32))
        default: return .undefined
        }
    case 2: // Crypto three-register, imm2: SM3TT1A, SM3TT1B, SM3TT2A, SM3TT2B
        if (insn >> 14) & 3 != 2 { return .undefined }
        return sm3tt(r, insn, d, vn, readV(r, m))
    case 3: // Crypto three-register SHA512
        if (insn >> 15) & 1 != 1 || (insn >> 12) & 3 != 0 { return .undefined }
        let vd = readV(r, d), vm = readV(r, m)
        switch ((insn >> 14) & 1, (insn >> 10) & 3) {
        case (0, 0): // SHA512H: X = Vn, Y = Vm, W = Vd
            var hi = (vm.hi & vn.lo) ^ (~vm.hi & vn.hi)
            hi = hi &+ sha512Sigma1(vm.hi) &+ vd.hi
            let tmp = hi &+ vm.lo
            var lo = (tmp & vm.hi) ^ (~tmp & vn.lo)
            lo = lo &+ sha512Sigma1(tmp) &+ vd.lo
            writeV(r, d, V128(lo, hi))
        case (0, 1): // SHA512H2
            var hi = (vn.lo & vm.hi) ^ (vn.lo & vm.lo) ^ (vm.hi & vm.lo)
            hi = hi &+ sha512Sigma0(vm.lo) &+ vd.hi
            var lo = (hi & vm.lo) ^ (hi & vm.hi) ^ (vm.hi & vm.lo)
            lo = lo &+ sha512Sigma0(hi) &+ vd.lo
            writeV(r, d, V128(lo, hi))
        case (0, 2): // SHA512SU1
            writeV(r, d, V128(vd.lo &+ sha512sigma1(vn.lo) &+ vm.lo, vd.hi &+ sha512sigma1(vn.hi) &+ vm.hi))
        case (0, 3): // RAX1
            writeV(r, d, V128(vn.lo ^ ror64(vm.lo, 63), vn.hi ^ ror64(vm.hi, 63)))
        case (1, 0): // SM3PARTW1
            let wd = Words4(vd), wn = Words4(vn), wm = Words4(vm)
            var res = Words4(V128())
            for i in 0..<4 {
                let t = wd[i] ^ wn[i] ^ rol32(i < 3 ? wm[i + 1] : res[0], 15)
                res[i] = t ^ rol32(t, 15) ^ rol32(t, 23)
            }
            writeV(r, d, res.v)
        case (1, 2): // SM4EKEY
            writeV(r, d, sm4Rounds(vn, readV(r, m), key: true))
        case (1, 1): // SM3PARTW2
            let wd = Words4(vd), wn = Words4(vn), wm = Words4(vm)
            var tmp = Words4(V128()), res = Words4(V128())
            for i in 0..<4 { tmp[i] = wn[i] ^ rol32(wm[i], 7) }
            for i in 0..<4 { res[i] = wd[i] ^ tmp[i] }
            let t = tmp[0]
            res[3] ^= rol32(t, 15) ^ rol32(t, 30) ^ rol32(t, 6)
            writeV(r, d, res.v)
        default: return .undefined
        }
    case 4: // XAR
        let vm = readV(r, m), sh = UInt64((insn >> 10) & 63)
        writeV(r, d, V128(ror64(vn.lo ^ vm.lo, sh), ror64(vn.hi ^ vm.hi, sh)))
    case 6: // Crypto two-register SHA512: SHA512SU0
        let vd = readV(r, d)
        switch insn & 0xFFFF_FC00 {
        case 0xCEC0_8000: writeV(r, d, V128(vd.lo &+ sha512sigma0(vd.hi), vd.hi &+ sha512sigma0(vn.lo)))
        case 0xCEC0_8400: writeV(r, d, sm4Rounds(vd, vn, key: false)) // SM4E
        default: return .undefined
        }
    default: return .undefined
    }
    return .ok
}

/// SM3TT1A, SM3TT1B, SM3TT2A, SM3TT2B (Arm ARM pseudocode).
@inline(__always) func sm3tt(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32, _ d: Int, _ vn: V128, _ vm: V128) -> StepStatus {
    let op = Int((insn >> 10) & 3), i = Int((insn >> 12) & 3)
    var wd = Words4(readV(r, d))
    let wn = Words4(vn), wm = Words4(vm)
    let wj = wm[i]
    let tt: UInt32
    switch op {
    case 0, 2: tt = shaParity(wd[3], wd[2], wd[1])
    case 1: tt = shaMajority(wd[3], wd[2], wd[1])
    default: tt = shaChoose(wd[3], wd[2], wd[1])
    }
    if op < 2 {
        let ss2 = wn[3] ^ rol32(wd[3], 12)
        let t = tt &+ wd[0] &+ ss2 &+ wj
        wd[0] = wd[1]
        wd[1] = rol32(wd[2], 9)
        wd[2] = wd[3]
        wd[3] = t
    } else {
        var t = tt &+ wd[0] &+ wn[3] &+ wj
        t = t ^ rol32(t, 9) ^ rol32(t, 17)
        wd[0] = wd[1]
        wd[1] = rol32(wd[2], 19)
        wd[2] = wd[3]
        wd[3] = t
    }
    writeV(r, d, wd.v)
    return .ok
}

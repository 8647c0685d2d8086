/// Decodes one A64 instruction into a specialised `Op`.
///
/// The decoder follows the Arm ARM's top-level encoding groups; each group
/// has its own file. Anything not implemented becomes `.undefined`, which
/// raises SIGILL in the guest when (and only when) it is executed.
public enum Decoder {
    /// Decodes `insn` found at `pc`.
    public static func decode(_ insn: UInt32, pc: UInt64) -> Op {
        var op: Op
        switch (insn >> 25) & 0xF {
        case 0b1000, 0b1001: op = decodeDataProcessingImmediate(insn, pc: pc)
        case 0b1010, 0b1011: op = decodeBranchSystem(insn, pc: pc)
        case 0b0101, 0b1101: op = decodeDataProcessingRegister(insn)
        case 0b0111, 0b1111: op = decodeFPFast(insn)
        case 0b0100, 0b0110, 0b1100, 0b1110: op = decodeLoadStore(insn, pc: pc)
        default: op = Op(.undefined)
        }
        if op.code == .fpsimd {
            op = decodeSIMDFast(insn)
            if op.code == .fpsimd && isCrypto(insn) { op = Op(.simdCrypto) }
        }
        op.insn = insn
        return op
    }

    /// Decodes `insn` for a CPU with `features`: an encoding of an optional
    /// feature outside the set (or not implemented at all) is UNDEFINED, as
    /// on a core without it.
    public static func decode(_ insn: UInt32, pc: UInt64, features: FeatureSet) -> Op {
        if let need = FeatureGate.required(insn), !features.isSuperset(of: need) {
            var op = Op(.undefined)
            op.insn = insn
            return op
        }
        return decode(insn, pc: pc)
    }

    /// True when the op ends a block.
    @inline(__always)
    static func endsBlock(_ code: OpCode) -> Bool {
        switch code {
        case .undefined, .svc, .brk, .jump, .b, .bl, .bcond, .cbz64, .cbz32, .cbnz64, .cbnz32,
             .tbz, .tbnz, .br, .blr, .ret, .cmpImmBcc64, .cmpImmBcc32, .cmpRegBcc64, .cmpRegBcc32,
             .msr, .msrImm:
            return true
        default:
            return false
        }
    }
}

// MARK: - Field helpers

@inline(__always) func bits(_ x: UInt32, _ hi: Int, _ lo: Int) -> Int {
    Int((x >> UInt32(lo)) & ((1 << UInt32(hi - lo + 1)) - 1))
}

@inline(__always) func bit(_ x: UInt32, _ b: Int) -> Int { Int((x >> UInt32(b)) & 1) }

@inline(__always) func signExtend(_ v: Int, _ width: Int) -> Int64 {
    let s = 64 - width
    return (Int64(v) << Int64(s)) >> Int64(s)
}

/// Slot for a register operand where 31 means the zero register (reads).
@inline(__always) func zr(_ n: Int) -> Int { n }
/// Slot for a destination where 31 means the zero register (writes go to the sink).
@inline(__always) func wz(_ n: Int) -> Int { n == 31 ? Slot.sink : n }
/// Slot for an operand where 31 means SP.
@inline(__always) func spr(_ n: Int) -> Int { n == 31 ? Slot.sp : n }

@inline(__always) func ones(_ n: Int) -> UInt64 { n >= 64 ? ~0 : (1 << UInt64(n)) - 1 }

@inline(__always) func ror(_ v: UInt64, _ r: Int, width: Int) -> UInt64 {
    if r == 0 { return v }
    let m = ones(width)
    return ((v >> UInt64(r)) | (v << UInt64(width - r))) & m
}

/// DecodeBitMasks from the Arm ARM: (wmask, tmask), or nil when reserved.
func decodeBitMasks(n: Int, imms: Int, immr: Int, immediate: Bool, dataSize: Int) -> (UInt64, UInt64)? {
    let combined = (n << 6) | (~imms & 0x3F)
    guard combined != 0 else { return nil }
    let len = 63 - (UInt64(combined)).leadingZeroBitCount // highest set bit (0-based)
    if len < 1 { return nil }
    if 1 << len > dataSize { return nil }
    let levels = Int(ones(len))
    if immediate && (imms & levels) == levels { return nil }
    let s = imms & levels
    let r = immr & levels
    let diff = (s - r) & levels
    let esize = 1 << len
    let welem = ones(s + 1)
    let telem = ones(diff + 1)
    var wmask: UInt64 = 0, tmask: UInt64 = 0
    let we = ror(welem, r, width: esize)
    var i = 0
    while i < dataSize {
        wmask |= we << UInt64(i)
        tmask |= telem << UInt64(i)
        i += esize
    }
    return (wmask & ones(dataSize), tmask & ones(dataSize))
}

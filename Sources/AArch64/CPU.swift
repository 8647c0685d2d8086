/// Slot indices of the register file, in units of UInt64.
///
/// The decoder maps register number 31 to `xzr` (reads) / `sink` (writes)
/// or to `sp`, depending on the encoding, so ops never test for 31.
public enum Slot {
    public static let xzr = 31
    public static let sp = 32
    public static let sink = 33
    public static let pc = 34
    /// Materialised NZCV in bits 31..28, valid when `flagKind` == 0.
    public static let nzcv = 35
    public static let flagKind = 36
    public static let flagA = 37
    public static let flagB = 38
    /// The CPU model's `FeatureSet` (raw value) and MIDR_EL1: what MRS of
    /// the ID registers reads and which optional encodings decode.
    public static let features = 39
    public static let midr = 50
    public static let tpidr = 40
    public static let fpcr = 41
    public static let fpsr = 42
    /// Exclusive monitor: address (or ~0 when clear), value(s) seen, size.
    public static let exclAddr = 43
    public static let exclVal = 44
    public static let exclVal2 = 45
    public static let exclSize = 46
    /// Guest instructions retired (counted per block entry).
    public static let icount = 47
    /// Set by other threads / signal handlers to make the executor stop
    /// between blocks.
    public static let attention = 48
    public static let tpidrro = 49
    /// First of 64 slots holding V0..V31 (16 bytes each, little-endian).
    public static let v = 64
    public static let count = 160
}

/// Lazily evaluated flag producers (stored in `Slot.flagKind`).
public enum FlagKind {
    public static let materialized: UInt64 = 0
    public static let add64: UInt64 = 1
    public static let sub64: UInt64 = 2
    public static let add32: UInt64 = 3
    public static let sub32: UInt64 = 4
    /// Logical ops: result in flagA, C = V = 0.
    public static let logic64: UInt64 = 5
    public static let logic32: UInt64 = 6
}

/// The guest CPU state: a block of raw memory addressed by `Slot`.
///
/// Invariant: `r` points at `Slot.count` UInt64s owned by this object for
/// its whole lifetime; all register access goes through it.
public final class CPU: @unchecked Sendable {
    public let r: UnsafeMutablePointer<UInt64>

    public init() {
        r = .allocate(capacity: Slot.count)
        r.initialize(repeating: 0, count: Slot.count)
        r[Slot.exclAddr] = ~0
        select(.max)
    }

    /// Makes this CPU the given model (its features and MIDR).
    public func select(_ model: CPUModel) {
        r[Slot.features] = model.features.rawValue
        r[Slot.midr] = model.midr
    }

    /// The features of the selected model.
    public var features: FeatureSet { FeatureSet(rawValue: r[Slot.features]) }

    deinit { r.deallocate() }

    /// Copies the whole state (for clone and signal frames).
    public func copy(from other: CPU) {
        r.update(from: other.r, count: Slot.count)
    }

    @inline(__always) public func x(_ i: Int) -> UInt64 { r[i] }
    @inline(__always) public func setX(_ i: Int, _ v: UInt64) { if i < 31 { r[i] = v } }

    public var pc: UInt64 {
        get { r[Slot.pc] }
        set { r[Slot.pc] = newValue }
    }

    public var sp: UInt64 {
        get { r[Slot.sp] }
        set { r[Slot.sp] = newValue }
    }

    public var tpidr: UInt64 {
        get { r[Slot.tpidr] }
        set { r[Slot.tpidr] = newValue }
    }

    /// NZCV in bits 31..28, evaluating any lazy flag state.
    public var nzcv: UInt64 {
        get { Flags.materialize(r) }
        set {
            r[Slot.nzcv] = newValue & 0xF000_0000
            r[Slot.flagKind] = FlagKind.materialized
        }
    }

    /// Pointer to the 16 bytes of V register `i`.
    @inline(__always) public func vreg(_ i: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(r + Slot.v + 2 * i)
    }

    public func vLow(_ i: Int) -> UInt64 { r[Slot.v + 2 * i] }
    public func vHigh(_ i: Int) -> UInt64 { r[Slot.v + 2 * i + 1] }
    public func setV(_ i: Int, low: UInt64, high: UInt64) {
        r[Slot.v + 2 * i] = low
        r[Slot.v + 2 * i + 1] = high
    }
}

/// NZCV computation shared by the executor and the lazy-flag evaluation.
public enum Flags {
    @inline(__always)
    public static func nzcvAdd64(_ a: UInt64, _ b: UInt64, carryIn: UInt64 = 0) -> UInt64 {
        let (s1, c1) = a.addingReportingOverflow(b)
        let (res, c2) = s1.addingReportingOverflow(carryIn)
        let n = res >> 63
        let z: UInt64 = res == 0 ? 1 : 0
        let c: UInt64 = (c1 || c2) ? 1 : 0
        let v = ((~(a ^ b) & (a ^ res)) >> 63) & 1
        return (n << 31) | (z << 30) | (c << 29) | (v << 28)
    }

    @inline(__always)
    public static func nzcvAdd32(_ a: UInt64, _ b: UInt64, carryIn: UInt64 = 0) -> UInt64 {
        let a32 = a & 0xFFFF_FFFF, b32 = b & 0xFFFF_FFFF
        let full = a32 &+ b32 &+ carryIn
        let res = full & 0xFFFF_FFFF
        let n = (res >> 31) & 1
        let z: UInt64 = res == 0 ? 1 : 0
        let c = (full >> 32) & 1
        let v = ((~(a32 ^ b32) & (a32 ^ res)) >> 31) & 1
        return (n << 31) | (z << 30) | (c << 29) | (v << 28)
    }

    @inline(__always)
    public static func nzcvLogic64(_ res: UInt64) -> UInt64 {
        ((res >> 63) << 31) | (res == 0 ? 1 << 30 : 0)
    }

    @inline(__always)
    public static func nzcvLogic32(_ res: UInt64) -> UInt64 {
        (((res >> 31) & 1) << 31) | (res & 0xFFFF_FFFF == 0 ? 1 << 30 : 0)
    }

    @inline(__always)
    public static func materialize(_ r: UnsafeMutablePointer<UInt64>) -> UInt64 {
        let a = r[Slot.flagA], b = r[Slot.flagB]
        switch r[Slot.flagKind] {
        case FlagKind.add64: return nzcvAdd64(a, b)
        case FlagKind.sub64: return nzcvAdd64(a, ~b, carryIn: 1)
        case FlagKind.add32: return nzcvAdd32(a, b)
        case FlagKind.sub32: return nzcvAdd32(a, ~b, carryIn: 1)
        case FlagKind.logic64: return nzcvLogic64(a)
        case FlagKind.logic32: return nzcvLogic32(a)
        default: return r[Slot.nzcv]
        }
    }

    /// ConditionHolds as a table: bit `16 * (cond mod 4) + NZCV` of word
    /// `cond / 4` is 1 when the condition holds for those flags.
    static let condWords: (UInt64, UInt64, UInt64, UInt64) = (0x3333CCCC0F0FF0F0, 0x5555AAAA00FFFF00, 0x55AAAA55F3F30C0C, 0xFFFFFFFFF5FA0A05)

    @inline(__always)
    public static func holds(_ cond: Int, _ nzcv: UInt64) -> Bool {
        let word: UInt64
        switch cond >> 2 {
        case 0: word = condWords.0
        case 1: word = condWords.1
        case 2: word = condWords.2
        default: word = condWords.3
        }
        return (word >> UInt64(16 * (cond & 3) + Int((nzcv >> 28) & 15))) & 1 != 0
    }
}

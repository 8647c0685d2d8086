import Glibc
import GuestMemory

/// The executor's view of guest memory: base, permission table and limit
/// copied into locals so the hot path does no class access.
struct MemView {
    let base: UnsafeMutableRawPointer
    let perms: UnsafeMutablePointer<UInt8>
    /// Accesses start below `size - 64`, so `a + n - 1` (n <= 64) stays inside
    /// the reservation; nothing is mapped that high.
    let limit: UInt64
    let space: Unmanaged<AddressSpace>

    init(_ space: AddressSpace) {
        base = space.base
        perms = space.perms
        limit = space.size - 64
        self.space = Unmanaged.passUnretained(space)
    }

    @inline(__always) func host(_ a: UInt64) -> UnsafeMutableRawPointer {
        base + Int(truncatingIfNeeded: a)
    }

    @inline(__always) func readable(_ a: UInt64, _ n: UInt64) -> Bool {
        guard a < limit else { return false }
        return perms[Int(truncatingIfNeeded: a >> 12)] & perms[Int(truncatingIfNeeded: (a &+ n &- 1) >> 12)] & PagePerm.read != 0
    }

    /// True when the guest may store; a store to a page holding translated
    /// code first invalidates those blocks (through the slow path).
    @inline(__always) func writable(_ a: UInt64, _ n: UInt64) -> Bool {
        guard a < limit else { return false }
        let p1 = perms[Int(truncatingIfNeeded: a >> 12)]
        let p2 = perms[Int(truncatingIfNeeded: (a &+ n &- 1) >> 12)]
        if (p1 & p2 & PagePerm.write) != 0 && ((p1 | p2) & PagePerm.code) == 0 { return true }
        return writableSlow(a, n)
    }

    @inline(never) func writableSlow(_ a: UInt64, _ n: UInt64) -> Bool {
        return space._withUnsafeGuaranteedRef { space in
            guard space.check(a, n, PagePerm.write) else { return false }
            space.noteStore(a, n)
            return true
        }
    }
}

// MARK: - Operand helpers

@inline(__always) func setFlags(_ r: UnsafeMutablePointer<UInt64>, _ kind: UInt64, _ a: UInt64, _ b: UInt64) {
    r[Slot.flagKind] = kind
    r[Slot.flagA] = a
    r[Slot.flagB] = b
}

@inline(__always) func setNZCV(_ r: UnsafeMutablePointer<UInt64>, _ nzcv: UInt64) {
    r[Slot.flagKind] = FlagKind.materialized
    r[Slot.nzcv] = nzcv
}

@inline(__always) func shift64(_ v: UInt64, _ type: UInt8, _ amount: UInt8) -> UInt64 {
    let s = UInt64(amount)
    switch type {
    case 0: return v &<< s
    case 1: return v &>> s
    case 2: return UInt64(bitPattern: Int64(bitPattern: v) &>> Int64(s))
    default: return s == 0 ? v : (v &>> s) | (v &<< (64 &- s))
    }
}

@inline(__always) func shift32(_ v: UInt64, _ type: UInt8, _ amount: UInt8) -> UInt64 {
    let x = UInt32(truncatingIfNeeded: v), s = UInt32(amount)
    switch type {
    case 0: return UInt64(x &<< s)
    case 1: return UInt64(x &>> s)
    case 2: return UInt64(UInt32(bitPattern: Int32(bitPattern: x) &>> Int32(s)))
    default: return UInt64(s == 0 ? x : (x &>> s) | (x &<< (32 &- s)))
    }
}

/// ExtendReg: UXTB, UXTH, UXTW, UXTX, SXTB, SXTH, SXTW, SXTX, then shift.
@inline(__always) func extend(_ v: UInt64, _ option: UInt8, _ shift: UInt8) -> UInt64 {
    let x: UInt64
    switch option {
    case 0: x = v & 0xFF
    case 1: x = v & 0xFFFF
    case 2: x = v & 0xFFFF_FFFF
    case 4: x = UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: v)))
    case 5: x = UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: v)))
    case 6: x = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: v)))
    default: x = v
    }
    return x &<< UInt64(shift)
}

/// Condition after a 64-bit compare of a with b, without building NZCV.
@inline(__always) func compare64(_ a: UInt64, _ b: UInt64, _ cond: UInt8, _ r: UnsafeMutablePointer<UInt64>) -> Bool {
    switch cond {
    case 0: return a == b
    case 1: return a != b
    case 2: return a >= b
    case 3: return a < b
    case 8: return a > b
    case 9: return a <= b
    case 10: return Int64(bitPattern: a) >= Int64(bitPattern: b)
    case 11: return Int64(bitPattern: a) < Int64(bitPattern: b)
    case 12: return Int64(bitPattern: a) > Int64(bitPattern: b)
    case 13: return Int64(bitPattern: a) <= Int64(bitPattern: b)
    case 14, 15: return true
    default: return Flags.holds(Int(cond), Flags.nzcvAdd64(a, ~b, carryIn: 1))
    }
}

@inline(__always) func compare32(_ a: UInt64, _ b: UInt64, _ cond: UInt8, _ r: UnsafeMutablePointer<UInt64>) -> Bool {
    let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
    switch cond {
    case 0: return x == y
    case 1: return x != y
    case 2: return x >= y
    case 3: return x < y
    case 8: return x > y
    case 9: return x <= y
    case 10: return Int32(bitPattern: x) >= Int32(bitPattern: y)
    case 11: return Int32(bitPattern: x) < Int32(bitPattern: y)
    case 12: return Int32(bitPattern: x) > Int32(bitPattern: y)
    case 13: return Int32(bitPattern: x) <= Int32(bitPattern: y)
    case 14, 15: return true
    default: return Flags.holds(Int(cond), Flags.nzcvAdd32(a, ~b, carryIn: 1))
    }
}

/// ConditionHolds on the current (possibly lazy) flags.
@inline(__always) func condHolds(_ r: UnsafeMutablePointer<UInt64>, _ cond: UInt8) -> Bool {
    let k = r[Slot.flagKind]
    if k == FlagKind.sub64 { return compare64(r[Slot.flagA], r[Slot.flagB], cond, r) }
    if k == FlagKind.sub32 { return compare32(r[Slot.flagA], r[Slot.flagB], cond, r) }
    return Flags.holds(Int(cond), Flags.materialize(r))
}

// MARK: - Less frequent integer ops

extension Sem {
    @inline(__always)
    static func fault(_ r: UnsafeMutablePointer<UInt64>, _ s: UnsafeMutablePointer<ExecState>, _ p: UnsafeMutablePointer<Op>,
                      _ addr: UInt64, _ write: Bool) -> Int {
        r[Slot.pc] = s.pointee.blockPC &+ UInt64(p.pointee.idx) &* 4
        r[Slot.icount] &+= UInt64(p.pointee.idx)
        return exit(s, .fault(addr: addr, write: write))
    }

    /// Ordered accesses (LDAPR) must be naturally aligned (the Arm ARM's
    /// CheckAlignment): returns the exit for an Alignment fault at `addr`,
    /// or nil.
    @inline(__always)
    static func misaligned(_ r: UnsafeMutablePointer<UInt64>, _ s: UnsafeMutablePointer<ExecState>, _ p: UnsafeMutablePointer<Op>,
                           _ addr: UInt64, sizeLog: Int, write: Bool) -> Int? {
        if addr & ((UInt64(1) << UInt64(sizeLog)) &- 1) == 0 { return nil }
        r[Slot.pc] = s.pointee.blockPC &+ UInt64(p.pointee.idx) &* 4
        r[Slot.icount] &+= UInt64(p.pointee.idx)
        return exit(s, .alignment(addr: addr, write: write))
    }

    @inline(__always)
    static func exit(_ s: UnsafeMutablePointer<ExecState>, _ reason: ExitReason) -> Int {
        s.pointee.exit = reason
        return Flow.exit
    }

    @inline(__always) static func isStore(_ p: UnsafeMutablePointer<Op>) -> Bool {
        p.pointee.s1 == LdStKind.store || p.pointee.s1 == LdStKind.storeFP
    }

    @inline(never)
    static func addWithCarry(_ r: UnsafeMutablePointer<UInt64>, _ p: UnsafeMutablePointer<Op>) {
        let carry = (Flags.materialize(r) >> 29) & 1
        let a = r[Int(p.pointee.rn)], b = r[Int(p.pointee.rm)]
        let d = Int(p.pointee.rd)
        switch p.pointee.code {
        case .adc64: r[d] = a &+ b &+ carry
        case .adc32: r[d] = (a &+ b &+ carry) & 0xFFFF_FFFF
        case .sbc64: r[d] = a &+ ~b &+ carry
        case .sbc32: r[d] = (a &+ ~b &+ carry) & 0xFFFF_FFFF
        case .adcs64:
            setNZCV(r, Flags.nzcvAdd64(a, b, carryIn: carry))
            r[d] = a &+ b &+ carry
        case .adcs32:
            setNZCV(r, Flags.nzcvAdd32(a, b, carryIn: carry))
            r[d] = (a &+ b &+ carry) & 0xFFFF_FFFF
        case .sbcs64:
            setNZCV(r, Flags.nzcvAdd64(a, ~b, carryIn: carry))
            r[d] = a &+ ~b &+ carry
        default:
            setNZCV(r, Flags.nzcvAdd32(a, ~b & 0xFFFF_FFFF, carryIn: carry))
            r[d] = (a &+ ~b &+ carry) & 0xFFFF_FFFF
        }
    }

    /// UBFM, SBFM, BFM with the masks precomputed by DecodeBitMasks.
    @inline(__always)
    static func bitfieldMove(_ r: UnsafeMutablePointer<UInt64>, _ p: UnsafeMutablePointer<Op>) {
        let src = r[Int(p.pointee.rn)]
        let rot = Int(p.pointee.s1), s = UInt64(p.pointee.s2)
        let wmask = p.pointee.imm, tmask = p.pointee.imm2
        let d = Int(p.pointee.rd)
        switch p.pointee.code {
        case .ubfm64:
            r[d] = ror(src, rot, width: 64) & wmask & tmask
        case .ubfm32:
            r[d] = ror(src & 0xFFFF_FFFF, rot, width: 32) & wmask & tmask
        case .sbfm64:
            let bot = ror(src, rot, width: 64) & wmask
            let top: UInt64 = (src >> s) & 1 != 0 ? ~0 : 0
            r[d] = (top & ~tmask) | (bot & tmask)
        case .sbfm32:
            let bot = ror(src & 0xFFFF_FFFF, rot, width: 32) & wmask
            let top: UInt64 = (src >> s) & 1 != 0 ? 0xFFFF_FFFF : 0
            r[d] = ((top & ~tmask) | (bot & tmask)) & 0xFFFF_FFFF
        case .bfm64:
            let dst = r[Int(p.pointee.rm)]
            let bot = (dst & ~wmask) | (ror(src, rot, width: 64) & wmask)
            r[d] = (dst & ~tmask) | (bot & tmask)
        default:
            let dst = r[Int(p.pointee.rm)] & 0xFFFF_FFFF
            let bot = (dst & ~wmask) | (ror(src & 0xFFFF_FFFF, rot, width: 32) & wmask)
            r[d] = ((dst & ~tmask) | (bot & tmask)) & 0xFFFF_FFFF
        }
    }

    @inline(never)
    static func multiplyDivide(_ r: UnsafeMutablePointer<UInt64>, _ p: UnsafeMutablePointer<Op>) {
        let a = r[Int(p.pointee.rn)], b = r[Int(p.pointee.rm)], acc = r[Int(p.pointee.ra)]
        let d = Int(p.pointee.rd)
        @inline(__always) func s32(_ v: UInt64) -> Int64 { Int64(Int32(truncatingIfNeeded: v)) }
        switch p.pointee.code {
        case .smaddl: r[d] = acc &+ UInt64(bitPattern: s32(a) &* s32(b))
        case .smsubl: r[d] = acc &- UInt64(bitPattern: s32(a) &* s32(b))
        case .umaddl: r[d] = acc &+ (a & 0xFFFF_FFFF) &* (b & 0xFFFF_FFFF)
        case .umsubl: r[d] = acc &- (a & 0xFFFF_FFFF) &* (b & 0xFFFF_FFFF)
        case .smulh: r[d] = UInt64(bitPattern: Int64(bitPattern: a).multipliedFullWidth(by: Int64(bitPattern: b)).high)
        case .umulh: r[d] = a.multipliedFullWidth(by: b).high
        case .udiv64: r[d] = b == 0 ? 0 : a / b
        case .udiv32:
            let x = a & 0xFFFF_FFFF, y = b & 0xFFFF_FFFF
            r[d] = y == 0 ? 0 : x / y
        case .sdiv64:
            let x = Int64(bitPattern: a), y = Int64(bitPattern: b)
            if y == 0 { r[d] = 0 } else if y == -1 { r[d] = UInt64(bitPattern: 0 &- x) } else { r[d] = UInt64(bitPattern: x / y) }
        default: // sdiv32
            let x = Int32(truncatingIfNeeded: a), y = Int32(truncatingIfNeeded: b)
            let q: Int32 = y == 0 ? 0 : (y == -1 ? 0 &- x : x / y)
            r[d] = UInt64(UInt32(bitPattern: q))
        }
    }

    @inline(never)
    static func oneSource(_ r: UnsafeMutablePointer<UInt64>, _ p: UnsafeMutablePointer<Op>) {
        let v = r[Int(p.pointee.rn)]
        let d = Int(p.pointee.rd)
        switch p.pointee.code {
        case .rbit64: r[d] = reverseBits(v)
        case .rbit32: r[d] = reverseBits(v) >> 32
        case .rev16_64: r[d] = ((v & 0x00FF_00FF_00FF_00FF) << 8) | ((v >> 8) & 0x00FF_00FF_00FF_00FF)
        case .rev16_32: r[d] = (((v & 0x00FF_00FF) << 8) | ((v >> 8) & 0x00FF_00FF)) & 0xFFFF_FFFF
        case .rev32_64:
            let s = v.byteSwapped
            r[d] = (s << 32) | (s >> 32)
        case .rev64: r[d] = v.byteSwapped
        case .rev32: r[d] = UInt64(UInt32(truncatingIfNeeded: v).byteSwapped)
        case .clz64: r[d] = UInt64(v.leadingZeroBitCount)
        case .clz32: r[d] = UInt64(UInt32(truncatingIfNeeded: v).leadingZeroBitCount)
        case .cls64: r[d] = UInt64(((v ^ (v << 1)) | 1).leadingZeroBitCount)
        case .cls32:
            let x = UInt32(truncatingIfNeeded: v)
            r[d] = UInt64(((x ^ (x << 1)) | 1).leadingZeroBitCount)
        default: // crc32
            var crc = UInt32(truncatingIfNeeded: v)
            var data = r[Int(p.pointee.rm)]
            let poly: UInt32 = p.pointee.s2 == 1 ? 0x82F6_3B78 : 0xEDB8_8320
            for _ in 0..<(1 << Int(p.pointee.s1)) {
                crc ^= UInt32(truncatingIfNeeded: data & 0xFF)
                data >>= 8
                for _ in 0..<8 { crc = (crc >> 1) ^ ((crc & 1) != 0 ? poly : 0) }
            }
            r[d] = UInt64(crc)
        }
    }

    @inline(__always)
    static func conditionalSelect(_ r: UnsafeMutablePointer<UInt64>, _ p: UnsafeMutablePointer<Op>) {
        let holds = condHolds(r, p.pointee.s1)
        let a = r[Int(p.pointee.rn)], b = r[Int(p.pointee.rm)]
        var v: UInt64
        switch p.pointee.code {
        case .csel64, .csel32: v = holds ? a : b
        case .csinc64, .csinc32: v = holds ? a : b &+ 1
        case .csinv64, .csinv32: v = holds ? a : ~b
        default: v = holds ? a : 0 &- b
        }
        switch p.pointee.code {
        case .csel32, .csinc32, .csinv32, .csneg32: v &= 0xFFFF_FFFF
        default: break
        }
        r[Int(p.pointee.rd)] = v
    }

    @inline(never)
    static func conditionalCompare(_ r: UnsafeMutablePointer<UInt64>, _ p: UnsafeMutablePointer<Op>) {
        guard condHolds(r, p.pointee.s1) else {
            setNZCV(r, UInt64(p.pointee.s2) << 28)
            return
        }
        let a = r[Int(p.pointee.rn)]
        switch p.pointee.code {
        case .ccmp64: setFlags(r, FlagKind.sub64, a, r[Int(p.pointee.rm)])
        case .ccmp32: setFlags(r, FlagKind.sub32, a, r[Int(p.pointee.rm)])
        case .ccmn64: setFlags(r, FlagKind.add64, a, r[Int(p.pointee.rm)])
        case .ccmn32: setFlags(r, FlagKind.add32, a, r[Int(p.pointee.rm)])
        case .ccmpImm64: setFlags(r, FlagKind.sub64, a, p.pointee.imm)
        case .ccmpImm32: setFlags(r, FlagKind.sub32, a, p.pointee.imm)
        case .ccmnImm64: setFlags(r, FlagKind.add64, a, p.pointee.imm)
        default: setFlags(r, FlagKind.add32, a, p.pointee.imm)
        }
    }
}

@inline(__always) func reverseBits(_ x: UInt64) -> UInt64 {
    var v = x
    v = ((v >> 1) & 0x5555_5555_5555_5555) | ((v & 0x5555_5555_5555_5555) << 1)
    v = ((v >> 2) & 0x3333_3333_3333_3333) | ((v & 0x3333_3333_3333_3333) << 2)
    v = ((v >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((v & 0x0F0F_0F0F_0F0F_0F0F) << 4)
    return v.byteSwapped
}

import GuestMemory

/// Runs guest code from `cpu.pc` until something needs the Linux layer.
///
/// The core is a `switch` over pre-decoded ops in the block cache. Blocks
/// are chained: a branch op remembers the arena index of its successor, so
/// most transitions skip the lookup. Between blocks the executor checks
/// `Slot.attention`, which code invalidation and the Linux layer set.
public final class Executor {
    public let cpu: CPU
    public let mem: AddressSpace
    let cache = BlockCache()

    /// Attention bits in `Slot.attention`.
    public static let attentionFlush: UInt64 = 1
    public static let attentionStop: UInt64 = 2

    public init(cpu: CPU, mem: AddressSpace) {
        self.cpu = cpu
        self.mem = mem
        let r = cpu.r
        mem.codeWriteHook = { _ in r[Slot.attention] |= Executor.attentionFlush }
    }

    /// Drops every translated block (after exec or a code change).
    public func invalidateAll() {
        cache.flush()
    }

    /// Asks a running executor to return `.attention` at the next block boundary.
    public func requestStop() {
        cpu.r[Slot.attention] |= Executor.attentionStop
    }

    /// Executes blocks until a syscall, fault, undefined instruction,
    /// breakpoint or attention request.
    public func run() -> ExitReason {
        let r = cpu.r
        let m = MemView(mem)
        let cache = self.cache
        var pc = r[Slot.pc]
        // The op whose link should point at the block we enter next.
        var linkOwner: UnsafeMutablePointer<Op>? = nil
        var linkWhich = 0

        outer: while true {
            let attention = r[Slot.attention]
            if attention != 0 {
                if attention & Executor.attentionFlush != 0 {
                    cache.flush()
                    linkOwner = nil
                    r[Slot.attention] &= ~Executor.attentionFlush
                }
                if r[Slot.attention] & Executor.attentionStop != 0 {
                    r[Slot.attention] &= ~Executor.attentionStop
                    r[Slot.pc] = pc
                    return .attention
                }
            }
            var index = cache.lookup(pc)
            if index < 0 {
                let gen = cache.generation
                index = cache.translate(pc, mem: mem)
                if index < 0 {
                    r[Slot.pc] = pc
                    return .fault(addr: pc, write: false)
                }
                if gen != cache.generation { linkOwner = nil }
            }
            if let owner = linkOwner {
                switch linkWhich {
                case 0: owner.pointee.link0 = index
                case 1: owner.pointee.link1 = index
                default:
                    owner.pointee.imm2 = pc
                    owner.pointee.link0 = index
                }
                linkOwner = nil
            }
            let ops = cache.ops
            var op = ops + Int(index)
            var blockPC = pc

            // Successor chosen by a block-ending op.
            var target: UInt64 = 0
            var which = 0

            var p = op
            chain: while true {
            inner: while true {
                p = op
                op = p + 1
                switch p.pointee.code {
                // MARK: Moves
                case .movImm:
                    r[Int(p.pointee.rd)] = p.pointee.imm
                case .movk64:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] & ~p.pointee.imm2) | p.pointee.imm
                case .movk32:
                    r[Int(p.pointee.rd)] = ((r[Int(p.pointee.rn)] & ~p.pointee.imm2) | p.pointee.imm) & 0xFFFF_FFFF
                case .movReg64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)]
                case .movReg32:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] & 0xFFFF_FFFF

                // MARK: Add/subtract immediate
                case .addImm64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] &+ p.pointee.imm
                case .addImm32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] &+ p.pointee.imm) & 0xFFFF_FFFF
                case .subImm64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] &- p.pointee.imm
                case .subImm32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] &- p.pointee.imm) & 0xFFFF_FFFF
                case .addsImm64:
                    let a = r[Int(p.pointee.rn)], b = p.pointee.imm
                    setFlags(r, FlagKind.add64, a, b)
                    r[Int(p.pointee.rd)] = a &+ b
                case .addsImm32:
                    let a = r[Int(p.pointee.rn)], b = p.pointee.imm
                    setFlags(r, FlagKind.add32, a, b)
                    r[Int(p.pointee.rd)] = (a &+ b) & 0xFFFF_FFFF
                case .subsImm64:
                    let a = r[Int(p.pointee.rn)], b = p.pointee.imm
                    setFlags(r, FlagKind.sub64, a, b)
                    r[Int(p.pointee.rd)] = a &- b
                case .subsImm32:
                    let a = r[Int(p.pointee.rn)], b = p.pointee.imm
                    setFlags(r, FlagKind.sub32, a, b)
                    r[Int(p.pointee.rd)] = (a &- b) & 0xFFFF_FFFF

                // MARK: Add/subtract register
                case .addReg64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] &+ r[Int(p.pointee.rm)]
                case .addReg32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] &+ r[Int(p.pointee.rm)]) & 0xFFFF_FFFF
                case .subReg64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] &- r[Int(p.pointee.rm)]
                case .subReg32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] &- r[Int(p.pointee.rm)]) & 0xFFFF_FFFF
                case .addsReg64:
                    let a = r[Int(p.pointee.rn)], b = r[Int(p.pointee.rm)]
                    setFlags(r, FlagKind.add64, a, b)
                    r[Int(p.pointee.rd)] = a &+ b
                case .addsReg32:
                    let a = r[Int(p.pointee.rn)], b = r[Int(p.pointee.rm)]
                    setFlags(r, FlagKind.add32, a, b)
                    r[Int(p.pointee.rd)] = (a &+ b) & 0xFFFF_FFFF
                case .subsReg64:
                    let a = r[Int(p.pointee.rn)], b = r[Int(p.pointee.rm)]
                    setFlags(r, FlagKind.sub64, a, b)
                    r[Int(p.pointee.rd)] = a &- b
                case .subsReg32:
                    let a = r[Int(p.pointee.rn)], b = r[Int(p.pointee.rm)]
                    setFlags(r, FlagKind.sub32, a, b)
                    r[Int(p.pointee.rd)] = (a &- b) & 0xFFFF_FFFF
                case .addShift64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] &+ shift64(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)
                case .addShift32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] &+ shift32(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)) & 0xFFFF_FFFF
                case .subShift64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] &- shift64(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)
                case .subShift32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] &- shift32(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)) & 0xFFFF_FFFF
                case .addsShift64:
                    let a = r[Int(p.pointee.rn)], b = shift64(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)
                    setFlags(r, FlagKind.add64, a, b)
                    r[Int(p.pointee.rd)] = a &+ b
                case .addsShift32:
                    let a = r[Int(p.pointee.rn)], b = shift32(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)
                    setFlags(r, FlagKind.add32, a, b)
                    r[Int(p.pointee.rd)] = (a &+ b) & 0xFFFF_FFFF
                case .subsShift64:
                    let a = r[Int(p.pointee.rn)], b = shift64(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)
                    setFlags(r, FlagKind.sub64, a, b)
                    r[Int(p.pointee.rd)] = a &- b
                case .subsShift32:
                    let a = r[Int(p.pointee.rn)], b = shift32(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)
                    setFlags(r, FlagKind.sub32, a, b)
                    r[Int(p.pointee.rd)] = (a &- b) & 0xFFFF_FFFF
                case .addExt64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] &+ extend(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)
                case .addExt32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] &+ extend(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)) & 0xFFFF_FFFF
                case .subExt64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] &- extend(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)
                case .subExt32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] &- extend(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)) & 0xFFFF_FFFF
                case .addsExt64:
                    let a = r[Int(p.pointee.rn)], b = extend(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)
                    setFlags(r, FlagKind.add64, a, b)
                    r[Int(p.pointee.rd)] = a &+ b
                case .addsExt32:
                    let a = r[Int(p.pointee.rn)], b = extend(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)
                    setFlags(r, FlagKind.add32, a, b)
                    r[Int(p.pointee.rd)] = (a &+ b) & 0xFFFF_FFFF
                case .subsExt64:
                    let a = r[Int(p.pointee.rn)], b = extend(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)
                    setFlags(r, FlagKind.sub64, a, b)
                    r[Int(p.pointee.rd)] = a &- b
                case .subsExt32:
                    let a = r[Int(p.pointee.rn)], b = extend(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2)
                    setFlags(r, FlagKind.sub32, a, b)
                    r[Int(p.pointee.rd)] = (a &- b) & 0xFFFF_FFFF
                case .adc64, .adc32, .sbc64, .sbc32, .adcs64, .adcs32, .sbcs64, .sbcs32:
                    addWithCarry(r, p)

                // MARK: Logical
                case .andImm64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] & p.pointee.imm
                case .andImm32:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] & p.pointee.imm
                case .orrImm64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] | p.pointee.imm
                case .orrImm32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] | p.pointee.imm) & 0xFFFF_FFFF
                case .eorImm64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] ^ p.pointee.imm
                case .eorImm32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] ^ p.pointee.imm) & 0xFFFF_FFFF
                case .andsImm64:
                    let v = r[Int(p.pointee.rn)] & p.pointee.imm
                    setFlags(r, FlagKind.logic64, v, 0)
                    r[Int(p.pointee.rd)] = v
                case .andsImm32:
                    let v = r[Int(p.pointee.rn)] & p.pointee.imm
                    setFlags(r, FlagKind.logic32, v, 0)
                    r[Int(p.pointee.rd)] = v
                case .andReg64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] & (shift64(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2) ^ p.pointee.imm2)
                case .andReg32:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] & (shift32(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2) ^ p.pointee.imm2) & 0xFFFF_FFFF
                case .orrReg64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] | (shift64(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2) ^ p.pointee.imm2)
                case .orrReg32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] | (shift32(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2) ^ p.pointee.imm2)) & 0xFFFF_FFFF
                case .eorReg64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] ^ (shift64(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2) ^ p.pointee.imm2)
                case .eorReg32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] ^ (shift32(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2) ^ p.pointee.imm2)) & 0xFFFF_FFFF
                case .andsReg64:
                    let v = r[Int(p.pointee.rn)] & (shift64(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2) ^ p.pointee.imm2)
                    setFlags(r, FlagKind.logic64, v, 0)
                    r[Int(p.pointee.rd)] = v
                case .andsReg32:
                    let v = r[Int(p.pointee.rn)] & (shift32(r[Int(p.pointee.rm)], p.pointee.s1, p.pointee.s2) ^ p.pointee.imm2) & 0xFFFF_FFFF
                    setFlags(r, FlagKind.logic32, v, 0)
                    r[Int(p.pointee.rd)] = v

                // MARK: Bitfield and shifts
                case .lslImm64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] &<< UInt64(p.pointee.s1)
                case .lsrImm64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] &>> UInt64(p.pointee.s1)
                case .asrImm64:
                    r[Int(p.pointee.rd)] = UInt64(bitPattern: Int64(bitPattern: r[Int(p.pointee.rn)]) &>> Int64(p.pointee.s1))
                case .lslImm32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] &<< UInt64(p.pointee.s1)) & 0xFFFF_FFFF
                case .lsrImm32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] & 0xFFFF_FFFF) &>> UInt64(p.pointee.s1)
                case .asrImm32:
                    r[Int(p.pointee.rd)] = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: r[Int(p.pointee.rn)]) &>> Int32(p.pointee.s1)))
                case .ubfm64, .ubfm32, .sbfm64, .sbfm32, .bfm64, .bfm32:
                    bitfieldMove(r, p)
                case .extr64:
                    let lsb = UInt64(p.pointee.s1), lo = r[Int(p.pointee.rm)], hi = r[Int(p.pointee.rn)]
                    r[Int(p.pointee.rd)] = lsb == 0 ? lo : (lo &>> lsb) | (hi &<< (64 - lsb))
                case .extr32:
                    let lsb = UInt64(p.pointee.s1)
                    let v = ((r[Int(p.pointee.rn)] & 0xFFFF_FFFF) << 32) | (r[Int(p.pointee.rm)] & 0xFFFF_FFFF)
                    r[Int(p.pointee.rd)] = (v &>> lsb) & 0xFFFF_FFFF
                case .lslv64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] &<< (r[Int(p.pointee.rm)] & 63)
                case .lslv32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] &<< (r[Int(p.pointee.rm)] & 31)) & 0xFFFF_FFFF
                case .lsrv64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] &>> (r[Int(p.pointee.rm)] & 63)
                case .lsrv32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] & 0xFFFF_FFFF) &>> (r[Int(p.pointee.rm)] & 31)
                case .asrv64:
                    r[Int(p.pointee.rd)] = UInt64(bitPattern: Int64(bitPattern: r[Int(p.pointee.rn)]) &>> Int64(r[Int(p.pointee.rm)] & 63))
                case .asrv32:
                    r[Int(p.pointee.rd)] = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: r[Int(p.pointee.rn)]) &>> Int32(r[Int(p.pointee.rm)] & 31)))
                case .rorv64:
                    r[Int(p.pointee.rd)] = shift64(r[Int(p.pointee.rn)], 3, UInt8(r[Int(p.pointee.rm)] & 63))
                case .rorv32:
                    r[Int(p.pointee.rd)] = shift32(r[Int(p.pointee.rn)], 3, UInt8(r[Int(p.pointee.rm)] & 31))

                // MARK: Multiply and divide
                case .madd64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.ra)] &+ r[Int(p.pointee.rn)] &* r[Int(p.pointee.rm)]
                case .madd32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.ra)] &+ r[Int(p.pointee.rn)] &* r[Int(p.pointee.rm)]) & 0xFFFF_FFFF
                case .msub64:
                    r[Int(p.pointee.rd)] = r[Int(p.pointee.ra)] &- r[Int(p.pointee.rn)] &* r[Int(p.pointee.rm)]
                case .msub32:
                    r[Int(p.pointee.rd)] = (r[Int(p.pointee.ra)] &- r[Int(p.pointee.rn)] &* r[Int(p.pointee.rm)]) & 0xFFFF_FFFF
                case .smaddl, .smsubl, .umaddl, .umsubl, .smulh, .umulh,
                     .udiv64, .udiv32, .sdiv64, .sdiv32:
                    multiplyDivide(r, p)

                // MARK: One source, CRC
                case .rbit64, .rbit32, .rev16_64, .rev16_32, .rev32_64, .rev64, .rev32,
                     .clz64, .clz32, .cls64, .cls32, .crc32:
                    oneSource(r, p)

                // MARK: Conditional
                case .csel64, .csel32, .csinc64, .csinc32, .csinv64, .csinv32, .csneg64, .csneg32:
                    conditionalSelect(r, p)
                case .ccmp64, .ccmp32, .ccmn64, .ccmn32, .ccmpImm64, .ccmpImm32, .ccmnImm64, .ccmnImm32:
                    conditionalCompare(r, p)

                // MARK: Hot loads and stores
                case .ldrX:
                    let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
                    guard m.readable(a, 8) else { return fault(r, blockPC, p, a, false) }
                    r[Int(p.pointee.rd)] = m.host(a).loadUnaligned(as: UInt64.self)
                case .ldrW:
                    let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
                    guard m.readable(a, 4) else { return fault(r, blockPC, p, a, false) }
                    r[Int(p.pointee.rd)] = UInt64(m.host(a).loadUnaligned(as: UInt32.self))
                case .ldrH:
                    let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
                    guard m.readable(a, 2) else { return fault(r, blockPC, p, a, false) }
                    r[Int(p.pointee.rd)] = UInt64(m.host(a).loadUnaligned(as: UInt16.self))
                case .ldrB:
                    let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
                    guard m.readable(a, 1) else { return fault(r, blockPC, p, a, false) }
                    r[Int(p.pointee.rd)] = UInt64(m.host(a).load(as: UInt8.self))
                case .ldrSW:
                    let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
                    guard m.readable(a, 4) else { return fault(r, blockPC, p, a, false) }
                    r[Int(p.pointee.rd)] = UInt64(bitPattern: Int64(m.host(a).loadUnaligned(as: Int32.self)))
                case .strX:
                    let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
                    guard m.writable(a, 8) else { return fault(r, blockPC, p, a, true) }
                    m.host(a).storeBytes(of: r[Int(p.pointee.rd)], as: UInt64.self)
                case .strW:
                    let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
                    guard m.writable(a, 4) else { return fault(r, blockPC, p, a, true) }
                    m.host(a).storeBytes(of: UInt32(truncatingIfNeeded: r[Int(p.pointee.rd)]), as: UInt32.self)
                case .strH:
                    let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
                    guard m.writable(a, 2) else { return fault(r, blockPC, p, a, true) }
                    m.host(a).storeBytes(of: UInt16(truncatingIfNeeded: r[Int(p.pointee.rd)]), as: UInt16.self)
                case .strB:
                    let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
                    guard m.writable(a, 1) else { return fault(r, blockPC, p, a, true) }
                    m.host(a).storeBytes(of: UInt8(truncatingIfNeeded: r[Int(p.pointee.rd)]), as: UInt8.self)
                case .ldrXReg:
                    let a = r[Int(p.pointee.rn)] &+ (r[Int(p.pointee.rm)] &<< UInt64(p.pointee.s2))
                    guard m.readable(a, 8) else { return fault(r, blockPC, p, a, false) }
                    r[Int(p.pointee.rd)] = m.host(a).loadUnaligned(as: UInt64.self)
                case .ldrWReg:
                    let a = r[Int(p.pointee.rn)] &+ (r[Int(p.pointee.rm)] &<< UInt64(p.pointee.s2))
                    guard m.readable(a, 4) else { return fault(r, blockPC, p, a, false) }
                    r[Int(p.pointee.rd)] = UInt64(m.host(a).loadUnaligned(as: UInt32.self))
                case .strXReg:
                    let a = r[Int(p.pointee.rn)] &+ (r[Int(p.pointee.rm)] &<< UInt64(p.pointee.s2))
                    guard m.writable(a, 8) else { return fault(r, blockPC, p, a, true) }
                    m.host(a).storeBytes(of: r[Int(p.pointee.rd)], as: UInt64.self)
                case .strWReg:
                    let a = r[Int(p.pointee.rn)] &+ (r[Int(p.pointee.rm)] &<< UInt64(p.pointee.s2))
                    guard m.writable(a, 4) else { return fault(r, blockPC, p, a, true) }
                    m.host(a).storeBytes(of: UInt32(truncatingIfNeeded: r[Int(p.pointee.rd)]), as: UInt32.self)
                case .ldpX, .ldpXPre, .ldpXPost:
                    let base = r[Int(p.pointee.rn)]
                    let a = p.pointee.code == .ldpXPost ? base : base &+ p.pointee.imm
                    guard m.readable(a, 16) else { return fault(r, blockPC, p, a, false) }
                    let v1 = m.host(a).loadUnaligned(as: UInt64.self)
                    let v2 = m.host(a &+ 8).loadUnaligned(as: UInt64.self)
                    if p.pointee.code != .ldpX { r[Int(p.pointee.rn)] = base &+ p.pointee.imm }
                    r[Int(p.pointee.rd)] = v1
                    r[Int(p.pointee.rm)] = v2
                case .stpX, .stpXPre, .stpXPost:
                    let base = r[Int(p.pointee.rn)]
                    let a = p.pointee.code == .stpXPost ? base : base &+ p.pointee.imm
                    guard m.writable(a, 16) else { return fault(r, blockPC, p, a, true) }
                    m.host(a).storeBytes(of: r[Int(p.pointee.rd)], as: UInt64.self)
                    m.host(a &+ 8).storeBytes(of: r[Int(p.pointee.rm)], as: UInt64.self)
                    if p.pointee.code != .stpX { r[Int(p.pointee.rn)] = base &+ p.pointee.imm }

                // MARK: Generic memory ops
                case .ldst:
                    let a = loadStore(r, m, p)
                    if a != 0 { return fault(r, blockPC, p, a &- 1, isStore(p)) }
                case .ldstPair:
                    let a = loadStorePair(r, m, p)
                    if a != 0 { return fault(r, blockPC, p, a &- 1, isStore(p)) }
                case .ldxr, .stxr, .ldaxp, .stxp, .atomic, .cas, .casp, .dczva:
                    let a = atomicOp(r, m, p)
                    if a != 0 { return fault(r, blockPC, p, a &- 1, p.pointee.code != .ldxr && p.pointee.code != .ldaxp) }
                case .clrex:
                    r[Slot.exclAddr] = ~0
                case .ldar, .stlr, .prfm, .nop:
                    break

                // MARK: System
                case .mrs:
                    if !readSystemRegister(r, p) {
                        r[Slot.pc] = blockPC &+ UInt64(p.pointee.idx) &* 4
                        return .undefined(insn: p.pointee.insn)
                    }
                case .msr:
                    if !writeSystemRegister(r, p) {
                        r[Slot.pc] = blockPC &+ UInt64(p.pointee.idx) &* 4
                        return .undefined(insn: p.pointee.insn)
                    }
                    target = blockPC &+ UInt64(p.pointee.idx) &* 4 &+ 4
                    r[Slot.icount] &+= UInt64(p.pointee.idx) &+ 1
                    pc = target
                    continue outer
                case .msrImm:
                    r[Slot.pc] = blockPC &+ UInt64(p.pointee.idx) &* 4
                    return .undefined(insn: p.pointee.insn)
                case .fpsimd:
                    let here = blockPC &+ UInt64(p.pointee.idx) &* 4
                    switch executeFPSIMD(r, mem, p.pointee.insn, pc: here) {
                    case .ok: break
                    case .undefined:
                        r[Slot.pc] = here
                        return .undefined(insn: p.pointee.insn)
                    case .fault(let addr, let write):
                        r[Slot.pc] = here
                        return .fault(addr: addr, write: write)
                    }

                // MARK: Block ends
                case .undefined:
                    r[Slot.icount] &+= UInt64(p.pointee.idx)
                    r[Slot.pc] = blockPC &+ UInt64(p.pointee.idx) &* 4
                    return .undefined(insn: p.pointee.insn)
                case .svc:
                    r[Slot.icount] &+= UInt64(p.pointee.idx) &+ 1
                    r[Slot.pc] = p.pointee.imm2
                    return .syscall
                case .brk:
                    r[Slot.icount] &+= UInt64(p.pointee.idx)
                    r[Slot.pc] = blockPC &+ UInt64(p.pointee.idx) &* 4
                    return .breakpoint(imm: UInt16(truncatingIfNeeded: p.pointee.imm))
                case .jump, .b:
                    target = p.pointee.imm; which = 0
                    break inner
                case .bl:
                    r[30] = p.pointee.imm2
                    target = p.pointee.imm; which = 0
                    break inner
                case .bcond:
                    if condHolds(r, p.pointee.s1) { target = p.pointee.imm; which = 0 } else { target = p.pointee.imm2; which = 1 }
                    break inner
                case .cmpImmBcc64:
                    let a = r[Int(p.pointee.rn)], b = UInt64(p.pointee.insn)
                    setFlags(r, FlagKind.sub64, a, b)
                    if compare64(a, b, p.pointee.s1, r) { target = p.pointee.imm; which = 0 } else { target = p.pointee.imm2; which = 1 }
                    break inner
                case .cmpImmBcc32:
                    let a = r[Int(p.pointee.rn)], b = UInt64(p.pointee.insn)
                    setFlags(r, FlagKind.sub32, a, b)
                    if compare32(a, b, p.pointee.s1, r) { target = p.pointee.imm; which = 0 } else { target = p.pointee.imm2; which = 1 }
                    break inner
                case .cmpRegBcc64:
                    let a = r[Int(p.pointee.rn)], b = r[Int(p.pointee.rm)]
                    setFlags(r, FlagKind.sub64, a, b)
                    if compare64(a, b, p.pointee.s1, r) { target = p.pointee.imm; which = 0 } else { target = p.pointee.imm2; which = 1 }
                    break inner
                case .cmpRegBcc32:
                    let a = r[Int(p.pointee.rn)], b = r[Int(p.pointee.rm)]
                    setFlags(r, FlagKind.sub32, a, b)
                    if compare32(a, b, p.pointee.s1, r) { target = p.pointee.imm; which = 0 } else { target = p.pointee.imm2; which = 1 }
                    break inner
                case .cbz64:
                    if r[Int(p.pointee.rn)] == 0 { target = p.pointee.imm; which = 0 } else { target = p.pointee.imm2; which = 1 }
                    break inner
                case .cbz32:
                    if r[Int(p.pointee.rn)] & 0xFFFF_FFFF == 0 { target = p.pointee.imm; which = 0 } else { target = p.pointee.imm2; which = 1 }
                    break inner
                case .cbnz64:
                    if r[Int(p.pointee.rn)] != 0 { target = p.pointee.imm; which = 0 } else { target = p.pointee.imm2; which = 1 }
                    break inner
                case .cbnz32:
                    if r[Int(p.pointee.rn)] & 0xFFFF_FFFF != 0 { target = p.pointee.imm; which = 0 } else { target = p.pointee.imm2; which = 1 }
                    break inner
                case .tbz:
                    if (r[Int(p.pointee.rn)] >> UInt64(p.pointee.s1)) & 1 == 0 { target = p.pointee.imm; which = 0 } else { target = p.pointee.imm2; which = 1 }
                    break inner
                case .tbnz:
                    if (r[Int(p.pointee.rn)] >> UInt64(p.pointee.s1)) & 1 != 0 { target = p.pointee.imm; which = 0 } else { target = p.pointee.imm2; which = 1 }
                    break inner
                case .br, .ret:
                    target = r[Int(p.pointee.rn)]; which = 2
                    break inner
                case .blr:
                    target = r[Int(p.pointee.rn)]; which = 2
                    r[30] = p.pointee.imm
                    break inner
                }
            }

            // A block-ending branch: follow its chain link when it has one.
            r[Slot.icount] &+= UInt64(p.pointee.idx) &+ 1
            let link: Int32
            switch which {
            case 0: link = p.pointee.link0
            case 1: link = p.pointee.link1
            default: link = p.pointee.imm2 == target ? p.pointee.link0 : -1
            }
            if link >= 0 && r[Slot.attention] == 0 {
                op = ops + Int(link)
                blockPC = target
                continue chain
            }
            pc = target
            if link < 0 {
                linkOwner = p
                linkWhich = which
            }
            continue outer
            }
        }
    }
}

import GuestMemory

/// Results of one op's semantics (`Sem.step`).
enum Flow {
    /// Continue with the next op of the block.
    static let next = 0
    /// Leave the executor with `ExecState.exit`.
    static let exit = 1
    /// The block ends at the op's branch target (`imm`), through link0.
    static let taken = 2
    /// The block ends at the op's fall-through (`imm2`), through link1.
    static let fallThrough = 3
    /// The block ends at `ExecState.target`, through the inline cache
    /// (`imm2` = last target, link0 = its block).
    static let indirect = 4
    /// The block ends at `ExecState.target`, without a link.
    static let jump = 5
}

/// The semantics of every op, written once. Both cores use `step`: the
/// switch core with the op's code read at run time, the threaded handlers
/// with a constant code, so each handler keeps only its own case.
enum Sem {
    /// Shift type of a shifted-register op: its offset in its group of four.
    @inline(__always)
    static func shiftKind(_ code: OpCode, _ first: OpCode) -> UInt8 {
        UInt8(truncatingIfNeeded: code.rawValue &- first.rawValue)
    }

    @inline(__always)
    static func step(_ p: UnsafeMutablePointer<Op>, _ r: UnsafeMutablePointer<UInt64>,
                     _ s: UnsafeMutablePointer<ExecState>, _ code: OpCode) -> Int {
        switch code {
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
        case .addShift64, .addShift64Lsr, .addShift64Asr, .addShift64Ror:
            r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] &+ shift64(r[Int(p.pointee.rm)], Sem.shiftKind(code, .addShift64), p.pointee.s2)
        case .addShift32, .addShift32Lsr, .addShift32Asr, .addShift32Ror:
            r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] &+ shift32(r[Int(p.pointee.rm)], Sem.shiftKind(code, .addShift32), p.pointee.s2)) & 0xFFFF_FFFF
        case .subShift64, .subShift64Lsr, .subShift64Asr, .subShift64Ror:
            r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] &- shift64(r[Int(p.pointee.rm)], Sem.shiftKind(code, .subShift64), p.pointee.s2)
        case .subShift32, .subShift32Lsr, .subShift32Asr, .subShift32Ror:
            r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] &- shift32(r[Int(p.pointee.rm)], Sem.shiftKind(code, .subShift32), p.pointee.s2)) & 0xFFFF_FFFF
        case .addsShift64, .addsShift64Lsr, .addsShift64Asr, .addsShift64Ror:
            let a = r[Int(p.pointee.rn)], b = shift64(r[Int(p.pointee.rm)], Sem.shiftKind(code, .addsShift64), p.pointee.s2)
            setFlags(r, FlagKind.add64, a, b)
            r[Int(p.pointee.rd)] = a &+ b
        case .addsShift32, .addsShift32Lsr, .addsShift32Asr, .addsShift32Ror:
            let a = r[Int(p.pointee.rn)], b = shift32(r[Int(p.pointee.rm)], Sem.shiftKind(code, .addsShift32), p.pointee.s2)
            setFlags(r, FlagKind.add32, a, b)
            r[Int(p.pointee.rd)] = (a &+ b) & 0xFFFF_FFFF
        case .subsShift64, .subsShift64Lsr, .subsShift64Asr, .subsShift64Ror:
            let a = r[Int(p.pointee.rn)], b = shift64(r[Int(p.pointee.rm)], Sem.shiftKind(code, .subsShift64), p.pointee.s2)
            setFlags(r, FlagKind.sub64, a, b)
            r[Int(p.pointee.rd)] = a &- b
        case .subsShift32, .subsShift32Lsr, .subsShift32Asr, .subsShift32Ror:
            let a = r[Int(p.pointee.rn)], b = shift32(r[Int(p.pointee.rm)], Sem.shiftKind(code, .subsShift32), p.pointee.s2)
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
            Sem.addWithCarry(r, p)

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
        case .andReg64, .andReg64Lsr, .andReg64Asr, .andReg64Ror:
            r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] & (shift64(r[Int(p.pointee.rm)], Sem.shiftKind(code, .andReg64), p.pointee.s2) ^ p.pointee.imm2)
        case .andReg32, .andReg32Lsr, .andReg32Asr, .andReg32Ror:
            r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] & (shift32(r[Int(p.pointee.rm)], Sem.shiftKind(code, .andReg32), p.pointee.s2) ^ p.pointee.imm2) & 0xFFFF_FFFF
        case .orrReg64, .orrReg64Lsr, .orrReg64Asr, .orrReg64Ror:
            r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] | (shift64(r[Int(p.pointee.rm)], Sem.shiftKind(code, .orrReg64), p.pointee.s2) ^ p.pointee.imm2)
        case .orrReg32, .orrReg32Lsr, .orrReg32Asr, .orrReg32Ror:
            r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] | (shift32(r[Int(p.pointee.rm)], Sem.shiftKind(code, .orrReg32), p.pointee.s2) ^ p.pointee.imm2)) & 0xFFFF_FFFF
        case .eorReg64, .eorReg64Lsr, .eorReg64Asr, .eorReg64Ror:
            r[Int(p.pointee.rd)] = r[Int(p.pointee.rn)] ^ (shift64(r[Int(p.pointee.rm)], Sem.shiftKind(code, .eorReg64), p.pointee.s2) ^ p.pointee.imm2)
        case .eorReg32, .eorReg32Lsr, .eorReg32Asr, .eorReg32Ror:
            r[Int(p.pointee.rd)] = (r[Int(p.pointee.rn)] ^ (shift32(r[Int(p.pointee.rm)], Sem.shiftKind(code, .eorReg32), p.pointee.s2) ^ p.pointee.imm2)) & 0xFFFF_FFFF
        case .andsReg64, .andsReg64Lsr, .andsReg64Asr, .andsReg64Ror:
            let v = r[Int(p.pointee.rn)] & (shift64(r[Int(p.pointee.rm)], Sem.shiftKind(code, .andsReg64), p.pointee.s2) ^ p.pointee.imm2)
            setFlags(r, FlagKind.logic64, v, 0)
            r[Int(p.pointee.rd)] = v
        case .andsReg32, .andsReg32Lsr, .andsReg32Asr, .andsReg32Ror:
            let v = r[Int(p.pointee.rn)] & (shift32(r[Int(p.pointee.rm)], Sem.shiftKind(code, .andsReg32), p.pointee.s2) ^ p.pointee.imm2) & 0xFFFF_FFFF
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
            Sem.bitfieldMove(r, p)
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
            Sem.multiplyDivide(r, p)

        // MARK: One source, CRC
        case .rbit64, .rbit32, .rev16_64, .rev16_32, .rev32_64, .rev64, .rev32,
             .clz64, .clz32, .cls64, .cls32, .crc32:
            Sem.oneSource(r, p)

        // MARK: Conditional
        case .csel64, .csel32, .csinc64, .csinc32, .csinv64, .csinv32, .csneg64, .csneg32:
            Sem.conditionalSelect(r, p)
        case .ccmp64, .ccmp32, .ccmn64, .ccmn32, .ccmpImm64, .ccmpImm32, .ccmnImm64, .ccmnImm32:
            Sem.conditionalCompare(r, p)

        // MARK: Hot loads and stores
        case .ldrX:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.readable(a, 8) else { return Sem.fault(r, s, p, a, false) }
            r[Int(p.pointee.rd)] = s.pointee.mem.host(a).loadUnaligned(as: UInt64.self)
        case .ldrW:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.readable(a, 4) else { return Sem.fault(r, s, p, a, false) }
            r[Int(p.pointee.rd)] = UInt64(s.pointee.mem.host(a).loadUnaligned(as: UInt32.self))
        case .ldrH:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.readable(a, 2) else { return Sem.fault(r, s, p, a, false) }
            r[Int(p.pointee.rd)] = UInt64(s.pointee.mem.host(a).loadUnaligned(as: UInt16.self))
        case .ldrB:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.readable(a, 1) else { return Sem.fault(r, s, p, a, false) }
            r[Int(p.pointee.rd)] = UInt64(s.pointee.mem.host(a).load(as: UInt8.self))
        case .ldrSW:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.readable(a, 4) else { return Sem.fault(r, s, p, a, false) }
            r[Int(p.pointee.rd)] = UInt64(bitPattern: Int64(s.pointee.mem.host(a).loadUnaligned(as: Int32.self)))
        case .strX:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.writable(a, 8) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: r[Int(p.pointee.rd)], as: UInt64.self)
        case .strW:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.writable(a, 4) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: UInt32(truncatingIfNeeded: r[Int(p.pointee.rd)]), as: UInt32.self)
        case .strH:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.writable(a, 2) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: UInt16(truncatingIfNeeded: r[Int(p.pointee.rd)]), as: UInt16.self)
        case .strB:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.writable(a, 1) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: UInt8(truncatingIfNeeded: r[Int(p.pointee.rd)]), as: UInt8.self)
        case .ldrXReg:
            let a = r[Int(p.pointee.rn)] &+ (r[Int(p.pointee.rm)] &<< UInt64(p.pointee.s2))
            guard s.pointee.mem.readable(a, 8) else { return Sem.fault(r, s, p, a, false) }
            r[Int(p.pointee.rd)] = s.pointee.mem.host(a).loadUnaligned(as: UInt64.self)
        case .ldrWReg:
            let a = r[Int(p.pointee.rn)] &+ (r[Int(p.pointee.rm)] &<< UInt64(p.pointee.s2))
            guard s.pointee.mem.readable(a, 4) else { return Sem.fault(r, s, p, a, false) }
            r[Int(p.pointee.rd)] = UInt64(s.pointee.mem.host(a).loadUnaligned(as: UInt32.self))
        case .strXReg:
            let a = r[Int(p.pointee.rn)] &+ (r[Int(p.pointee.rm)] &<< UInt64(p.pointee.s2))
            guard s.pointee.mem.writable(a, 8) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: r[Int(p.pointee.rd)], as: UInt64.self)
        case .strWReg:
            let a = r[Int(p.pointee.rn)] &+ (r[Int(p.pointee.rm)] &<< UInt64(p.pointee.s2))
            guard s.pointee.mem.writable(a, 4) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: UInt32(truncatingIfNeeded: r[Int(p.pointee.rd)]), as: UInt32.self)
        case .ldpX, .ldpXPre, .ldpXPost:
            let base = r[Int(p.pointee.rn)]
            let a = code == .ldpXPost ? base : base &+ p.pointee.imm
            guard s.pointee.mem.readable(a, 16) else { return Sem.fault(r, s, p, a, false) }
            let v1 = s.pointee.mem.host(a).loadUnaligned(as: UInt64.self)
            let v2 = s.pointee.mem.host(a &+ 8).loadUnaligned(as: UInt64.self)
            if code != .ldpX { r[Int(p.pointee.rn)] = base &+ p.pointee.imm }
            r[Int(p.pointee.rd)] = v1
            r[Int(p.pointee.rm)] = v2
        case .stpX, .stpXPre, .stpXPost:
            let base = r[Int(p.pointee.rn)]
            let a = code == .stpXPost ? base : base &+ p.pointee.imm
            guard s.pointee.mem.writable(a, 16) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: r[Int(p.pointee.rd)], as: UInt64.self)
            s.pointee.mem.host(a &+ 8).storeBytes(of: r[Int(p.pointee.rm)], as: UInt64.self)
            if code != .stpX { r[Int(p.pointee.rn)] = base &+ p.pointee.imm }

        case .ldrS:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.readable(a, 4) else { return Sem.fault(r, s, p, a, false) }
            r[Slot.v + 2 * Int(p.pointee.rd)] = UInt64(s.pointee.mem.host(a).loadUnaligned(as: UInt32.self))
            r[Slot.v + 2 * Int(p.pointee.rd) + 1] = 0
        case .ldrD:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.readable(a, 8) else { return Sem.fault(r, s, p, a, false) }
            r[Slot.v + 2 * Int(p.pointee.rd)] = s.pointee.mem.host(a).loadUnaligned(as: UInt64.self)
            r[Slot.v + 2 * Int(p.pointee.rd) + 1] = 0
        case .ldrQ:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.readable(a, 16) else { return Sem.fault(r, s, p, a, false) }
            r[Slot.v + 2 * Int(p.pointee.rd)] = s.pointee.mem.host(a).loadUnaligned(as: UInt64.self)
            r[Slot.v + 2 * Int(p.pointee.rd) + 1] = s.pointee.mem.host(a &+ 8).loadUnaligned(as: UInt64.self)
        case .strS:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.writable(a, 4) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: UInt32(truncatingIfNeeded: r[Slot.v + 2 * Int(p.pointee.rd)]), as: UInt32.self)
        case .strD:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.writable(a, 8) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: r[Slot.v + 2 * Int(p.pointee.rd)], as: UInt64.self)
        case .strQ:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.writable(a, 16) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: r[Slot.v + 2 * Int(p.pointee.rd)], as: UInt64.self)
            s.pointee.mem.host(a &+ 8).storeBytes(of: r[Slot.v + 2 * Int(p.pointee.rd) + 1], as: UInt64.self)
        case .ldpD:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.readable(a, 16) else { return Sem.fault(r, s, p, a, false) }
            r[Slot.v + 2 * Int(p.pointee.rd)] = s.pointee.mem.host(a).loadUnaligned(as: UInt64.self)
            r[Slot.v + 2 * Int(p.pointee.rd) + 1] = 0
            r[Slot.v + 2 * Int(p.pointee.rm)] = s.pointee.mem.host(a &+ 8).loadUnaligned(as: UInt64.self)
            r[Slot.v + 2 * Int(p.pointee.rm) + 1] = 0
        case .stpD:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.writable(a, 16) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: r[Slot.v + 2 * Int(p.pointee.rd)], as: UInt64.self)
            s.pointee.mem.host(a &+ 8).storeBytes(of: r[Slot.v + 2 * Int(p.pointee.rm)], as: UInt64.self)
        case .ldpQ:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.readable(a, 32) else { return Sem.fault(r, s, p, a, false) }
            let h = s.pointee.mem.host(a)
            let v0 = h.loadUnaligned(as: UInt64.self), v1 = h.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let v2 = h.loadUnaligned(fromByteOffset: 16, as: UInt64.self), v3 = h.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
            r[Slot.v + 2 * Int(p.pointee.rd)] = v0
            r[Slot.v + 2 * Int(p.pointee.rd) + 1] = v1
            r[Slot.v + 2 * Int(p.pointee.rm)] = v2
            r[Slot.v + 2 * Int(p.pointee.rm) + 1] = v3
        case .stpQ:
            let a = r[Int(p.pointee.rn)] &+ p.pointee.imm
            guard s.pointee.mem.writable(a, 32) else { return Sem.fault(r, s, p, a, true) }
            let h = s.pointee.mem.host(a)
            h.storeBytes(of: r[Slot.v + 2 * Int(p.pointee.rd)], as: UInt64.self)
            h.storeBytes(of: r[Slot.v + 2 * Int(p.pointee.rd) + 1], toByteOffset: 8, as: UInt64.self)
            h.storeBytes(of: r[Slot.v + 2 * Int(p.pointee.rm)], toByteOffset: 16, as: UInt64.self)
            h.storeBytes(of: r[Slot.v + 2 * Int(p.pointee.rm) + 1], toByteOffset: 24, as: UInt64.self)

        // MARK: Pre/post-index loads and stores
        // The address is base + imm (pre) or base (post); the base register
        // is written back only after the access succeeded, then the loaded
        // value, so a load into the base register keeps the loaded value.
        case .ldrXPost, .ldrXPre:
            let base = r[Int(p.pointee.rn)], wb = base &+ p.pointee.imm
            let a = code == .ldrXPre ? wb : base
            guard s.pointee.mem.readable(a, 8) else { return Sem.fault(r, s, p, a, false) }
            let v = s.pointee.mem.host(a).loadUnaligned(as: UInt64.self)
            r[Int(p.pointee.rn)] = wb
            r[Int(p.pointee.rd)] = v
        case .strXPost, .strXPre:
            let base = r[Int(p.pointee.rn)], wb = base &+ p.pointee.imm
            let a = code == .strXPre ? wb : base
            guard s.pointee.mem.writable(a, 8) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: r[Int(p.pointee.rd)], as: UInt64.self)
            r[Int(p.pointee.rn)] = wb
        case .ldrWPost:
            let a = r[Int(p.pointee.rn)]
            guard s.pointee.mem.readable(a, 4) else { return Sem.fault(r, s, p, a, false) }
            let v = UInt64(s.pointee.mem.host(a).loadUnaligned(as: UInt32.self))
            r[Int(p.pointee.rn)] = a &+ p.pointee.imm
            r[Int(p.pointee.rd)] = v
        case .strWPost:
            let a = r[Int(p.pointee.rn)]
            guard s.pointee.mem.writable(a, 4) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: UInt32(truncatingIfNeeded: r[Int(p.pointee.rd)]), as: UInt32.self)
            r[Int(p.pointee.rn)] = a &+ p.pointee.imm
        case .ldrBPost:
            let a = r[Int(p.pointee.rn)]
            guard s.pointee.mem.readable(a, 1) else { return Sem.fault(r, s, p, a, false) }
            let v = UInt64(s.pointee.mem.host(a).load(as: UInt8.self))
            r[Int(p.pointee.rn)] = a &+ p.pointee.imm
            r[Int(p.pointee.rd)] = v
        case .strBPost:
            let a = r[Int(p.pointee.rn)]
            guard s.pointee.mem.writable(a, 1) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: UInt8(truncatingIfNeeded: r[Int(p.pointee.rd)]), as: UInt8.self)
            r[Int(p.pointee.rn)] = a &+ p.pointee.imm
        case .ldrDPost:
            let a = r[Int(p.pointee.rn)]
            guard s.pointee.mem.readable(a, 8) else { return Sem.fault(r, s, p, a, false) }
            r[Slot.v + 2 * Int(p.pointee.rd)] = s.pointee.mem.host(a).loadUnaligned(as: UInt64.self)
            r[Slot.v + 2 * Int(p.pointee.rd) + 1] = 0
            r[Int(p.pointee.rn)] = a &+ p.pointee.imm
        case .strDPost:
            let a = r[Int(p.pointee.rn)]
            guard s.pointee.mem.writable(a, 8) else { return Sem.fault(r, s, p, a, true) }
            s.pointee.mem.host(a).storeBytes(of: r[Slot.v + 2 * Int(p.pointee.rd)], as: UInt64.self)
            r[Int(p.pointee.rn)] = a &+ p.pointee.imm
        case .ldrQPost, .ldrQPre:
            let base = r[Int(p.pointee.rn)], wb = base &+ p.pointee.imm
            let a = code == .ldrQPre ? wb : base
            guard s.pointee.mem.readable(a, 16) else { return Sem.fault(r, s, p, a, false) }
            let h = s.pointee.mem.host(a)
            r[Slot.v + 2 * Int(p.pointee.rd)] = h.loadUnaligned(as: UInt64.self)
            r[Slot.v + 2 * Int(p.pointee.rd) + 1] = h.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            r[Int(p.pointee.rn)] = wb
        case .strQPost, .strQPre:
            let base = r[Int(p.pointee.rn)], wb = base &+ p.pointee.imm
            let a = code == .strQPre ? wb : base
            guard s.pointee.mem.writable(a, 16) else { return Sem.fault(r, s, p, a, true) }
            let h = s.pointee.mem.host(a)
            h.storeBytes(of: r[Slot.v + 2 * Int(p.pointee.rd)], as: UInt64.self)
            h.storeBytes(of: r[Slot.v + 2 * Int(p.pointee.rd) + 1], toByteOffset: 8, as: UInt64.self)
            r[Int(p.pointee.rn)] = wb

        // MARK: Generic memory ops
        case .ldst:
            if p.pointee.ra == AddrMode.ordered,
               let f = Sem.misaligned(r, s, p, r[Int(p.pointee.rn)], sizeLog: Int(p.pointee.s2), write: false) { return f }
            let a = Sem.loadStore(r, s.pointee.mem, p)
            if a != 0 { return Sem.fault(r, s, p, a &- 1, Sem.isStore(p)) }
        case .ldstPair:
            let a = Sem.loadStorePair(r, s.pointee.mem, p)
            if a != 0 { return Sem.fault(r, s, p, a &- 1, Sem.isStore(p)) }
        case .ldxr, .stxr, .ldaxp, .stxp, .atomic, .cas, .casp, .dczva:
            let flow = Sem.atomicOp(r, s, p)
            if flow != Flow.next { return flow }
        case .clrex:
            r[Slot.exclAddr] = ~0
        case .ordered:
            let flow = Sem.orderedAccess(r, s, p)
            if flow != Flow.next { return flow }
        case .barrier:
            // DMB/DSB: x86 keeps every order but store-then-load.
            Sem.fullBarrier()
        case .isb:
            // A store since the block began changed translated code (maybe
            // this block's own later instructions): continue at the next
            // instruction with a fresh translation, which the dispatcher
            // makes after its flush.
            if r[Slot.attention] & AddressSpace.codeChangedBit != 0 {
                s.pointee.target = s.pointee.blockPC &+ UInt64(p.pointee.idx) &* 4 &+ 4
                return Flow.jump
            }
        case .prfm, .nop:
            break

        // MARK: Scalar floating point
        case .faddD, .faddS, .fsubD, .fsubS, .fmulD, .fmulS, .fdivD, .fdivS, .fmaddD, .fmaddS, .fmsubD, .fmsubS, .fnmaddD, .fnmaddS, .fnmsubD, .fnmsubS, .fsqrtD, .fsqrtS, .fmovD, .fmovS, .fabsD, .fabsS, .fnegD, .fnegS, .fcvtSD, .fcvtDS, .fcmpD, .fcmpS, .fcmpeD, .fcmpeS, .fcselD, .fcselS, .scvtfDX, .scvtfDW, .scvtfSX, .scvtfSW, .fcvtzsXD, .fcvtzsWD, .fcvtzsXS, .fcvtzsWS, .fmovToX, .fmovToW, .fmovFromX, .fmovFromW:
            return stepFP(p, r, s, code)
        case .simdLd1, .simdSt1, .simdAnd, .simdBic, .simdOrr, .simdOrn, .simdEor, .simdBsl, .simdBit, .simdBif, .simdNot, .simdCnt, .simdAdd, .simdSub, .simdCmeq, .simdCmtst, .simdCmhs, .simdCmhi, .simdCmge, .simdCmgt, .simdUmax, .simdUmin, .simdSmax, .simdSmin, .simdCmeqz, .simdCmgtz, .simdCmgez, .simdCmlez, .simdCmltz, .simdUmaxpB, .simdUminpB, .simdAddp, .simdAddv, .simdUaddlv, .simdUmaxv, .simdUminv, .simdUshr, .simdSshr, .simdShl, .simdShrn, .simdRev, .simdMovi, .simdOrrImm, .simdBicImm, .simdDupGen, .simdDupElem, .simdUmov, .simdSmov, .simdInsGen, .simdInsElem, .simdExt, .simdTbl, .simdPermute, .simdThreeDiff, .simdShiftImm:
            return stepSIMD(p, r, s, code)

        // MARK: System
        case .mrs:
            if !Sem.readSystemRegister(r, p) {
                r[Slot.pc] = s.pointee.blockPC &+ UInt64(p.pointee.idx) &* 4
                return Sem.exit(s, .undefined(insn: p.pointee.insn))
            }
        case .msr:
            if !Sem.writeSystemRegister(r, p) {
                r[Slot.pc] = s.pointee.blockPC &+ UInt64(p.pointee.idx) &* 4
                return Sem.exit(s, .undefined(insn: p.pointee.insn))
            }
            s.pointee.target = s.pointee.blockPC &+ UInt64(p.pointee.idx) &* 4 &+ 4
            return Flow.jump
        case .msrImm:
            r[Slot.pc] = s.pointee.blockPC &+ UInt64(p.pointee.idx) &* 4
            return Sem.exit(s, .undefined(insn: p.pointee.insn))
        case .flagm:
            flagManipulate(r, p)
        case .simdCrypto:
            return Sem.simdGroup(p, r, s, cryptoGroup(r, p.pointee.insn))
        case .fpsimd:
            let here = s.pointee.blockPC &+ UInt64(p.pointee.idx) &* 4
            let status = s.pointee.space._withUnsafeGuaranteedRef { executeFPSIMD(r, $0, p.pointee.insn, pc: here) }
            switch status {
            case .ok: break
            case .undefined:
                r[Slot.pc] = here
                return Sem.exit(s, .undefined(insn: p.pointee.insn))
            case .fault(let addr, let write):
                r[Slot.pc] = here
                return Sem.exit(s, .fault(addr: addr, write: write))
            }

        // MARK: Block ends
        case .undefined:
            r[Slot.icount] &+= UInt64(p.pointee.idx)
            r[Slot.pc] = s.pointee.blockPC &+ UInt64(p.pointee.idx) &* 4
            return Sem.exit(s, .undefined(insn: p.pointee.insn))
        case .svc:
            r[Slot.icount] &+= UInt64(p.pointee.idx) &+ 1
            r[Slot.pc] = p.pointee.imm2
            return Sem.exit(s, .syscall)
        case .brk:
            r[Slot.icount] &+= UInt64(p.pointee.idx)
            r[Slot.pc] = s.pointee.blockPC &+ UInt64(p.pointee.idx) &* 4
            return Sem.exit(s, .breakpoint(imm: UInt16(truncatingIfNeeded: p.pointee.imm)))
        case .jump, .b:
            return Flow.taken
        case .bl:
            r[30] = p.pointee.imm2
            return Flow.taken
        case .bcond:
            return condHolds(r, p.pointee.s1) ? Flow.taken : Flow.fallThrough
        case .cmpImmBcc64:
            let a = r[Int(p.pointee.rn)], b = UInt64(p.pointee.insn)
            setFlags(r, FlagKind.sub64, a, b)
            r[Int(p.pointee.rd)] = (a &- b)
            return compare64(a, b, p.pointee.s1, r) ? Flow.taken : Flow.fallThrough
        case .cmpImmBcc32:
            let a = r[Int(p.pointee.rn)], b = UInt64(p.pointee.insn)
            setFlags(r, FlagKind.sub32, a, b)
            r[Int(p.pointee.rd)] = (a &- b) & 0xFFFF_FFFF
            return compare32(a, b, p.pointee.s1, r) ? Flow.taken : Flow.fallThrough
        case .cmpRegBcc64:
            let a = r[Int(p.pointee.rn)], b = r[Int(p.pointee.rm)]
            setFlags(r, FlagKind.sub64, a, b)
            r[Int(p.pointee.rd)] = (a &- b)
            return compare64(a, b, p.pointee.s1, r) ? Flow.taken : Flow.fallThrough
        case .cmpRegBcc32:
            let a = r[Int(p.pointee.rn)], b = r[Int(p.pointee.rm)]
            setFlags(r, FlagKind.sub32, a, b)
            r[Int(p.pointee.rd)] = (a &- b) & 0xFFFF_FFFF
            return compare32(a, b, p.pointee.s1, r) ? Flow.taken : Flow.fallThrough
        case .cbz64:
            return r[Int(p.pointee.rn)] == 0 ? Flow.taken : Flow.fallThrough
        case .cbz32:
            return r[Int(p.pointee.rn)] & 0xFFFF_FFFF == 0 ? Flow.taken : Flow.fallThrough
        case .cbnz64:
            return r[Int(p.pointee.rn)] != 0 ? Flow.taken : Flow.fallThrough
        case .cbnz32:
            return r[Int(p.pointee.rn)] & 0xFFFF_FFFF != 0 ? Flow.taken : Flow.fallThrough
        case .tbz:
            return (r[Int(p.pointee.rn)] >> UInt64(p.pointee.s1)) & 1 == 0 ? Flow.taken : Flow.fallThrough
        case .tbnz:
            return (r[Int(p.pointee.rn)] >> UInt64(p.pointee.s1)) & 1 != 0 ? Flow.taken : Flow.fallThrough
        case .br, .ret:
            s.pointee.target = TopByte.branchTarget(r[Int(p.pointee.rn)])
            return Flow.indirect
        case .blr:
            s.pointee.target = TopByte.branchTarget(r[Int(p.pointee.rn)])
            r[30] = p.pointee.imm
            return Flow.indirect
        }
        return Flow.next
    }
}

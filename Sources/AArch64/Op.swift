/// A decoded instruction, specialised at decode time so the executor does
/// the least work per execution. Ops of a block sit next to each other in
/// the block cache's flat arena.
///
/// Register fields hold register-file slots (see `Slot`), already mapped
/// from register number 31 to XZR, the write sink or SP as the encoding says.
/// A threaded handler: runs its op and tail-calls the next one.
/// Its pointers are raw because C function types cannot name Swift structs.
typealias OpHandler = @convention(c) (UnsafeMutableRawPointer, UnsafeMutablePointer<UInt64>, UnsafeMutableRawPointer) -> Int

/// Placeholder until the block cache installs the real handler.
let unsetHandler: OpHandler = { _, _, _ in fatalError("op executed before its handler was installed") }

public struct Op {
    public var code: OpCode
    public var rd: UInt8
    public var rn: UInt8
    public var rm: UInt8
    public var ra: UInt8
    /// Small per-op parameters: shift type/amount, condition, size, mode.
    public var s1: UInt8
    public var s2: UInt8
    /// Index of the instruction within its block: pc = block pc + 4 * idx.
    public var idx: UInt16
    /// The encoding, for generic handlers and for messages.
    public var insn: UInt32
    public var imm: UInt64
    public var imm2: UInt64
    /// Chain links: the first op of the taken (link0) and fall-through
    /// (link1) successor blocks, once known.
    var link0: UnsafeMutablePointer<Op>?
    var link1: UnsafeMutablePointer<Op>?
    /// The threaded handler for `code` (set when the op enters the cache).
    var fn: OpHandler

    @inline(__always)
    public init(_ code: OpCode, rd: Int = Slot.sink, rn: Int = Slot.xzr, rm: Int = Slot.xzr, ra: Int = Slot.xzr,
                s1: Int = 0, s2: Int = 0, imm: UInt64 = 0, imm2: UInt64 = 0, insn: UInt32 = 0) {
        self.code = code
        self.rd = UInt8(truncatingIfNeeded: rd)
        self.rn = UInt8(truncatingIfNeeded: rn)
        self.rm = UInt8(truncatingIfNeeded: rm)
        self.ra = UInt8(truncatingIfNeeded: ra)
        self.s1 = UInt8(truncatingIfNeeded: s1)
        self.s2 = UInt8(truncatingIfNeeded: s2)
        self.idx = 0
        self.insn = insn
        self.imm = imm
        self.imm2 = imm2
        self.link0 = nil
        self.link1 = nil
        self.fn = unsetHandler
    }
}

/// Every op the executor knows. Names follow the Arm ARM; suffixes give the
/// operand size (64/32) and the specialisation.
public enum OpCode: UInt16, CaseIterable {
    // Exits and fallbacks
    case undefined          // SIGILL at this pc (insn holds the word)
    case svc
    case brk                // imm = comment
    case fpsimd             // handed to executeFPSIMD
    case nop
    case jump               // block ended without a branch: continue at imm

    // Moves and PC-relative
    case movImm             // rd = imm
    case movk64, movk32     // rd = rd & ~imm2 | imm
    case movReg64, movReg32

    // Add/subtract immediate
    case addImm64, addImm32, subImm64, subImm32
    case addsImm64, addsImm32, subsImm64, subsImm32

    // Add/subtract shifted register (s2 = amount; the shift type is in the code)
    case addReg64, addReg32, subReg64, subReg32
    case addsReg64, addsReg32, subsReg64, subsReg32
    case addShift64, addShift64Lsr, addShift64Asr, addShift64Ror
    case addShift32, addShift32Lsr, addShift32Asr, addShift32Ror
    case subShift64, subShift64Lsr, subShift64Asr, subShift64Ror
    case subShift32, subShift32Lsr, subShift32Asr, subShift32Ror
    case addsShift64, addsShift64Lsr, addsShift64Asr, addsShift64Ror
    case addsShift32, addsShift32Lsr, addsShift32Asr, addsShift32Ror
    case subsShift64, subsShift64Lsr, subsShift64Asr, subsShift64Ror
    case subsShift32, subsShift32Lsr, subsShift32Asr, subsShift32Ror
    // Add/subtract extended register (s1 = option, s2 = shift)
    case addExt64, addExt32, subExt64, subExt32
    case addsExt64, addsExt32, subsExt64, subsExt32
    // Add/subtract with carry
    case adc64, adc32, sbc64, sbc32, adcs64, adcs32, sbcs64, sbcs32

    // Logical (imm2 = 0 or ~0 to invert operand 2; s2 = shift amount)
    case andImm64, andImm32, orrImm64, orrImm32, eorImm64, eorImm32, andsImm64, andsImm32
    // Shifted-register forms come in groups of four: LSL, LSR, ASR, ROR.
    case andReg64, andReg64Lsr, andReg64Asr, andReg64Ror
    case andReg32, andReg32Lsr, andReg32Asr, andReg32Ror
    case orrReg64, orrReg64Lsr, orrReg64Asr, orrReg64Ror
    case orrReg32, orrReg32Lsr, orrReg32Asr, orrReg32Ror
    case eorReg64, eorReg64Lsr, eorReg64Asr, eorReg64Ror
    case eorReg32, eorReg32Lsr, eorReg32Asr, eorReg32Ror
    case andsReg64, andsReg64Lsr, andsReg64Asr, andsReg64Ror
    case andsReg32, andsReg32Lsr, andsReg32Asr, andsReg32Ror

    // Bitfield (imm = wmask, imm2 = tmask, s1 = R, s2 = S) and extract
    case ubfm64, ubfm32, sbfm64, sbfm32, bfm64, bfm32
    case lslImm64, lsrImm64, asrImm64, lslImm32, lsrImm32, asrImm32
    case extr64, extr32

    // Variable shifts
    case lslv64, lslv32, lsrv64, lsrv32, asrv64, asrv32, rorv64, rorv32

    // Multiply and divide
    case madd64, madd32, msub64, msub32
    case smaddl, smsubl, umaddl, umsubl, smulh, umulh
    case udiv64, udiv32, sdiv64, sdiv32

    // One source
    case rbit64, rbit32, rev16_64, rev16_32, rev32_64, rev64, rev32, clz64, clz32, cls64, cls32
    case crc32              // s1 = size log2, s2 = 1 for CRC32C

    // Conditional (s1 = cond)
    case csel64, csel32, csinc64, csinc32, csinv64, csinv32, csneg64, csneg32
    case ccmp64, ccmp32, ccmn64, ccmn32           // rm operand; s2 = nzcv
    case ccmpImm64, ccmpImm32, ccmnImm64, ccmnImm32 // imm operand

    // Branches (imm = target, imm2 = fall-through pc)
    case b, bl, bcond
    case cbz64, cbz32, cbnz64, cbnz32
    case tbz, tbnz          // s1 = bit
    case br, blr, ret       // imm2 = inline-cache pc, link0 = its block
    case cmpImmBcc64, cmpImmBcc32, cmpRegBcc64, cmpRegBcc32 // fused CMP + B.cond (s1 = cond, ra = imm operand marker)

    // Loads and stores: hot forms specialised, the rest generic
    case ldrX, ldrW, ldrB, ldrH, ldrSW, strX, strW, strB, strH // [rn + imm]
    case ldrXReg, strXReg, ldrWReg, strWReg                      // [rn + (rm << s2)]
    case ldpX, stpX, ldpXPre, stpXPre, ldpXPost, stpXPost
    case ldrS, ldrD, ldrQ, strS, strD, strQ                    // FP/SIMD [rn + imm]
    case ldpD, stpD, ldpQ, stpQ                                 // FP/SIMD pairs [rn + imm]
    // Pre/post-index forms of the hot loads and stores (imm = offset)
    case ldrXPost, ldrXPre, strXPost, strXPre, ldrWPost, strWPost, ldrBPost, strBPost
    case ldrDPost, strDPost, ldrQPost, strQPost, ldrQPre, strQPre
    case ldst               // generic single register (ra = mode, s1 = kind, s2 = size log2)
    case ldstPair           // generic pair
    case ldxr, stxr, ldaxp, stxp, barrier, ordered, clrex // exclusives, DMB/DSB, LDAR/LDAPUR (s1 = 1; 2, 3 sign-extending) and STLR/STLUR (s1 = 0) at rn + imm; s2 = size log2
    case atomic             // LSE: s1 = operation, s2 = size log2
    case cas, casp
    case dczva
    case prfm
    case isb                // ISB: leaves the block when translated code changed since it began

    // Scalar floating point with a host fast path (DecodeFPFast.swift)
    case faddD, faddS, fsubD, fsubS, fmulD, fmulS, fdivD, fdivS
    case fmaddD, fmaddS, fmsubD, fmsubS, fnmaddD, fnmaddS, fnmsubD, fnmsubS
    case fsqrtD, fsqrtS, fmovD, fmovS, fabsD, fabsS, fnegD, fnegS, fcvtSD, fcvtDS
    case fcmpD, fcmpS, fcmpeD, fcmpeS, fcselD, fcselS
    case scvtfDX, scvtfDW, scvtfSX, scvtfSW, fcvtzsXD, fcvtzsWD, fcvtzsXS, fcvtzsWS
    case fmovToX, fmovToW, fmovFromX, fmovFromW

    // System registers
    case mrs, msr           // imm = system register id
    case msrImm             // MSR (immediate) to PSTATE fields
    case flagm              // CFINV, XAFLAG, AXFLAG, RMIF, SETF8, SETF16 (s1 = FlagMOp, s2 = RMIF mask, imm = RMIF shift)

    // AdvSIMD with specialised semantics (DecodeSIMDFast.swift, SIMDFastSemantics.swift)
    case simdLd1, simdSt1   // LD1/ST1 (multiple), 1-4 registers; rn += imm + r[rm]
    case simdAnd, simdBic, simdOrr, simdOrn, simdEor, simdBsl, simdBit, simdBif, simdNot, simdCnt
    case simdAdd, simdSub, simdCmeq, simdCmtst, simdCmhs, simdCmhi, simdCmge, simdCmgt
    case simdUmax, simdUmin, simdSmax, simdSmin
    case simdCmeqz, simdCmgtz, simdCmgez, simdCmlez, simdCmltz
    case simdUmaxpB, simdUminpB, simdAddp, simdAddv, simdUaddlv, simdUmaxv, simdUminv
    case simdUshr, simdSshr, simdShl, simdShrn, simdRev
    case simdMovi, simdOrrImm, simdBicImm
    case simdDupGen, simdDupElem, simdUmov, simdSmov, simdInsGen, simdInsElem
    case simdExt, simdTbl
    case simdPermute, simdThreeDiff, simdShiftImm // whole groups, by their own code
    case simdCrypto         // AES, SHA, SHA3, SM3, SM4: the crypto groups, by their own code (Crypto.swift)
}

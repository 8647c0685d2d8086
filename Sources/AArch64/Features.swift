/// A set of architecture features, as Linux reports them to user space.
///
/// The low 32 bits are AT_HWCAP's bits and the high 32 bits AT_HWCAP2's
/// (`asm/hwcap.h`), so HWCAP, HWCAP2, the ID registers readable by MRS,
/// /proc/cpuinfo's Features line and the decoder's choice of which
/// encodings are defined all come from this one value. Features without a
/// HWCAP bit (FEAT_LOR) live in the top bits, which HWCAP2 leaves out.
public struct FeatureSet: OptionSet, Hashable, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    private static func hwcap(_ bit: Int) -> FeatureSet { FeatureSet(rawValue: 1 << UInt64(bit)) }
    private static func hwcap2(_ bit: Int) -> FeatureSet { FeatureSet(rawValue: 1 << UInt64(32 + bit)) }

    public static let fp = hwcap(0)
    public static let asimd = hwcap(1)
    public static let aes = hwcap(3)
    public static let pmull = hwcap(4)
    public static let sha1 = hwcap(5)
    public static let sha2 = hwcap(6)
    public static let crc32 = hwcap(7)
    public static let atomics = hwcap(8)
    public static let fphp = hwcap(9)
    public static let asimdhp = hwcap(10)
    public static let cpuid = hwcap(11)
    public static let asimdrdm = hwcap(12)
    public static let jscvt = hwcap(13)
    public static let fcma = hwcap(14)
    public static let lrcpc = hwcap(15)
    public static let dcpop = hwcap(16)
    public static let sha3 = hwcap(17)
    public static let sm3 = hwcap(18)
    public static let sm4 = hwcap(19)
    public static let asimddp = hwcap(20)
    public static let sha512 = hwcap(21)
    public static let asimdfhm = hwcap(23)
    public static let ilrcpc = hwcap(26)
    public static let flagm = hwcap(27)
    public static let sb = hwcap(29)
    public static let paca = hwcap(30)
    public static let pacg = hwcap(31)
    public static let dcpodp = hwcap2(0)
    public static let flagm2 = hwcap2(7)
    public static let frint = hwcap2(8)
    public static let i8mm = hwcap2(13)
    public static let bf16 = hwcap2(14)
    /// FEAT_LOR (LDLAR, STLLR): Armv8.1, no HWCAP bit.
    public static let lor = FeatureSet(rawValue: 1 << 63)
    /// The bits that are not AT_HWCAP2 bits.
    static let hiddenMask: UInt64 = 0xFF00_0000 << 32

    /// AT_HWCAP.
    public var hwcap: UInt64 { rawValue & 0xFFFF_FFFF }
    /// AT_HWCAP2.
    public var hwcap2: UInt64 { (rawValue & ~FeatureSet.hiddenMask) >> 32 }

    /// Everything the executor implements. A feature joins this set in the
    /// same change that makes its instructions run and records their vectors.
    public static let implemented: FeatureSet = [.fp, .asimd, .crc32, .atomics, .cpuid, .lrcpc, .dcpop,
                                                 .aes, .pmull, .sha1, .sha2, .sha3, .sha512, .sm3, .sm4,
                                                 .asimdrdm, .asimddp, .i8mm, .fcma, .jscvt, .frint,
                                                 .flagm, .flagm2, .ilrcpc, .fphp, .asimdhp, .asimdfhm,
                                                 .lor, .sb, .dcpodp]

    /// The Armv8.0 cores qemu also offers, with the crypto and CRC32
    /// extensions (their HWCAP under qemu-aarch64 is 0x8fb).
    static let armv80Crypto: FeatureSet = [.fp, .asimd, .aes, .pmull, .sha1, .sha2, .crc32, .cpuid]
}

/// A CPU model selectable with `-cpu NAME`.
public struct CPUModel: Sendable {
    public let name: String
    public let midr: UInt64
    /// Features of the real core; only those also implemented are offered.
    let architectural: FeatureSet
    public let summary: String

    /// What the guest sees: the model's features that the executor implements.
    public var features: FeatureSet { architectural.intersection(.implemented) }

    /// `max` (everything implemented, qemu's own MIDR) first, then the
    /// Armv8.0 cores in qemu's spelling.
    public static let all: [CPUModel] = [
        CPUModel(name: "max", midr: 0x000F_0510, architectural: .implemented,
                 summary: "every feature this emulator implements"),
        CPUModel(name: "cortex-a53", midr: 0x410F_D034, architectural: FeatureSet.armv80Crypto,
                 summary: "Armv8.0 with crypto and CRC32"),
        CPUModel(name: "cortex-a57", midr: 0x411F_D070, architectural: FeatureSet.armv80Crypto,
                 summary: "Armv8.0 with crypto and CRC32"),
        CPUModel(name: "cortex-a72", midr: 0x410F_D083, architectural: FeatureSet.armv80Crypto,
                 summary: "Armv8.0 with crypto and CRC32"),
    ]

    public static let max = all[0]

    public static func named(_ name: String) -> CPUModel? { all.first { $0.name == name } }

    /// The model whose MIDR and features a register file carries.
    public static func of(midr: UInt64) -> CPUModel { all.first { $0.midr == midr } ?? max }
}

extension FeatureSet {
    /// The value of an ID register as Linux's MRS emulation shows it to
    /// EL0 (arch/arm64/kernel/cpufeature.c): only the fields it exposes,
    /// and only for features in this set.
    public func idRegister(_ id: Int, midr: UInt64) -> UInt64? {
        let op0 = 2 | (id >> 14), op1 = (id >> 11) & 7, crn = (id >> 7) & 15, crm = (id >> 3) & 15, op2 = id & 7
        // The kernel emulates CRm 0 and 2...7 (is_emulated in
        // arch/arm64/kernel/cpufeature.c); the rest of the space is UNDEFINED.
        guard op0 == 3, op1 == 0, crn == 0, crm == 0 || (2...7).contains(crm) else { return nil }
        switch (crm, op2) {
        case (0, 0): return midr
        case (0, 5): return 0x8000_0000 // MPIDR_EL1
        case (0, 6): return 0           // REVIDR_EL1
        case (0, _): return nil
        case (4, 0): return idAA64PFR0
        case (6, 0): return idAA64ISAR0
        case (6, 1): return idAA64ISAR1
        default: return 0
        }
    }

    private func field(_ f: FeatureSet, _ shift: UInt64, _ value: UInt64 = 1) -> UInt64 {
        contains(f) ? value << shift : 0
    }

    /// ID_AA64PFR0_EL1: EL0 and EL1 AArch64 only; FP and AdvSIMD are 0
    /// (implemented), 1 with half precision, 0xF when absent.
    var idAA64PFR0: UInt64 {
        let fpField: UInt64 = contains(.fp) ? (contains(.fphp) ? 1 : 0) : 0xF
        let simdField: UInt64 = contains(.asimd) ? (contains(.asimdhp) ? 1 : 0) : 0xF
        return 0x11 | fpField << 16 | simdField << 20
    }

    /// ID_AA64ISAR0_EL1.
    var idAA64ISAR0: UInt64 {
        var v: UInt64 = contains(.pmull) ? 2 << 4 : field(.aes, 4)
        v |= field(.sha1, 8)
        v |= contains(.sha512) ? 2 << 12 : field(.sha2, 12)
        v |= field(.crc32, 16) | field(.atomics, 20, 2) | field(.asimdrdm, 28)
        v |= field(.sha3, 32) | field(.sm3, 36) | field(.sm4, 40) | field(.asimddp, 44) | field(.asimdfhm, 48)
        v |= contains(.flagm2) ? 2 << 52 : field(.flagm, 52)
        return v
    }

    /// ID_AA64ISAR1_EL1.
    var idAA64ISAR1: UInt64 {
        var v = contains(.dcpodp) ? 2 : field(.dcpop, 0)
        v |= field(.jscvt, 12) | field(.fcma, 16)
        v |= contains(.ilrcpc) ? 2 << 20 : field(.lrcpc, 20)
        v |= field(.frint, 32) | field(.sb, 36) | field(.i8mm, 52)
        return v
    }

    /// The Features line of arm64 /proc/cpuinfo, in HWCAP bit order.
    public var cpuinfoNames: [String] {
        var names: [String] = []
        for (i, n) in FeatureSet.hwcapNames.enumerated() where hwcap & (1 << UInt64(i)) != 0 { names.append(n) }
        for (i, n) in FeatureSet.hwcap2Names.enumerated() where hwcap2 & (1 << UInt64(i)) != 0 { names.append(n) }
        return names
    }

    /// arch/arm64/kernel/cpuinfo.c's hwcap_str, by bit.
    public static let hwcapNames = ["fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32", "atomics",
                             "fphp", "asimdhp", "cpuid", "asimdrdm", "jscvt", "fcma", "lrcpc", "dcpop",
                             "sha3", "sm3", "sm4", "asimddp", "sha512", "sve", "asimdfhm", "dit", "uscat",
                             "ilrcpc", "flagm", "ssbs", "sb", "paca", "pacg"]
    public static let hwcap2Names = ["dcpodp", "sve2", "sveaes", "svepmull", "svebitperm", "svesha3", "svesm4",
                              "flagm2", "frint", "svei8mm", "svef32mm", "svef64mm", "svebf16", "i8mm",
                              "bf16", "dgh", "rng", "bti", "mte", "ecv", "afp", "rpres"]
}

/// Which encodings belong to an optional feature, so that a CPU model
/// without it sees them as UNDEFINED (as the hardware would).
/// Each row is (mask, value, feature); a word matching a row needs it.
enum FeatureGate {
    static let rows: [(UInt32, UInt32, FeatureSet)] = [
        (0x3FA08000, 0x08800000, .lor),         // LDLAR, STLLR (o2 = 1, o1 = 0, o0 = 0)
        (0xFFFFFFFF, 0xD50330FF, .sb),          // SB
        // Pointer authentication outside the hint space (not implemented).
        (0xFF200400, 0xF8200400, .paca),        // LDRAA, LDRAB
        (0xFFFF0000, 0xDAC10000, .paca),        // PACIA..., AUTIA..., XPACI, XPACD
        (0xFFE0FC00, 0x9AC03000, .pacg),        // PACGA
        (0xFE1FF800, 0xD61F0800, .paca),        // BRAA, BLRAA, RETAA, ERETAA and the Z forms
        // BF16 (not implemented).
        (0xFFFFFC00, 0x1E634000, .bf16),        // BFCVT
        (0xBFFFFC00, 0x0EA16800, .bf16),        // BFCVTN, BFCVTN2
        (0xBFE0FC00, 0x2E40FC00, .bf16),        // BFDOT
        (0xBFC0F400, 0x0F40F000, .bf16),        // BFDOT by element
        (0xFFE0FC00, 0x6E40EC00, .bf16),        // BFMMLA
        (0xBFE0FC00, 0x2EC0FC00, .bf16),        // BFMLALB, BFMLALT
        (0xBFC0F400, 0x0FC0F000, .bf16),        // BFMLALB, BFMLALT by element
        (0xFFFFFFE0, 0xD50B7C20, .dcpop),       // DC CVAP
        (0xFFFFFFE0, 0xD50B7D20, .dcpodp),      // DC CVADP
        // LSE: LDADD..SWP and LDAPR share one group; LDAPR (o3=1, opc=100) is LRCPC.
        (0x3F20FC00, 0x3820C000, .lrcpc),
        (0x3F200C00, 0x38200000, .atomics),
        (0x3FA07C00, 0x08A07C00, .atomics),     // CAS
        (0xBFA07C00, 0x08207C00, .atomics),     // CASP
        (0x7FE0E000, 0x1AC04000, .crc32),
        (0xFFFFCC00, 0x4E284800, .aes),
        (0xBFE0FC00, 0x0EE0E000, .pmull),       // PMULL with 64-bit elements
        (0xFFE0CC00, 0x5E000000, .sha1),        // SHA1C/P/M, SHA1SU0
        (0xFFE0CC00, 0x5E004000, .sha2),        // SHA256H/H2/SU1
        (0xFFFFEC00, 0x5E280800, .sha1),        // SHA1H, SHA1SU1
        (0xFFFFFC00, 0x5E282800, .sha2),        // SHA256SU0
        (0xFFE0FC00, 0xCE608C00, .sha3),        // RAX1
        (0xFFE0F000, 0xCE608000, .sha512),      // SHA512H/H2/SU1
        (0xFFFFFC00, 0xCEC08000, .sha512),      // SHA512SU0
        (0xFFC08000, 0xCE000000, .sha3),        // EOR3, BCAX
        (0xFFE00000, 0xCE800000, .sha3),        // XAR
        (0xFFE08000, 0xCE400000, .sm3),         // SM3SS1
        (0xFFE0C000, 0xCE408000, .sm3),         // SM3TT1A/1B/2A/2B
        (0xFFE0F800, 0xCE60C000, .sm3),         // SM3PARTW1/2
        (0xFFE0FC00, 0xCE60C800, .sm4),         // SM4EKEY
        (0xFFFFFC00, 0xCEC08400, .sm4),         // SM4E
        (0x9FE0FC00, 0x0E809400, .asimddp),     // SDOT/UDOT
        (0x9FC0F400, 0x0F80E000, .asimddp),     // SDOT/UDOT by element
        (0xBF20F400, 0x2E008400, .asimdrdm),    // SQRDMLAH/SQRDMLSH vector
        (0xFF20F400, 0x7E008400, .asimdrdm),    // scalar
        (0xBF00D400, 0x2F00D000, .asimdrdm),    // by element
        (0xFF00D400, 0x7F00D000, .asimdrdm),    // scalar by element
        // The half-precision forms (size 01) need FEAT_FP16 as well.
        (0xBFE0E400, 0x2E40C400, [.fcma, .asimdhp]),    // FCMLA .4H/.8H
        (0xBFE0EC00, 0x2E40E400, [.fcma, .asimdhp]),    // FCADD .4H/.8H
        (0xBFC09400, 0x2F401000, [.fcma, .asimdhp]),    // FCMLA by element .H
        (0xBF20E400, 0x2E00C400, .fcma),        // FCMLA
        (0xBF20EC00, 0x2E00E400, .fcma),        // FCADD
        (0xBF009400, 0x2F001000, .fcma),        // FCMLA by element
        (0xFFFFFC00, 0x1E7E0000, .jscvt),       // FJCVTZS
        (0xFFBE7C00, 0x1E284000, .frint),       // FRINT32/64 scalar
        (0x9FBFEC00, 0x0E21E800, .frint),       // FRINT32/64 vector
        (0xFFFFFFFF, 0xD500401F, .flagm),       // CFINV
        (0xFFE07C10, 0xBA000400, .flagm),       // RMIF
        (0xFFFFBC1F, 0x3A00080D, .flagm),       // SETF8, SETF16
        (0xFFFFFFFF, 0xD500403F, .flagm2),      // XAFLAG
        (0xFFFFFFFF, 0xD500405F, .flagm2),      // AXFLAG
        (0x3F200C00, 0x19000000, .ilrcpc),      // LDAPUR/STLUR
        (0xFFE0FC00, 0x4E80A400, .i8mm),        // SMMLA
        (0xFFE0FC00, 0x6E80A400, .i8mm),        // UMMLA
        (0xFFE0FC00, 0x4E80AC00, .i8mm),        // USMMLA
        (0xBFE0FC00, 0x0E809C00, .i8mm),        // USDOT
        (0xBF40F400, 0x0F00F000, .i8mm),        // SUDOT/USDOT by element
        (0xBF60FC00, 0x0E20EC00, .asimdfhm),    // FMLAL/FMLSL
        (0xBF60FC00, 0x2E20CC00, .asimdfhm),    // FMLAL2/FMLSL2
        (0xBFC0B400, 0x0F800000, .asimdfhm),    // FMLAL/FMLSL by element
        (0xBFC0B400, 0x2F808000, .asimdfhm),    // FMLAL2/FMLSL2 by element
        // Half-precision arithmetic: scalar FP with ftype=11 (FCVT between
        // precisions excepted, it is Armv8.0) and the AdvSIMD FP16 groups.
        (0xFFFE7C00, 0x1EE24000, []),
        (0x7EC00000, 0x1EC00000, .fphp),
        (0x9F60C400, 0x0E400400, .asimdhp),     // three same FP16
        (0x9F7E0C00, 0x0E780800, .asimdhp),     // two-register misc FP16
        (0xDF60C400, 0x5E400400, .asimdhp),     // scalar three same FP16
        (0xDF7E0C00, 0x5E780800, .asimdhp),     // scalar two-register misc FP16
        (0xBF3FCC00, 0x0E30C800, .asimdhp),     // FMAXNMV/FMINNMV/FMAXV/FMINV .H
        (0xFF3FCC00, 0x5E30C800, .asimdhp),     // scalar pairwise FP16
        (0x9FC03400, 0x0F001000, .asimdhp),     // by element FP16
        (0xDFC03400, 0x5F001000, .asimdhp),     // scalar by element FP16
        (0xBFF8FC00, 0x0F00FC00, .asimdhp),     // FMOV .4H/.8H immediate
        (0x9FF0E400, 0x0F10E400, .asimdhp),     // SCVTF/UCVTF/FCVTZS/FCVTZU .4H/.8H, #fbits
        (0xDFF0E400, 0x5F10E400, .asimdhp),     // scalar H, #fbits
    ]

    /// The feature an encoding needs, or nil for the base ISA. The first
    /// matching row decides.
    static func required(_ insn: UInt32) -> FeatureSet? {
        for (mask, value, f) in rows where insn & mask == value { return f }
        return nil
    }
}

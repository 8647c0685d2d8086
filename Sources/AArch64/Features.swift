/// What this executor implements, as Linux reports it to user space.
/// HWCAP, HWCAP2 and the ID registers readable by MRS must agree with the
/// instructions the executor really runs.
public enum Features {
    public static let hwcapFP: UInt64 = 1 << 0
    public static let hwcapASIMD: UInt64 = 1 << 1
    public static let hwcapCRC32: UInt64 = 1 << 7
    public static let hwcapATOMICS: UInt64 = 1 << 8
    public static let hwcapCPUID: UInt64 = 1 << 11

    /// AT_HWCAP.
    public static let hwcap: UInt64 = hwcapFP | hwcapASIMD | hwcapCRC32 | hwcapATOMICS | hwcapCPUID
    /// AT_HWCAP2.
    public static let hwcap2: UInt64 = 0
}

extension Features {
    /// ID_AA64ISAR0_EL1: CRC32 = 1, Atomic (LSE) = 2.
    public static let idAA64ISAR0: UInt64 = (1 << 16) | (2 << 20)
    /// ID_AA64PFR0_EL1: EL0 and EL1 AArch64 only; FP and AdvSIMD implemented (0).
    public static let idAA64PFR0: UInt64 = 0x11
    /// MIDR_EL1 as Linux reports it for this CPU.
    public static let midr: UInt64 = 0x000F_0510

    /// Value of an ID register read by MRS at EL0, as Linux emulates the
    /// trap: the ID space (op0=3, op1=0, CRn=0, CRm=0 or 2...7) reads as the
    /// sanitised value, 0 where no feature is reported; others are undefined.
    public static func idRegister(_ id: Int) -> UInt64? {
        let op0 = 2 | (id >> 14), op1 = (id >> 11) & 7, crn = (id >> 7) & 15, crm = (id >> 3) & 15, op2 = id & 7
        guard op0 == 3, op1 == 0, crn == 0, crm == 0 || crm >= 2 else { return nil }
        switch (crm, op2) {
        case (0, 0): return midr
        case (0, 5): return 0x8000_0000 // MPIDR_EL1
        case (0, 6): return 0           // REVIDR_EL1
        case (0, _): return nil
        case (4, 0): return idAA64PFR0
        case (6, 0): return idAA64ISAR0
        default: return 0
        }
    }
}

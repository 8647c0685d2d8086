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

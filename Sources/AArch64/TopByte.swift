/// Top Byte Ignore as Linux sets it up for EL0: TCR_EL1.TBI0 = 1 and
/// TBI1 = 0 (arch/arm64/include/asm/pgtable-hwdef.h, TCR_TBI0 in
/// proc.S), which is also qemu-aarch64's setting.
public enum TopByte {
    /// The PC a BR, BLR or RET to `addr` continues at: the Arm ARM's
    /// AArch64.BranchAddr strips the tag (sign-extends bit 55) when TBI
    /// applies, that is for bit 55 = 0 under TBI0; an address with bit 55
    /// set is taken as it is, and faults.
    @inline(__always)
    public static func branchTarget(_ addr: UInt64) -> UInt64 {
        addr & (1 << 55) == 0 ? addr & 0x00FF_FFFF_FFFF_FFFF : addr
    }

    /// si_addr of a SIGSEGV or SIGBUS: the kernel passes the fault address
    /// through untagged_addr (arch_untagged_si_addr in
    /// arch/arm64/kernel/signal.c, unless SA_EXPOSE_TAGBITS), which
    /// sign-extends bit 55 over the top byte.
    @inline(__always)
    public static func untagged(_ addr: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(bitPattern: addr << 8) >> 8)
    }
}

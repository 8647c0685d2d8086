/// Why the executor returned to its caller. The PC slot of the CPU tells
/// where: after the SVC for `.syscall`, at the instruction otherwise.
public enum ExitReason: Equatable, Sendable {
    /// SVC #0: the Linux layer handles x8 with x0...x5 and resumes.
    case syscall
    /// A load, store or fetch hit an address the guest may not touch.
    case fault(addr: UInt64, write: Bool)
    /// A branch to an address that is not a multiple of 4: SIGBUS
    /// (BUS_ADRALN), with PC holding that address.
    case pcAlignment(addr: UInt64)
    /// An exclusive, atomic or CAS access to an address that is not a
    /// multiple of its size: SIGBUS (BUS_ADRALN) with si_addr, PC at the
    /// instruction (qemu-aarch64 does the same). `write` for a store or a
    /// read-modify-write.
    case alignment(addr: UInt64, write: Bool)
    /// An encoding that is not implemented or not allocated: SIGILL.
    case undefined(insn: UInt32)
    /// BRK #imm: SIGTRAP.
    case breakpoint(imm: UInt16)
    /// Another thread or a host signal asked the executor to stop.
    case attention
}

/// Outcome of one instruction executed by a non-block helper such as
/// `executeFPSIMD`.
public enum StepStatus: Equatable, Sendable {
    case ok
    case undefined
    case fault(addr: UInt64, write: Bool)
}

import GuestMemory

/// Runs guest code from `cpu.pc` until something needs the Linux layer.
public final class Executor {
    public let cpu: CPU
    public let mem: AddressSpace

    public init(cpu: CPU, mem: AddressSpace) {
        self.cpu = cpu
        self.mem = mem
    }

    /// Executes blocks until a syscall, fault, undefined instruction,
    /// breakpoint or attention request.
    public func run() -> ExitReason {
        let insn = mem.readU32(cpu.pc) ?? 0
        return .undefined(insn: insn)
    }

    /// Drops every translated block (after exec or a code change).
    public func invalidateAll() {}
}

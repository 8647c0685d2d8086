import AArch64
import GuestMemory

/// Settings of the Linux layer that come from the command line.
public struct ProcessOptions: Sendable {
    /// Print each syscall, its arguments and its result to stderr (-strace).
    public var strace = false
    /// The sysroot for absolute paths of the guest (-L / QEMU_LD_PREFIX).
    public var sysroot: String? = nil
    /// Host path of the program, for /proc/self/exe and AT_EXECFN.
    public var programPath = ""

    public init() {}
}

/// How the guest process ended.
public enum Termination: Equatable, Sendable {
    case exited(Int32)
    case signaled(Int32)
}

/// The Linux side of one guest process: syscalls, signals, brk.
public final class LinuxProcess {
    public let mem: AddressSpace
    public let cpu: CPU
    public let executor: Executor
    public var options: ProcessOptions

    public init(mem: AddressSpace, cpu: CPU, executor: Executor, brkStart: UInt64, options: ProcessOptions) {
        self.mem = mem
        self.cpu = cpu
        self.executor = executor
        self.options = options
    }

    /// Runs the guest until it exits or dies by a signal.
    public func run() -> Termination {
        .exited(0)
    }
}

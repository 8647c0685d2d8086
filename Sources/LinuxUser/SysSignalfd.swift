import Glibc
import Synchronization

// MARK: - signalfd
//
// A guest signalfd is a host signalfd with the same mask: struct
// signalfd_siginfo is the same 128 bytes on arm64 and x86_64, and signal
// numbers 1-31 and 35-64 match (32-34 cannot be read from a signalfd). For the host signalfd (and poll or epoll on it) to
// see a signal, the signal must stay pending in the host kernel, so the
// emulator keeps the signals of every signalfd mask blocked on the host
// while the guest blocks them, rather than catching them for the guest
// (which it does for every other signal). A signal the guest sends itself
// goes through the host then, for the same reason, a real-time one with
// rt_sigqueueinfo so that its value and si_code stay. Only the thread that
// changes its mask updates its host mask: a process-wide signal another
// thread catches goes the usual way, to a handler or sigwait.

/// The union of the masks of every signalfd created so far (closing one
/// does not shrink it: a signal held on the host is still seen by
/// sigpending, sigwait and handlers, just later).
let signalfdSignals = Atomic<UInt64>(0)

/// Counts changes of signalfdSignals, so each thread re-applies its mask.
let signalfdGeneration = Atomic<Int>(0)

/// Signals currently held blocked on this host thread for signalfds.
private let heldOnHost = Atomic<UInt64>(0)

/// Host signals the emulator may hold: not its own faults, not what the
/// host C library reserves (32, 33), not its own signal (34); real-time
/// signals 35-64 are the same numbers on the host.
let holdable: UInt64 = {
    var m: UInt64 = ((1 << 31) - 1) | ~((1 << 34) - 1)
    for s in [Sig.SIGSEGV, Sig.SIGBUS, Sig.SIGILL, Sig.SIGFPE, Sig.SIGTRAP, Sig.SIGKILL, Sig.SIGSTOP] {
        m &= ~(1 << UInt64(s - 1))
    }
    return m
}()

enum HostSignalfdNR {
    static let signalfd4 = 289
}

extension LinuxProcess {
    /// signalfd4(fd, mask, sizemask, flags); SFD_NONBLOCK and SFD_CLOEXEC
    /// are O_NONBLOCK and O_CLOEXEC, the same values on both.
    func sysSignalfd4(_ a: SysArgs) -> Int {
        guard a[2] == 8 else { return -Errno.EINVAL }
        guard let m = mem.readU64(a[1]) else { return -Errno.EFAULT }
        var mask = m & holdable
        let r = withUnsafePointer(to: &mask) {
            HostSyscall.call(HostSignalfdNR.signalfd4, a.i32(0), Int(bitPattern: $0), 8, a.i32(3))
        }
        if r >= 0 {
            signalfdSignals.bitwiseOr(mask, ordering: .relaxed)
            signalfdGeneration.wrappingAdd(1, ordering: .releasing)
            holdSignalfdSignals()
            // The other threads hold them too from their next look at
            // their queues (a wait they sleep in is interrupted for it).
            for t in shared.locked({ Array(shared.threads.values) }) where t !== self { wake(t) }
        }
        return r
    }

    /// Blocks on the host the signalfd signals the guest blocks, and
    /// unblocks the others it held (a held signal pending on the host then
    /// reaches the emulator's handler, and the guest, at once).
    func holdSignalfdSignals() {
        let want = signalfdSignals.load(ordering: .relaxed) & blocked & holdable
        let had = heldOnHost.exchange(want, ordering: .relaxed)
        if want == had { return }
        var add = sigset_t(), remove = sigset_t()
        sigemptyset(&add)
        sigemptyset(&remove)
        for s in Int32(1)...64 {
            let bit = UInt64(1) << UInt64(s - 1)
            if want & bit != 0 && had & bit == 0 { sigaddset(&add, s) }
            if had & bit != 0 && want & bit == 0 { sigaddset(&remove, s) }
        }
        pthread_sigmask(SIG_BLOCK, &add, nil)
        pthread_sigmask(SIG_UNBLOCK, &remove, nil)
    }

    /// True when `sig` is held on the host for a signalfd: a signal the
    /// guest sends itself must then be sent through the host.
    func heldForSignalfd(_ sig: Int32) -> Bool {
        sig >= 1 && sig <= 64 && heldOnHost.load(ordering: .relaxed) & holdable & (1 << UInt64(sig - 1)) != 0
    }

    /// The signals this thread holds blocked on the host for signalfds:
    /// those of every signalfd mask that it blocks.
    var heldSignalfdSignals: UInt64 { signalfdSignals.load(ordering: .relaxed) & blocked & holdable }

    /// Held signals pending on the host, for rt_sigpending.
    func hostPendingHeld() -> UInt64 {
        let held = heldOnHost.load(ordering: .relaxed)
        if held == 0 { return 0 }
        var set = sigset_t()
        sigpending(&set)
        var bits: UInt64 = 0
        for s in Int32(1)...64 where sigismember(&set, s) == 1 { bits |= 1 << UInt64(s - 1) }
        return bits & held
    }
}

import AArch64
import Glibc
import GuestMemory

// MARK: - Guest signal state

/// arm64 struct sigaction (asm-generic/signal.h with SA_RESTORER):
/// handler @0, flags @8, restorer @16, mask @24; 32 bytes.
struct GuestSigaction: Equatable {
    var handler: UInt64 = 0
    var flags: UInt64 = 0
    var restorer: UInt64 = 0
    var mask: UInt64 = 0
}

struct GuestAltStack {
    var sp: UInt64 = 0
    var flags: Int32 = 2 // SS_DISABLE
    var size: UInt64 = 0
}

struct PendingSignal {
    var sig: Int32
    var code: Int32
    /// si_addr for faults; si_pid/si_uid (low/high word) for kill.
    var addr: UInt64
    /// Raised by an instruction: cannot be blocked or ignored.
    var synchronous: Bool
    /// The ESR_EL1 value of a fault that the kernel reports in an
    /// esr_context record (data and instruction aborts, PC alignment); 0
    /// for none.
    var esr: UInt64 = 0
    /// si_value (siginfo offset 24) of timer and queued signals.
    var value: UInt64 = 0
}

/// ESR_EL1 as the arm64 kernel hands it to user space in esr_context
/// (arch/arm64/mm/fault.c set_thread_esr, kernel/traps.c arm64_notify_die).
enum Syndrome {
    static let il: UInt64 = 1 << 25
    /// Data abort from EL0 (EC 0x24), WnR in bit 6; a page-level (level 3)
    /// translation fault (DFSC 0b000111) for an unmapped page, a permission
    /// fault (0b001111) for a mapped one. Above the user address range the
    /// kernel sanitizes it to a level 0 translation fault.
    static func dataAbort(write: Bool, mapped: Bool, userAddress: Bool) -> UInt64 {
        var esr: UInt64 = 0x24 << 26 | il
        if write { esr |= 1 << 6 }
        if !userAddress { return esr | 0x04 }
        return esr | (mapped ? 0x0F : 0x07)
    }
    /// Instruction abort from EL0 (EC 0x20), same fault status codes.
    static func instructionAbort(mapped: Bool) -> UInt64 {
        (0x20 << 26) | il | (mapped ? 0x0F : 0x07)
    }
    /// PC alignment fault (EC 0x22).
    static let pcAlignment: UInt64 = (0x22 << 26) | il
    /// Data abort from EL0 with an alignment fault (DFSC 0b100001): a
    /// misaligned exclusive, atomic, LDAR or STLR.
    static func alignment(write: Bool) -> UInt64 {
        (0x24 << 26) | il | (write ? 1 << 6 : 0) | 0x21
    }
}

enum SegvCode {
    static let maperr: Int32 = 1
    static let accerr: Int32 = 2
}

public enum GuestSA {
    public static let siginfo: UInt64 = 0x4, onstack: UInt64 = 0x0800_0000, restart: UInt64 = 0x1000_0000
    public static let nodefer: UInt64 = 0x4000_0000, resethand: UInt64 = 0x8000_0000, restorer: UInt64 = 0x0400_0000
}

/// Offsets in the arm64 rt_sigframe (arch/arm64/kernel/signal.c,
/// asm/ucontext.h, asm/sigcontext.h): siginfo (128 bytes) then ucontext.
public enum SigFrame {
    public static let siginfo = 0
    public static let uc = 128
    public static let ucStack = uc + 16
    public static let ucSigmask = uc + 40
    public static let mcontext = uc + 176
    public static let faultAddress = mcontext + 0
    public static let regs = mcontext + 8
    public static let sp = mcontext + 256
    public static let pc = mcontext + 264
    public static let pstate = mcontext + 272
    public static let reserved = mcontext + 288
    /// sizeof(struct rt_sigframe), a multiple of 16.
    public static let size = 128 + 4560
    public static let fpsimdMagic: UInt32 = 0x4650_8001
    public static let fpsimdSize: UInt32 = 528
    public static let esrMagic: UInt32 = 0x4553_5201
    public static let esrSize: UInt32 = 16
}

/// Signals that terminate with a core dump by default; qemu reports these.
let coreSignals: Set<Int32> = [Sig.SIGQUIT, Sig.SIGILL, Sig.SIGTRAP, Sig.SIGABRT, Sig.SIGBUS,
                               Sig.SIGFPE, Sig.SIGSEGV, Sig.SIGXCPU, Sig.SIGXFSZ, Sig.SIGSYS]
/// Default action ignore (and stop, which a user-mode emulator cannot do).
let defaultIgnored: Set<Int32> = [Sig.SIGCHLD, Sig.SIGCONT, Sig.SIGURG, Sig.SIGWINCH,
                                  Sig.SIGSTOP, Sig.SIGTSTP, Sig.SIGTTIN, Sig.SIGTTOU]

/// Kills the emulator with `sig` so the parent sees the status a native
/// arm64 process would have (128 + sig in a shell). No core file is
/// written for the host process.
public func dieBySignal(_ sig: Int32) -> Never {
    var rl = rlimit(rlim_cur: 0, rlim_max: 0)
    setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &rl)
    // Raw calls: glibc's wrappers refuse 32 and 33.
    rawDefaultAction(sig)
    _ = rawSigprocmask(SIG_UNBLOCK, sigBit(sig))
    kill(getpid(), sig)
    _exit(128 + sig)
}

extension LinuxProcess {
    /// A signal raised by the current instruction (fault, undefined, brk).
    /// As in the kernel's force_sig_fault, a blocked or ignored one is reset
    /// to the default action.
    func raiseSynchronous(_ sig: Int32, code: Int32, addr: UInt64, esr: UInt64 = 0) {
        let bit = UInt64(1) << UInt64(sig - 1)
        if blocked & bit != 0 || sigActions[Int(sig)].handler == 1 {
            blocked &= ~bit
            sigActions[Int(sig)].handler = 0
        }
        pending.insert(PendingSignal(sig: sig, code: code, addr: addr, synchronous: true, esr: esr), at: 0)
    }

    /// SIGSEGV for an access the executor refused at `addr`, with the
    /// syndrome the kernel would report: an instruction abort when the
    /// fetch itself faulted, a data abort otherwise.
    func raiseAccessFault(addr: UInt64, write: Bool) {
        let mapped = addr < mem.size
            && mem.perms[Int(truncatingIfNeeded: addr >> AddressSpace.pageShift)] & PagePerm.mapped != 0
        // TASK_SIZE of a 48-bit VA arm64 kernel.
        let user = addr < 1 << 48
        let esr = !write && addr == cpu.pc
            ? Syndrome.instructionAbort(mapped: mapped)
            : Syndrome.dataAbort(write: write, mapped: mapped, userAddress: user)
        raiseSynchronous(Sig.SIGSEGV, code: mapped ? SegvCode.accerr : SegvCode.maperr, addr: addr, esr: esr)
    }

    /// Delivers every pending, unblocked signal: drops ignored ones, ends
    /// the process for default-fatal ones, or enters the guest handler.
    func deliverPending() {
        drainHostSignals()
        defer {
            // rt_sigsuspend's temporary mask ends with the delivery.
            if let saved = suspendSavedMask { blocked = saved; suspendSavedMask = nil }
            syncHostSignals()
        }
        // As the kernel's get_signal on the way back to user space: one
        // signal at a time in next_signal's order, each handler's frame
        // set up on top of the previous one under the mask its handler
        // installed, so the last one set up runs first.
        while termination == nil, let p = takeNextSignal(blocked: blocked) {
            let act = sigActions[Int(p.sig)]
            // qemu drops ignored signals before they are taken, so only
            // handled and fatal ones get a trace line.
            let ignored = act.handler == 1 || (act.handler == 0 && defaultIgnored.contains(p.sig))
            if options.strace && !ignored {
                Strace.emit(Strace.formatSignal(sig: p.sig, code: p.code, addr: p.addr, fault: p.synchronous))
            }
            switch act.handler {
            case 0:
                if defaultIgnored.contains(p.sig) { continue }
                terminate(by: p.sig)
            case 1:
                continue
            default:
                if !enterHandler(p, act) { terminate(by: Sig.SIGSEGV) }
            }
        }
    }

    func terminate(by sig: Int32) {
        if coreSignals.contains(sig) {
            if sig == Sig.SIGILL, let (insn, pc) = undefinedInsn {
                Strace.emit("swift-qemu-lite: undefined instruction 0x\(String(format8: insn)) at pc 0x\(String(pc, radix: 16))\n")
            }
            Strace.emit("qemu: uncaught target signal \(sig) (\(signalDescription(sig))) - core dumped\n")
        }
        termination = .signaled(sig)
    }

    // MARK: Frame

    /// Builds the kernel's rt_sigframe on the guest stack (or the alternate
    /// stack) and points the CPU at the handler. False when the frame cannot
    /// be written (the kernel then forces SIGSEGV).
    func enterHandler(_ p: PendingSignal, _ act: GuestSigaction) -> Bool {
        var sp = cpu.sp
        let onAlt = altStack.flags == 0 && altStack.size > 0 && sp > altStack.sp && sp <= altStack.sp + altStack.size
        if act.flags & GuestSA.onstack != 0 && altStack.flags == 0 && altStack.size > 0 && !onAlt {
            sp = altStack.sp + altStack.size
        }
        // struct frame_record {fp, lr} sits just above the frame, 16-aligned.
        let record = (sp &- 16) & ~15
        let frame = (record & ~15) &- UInt64(SigFrame.size)
        var f = [UInt8](repeating: 0, count: SigFrame.size)
        f.withUnsafeMutableBytes { b in
            func u64(_ o: Int, _ v: UInt64) { b.storeBytes(of: v, toByteOffset: o, as: UInt64.self) }
            func u32(_ o: Int, _ v: UInt32) { b.storeBytes(of: v, toByteOffset: o, as: UInt32.self) }
            // siginfo
            u32(0, UInt32(bitPattern: p.sig))
            u32(8, UInt32(bitPattern: p.code))
            u64(16, p.addr)
            u64(24, p.value)
            // ucontext: uc_stack, uc_sigmask
            u64(SigFrame.ucStack, altStack.sp)
            u32(SigFrame.ucStack + 8, altStack.size == 0 ? 2 : (onAlt ? 1 : UInt32(bitPattern: altStack.flags)))
            u64(SigFrame.ucStack + 16, altStack.size)
            u64(SigFrame.ucSigmask, suspendSavedMask ?? blocked)
            // sigcontext
            u64(SigFrame.faultAddress, p.synchronous ? p.addr : 0)
            for r in 0..<31 { u64(SigFrame.regs + 8 * r, cpu.r[r]) }
            u64(SigFrame.sp, cpu.sp)
            u64(SigFrame.pc, cpu.pc)
            u64(SigFrame.pstate, cpu.nzcv)
            // fpsimd_context record, esr_context for faults, then the null
            // terminator (already zero), in the kernel's order.
            let fp = SigFrame.reserved
            u32(fp, SigFrame.fpsimdMagic)
            u32(fp + 4, SigFrame.fpsimdSize)
            u32(fp + 8, UInt32(truncatingIfNeeded: cpu.r[Slot.fpsr]))
            u32(fp + 12, UInt32(truncatingIfNeeded: cpu.r[Slot.fpcr]))
            for v in 0..<32 {
                u64(fp + 16 + 16 * v, cpu.vLow(v))
                u64(fp + 24 + 16 * v, cpu.vHigh(v))
            }
            if p.esr != 0 {
                let e = fp + Int(SigFrame.fpsimdSize)
                u32(e, SigFrame.esrMagic)
                u32(e + 4, SigFrame.esrSize)
                u64(e + 8, p.esr)
            }
        }
        guard mem.write(frame, f), mem.writeU64(record, cpu.r[29]), mem.writeU64(record + 8, cpu.r[30]) else {
            return false
        }
        var ret = act.restorer
        if act.flags & GuestSA.restorer == 0 || ret == 0 {
            guard let t = sigreturnTrampoline() else { return false }
            ret = t
        }
        cpu.r[0] = UInt64(UInt32(bitPattern: p.sig))
        cpu.r[1] = frame + UInt64(SigFrame.siginfo)
        cpu.r[2] = frame + UInt64(SigFrame.uc)
        cpu.r[29] = record
        cpu.r[30] = ret
        cpu.sp = frame
        cpu.pc = act.handler
        var newMask = blocked | act.mask
        if act.flags & GuestSA.nodefer == 0 { newMask |= 1 << UInt64(p.sig - 1) }
        blocked = newMask & ~unblockable
        suspendSavedMask = nil
        if act.flags & GuestSA.resethand != 0 { sigActions[Int(p.sig)] = GuestSigaction() }
        return true
    }

    /// One page holding `mov x8, #139; svc #0` (rt_sigreturn), mapped on
    /// first use: there is no vDSO to provide __kernel_rt_sigreturn.
    func sigreturnTrampoline() -> UInt64? {
        if trampoline != 0 { return trampoline }
        guard let page = mem.findFree(AddressSpace.pageSize) else { return nil }
        mem.mapFixed(page, AddressSpace.pageSize, prot: PROT_READ | PROT_EXEC, name: "[sigreturn]")
        let code: [UInt32] = [0xD280_1168, 0xD400_0001]
        code.withUnsafeBytes { mem.poke(page, $0) }
        trampoline = page
        return page
    }

    /// rt_sigreturn: restores everything the frame at sp holds.
    func sysRtSigreturn(_ a: SysArgs) -> Int {
        let frame = cpu.sp
        guard let f = mem.read(frame, count: SigFrame.size) else {
            raiseSynchronous(Sig.SIGSEGV, code: 0x80 /* SI_KERNEL */, addr: 0)
            keepX0 = true
            return 0
        }
        f.withUnsafeBytes { b in
            func u64(_ o: Int) -> UInt64 { b.loadUnaligned(fromByteOffset: o, as: UInt64.self) }
            func u32(_ o: Int) -> UInt32 { b.loadUnaligned(fromByteOffset: o, as: UInt32.self) }
            for r in 0..<31 { cpu.r[r] = u64(SigFrame.regs + 8 * r) }
            cpu.sp = u64(SigFrame.sp)
            cpu.pc = u64(SigFrame.pc)
            cpu.nzcv = u64(SigFrame.pstate)
            blocked = u64(SigFrame.ucSigmask) & ~unblockable
            // Walk the records in __reserved for the FPSIMD state.
            var o = SigFrame.reserved
            while o + 8 <= SigFrame.size {
                let magic = u32(o), size = Int(u32(o + 4))
                if magic == 0 || size < 8 { break }
                if magic == SigFrame.fpsimdMagic && o + 528 <= SigFrame.size {
                    cpu.r[Slot.fpsr] = UInt64(u32(o + 8))
                    cpu.r[Slot.fpcr] = UInt64(u32(o + 12))
                    for v in 0..<32 { cpu.setV(v, low: u64(o + 16 + 16 * v), high: u64(o + 24 + 16 * v)) }
                }
                o += size
            }
        }
        syncHostSignals()
        keepX0 = true
        return Int(Int64(bitPattern: cpu.r[0]))
    }

    /// Syscalls the kernel never restarts after a handler ran (they return
    /// -ERESTARTNOHAND or use a restart block, or report EINTR by design):
    /// epoll_pwait, pselect6, ppoll, nanosleep, clock_nanosleep,
    /// rt_sigsuspend, rt_sigtimedwait, futex, io_getevents, io_pgetevents,
    /// epoll_pwait2, and SysV msgrcv, msgsnd, semtimedop and semop
    /// (ipc/msg.c and ipc/sem.c return -ERESTARTNOHAND or -EINTR).
    static let neverRestarted: Set<Int> = [4, 22, 72, 73, 98, 101, 115, 133, 137, 188, 189, 192, 193, 292, 441]

    /// After a host call of syscall `nr` failed with EINTR: true when the
    /// kernel would restart it (ERESTARTSYS), that is when the signal that
    /// interrupted it has a handler with SA_RESTART, or no handler at all
    /// (ignored); then the caller rewinds to the SVC, and the handler, if
    /// any, runs first.
    func restartAfterSignal(nr: Int) -> Bool {
        drainHostSignals()
        // Interrupted by nothing the guest takes now (an ignored or blocked
        // signal, a wake-up): the kernel would not have stopped the call.
        guard let p = peekNextSignal(blocked: blocked) else { return true }
        let act = sigActions[Int(p.sig)]
        switch act.handler {
        case 0: return defaultIgnored.contains(p.sig)
        case 1: return true
        default: return act.flags & GuestSA.restart != 0 && !Self.neverRestarted.contains(nr)
        }
    }

    /// Runs a host wait (ppoll, pselect6, epoll_pwait) as the kernel runs
    /// these calls with a signal mask argument (`maskAddr`, 0 for none):
    /// the mask replaces the blocked set for the duration of the call, a
    /// signal it lets in interrupts the wait with EINTR and its handler runs
    /// under that mask, and the old mask comes back afterwards (through the
    /// frame's uc_sigmask when a handler runs). `body` gets a host sigset_t
    /// pointer for the host call's own mask argument: the host unblocks only
    /// the signals the guest takes, atomically with the wait, so none slips
    /// in between the check for pending signals and the wait.
    func withWaitMask(_ maskAddr: UInt64, size: UInt64, _ body: (Int) -> Int) -> Int {
        var mask = blocked
        if maskAddr != 0 {
            guard size == 8 else { return -Errno.EINVAL }
            guard let m = mem.readU64(maskAddr) else { return -Errno.EFAULT }
            mask = m & ~unblockable
        }
        let old = blocked
        blocked = mask
        syncHostSignals()
        var hold = sigset_t(), hostOld = sigset_t()
        sigfillset(&hold)
        // Faults of the emulator itself stay deliverable.
        for s in [Sig.SIGSEGV, Sig.SIGBUS, Sig.SIGILL, Sig.SIGFPE, Sig.SIGTRAP] { sigdelset(&hold, s) }
        pthread_sigmask(SIG_BLOCK, &hold, &hostOld)
        var during = hostOld
        for s in Int32(1)...31 where mask & (1 << UInt64(s - 1)) != 0 { sigaddset(&during, s) }
        let r = hasDeliverable ? -Errno.EINTR : withUnsafePointer(to: &during) { body(Int(bitPattern: $0)) }
        pthread_sigmask(SIG_SETMASK, &hostOld, nil)
        if r == -Errno.EINTR && hasDeliverable {
            // deliverPending puts it back once the handler frame is built.
            suspendSavedMask = old
        } else {
            blocked = old
            syncHostSignals()
        }
        return r
    }

    /// SIGKILL and SIGSTOP cannot be blocked.
    var unblockable: UInt64 { (1 << UInt64(Sig.SIGKILL - 1)) | (1 << UInt64(Sig.SIGSTOP - 1)) }

    /// Makes the host's handling of each asynchronous signal follow the
    /// guest's: ignored stays ignored (so a write to a closed pipe gives
    /// EPIPE), a guest handler or a blocked signal is caught and queued for
    /// the guest, and an unblocked default one keeps the host default, which
    /// ends (or stops) the emulator as it would the native process.
    func syncHostSignals() {
        // Read once: each read of these tables copies it under the lock,
        // and this runs after every syscall.
        let acts = sigActions, current = hostDispositions
        for sig in Int32(1)...31 {
            // Faults of the emulator itself must never reach a guest handler.
            switch sig {
            case Sig.SIGSEGV, Sig.SIGBUS, Sig.SIGILL, Sig.SIGFPE, Sig.SIGTRAP, Sig.SIGKILL, Sig.SIGSTOP: continue
            default: break
            }
            let act = acts[Int(sig)]
            let isBlocked = blocked & (1 << UInt64(sig - 1)) != 0
            let want: HostDisposition
            switch act.handler {
            case 1: want = .ignore
            case 0: want = isBlocked ? .catchRestart : .fallback
            // A guest handler must run while a host call blocks, so the
            // call is always interrupted; restartAfterSignal decides whether
            // the guest sees EINTR (SA_RESTART as the kernel applies it).
            default: want = .catchInterrupt
            }
            if current[Int(sig)] == want { continue }
            hostDispositions[Int(sig)] = want
            switch want {
            case .fallback: signal(sig, SIG_DFL)
            case .ignore: signal(sig, SIG_IGN)
            case .catchRestart, .catchInterrupt:
                catchHostSignal(sig, restart: want == .catchRestart)
            }
        }
        if signalfdSignals.load(ordering: .relaxed) != 0 { holdSignalfdSignals() }
    }

    /// What execve hands a new program: ignored signals stay ignored and the
    /// blocked mask is kept. The emulator was exec'd like the guest, so it
    /// takes both from its own host state, then unblocks everything on the
    /// host (syncHostSignals catches what the guest keeps blocked).
    func inheritHostSignalState() {
        // The raw mask: it carries the guest's 32 and 33 too.
        let hostMask = rawSigprocmask(SIG_BLOCK, nil)
        for sig in Int32(1)...Sig.count where sig != Sig.SIGKILL && sig != Sig.SIGSTOP {
            if hostMask & sigBit(sig) != 0 { blocked |= 1 << UInt64(sig - 1) }
            guard sig <= 31 else { continue }
            var old = sigaction()
            // SIG_IGN is the handler value 1.
            if sigaction(sig, nil, &old) == 0,
               unsafeBitCast(old.__sigaction_handler.sa_handler, to: Int.self) == 1 {
                sigActions[Int(sig)].handler = 1
                hostDispositions[Int(sig)] = .ignore
            }
        }
        catchHostRealtimeSignals()
        // The host mask mirrors the guest's (SysThreads.swift).
        applyHostMask()
        syncHostSignals()
    }

    /// Before execve: the host mask becomes the guest's, so the next
    /// emulator inherits it (ignored signals are already ignored on the host).
    func prepareHostSignalsForExec() {
        _ = rawSigprocmask(SIG_SETMASK, blocked)
    }

    /// True when a pending signal would be delivered now.
    var hasDeliverable: Bool {
        drainHostSignals()
        return peekNextSignal(blocked: blocked) != nil
    }
}

enum HostDisposition: Equatable {
    case fallback, ignore, catchRestart, catchInterrupt
}

extension String {
    /// Eight hex digits, as qemu prints instruction words.
    init(format8 v: UInt32) {
        let s = String(v, radix: 16)
        self = String(repeating: "0", count: 8 - s.count) + s
    }
}

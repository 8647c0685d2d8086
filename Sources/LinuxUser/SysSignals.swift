import Glibc
import GuestMemory

// MARK: - rt_sigaction, rt_sigprocmask, sigaltstack, kill

extension LinuxProcess {
    func sysRtSigaction(_ a: SysArgs) -> Int {
        let sig = a.i32(0)
        guard sig >= 1 && sig <= Int(Sig.count), a[3] == 8 else { return -Errno.EINVAL }
        var new: GuestSigaction?
        if a[1] != 0 {
            guard let b = mem.read(a[1], count: 32) else { return -Errno.EFAULT }
            new = b.withUnsafeBytes {
                GuestSigaction(handler: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                               flags: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                               restorer: $0.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                               mask: $0.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            }
            if sig == Int(Sig.SIGKILL) || sig == Int(Sig.SIGSTOP) { return -Errno.EINVAL }
        }
        let old = sigActions[sig]
        if a[2] != 0 && !put(a[2], (old.handler, old.flags, old.restorer, old.mask)) { return -Errno.EFAULT }
        if var n = new {
            n.mask &= ~unblockable
            sigActions[sig] = n
            syncHostSignals()
            // Setting SIG_IGN discards a pending instance (POSIX).
            if n.handler == 1 { pending.removeAll { $0.sig == Int32(sig) && !$0.synchronous } }
        }
        return 0
    }

    func sysRtSigprocmask(_ a: SysArgs) -> Int {
        guard a[3] == 8 else { return -Errno.EINVAL }
        let old = blocked
        if a[1] != 0 {
            guard let set = mem.readU64(a[1]) else { return -Errno.EFAULT }
            switch a.i32(0) {
            case 0: blocked |= set
            case 1: blocked &= ~set
            case 2: blocked = set
            default: return -Errno.EINVAL
            }
            blocked &= ~unblockable
            syncHostSignals()
        }
        if a[2] != 0 && !mem.writeU64(a[2], old) { return -Errno.EFAULT }
        return 0
    }

    /// Waits with a temporary mask until a signal is taken; always -EINTR.
    func sysRtSigsuspend(_ a: SysArgs) -> Int {
        guard a[1] == 8 else { return -Errno.EINVAL }
        guard let mask = mem.readU64(a[0]) else { return -Errno.EFAULT }
        let old = blocked
        blocked = mask & ~unblockable
        syncHostSignals()
        while !hasDeliverable { _ = waitForHostSignal(timeout: 0) }
        suspendSavedMask = old
        return -Errno.EINTR
    }

    /// Takes a pending signal of the set without running its handler.
    func sysRtSigtimedwait(_ a: SysArgs) -> Int {
        guard a[3] == 8 else { return -Errno.EINVAL }
        guard let set = mem.readU64(a[0]) else { return -Errno.EFAULT }
        var ts = 0
        if a[2] != 0 { guard let p = inBuf(a[2], 16) else { return -Errno.EFAULT }; ts = Int(bitPattern: p) }
        while true {
            drainHostSignals()
            if let i = pending.firstIndex(where: { set & (1 << UInt64($0.sig - 1)) != 0 }) {
                let p = pending.remove(at: i)
                if a[1] != 0 {
                    var info = [UInt8](repeating: 0, count: 128)
                    info.withUnsafeMutableBytes {
                        $0.storeBytes(of: p.sig, toByteOffset: 0, as: Int32.self)
                        $0.storeBytes(of: p.code, toByteOffset: 8, as: Int32.self)
                        $0.storeBytes(of: p.addr, toByteOffset: 16, as: UInt64.self)
                        $0.storeBytes(of: p.value, toByteOffset: 24, as: UInt64.self)
                    }
                    guard mem.write(a[1], info) else { return -Errno.EFAULT }
                }
                return Int(p.sig)
            }
            // The awaited signals are blocked: make sure the host catches them.
            syncHostSignals()
            if !waitForHostSignal(timeout: ts) && ts != 0 { return -Errno.EAGAIN }
        }
    }

    func sysRtSigpending(_ a: SysArgs) -> Int {
        var set: UInt64 = 0
        for p in pending { set |= 1 << UInt64(p.sig - 1) }
        // Blocked signals wait in the host kernel (the host mask mirrors
        // the guest's), signalfd-held ones included.
        set |= hostPendingMirrored()
        return mem.writeU64(a[0], set & blocked) ? 0 : -Errno.EFAULT
    }

    /// stack_t: ss_sp @0, ss_flags (int) @8, ss_size @16; 24 bytes.
    func sysSigaltstack(_ a: SysArgs) -> Int {
        let onAlt = altStack.size > 0 && altStack.flags == 0 && cpu.sp > altStack.sp && cpu.sp <= altStack.sp + altStack.size
        if a[1] != 0 {
            let flags: Int32 = altStack.size == 0 || altStack.flags != 0 ? 2 : (onAlt ? 1 : 0)
            guard put(a[1], (altStack.sp, flags, Int32(0), altStack.size)) else { return -Errno.EFAULT }
        }
        if a[0] != 0 {
            guard let b = mem.read(a[0], count: 24) else { return -Errno.EFAULT }
            if onAlt { return -Errno.EPERM }
            let sp = b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self) }
            let flags = b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: Int32.self) }
            let size = b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 16, as: UInt64.self) }
            if flags & 2 != 0 {
                altStack = GuestAltStack()
            } else {
                guard flags & ~Int32(bitPattern: 0x8000_0000) == 0 else { return -Errno.EINVAL }
                guard size >= 2048 else { return -12 /* ENOMEM */ }
                altStack = GuestAltStack(sp: sp, flags: 0, size: size)
            }
        }
        return 0
    }

    func sysKill(_ a: SysArgs) -> Int {
        let target = a.i32(0), sig = a.i32(1)
        guard sig >= 0 && sig <= Int(Sig.count) else { return -Errno.EINVAL }
        if target == pid || target == 0 {
            // A signal this thread blocks goes through the host, which hands
            // it to a thread that does not block it (the host masks mirror
            // the guest's) or keeps it pending.
            if sig != 0 && shared.multiThreaded && isMirrored(Int32(sig)) && blocked & (1 << UInt64(sig - 1)) != 0 {
                return HostSyscall.call(HostNR.kill, pid, sig)
            }
            if sig != 0 { queueSignal(Int32(sig), code: 0 /* SI_USER */) }
            return 0
        }
        return HostSyscall.call(HostNR.kill, target, sig)
    }

    func sysTkill(_ a: SysArgs, tidArg: Int, sigArg: Int) -> Int {
        let tid = a.i32(tidArg), sig = a.i32(sigArg)
        guard sig >= 0 && sig <= Int(Sig.count), tid > 0 else { return -Errno.EINVAL }
        if tidArg == 1 && a.i32(0) != pid { return -Errno.ESRCH }
        // Another thread of this process (or a stranger, whom the host
        // refuses): the host delivers it, and its handler queues it here.
        guard tid == self.tid else { return HostSyscall.call(HostNR.tgkill, pid, tid, sig) }
        if sig != 0 { queueSignal(Int32(sig), code: -6 /* SI_TKILL */) }
        return 0
    }
}

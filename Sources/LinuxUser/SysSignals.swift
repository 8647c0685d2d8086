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
            // (and SIG_DFL of a signal whose default is to ignore it), in
            // every thread and in the process queue, as the kernel's
            // do_sigaction does.
            if n.handler == 1 || (n.handler == 0 && defaultIgnored.contains(Int32(sig))) { discardPending(Int32(sig)) }
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
        // The host keeps back what the guest blocks, so another thread or a
        // signalfd gets it.
        while !hasDeliverable { _ = sleepUntil(timeout: 0, keepBlocked: blocked | heldSignalfdSignals) { hasDeliverable } }
        suspendSavedMask = old
        return -Errno.EINTR
    }

    /// Takes a pending signal of the set without running its handler: this
    /// thread's first, then the process's, lowest number first; a real-time
    /// signal's instances one by one, each with its siginfo.
    func sysRtSigtimedwait(_ a: SysArgs) -> Int {
        guard a[3] == 8 else { return -Errno.EINVAL }
        guard let s = mem.readU64(a[0]) else { return -Errno.EFAULT }
        let set = s & ~unblockable
        var deadline: timespec?
        if a[2] != 0 {
            guard let sec = mem.readU64(a[2]), let nsec = mem.readU64(a[2] + 8) else { return -Errno.EFAULT }
            guard Int64(bitPattern: sec) >= 0, nsec < 1_000_000_000 else { return -Errno.EINVAL }
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let (total, over) = Int(now.tv_sec).addingReportingOverflow(Int(truncatingIfNeeded: Int64(bitPattern: sec)))
            deadline = timespec(tv_sec: over ? Int.max / 2 : total, tv_nsec: now.tv_nsec + Int(nsec))
            if deadline!.tv_nsec >= 1_000_000_000 { deadline!.tv_sec &+= 1; deadline!.tv_nsec -= 1_000_000_000 }
        }
        // Other threads see the waited signals as taken by this one, so a
        // process-wide one that every thread blocks wakes it (the kernel
        // unblocks them for the wait).
        sigwaitSet = set
        if signalSlot >= 0 { slotGuestBlocked[signalSlot].store(blocked & ~set, ordering: .releasing) }
        defer {
            sigwaitSet = 0
            if signalSlot >= 0 { slotGuestBlocked[signalSlot].store(blocked, ordering: .releasing) }
        }
        while true {
            pullHostPending(set)
            drainHostSignals()
            if let p = takeNextSignal(blocked: 0, only: set) {
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
            // Another signal the thread takes ends the wait with EINTR.
            if peekNextSignal(blocked: blocked) != nil { return -Errno.EINTR }
            syncHostSignals()
            var remaining = timespec(tv_sec: 0, tv_nsec: 0)
            if let d = deadline {
                var now = timespec()
                clock_gettime(CLOCK_MONOTONIC, &now)
                var sec = d.tv_sec &- now.tv_sec, nsec = d.tv_nsec - now.tv_nsec
                if nsec < 0 { sec -= 1; nsec += 1_000_000_000 }
                if sec < 0 { return -Errno.EAGAIN }
                remaining = timespec(tv_sec: sec, tv_nsec: nsec)
            }
            let woke = withUnsafePointer(to: &remaining) { ts in
                sleepUntil(timeout: deadline == nil ? 0 : Int(bitPattern: ts), keepBlocked: (blocked | heldSignalfdSignals) & ~set) {
                    drainHostSignals()
                    return peekNextSignal(blocked: ~set) != nil || peekNextSignal(blocked: blocked) != nil
                }
            }
            if !woke && deadline != nil {
                drainHostSignals()
                if peekNextSignal(blocked: ~set) == nil { return -Errno.EAGAIN }
            }
        }
    }

    func sysRtSigpending(_ a: SysArgs) -> Int {
        drainHostSignals()
        // Blocked standard signals may also wait in the host kernel (the
        // host mask mirrors the guest's), signalfd-held ones included.
        let set = pendingSet | hostPendingMirrored() | hostPendingHeld()
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
}

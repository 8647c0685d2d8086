import Glibc

// MARK: - Sending signals: kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo; timers
//
// Within the process a signal goes onto the target thread's or the
// process's queue (SignalQueue.swift); to another process it is the host
// signal of the same number, or for guest 32-34 the carrier (SignalHost.swift).

let sigqueueSyscallRows: [SyscallRow] = [
    SyscallRow(107, "timer_create", nil, note: "host POSIX timers (struct sigevent is the same); a real-time signal (32-64) is sent as the emulator's host signal and mapped back by timer id") { $0.sysTimerCreate($1) },
    SyscallRow(111, "timer_delete", nil) { $0.sysTimerDelete($1) },
    SyscallRow(129, "kill", [.int, .signal], note: "to its own process: queued by the emulator; to others: the host signal (guest 32-34 through the emulator's carrier signal)") { $0.sysKill($1) },
    SyscallRow(130, "tkill", [.int, .signal]) { $0.sysTkill($1, tgid: nil, tid: $1.i32(0), sig: Int32(truncatingIfNeeded: $1.i32(1))) },
    SyscallRow(131, "tgkill", [.int, .int, .signal], note: "a thread of its own process: queued on that thread") { $0.sysTkill($1, tgid: $1.i32(0), tid: $1.i32(1), sig: Int32(truncatingIfNeeded: $1.i32(2))) },
    SyscallRow(136, "rt_sigpending", nil, note: "the thread's and the process's queues, and blocked signals held in the host kernel") { $0.sysRtSigpending($1) },
    SyscallRow(137, "rt_sigtimedwait", nil, note: "thread queue first, then the process's, lowest number first; real-time signals one instance at a time with their siginfo") { $0.sysRtSigtimedwait($1) },
    SyscallRow(138, "rt_sigqueueinfo", nil, note: "the caller's siginfo; a non-negative si_code or SI_TKILL to another thread gives EPERM, as in the kernel") { $0.sysRtSigqueueinfo($1, tgid: $1.i32(0), tid: nil, sig: Int32(truncatingIfNeeded: $1.i32(1)), info: $1[2]) },
    SyscallRow(240, "rt_tgsigqueueinfo", nil) { $0.sysRtSigqueueinfo($1, tgid: $1.i32(0), tid: $1.i32(1), sig: Int32(truncatingIfNeeded: $1.i32(2)), info: $1[3]) },
]

extension LinuxProcess {
    /// si_pid | si_uid << 32 of a signal this process sends.
    var senderWord: UInt64 { UInt64(UInt32(truncatingIfNeeded: pid)) | UInt64(getuid()) << 32 }

    func sysKill(_ a: SysArgs) -> Int {
        let target = a.i32(0), sig = Int32(truncatingIfNeeded: a.i32(1))
        guard sig >= 0 && sig <= Sig.count else { return -Errno.EINVAL }
        if target == pid {
            if sig == 0 { return 0 }
            if heldForSignalfd(sig) { return sendHeldToSelf(sig, code: SiCode.user, value: 0) }
            postToProcess(PendingSignal(sig: sig, code: SiCode.user, addr: senderWord, synchronous: false))
            return 0
        }
        if target > 0 { return sendToOtherProcess(pid: target, tid: 0, sig: sig, code: SiCode.user, value: 0) }
        // A process group (0: the caller's) or every process (-1, which
        // leaves out init and the caller): each member in turn, this
        // process through its own queue.
        guard target != Int(Int32.min) else { return -Errno.ESRCH }
        let members = groupMembers(target).filter { target != -1 || $0 != pid }
        if members.isEmpty { return -Errno.ESRCH }
        var sent = false, err = -Errno.ESRCH
        for m in members {
            if m == pid {
                if sig != 0 { postToProcess(PendingSignal(sig: sig, code: SiCode.user, addr: senderWord, synchronous: false)) }
                sent = true
            } else {
                let r = sendToOtherProcess(pid: m, tid: 0, sig: sig, code: SiCode.user, value: 0)
                if r == 0 { sent = true } else { err = r }
            }
        }
        return sent ? 0 : err
    }

    /// A signal held for a signalfd, sent within the process: it must wait
    /// in the host kernel, where the signalfd reads it. It goes to thread
    /// `tid` (the caller unless named), whose host mask holds it, so that
    /// no other thread's host handler takes it first; si_code and the
    /// sender's identity are kept (the host lets a thread give itself any
    /// si_code).
    func sendHeldToSelf(_ sig: Int32, code: Int32, value: UInt64, tid: Int? = nil, info: [UInt8]? = nil) -> Int {
        var si = info ?? [UInt8](repeating: 0, count: 128)
        si.withUnsafeMutableBytes {
            $0.storeBytes(of: sig, toByteOffset: 0, as: Int32.self)
            if info == nil {
                $0.storeBytes(of: code, toByteOffset: 8, as: Int32.self)
                $0.storeBytes(of: senderWord, toByteOffset: 16, as: UInt64.self)
                $0.storeBytes(of: value, toByteOffset: 24, as: UInt64.self)
            }
        }
        let target = tid ?? self.tid
        if target != self.tid && (code >= 0 || code == SiCode.tkill) {
            return HostSyscall.call(HostNR.tgkill, pid, target, Int(sig))
        }
        return si.withUnsafeBytes { HostSyscall.call(HostSigNR.rt_tgsigqueueinfo, pid, target, Int(sig), Int(bitPattern: $0.baseAddress)) }
    }

    /// The processes kill(target) reaches: target 0 is the caller's process
    /// group, -1 every process but init, -N group N.
    func groupMembers(_ target: Int) -> [Int] {
        let group = target == 0 ? Int(getpgrp()) : -target
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var out: [Int] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let n = Int(name), n > 0 else { continue }
            if target == -1 { if n != 1 { out.append(n) }; continue }
            if Int(getpgid(pid_t(n))) == group { out.append(n) }
        }
        return out
    }

    /// The guest thread `tid` of this process, if it lives.
    func ownThread(_ tid: Int) -> LinuxProcess? {
        if tid == self.tid { return self }
        return shared.locked { shared.threads[tid] }
    }

    /// tkill (tgid nil) and tgkill.
    func sysTkill(_ a: SysArgs, tgid: Int?, tid: Int, sig: Int32) -> Int {
        guard sig >= 0 && sig <= Sig.count, tid > 0, (tgid ?? 1) > 0 else { return -Errno.EINVAL }
        if tgid == nil || tgid == pid, let t = ownThread(tid) {
            if sig == 0 { return 0 }
            if heldForSignalfd(sig) { return sendHeldToSelf(sig, code: SiCode.tkill, value: 0, tid: tid) }
            _ = postToThread(t, PendingSignal(sig: sig, code: SiCode.tkill, addr: senderWord, synchronous: false))
            return 0
        }
        if tgid == pid { return -Errno.ESRCH }
        let group = tgid ?? threadGroup(of: tid)
        guard group > 0 else { return -Errno.ESRCH }
        return sendToOtherProcess(pid: group, tid: tid, sig: sig, code: SiCode.tkill, value: 0)
    }

    /// The Tgid line of /proc/TID/status, or -1.
    func threadGroup(of tid: Int) -> Int {
        guard let f = fopen("/proc/\(tid)/status", "r") else { return -1 }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, 256, f) != nil {
            let s = String(cString: line)
            if s.hasPrefix("Tgid:") { return Int(String(s.dropFirst(5).filter { $0.isNumber })) ?? -1 }
        }
        return -1
    }

    /// rt_sigqueueinfo (tid nil) and rt_tgsigqueueinfo, with the kernel's
    /// checks (kernel/signal.c do_rt_sigqueueinfo, do_rt_tgsigqueueinfo).
    func sysRtSigqueueinfo(_ a: SysArgs, tgid: Int, tid: Int?, sig: Int32, info addr: UInt64) -> Int {
        guard var info = mem.read(addr, count: 128) else { return -Errno.EFAULT }
        if let t = tid, t <= 0 || tgid <= 0 { return -Errno.EINVAL }
        let code = info.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: Int32.self) }
        // Not even root may pretend to be the kernel or kill()/tgkill().
        if (code >= 0 || code == SiCode.tkill) && (tid ?? tgid) != self.tid { return -Errno.EPERM }
        guard sig >= 0 && sig <= Sig.count else { return -Errno.EINVAL }
        info.withUnsafeMutableBytes { $0.storeBytes(of: sig, toByteOffset: 0, as: Int32.self) }
        let word = info.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 16, as: UInt64.self) }
        let value = info.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 24, as: UInt64.self) }
        let p = PendingSignal(sig: sig, code: code, addr: word, synchronous: false, value: value)
        if tgid == pid && sig != 0 && heldForSignalfd(sig) {
            return sendHeldToSelf(sig, code: code, value: value, tid: tid ?? self.tid, info: info)
        }
        if tgid == pid {
            if let t = tid {
                guard let target = ownThread(t) else { return -Errno.ESRCH }
                if sig == 0 { return 0 }
                return postToThread(target, p) ? 0 : -Errno.EAGAIN
            }
            if sig == 0 { return 0 }
            return postToProcess(p) ? 0 : -Errno.EAGAIN
        }
        return sendToOtherProcess(pid: tgid, tid: tid ?? 0, sig: sig, code: code, value: value, info: info)
    }

    // MARK: POSIX timers

    /// struct sigevent (value @0, signo @8, notify @12, thread id @16; 64
    /// bytes) and the signal numbers are the same on arm64 and x86_64, so
    /// the host kernel runs the timer. A real-time signal is sent as the
    /// emulator's own host signal and mapped back by the timer id (host and
    /// guest ids are the same); SIGEV_THREAD_ID names a guest thread, which
    /// is the host thread of the same id.
    func sysTimerCreate(_ a: SysArgs) -> Int {
        guard let idOut = outBuf(a[2], 4) else { return -Errno.EFAULT }
        var sev = [UInt8](repeating: 0, count: 64)
        var signo = Sig.SIGALRM, notify: Int32 = 0
        if a[1] != 0 {
            guard let b = mem.read(a[1], count: 64) else { return -Errno.EFAULT }
            sev = b
            signo = b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: Int32.self) }
            notify = b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 12, as: Int32.self) }
            if notify != 1 /* SIGEV_NONE */ && (signo < 1 || signo > Sig.count) { return -Errno.EINVAL }
            if notify != 1 && signo >= 32 {
                sev.withUnsafeMutableBytes { $0.storeBytes(of: HostSig.own, toByteOffset: 8, as: Int32.self) }
            }
        }
        var id: Int32 = -1
        let r = a[1] == 0
            ? withUnsafeMutablePointer(to: &id) { HostSyscall.call(HostTimerNR.timer_create, a.i32(0), 0, Int(bitPattern: $0)) }
            : sev.withUnsafeBytes { s in
                withUnsafeMutablePointer(to: &id) {
                    HostSyscall.call(HostTimerNR.timer_create, a.i32(0), Int(bitPattern: s.baseAddress), Int(bitPattern: $0))
                }
            }
        if r < 0 { return r }
        if id >= 0 && Int(id) < timerTableSize {
            let entry = notify == 1 ? 0 : Int(signo) | (notify & 4 != 0 ? 0x100 : 0)
            timerGuestSignal[Int(id)].store(entry, ordering: .releasing)
        }
        idOut.storeBytes(of: id, as: Int32.self)
        return 0
    }

    func sysTimerDelete(_ a: SysArgs) -> Int {
        let id = a.i32(0)
        let r = HostSyscall.call(HostTimerNR.timer_delete, id)
        if r == 0 && id >= 0 && id < timerTableSize { timerGuestSignal[id].store(0, ordering: .releasing) }
        return r
    }
}

import AArch64
import Glibc
import Synchronization

// MARK: - The guest's pending signals
//
// As in the kernel, each thread has its own queue (thread-directed
// signals: tgkill, faults, SIGEV_THREAD_ID timers) and the process has one
// (kill, sigqueue, process timers, signals from other processes). Real-time
// signals (32-64) are queued once per send with their siginfo; a standard
// signal already pending in a queue is not queued again. A thread takes
// signals from its own queue first, then from the process's; within each,
// synchronous ones (faults) first, then the lowest number
// (kernel/signal.c next_signal).

/// Signals other threads posted to one thread, drained by that thread.
final class SignalInbox {
    var items: [PendingSignal] = []
    let nonEmpty = Atomic<Bool>(false)
}

/// The synchronous signals of the kernel's SYNCHRONOUS_MASK.
let synchronousSignals: UInt64 = [Sig.SIGSEGV, Sig.SIGBUS, Sig.SIGILL, Sig.SIGTRAP, Sig.SIGFPE, Sig.SIGSYS]
    .reduce(0) { $0 | (1 << UInt64($1 - 1)) }

@inline(__always) func sigBit(_ sig: Int32) -> UInt64 { 1 << UInt64(sig - 1) }

/// The most real-time signals queued at once (RLIMIT_SIGPENDING, as read
/// at start).
let queuedSignalLimit: Int = {
    var rl = rlimit()
    guard getrlimit(__rlimit_resource_t(11) /* RLIMIT_SIGPENDING */, &rl) == 0 else { return 1 << 14 }
    return rl.rlim_cur > UInt64(1 << 20) ? 1 << 20 : max(Int(rl.rlim_cur), 64)
}()

/// Index of the signal to take from `q` under `blocked`: a synchronous
/// one first, then the lowest number, first queued first.
func nextIndex(_ q: [PendingSignal], blocked: UInt64, only: UInt64 = ~0) -> Int? {
    var best: Int?
    for (i, p) in q.enumerated() {
        let bit = sigBit(p.sig)
        if p.synchronous { if best == nil || !q[best!].synchronous { best = i }; continue }
        if blocked & bit != 0 || only & bit == 0 { continue }
        guard let b = best else { best = i; continue }
        if q[b].synchronous { continue }
        let bs = q[b].sig, ps = p.sig
        let bSync = synchronousSignals & sigBit(bs) != 0, pSync = synchronousSignals & sigBit(ps) != 0
        if (pSync && !bSync) || (pSync == bSync && ps < bs) { best = i }
    }
    return best
}

extension LinuxProcess {
    /// Adds a signal to this thread's own queue (standard ones coalesce).
    /// False when a real-time signal finds the queue full.
    @discardableResult
    func enqueueOwn(_ p: PendingSignal) -> Bool {
        if p.sig < 32 && pending.contains(where: { $0.sig == p.sig && !$0.synchronous }) { return true }
        if p.sig >= 32 && pending.count >= queuedSignalLimit { return false }
        pending.append(p)
        return true
    }

    /// A thread-directed signal from this process to thread `target`.
    func postToThread(_ target: LinuxProcess, _ p: PendingSignal) -> Bool {
        if target === self { return enqueueOwn(p) }
        let ok: Bool = shared.locked {
            let box = target.inbox
            if p.sig < 32 && box.items.contains(where: { $0.sig == p.sig }) { return true }
            if p.sig >= 32 && box.items.count >= queuedSignalLimit { return false }
            box.items.append(p)
            box.nonEmpty.store(true, ordering: .releasing)
            return true
        }
        wake(target)
        return ok
    }

    /// A process-directed signal: on the process queue, and a thread that
    /// does not block it is woken (the main thread first, as the kernel's
    /// complete_signal tries the thread group leader first).
    @discardableResult
    func postToProcess(_ p: PendingSignal, preferSelf: Bool = false) -> Bool {
        let bit = sigBit(p.sig)
        let (ok, target): (Bool, LinuxProcess?) = shared.locked {
            if p.sig < 32 && shared.processPending.contains(where: { $0.sig == p.sig }) { return (true, nil) }
            if p.sig >= 32 && shared.processPending.count >= queuedSignalLimit { return (false, nil) }
            shared.processPending.append(p)
            shared.processPendingCount.store(shared.processPending.count, ordering: .releasing)
            if preferSelf && blocked & bit == 0 { return (true, self) }
            let threads = shared.threads
            if let main = threads[pid], main.guestBlocked & bit == 0 { return (true, main) }
            if blocked & bit == 0 { return (true, self) }
            for t in threads.values.sorted(by: { $0.tid < $1.tid }) where t.guestBlocked & bit == 0 { return (true, t) }
            return (true, nil)
        }
        if let t = target, t !== self { wake(t) }
        return ok
    }

    /// The mask of a thread, as other threads may read it.
    var guestBlocked: UInt64 {
        signalSlot >= 0 ? slotGuestBlocked[signalSlot].load(ordering: .acquiring) : blocked
    }

    /// Makes `target` look at its queues: its executor stops at the next
    /// block, and a host call it sleeps in is interrupted.
    func wake(_ target: LinuxProcess) {
        Executor.requestAttention(word: target.cpu.r + Slot.attention, Executor.attentionStop)
        if target.tid > 0 { _ = HostSyscall.call(HostNR.tgkill, pid, target.tid, Int(HostSig.own)) }
    }

    /// Moves caught host signals and signals posted by other threads into
    /// the queues.
    func drainHostSignals() {
        let (entries, throttled) = takeRing(signalSlot)
        var global: [[UInt64]] = []
        if ringHead[threadSlotCapacity].load(ordering: .relaxed) != ringTail[threadSlotCapacity].load(ordering: .relaxed) {
            // Host signals caught on a thread the table does not know.
            shared.locked { global = takeRing(threadSlotCapacity).entries }
        }
        for e in entries + global { acceptHostSignal(e) }
        if throttled || seenSignalfdGeneration != signalfdGeneration.load(ordering: .relaxed) { applyHostMask() }
        if inbox.nonEmpty.load(ordering: .acquiring) {
            let items: [PendingSignal] = shared.locked {
                let i = inbox.items
                inbox.items.removeAll()
                inbox.nonEmpty.store(false, ordering: .relaxed)
                return i
            }
            for p in items { enqueueOwn(p) }
        }
    }

    /// One caught host signal as the guest signal it stands for.
    private func acceptHostSignal(_ e: [UInt64]) {
        let hostSig = Int32(truncatingIfNeeded: e[0])
        let code = Int32(truncatingIfNeeded: e[2])
        let word16 = e[3], value = e[4]
        var sig = hostSig, guestCode = code, threadDirected = code == SiCode.tkill
        if hostSig == HostSig.own {
            let senderPid = Int(Int32(truncatingIfNeeded: word16))
            if code == SiCode.timer {
                let id = Int(Int32(truncatingIfNeeded: word16))
                guard id >= 0 && id < timerTableSize else { return }
                let entry = timerGuestSignal[id].load(ordering: .relaxed)
                guard entry != 0 else { return }
                sig = Int32(entry & 0xff)
                threadDirected = entry & 0x100 != 0
            } else if UInt32(truncatingIfNeeded: e[5]) == HostSig.carrierMagic {
                sig = Int32(truncatingIfNeeded: e[5] >> 32)
                guestCode = Int32(truncatingIfNeeded: e[6])
                threadDirected = e[6] >> 32 != 0
            } else if code == SiCode.tkill && senderPid == pid {
                return // a wake-up
            }
        } else if code == SiCode.timer {
            let id = Int(Int32(truncatingIfNeeded: word16))
            if id >= 0 && id < timerTableSize { threadDirected = timerGuestSignal[id].load(ordering: .relaxed) & 0x100 != 0 }
        }
        guard sig >= 1 && sig <= 64 else { return }
        let p = PendingSignal(sig: sig, code: guestCode, addr: word16, synchronous: false, value: value)
        if threadDirected { enqueueOwn(p) } else { postToProcess(p, preferSelf: true) }
    }

    /// Takes the next signal this thread would be given under `mask`
    /// (`only`: the signals asked for, as sigtimedwait's set).
    func takeNextSignal(blocked mask: UInt64, only: UInt64 = ~0) -> PendingSignal? {
        if let i = nextIndex(pending, blocked: mask, only: only) { return pending.remove(at: i) }
        if shared.processPendingCount.load(ordering: .acquiring) == 0 { return nil }
        return shared.locked {
            guard let i = nextIndex(shared.processPending, blocked: mask, only: only) else { return nil }
            let p = shared.processPending.remove(at: i)
            shared.processPendingCount.store(shared.processPending.count, ordering: .releasing)
            return p
        }
    }

    /// The signal takeNextSignal would return, left in its queue.
    func peekNextSignal(blocked mask: UInt64) -> PendingSignal? {
        if let i = nextIndex(pending, blocked: mask) { return pending[i] }
        if shared.processPendingCount.load(ordering: .acquiring) == 0 { return nil }
        return shared.locked { nextIndex(shared.processPending, blocked: mask).map { shared.processPending[$0] } }
    }

    /// Signals pending for this thread or its process (rt_sigpending).
    var pendingSet: UInt64 {
        var set: UInt64 = 0
        for p in pending { set |= sigBit(p.sig) }
        shared.locked {
            for p in shared.processPending { set |= sigBit(p.sig) }
            for p in inbox.items { set |= sigBit(p.sig) }
        }
        return set
    }

    /// Sleeps until `ready()` holds or `timeout` (a host timespec pointer,
    /// 0 for none) expires; false on timeout. Host signals are blocked
    /// while `ready` is checked and let in atomically with the sleep, so
    /// none slips in between. `keepBlocked` (guest layout, 1-31) stays
    /// blocked on the host during the sleep (signals held for a signalfd).
    func sleepUntil(timeout: Int, keepBlocked: UInt64 = 0, _ ready: () -> Bool) -> Bool {
        var all = sigset_t(), old = sigset_t()
        sigfillset(&all)
        for s in [Sig.SIGSEGV, Sig.SIGBUS, Sig.SIGILL, Sig.SIGFPE, Sig.SIGTRAP] { sigdelset(&all, s) }
        pthread_sigmask(SIG_BLOCK, &all, &old)
        defer {
            // A signalfd created meanwhile changes what the host must hold.
            if seenSignalfdGeneration != signalfdGeneration.load(ordering: .acquiring) { applyHostMask() }
            else { pthread_sigmask(SIG_SETMASK, &old, nil) }
        }
        if ready() { return true }
        var during = hostSigset(keepBlocked)
        let heldRT = keepBlocked & heldSignalfdSignals & ~((1 << 32) - 1)
        if heldRT != 0 { for s in Int32(35)...64 where heldRT & sigBit(s) != 0 { sigaddset(&during, s) } }
        let r = withUnsafeMutablePointer(to: &during) { HostSyscall.call(HostNR.ppoll, 0, 0, timeout, Int(bitPattern: $0), 8) }
        return r == -Errno.EINTR || ready()
    }

    /// In a forked child: no signal is pending (the parent's stay with the
    /// parent), the child is its only thread, and host timers, the kick
    /// timer among them, are not inherited.
    func resetSignalsAfterFork() {
        pending.removeAll()
        inbox.items.removeAll()
        inbox.nonEmpty.store(false, ordering: .relaxed)
        clearRing(signalSlot)
        clearRing(threadSlotCapacity)
        for i in 0..<timerTableSize { timerGuestSignal[i].store(0, ordering: .relaxed) }
        createKickTimer(signalSlot)
        shared.addThread(self)
    }

    /// Drops every pending instance of `sig` (not faults) from this
    /// thread, the process and the other threads' inboxes.
    func discardPending(_ sig: Int32) {
        pending.removeAll { $0.sig == sig && !$0.synchronous }
        shared.locked {
            shared.processPending.removeAll { $0.sig == sig }
            shared.processPendingCount.store(shared.processPending.count, ordering: .releasing)
            for t in shared.threads.values { t.inbox.items.removeAll { $0.sig == sig } }
        }
    }

    /// Standard signals of `set` that wait in the host kernel because the
    /// guest blocks them are let in for a moment, so they join the queues
    /// (and are taken in order with the real-time signals already there).
    func pullHostPending(_ set: UInt64) {
        let waiting = hostPendingMirrored() & set & ~heldSignalfdSignals
        if waiting == 0 { return }
        var let_in = hostSigset(waiting)
        pthread_sigmask(SIG_UNBLOCK, &let_in, nil)
        applyHostMask()
    }
}

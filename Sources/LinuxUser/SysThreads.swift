import AArch64
import Glibc
import GuestMemory
import Synchronization

// MARK: - Threads
//
// A guest clone with CLONE_VM | CLONE_THREAD becomes a host thread with its
// own CPU, executor and block cache, and its own LinuxProcess object
// (signal mask, pending signals, alternate stack, tid), over the shared
// address space. Guest threads run guest code truly in parallel: the
// executor's exclusives and atomics are host atomics (ExecAtomics.swift),
// and a store to translated code flags every executor of the address space
// (AddressSpace.addCodeWatcher), each of which flushes its own cache before
// it runs another block.
//
// What all threads share lives in SharedProcessState behind one recursive
// mutex: dispositions, brk, the sigreturn page, the host-shared ranges;
// every syscall that changes mappings runs under it (SyscallRow.serialized),
// and the region list has its own lock for readers. futex is the host futex
// on the guest's own bytes.
//
// Signals: each thread's host signal mask mirrors its guest mask, so the
// host kernel picks the thread a process-directed signal goes to, as Linux
// would for the guest, and tgkill reaches its thread. The host handler
// records the signal in the table slot of the thread it runs on (found by
// tid) and raises that thread's attention.

/// Process-wide state shared by the guest's threads.
final class SharedProcessState {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var mutexAttr = pthread_mutexattr_t()
    private var _sigActions = [GuestSigaction](repeating: GuestSigaction(), count: Int(Sig.count) + 1)
    private var _brkCurrent: UInt64
    private var _trampoline: UInt64 = 0
    private var _hostDispositions = [HostDisposition](repeating: .fallback, count: 32)
    /// Every CPU the process has had, kept alive for the process's
    /// lifetime because a host signal handler or another thread's code
    /// invalidation may touch their attention slots at any time; CPUs of
    /// threads that ended are reused by new threads (`spare`).
    private var cpus: [CPU] = []
    private var spare: [(CPU, Int)] = []
    /// The signal-table slot of each CPU in `cpus`.
    private var slots: [Int] = []
    /// Guest ranges backed by a host mapping of their own rather than the
    /// reservation's private memory: MAP_SHARED files and memory, SysV
    /// segments, and the pages of private file mappings past the end of
    /// the file (SysMemoryHost.swift); changed only by serialized calls.
    var hostShared: [Range<UInt64>] = []
    /// Attached SysV segments (SysShm.swift).
    var shmAttachments: [ShmAttachment] = []
    /// The part of hostShared mapped from a file opened read-only: never
    /// writable (mmap and mprotect give EACCES, as in Linux).
    var hostSharedReadOnly: [Range<UInt64>] = []
    /// Threads that have not called exit.
    private(set) var liveThreads = 1
    var multiThreaded = false
    /// Process-directed pending signals (SignalQueue.swift), under the
    /// mutex; the count is read without it.
    var processPending: [PendingSignal] = []
    let processPendingCount = Atomic<Int>(0)
    /// The live threads by tid, under the mutex.
    private var threadRefs: [Int: WeakThread] = [:]
    var threads: [Int: LinuxProcess] { threadRefs.compactMapValues { $0.p } }
    func addThread(_ t: LinuxProcess) { locked { threadRefs[t.tid] = WeakThread(p: t) } }
    func removeThread(_ tid: Int) { locked { _ = threadRefs.removeValue(forKey: tid) } }
    /// The main thread's signal-table slot.
    let mainSlot: Int

    init(brk: UInt64, cpu: CPU) {
        _brkCurrent = brk
        mutex = .allocate(capacity: 1)
        pthread_mutexattr_init(&mutexAttr)
        pthread_mutexattr_settype(&mutexAttr, Int32(PTHREAD_MUTEX_RECURSIVE))
        pthread_mutex_init(mutex, &mutexAttr)
        cpus.append(cpu)
        mainSlot = registerThreadSlot(cpu.r + Slot.attention)
        slots.append(mainSlot)
    }

    @inline(__always) func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    var sigActions: [GuestSigaction] {
        get { locked { _sigActions } }
        set { locked { _sigActions = newValue } }
    }
    var brkCurrent: UInt64 {
        get { locked { _brkCurrent } }
        set { locked { _brkCurrent = newValue } }
    }
    var trampoline: UInt64 {
        get { locked { _trampoline } }
        set { locked { _trampoline = newValue } }
    }
    var hostDispositions: [HostDisposition] {
        get { locked { _hostDispositions } }
        set { locked { _hostDispositions = newValue } }
    }

    /// A CPU and signal-table slot for a new thread: one a finished
    /// thread left, or a new one.
    func takeCPU() -> (CPU, Int) {
        locked {
            if let reused = spare.popLast() { return reused }
            let cpu = CPU()
            let slot = registerThreadSlot(cpu.r + Slot.attention)
            cpus.append(cpu)
            slots.append(slot)
            return (cpu, slot)
        }
    }

    /// A finished thread's CPU, free for the next thread.
    func retireCPU(_ cpu: CPU, slot: Int) {
        setThreadSlotTid(slot, 0)
        locked { spare.append((cpu, slot)) }
    }

    deinit {
        for s in slots { unregisterThreadSlot(s) }
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func threadStarted() { locked { liveThreads += 1 } }
    /// Returns the number of threads still running.
    func threadEnded() -> Int { locked { liveThreads -= 1; return liveThreads } }

    /// Runs `body` (a host fork) holding the emulator's own locks, so that
    /// no other thread is half-way through changing what they guard when
    /// the child's copy is made.
    func aroundFork<T>(_ mem: AddressSpace, _ body: () -> T) -> T {
        locked { mem.withRegionLock(body) }
    }

    /// In a forked child only the calling thread exists: locks are
    /// reinitialised (the owner recorded in them is the parent's thread).
    func resetAfterFork(_ mem: AddressSpace) {
        pthread_mutex_init(mutex, &mutexAttr)
        mem.resetLocksAfterFork()
        liveThreads = 1
        multiThreaded = false
        processPending = []
        processPendingCount.store(0, ordering: .relaxed)
        threadRefs = [:]
    }
}

struct WeakThread {
    weak var p: LinuxProcess?
}

// MARK: - The thread table of the host signal handler

/// One slot per guest thread (of every emulated process in this host
/// process): its CPU's attention word, its host tid, and the signals the
/// host handler caught on its host thread. Fixed arrays written at thread
/// start and end, read by the handler without locks (async-signal-safe).
let threadSlotCapacity = 4096
let attentionSlots: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?> = {
    let p = UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>.allocate(capacity: threadSlotCapacity)
    p.initialize(repeating: nil, count: threadSlotCapacity)
    return p
}()
private let slotTids: UnsafeMutablePointer<Atomic<Int32>> = {
    let raw = UnsafeMutableRawPointer.allocate(byteCount: 4 * threadSlotCapacity, alignment: 8)
    raw.initializeMemory(as: Int32.self, repeating: 0, count: threadSlotCapacity)
    return raw.bindMemory(to: Atomic<Int32>.self, capacity: threadSlotCapacity)
}()
nonisolated(unsafe) var attentionSlotCount = 0

/// Registration takes this lock; several emulated processes in one host
/// process (tests, embedders) share the table.
private let slotsLock: UnsafeMutablePointer<pthread_mutex_t> = {
    let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    pthread_mutex_init(m, nil)
    return m
}()

/// Returns the slot of a new thread, or -1 when the table is full (that
/// thread then sees host signals only through the process-wide fallback).
private func registerThreadSlot(_ attention: UnsafeMutablePointer<UInt64>) -> Int {
    pthread_mutex_lock(slotsLock)
    defer { pthread_mutex_unlock(slotsLock) }
    for i in 0..<attentionSlotCount where attentionSlots[i] == nil {
        ensureRing(i)
        clearRing(i)
        attentionSlots[i] = attention
        return i
    }
    guard attentionSlotCount < threadSlotCapacity else { return -1 }
    ensureRing(attentionSlotCount)
    attentionSlots[attentionSlotCount] = attention
    attentionSlotCount += 1
    return attentionSlotCount - 1
}

private func unregisterThreadSlot(_ slot: Int) {
    guard slot >= 0 else { return }
    pthread_mutex_lock(slotsLock)
    defer { pthread_mutex_unlock(slotsLock) }
    slotTids[slot].store(0, ordering: .releasing)
    attentionSlots[slot] = nil
}

/// Records which host thread runs the slot's guest thread. A tid belongs
/// to one live thread, so any older slot still naming it is stale.
func setThreadSlotTid(_ slot: Int, _ tid: Int32) {
    guard slot >= 0 else { return }
    if tid != 0 {
        for i in 0..<attentionSlotCount where i != slot && slotTids[i].load(ordering: .relaxed) == tid {
            slotTids[i].store(0, ordering: .releasing)
        }
    }
    slotTids[slot].store(tid, ordering: .releasing)
}

/// Asks every guest CPU to stop at its next block boundary.
func requestAttentionEverywhere() {
    for i in 0..<attentionSlotCount {
        if let slot = attentionSlots[i] { Executor.requestAttention(word: slot, Executor.attentionStop) }
    }
}

/// True when slot `i` belongs to host thread `tid` (for the handler).
@inline(__always) func slotTidMatches(_ i: Int, _ tid: Int32) -> Bool {
    slotTids[i].load(ordering: .acquiring) == tid
}

/// Signals the host mask may block: all but the emulator's own fault
/// signals (and SIGKILL/SIGSTOP); real-time signals are not mirrored.
private let mirroredSignals: UInt64 = {
    var m: UInt64 = 0
    for sig in Int32(1)...31 where ![Sig.SIGSEGV, Sig.SIGBUS, Sig.SIGILL, Sig.SIGFPE, Sig.SIGTRAP,
                                      Sig.SIGKILL, Sig.SIGSTOP].contains(sig) {
        m |= 1 << UInt64(sig - 1)
    }
    return m
}()

/// True when the host masks carry `sig` (see `mirroredSignals`).
func isMirrored(_ sig: Int32) -> Bool {
    sig >= 1 && sig <= 31 && mirroredSignals & (1 << UInt64(sig - 1)) != 0
}

/// Mirrored signals pending in the host kernel for this thread or the
/// process: the guest blocks them, so the host holds them back.
func hostPendingMirrored() -> UInt64 {
    var set = sigset_t()
    sigpending(&set)
    var bits: UInt64 = 0
    for s in Int32(1)...31 where sigismember(&set, s) == 1 { bits |= 1 << UInt64(s - 1) }
    return bits & mirroredSignals
}

/// A host sigset holding the mirrored signals of `mask` (guest bit layout).
func hostSigset(_ mask: UInt64) -> sigset_t {
    var set = sigset_t()
    sigemptyset(&set)
    let m = mask & mirroredSignals
    for sig in Int32(1)...31 where m & (1 << UInt64(sig - 1)) != 0 { sigaddset(&set, sig) }
    return set
}

extension LinuxProcess {
    /// clone for a thread: the child starts after the SVC with x0 = 0 on
    /// the new stack, with the new TLS, in a host thread of its own.
    func sysCloneThread(_ a: SysArgs) -> Int {
        let flags = a.int(0)
        let (childCPU, slot) = shared.takeCPU()
        childCPU.copy(from: cpu)
        childCPU.r[0] = 0
        childCPU.r[Slot.attention] = 0
        childCPU.r[Slot.exclAddr] = ~0
        if a[1] != 0 { childCPU.sp = a[1] }
        if flags & GuestClone.settls != 0 { childCPU.tpidr = a[3] }
        let childExecutor = Executor(cpu: childCPU, mem: mem, core: executor.core)
        childExecutor.onTranslate = executor.onTranslate // -d in_asm
        childExecutor.onBlock = executor.onBlock // -d exec, cpu
        shared.multiThreaded = true
        let child = LinuxProcess(threadOf: self, cpu: childCPU, executor: childExecutor)
        child.signalSlot = slot
        child.blocked = blocked
        child.cloneFlags = flags
        child.cloneParentTid = a[2]
        child.cloneChildTid = a[4]
        if flags & GuestClone.childCleartid != 0 { child.clearChildTid = a[4] }

        let started = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
        sem_init(started, 0, 0)
        defer { sem_destroy(started); started.deallocate() }
        child.startedSemaphore = started
        shared.threadStarted()

        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setstacksize(&attr, 64 << 20)
        pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let box = Unmanaged.passRetained(child).toOpaque()
        let r = pthread_create(&thread, &attr, { arg in
            let t = Unmanaged<LinuxProcess>.fromOpaque(arg!).takeRetainedValue()
            t.threadMain()
            return nil
        }, box)
        pthread_attr_destroy(&attr)
        if r != 0 {
            Unmanaged<LinuxProcess>.fromOpaque(box).release()
            _ = shared.threadEnded()
            shared.retireCPU(childCPU, slot: slot)
            return -Errno.EAGAIN
        }
        while sem_wait(started) != 0 && errno == EINTR {}
        return child.tid
    }

    /// Body of a guest thread's host thread.
    func threadMain() {
        tid = HostSyscall.call(HostNR.gettid)
        ownsHostThread = true
        applyHostMask()
        setThreadSlotTid(signalSlot, Int32(truncatingIfNeeded: tid))
        createKickTimer(signalSlot)
        shared.addThread(self)
        // Both tid words are set before guest code runs, as the kernel does.
        if cloneFlags & GuestClone.parentSettid != 0 { _ = mem.writeU32(cloneParentTid, UInt32(tid)) }
        if cloneFlags & GuestClone.childSettid != 0 { _ = mem.writeU32(cloneChildTid, UInt32(tid)) }
        if let s = startedSemaphore { startedSemaphore = nil; sem_post(s) }
        let end = runLoop()
        if threadExited {
            finishThread()
            deleteKickTimer(signalSlot)
            clearRing(signalSlot)
            shared.retireCPU(cpu, slot: signalSlot)
            return
        }
        // exit_group or a fatal signal in this thread ends the whole process.
        switch end {
        case .exited(let code): _exit(code)
        case .signaled(let sig): dieBySignal(sig)
        }
    }

    /// A thread's exit: robust futexes it still holds are released,
    /// CLONE_CHILD_CLEARTID's word is zeroed and woken (pthread_join waits
    /// on it); the last thread ends the process.
    func finishThread() {
        shared.removeThread(tid)
        // Signals posted to this thread die with it, as in the kernel.
        exitRobustList()
        if clearChildTid != 0, let p = outBuf(clearChildTid, 4) {
            UnsafeMutableRawPointer(p).bindMemory(to: Atomic<UInt32>.self, capacity: 1).pointee.store(0, ordering: .sequentiallyConsistent)
            _ = HostSyscall.call(HostNR.futex, Int(bitPattern: p), 1 /* FUTEX_WAKE */, Int(Int32.max))
        }
        if shared.threadEnded() == 0 {
            if case .exited(let code)? = termination { _exit(code) }
            _exit(0)
        }
    }

    /// Makes this host thread block what the guest thread blocks (see the
    /// notes at the top); only the thread itself may call it.
    func applyHostMask() {
        if signalSlot >= 0 { slotGuestBlocked[signalSlot].store(blocked & ~sigwaitSet, ordering: .releasing) }
        var set = hostSigset(blocked)
        // Real-time signals held for a signalfd stay blocked too.
        seenSignalfdGeneration = signalfdGeneration.load(ordering: .acquiring)
        let heldRT = heldSignalfdSignals & ~((1 << 32) - 1)
        if heldRT != 0 { for s in Int32(35)...64 where heldRT & sigBit(s) != 0 { sigaddset(&set, s) } }
        pthread_sigmask(SIG_SETMASK, &set, nil)
    }
}

// MARK: - Robust futexes and membarrier

extension LinuxProcess {
    /// struct robust_list_head is {list.next, futex_offset, list_op_pending}: 24 bytes.
    func sysSetRobustList(_ a: SysArgs) -> Int {
        guard a[1] == 24 else { return -Errno.EINVAL }
        robustList = a[0]
        return 0
    }

    func sysGetRobustList(_ a: SysArgs) -> Int {
        let who = a.i32(0)
        guard who == 0 || who == tid else { return who > 0 ? -Errno.EPERM : -Errno.ESRCH }
        guard mem.writeU64(a[1], robustList), mem.writeU64(a[2], 24) else { return -Errno.EFAULT }
        return 0
    }

    /// What the kernel's exit_robust_list does for a dying thread: every
    /// futex on the list (and the one being changed) that this thread owns
    /// gets FUTEX_OWNER_DIED, and one waiter is woken.
    func exitRobustList() {
        let head = robustList
        guard head != 0, let first = mem.readU64(head), let offset = mem.readU64(head + 8),
              let pending = mem.readU64(head + 16) else { return }
        var entry = first & ~1
        var limit = 2048 // ROBUST_LIST_LIMIT: a corrupt or circular list ends here
        while entry != head && entry != 0 && limit > 0 {
            guard let next = mem.readU64(entry) else { break }
            if entry != pending & ~1 { robustFutexDied(entry &+ offset) }
            entry = next & ~1
            limit -= 1
        }
        if pending & ~1 != 0 { robustFutexDied((pending & ~1) &+ offset) }
        robustList = 0
    }

    private func robustFutexDied(_ addr: UInt64) {
        guard addr & 3 == 0, let p = outBuf(addr, 4) else { return }
        let word = p.bindMemory(to: Atomic<UInt32>.self, capacity: 1)
        let waiters: UInt32 = 0x8000_0000, ownerDied: UInt32 = 0x4000_0000, tidMask: UInt32 = 0x3FFF_FFFF
        var old = word.pointee.load(ordering: .sequentiallyConsistent)
        while old & tidMask == UInt32(truncatingIfNeeded: tid) {
            let (done, found) = word.pointee.compareExchange(expected: old, desired: (old & waiters) | ownerDied,
                                                             ordering: .sequentiallyConsistent)
            if done {
                if old & waiters != 0 { _ = HostSyscall.call(HostNR.futex, Int(bitPattern: p), 1 /* FUTEX_WAKE */, 1) }
                return
            }
            old = found
        }
    }

    /// Guest threads are host threads, so the host's membarrier (x86_64
    /// number 324) orders exactly the guest's memory accesses.
    func sysMembarrier(_ a: SysArgs) -> Int {
        HostSyscall.call(324, a.i32(0), a.i32(1), a.i32(2))
    }
}

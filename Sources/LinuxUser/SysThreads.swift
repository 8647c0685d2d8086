import AArch64
import Glibc
import GuestMemory
import Synchronization

// MARK: - Threads
//
// A guest clone with CLONE_VM | CLONE_THREAD becomes a host thread with its
// own CPU, executor and LinuxProcess object (per-thread signal mask, pending
// signals, alternate stack, tid) over the shared address space. What all
// threads share lives in SharedProcessState behind one recursive mutex:
// dispositions, brk, the sigreturn page, and the region map (every
// syscall that changes mappings runs under the lock). futex already works
// across threads: it is the host futex on the guest's own bytes.
//
// Guest code runs one thread at a time under a fair ticket lock (the
// "guest lock"), released for every syscall and at least every 10 ms: the
// executor's exclusive loads/stores and atomics are plain memory
// operations, so two host threads must never run guest code at once.
// Between blocks, switching is safe because STXR compares with the value
// LDXR saw.

/// A fair ticket lock whose waiters sleep on the host futex.
final class GuestLock {
    /// [next ticket, now serving], each 32 bits.
    private let words: UnsafeMutablePointer<Atomic<UInt32>>

    init() {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
        raw.initializeMemory(as: UInt32.self, repeating: 0, count: 2)
        words = raw.bindMemory(to: Atomic<UInt32>.self, capacity: 2)
    }

    func acquire() {
        let ticket = words[0].wrappingAdd(1, ordering: .relaxed).oldValue
        while true {
            let serving = words[1].load(ordering: .acquiring)
            if serving == ticket { return }
            _ = HostSyscall.call(HostNR.futex, Int(bitPattern: UnsafeMutableRawPointer(words + 1)), 128 /* WAIT_PRIVATE */,
                                 Int(serving), 0)
        }
    }

    func release() {
        let serving = words[1].wrappingAdd(1, ordering: .releasing).newValue
        // Nobody holds a later ticket: no one to wake (the common, single-thread case).
        if words[0].load(ordering: .relaxed) == serving { return }
        _ = HostSyscall.call(HostNR.futex, Int(bitPattern: UnsafeMutableRawPointer(words + 1)), 129 /* WAKE_PRIVATE */,
                             Int(Int32.max))
    }

    /// Whether another thread waits for the lock.
    var contended: Bool { words[0].load(ordering: .relaxed) &- words[1].load(ordering: .relaxed) > 1 }

    /// In a forked child: only the forking thread exists, and it holds no turn.
    func reset() { words[1].store(words[0].load(ordering: .relaxed), ordering: .relaxed) }
}

/// Process-wide state shared by the guest's threads.
final class SharedProcessState {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var mutexAttr = pthread_mutexattr_t()
    private var _sigActions = [GuestSigaction](repeating: GuestSigaction(), count: Int(Sig.count) + 1)
    private var _brkCurrent: UInt64
    private var _trampoline: UInt64 = 0
    private var _hostDispositions = [HostDisposition](repeating: .fallback, count: 32)
    /// Every thread's CPU, kept alive for the process's lifetime because a
    /// host signal handler may touch their attention slots at any time.
    private(set) var cpus: [CPU] = []
    /// Guest ranges backed by a host MAP_SHARED mapping (SysMemory.swift);
    /// changed only by the serialized mmap, munmap and mremap.
    var hostShared: [Range<UInt64>] = []
    /// The part of hostShared mapped from a file opened read-only: never
    /// writable (mmap and mprotect give EACCES, as in Linux).
    var hostSharedReadOnly: [Range<UInt64>] = []
    /// Threads that have not called exit.
    private(set) var liveThreads = 1
    var multiThreaded = false

    init(brk: UInt64, cpu: CPU) {
        _brkCurrent = brk
        mutex = .allocate(capacity: 1)
        pthread_mutexattr_init(&mutexAttr)
        pthread_mutexattr_settype(&mutexAttr, Int32(PTHREAD_MUTEX_RECURSIVE))
        pthread_mutex_init(mutex, &mutexAttr)
        addCPU(cpu)
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

    func addCPU(_ cpu: CPU) {
        locked {
            cpus.append(cpu)
            registerAttentionSlot(cpu.r + Slot.attention)
        }
    }

    deinit {
        // The CPUs die with this state: the host handler must forget them.
        for c in cpus { unregisterAttentionSlot(c.r + Slot.attention) }
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func threadStarted() { locked { liveThreads += 1 } }
    /// In a forked child only the calling thread exists; locks another
    /// thread held at the fork are free again.
    func resetAfterFork() {
        pthread_mutex_init(mutex, &mutexAttr)
        liveThreads = 1
        multiThreaded = false
        guestLock.reset()
    }

    let guestLock = GuestLock()
    private var ticker = false

    /// Starts the host thread that makes running guest threads take turns.
    func startTicker() {
        let start = locked { () -> Bool in
            if ticker { return false }
            ticker = true
            return true
        }
        guard start else { return }
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in
            while true {
                usleep(10_000)
                requestAttentionEverywhere()
            }
        }, nil)
        pthread_detach(thread)
    }
    /// Returns the number of threads still running.
    func threadEnded() -> Int { locked { liveThreads -= 1; return liveThreads } }

    /// A store to translated code must flush every thread's block cache.
    func installCodeWriteHook(_ mem: AddressSpace) {
        mem.codeWriteHook = { [weak self] _ in
            guard let self = self else { return }
            for c in self.locked({ self.cpus }) { c.r[Slot.attention] |= Executor.attentionFlush }
        }
    }
}

/// Attention slots of all guest CPUs, for the host signal handler: a fixed
/// array written once per thread and never freed (async-signal-safe reads).
let attentionSlotCapacity = 4096
let attentionSlots: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?> = {
    let p = UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>.allocate(capacity: attentionSlotCapacity)
    p.initialize(repeating: nil, count: attentionSlotCapacity)
    return p
}()
nonisolated(unsafe) var attentionSlotCount = 0

/// Registration happens under a process lock; several emulated processes in
/// one host process (tests, embedders) also take this one.
private let slotsLock: UnsafeMutablePointer<pthread_mutex_t> = {
    let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    pthread_mutex_init(m, nil)
    return m
}()

private func registerAttentionSlot(_ slot: UnsafeMutablePointer<UInt64>) {
    pthread_mutex_lock(slotsLock)
    defer { pthread_mutex_unlock(slotsLock) }
    // Reuse a freed entry first.
    for i in 0..<attentionSlotCount where attentionSlots[i] == nil {
        attentionSlots[i] = slot
        return
    }
    guard attentionSlotCount < attentionSlotCapacity else { return }
    attentionSlots[attentionSlotCount] = slot
    attentionSlotCount += 1
}

private func unregisterAttentionSlot(_ slot: UnsafeMutablePointer<UInt64>) {
    pthread_mutex_lock(slotsLock)
    defer { pthread_mutex_unlock(slotsLock) }
    for i in 0..<attentionSlotCount where attentionSlots[i] == slot { attentionSlots[i] = nil }
}

/// Asks every guest CPU to stop at its next block boundary.
func requestAttentionEverywhere() {
    for i in 0..<attentionSlotCount { attentionSlots[i]?.pointee |= Executor.attentionStop }
}

extension LinuxProcess {
    /// clone for a thread: the child starts after the SVC with x0 = 0 on
    /// the new stack, with the new TLS, in a host thread of its own.
    func sysCloneThread(_ a: SysArgs) -> Int {
        let flags = a.int(0)
        let childCPU = CPU()
        childCPU.copy(from: cpu)
        childCPU.r[0] = 0
        childCPU.r[Slot.attention] = 0
        if a[1] != 0 { childCPU.sp = a[1] }
        if flags & GuestClone.settls != 0 { childCPU.tpidr = a[3] }
        let childExecutor = Executor(cpu: childCPU, mem: mem)
        childExecutor.onTranslate = executor.onTranslate // -d in_asm
        childExecutor.onBlock = executor.onBlock // -d exec, cpu
        shared.addCPU(childCPU)
        shared.installCodeWriteHook(mem)
        shared.multiThreaded = true
        shared.startTicker()
        let child = LinuxProcess(threadOf: self, cpu: childCPU, executor: childExecutor)
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
            return -Errno.EAGAIN
        }
        while sem_wait(started) != 0 && errno == EINTR {}
        return child.tid
    }

    /// Body of a guest thread's host thread.
    func threadMain() {
        tid = HostSyscall.call(HostNR.gettid)
        // Both tid words are set before guest code runs, as the kernel does.
        if cloneFlags & GuestClone.parentSettid != 0 { _ = mem.writeU32(cloneParentTid, UInt32(tid)) }
        if cloneFlags & GuestClone.childSettid != 0 { _ = mem.writeU32(cloneChildTid, UInt32(tid)) }
        if let s = startedSemaphore { startedSemaphore = nil; sem_post(s) }
        let end = runLoop()
        if threadExited {
            finishThread()
            return
        }
        // exit_group or a fatal signal in this thread ends the whole process.
        switch end {
        case .exited(let code): _exit(code)
        case .signaled(let sig): dieBySignal(sig)
        }
    }

    /// A thread's exit: CLONE_CHILD_CLEARTID's word is zeroed and woken
    /// (pthread_join waits on it); the last thread ends the process.
    func finishThread() {
        if clearChildTid != 0, let p = outBuf(clearChildTid, 4) {
            p.storeBytes(of: 0, as: UInt32.self)
            _ = HostSyscall.call(HostNR.futex, Int(bitPattern: p), 1 /* FUTEX_WAKE */, Int(Int32.max))
        }
        if shared.threadEnded() == 0 {
            if case .exited(let code)? = termination { _exit(code) }
            _exit(0)
        }
    }
}

import AArch64
import Glibc
import Synchronization

// MARK: - Host signals under the guest's (see docs/architecture.md, Signals)
//
// Guest signals 1-31 ride on the host signals of the same numbers. The host
// C library reserves 32 and 33 (SIGCANCEL, SIGSETXID), so the emulator
// never sends, blocks for the guest or catches them. Guest 35-64 are host
// 35-64 between processes. Host 34 is the emulator's own signal: a wake-up
// from another thread of the process (SI_TKILL from its own pid), the kick
// timer of a thread, the timers of guest real-time signals, and the carrier
// of guest 32-34 between processes (SI_QUEUE with a marker and the guest
// number and si_code in siginfo bytes 32-47, which the kernel copies).
// Within a process no signal travels through the host at all: it is put on
// the target thread's or the process's queue and the thread is woken.

enum HostSig {
    /// The emulator's own host signal (host SIGRTMIN).
    static let own: Int32 = 34
    static let carrierMagic: UInt32 = 0x5153_4947 // "GISQ"
    /// The host signal that carries guest `sig` to another process, or
    /// nil for guest 32-34, which need the carrier.
    static func direct(_ sig: Int32) -> Int32? {
        (sig >= 1 && sig <= 31) || (sig >= 35 && sig <= 64) ? sig : nil
    }
}

/// x86_64 numbers of the raw calls used here.
enum HostSigNR {
    static let rt_sigaction = 13, rt_sigprocmask = 14, rt_sigqueueinfo = 129, rt_tgsigqueueinfo = 297
}

/// si_code values (asm-generic/siginfo.h).
enum SiCode {
    static let user: Int32 = 0, kernel: Int32 = 0x80, queue: Int32 = -1, timer: Int32 = -2
    static let mesgq: Int32 = -3, asyncio: Int32 = -4, sigio: Int32 = -5, tkill: Int32 = -6
}

// MARK: The per-thread ring of caught host signals

/// One caught host signal: the host number and the first 48 bytes of its
/// siginfo (struct kernel_siginfo), 7 words.
let ringWords = 7
let ringCapacity = 1024
/// Past this many unread entries the handler blocks the arriving signal on
/// its thread, so further instances wait in the host kernel (one entry
/// per host signal number at most follows, so the ring never overflows).
let ringHighWater = ringCapacity - 80

/// Rings, heads and tails per thread slot, plus one (the last) for host
/// threads the table does not know. The host handler of the slot's own
/// thread is the only writer of a ring (it never nests: its sa_mask is
/// full) and that thread the only reader.
let ringSlots = threadSlotCapacity + 1
let ringStore: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?> = {
    let p = UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>.allocate(capacity: ringSlots)
    p.initialize(repeating: nil, count: ringSlots)
    return p
}()
private func atomics<T: AtomicRepresentable>(_ n: Int, _ v: T) -> UnsafeMutablePointer<Atomic<T>> {
    let raw = UnsafeMutableRawPointer.allocate(byteCount: 8 * n, alignment: 8)
    let p = raw.bindMemory(to: Atomic<T>.self, capacity: n)
    for i in 0..<n { (p + i).initialize(to: Atomic<T>(v)) }
    return p
}
let ringHead = atomics(ringSlots, 0)
let ringTail = atomics(ringSlots, 0)
/// Set when the handler blocked a signal on the thread's host mask.
let ringThrottled = atomics(ringSlots, false)
/// The guest mask of each slot's thread (guest bit layout), for the
/// handler's decision to kick.
let slotGuestBlocked = atomics(ringSlots, UInt64(0))
/// 1 while the slot's thread is inside a syscall handler.
let slotInSyscall = atomics(ringSlots, 0)
/// 1 while the slot's kick timer is armed.
let slotKickArmed = atomics(ringSlots, 0)
/// The host POSIX timer id of each slot's kick timer, -1 for none.
let slotKickTimer = atomics(ringSlots, -1)

/// Guest real-time signal timers: host timer id (small integers) to the
/// guest signal | 0x100 for a SIGEV_THREAD_ID timer; 0 for none.
let timerTableSize = 4096
let timerGuestSignal = atomics(timerTableSize, 0)

func ensureRing(_ slot: Int) {
    if ringStore[slot] == nil {
        let p = UnsafeMutablePointer<UInt64>.allocate(capacity: ringCapacity * ringWords)
        p.initialize(repeating: 0, count: ringCapacity * ringWords)
        ringStore[slot] = p
    }
}

/// The slot of the calling host thread, or the shared last slot.
@inline(__always) func currentRingSlot() -> Int {
    let me = Int32(truncatingIfNeeded: HostSyscall.call(HostNR.gettid))
    for i in 0..<attentionSlotCount where slotTidMatches(i, me) { return i }
    return threadSlotCapacity
}

/// The host's own actions for the fault signals (the Swift runtime's crash
/// handler, or SIG_DFL), which faults of the emulator itself still reach.
let previousFaultActions: UnsafeMutablePointer<sigaction> = {
    let p = UnsafeMutablePointer<sigaction>.allocate(capacity: 32)
    p.initialize(repeating: sigaction(), count: 32)
    return p
}()
let hostFaultSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP]

/// SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP: one sent by a process
/// (si_code <= 0, as kill gives) is a guest signal like any other; a real
/// fault of the emulator gets the host's previous action back and is
/// raised again when the instruction reruns.
private let faultSignalHandler: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void = { sig, info, uc in
    if let info = info, UnsafeRawPointer(info).load(fromByteOffset: 8, as: Int32.self) <= 0 {
        hostSignalHandler(sig, info, uc)
        return
    }
    sigaction(sig, previousFaultActions + Int(sig), nil)
}

/// Installs the fault signals' handler (once per process).
func catchHostFaultSignals() {
    _ = previousFaultActions
    var sa = sigaction()
    sa.__sigaction_handler.sa_sigaction = faultSignalHandler
    sa.sa_flags = SA_SIGINFO | SA_RESTART
    sigfillset(&sa.sa_mask)
    for s in hostFaultSignals { sigdelset(&sa.sa_mask, s) }
    for s in hostFaultSignals {
        var old = sigaction()
        sigaction(s, nil, &old)
        if old.sa_flags & SA_SIGINFO != 0,
           unsafeBitCast(old.__sigaction_handler.sa_sigaction, to: Int.self) == unsafeBitCast(faultSignalHandler, to: Int.self) {
            continue // already installed
        }
        previousFaultActions[Int(s)] = old
        sigaction(s, &sa, nil)
    }
}

private let hostSignalHandler: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void = { sig, info, uc in
    guard let info = info, sig > 0 && sig <= 64 else { return }
    let saved = errno
    defer { errno = saved }
    let raw = UnsafeRawPointer(info)
    let code = raw.load(fromByteOffset: 8, as: Int32.self)
    let slot = currentRingSlot()
    if sig == HostSig.own && code == SiCode.timer
        && raw.load(fromByteOffset: 16, as: Int32.self) == slotKickTimer[slot].load(ordering: .relaxed) {
        return // a kick: its work was to interrupt the host call
    }
    guard let ring = ringStore[slot] else { return }
    let head = ringHead[slot].load(ordering: .relaxed)
    let tail = ringTail[slot].load(ordering: .acquiring)
    if head &- tail >= ringCapacity { return }
    let e = ring + (head % ringCapacity) * ringWords
    e[0] = UInt64(UInt32(bitPattern: sig))
    for w in 0..<6 { e[1 + w] = raw.load(fromByteOffset: 8 * w, as: UInt64.self) }
    ringHead[slot].store(head &+ 1, ordering: .releasing)
    if head &+ 1 &- tail >= ringHighWater, let uc = uc {
        // Further instances stay queued in the host kernel until drained.
        let mask = uc.advanced(by: 296).assumingMemoryBound(to: UInt64.self)
        mask.pointee |= UInt64(1) << UInt64(sig - 1)
        ringThrottled[slot].store(true, ordering: .releasing)
    }
    if slot < threadSlotCapacity {
        if let word = attentionSlots[slot] { Executor.requestAttention(word: word, Executor.attentionStop) }
        if slotInSyscall[slot].load(ordering: .sequentiallyConsistent) != 0 && mayConcernThread(sig, raw, slot) {
            armKick(slot)
        }
    } else {
        requestAttentionEverywhere()
    }
}

/// Whether a caught signal may be one the slot's thread takes now: then a
/// host call it is about to start must not sleep through it.
private func mayConcernThread(_ sig: Int32, _ raw: UnsafeRawPointer, _ slot: Int) -> Bool {
    var guest = sig
    if sig == HostSig.own {
        let code = raw.load(fromByteOffset: 8, as: Int32.self)
        if code == SiCode.timer {
            let id = Int(raw.load(fromByteOffset: 16, as: Int32.self))
            guard id >= 0 && id < timerTableSize else { return true }
            guest = Int32(timerGuestSignal[id].load(ordering: .relaxed) & 0xff)
        } else if raw.load(fromByteOffset: 32, as: UInt32.self) == HostSig.carrierMagic {
            guest = raw.load(fromByteOffset: 36, as: Int32.self)
        } else {
            return true // a wake-up, or guest 34 from a stranger
        }
    }
    guard guest >= 1 && guest <= 64 else { return true }
    return slotGuestBlocked[slot].load(ordering: .relaxed) & (UInt64(1) << UInt64(guest - 1)) == 0
}

/// Starts the slot's kick timer: it interrupts the thread's host call
/// every 2 ms until the syscall handler returns (a signal that arrived
/// just before the thread entered a blocking call must not be slept
/// through; qemu's safe_syscall solves the same race in assembly).
private func armKick(_ slot: Int) {
    let id = slotKickTimer[slot].load(ordering: .relaxed)
    guard id >= 0, slotKickArmed[slot].exchange(1, ordering: .sequentiallyConsistent) == 0 else { return }
    var spec = (0, 2_000_000, 0, 500_000) // interval 2 ms, first after 0.5 ms
    _ = withUnsafePointer(to: &spec) { HostSyscall.call(HostTimerNR.timer_settime, Int(id), 0, Int(bitPattern: $0), 0) }
}

/// Called after every syscall handler: stops a kick that is running.
@inline(__always) func endSyscallWindow(_ slot: Int) {
    guard slot >= 0 else { return }
    slotInSyscall[slot].store(0, ordering: .sequentiallyConsistent)
    if slotKickArmed[slot].load(ordering: .relaxed) != 0 && slotKickArmed[slot].exchange(0, ordering: .sequentiallyConsistent) != 0 {
        var spec = (0, 0, 0, 0)
        _ = withUnsafePointer(to: &spec) {
            HostSyscall.call(HostTimerNR.timer_settime, Int(slotKickTimer[slot].load(ordering: .relaxed)), 0, Int(bitPattern: $0), 0)
        }
    }
}

@inline(__always) func beginSyscallWindow(_ slot: Int) {
    guard slot >= 0 else { return }
    slotInSyscall[slot].store(1, ordering: .sequentiallyConsistent)
}

/// Creates the kick timer of the calling thread's slot (a host timer that
/// sends the emulator's signal to this host thread).
func createKickTimer(_ slot: Int) {
    guard slot >= 0 else { return }
    // struct sigevent: value @0, signo @8, notify @12, tid @16; 64 bytes.
    var sev = [UInt8](repeating: 0, count: 64)
    let tid = Int32(truncatingIfNeeded: HostSyscall.call(HostNR.gettid))
    sev.withUnsafeMutableBytes {
        $0.storeBytes(of: HostSig.own, toByteOffset: 8, as: Int32.self)
        $0.storeBytes(of: Int32(4) /* SIGEV_THREAD_ID */, toByteOffset: 12, as: Int32.self)
        $0.storeBytes(of: tid, toByteOffset: 16, as: Int32.self)
    }
    var id: Int32 = -1
    let r = sev.withUnsafeBytes { s in
        withUnsafeMutablePointer(to: &id) { HostSyscall.call(HostTimerNR.timer_create, Int(CLOCK_MONOTONIC), Int(bitPattern: s.baseAddress), Int(bitPattern: $0)) }
    }
    slotKickArmed[slot].store(0, ordering: .relaxed)
    slotKickTimer[slot].store(r == 0 ? Int(id) : -1, ordering: .relaxed)
}

func deleteKickTimer(_ slot: Int) {
    guard slot >= 0 else { return }
    let id = slotKickTimer[slot].exchange(-1, ordering: .relaxed)
    slotKickArmed[slot].store(0, ordering: .relaxed)
    if id >= 0 { _ = HostSyscall.call(HostTimerNR.timer_delete, id) }
}

/// Entries the handler recorded for `slot` since the last call, oldest
/// first; `throttled` tells whether it blocked signals meanwhile.
func takeRing(_ slot: Int) -> (entries: [[UInt64]], throttled: Bool) {
    guard slot >= 0 && slot < ringSlots, let ring = ringStore[slot] else { return ([], false) }
    let head = ringHead[slot].load(ordering: .acquiring)
    var tail = ringTail[slot].load(ordering: .relaxed)
    if head == tail { return ([], false) }
    var out: [[UInt64]] = []
    while tail != head {
        let e = ring + (tail % ringCapacity) * ringWords
        out.append(Array(UnsafeBufferPointer(start: e, count: ringWords)))
        tail &+= 1
    }
    ringTail[slot].store(tail, ordering: .releasing)
    return (out, ringThrottled[slot].exchange(false, ordering: .acquiring))
}

/// Forgets what a slot's ring holds (a forked child's copy of its
/// parent's undrained signals).
func clearRing(_ slot: Int) {
    guard slot >= 0 && slot < ringSlots else { return }
    ringTail[slot].store(ringHead[slot].load(ordering: .relaxed), ordering: .relaxed)
    ringThrottled[slot].store(false, ordering: .relaxed)
}

// MARK: Installing the handler

/// Catches host signal `sig` for the guest (SA_RESTART: whether the host
/// restarts an interrupted call), with every other signal blocked while
/// the handler runs.
func catchHostSignal(_ sig: Int32, restart: Bool) {
    _ = ringStore; _ = ringHead; _ = ringTail; _ = ringThrottled; _ = slotGuestBlocked
    _ = slotInSyscall; _ = slotKickArmed; _ = slotKickTimer; _ = timerGuestSignal
    ensureRing(threadSlotCapacity)
    var sa = sigaction()
    sa.__sigaction_handler.sa_sigaction = hostSignalHandler
    sa.sa_flags = SA_SIGINFO | (restart ? SA_RESTART : 0)
    sigfillset(&sa.sa_mask)
    for s in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP] { sigdelset(&sa.sa_mask, s) }
    sigaction(sig, &sa, nil)
}

/// Host signals 34-64 are always caught: none of them reaches the guest
/// through a host default action or a host mask.
func catchHostRealtimeSignals() {
    for s in Int32(34)...64 { catchHostSignal(s, restart: false) }
    catchHostFaultSignals()
}

// MARK: Raw mask and disposition helpers (glibc's wrappers refuse 32 and 33)

func rawSigprocmask(_ how: Int32, _ set: UInt64?) -> UInt64 {
    var new = set ?? 0, old: UInt64 = 0
    _ = withUnsafeMutablePointer(to: &new) { n in
        withUnsafeMutablePointer(to: &old) { o in
            HostSyscall.call(HostSigNR.rt_sigprocmask, Int(how), set == nil ? 0 : Int(bitPattern: n), Int(bitPattern: o), 8)
        }
    }
    return old
}

/// Sets host signal `sig` to SIG_DFL with the raw call (any number).
func rawDefaultAction(_ sig: Int32) {
    // Kernel struct sigaction on x86_64: handler, flags, restorer, mask.
    var ksa: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    _ = withUnsafePointer(to: &ksa) { HostSyscall.call(HostSigNR.rt_sigaction, Int(sig), Int(bitPattern: $0), 0, 8) }
}

/// Sends guest signal `sig` with si_code `code` (and si_value `value`) to
/// another process `pid` (> 0), or to thread `tid` of it when tid > 0.
func sendToOtherProcess(pid: Int, tid: Int, sig: Int32, code: Int32, value: UInt64, info: [UInt8]? = nil) -> Int {
    if sig == 0 { return tid > 0 ? HostSyscall.call(HostNR.tgkill, pid, tid, 0) : HostSyscall.call(HostNR.kill, pid, 0) }
    var si = info ?? [UInt8](repeating: 0, count: 128)
    if let host = HostSig.direct(sig) {
        if info == nil && code == SiCode.user { return HostSyscall.call(HostNR.kill, pid, Int(host)) }
        if info == nil && code == SiCode.tkill { return HostSyscall.call(HostNR.tgkill, pid, tid, Int(host)) }
        si.withUnsafeMutableBytes { $0.storeBytes(of: host, toByteOffset: 0, as: Int32.self) }
        return si.withUnsafeBytes { b in
            tid > 0 ? HostSyscall.call(HostSigNR.rt_tgsigqueueinfo, pid, tid, Int(host), Int(bitPattern: b.baseAddress))
                    : HostSyscall.call(HostSigNR.rt_sigqueueinfo, pid, Int(host), Int(bitPattern: b.baseAddress))
        }
    }
    // Guest 32-34: the carrier. The sender's identity is written as kill
    // would report it; the host code is SI_QUEUE, which any process may send.
    si.withUnsafeMutableBytes {
        $0.storeBytes(of: HostSig.own, toByteOffset: 0, as: Int32.self)
        $0.storeBytes(of: SiCode.queue, toByteOffset: 8, as: Int32.self)
        if info == nil {
            $0.storeBytes(of: Int32(truncatingIfNeeded: getpid()), toByteOffset: 16, as: Int32.self)
            $0.storeBytes(of: UInt32(getuid()), toByteOffset: 20, as: UInt32.self)
            $0.storeBytes(of: value, toByteOffset: 24, as: UInt64.self)
        }
        $0.storeBytes(of: HostSig.carrierMagic, toByteOffset: 32, as: UInt32.self)
        $0.storeBytes(of: sig, toByteOffset: 36, as: Int32.self)
        $0.storeBytes(of: code, toByteOffset: 40, as: Int32.self)
        $0.storeBytes(of: Int32(tid > 0 ? 1 : 0), toByteOffset: 44, as: Int32.self)
    }
    return si.withUnsafeBytes { b in
        tid > 0 ? HostSyscall.call(HostSigNR.rt_tgsigqueueinfo, pid, tid, Int(HostSig.own), Int(bitPattern: b.baseAddress))
                : HostSyscall.call(HostSigNR.rt_sigqueueinfo, pid, Int(HostSig.own), Int(bitPattern: b.baseAddress))
    }
}

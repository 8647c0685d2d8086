import AArch64
import Glibc
import GuestMemory

/// Settings of the Linux layer that come from the command line.
public struct ProcessOptions: Sendable {
    /// Print each syscall, its arguments and its result to stderr (-strace).
    public var strace = false
    /// The sysroot for absolute paths of the guest (-L / QEMU_LD_PREFIX).
    public var sysrootFile: [UInt8]? = nil
    /// The same as text, for embedders and tests.
    public var sysroot: String? {
        get { sysrootFile?.displayString }
        set { sysrootFile = newValue?.bytes }
    }
    /// Host path of the program, for /proc/self/exe, as bytes.
    public var programFile: [UInt8] = []
    /// The same as text, for embedders and tests that name it in Swift.
    public var programPath: String {
        get { programFile.displayString }
        set { programFile = newValue.bytes }
    }
    /// A path that starts this emulator again when /proc/self/exe cannot
    /// (no /proc); nil when binfmt_misc started it, whose kernel opened the
    /// emulator's file and may run it where that file is not visible.
    public var emulatorFile: [UInt8]? = nil
    /// What the /proc views of the guest show (see SysProc.swift).
    public var procInfo = ProcInfo()
    /// The uname release shown to the guest (-r / QEMU_UNAME); nil is the host's.
    public var unameRelease: String? = nil
    /// With a seed (-seed / QEMU_RAND_SEED), getrandom returns a
    /// reproducible stream; this is its state, advanced by each call.
    public var randomState: UInt64? = nil
    /// -d unimp: log unknown syscalls and undefined instructions.
    public var logUnimp = false
    /// -d guest_errors: log guest faults and syscalls failing with EFAULT.
    public var logGuestErrors = false

    public init() {}
}

/// How the guest process ended.
public enum Termination: Equatable, Sendable {
    case exited(Int32)
    case signaled(Int32)
}

/// The six argument registers of one syscall.
public struct SysArgs: Sendable {
    public var a: [UInt64]
    public init(_ a: [UInt64]) { self.a = a + Array(repeating: 0, count: max(0, 6 - a.count)) }
    @inline(__always) public subscript(_ i: Int) -> UInt64 { a[i] }
    /// Argument `i` as a signed 64-bit value.
    @inline(__always) public func int(_ i: Int) -> Int { Int(Int64(bitPattern: a[i])) }
    /// Argument `i` as a C int (the low 32 bits, sign-extended), as the kernel reads it.
    @inline(__always) public func i32(_ i: Int) -> Int { Int(Int32(truncatingIfNeeded: a[i])) }
}

/// The Linux side of one guest process: syscalls, signals, brk.
public final class LinuxProcess {
    public let mem: AddressSpace
    public let cpu: CPU
    public let executor: Executor
    public var options: ProcessOptions

    /// State every thread of the guest process shares (see SysThreads.swift).
    let shared: SharedProcessState

    /// Where the heap starts, and its current end (the value brk returns).
    public let brkStart: UInt64
    public internal(set) var brkCurrent: UInt64 {
        get { shared.brkCurrent }
        set { shared.brkCurrent = newValue }
    }

    /// Guest signal dispositions, process-wide (see Signals.swift).
    var sigActions: [GuestSigaction] {
        get { shared.sigActions }
        set { shared.sigActions = newValue }
    }
    var trampoline: UInt64 {
        get { shared.trampoline }
        set { shared.trampoline = newValue }
    }
    /// What the host currently does with each signal (see syncHostSignals).
    var hostDispositions: [HostDisposition] {
        get { shared.hostDispositions }
        set { shared.hostDispositions = newValue }
    }

    // Per-thread signal state.
    /// Blocked signals: bit (sig - 1), as in the kernel's sigset_t.
    public internal(set) var blocked: UInt64 = 0 {
        // The host thread blocks the same signals (see SysThreads.swift).
        didSet { if blocked != oldValue && ownsHostThread { applyHostMask() } }
    }
    /// This thread's slot in the host signal handler's table.
    var signalSlot = -1
    /// True once this object runs on its own host thread (a new thread's
    /// object is built on its parent's).
    var ownsHostThread = false
    var pending: [PendingSignal] = []
    /// The signalfd mask generation this thread's host mask reflects.
    var seenSignalfdGeneration = 0
    /// Signals other threads posted to this one (SignalQueue.swift).
    let inbox = SignalInbox()
    var altStack = GuestAltStack()
    /// The mask rt_sigsuspend replaced, restored once a signal is taken.
    var suspendSavedMask: UInt64?

    /// Syscalls this thread has made (for --stats).
    public internal(set) var syscallCount: UInt64 = 0

    /// Set when the guest has ended.
    var termination: Termination?
    /// Set by rt_sigreturn: x0 was restored and must not receive a result.
    var keepX0 = false
    /// The process id (thread group), and this thread's id.
    var pid: Int
    var tid: Int
    /// True for the first thread, whose run() returns to the caller.
    let isMainThread: Bool
    /// A thread that forked: in the child it is the only thread.
    var isMainThreadAfterFork = false
    /// Set by exit (not exit_group): only this thread ends.
    var threadExited = false
    /// clone arguments a new thread applies itself before it runs.
    var cloneFlags = 0
    var cloneParentTid: UInt64 = 0
    var cloneChildTid: UInt64 = 0
    var startedSemaphore: UnsafeMutablePointer<sem_t>?
    /// True in the child of a fork: the clone result line is the parent's.
    var inForkedChild = false
    var clearChildTid: UInt64 = 0
    /// set_robust_list's head (struct robust_list_head), 0 when none.
    var robustList: UInt64 = 0
    var threadName: [UInt8] = []
    /// The signals an rt_sigtimedwait of this thread waits for: as in the
    /// kernel (which clears them from the blocked mask for the wait), the
    /// thread takes them, so other threads wake it for them.
    var sigwaitSet: UInt64 = 0

    public init(mem: AddressSpace, cpu: CPU, executor: Executor, brkStart: UInt64, options: ProcessOptions) {
        self.mem = mem
        self.cpu = cpu
        self.executor = executor
        self.options = options
        self.brkStart = brkStart
        self.shared = SharedProcessState(brk: brkStart, cpu: cpu)
        self.pid = Int(getpid())
        self.tid = pid
        self.isMainThread = true
        self.threadName = Array(options.programFile.pathBasename.prefix(15))
        signalSlot = shared.mainSlot
        ownsHostThread = true
        setThreadSlotTid(signalSlot, Int32(truncatingIfNeeded: HostSyscall.call(HostNR.gettid)))
        createKickTimer(signalSlot)
        shared.addThread(self)
        inheritHostSignalState()
        // Like qemu's sigtramp page, mapped at load time: mapped lazily it
        // would land in whatever hole the guest left and could later want.
        _ = sigreturnTrampoline()
    }

    /// A new thread of `parent`'s process.
    init(threadOf parent: LinuxProcess, cpu: CPU, executor: Executor) {
        self.mem = parent.mem
        self.cpu = cpu
        self.executor = executor
        self.options = parent.options
        self.brkStart = parent.brkStart
        self.shared = parent.shared
        self.pid = parent.pid
        self.tid = 0
        self.isMainThread = false
        self.threadName = parent.threadName
    }

    /// Runs the guest until it exits or dies by a signal.
    public func run() -> Termination {
        let end = runLoop()
        if threadExited {
            // The main thread called exit while others run: like Linux, the
            // process lives on until the last thread or an exit_group.
            finishThread()
            while true { pause() }
        }
        return end
    }

    /// The loop of one thread: executor exits are turned into syscalls and
    /// signals until the thread or the process ends. Threads run it in
    /// parallel; nothing here takes a process-wide lock.
    func runLoop() -> Termination {
        while true {
            if let t = termination { return t }
            switch executor.run() {
            case .syscall:
                handleSyscall()
            case .fault(let addr, let write):
                // A page past the end of its file: SIGBUS, or retried.
                if resolvePastEOF(addr: addr, write: write) { break }
                if options.logGuestErrors {
                    let mapped = addr < mem.size
                        && mem.perms[Int(truncatingIfNeeded: addr >> AddressSpace.pageShift)] & PagePerm.mapped != 0
                    logGuestFault("SIGSEGV", addr: addr, write: write, code: mapped ? SegvCode.accerr : SegvCode.maperr)
                }
                raiseAccessFault(addr: TopByte.untagged(addr), write: write)
            case .pcAlignment(let addr):
                if options.logGuestErrors { logGuestFault("SIGBUS", addr: addr, write: false, code: 1) }
                raiseSynchronous(Sig.SIGBUS, code: 1 /* BUS_ADRALN */, addr: addr, esr: Syndrome.pcAlignment)
            case .alignment(let addr, let write):
                if options.logGuestErrors { logGuestFault("SIGBUS", addr: addr, write: write, code: 1) }
                raiseSynchronous(Sig.SIGBUS, code: 1 /* BUS_ADRALN */, addr: TopByte.untagged(addr),
                                 esr: Syndrome.alignment(write: write))
            case .undefined(let insn):
                undefinedInsn = (insn, cpu.pc)
                if options.logUnimp { logUndefined(insn) }
                raiseSynchronous(Sig.SIGILL, code: 1 /* ILL_ILLOPC */, addr: cpu.pc)
            case .breakpoint:
                raiseSynchronous(Sig.SIGTRAP, code: 1 /* TRAP_BRKPT */, addr: cpu.pc)
            case .attention:
                break
            }
            if let t = termination { return t }
            deliverPending()
            if let t = termination { return t }
        }
    }

    /// The last undefined instruction, for the message shown when SIGILL kills.
    var undefinedInsn: (UInt32, UInt64)?

    /// -d unimp: the word, and what it is when the disassembler knows it
    /// (an instruction of a feature the executor does not implement).
    func logUndefined(_ insn: UInt32) {
        let what = Disassembler.disassemble(insn, pc: cpu.pc).map { " (" + $0.text + ")" } ?? ""
        Strace.emit("unimp: undefined instruction 0x\(Disassembler.hex8(insn))\(what) at pc 0x\(String(cpu.pc, radix: 16))\n")
    }

    /// -d guest_errors: a fault the guest is about to receive as a signal.
    func logGuestFault(_ sig: String, addr: UInt64, write: Bool, code: Int32) {
        if sig == "SIGBUS" {
            Strace.emit("guest_errors: SIGBUS: branch to 0x\(String(addr, radix: 16)), not a multiple of 4\n")
            return
        }
        let kind = code == SegvCode.maperr ? "unmapped" : "no permission"
        Strace.emit("guest_errors: \(sig) at pc 0x\(String(cpu.pc, radix: 16)): \(write ? "write to" : "access to") "
                    + "0x\(String(addr, radix: 16)) (\(kind))\n")
    }

    // MARK: - Syscall dispatch

    /// Handles the syscall the executor stopped at: number in x8, arguments
    /// in x0...x5, result (or negative errno) into x0.
    public func handleSyscall() {
        syscallCount &+= 1
        let nr = Int(cpu.r[8])
        let args = SysArgs([cpu.r[0], cpu.r[1], cpu.r[2], cpu.r[3], cpu.r[4], cpu.r[5]])
        let row = (nr >= 0 && nr < syscallIndex.count) ? syscallIndex[nr] : nil
        if options.strace {
            if let row = row {
                var line = "\(pid) " + Strace.formatCall(row.name, row.args, args.a, mem: mem)
                if case .none = row.ret { line += "\n" }
                Strace.emit(line)
            } else {
                Strace.emit("\(pid) Unknown syscall \(nr)\n")
            }
        }
        if row == nil && options.logUnimp { Strace.emit("Unsupported syscall: \(nr)\n") }
        keepX0 = false
        let ret: Int
        if let row = row {
            // Calls that change the region map or dispositions run under the
            // process lock, so threads see them one at a time.
            // The window in which a caught signal starts the kick timer
            // (SignalHost.swift), so a blocking host call cannot sleep
            // through a signal that arrived just before it began.
            beginSyscallWindow(signalSlot)
            ret = row.serialized ? shared.locked { row.handler(self, args) } : row.handler(self, args)
            endSyscallWindow(signalSlot)
        } else {
            ret = -Errno.ENOSYS
        }
        if ret == -Errno.EFAULT && options.logGuestErrors, let row = row {
            Strace.emit("guest_errors: \(row.name): bad address in an argument (EFAULT) at pc 0x\(String(cpu.pc, radix: 16))\n")
        }
        if termination != nil { return }
        if inForkedChild {
            inForkedChild = false
            cpu.r[0] = UInt64(bitPattern: Int64(ret))
            return
        }
        if ret == -Errno.EINTR && row != nil && !keepX0 && restartAfterSignal(nr: nr) {
            // Run the SVC again once the handler returns, as the kernel
            // does for -ERESTARTSYS with SA_RESTART.
            cpu.pc &-= 4
            cpu.r[0] = args[0]
            if options.strace { Strace.emit(" = ? ERESTARTSYS (To be restarted)\n") }
            return
        }
        if keepX0 {
            // qemu reports its internal "return from sigreturn" code here.
            if options.strace && row != nil { Strace.emit(" = -1 errno=513 (Successful exit from sigreturn)\n") }
            return
        }
        cpu.r[0] = UInt64(bitPattern: Int64(ret))
        if options.strace, let row = row {
            if case .none = row.ret { return }
            Strace.emit(Strace.formatResult(ret, row.ret, args.a, mem: mem) + "\n")
        }
    }

    /// Runs one syscall by number with explicit arguments and returns x0
    /// (for tests and embedders); the trace is printed when enabled.
    @discardableResult
    public func syscall(_ nr: Int, _ a: UInt64...) -> Int {
        cpu.r[8] = UInt64(nr)
        for i in 0..<6 { cpu.r[i] = i < a.count ? a[i] : 0 }
        handleSyscall()
        return Int(Int64(bitPattern: cpu.r[0]))
    }

    // MARK: - Guest memory helpers (every check lives here)

    /// Host pointer for a guest buffer the syscall reads; nil when any byte
    /// is not readable (the caller returns -EFAULT).
    func inBuf(_ addr: UInt64, _ len: Int) -> UnsafeMutableRawPointer? {
        if len < 0 { return nil }
        if len == 0 { return mem.host(addr & (mem.size - 1)) }
        return mem.checkRange(addr, UInt64(len), PagePerm.read) ? mem.host(addr) : nil
    }

    /// Host pointer for a guest buffer the syscall writes; nil when any byte
    /// is not writable. Code pages in it are invalidated first.
    func outBuf(_ addr: UInt64, _ len: Int) -> UnsafeMutableRawPointer? {
        if len < 0 { return nil }
        if len == 0 { return mem.host(addr & (mem.size - 1)) }
        guard mem.checkRange(addr, UInt64(len), PagePerm.write) else { return nil }
        mem.noteStore(addr, UInt64(len))
        return mem.host(addr)
    }

    /// Copies a Swift value into the guest; false on a bad pointer.
    func put<T>(_ addr: UInt64, _ value: T) -> Bool {
        withUnsafeBytes(of: value) { mem.write(addr, $0) }
    }

    /// A guest path read from guest memory, as bytes, and translated by
    /// `xlatPath`; nil when the pointer is bad.
    func guestPath(_ addr: UInt64, followLast: Bool = true) -> [UInt8]? {
        guard let bytes = mem.readCStringBytes(addr, max: Int(PATH_MAX)) else { return nil }
        return xlatPath(bytes, followLast: followLast)
    }
}

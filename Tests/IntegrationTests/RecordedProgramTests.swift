import Foundation
import XCTest

/// Runs every program of TestBinaries under `swift-qemu-lite` and compares
/// standard output, exit status or killing signal, and for signal deaths
/// the "uncaught target signal" line, with what qemu-aarch64 did
/// (TestBinaries/expected, written by TestBinaries/record.sh).
///
/// One test method per program area. Set SWIFT_QEMU_LITE_SKIP_INTEGRATION=1
/// to skip them all.
final class RecordedProgramTests: XCTestCase {
    /// Every program area with its own test method below. A recorded
    /// program outside this list fails `testEveryRecordedProgramHasATest`.
    static let areas: Set<String> = [
        "asmhello", "asmexit", "asmfaults", "hello", "printf", "string", "malloc", "fileio", "auxv",
        "setjmp", "libm", "int128", "unaligned", "exitcodes", "dlopen", "cxx", "procfs",
        "multicall",
        // Linux runtime (TestBinaries/src/runtime and src/go).
        "sigctx", "sigsegv", "tbi", "timers", "procs", "execs", "iopoll", "sockets", "mmapfile", "jit", "procviews",
        "fileio2", "memlock", "mmsg", "aio", "newcalls",
        "ptys", "sysvipc", "posixmq",
        "bytenames",
        "creds", "mounts", "hosttime", "schedctl", "procapi", "procguard",
        "mmapshared", "shm", "smc", "mremaploop",
        "rtsignals", "rttimers", "cancel", "setxid",
        "go-basic", "go-preempt", "go-net",
        // Parallel guest threads (TestBinaries/src/threads).
        "threads-atomics", "threads-fork", "threads-signals", "threads-futex", "threads-pthread", "threads-alignment",
    ]

    override func setUpWithError() throws {
        try skipIfRequested()
    }

    func testAssemblyHello() throws { try check(program: "asmhello") }
    func testAssemblyComputedExitCode() throws { try check(program: "asmexit") }
    func testSynchronousFaultSignals() throws { try check(program: "asmfaults") }
    func testHello() throws { try check(program: "hello") }
    func testPrintf() throws { try check(program: "printf") }
    func testString() throws { try check(program: "string") }
    func testMalloc() throws { try check(program: "malloc") }
    func testFileIO() throws { try check(program: "fileio") }
    func testArgvEnvpAuxv() throws { try check(program: "auxv") }
    func testSetjmpLongjmp() throws { try check(program: "setjmp") }
    func testLibm() throws { try check(program: "libm") }
    func testInt128() throws { try check(program: "int128") }
    func testUnalignedAccess() throws { try check(program: "unaligned") }
    func testExitCodesAndSignals() throws { try check(program: "exitcodes") }
    func testDlopenLibm() throws { try check(program: "dlopen") }
    func testCxxWithLibstdcxx() throws { try check(program: "cxx") }
    func testProcViews() throws { try check(program: "procfs") }
    func testMultiCallProgram() throws { try check(program: "multicall") }
    func testSignalContextAndFlags() throws { try check(program: "sigctx") }
    func testFaultSignalsRecovered() throws { try check(program: "sigsegv") }
    /// TBI on branch targets and si_addr of faults at tagged and high addresses.
    func testTopByteIgnore() throws { try check(program: "tbi") }
    func testTimersAndRestart() throws { try check(program: "timers") }
    func testForkWaitGroups() throws { try check(program: "procs") }
    func testExecve() throws { try check(program: "execs") }
    func testPollSelectEpoll() throws { try check(program: "iopoll") }
    func testSockets() throws { try check(program: "sockets") }
    func testPtysAndIoctls() throws { try check(program: "ptys") }
    func testSysVMessagesAndSemaphores() throws { try check(program: "sysvipc") }
    func testPosixMessageQueues() throws { try check(program: "posixmq") }
    func testMappings() throws { try check(program: "mmapfile") }
    func testJIT() throws { try check(program: "jit") }
    func testSharedMappingsAndPastEOF() throws { try check(program: "mmapshared") }
    func testSysVSharedMemory() throws { try check(program: "shm") }
    func testSelfModifyingCodeInItsOwnBlock() throws { try check(program: "smc") }
    func testMremapAndMapFixedLoops() throws { try check(program: "mremaploop") }
    func testProcSelfViews() throws { try check(program: "procviews") }
    /// Every spelling of /proc/self (dirfds, symlinks, PID, TID, task) gives
    /// the guest's view: maps-like files list only ranges the guest can
    /// read, /proc/self/mem is the guest's memory with forced access, and
    /// 2,000 fuzzed spellings never reach a host view. Reference: Linux.
    func testProcGuestViewOnly() throws { try check(program: "procguard") }
    /// inotify, splice/tee/vmsplice, copy_file_range, readahead, syncfs, fcntl's commands.
    func testFileNotifySpliceFcntl() throws { try check(program: "fileio2") }
    /// mincore residency and ENOMEM for holes; mlock/munlock range checks.
    func testMincoreMlock() throws { try check(program: "memlock") }
    func testSendmmsgRecvmmsg() throws { try check(program: "mmsg") }
    /// Native AIO; expected output from the host kernel (qemu 7.2 lacks it).
    func testNativeAio() throws { try check(program: "aio") }
    /// preadv2, openat2, epoll_pwait2, futex_waitv, process_vm_*, mlock2,
    /// quotactl, acct, fanotify; expected output from the host kernel.
    func testCallsQemuLacks() throws { try check(program: "newcalls") }
    func testByteStringNamesArgvEnv() throws { try check(program: "bytenames") }
    // Credentials, mounts, host names and scheduling: recorded as root,
    // in namespaces the programs make for themselves.
    func testCredentialsPerThread() throws { try requireRoot(); try check(program: "creds") }
    func testMountsXattrChroot() throws { try requireRoot(); try check(program: "mounts") }
    func testHostNameAndClockErrors() throws { try requireRoot(); try check(program: "hosttime") }
    func testSchedulingNamespacesPrctl() throws { try requireRoot(); try check(program: "schedctl") }
    /// Recorded from Linux (the program built for the host), as qemu 7.2
    /// lacks clone3, pidfd_*, sched_setattr and the new mount API.
    func testClone3PidfdSchedAttrMountAPI() throws { try requireRoot(); try check(program: "procapi") }
    /// Queued real-time signals with values (to itself and from a child),
    /// rt_sigqueueinfo's checks, the order handlers run in, all 64
    /// signals within a process and between two. Reference: the same
    /// source run natively on the host (qemu 7.2 drops 63 and 64).
    func testRealTimeSignalsQueuedAndOrdered() throws { try check(program: "rtsignals") }
    /// timer_create with real-time signals, SIGEV_THREAD_ID and
    /// SIGEV_THREAD, SA_RESTART after fork and setitimer, a signalfd loop.
    func testRealTimeTimersRestartAndSignalfd() throws { try check(program: "rttimers") }
    /// pthread_cancel, deferred and asynchronous, with cleanup handlers
    /// (glibc's signal 32, musl's 33), and a musl condvar cancelled.
    func testPthreadCancel() throws { try check(program: "cancel") }
    /// setuid and setgid in a 16-thread process reach every thread
    /// (glibc's SIGSETXID, musl's SIGSYNCCALL); needs root.
    func testSetuidInEveryThread() throws {
        try XCTSkipUnless(getuid() == 0, "setxid changes ids: needs root")
        try check(program: "setxid")
    }
    func testGoRuntime() throws { try check(program: "go-basic") }
    func testGoAsyncPreemption() throws { try check(program: "go-preempt") }
    func testGoNetworking() throws { try check(program: "go-net") }
    /// 32 threads x 100,000 increments, with exclusives and with LSE atomics.
    func testThreadsAtomicsGiveExactTotals() throws { try check(program: "threads-atomics") }
    func testThreadsForkFromSixteenThreads() throws { try check(program: "threads-fork") }
    func testThreadsThousandSignalsToBusyThreads() throws { try check(program: "threads-signals") }
    func testThreadsFutexOperations() throws { try check(program: "threads-futex") }
    func testThreadsPosixThreads() throws { try check(program: "threads-pthread") }
    /// SIGBUS for misaligned exclusives, atomics, LDAR and STLR.
    func testThreadsAtomicsAlignment() throws { try check(program: "threads-alignment") }

    /// Guards against a program added to TestBinaries that no test runs, and
    /// against a fixture directory that lost its files.
    func testEveryRecordedProgramHasATest() throws {
        let cases = try RecordedCase.loadAll()
        XCTAssertFalse(cases.isEmpty, "no recorded cases in \(Paths.expected.path)")
        let programs = Set(cases.map(\.program))
        XCTAssertEqual(programs.subtracting(Self.areas), [], "recorded programs without a test method")
        XCTAssertEqual(Self.areas.subtracting(programs), [], "test methods without recorded programs")
        for c in cases {
            XCTAssertTrue(FileManager.default.fileExists(atPath: Paths.bin.appendingPathComponent(c.binary).path),
                          "\(c.name): TestBinaries/bin/\(c.binary) is missing")
        }
    }

    // MARK: - Checking one area

    private func check(program: String) throws {
        let cases = try RecordedCase.loadAll().filter { $0.program == program }
        XCTAssertFalse(cases.isEmpty, "no recorded cases for \(program)")
        let executable = try Paths.executable()
        let environment = try RecordedCase.environment()
        for c in cases {
            try check(c, executable: executable, environment: environment)
        }
    }

    private func check(_ c: RecordedCase, executable: URL, environment: [String: String]) throws {
        let path = Paths.bin.appendingPathComponent(c.binary).path
        let result: RunResult
        do {
            // Dynamically linked programs find their loader and libraries
            // in the committed sysroot, as record.sh ran them under qemu.
            let sysroot = c.binary.hasSuffix(".glibc-dyn") ? ["-L", Paths.sysroot.path] : []
            result = try Runner.run(executable, arguments: sysroot + [path] + c.arguments, environment: environment)
        } catch {
            XCTFail("\(c.name): \(error)")
            return
        }
        let stderrNote = "stderr:\n    \(Compare.excerpt(result.stderr))"
        if result.status != c.status {
            XCTFail("\(c.name): expected \(c.status), got \(result.status)\n\(stderrNote)")
        }
        if let diff = Compare.firstDifference(expected: c.stdout, actual: result.stdout) {
            XCTFail("\(c.name): stdout differs from qemu-aarch64, \(diff)\n\(stderrNote)")
        }
        if let recorded = c.stderr {
            // qemu says "qemu: uncaught target signal 11 (Segmentation
            // fault) - core dumped"; the same text must follow this
            // program's own name.
            let text = String(decoding: recorded, as: UTF8.self)
            for line in Compare.lines(recorded) where line.hasPrefix("qemu: ") {
                let message = String(line.dropFirst("qemu: ".count))
                let actual = String(decoding: result.stderr, as: UTF8.self)
                if !actual.contains(message) {
                    XCTFail("\(c.name): stderr lacks \(message.debugDescription)\n\(stderrNote)")
                }
            }
            XCTAssertTrue(text.contains("uncaught target signal"),
                          "\(c.name).stderr: recorded without qemu's signal line")
        }
    }
}

/// Programs that mount, chroot and change credentials run as root only.
func requireRoot() throws {
    if geteuid() != 0 { throw XCTSkip("needs root (mount namespaces, credentials)") }
}

/// SWIFT_QEMU_LITE_SKIP_INTEGRATION=1 skips every test of this target.
func skipIfRequested() throws {
    let value = ProcessInfo.processInfo.environment["SWIFT_QEMU_LITE_SKIP_INTEGRATION"] ?? ""
    if value == "1" || value.lowercased() == "true" || value.lowercased() == "yes" {
        throw XCTSkip("SWIFT_QEMU_LITE_SKIP_INTEGRATION is set")
    }
}

import AArch64
import Glibc
import GuestMemory
@testable import LinuxUser
import XCTest

/// Signals raised by real guest instructions run by the executor. The
/// expected messages and statuses are those of qemu-aarch64 on static
/// programs that dereference NULL, call abort(), execute an undefined
/// instruction and BRK (statuses 139, 134, 132, 133).
final class SignalTests: XCTestCase {
    let code: UInt64 = 0x40_0000
    let data: UInt64 = 0x50_0000
    let stack: UInt64 = 0x60_0000

    func process(_ words: [UInt32], handler: [UInt32] = []) throws -> LinuxProcess {
        let p = try makeProcess()
        p.mem.mapFixed(code, 0x2000, prot: PROT_READ | PROT_EXEC)
        (words).withUnsafeBytes { p.mem.poke(code, $0) }
        handler.withUnsafeBytes { p.mem.poke(code + 0x1000, $0) }
        p.mem.mapFixed(data, 0x1000, prot: PROT_READ | PROT_WRITE)
        p.mem.mapFixed(stack, 0x10000, prot: PROT_READ | PROT_WRITE)
        p.cpu.pc = code
        p.cpu.sp = stack + 0x10000
        return p
    }

    /// Runs with fd 2 captured.
    func run(_ p: LinuxProcess) -> (Termination, String) {
        let path = NSTemporaryDirectory() + "lu-sig-\(getpid())"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        let saved = dup(2)
        dup2(fd, 2)
        let t = p.run()
        dup2(saved, 2)
        close(saved); close(fd)
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        unlink(path)
        return (t, text)
    }

    // A64 encodings (checked with aarch64-linux-gnu-objdump).
    let movX0_0: UInt32 = 0xD280_0000      // mov x0, #0
    let ldrX1_X0: UInt32 = 0xF940_0001     // ldr x1, [x0]
    let movX1_6: UInt32 = 0xD280_00C1      // mov x1, #6
    let movX1_10: UInt32 = 0xD280_0141     // mov x1, #10
    let movX8_129: UInt32 = 0xD280_1028    // mov x8, #129 (kill)
    let movX8_172: UInt32 = 0xD280_1588    // mov x8, #172 (getpid): kill(getpid(), sig)
    let movX8_93: UInt32 = 0xD280_0BA8     // mov x8, #93 (exit)
    let svc0: UInt32 = 0xD400_0001         // svc #0
    let addX0_7: UInt32 = 0x9100_1C00      // add x0, x0, #7
    let strX0_X21: UInt32 = 0xF900_02A0    // str x0, [x21]
    let ret: UInt32 = 0xD65F_03C0          // ret
    let brk3: UInt32 = 0xD420_0060         // brk #3

    func testNullDereferenceKillsWithSIGSEGV() throws {
        let p = try process([movX0_0, ldrX1_X0])
        let (t, err) = run(p)
        XCTAssertEqual(t, .signaled(11))
        XCTAssertEqual(err, "qemu: uncaught target signal 11 (Segmentation fault) - core dumped\n")
    }

    func testAbortKillsWithSIGABRT() throws {
        let p = try process([movX8_172, svc0, movX1_6, movX8_129, svc0, movX8_93, svc0])
        let (t, err) = run(p)
        XCTAssertEqual(t, .signaled(6))
        XCTAssertEqual(err, "qemu: uncaught target signal 6 (Aborted) - core dumped\n")
    }

    func testUndefinedInstructionKillsWithSIGILL() throws {
        let p = try process([0x0000_0000])
        let (t, err) = run(p)
        XCTAssertEqual(t, .signaled(4))
        XCTAssertEqual(err, "swift-qemu-lite: undefined instruction 0x00000000 at pc 0x400000\n"
                          + "qemu: uncaught target signal 4 (Illegal instruction) - core dumped\n")
    }

    func testBreakpointKillsWithSIGTRAP() throws {
        let p = try process([brk3])
        let (t, err) = run(p)
        XCTAssertEqual(t, .signaled(5))
        XCTAssertEqual(err, "qemu: uncaught target signal 5 (Trace/breakpoint trap) - core dumped\n")
    }

    /// SIGUSR1's default action terminates without qemu's message (status 138).
    func testNonCoreSignalIsSilent() throws {
        let p = try process([movX8_172, svc0, movX1_10, movX8_129, svc0, movX8_93, svc0])
        let (t, err) = run(p)
        XCTAssertEqual(t, .signaled(10))
        XCTAssertEqual(err, "")
    }

    func testIgnoredAndDefaultIgnoredSignalsAreDropped() throws {
        // kill(0, SIGWINCH) then exit(x0 + 7): default-ignore, so exit 7.
        let p = try process([movX8_172, svc0, 0xD280_0381 /* mov x1, #28 */, movX8_129, svc0, addX0_7, movX8_93, svc0])
        XCTAssertEqual(run(p).0, .exited(7))
        // SIG_IGN for SIGUSR1.
        let q = try process([movX8_172, svc0, movX1_10, movX8_129, svc0, addX0_7, movX8_93, svc0])
        q.mem.writeU64(data, 1) // SIG_IGN
        XCTAssertEqual(q.syscall(134, 10, data, 0, 8), 0)
        XCTAssertEqual(run(q).0, .exited(7))
    }

    /// kill(0, SIGUSR1) with a handler: the handler stores its x0 (the
    /// signal) and returns through the sigreturn trampoline; the main code
    /// resumes after the SVC with x0 = kill's result, then exits with x0 + 7.
    func testHandlerRunsAndSigreturnRestores() throws {
        let p = try process([movX8_172, svc0, movX1_10, movX8_129, svc0, addX0_7, movX8_93, svc0],
                            handler: [strX0_X21, 0xD280_0000 | (55 << 5) | 19 /* mov x19, #55 */, ret])
        p.cpu.r[21] = data + 8
        p.cpu.r[19] = 3
        p.cpu.nzcv = 0x6000_0000
        p.cpu.setV(5, low: 0x1122, high: 0x3344)
        p.mem.writeU64(data, code + 0x1000) // handler
        p.mem.writeU64(data + 16, 0)       // flags: no SA_RESTORER, so the trampoline is used
        XCTAssertEqual(p.syscall(134, 10, data, 0, 8), 0)
        XCTAssertEqual(run(p).0, .exited(7))
        XCTAssertEqual(p.mem.readU64(data + 8), 10)
        XCTAssertEqual(p.cpu.r[19], 3)           // restored
        XCTAssertEqual(p.cpu.nzcv, 0x6000_0000)   // restored
        XCTAssertEqual(p.cpu.vLow(5), 0x1122)
        XCTAssertEqual(p.cpu.vHigh(5), 0x3344)
        XCTAssertEqual(p.blocked, 0)
    }

    /// The frame seen by a SIGSEGV handler: siginfo, ucontext with the fault
    /// address and PC, and the FPSIMD record, at the kernel's offsets.
    func testSegvFrameLayout() throws {
        // Handler: exit(0) right away, leaving the frame on the stack.
        let p = try process([movX0_0, ldrX1_X0], handler: [movX0_0, movX8_93, svc0])
        p.mem.writeU64(data, code + 0x1000)
        p.mem.writeU64(data + 8, 4) // SA_SIGINFO
        XCTAssertEqual(p.syscall(134, 11, data, 0, 8), 0)
        XCTAssertEqual(run(p).0, .exited(0))
        let info = p.cpu.r[1], uc = p.cpu.r[2]
        XCTAssertEqual(uc, info + 128)
        XCTAssertEqual(p.mem.readU32(info), 11)                 // si_signo
        XCTAssertEqual(p.mem.readU32(info + 8), 1)              // SEGV_MAPERR
        XCTAssertEqual(p.mem.readU64(info + 16), 0)             // si_addr
        XCTAssertEqual(p.mem.readU64(uc + 176 + 264), code + 4) // sigcontext.pc
        XCTAssertEqual(p.mem.readU64(uc + 176 + 256), stack + 0x10000) // sigcontext.sp
        XCTAssertEqual(p.mem.readU32(uc + 176 + 288), 0x4650_8001)     // FPSIMD_MAGIC
        XCTAssertEqual(p.mem.readU32(uc + 176 + 292), 528)
        // A data abort adds esr_context after it, as the kernel does: EC
        // 0x24 (data abort from EL0), IL, a read, a translation fault.
        XCTAssertEqual(p.mem.readU32(uc + 176 + 288 + 528), 0x4553_5201)  // ESR_MAGIC
        XCTAssertEqual(p.mem.readU32(uc + 176 + 288 + 532), 16)
        XCTAssertEqual(p.mem.readU64(uc + 176 + 288 + 536), 0x9200_0007)
        XCTAssertEqual(p.mem.readU64(uc + 176 + 288 + 544), 0)         // terminator
        XCTAssertEqual(info & 15, 0)
    }
}

extension SignalTests {
    /// As across execve: a signal the host ignores starts ignored in the
    /// guest, and the host's blocked mask becomes the guest's.
    func testInheritsIgnoredSignalsAndMask() throws {
        _ = try makeProcess() // resets the host state
        signal(Sig.SIGUSR2, SIG_IGN)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, Sig.SIGHUP)
        sigprocmask(SIG_BLOCK, &set, nil)
        let mem = try AddressSpace(size: 1 << 36)
        let cpu = CPU()
        let p = LinuxProcess(mem: mem, cpu: cpu, executor: Executor(cpu: cpu, mem: mem), brkStart: 0x1000_0000, options: ProcessOptions())
        XCTAssertEqual(p.blocked, 1 << (UInt64(Sig.SIGHUP) - 1))
        mem.mapFixed(data, 0x1000, prot: PROT_READ | PROT_WRITE)
        XCTAssertEqual(p.syscall(134, UInt64(Sig.SIGUSR2), 0, data, 8), 0)
        XCTAssertEqual(mem.readU64(data), 1) // SIG_IGN
        // The host thread's mask mirrors the guest's, so the host kernel
        // routes process signals to a thread that takes them.
        var now = sigset_t()
        sigprocmask(SIG_SETMASK, nil, &now)
        XCTAssertEqual(sigismember(&now, Sig.SIGHUP), 1)
        mem.writeU64(data, 1 << (UInt64(Sig.SIGHUP) - 1))
        XCTAssertEqual(p.syscall(135, 1 /* SIG_UNBLOCK */, data, 0, 8), 0)
        sigprocmask(SIG_SETMASK, nil, &now)
        XCTAssertEqual(sigismember(&now, Sig.SIGHUP), 0)
        _ = try makeProcess()
    }
}

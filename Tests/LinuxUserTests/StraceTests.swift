import Glibc
import GuestMemory
@testable import LinuxUser
import XCTest

/// Expected lines are copied from `qemu-aarch64 -strace` (qemu 7.2) runs of
/// static glibc and musl programs.
final class StraceTests: XCTestCase {
    var p: LinuxProcess!

    override func setUpWithError() throws {
        p = try makeProcess()
        p.mem.mapFixed(scratch, 0x2000, prot: PROT_READ | PROT_WRITE)
    }

    func call(_ nr: Int, _ a: [UInt64]) -> String {
        let row = syscallIndex[nr]!
        return Strace.formatCall(row.name, row.args, a + Array(repeating: 0, count: 6 - a.count), mem: p.mem)
    }

    func str(_ s: String, at off: UInt64 = 0) -> UInt64 {
        p.mem.write(scratch + off, Array(s.utf8) + [0])
        return scratch + off
    }

    let cwd = UInt64(bitPattern: -100)

    func testCallLines() {
        XCTAssertEqual(call(214, [0]), "brk(NULL)")
        XCTAssertEqual(call(214, [0x498af0]), "brk(0x0000000000498af0)")
        XCTAssertEqual(call(96, [4817104, 4812960, 4817088, 4817216, 4778736, 2]),
                       "set_tid_address(4817104,4812960,4817088,4817216,4778736,2)")
        XCTAssertEqual(call(78, [cwd, str("/proc/self/exe"), 0x55007ff700, 4096]),
                       "readlinkat(AT_FDCWD,\"/proc/self/exe\",0x00000055007ff700,4096)")
        XCTAssertEqual(call(226, [0x48c000, 16384, 1]), "mprotect(0x000000000048c000,16384,PROT_READ)")
        XCTAssertEqual(call(79, [1, str(""), 0x55007ffc48, 0x1000]), "newfstatat(1,\"\",0x00000055007ffc48,0x1000)")
        XCTAssertEqual(call(79, [cwd, str("/etc"), 0x55008005e0, 0]), "newfstatat(AT_FDCWD,\"/etc\",0x00000055008005e0,0)")
        XCTAssertEqual(call(56, [cwd, str("/etc/hostname"), 0o40000]), "openat(AT_FDCWD,\"/etc/hostname\",O_RDONLY|O_DIRECTORY)")
        XCTAssertEqual(call(56, [cwd, str("/etc/passwd"), 0o2000000 | 0x20000]),
                       "openat(AT_FDCWD,\"/etc/passwd\",O_RDONLY|O_CLOEXEC|0x20000)")
        XCTAssertEqual(call(63, [3, 0x5500800660, 64]), "read(3,0x800660,64)")
        XCTAssertEqual(call(57, [3]), "close(3)")
        XCTAssertEqual(call(222, [0, 8192, 3, 0x22, UInt64(bitPattern: -1), 0]),
                       "mmap(NULL,8192,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0)")
        XCTAssertEqual(call(222, [0, 4096, 1, 2, 3, 0]), "mmap(NULL,4096,PROT_READ,MAP_PRIVATE,3,0)")
        XCTAssertEqual(call(215, [0x5500802000, 8192]), "munmap(0x0000005500802000,8192)")
        XCTAssertEqual(call(17, [0x55008004d0, 256]), "getcwd(0x55008004d0,256)")
        XCTAssertEqual(call(134, [10, 0x5500800208, 0x55008002a0]),
                       "rt_sigaction(SIGUSR1,0x0000005500800208,0x00000055008002a0)")
        XCTAssertEqual(call(178, []), "gettid()")
        XCTAssertEqual(call(131, [5134, 5134, 10]), "tgkill(5134,5134,SIGUSR1)")
        XCTAssertEqual(call(64, [1, 0x498f80, 8]), "write(1,0x498f80,8)")
        XCTAssertEqual(call(94, [3]), "exit_group(3)")
        XCTAssertEqual(call(62, [3, 10, 0]), "lseek(3,10,SEEK_SET)")
        XCTAssertEqual(call(25, [3, 3]), "fcntl(3,F_GETFL)")
        XCTAssertEqual(call(25, [3, 2, 1]), "fcntl(3,F_SETFD,1)")
        XCTAssertEqual(call(23, [3]), "dup(3)")
        XCTAssertEqual(call(24, [3, 10, 524288]), "dup3(3,10,524288)")
        XCTAssertEqual(call(29, [1, 0x5413, 0x55008004f0]), "ioctl(1,TIOCGWINSZ,0x00000055008004f0)")
        XCTAssertEqual(call(66, [1, 0x55008004d0, 2]), "writev(1,0x55008004d0,0x2)")
        XCTAssertEqual(call(135, [0, 0x5500800450, 0]), "rt_sigprocmask(SIG_BLOCK,0x0000005500800450,NULL)")
        p.mem.writeU64(scratch + 256, 0); p.mem.writeU64(scratch + 264, 1000)
        XCTAssertEqual(call(115, [0, 0, scratch + 256, 0]), "clock_nanosleep(CLOCK_REALTIME,0,{tv_sec = 0,tv_nsec = 1000},NULL)")
        XCTAssertEqual(call(61, [7, 0x55007ff440, 4096]), "getdents64(7,0x55007ff440,4096)")
        XCTAssertEqual(call(166, [0o22]), "umask(022)")
        XCTAssertEqual(call(48, [cwd, str("/etc/passwd"), 4, 0x7ff430]), "faccessat(AT_FDCWD,\"/etc/passwd\",R_OK,0x7ff430)")
        XCTAssertEqual(call(34, [cwd, str("/tmp/lx/dd"), 0o755]), "mkdirat(AT_FDCWD,\"/tmp/lx/dd\",0755)")
        XCTAssertEqual(call(35, [cwd, str("/tmp/lx/dd"), 0x200]), "unlinkat(AT_FDCWD,\"/tmp/lx/dd\",AT_REMOVEDIR)")
        XCTAssertEqual(call(35, [cwd, str("/tmp/lx/nonex"), 0]), "unlinkat(AT_FDCWD,\"/tmp/lx/nonex\",0)")
        XCTAssertEqual(call(98, [0x5500800504, 1, 1, 0, 0, 0]), "futex(0x0000005500800504,FUTEX_WAKE,1,NULL,NULL,0)")
        XCTAssertEqual(call(129, [5485, 28]), "kill(5485,SIGWINCH)")
        XCTAssertEqual(call(160, [0x5500800508]), "uname(0x5500800508)")
        XCTAssertEqual(call(59, [365080610040, 524288, 524288, 4778480, 4778480, 0]),
                       "pipe2(365080610040,524288,524288,4778480,4778480,0)")
    }

    func testResults() {
        XCTAssertEqual(Strace.formatResult(-2, .dec, [], mem: p.mem), " = -1 errno=2 (No such file or directory)")
        XCTAssertEqual(Strace.formatResult(-20, .dec, [], mem: p.mem), " = -1 errno=20 (Not a directory)")
        XCTAssertEqual(Strace.formatResult(-25, .dec, [], mem: p.mem), " = -1 errno=25 (Inappropriate ioctl for device)")
        XCTAssertEqual(Strace.formatResult(-38, .dec, [], mem: p.mem), " = -1 errno=38 (Function not implemented)")
        XCTAssertEqual(Strace.formatResult(0x498af0, .addr, [], mem: p.mem), " = 0x0000000000498af0")
        XCTAssertEqual(Strace.formatResult(5134, .dec, [], mem: p.mem), " = 5134")
        p.mem.writeU64(scratch, 380); p.mem.writeU64(scratch + 8, 191893432)
        XCTAssertEqual(Strace.formatResult(0, .timespecOut(1), [1, scratch], mem: p.mem),
                       " = 0 ({tv_sec = 380,tv_nsec = 191893432})")
        p.mem.writeU64(scratch, 1795928850); p.mem.writeU64(scratch + 8, 585128)
        XCTAssertEqual(Strace.formatResult(0, .timevalOut(0), [scratch, 0], mem: p.mem),
                       " = 0 ({tv_sec = 1795928850,tv_usec = 585128},NULL)")
    }

    func testUnknownAndExitLinesAreEmitted() throws {
        // Capture fd 2 while the process prints its trace.
        p.options.strace = true
        let path = NSTemporaryDirectory() + "lu-strace-\(getpid())"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        let saved = dup(2)
        dup2(fd, 2)
        p.syscall(4000)
        p.syscall(57, 999)
        p.syscall(94, 3)
        dup2(saved, 2)
        close(saved); close(fd)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        unlink(path)
        let pid = getpid()
        XCTAssertEqual(text, "\(pid) Unknown syscall 4000\n\(pid) close(999) = -1 errno=9 (Bad file descriptor)\n\(pid) exit_group(3)\n")
    }
}

extension StraceTests {
    func testOpenModeShownWithCreate() {
        XCTAssertEqual(call(56, [cwd, str("/tmp/x"), 0o1101, 0o644]), "openat(AT_FDCWD,\"/tmp/x\",O_WRONLY|O_CREAT|O_TRUNC,0644)")
    }
}

extension StraceTests {
    /// From qemu-aarch64 -strace of a program mapping with many flags and calling abort().
    func testFlagOrdersAndSignalNames() {
        XCTAssertEqual(call(222, [0x70_0000_0000, 4096, 7, 0x2 | 0x10 | 0x20 | 0x4000 | 0x20000 | 0x8000, UInt64(bitPattern: -1), 0]),
                       "mmap(0x0000007000000000,4096,PROT_EXEC|PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_NORESERVE|MAP_POPULATE|0x20000,-1,0)")
        XCTAssertEqual(call(222, [0, 4096, 0, 0x1 | 0x20 | 0x100000 | 0x100, UInt64(bitPattern: -1), 0]),
                       "mmap(NULL,4096,PROT_NONE,MAP_SHARED|MAP_ANONYMOUS|MAP_GROWSDOWN|0x100000,-1,0)")
        XCTAssertEqual(call(134, [37, 0x55008003c8, 0x5500800460]), "rt_sigaction(37,0x00000055008003c8,0x0000005500800460)")
        XCTAssertEqual(call(131, [28999, 28999, 6]), "tgkill(28999,28999,SIGIOT)")
        XCTAssertEqual(Strace.formatSignal(sig: 6, code: -6, addr: 28999, fault: false),
                       "--- SIGIOT {si_signo=SIGIOT, si_code=SI_TKILL, si_pid=28999, si_uid=0} ---\n")
        XCTAssertEqual(Strace.formatSignal(sig: 11, code: 1, addr: 0x1238, fault: true),
                       "--- SIGSEGV {si_signo=SIGSEGV, si_code=1, si_addr=0x0000000000001238} ---\n")
        // musl passes AT_FDCWD zero-extended; qemu then prints the number.
        XCTAssertEqual(call(35, [0xffff_ff9c, str("/tmp/lx/dd"), 0x200]), "unlinkat(-100,\"/tmp/lx/dd\",AT_REMOVEDIR)")
    }
}

extension StraceTests {
    /// From qemu-aarch64 -strace of busybox (Debian's busybox-static, arm64).
    func testBusyboxLines() {
        XCTAssertEqual(call(56, [cwd, str("/tmp/lx/bb"), 0o40000 | 0o4000 | 0o2000000]),
                       "openat(AT_FDCWD,\"/tmp/lx/bb\",O_RDONLY|O_DIRECTORY|O_NONBLOCK|O_CLOEXEC)")
        p.mem.writeU64(scratch + 256, 0); p.mem.writeU64(scratch + 264, 10_000_000)
        p.mem.writeU64(scratch + 272, 0); p.mem.writeU64(scratch + 280, 0)
        XCTAssertEqual(call(115, [0, 0, scratch + 256, scratch + 272]),
                       "clock_nanosleep(CLOCK_REALTIME,0,{tv_sec = 0,tv_nsec = 10000000},{tv_sec = 0,tv_nsec = 0})")
    }
}

import AArch64
import Glibc
import GuestMemory
@testable import LinuxUser
import XCTest

/// A process over a small address space, with no code: syscalls are
/// called directly through the table with registers set by `syscall`.
func makeProcess(size: UInt64 = 1 << 36, brk: UInt64 = 0x1000_0000) throws -> LinuxProcess {
    // Earlier processes in this test run may have left host dispositions
    // and masks behind; a new process inherits them, as after execve.
    for sig in Int32(1)...31 where ![9, 19, 11, 7, 4, 8, 5].contains(sig) { signal(sig, SIG_DFL) }
    var empty = sigset_t()
    sigemptyset(&empty)
    sigprocmask(SIG_SETMASK, &empty, nil)
    let mem = try AddressSpace(size: size)
    let cpu = CPU()
    var opts = ProcessOptions()
    opts.programPath = "/bin/guest-program"
    return LinuxProcess(mem: mem, cpu: cpu, executor: Executor(cpu: cpu, mem: mem), brkStart: brk, options: opts)
}

let scratch: UInt64 = 0x20_0000

final class SyscallTests: XCTestCase {
    // MARK: struct stat

    /// Offsets printed by an arm64 program compiled against asm/stat.h
    /// (offsetof on struct stat, run under qemu-aarch64).
    func testStatLayoutMatchesKernelHeader() {
        XCTAssertEqual(GuestStat.size, 128)
        let oracle: [(Int, Int)] = [(GuestStat.dev, 0), (GuestStat.ino, 8), (GuestStat.mode, 16), (GuestStat.nlink, 20),
                                    (GuestStat.uid, 24), (GuestStat.gid, 28), (GuestStat.rdev, 32), (GuestStat.sizeOff, 48),
                                    (GuestStat.blksize, 56), (GuestStat.blocks, 64), (GuestStat.atime, 72),
                                    (GuestStat.atimeNsec, 80), (GuestStat.mtime, 88), (GuestStat.mtimeNsec, 96),
                                    (GuestStat.ctime, 104), (GuestStat.ctimeNsec, 112)]
        for (ours, header) in oracle { XCTAssertEqual(ours, header) }

        var st = stat()
        st.st_dev = 0x1111; st.st_ino = 0x2222; st.st_mode = 0o100644; st.st_nlink = 3
        st.st_uid = 1000; st.st_gid = 1001; st.st_rdev = 0x3333; st.st_size = 0x4444
        st.st_blksize = 4096; st.st_blocks = 9; st.st_atim.tv_sec = 100; st.st_atim.tv_nsec = 101
        st.st_mtim.tv_sec = 200; st.st_mtim.tv_nsec = 201; st.st_ctim.tv_sec = 300; st.st_ctim.tv_nsec = 301
        let b = encodeGuestStat(st)
        XCTAssertEqual(b.count, 128)
        func u64(_ o: Int) -> UInt64 { b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt64.self) } }
        func u32(_ o: Int) -> UInt32 { b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt32.self) } }
        XCTAssertEqual(u64(0), 0x1111); XCTAssertEqual(u64(8), 0x2222); XCTAssertEqual(u32(16), 0o100644)
        XCTAssertEqual(u32(20), 3); XCTAssertEqual(u32(24), 1000); XCTAssertEqual(u32(28), 1001)
        XCTAssertEqual(u64(32), 0x3333); XCTAssertEqual(u64(40), 0); XCTAssertEqual(u64(48), 0x4444)
        XCTAssertEqual(u32(56), 4096); XCTAssertEqual(u64(64), 9); XCTAssertEqual(u64(72), 100)
        XCTAssertEqual(u64(80), 101); XCTAssertEqual(u64(88), 200); XCTAssertEqual(u64(96), 201)
        XCTAssertEqual(u64(104), 300); XCTAssertEqual(u64(112), 301)
    }

    func testFstatWritesGuestLayout() throws {
        let p = try makeProcess()
        p.mem.mapFixed(scratch, 0x1000, prot: PROT_READ | PROT_WRITE)
        let path = NSTemporaryDirectory() + "lu-stat-\(getpid())"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o640)
        defer { close(fd); unlink(path) }
        _ = Glibc.write(fd, "12345", 5)
        XCTAssertEqual(p.syscall(80, UInt64(fd), scratch), 0)
        XCTAssertEqual(p.mem.readU64(scratch + 48), 5)                       // st_size
        XCTAssertEqual(p.mem.readU32(scratch + 16).map { $0 & 0o7777 }, 0o640) // st_mode
        XCTAssertEqual(p.mem.readU32(scratch + 20), 1)                       // st_nlink (32-bit on arm64)
        var hs = stat()
        fstat(fd, &hs)
        XCTAssertEqual(p.mem.readU64(scratch + 8), UInt64(hs.st_ino))
    }

    // MARK: open flags

    func testOpenFlagTranslation() {
        // Guest values from asm/fcntl.h (arm64), host values from the x86_64 C library.
        XCTAssertEqual(xlatOpenFlagsToHost(0o40000), Int(O_DIRECTORY))
        XCTAssertEqual(xlatOpenFlagsToHost(0o100000), Int(O_NOFOLLOW))
        XCTAssertEqual(xlatOpenFlagsToHost(0o200000), 0o40000) // x86_64 O_DIRECT (asm-generic/fcntl.h)
        XCTAssertEqual(xlatOpenFlagsToHost(0o400000), 0o100000) // x86_64 kernel's O_LARGEFILE
        let same = Int(O_WRONLY | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        XCTAssertEqual(xlatOpenFlagsToHost(same), same)
        for g in [0o40000, 0o100000, 0o200000, 0o400000, 0o2000000 | 0o40000 | 2] {
            XCTAssertEqual(xlatOpenFlagsToGuest(xlatOpenFlagsToHost(g)), g)
        }
    }

    func testOpenDirectoryFlagIsTranslated() throws {
        let p = try makeProcess()
        p.mem.mapFixed(scratch, 0x1000, prot: PROT_READ | PROT_WRITE)
        p.mem.write(scratch, Array("/etc/passwd".utf8) + [0])
        // arm64 O_DIRECTORY on a regular file: ENOTDIR, as under qemu-aarch64.
        XCTAssertEqual(p.syscall(56, UInt64(bitPattern: -100), scratch, 0o40000), -Errno.ENOTDIR)
        p.mem.write(scratch + 64, Array("/etc".utf8) + [0])
        let fd = p.syscall(56, UInt64(bitPattern: -100), scratch + 64, 0o40000)
        XCTAssertGreaterThanOrEqual(fd, 0)
        // F_GETFL gives the guest's bits back.
        XCTAssertNotEqual(p.syscall(25, UInt64(fd), 3) & 0o40000, 0)
        XCTAssertEqual(p.syscall(57, UInt64(fd)), 0)
    }

    // MARK: ENOSYS, EFAULT

    func testUnknownSyscallIsENOSYS() throws {
        let p = try makeProcess()
        XCTAssertEqual(p.syscall(4000), -38)
        XCTAssertEqual(p.syscall(293), -38) // rseq
        XCTAssertEqual(p.syscall(244), -38)
    }

    func testBadPointersGiveEFAULT() throws {
        let p = try makeProcess()
        p.mem.mapFixed(scratch, 0x1000, prot: PROT_READ)
        let bad: UInt64 = 0xdead_0000
        XCTAssertEqual(p.syscall(64, 1, bad, 10), -14)              // write from unmapped
        XCTAssertEqual(p.syscall(63, 0, scratch, 10), -14)          // read into read-only
        XCTAssertEqual(p.syscall(56, UInt64(bitPattern: -100), bad, 0), -14) // openat path
        XCTAssertEqual(p.syscall(113, 1, scratch), -14)             // clock_gettime
        XCTAssertEqual(p.syscall(160, bad), -14)                    // uname
        XCTAssertEqual(p.syscall(79, UInt64(bitPattern: -100), bad, scratch, 0), -14)
        XCTAssertEqual(p.syscall(134, 10, bad, 0, 8), -14)          // rt_sigaction
        XCTAssertEqual(p.syscall(66, 1, bad, 1), -14)               // writev iovec
        XCTAssertEqual(p.syscall(64, 1, UInt64.max - 4, 10), -14)   // wraps around
    }

    // MARK: brk and the region map

    func testBrkGrowsAndShrinks() throws {
        let start: UInt64 = 0x1000_0000
        let p = try makeProcess(brk: start)
        XCTAssertEqual(UInt64(p.syscall(214, 0)), start)
        XCTAssertEqual(UInt64(p.syscall(214, start + 0x1800)), start + 0x1800)
        XCTAssertTrue(p.mem.check(start + 0x1fff, 1, PagePerm.write))
        XCTAssertFalse(p.mem.check(start + 0x2000, 1, PagePerm.read))
        XCTAssertEqual(p.mem.region(containing: start)?.name, "[heap]")
        p.mem.writeU64(start + 0x1000, 0x55)
        XCTAssertEqual(UInt64(p.syscall(214, start + 0x10)), start + 0x10)
        XCTAssertFalse(p.mem.check(start + 0x1000, 1, PagePerm.read))
        // Growing again gives zeroed pages.
        XCTAssertEqual(UInt64(p.syscall(214, start + 0x2000)), start + 0x2000)
        XCTAssertEqual(p.mem.readU64(start + 0x1000), 0)
        // Below the start: the current break. Into a mapping: failure, current break.
        XCTAssertEqual(UInt64(p.syscall(214, start - 0x1000)), start + 0x2000)
        p.mem.mapFixed(start + 0x4000, 0x1000, prot: PROT_READ)
        XCTAssertEqual(UInt64(p.syscall(214, start + 0x5000)), start + 0x2000)
    }

    // MARK: mmap, munmap, mprotect, mremap, madvise

    func testMmapAnonymousAndFixed() throws {
        let p = try makeProcess()
        let rw = UInt64(PROT_READ | PROT_WRITE), anon = UInt64(0x22)
        let a = UInt64(p.syscall(222, 0, 8192, rw, anon, UInt64(bitPattern: -1), 0))
        XCTAssertEqual(a & 0xfff, 0)
        XCTAssertTrue(p.mem.checkRange(a, 8192, PagePerm.write))
        XCTAssertEqual(p.mem.readU64(a), 0)
        // mprotect to read-only: writes are refused, reads allowed.
        XCTAssertEqual(p.syscall(226, a, 4096, UInt64(PROT_READ)), 0)
        XCTAssertFalse(p.mem.check(a, 1, PagePerm.write))
        XCTAssertTrue(p.mem.check(a + 4096, 1, PagePerm.write))
        XCTAssertEqual(p.syscall(226, a + 1, 4096, rw), -Errno.EINVAL)
        // MAP_FIXED_NOREPLACE over it: EEXIST; MAP_FIXED replaces.
        XCTAssertEqual(p.syscall(222, a, 4096, rw, anon | 0x100000, UInt64(bitPattern: -1), 0), -Errno.EEXIST)
        p.mem.writeU64(a + 4096, 7)
        XCTAssertEqual(UInt64(p.syscall(222, a + 4096, 4096, rw, anon | 0x10, UInt64(bitPattern: -1), 0)), a + 4096)
        XCTAssertEqual(p.mem.readU64(a + 4096), 0)
        // A hint that is free is honoured.
        let hint: UInt64 = 0x7_0000_0000
        XCTAssertEqual(UInt64(p.syscall(222, hint, 4096, rw, anon, UInt64(bitPattern: -1), 0)), hint)
        // munmap removes the pages and the region.
        XCTAssertEqual(p.syscall(215, a, 8192), 0)
        XCTAssertFalse(p.mem.check(a, 1, PagePerm.read))
        XCTAssertNil(p.mem.region(containing: a))
        XCTAssertEqual(p.syscall(215, a + 1, 4096), -Errno.EINVAL)
        XCTAssertEqual(p.syscall(222, 0, 0, rw, anon, UInt64(bitPattern: -1), 0), -Errno.EINVAL)
        XCTAssertEqual(p.syscall(222, 0, 4096, rw, anon | 0x100000, UInt64(bitPattern: -1), 0), -Errno.EPERM)
        XCTAssertEqual(p.syscall(222, 0x1000, 4096, rw, anon | 0x10, UInt64(bitPattern: -1), 0), -Errno.EPERM)
        XCTAssertEqual(p.syscall(226, 0x9_0000_0000, 4096, rw), -Errno.ENOMEM) // mprotect of a hole
    }

    func testMmapFileCopiesContents() throws {
        let p = try makeProcess()
        let path = NSTemporaryDirectory() + "lu-mmap-\(getpid())"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd); unlink(path) }
        var bytes = [UInt8](repeating: 0xAB, count: 5000)
        bytes[4096] = 0xCD
        _ = Glibc.write(fd, bytes, bytes.count)
        XCTAssertEqual(p.syscall(222, 0, 8192, UInt64(PROT_READ), 0x02, UInt64(fd), 4096 + 1), -Errno.EINVAL)
        let a = UInt64(p.syscall(222, 0, 8192, UInt64(PROT_READ), 0x02, UInt64(fd), 4096))
        XCTAssertEqual(a & 0xfff, 0)
        XCTAssertEqual(p.mem.read(a, count: 2), [0xCD, 0xAB])
        XCTAssertEqual(p.mem.read(a + 903, count: 2), [0xAB, 0])  // past EOF is zero
        XCTAssertEqual(p.mem.region(containing: a)?.offset, 4096)
        XCTAssertEqual(p.syscall(222, 0, 4096, UInt64(PROT_READ), 0x02, 9999, 0), -Errno.EBADF)
    }

    func testMremapAndMadvise() throws {
        let p = try makeProcess()
        let rw = UInt64(PROT_READ | PROT_WRITE)
        let a = UInt64(p.syscall(222, 0, 4096, rw, 0x22, UInt64(bitPattern: -1), 0))
        p.mem.writeU64(a, 0x1234)
        let b = UInt64(p.syscall(216, a, 4096, 3 * 4096, 1 /* MAYMOVE */))
        XCTAssertEqual(p.mem.readU64(b), 0x1234)
        XCTAssertTrue(p.mem.checkRange(b, 3 * 4096, PagePerm.write))
        // MADV_DONTNEED zeroes private anonymous memory.
        XCTAssertEqual(p.syscall(233, b, 4096, 4), 0)
        XCTAssertEqual(p.mem.readU64(b), 0)
        XCTAssertEqual(p.syscall(233, 0x9_0000_0000, 4096, 4), -Errno.ENOMEM)
    }

    // MARK: process, time, misc

    func testUnameAndReadlinkSelfExe() throws {
        let p = try makeProcess()
        p.mem.mapFixed(scratch, 0x1000, prot: PROT_READ | PROT_WRITE)
        XCTAssertEqual(p.syscall(160, scratch), 0)
        XCTAssertEqual(p.mem.readCString(scratch + 4 * 65), "aarch64")
        p.mem.write(scratch + 512, Array("/proc/self/exe".utf8) + [0])
        let n = p.syscall(78, UInt64(bitPattern: -100), scratch + 512, scratch + 1024, 256)
        XCTAssertEqual(n, "/bin/guest-program".utf8.count)
        XCTAssertEqual(p.mem.read(scratch + 1024, count: n).map { String(decoding: $0, as: UTF8.self) }, "/bin/guest-program")
    }

    func testExitEndsWithLowByte() throws {
        let p = try makeProcess()
        p.syscall(94, 0x1_0203)
        XCTAssertEqual(p.run(), .exited(3))
    }

    func testFutexSingleThread() throws {
        let p = try makeProcess()
        p.mem.mapFixed(scratch, 0x1000, prot: PROT_READ | PROT_WRITE)
        p.mem.writeU32(scratch, 5)
        XCTAssertEqual(p.syscall(98, scratch, 128 /* WAIT|PRIVATE */, 4, 0), -Errno.EAGAIN)
        XCTAssertEqual(p.syscall(98, scratch, 129 /* WAKE|PRIVATE */, 1), 0)
        XCTAssertEqual(p.syscall(98, 0xdead_0000, 129, 1), -Errno.EFAULT)
        // WAIT on the unchanged value sleeps until the timeout.
        p.mem.writeU64(scratch + 16, 0); p.mem.writeU64(scratch + 24, 1_000_000)
        XCTAssertEqual(p.syscall(98, scratch, 128, 5, scratch + 16), -Errno.ETIMEDOUT)
    }

    func testSigactionLayoutRoundTrip() throws {
        let p = try makeProcess()
        p.mem.mapFixed(scratch, 0x1000, prot: PROT_READ | PROT_WRITE)
        // handler, flags (SA_SIGINFO|SA_RESTORER), restorer, mask
        for (i, v) in [UInt64(0x400123), 0x0400_0004, 0x400999, 1 << 9].enumerated() { p.mem.writeU64(scratch + UInt64(8 * i), v) }
        XCTAssertEqual(p.syscall(134, 12, scratch, 0, 8), 0)
        XCTAssertEqual(p.syscall(134, 12, 0, scratch + 64, 8), 0)
        XCTAssertEqual(p.mem.read(scratch + 64, count: 32), p.mem.read(scratch, count: 32))
        XCTAssertEqual(p.syscall(134, 12, scratch, 0, 16), -Errno.EINVAL) // sigsetsize
        XCTAssertEqual(p.syscall(134, 9, scratch, 0, 8), -Errno.EINVAL)   // SIGKILL
        // rt_sigprocmask: SIGKILL cannot be blocked.
        p.mem.writeU64(scratch + 128, (1 << 8) | (1 << 1))
        XCTAssertEqual(p.syscall(135, 0, scratch + 128, scratch + 136, 8), 0)
        XCTAssertEqual(p.blocked, 1 << 1)
    }
}

extension SyscallTests {
    func testProcSelfMapsShowsTheRegionMap() throws {
        let p = try makeProcess()
        p.mem.mapFixed(0x40_0000, 0x2000, prot: PROT_READ | PROT_EXEC, name: "/etc/passwd")
        p.mem.mapFixed(scratch, 0x1000, prot: PROT_READ | PROT_WRITE)
        p.mem.write(scratch, Array("/proc/self/maps".utf8) + [0])
        let fd = p.syscall(56, UInt64(bitPattern: -100), scratch, 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let n = p.syscall(63, UInt64(fd), scratch + 64, 1024)
        let text = p.mem.read(scratch + 64, count: n).map { String(decoding: $0, as: UTF8.self) } ?? ""
        // The sigreturn trampoline, mapped at start-up like qemu's sigtramp
        // page, is the top line.
        var lines = text.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.last?.hasSuffix("[sigreturn]") ?? false)
        lines.removeLast()
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines.first, "00200000-00201000 rw-p 00000000 00:00 0 ")
        // Named mappings: the name starts at column 73, as in the kernel's output.
        XCTAssertTrue(lines.last!.hasPrefix("00400000-00402000 r-xp 00000000 "))
        XCTAssertEqual(lines.last!.firstRange(of: "/etc/passwd")?.lowerBound.utf16Offset(in: lines.last!), 73)
        XCTAssertEqual(p.syscall(56, UInt64(bitPattern: -100), scratch, 1), -Errno.EACCES)
    }

    func testProcCpuinfoListsAdvertisedFeatures() throws {
        let p = try makeProcess()
        let text = p.procCpuinfo()
        XCTAssertTrue(text.hasPrefix("processor\t: 0\n"))
        // Bit 0 is fp, 7 crc32, 8 atomics, 11 cpuid (arch/arm64/kernel/cpuinfo.c).
        let line = text.split(separator: "\n").first { $0.hasPrefix("Features") }.map(String.init) ?? ""
        let words = Set(line.split(separator: " ").map(String.init))
        for (bit, name) in [(0, "fp"), (7, "crc32"), (8, "atomics"), (11, "cpuid")] {
            XCTAssertEqual(words.contains(name), CPUModel.max.features.hwcap & (1 << UInt64(bit)) != 0, name)
        }
        XCTAssertTrue(text.contains("CPU architecture: 8\n"))
    }

    /// prlimit64 of a process that does not exist is ESRCH, as Linux's
    /// find_task_by_vpid (CPython's test_resource.test_prlimit).
    func testPrlimitOfNoProcessIsESRCH() throws {
        let p = try makeProcess()
        XCTAssertEqual(p.syscall(261, UInt64(bitPattern: -1), 7, 0, 0), -Errno.ESRCH)
        XCTAssertEqual(p.syscall(261, 0x3fff_fff0, 7, 0, 0), -Errno.ESRCH)
        XCTAssertEqual(p.syscall(261, 0, 7, 0, 0), 0)
    }
}

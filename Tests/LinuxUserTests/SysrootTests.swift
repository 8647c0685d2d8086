import AArch64
import Foundation
import Glibc
import GuestMemory
@testable import LinuxUser
import XCTest

/// Guest paths under a sysroot (qemu's util/path.c rule: the sysroot's file
/// when it exists there, else the host's) and the /proc views of the guest.
final class SysrootTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "lu-sysroot-\(getpid())-\(UUID().uuidString)"
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/lib", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/usr", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        try "real\n".write(toFile: root + "/lib/real.so", atomically: false, encoding: .utf8)
        try "in the sysroot\n".write(toFile: root + "/etc/guest-only", atomically: false, encoding: .utf8)
        // Debian's absolute links (/lib/x -> /usr/lib/x) must stay inside.
        symlink("/lib/real.so", root + "/lib/abs-link")
        symlink("../lib", root + "/usr/lib")
        symlink("/no/such/target", root + "/bin/dangling")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    func testPathsUnderTheSysroot() {
        XCTAssertEqual(xlatSysrootPath(root: root, "/lib/real.so"), root + "/lib/real.so")
        XCTAssertEqual(xlatSysrootPath(root: root + "/", "/lib/real.so"), root + "/lib/real.so")
        XCTAssertEqual(xlatSysrootPath(root: root, "/lib/../lib/./real.so"), root + "/lib/real.so")
        XCTAssertEqual(xlatSysrootPath(root: root, "/usr/lib/real.so"), root + "/lib/real.so", "relative directory link")
        XCTAssertEqual(xlatSysrootPath(root: root, "/lib/abs-link"), root + "/lib/real.so", "absolute link resolved inside")
        XCTAssertEqual(xlatSysrootPath(root: root, "/lib/abs-link", followLast: false), root + "/lib/abs-link",
                       "lstat and readlink see the link itself")
        XCTAssertEqual(xlatSysrootPath(root: root, "/bin/dangling", followLast: false), root + "/bin/dangling")
    }

    func testPathsLeftToTheHost() {
        XCTAssertEqual(xlatSysrootPath(root: root, "/etc/passwd"), "/etc/passwd", "missing in the sysroot")
        XCTAssertEqual(xlatSysrootPath(root: root, "/bin/dangling"), "/bin/dangling", "a link to nothing")
        XCTAssertEqual(xlatSysrootPath(root: root, "/lib/real.so/x"), "/lib/real.so/x", "a file is no directory")
        XCTAssertEqual(xlatSysrootPath(root: root, "relative/path"), "relative/path")
        XCTAssertEqual(xlatSysrootPath(root: root, "/proc/self/maps"), "/proc/self/maps")
        XCTAssertEqual(xlatSysrootPath(root: root, "/dev/null"), "/dev/null")
        XCTAssertEqual(xlatSysrootPath(root: "/", "/lib/real.so"), "/lib/real.so")
    }

    /// openat, newfstatat and faccessat go through the same translation.
    func testSyscallsSeeTheSysroot() throws {
        let p = try makeProcess()
        p.options.sysroot = root
        p.mem.mapFixed(scratch, 0x2000, prot: PROT_READ | PROT_WRITE)
        _ = p.mem.write(scratch, Array("/etc/guest-only".utf8) + [0])
        let fd = p.syscall(56, UInt64(bitPattern: -100), scratch, 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(p.syscall(63, UInt64(fd), scratch + 0x1000, 100), 15)
        XCTAssertEqual(p.mem.read(scratch + 0x1000, count: 15), Array("in the sysroot\n".utf8))
        close(Int32(fd))
        XCTAssertEqual(p.syscall(48, UInt64(bitPattern: -100), scratch, 0 /* F_OK */), 0)
        XCTAssertEqual(p.syscall(79, UInt64(bitPattern: -100), scratch, scratch + 0x1000, 0), 0)
        XCTAssertEqual(p.mem.readU64(scratch + 0x1000 + UInt64(GuestStat.sizeOff)), 15)
        // Without the sysroot the file does not exist.
        p.options.sysroot = nil
        XCTAssertEqual(p.syscall(48, UInt64(bitPattern: -100), scratch, 0), -Errno.ENOENT)
        // The host's files stay reachable through the sysroot.
        p.options.sysroot = root
        _ = p.mem.write(scratch, Array("/etc/passwd".utf8) + [0])
        XCTAssertEqual(p.syscall(48, UInt64(bitPattern: -100), scratch, 0), 0)
    }

    func testProcSelfExeNamesTheGuestProgram() throws {
        let p = try makeProcess()
        p.options.programPath = root + "/lib/real.so"
        p.mem.mapFixed(scratch, 0x2000, prot: PROT_READ | PROT_WRITE)
        for name in ["/proc/self/exe", "/proc/\(getpid())/exe", "/proc/thread-self/exe"] {
            _ = p.mem.write(scratch, Array(name.utf8) + [0])
            let n = p.syscall(78, UInt64(bitPattern: -100), scratch, scratch + 0x1000, 4096)
            XCTAssertEqual(n, (root + "/lib/real.so").utf8.count, name)
            let fd = p.syscall(56, UInt64(bitPattern: -100), scratch, 0)
            XCTAssertGreaterThanOrEqual(fd, 0, name)
            XCTAssertEqual(p.syscall(63, UInt64(fd), scratch + 0x1000, 100), 5, name)
            XCTAssertEqual(p.mem.read(scratch + 0x1000, count: 5), Array("real\n".utf8))
            close(Int32(fd))
        }
    }

    func testProcAuxvCmdlineAndStat() throws {
        let p = try makeProcess()
        p.mem.mapFixed(scratch, 0x3000, prot: PROT_READ | PROT_WRITE)
        let args = Array("prog\0one\0".utf8)
        _ = p.mem.write(scratch + 0x2000, args)
        p.options.procInfo.auxv = [(6, 4096), (9, 0x1234), (0, 0)]
        p.options.procInfo.argStart = scratch + 0x2000
        p.options.procInfo.argEnd = scratch + 0x2000 + UInt64(args.count)
        p.options.procInfo.startStack = 0x7fff_0000

        func readProc(_ path: String) -> [UInt8] {
            _ = p.mem.write(scratch, Array(path.utf8) + [0])
            let fd = p.syscall(56, UInt64(bitPattern: -100), scratch, 0)
            XCTAssertGreaterThanOrEqual(fd, 0, path)
            defer { close(Int32(fd)) }
            let n = p.syscall(63, UInt64(fd), scratch + 0x1000, 0x1000)
            return n > 0 ? p.mem.read(scratch + 0x1000, count: n)! : []
        }
        var expected: [UInt8] = []
        for v: UInt64 in [6, 4096, 9, 0x1234, 0, 0] { withUnsafeBytes(of: v.littleEndian) { expected += $0 } }
        XCTAssertEqual(readProc("/proc/self/auxv"), expected)
        XCTAssertEqual(readProc("/proc/\(getpid())/cmdline"), args)

        // proc(5): pid (comm) state ppid ... field 28 is startstack.
        let stat = String(decoding: readProc("/proc/self/stat"), as: UTF8.self)
        XCTAssertTrue(stat.hasPrefix("\(getpid()) (guest-program) "), stat)
        XCTAssertTrue(stat.hasSuffix("\n"))
        let fields = stat.split(separator: ")").last!.split(separator: " ")
        XCTAssertEqual(fields.count, 52 - 2, "the host kernel's field count")
        XCTAssertEqual(Int(fields[1]), Int(getppid()))
        XCTAssertEqual(fields[28 - 3], "\(0x7fff_0000)")
        XCTAssertEqual(readProc("/proc/self/comm"), Array("guest-program\n".utf8))
    }

    /// Every word of the Features line is the kernel's name of a HWCAP or
    /// HWCAP2 bit that `Features` sets, and every set bit is named.
    func testCpuinfoFeaturesMatchHwcap() throws {
        let p = try makeProcess()
        let text = p.procCpuinfo()
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("Features\t: ") }
        XCTAssertFalse(lines.isEmpty)
        var expected: [String] = []
        for bit in 0..<64 where CPUModel.max.features.hwcap & (1 << UInt64(bit)) != 0 {
            XCTAssertLessThan(bit, FeatureSet.hwcapNames.count, "HWCAP bit \(bit) has no name")
            if bit < FeatureSet.hwcapNames.count { expected.append(FeatureSet.hwcapNames[bit]) }
        }
        for bit in 0..<64 where CPUModel.max.features.hwcap2 & (1 << UInt64(bit)) != 0 {
            XCTAssertLessThan(bit, FeatureSet.hwcap2Names.count, "HWCAP2 bit \(bit) has no name")
            if bit < FeatureSet.hwcap2Names.count { expected.append(FeatureSet.hwcap2Names[bit]) }
        }
        for line in lines {
            XCTAssertEqual(line.dropFirst("Features\t: ".count).split(separator: " ").map(String.init), expected)
        }
        XCTAssertTrue(text.hasPrefix("processor\t: 0\n"))
        XCTAssertTrue(text.contains("CPU architecture: 8\n"))
    }
}

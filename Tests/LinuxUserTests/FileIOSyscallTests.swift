import Glibc
import GuestMemory
@testable import LinuxUser
import XCTest

/// The file, I/O and memory-locking rows: -strace lines copied from
/// `qemu-aarch64 -strace` (qemu 7.2) runs of TestBinaries/src/runtime
/// fileio2, memlock and mmsg, and range checks run through the table.
final class FileIOSyscallTests: XCTestCase {
    var p: LinuxProcess!

    override func setUpWithError() throws {
        p = try makeProcess()
        p.mem.mapFixed(scratch, 0x4000, prot: PROT_READ | PROT_WRITE)
    }

    func call(_ nr: Int, _ a: [UInt64]) -> String {
        let row = syscallIndex[nr]!
        return Strace.formatCall(row.name, row.args, a + Array(repeating: 0, count: 6 - a.count), mem: p.mem)
    }

    func testFcntlLinesAsQemuPrintsThem() {
        XCTAssertEqual(call(25, [3, 4, 0o6000]), "fcntl(3,F_SETFL,O_RDONLY|O_APPEND|O_NONBLOCK)")
        XCTAssertEqual(call(25, [3, 6, 0x45a3b8]), "fcntl(3,F_SETLK,0x000000000045a3b8)")
        XCTAssertEqual(call(25, [5, 36, 0x55008005a0]), "fcntl(5,F_OFD_GETLK,0x00000055008005a0)")
        XCTAssertEqual(call(25, [3, 15, 0x5500800548]), "fcntl(3,F_SETOWN_EX,0x0000005500800548)")
        XCTAssertEqual(call(25, [3, 8, 24259]), "fcntl(3,F_SETOWN,24259,)")
        XCTAssertEqual(call(25, [3, 10, 10]), "fcntl(3,F_SETSIG,10,)")
        XCTAssertEqual(call(25, [3, 11]), "fcntl(3,F_GETSIG)")
        XCTAssertEqual(call(25, [5, 1033, 10]), "fcntl(5,F_ADD_SEALS,0x000000000000000a)")
        XCTAssertEqual(call(25, [5, 1024, 0]), "fcntl(5,F_SETLEASE,0)")
        XCTAssertEqual(call(25, [4, 1026, 2147483652]), "fcntl(4,F_NOTIFY,2147483652)")
        XCTAssertEqual(call(25, [3, 1030, 100]), "fcntl(3,F_DUPFD_CLOEXEC,100)")
        XCTAssertEqual(call(25, [3, 12, 0x5500800580]), "fcntl(3,12,0x0000005500800580)")
        XCTAssertEqual(call(25, [3, 9999, 0]), "fcntl(3,9999,NULL)")
    }

    func testOtherLinesAsQemuPrintsThem() {
        XCTAssertEqual(call(228, [0x5500802000, UInt64.max]), "mlock(0x5500802000,18446744073709551615)")
        XCTAssertEqual(call(229, [0x5500803000, 4096]), "munlock(0x5500803000,4096)")
        XCTAssertEqual(call(230, [0]), "mlockall(0)")
        XCTAssertEqual(call(230, [4]), "mlockall(MCL_ONFAULT)")
        XCTAssertEqual(call(230, [0x100]), "mlockall(0x100)")
        XCTAssertEqual(call(231, []), "munlockall()")
        XCTAssertEqual(call(267, [7]), "syncfs(7)")
        XCTAssertEqual(call(285, [7, 0x5500800580, 8, 0, 18, 0]), "copy_file_range(7,0x5500800580,8,(nil),18,0)")
        XCTAssertEqual(call(77, [3, 6, 100, 0, 4853528, 115]), "tee(3,6,100,0,4853528,115)")
        XCTAssertEqual(call(232, [365080616960, 24576, 365080610360, 1, 365080629248, 0]),
                       "mincore(365080616960,24576,365080610360,1,365080629248,0)")
        XCTAssertEqual(call(89, [0xffff_ffff]), "acct(0x00000000ffffffff)")
    }

    func testMincoreAndMlockFollowTheRegionMap() {
        // scratch..+0x4000 is mapped; the page after it is not.
        let vec = scratch + 0x3000
        XCTAssertEqual(p.syscall(232, scratch, 0x3000, vec), 0)
        XCTAssertEqual(p.syscall(232, scratch + 1, 0x1000, vec), -Errno.EINVAL)
        XCTAssertEqual(p.syscall(232, scratch, 0x5000, vec), -Errno.ENOMEM)
        XCTAssertEqual(p.syscall(232, scratch, 0x1000, 8), -Errno.EFAULT)
        XCTAssertEqual(p.syscall(229, scratch + 0x3000, 0x2000), -Errno.ENOMEM)
        XCTAssertEqual(p.syscall(229, scratch + 0x10, 0x20), 0)
        XCTAssertEqual(p.syscall(230, 0), -Errno.EINVAL)
        XCTAssertEqual(p.syscall(230, 4), -Errno.EINVAL)
        XCTAssertEqual(p.syscall(284, scratch, 0x1000, 2), -Errno.EINVAL)
    }

    func testProcessVmCopiesWithinTheGuestAndStopsAtAHole() {
        let src = scratch, dst = scratch + 0x100, iov = scratch + 0x200
        _ = p.mem.write(src, Array("0123456789".utf8))
        // local {dst, 10}; remote {src, 4}, {scratch + 0x3ffe, 4} running into the unmapped page.
        _ = p.mem.writeU64(iov, dst); _ = p.mem.writeU64(iov + 8, 10)
        _ = p.mem.writeU64(iov + 16, src); _ = p.mem.writeU64(iov + 24, 4)
        _ = p.mem.writeU64(iov + 32, scratch + 0x3ffe); _ = p.mem.writeU64(iov + 40, 4)
        XCTAssertEqual(p.syscall(270, UInt64(p.pid), iov, 1, iov + 16, 2, 0), 6)
        XCTAssertEqual(p.mem.read(dst, count: 4), Array("0123".utf8))
        XCTAssertEqual(p.syscall(270, UInt64(p.pid), iov, 1, iov + 16, 1, 1), -Errno.EINVAL)
        XCTAssertEqual(p.syscall(270, UInt64(p.pid), iov, 1, iov + 32 + 0x10000, 1, 0), -Errno.EFAULT)
    }
}

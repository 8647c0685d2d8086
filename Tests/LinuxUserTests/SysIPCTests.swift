import Glibc
import GuestMemory
@testable import LinuxUser
import XCTest

/// struct semid64_ds: arm64's layout from the guest's side.
final class SysVIPCTests: XCTestCase {
    func testSemidLayoutTranslation() {
        var h = [UInt8](repeating: 0, count: SemidDs.hostSize)
        for i in 0..<48 { h[i] = UInt8(i + 1) }
        h[48] = 0xA1; h[64] = 0xC1; h[80] = 3
        let g = LinuxProcess.semidToGuest(h)
        XCTAssertEqual(g.count, 88)
        XCTAssertEqual(Array(g[0..<48]), Array(h[0..<48]))
        XCTAssertEqual(g[48], 0xA1); XCTAssertEqual(g[56], 0xC1); XCTAssertEqual(g[64], 3)
        XCTAssertEqual(LinuxProcess.semidToHost(g), h)
    }

    func testSemctlStatThroughTheTable() throws {
        let p = try makeProcess()
        p.mem.mapFixed(scratch, 0x1000, prot: PROT_READ | PROT_WRITE)
        let id = p.syscall(190, 0, 4, 0o600)  // semget(IPC_PRIVATE, 4, 0600)
        XCTAssertGreaterThanOrEqual(id, 0)
        defer { p.syscall(191, UInt64(id), 0, 0) }
        XCTAssertEqual(p.syscall(191, UInt64(id), 0, 2, scratch), 0)  // IPC_STAT
        XCTAssertEqual(p.mem.readU64(scratch + 64), 4, "sem_nsems at arm64's offset")
        XCTAssertEqual(p.mem.readU32(scratch + 20).map { $0 & 0o777 }, 0o600)
        XCTAssertEqual(p.syscall(191, UInt64(id), 0, 2, 0x7000_0000), -Int(EFAULT))
    }

    /// From qemu-aarch64 -strace of glibc's semctl.
    func testSemctlStraceLine() throws {
        let p = try makeProcess()
        let row = syscallIndex[191]!
        XCTAssertEqual(Strace.formatCall(row.name, row.args, [0, 0, 2, 0x5500800630, 0, 0], mem: p.mem),
                       "semctl(0,0,IPC_STAT,0x0000005500800630)")
        XCTAssertEqual(Strace.formatCall(row.name, row.args, [1, 0, 0, 0, 0, 0], mem: p.mem),
                       "semctl(1,0,IPC_RMID,0x0000000000000000)")
        XCTAssertEqual(Strace.formatCall(row.name, row.args, [1, 0, 0x10D, 0, 0, 0], mem: p.mem),
                       "semctl(1,0,SHM_STAT,0x0000000000000000)")
    }

    /// From qemu-aarch64 -strace of posixmq (glibc).
    func testMqStraceLines() throws {
        let p = try makeProcess()
        p.mem.mapFixed(scratch, 0x1000, prot: PROT_READ | PROT_WRITE)
        p.mem.write(scratch, Array("sql-q".utf8) + [0])
        func line(_ nr: Int, _ a: [UInt64]) -> String {
            let row = syscallIndex[nr]!
            return Strace.formatCall(row.name, row.args, a + Array(repeating: 0, count: 6 - a.count), mem: p.mem)
        }
        XCTAssertEqual(line(180, [scratch, 0o302, 0o600, 0x55008003d0]), "mq_open(\"sql-q\",O_RDWR|O_CREAT|O_EXCL,0600,0x00000055008003d0)")
        XCTAssertEqual(line(180, [scratch, 1, 0, 0]), "mq_open(\"sql-q\",O_WRONLY)")
        XCTAssertEqual(line(185, [3, 0, 0x5500800458]), "mq_getsetattr(3,(nil),0x5500800458)")
        XCTAssertEqual(line(184, [3, 0x5500800558]), "mq_notify(3,0x5500800558)")
        XCTAssertEqual(line(183, [3, 0x5500800498, 64, 0x5500_8003AC, 0]), "mq_timedreceive(3,0x5500800498,64,8389548,(nil))")
        XCTAssertEqual(line(182, [3, 0x462d68, 4, 1, 0]), "mq_timedsend(3,0x462d68,4,1,(nil))")
        XCTAssertEqual(line(181, [scratch]), "mq_unlink(\"sql-q\")")
        XCTAssertEqual(p.syscall(181, 0x7000_0000), -Int(EFAULT))
    }
}

import Foundation
import Glibc
import GuestMemory
@testable import LinuxUser
import XCTest

/// The ioctl table against the arm64 headers, its checks, and its -strace
/// lines (copied from qemu-aarch64 7.2 -strace runs).
final class IoctlTests: XCTestCase {
    var p: LinuxProcess!

    override func setUpWithError() throws {
        p = try makeProcess()
        p.mem.mapFixed(scratch, 0x2000, prot: PROT_READ | PROT_WRITE)
    }

    /// Printed by an aarch64-linux-gnu-gcc program from asm/ioctls.h,
    /// linux/fs.h, linux/loop.h, linux/sockios.h and linux/random.h, run
    /// under qemu-aarch64 (the x86-64 build prints the same numbers).
    static let arm64Numbers: [(String, Int)] = [
        ("TCGETS", 0x5401), ("TCSETS", 0x5402), ("TCSETSW", 0x5403), ("TCSETSF", 0x5404), ("TCGETA", 0x5405),
        ("TCSETA", 0x5406), ("TCSETAW", 0x5407), ("TCSETAF", 0x5408), ("TCSBRK", 0x5409), ("TCXONC", 0x540a),
        ("TCFLSH", 0x540b), ("TIOCEXCL", 0x540c), ("TIOCNXCL", 0x540d), ("TIOCSCTTY", 0x540e), ("TIOCGPGRP",
        0x540f), ("TIOCSPGRP", 0x5410), ("TIOCOUTQ", 0x5411), ("TIOCSTI", 0x5412), ("TIOCGWINSZ", 0x5413),
        ("TIOCSWINSZ", 0x5414), ("TIOCMGET", 0x5415), ("TIOCMBIS", 0x5416), ("TIOCMBIC", 0x5417), ("TIOCMSET",
        0x5418), ("FIONREAD", 0x541b), ("TIOCCONS", 0x541d), ("TIOCGSERIAL", 0x541e), ("TIOCPKT", 0x5420),
        ("FIONBIO", 0x5421), ("TIOCNOTTY", 0x5422), ("TIOCSETD", 0x5423), ("TIOCGETD", 0x5424), ("TCSBRKP",
        0x5425), ("TIOCSBRK", 0x5427), ("TIOCCBRK", 0x5428), ("TIOCGSID", 0x5429), ("TCGETS2", 0x802c542a),
        ("TCSETS2", 0x402c542b), ("TCSETSW2", 0x402c542c), ("TCSETSF2", 0x402c542d), ("TIOCGPTN", 0x80045430),
        ("TIOCSPTLCK", 0x40045431), ("TIOCVHANGUP", 0x5437), ("TIOCGPKT", 0x80045438), ("TIOCGPTLCK",
        0x80045439), ("TIOCGEXCL", 0x80045440), ("TIOCGPTPEER", 0x5441), ("FIONCLEX", 0x5450), ("FIOCLEX",
        0x5451), ("FIOASYNC", 0x5452), ("FIOQSIZE", 0x5460), ("FIOGETOWN", 0x8903), ("FIOSETOWN", 0x8901),
        ("SIOCGPGRP", 0x8904), ("SIOCSPGRP", 0x8902), ("SIOCATMARK", 0x8905), ("FS_IOC_GETFLAGS", 0x80086601),
        ("FS_IOC_SETFLAGS", 0x40086602), ("FS_IOC_GETVERSION", 0x80087601), ("FS_IOC_FIEMAP", 0xc020660b),
        ("FICLONE", 0x40049409), ("FICLONERANGE", 0x4020940d), ("FIDEDUPERANGE", 0xc0189436),
        ("FS_IOC_FSGETXATTR", 0x801c581f), ("FS_IOC_FSSETXATTR", 0x401c5820), ("BLKGETSIZE64", 0x80081272),
        ("BLKSSZGET", 0x1268), ("BLKGETSIZE", 0x1260), ("BLKROGET", 0x125e), ("BLKFLSBUF", 0x1261),
        ("LOOP_SET_FD", 0x4c00), ("LOOP_CLR_FD", 0x4c01), ("LOOP_SET_STATUS64", 0x4c04), ("LOOP_GET_STATUS64",
        0x4c05), ("LOOP_CHANGE_FD", 0x4c06), ("LOOP_SET_CAPACITY", 0x4c07), ("LOOP_SET_DIRECT_IO", 0x4c08),
        ("LOOP_SET_BLOCK_SIZE", 0x4c09), ("LOOP_CONFIGURE", 0x4c0a), ("LOOP_CTL_GET_FREE", 0x4c82),
        ("LOOP_CTL_ADD", 0x4c80), ("LOOP_CTL_REMOVE", 0x4c81), ("SIOCGIFCONF", 0x8912), ("SIOCGIFFLAGS",
        0x8913), ("SIOCGIFINDEX", 0x8933), ("SIOCGIFNAME", 0x8910), ("SIOCGIFHWADDR", 0x8927), ("SIOCGIFADDR",
        0x8915), ("SIOCGIFMTU", 0x8921), ("SIOCGSTAMP", 0x8906), ("SIOCGSTAMPNS", 0x8907), ("RNDGETENTCNT",
        0x80045200),
    ]

    func testEveryRowHasTheArm64Number() {
        XCTAssertEqual(ioctlTable.count, Self.arm64Numbers.count)
        for (name, nr) in Self.arm64Numbers {
            XCTAssertEqual(ioctlIndex[nr]?.name, name, name)
        }
    }

    /// A buffer's size is the one the request encodes, except the
    /// flag/version requests encoded with a long of which the kernel uses an int.
    func testBufferSizesMatchTheEncoding() {
        let intForLong: Set<String> = ["FS_IOC_GETFLAGS", "FS_IOC_SETFLAGS", "FS_IOC_GETVERSION"]
        for row in ioctlTable {
            let encoded = (row.req >> 16) & 0x3FFF
            let n: Int
            switch row.arg {
            case .out(let x), .inp(let x), .inOut(let x): n = x
            default: continue
            }
            if encoded == 0 { continue }
            XCTAssertEqual(n, intForLong.contains(row.name) ? 4 : encoded, row.name)
            let dir = row.req >> 30
            if case .out = row.arg { XCTAssertEqual(dir, 2, row.name) }
            if case .inp = row.arg { XCTAssertEqual(dir, 1, row.name) }
        }
    }

    func ioctl(_ fd: Int32, _ req: UInt64, _ arg: UInt64) -> Int {
        p.syscall(29, UInt64(bitPattern: Int64(fd)), req, arg)
    }

    func testUnknownRequestsAndBadPointers() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]); close(fds[1]) }
        XCTAssertEqual(ioctl(fds[0], 0x5A_EE, 0), -Int(ENOTTY))
        XCTAssertEqual(ioctl(fds[0], 0x1_0000_541B, scratch), 0, "only the low 32 bits name the request")
        XCTAssertEqual(ioctl(fds[0], 0x541B, 0x7000_0000), -Int(EFAULT))     // FIONREAD, unmapped
        // TCSETS across the end of the mapping: a pipe is not a tty, and the
        // host kernel says so before it reads the buffer, as Linux does.
        XCTAssertEqual(ioctl(fds[0], 0x5402, scratch + 0x2000 - 8), -Int(ENOTTY))
        XCTAssertEqual(ioctl(fds[0], 0x5451, 0x7000_0000), 0)                 // FIOCLEX takes no pointer
        XCTAssertEqual(fcntl(fds[0], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC)
        // SIOCGIFCONF: the ifconf is fine, the buffer it points to is not.
        let sk = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(sk) }
        XCTAssertTrue(p.mem.writeU32(scratch, 400))
        XCTAssertTrue(p.mem.writeU64(scratch + 8, 0x7000_0000))
        XCTAssertEqual(ioctl(sk, 0x8912, scratch), -Int(EFAULT))
        XCTAssertTrue(p.mem.writeU64(scratch + 8, 0))
        XCTAssertEqual(ioctl(sk, 0x8912, scratch), 0)
        XCTAssertEqual(p.mem.readU32(scratch).map { Int($0) % 40 }, 0, "length of whole ifreqs")
        // FIEMAP: a count above FIEMAP_MAX_EXTENTS, and one whose extents run past the mapping.
        XCTAssertTrue(p.mem.writeU32(scratch + 24, 0xFFFF_FFF0))
        XCTAssertEqual(ioctl(fds[0], 0xC020_660B, scratch), -Int(EINVAL))
        XCTAssertTrue(p.mem.writeU32(scratch + 24, 200))
        XCTAssertEqual(ioctl(fds[0], 0xC020_660B, scratch), -Int(EFAULT))
    }

    func call(_ a: [UInt64]) -> String {
        let row = syscallIndex[29]!
        return Strace.formatCall(row.name, row.args, a + Array(repeating: 0, count: 6 - a.count), mem: p.mem)
    }

    func result(_ ret: Int, _ a: [UInt64]) -> String {
        Strace.formatResult(ret, syscallIndex[29]!.ret, a + Array(repeating: 0, count: 6 - a.count), mem: p.mem)
    }

    func testStraceLines() {
        XCTAssertEqual(call([0, 0x5413, 0x5500800648]), "ioctl(0,TIOCGWINSZ,0x0000005500800648)")
        XCTAssertEqual(call([0, 0x1234_5678, 0]), "ioctl(0,0x12345678,0)")
        XCTAssertEqual(call([0, 0x5451]), "ioctl(0,FIOCLEX)")
        XCTAssertEqual(call([3, 0x540B, 2]), "ioctl(3,TCFLSH,2)")
        XCTAssertEqual(call([3, 0x5441, 2]), "ioctl(3,TIOCGPTPEER,2)")
        p.mem.write(scratch, [1, 0, 2, 0, 3, 0, 4, 0])
        XCTAssertEqual(call([3, 0x5414, scratch]), "ioctl(3,TIOCSWINSZ,{1,2,3,4})")
        XCTAssertTrue(p.mem.writeU32(scratch, 1))
        XCTAssertEqual(call([3, 0x4004_5431, scratch]), "ioctl(3,TIOCSPTLCK,1)")
        p.mem.write(scratch, [97, 0])
        XCTAssertEqual(call([3, 0x5412, scratch]), "ioctl(3,TIOCSTI,97)")
        XCTAssertEqual(result(-25, [0, 0x5401, scratch]), " = -1 errno=25 (Inappropriate ioctl for device)")
        // A pty master's termios after TCGETS.
        var t = [UInt8](repeating: 0, count: 36)
        func put(_ o: Int, _ v: UInt32) { for i in 0..<4 { t[o + i] = UInt8((v >> (8 * UInt32(i))) & 0xFF) } }
        put(0, 0x500); put(4, 5); put(8, 0xBF); put(12, 0x8A3B)
        t[17] = 3; t[18] = 0x1C; t[19] = 0x7F; t[20] = 0x15; t[21] = 4
        p.mem.write(scratch, t)
        let text = "{c_iflag = ICRNL|IXON,c_oflag = OPOST|ONLCR,c_cflag = B38400,CS8,CREAD,"
            + "c_lflag = ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN,c_cc = \"\u{3}\u{1C}\u{7F}\u{15}\u{4}\",c_line = '\u{0}'}"
        XCTAssertEqual(call([3, 0x5401, scratch]), "ioctl(3,TCGETS,0x0000000000200000)")
        XCTAssertEqual(result(0, [3, 0x5401, scratch]), " = 0 (" + text + ")")
        XCTAssertEqual(call([3, 0x5402, scratch]), "ioctl(3,TCSETS," + text + ")")
    }
}

extension IoctlTests {
    /// docs/ioctls.md must be what the table generates.
    func testIoctlDocMatchesTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = root.appendingPathComponent("docs/ioctls.md")
        let generated = ioctlsMarkdown()
        if ProcessInfo.processInfo.environment["UPDATE_SYSCALL_DOC"] != nil {
            try generated.write(to: doc, atomically: true, encoding: .utf8)
        }
        let text = try String(contentsOf: doc, encoding: .utf8)
        XCTAssertEqual(text, generated, "docs/ioctls.md is stale: UPDATE_SYSCALL_DOC=1 swift test --filter LinuxUserTests.IoctlTests")
    }
}

import Foundation
@testable import LinuxUser
import XCTest

/// Every arm64 syscall number is implemented (a row of `syscallTable`) or
/// left out on purpose (`leftOutSyscalls`, with its errno), never both
/// and never neither.
final class SyscallListingTests: XCTestCase {
    /// The numbers of asm-generic/unistd.h as arm64 sees it (64-bit: the
    /// *_time64 calls 403-423 exist only for 32-bit ABIs), without the
    /// markers __NR_arch_specific_syscall (244, unused by arm64) and
    /// __NR_syscalls.
    static let arm64Numbers: Set<Int> = Set(Array(0...243) + Array(260...294) + Array(424...450))

    static let header = "/usr/aarch64-linux-gnu/include/asm-generic/unistd.h"

    /// The numbers defined by the header, when it is installed.
    static func headerNumbers() throws -> Set<Int>? {
        guard let text = try? String(contentsOfFile: header, encoding: .utf8) else { return nil }
        var out = Set<Int>()
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count == 3, words[0] == "#define", words[1].hasPrefix("__NR"),
                  let n = Int(words[2]) else { continue }
            let name = words[1]
            if name == "__NR_syscalls" || name == "__NR_arch_specific_syscall" { continue }
            if (403...423).contains(n) { continue }
            out.insert(n)
        }
        return out
    }

    func testListMatchesTheHeader() throws {
        guard let numbers = try Self.headerNumbers() else { throw XCTSkip("\(Self.header) is not installed") }
        XCTAssertEqual(numbers.subtracting(Self.arm64Numbers).sorted(), [], "in the header, not in the list")
        XCTAssertEqual(Self.arm64Numbers.subtracting(numbers).sorted(), [], "in the list, not in the header")
    }

    func testEveryNumberIsImplementedOrLeftOutOnce() {
        let implemented = Set(syscallTable.map(\.nr))
        let leftOut = leftOutSyscalls.map(\.nr)
        XCTAssertEqual(Set(leftOut).count, leftOut.count, "a number left out twice")
        XCTAssertEqual(implemented.intersection(leftOut).sorted(), [], "both implemented and left out")
        let missing = Self.arm64Numbers.subtracting(implemented).subtracting(leftOut)
        XCTAssertEqual(missing.sorted(), [], "neither implemented nor left out")
        XCTAssertEqual(implemented.union(leftOut).subtracting(Self.arm64Numbers).sorted(), [],
                       "not an arm64 syscall number")
        for l in leftOutSyscalls {
            XCTAssertTrue(l.errno > 0 && !l.reason.isEmpty, "\(l.name): an errno and a reason")
        }
    }

    /// A left-out call answers its errno and -strace names it.
    func testLeftOutCallReturnsItsErrnoAndIsTraced() throws {
        let p = try makeProcess()
        p.options.strace = true
        let path = NSTemporaryDirectory() + "lu-leftout-\(getpid())"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        let saved = dup(2)
        dup2(fd, 2)
        let ptrace = p.syscall(117, 0, 0, 0, 0)
        let ioUring = p.syscall(425, 8, 0)
        dup2(saved, 2)
        close(saved); close(fd)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        unlink(path)
        XCTAssertEqual(ptrace, -Errno.EPERM)
        XCTAssertEqual(ioUring, -Errno.ENOSYS)
        let pid = getpid()
        XCTAssertEqual(text, "\(pid) ptrace(0,0,0,0,0,0) = -1 errno=1 (Operation not permitted)\n"
                       + "\(pid) io_uring_setup(8,0,0,0,0,0) = -1 errno=38 (Function not implemented)\n")
    }

    /// The doc lists every left-out call with its errno.
    func testDocListsLeftOutCalls() {
        let doc = syscallsMarkdown()
        for l in leftOutSyscalls {
            XCTAssertTrue(doc.contains("| \(l.nr) | \(l.name) | \(Self.errnoName(l.errno)) |"), l.name)
        }
    }

    static func errnoName(_ e: Int) -> String { errnoSymbol(e) }
}

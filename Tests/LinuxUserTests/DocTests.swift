import Foundation
@testable import LinuxUser
import XCTest

/// docs/syscalls.md must be what the table generates.
final class DocTests: XCTestCase {
    func testSyscallDocMatchesTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = root.appendingPathComponent("docs/syscalls.md")
        let generated = syscallsMarkdown()
        if ProcessInfo.processInfo.environment["UPDATE_SYSCALL_DOC"] != nil {
            try generated.write(to: doc, atomically: true, encoding: .utf8)
        }
        let text = try String(contentsOf: doc, encoding: .utf8)
        XCTAssertEqual(text, generated, "docs/syscalls.md is stale: UPDATE_SYSCALL_DOC=1 swift test --filter LinuxUserTests.DocTests")
        for row in syscallTable { XCTAssertTrue(text.contains("| \(row.nr) | \(row.name) |")) }
    }

    func testTableNumbersAreUniqueAndSorted() {
        let nrs = syscallTable.map(\.nr)
        XCTAssertEqual(nrs, nrs.sorted())
        XCTAssertEqual(Set(nrs).count, nrs.count)
    }
}

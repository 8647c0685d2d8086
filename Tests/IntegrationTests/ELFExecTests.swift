import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Bad ELF files run directly (one line, exit status 1) and through a
/// guest execve, which must end as Linux's does: the errno of the checks
/// load_elf_binary makes before its point of no return, or death by
/// SIGSEGV for a segment it can only refuse after it. The expected
/// results were checked against this host's Linux 6.18 with the same
/// mutations of an x86-64 program (binfmt_elf is the same code for both).
/// `TestBinaries/elf/execarg` runs execve(argv[1]) and exits with the errno.
final class ELFExecTests: XCTestCase {
    private var scratch: URL!
    let tiny = Paths.testBinaries.appendingPathComponent("elf/tiny")
    let execarg = Paths.testBinaries.appendingPathComponent("elf/execarg")

    override func setUpWithError() throws {
        try skipIfRequested()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sql-elfexec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    enum Expect { case errno(Int32), sigsegv }

    func testBadProgramHeaderTable() throws {
        try check("phentsize", .errno(ENOEXEC)) { $0.put(54, 32, 2) }
        try check("phnum-1171", .errno(ENOEXEC)) { $0.put(56, 1171, 2) }
        try check("phoff-past-eof", .errno(ENOEXEC)) { $0.put(32, 0x10_0000, 8) }
    }

    func testSegmentsRefusedAfterThePointOfNoReturn() throws {
        // p_offset 0xe8, p_vaddr 0x401080: not congruent modulo 4096.
        try check("incongruent", .sigsegv) { $0.put(120 + 16, 0x401080, 8) }
        try check("filesz-over-memsz", .sigsegv) { $0.put(120 + 32, 0x10000, 8) }
        try check("wrapping", .sigsegv) { $0.put(120 + 16, UInt64.max - 0xfff, 8) }
        try check("beyond-task-size", .sigsegv) { $0.put(120 + 40, 1 << 48, 8) }
        // A writable segment whose bss starts in a page past the end of the file.
        try check("bss-page-past-eof", .sigsegv) { $0.put(120 + 8, 0x100e8, 8) }
    }

    func testInterpreterPath() throws {
        let dyn = Paths.testBinaries.appendingPathComponent("elf/tiny-dyn")
        // tiny-dyn's PT_INTERP is its second header: 0x1b bytes at 0x190.
        try check("interp-past-eof", .errno(EIO), from: dyn) { $0.put(64 + 56 + 8, UInt64($0.count - 4), 8) }
        try check("interp-overlong", .errno(ENOEXEC), from: dyn) { $0.put(64 + 56 + 32, 4097, 8) }
        try check("interp-one-byte", .errno(ENOEXEC), from: dyn) { $0.put(64 + 56 + 32, 1, 8) }
        try check("interp-no-nul", .errno(ENOEXEC), from: dyn) { $0[0x190 + 0x1a] = 0x41 }
        try check("interp-missing", .errno(ENOENT), from: dyn) { $0[0x190 + 1] = 0x7a }
        // An interpreter that exists but is no ELF file: ELIBBAD.
        let root = scratch.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("lib"), withIntermediateDirectories: true)
        let ld = root.appendingPathComponent("lib/ld-linux-aarch64.so.1")
        try Data("not a loader\n".utf8).write(to: ld)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ld.path)
        try check("interp-not-elf", .errno(ELIBBAD), from: dyn, sysroot: root.path) { _ in }
    }

    func testGoodProgramStillExecs() throws {
        let r = try run([execarg.path, tiny.path])
        XCTAssertEqual(r.status, .exit(1), "tiny exits with argc")
        XCTAssertEqual(String(decoding: r.stdout, as: UTF8.self), "hi\n")
    }

    // MARK: - Helpers

    private func check(_ name: String, _ expect: Expect, from original: URL? = nil, sysroot: String? = nil,
                       file: StaticString = #filePath, line: UInt = #line, _ mutate: (inout [UInt8]) -> Void) throws {
        var b = [UInt8](try Data(contentsOf: original ?? tiny))
        mutate(&b)
        let path = scratch.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data(b), attributes: [.posixPermissions: 0o755])
        let lflag = sysroot.map { ["-L", $0] } ?? []
        // Directly: one line, exit status 1.
        let direct = try run(lflag + [path])
        let stderr = String(decoding: direct.stderr, as: UTF8.self)
        XCTAssertEqual(direct.status, .exit(1), "\(name) run directly; stderr \(stderr.debugDescription)", file: file, line: line)
        XCTAssertTrue(stderr.hasPrefix("swift-qemu-lite: \(path): ") && stderr.filter { $0 == "\n" }.count == 1,
                      "\(name): \(stderr.debugDescription)", file: file, line: line)
        // Through a guest execve.
        let r = try run(lflag + [execarg.path, path])
        let err = String(decoding: r.stderr, as: UTF8.self)
        switch expect {
        case .errno(let e):
            XCTAssertEqual(r.status, .exit(e), "\(name): execve should fail with \(String(cString: strerror(e))); stderr \(err.debugDescription)",
                           file: file, line: line)
        case .sigsegv:
            XCTAssertEqual(r.status, .signal(SIGSEGV), "\(name): Linux kills with SIGSEGV; stderr \(err.debugDescription)",
                           file: file, line: line)
            XCTAssertTrue(err.contains("uncaught target signal 11 "), err, file: file, line: line)
        }
    }

    private func run(_ args: [String]) throws -> RunResult {
        var env = try RecordedCase.environment()
        env["SWIFT_QEMU_LITE_DEFAULT_SYSROOT"] = ""
        return try Runner.run(try Paths.executable(), arguments: args, environment: env, timeout: 60)
    }
}

private extension Array where Element == UInt8 {
    mutating func put(_ o: Int, _ v: UInt64, _ size: Int) {
        for i in 0..<size { self[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
    }
}

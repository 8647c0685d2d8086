import Foundation
import XCTest

/// Files that are not AArch64 Linux programs. `swift-qemu-lite` must say
/// so in exactly one line on stderr and exit with a non-zero status: no
/// crash, no signal, no backtrace, nothing on stdout.
///
/// qemu-aarch64 7.2 also exits non-zero on each of these (status 1, or 255
/// with "Invalid ELF image for this architecture" for an x86-64 ELF); its
/// messages are not compared, only the shape of the failure.
final class MalformedInputTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        try skipIfRequested()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sql-malformed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func testTextFile() throws {
        try expectRejected(try write("text.txt", Data("#!not an ELF file\nhello\n".utf8)))
    }

    func testEmptyFile() throws {
        try expectRejected(try write("empty", Data()))
    }

    func testTruncatedHeader() throws {
        // Shorter than the 64-byte ELF64 header.
        let full = try Data(contentsOf: Paths.bin.appendingPathComponent("hello.glibc-O2"))
        try expectRejected(try write("hello.truncated40", full.prefix(40)))
    }

    func testTruncatedSegments() throws {
        // A whole header and program header table, but the segments they
        // describe run past the end of the file.
        let full = try Data(contentsOf: Paths.bin.appendingPathComponent("hello.glibc-O2"))
        try expectRejected(try write("hello.truncated3000", full.prefix(3000)))
    }

    func testHostX86_64ELF() throws {
        let candidates = ["/bin/true", "/usr/bin/true"]
        guard let path = candidates.first(where: { isX86_64ELF($0) }) else {
            throw XCTSkip("no x86-64 ELF found at \(candidates)")
        }
        try expectRejected(path)
    }

    func testELF32() throws {
        try expectRejected(try write("arm32", Self.elf32ARMHeader()))
    }

    func testNotExecutable() throws {
        let path = try write("hello.noexec", try Data(contentsOf: Paths.bin.appendingPathComponent("hello.glibc-O2")))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try expectRejected(path)
    }

    func testMissingFile() throws {
        try expectRejected(scratch.appendingPathComponent("does-not-exist").path)
    }

    func testDirectory() throws {
        try expectRejected(scratch.path)
    }

    // MARK: - Helpers

    private func write(_ name: String, _ data: Data) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try data.write(to: url)
        // Executable, so the file's contents are what gets rejected, not
        // its mode.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url.path
    }

    private func expectRejected(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let executable = try Paths.executable()
        let result = try Runner.run(executable, arguments: [path], environment: try RecordedCase.environment(),
                                    timeout: 30)
        let stderr = String(decoding: result.stderr, as: UTF8.self)
        let note = "\(path): stderr \(stderr.debugDescription)"
        switch result.status {
        case .signal(let sig):
            XCTFail("killed by signal \(sig) instead of exiting with an error; \(note)", file: file, line: line)
        case .exit(let code):
            XCTAssertNotEqual(code, 0, "exit status 0 for a malformed program; \(note)", file: file, line: line)
        }
        XCTAssertTrue(stderr.hasSuffix("\n") && stderr.filter { $0 == "\n" }.count == 1
                      && stderr.trimmingCharacters(in: .whitespacesAndNewlines).count > 0,
                      "expected exactly one line on stderr; \(note)", file: file, line: line)
        XCTAssertTrue(result.stdout.isEmpty, "expected nothing on stdout; \(path): stdout "
                      + Compare.excerpt(result.stdout), file: file, line: line)
    }

    private func isX86_64ELF(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = handle.readData(ofLength: 20)
        // e_ident: magic, ELFCLASS64 (2); e_machine at 18: EM_X86_64 (62).
        return head.count == 20 && head.prefix(4) == Data([0x7f, 0x45, 0x4c, 0x46]) && head[4] == 2
            && head[18] == 62 && head[19] == 0
    }

    /// A well-formed ELF32 header of an ARM (EM_ARM, 40) executable with one
    /// PT_LOAD program header: a valid file, the wrong class.
    static func elf32ARMHeader() -> Data {
        var d = Data()
        func u8(_ v: UInt8) { d.append(v) }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        // e_ident: magic, ELFCLASS32, ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE.
        d.append(contentsOf: [0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0])
        d.append(contentsOf: [UInt8](repeating: 0, count: 8))
        u16(2)            // e_type ET_EXEC
        u16(40)           // e_machine EM_ARM
        u32(1)            // e_version
        u32(0x10054)      // e_entry
        u32(52)           // e_phoff
        u32(0)            // e_shoff
        u32(0x0500_0200)  // e_flags EABI5, soft-float
        u16(52)           // e_ehsize
        u16(32)           // e_phentsize
        u16(1)            // e_phnum
        u16(40)           // e_shentsize
        u16(0)            // e_shnum
        u16(0)            // e_shstrndx
        // Program header: PT_LOAD of the whole file at 0x10000, R+X.
        u32(1); u32(0); u32(0x10000); u32(0x10000)
        u32(96); u32(96); u32(5); u32(0x10000)
        // Entry: mov r0, #0; mov r7, #1 (exit); svc #0; padding.
        u32(0xe3a0_0000); u32(0xe3a0_7001); u32(0xef00_0000)
        while d.count < 96 { u8(0) }
        return d
    }
}

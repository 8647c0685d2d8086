import Foundation
import GuestMemory
import LinuxUser
import SwiftQemuLite
import XCTest

/// Spawns `path` with argv and environment given as bytes (Foundation's
/// Process takes Swift strings, which cannot hold them), in `cwd`; returns
/// the wait status and stdout.
func spawnBytes(_ path: [UInt8], _ argv: [[UInt8]], env: [[UInt8]], cwd: String) throws -> (Int32, [UInt8], String) {
    let outPath = cwd + "/.out", errPath = cwd + "/.err"
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    func cStrings(_ a: [[UInt8]]) -> [UnsafeMutablePointer<CChar>?] {
        a.map { s in s.withCString { strdup($0) } } + [nil]
    }
    let cArgv = cStrings(argv), cEnv = cStrings(env)
    defer { (cArgv + cEnv).forEach { free($0) } }
    var pid: pid_t = 0
    let r = path.withCString { posix_spawn(&pid, $0, &actions, nil, cArgv, cEnv) }
    guard r == 0 else { throw XCTSkip("posix_spawn failed: \(r)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let out = try [UInt8](Data(contentsOf: URL(fileURLWithPath: outPath)))
    let err = String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self)
    unlink(outPath)
    unlink(errPath)
    return (status, out, err)
}

/// Paths, argv and environment strings that are not UTF-8 reach the guest
/// and the host byte for byte.
final class ByteStringTests: XCTestCase, ToolRunning {
    var dir = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/sql-bytes-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw XCTSkip("mkdtemp failed") }
        dir = String(cString: p)
    }

    override func tearDown() {
        if !dir.isEmpty { try? FileManager.default.removeItem(atPath: dir) }
        super.tearDown()
    }

    func testSysrootLookupKeepsBytes() throws {
        let root = dir.bytes
        let name: [UInt8] = [0x2f, 0x6c, 0x69, 0x62, 0x2f, 0xff, 0xfe] // "/lib/\xff\xfe"
        XCTAssertEqual(mkdir(dir + "/lib", 0o755), 0)
        let file = root + name
        let fd = file.withCString { open($0, O_CREAT | O_WRONLY, 0o644) }
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
        XCTAssertEqual(xlatSysrootPath(root: root, name), file)
        // The U+FFFD spelling names another file, which does not exist.
        let replaced = Array("/lib/\u{FFFD}\u{FFFD}".utf8)
        XCTAssertEqual(xlatSysrootPath(root: root, replaced), replaced)
        // NFC and NFD are different names.
        let nfc = Array("/lib/\u{E9}".utf8), nfd = Array("/lib/e\u{301}".utf8)
        _ = (root + nfc).withCString { open($0, O_CREAT | O_WRONLY, 0o644) }
        XCTAssertEqual(xlatSysrootPath(root: root, nfc), root + nfc)
        XCTAssertEqual(xlatSysrootPath(root: root, nfd), nfd)
    }

    func testExecEnvironmentIsRemovedAgain() {
        let guest: [[UInt8]] = ["A=1".bytes, [0x42, 0x3d, 0xff], "QEMU_CPU=cortex-a53".bytes]
        let passed = ExecEnvironment.adding([("QEMU_STRACE", "1".bytes), ("QEMU_CPU", "max".bytes)], to: guest)
        XCTAssertTrue(passed.contains("QEMU_STRACE=1".bytes))
        XCTAssertTrue(passed.contains("QEMU_CPU=cortex-a53".bytes), "the guest's own value stays")
        XCTAssertEqual(ExecEnvironment.removingAdded(from: passed), guest)
    }

    /// The program at a path that is not UTF-8, with such argv and
    /// environment strings, run by the built tool.
    func testProgramPathArgvAndEnvironmentAreBytes() throws {
        let tool = Self.root.appendingPathComponent(".build/debug/swift-qemu-lite").path
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("not built: \(tool)") }
        let prog = dir.bytes + [0x2f, 0x70, 0xff, 0xfe] // DIR/p\xff\xfe
        let src = Self.root.appendingPathComponent("TestBinaries/bin/bytenames.glibc-O2").path
        let data = try Data(contentsOf: URL(fileURLWithPath: src))
        let fd = prog.withCString { open($0, O_CREAT | O_WRONLY, 0o755) }
        XCTAssertGreaterThanOrEqual(fd, 0)
        _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let argv: [[UInt8]] = ["swift-qemu-lite".bytes, "-0".bytes, [0x61, 0xff], prog, "child".bytes, [0xfe, 0xff, 0x41]]
        let env: [[UInt8]] = [[0x42, 0x59, 0x54, 0x45, 0x53, 0x3d, 0xc0, 0x80], "PATH=/usr/bin:/bin".bytes]
        let (status, out, err) = try spawnBytes(tool.bytes, argv, env: env, cwd: dir)
        XCTAssertEqual(status, 7 << 8, err)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), """
              child argc=3
              argv[0]: 61 ff
              argv[1]: 63 68 69 6c 64
              argv[2]: fe ff 41
              env: 42 59 54 45 53 3d c0 80
              AT_EXECFN base: 70 ff fe
              /proc/self/exe base: 70 ff fe

            """)
    }

    /// A sysroot whose own name is not UTF-8, by -L and by QEMU_LD_PREFIX.
    func testSysrootNameIsBytes() throws {
        let tool = Self.root.appendingPathComponent(".build/debug/swift-qemu-lite").path
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("not built: \(tool)") }
        let root = dir.bytes + [0x2f, 0x72, 0xff] // DIR/r\xff
        XCTAssertEqual(root.withCString { mkdir($0, 0o755) }, 0)
        XCTAssertEqual((root + "/etc".bytes).withCString { mkdir($0, 0o755) }, 0)
        let marker = root + "/etc/sqltest-marker".bytes
        let fd = marker.withCString { open($0, O_CREAT | O_WRONLY, 0o644) }
        _ = "in the sysroot\n".withCString { write(fd, $0, 15) }
        close(fd)
        let prog = Self.root.appendingPathComponent("TestBinaries/bin/multicall.musl-O2").path.bytes
        let cat: [[UInt8]] = [prog, "/etc/sqltest-marker".bytes]
        let byFlag = try spawnBytes(tool.bytes, ["swift-qemu-lite".bytes, "-0".bytes, "cat".bytes, "-L".bytes, root] + cat,
                                    env: [], cwd: dir)
        XCTAssertEqual(String(decoding: byFlag.1, as: UTF8.self), "in the sysroot\n", byFlag.2)
        let byEnv = try spawnBytes(tool.bytes, ["swift-qemu-lite".bytes, "-0".bytes, "cat".bytes] + cat,
                                   env: ["QEMU_LD_PREFIX=".bytes + root], cwd: dir)
        XCTAssertEqual(String(decoding: byEnv.1, as: UTF8.self), "in the sysroot\n", byEnv.2)
    }
}

import Foundation
import SwiftQemuLite
import XCTest

/// The fully static build (TestBinaries/build-static-emulator.sh), which
/// .ci/run makes before the tests; the tests skip when it is missing.
enum StaticBuild {
    static var path: String? {
        let candidates = ["debug", "release"].map {
            BinfmtTestCase.root.appendingPathComponent(".build-static/\($0)/swift-qemu-lite").path
        }.filter { FileManager.default.isExecutableFile(atPath: $0) }
        // The newer one, should both exist.
        return candidates.max { modified($0) < modified($1) }
    }

    static func modified(_ path: String) -> Date {
        (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantPast
    }

    static let missing = "the static build is missing: run TestBinaries/build-static-emulator.sh --debug (.ci/run does)"

    /// The static build, unless a source file changed after it was made
    /// (a stale build would test old code).
    static func current() throws -> String {
        guard let path else { throw XCTSkip(missing) }
        let built = modified(path)
        let sources = BinfmtTestCase.root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String } ?? []
        if let newer = files.first(where: { $0.hasSuffix(".swift") && modified(sources.path + "/" + $0) > built }) {
            throw XCTSkip("the static build is older than Sources/\(newer): run TestBinaries/build-static-emulator.sh --debug")
        }
        return path
    }
}

/// The static build has no program interpreter and needs no shared library.
final class StaticBuildTests: XCTestCase {
    func testStaticBuildHasNoInterpreter() throws {
        guard let path = StaticBuild.path else { throw XCTSkip(StaticBuild.missing) }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        func u64(_ o: Int) -> Int { u32(o) | u32(o + 4) << 32 }
        XCTAssertEqual(Array(bytes[0..<4]), [0x7f, 0x45, 0x4c, 0x46])
        // ELF64 header: e_phoff at 32, e_phentsize at 54, e_phnum at 56.
        let phoff = u64(32), phentsize = u16(54), phnum = u16(56)
        XCTAssertGreaterThan(phnum, 0)
        var types: [Int] = []
        for i in 0..<phnum { types.append(u32(phoff + i * phentsize)) }
        XCTAssertTrue(types.contains(1), "no PT_LOAD: \(types)")
        XCTAssertFalse(types.contains(3), "PT_INTERP present: \(path) is dynamically linked")
        XCTAssertFalse(types.contains(2), "PT_DYNAMIC present: \(path) needs shared libraries")
    }
}

/// chroot into a minimal arm64 root file system, with the static build
/// registered with F: the interpreter's path does not exist inside, the
/// kernel uses the file it opened at registration.
final class ChrootTests: BinfmtTestCase {
    var procMounted = false

    override func tearDown() {
        // Before the scratch directory is removed, which must not reach /proc.
        if procMounted {
            if umount2(dir + "/proc", Int32(MNT_DETACH)) == 0 { procMounted = false }
        }
        if procMounted { dir = "" }
        super.tearDown()
    }

    func testChrootRunsArm64Programs() throws {
        let tool = try StaticBuild.current()
        let fm = FileManager.default
        for d in ["bin", "proc", "tmp"] { try fm.createDirectory(atPath: dir + "/" + d, withIntermediateDirectories: true) }
        try fm.copyItem(atPath: Self.multicall, toPath: dir + "/bin/multicall")
        try fm.copyItem(atPath: Self.root.appendingPathComponent("TestBinaries/bin/multicall.glibc-O2").path,
                        toPath: dir + "/bin/multicall-glibc")
        try fm.copyItem(atPath: Self.root.appendingPathComponent("TestBinaries/bin/hello.glibc-O2").path,
                        toPath: dir + "/bin/hello")
        for applet in ["sh", "echo", "true", "false", "run", "uname"] {
            try fm.createSymbolicLink(atPath: dir + "/bin/" + applet, withDestinationPath: "multicall")
        }
        // As in most chroot set-ups: with /proc, guest execve's start the
        // emulator through /proc/self/exe (NoProcChrootTests has none).
        guard mount("proc", dir + "/proc", "proc", 0, nil) == 0 else {
            throw XCTSkip("cannot mount proc in the chroot: \(String(cString: strerror(errno)))")
        }
        procMounted = true

        _ = try register(["--persistent", "--preserve-argv0"], tool: tool)
        let env = ["SWIFT_QEMU_LITE_STATS": "1", "QEMU_UNAME": "6.1.0-rpi-test"]
        let chroot = "/usr/sbin/chroot"

        let hello = try run(chroot, [dir, "/bin/hello"], env: env)
        XCTAssertEqual(assertEmulated(hello), "Hello, world!\n")
        XCTAssertEqual(hello.status, 0)

        let echo = try run(chroot, [dir, "/bin/echo", "inside", "the", "chroot"], env: env)
        XCTAssertEqual(assertEmulated(echo), "inside the chroot\n")

        let uname = try run(chroot, [dir, "/bin/uname"], env: env)
        XCTAssertEqual(assertEmulated(uname), "6.1.0-rpi-test aarch64\n")

        // One arm64 program starting others (fork and execve inside the
        // chroot), glibc and musl ones.
        let many = try run(chroot, [dir, "/bin/run", "/bin/echo", "/bin/true", "/bin/false", "/bin/multicall-glibc",
                                    "/bin/missing"], env: env)
        XCTAssertEqual(many.status, 0, many.stderr)
        XCTAssertEqual(assertEmulated(many), """
            from-run
            /bin/echo: exit 0
            /bin/true: exit 0
            /bin/false: exit 1
            name=multicall-glibc argc=2
            argv[1]=from-run
            /bin/multicall-glibc: exit 0
            /bin/missing: exit 127

            """)
        XCTAssertTrue(many.stderr.contains("/bin/missing: No such file or directory"), many.stderr)

        // A shell command line starting several programs.
        let sh = try run(chroot, [dir, "/bin/sh", "-c", "echo one; hello; uname; multicall-glibc x y; false"], env: env)
        XCTAssertEqual(sh.status, 1, sh.stderr)
        XCTAssertEqual(assertEmulated(sh), """
            one
            Hello, world!
            6.1.0-rpi-test aarch64
            name=multicall-glibc argc=3
            argv[1]=x
            argv[2]=y

            """)
    }
}

import Foundation
import XCTest

/// The static build in a chroot that has neither /proc nor /dev nor the
/// emulator's own file: binfmt_misc (F flag) starts it on arm64 programs,
/// and a guest execve of an arm64 program is a plain host execve that
/// binfmt_misc hands to the emulator again. Each case runs in a new user
/// and mount namespace with a binfmt_misc instance of its own (Linux 6.7
/// and later), so the host's registrations are neither needed nor touched;
/// the entry is removed at the end and vanishes with the namespace anyway.
final class NoProcChrootTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var dir = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/sql-noproc-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw XCTSkip("mkdtemp failed") }
        dir = String(cString: p)
    }

    override func tearDown() {
        if !dir.isEmpty { try? FileManager.default.removeItem(atPath: dir) }
        super.tearDown()
    }

    /// A root file system of arm64 programs only: the multi-call program
    /// as sh, echo, run..., a glibc and a musl build, and bytenames.
    func makeRoot(withEmulator tool: String? = nil) throws -> String {
        let fm = FileManager.default
        let chroot = dir + "/root"
        for d in ["bin", "tmp"] { try fm.createDirectory(atPath: chroot + "/" + d, withIntermediateDirectories: true) }
        let bin = Self.root.appendingPathComponent("TestBinaries/bin").path
        try fm.copyItem(atPath: bin + "/multicall.musl-O2", toPath: chroot + "/bin/multicall")
        try fm.copyItem(atPath: bin + "/multicall.glibc-O2", toPath: chroot + "/bin/multicall-glibc")
        try fm.copyItem(atPath: bin + "/hello.glibc-O2", toPath: chroot + "/bin/hello")
        try fm.copyItem(atPath: bin + "/bytenames.glibc-O2", toPath: chroot + "/bin/bn")
        for applet in ["sh", "echo", "true", "false", "run", "uname", "cat"] {
            try fm.createSymbolicLink(atPath: chroot + "/bin/" + applet, withDestinationPath: "multicall")
        }
        if let tool { try fm.copyItem(atPath: tool, toPath: chroot + "/emu") }
        XCTAssertFalse(fm.fileExists(atPath: chroot + "/proc"))
        XCTAssertFalse(fm.fileExists(atPath: chroot + "/dev"))
        return chroot
    }

    /// Runs `command` under `unshare --user --map-root-user --mount`, with
    /// `tool` registered for arm64 ELF files with `flags` when given.
    func inNamespace(register tool: String?, flags: String = "F", _ command: [String], body: String = "\"$@\"",
                     env: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let rule = #":sqlnoproc:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:"#
            + #"\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:"#
        var script = "set -e\n"
        if let tool {
            script += """
                mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
                printf '%s' '\(rule)\(tool):\(flags)' > /proc/sys/fs/binfmt_misc/register
                trap 'echo -1 > /proc/sys/fs/binfmt_misc/sqlnoproc' EXIT

                """
        }
        script += "set +e\n" + body + "\n"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        p.arguments = ["--user", "--map-root-user", "--mount", "sh", "-c", script, "sh"] + command
        p.environment = ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"].merging(env) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let stderr = String(decoding: e, as: UTF8.self)
        if p.terminationStatus != 0 && (stderr.contains("unshare failed") || stderr.contains("binfmt_misc: ")) {
            throw XCTSkip("no user namespace or private binfmt_misc here: \(stderr)")
        }
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), stderr)
    }

    // Without /proc, readlink("/proc/self/exe") fails as on Linux (qemu
    // answers it by name), so the child prints no base for it.
    static let shellLine = "echo one; hello; uname; multicall-glibc x y; run /bin/echo /bin/false /bin/missing; bn child z"
    static let shellOutput = """
        one
        Hello, world!
        6.1.0-test aarch64
        name=multicall-glibc argc=3
        argv[1]=x
        argv[2]=y
        from-run
        /bin/echo: exit 0
        /bin/false: exit 1
        /bin/missing: exit 127
          child argc=3
          argv[0]: 62 6e
          argv[1]: 63 68 69 6c 64
          argv[2]: 7a
          env: 51 45 4d 55 5f 55 4e 41 4d 45 3d 36 2e 31 2e 30 2d 74 65 73 74
          AT_EXECFN base: 62 6e
          /proc/self/exe base:

        """

    /// binfmt_misc's F flag: the emulator is not in the chroot, there is
    /// no /proc; a shell starts other arm64 programs (glibc and musl).
    func testNoProcAndNoEmulatorFileInTheChroot() throws {
        let tool = try StaticBuild.current()
        let chroot = try makeRoot()
        let r = try inNamespace(register: tool, ["/usr/sbin/chroot", chroot, "/bin/sh", "-c", Self.shellLine],
                                env: ["QEMU_UNAME": "6.1.0-test"])
        XCTAssertEqual(r.status, 7, r.stderr) // bn child's exit status
        XCTAssertEqual(r.stdout, Self.shellOutput, r.stderr)
        XCTAssertTrue(r.stderr.contains("/bin/missing: No such file or directory"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Swift runtime"), r.stderr)
    }

    /// The same with binfmt_misc's P flag: argv[0] reaches each program.
    func testNoProcWithPreservedArgv0() throws {
        let tool = try StaticBuild.current()
        let chroot = try makeRoot()
        let r = try inNamespace(register: tool, flags: "FP",
                                ["/usr/sbin/chroot", chroot, "/bin/run", "/bin/multicall-glibc"],
                                env: ["MULTICALL_FULL_ARGV0": "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            name=multicall-glibc argc=2
            argv[0]=/bin/multicall-glibc
            argv[1]=from-run
            /bin/multicall-glibc: exit 0

            """, r.stderr)
    }

    /// No binfmt_misc entry and no /proc: the emulator, started by its
    /// path inside the chroot, starts itself again by that path.
    func testNoProcEmulatorStartedByPath() throws {
        let tool = try StaticBuild.current()
        let chroot = try makeRoot(withEmulator: tool)
        let r = try inNamespace(register: nil,
                                ["/usr/sbin/chroot", chroot, "/emu", "-r", "6.1.0-test", "/bin/sh", "-c", Self.shellLine])
        XCTAssertEqual(r.status, 7, r.stderr)
        // -r is an option of the first emulator only; QEMU_UNAME is not set.
        XCTAssertEqual(r.stdout, Self.shellOutput
            .replacingOccurrences(of: "6.1.0-test aarch64", with: "\(hostRelease()) aarch64")
            .replacingOccurrences(of: "  env: 51 45 4d 55 5f 55 4e 41 4d 45 3d 36 2e 31 2e 30 2d 74 65 73 74\n", with: ""),
            r.stderr)
    }

    /// The emulator started by its path, with -strace, loses its file
    /// (deleted) while the guest runs: the next execve goes through
    /// binfmt_misc, with -strace passed in QEMU_STRACE, which the new
    /// guest does not see in its environment.
    func testOptionsPassedThroughBinfmtAreNotTheGuests() throws {
        let tool = try StaticBuild.current()
        let chroot = try makeRoot(withEmulator: tool)
        XCTAssertEqual(mkfifo(chroot + "/fifo", 0o600), 0)
        let body = """
            chroot "$1" /emu -strace /bin/sh -c "cat /fifo; bn child q" &
            sleep 1
            rm "$1/emu"
            echo > "$1/fifo"
            wait
            """
        let r = try inNamespace(register: tool, [chroot], body: body)
        XCTAssertEqual(r.stdout, """

              child argc=3
              argv[0]: 62 6e
              argv[1]: 63 68 69 6c 64
              argv[2]: 71
              AT_EXECFN base: 62 6e
              /proc/self/exe base:

            """, r.stderr)
        XCTAssertTrue(r.stderr.contains(#"execve("/bin/bn",{"bn","child","q",NULL})"#), r.stderr)
        // bn's own calls are traced: its emulator got QEMU_STRACE.
        XCTAssertTrue(r.stderr.contains(#"readlinkat(AT_FDCWD,"/proc/self/exe","#), r.stderr)
    }

    func hostRelease() -> String {
        var u = utsname()
        uname(&u)
        return withUnsafeBytes(of: u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}

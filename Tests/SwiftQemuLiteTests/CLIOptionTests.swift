import AArch64
import Foundation
import SwiftQemuLite
import XCTest

/// Each qemu-style option, and its environment variable, observed through
/// what a guest program sees: the built executable runs as a subprocess.
/// The multi-call program (TestBinaries/src/multicall.c) picks its applet
/// from argv[0], which -0 sets.
final class CLIOptionTests: XCTestCase, ToolRunning {
    static let multicall = "TestBinaries/bin/multicall.musl-O2"
    static let auxv = "TestBinaries/bin/auxv.musl-O2"

    /// Runs applet `applet` of the multi-call program with `options` first.
    func applet(_ applet: String, _ args: [String] = [], options: [String] = [],
                env: [String: String] = [:]) throws -> ToolResult {
        try run(options + ["-0", applet, Self.multicall] + args, env: env)
    }

    func testHelpListsEveryOption() throws {
        for flag in ["-h", "-help", "--help"] {
            let r = try run([flag])
            XCTAssertEqual(r.status, 0)
            for option in ["-h", "-help", "-version", "-L", "-E", "-U", "-0", "-s", "-cpu", "-r", "-strace", "-d", "-D",
                           "-seed", "-p", "-singlestep", "-icount-report", "-stats", "--", "-binfmt"] {
                XCTAssertTrue(r.stdout.contains("\n" + option + " ") || r.stdout.contains("\n" + option + "\n"),
                              "\(option) missing from the help")
            }
            for variable in ["QEMU_LD_PREFIX", "QEMU_SET_ENV", "QEMU_UNSET_ENV", "QEMU_ARGV0", "QEMU_STACK_SIZE",
                             "QEMU_CPU", "QEMU_UNAME", "QEMU_STRACE", "QEMU_RAND_SEED"] {
                XCTAssertTrue(r.stdout.contains(variable), "\(variable) missing from the help")
            }
        }
    }

    func testSysroot() throws {
        let sysroot = FileManager.default.temporaryDirectory.appendingPathComponent("sql-sysroot-\(getpid())")
        try FileManager.default.createDirectory(at: sysroot.appendingPathComponent("etc"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: sysroot) }
        try "from the sysroot\n".write(to: sysroot.appendingPathComponent("etc/sqltest-marker"), atomically: true, encoding: .utf8)
        let flag = try applet("cat", ["/etc/sqltest-marker"], options: ["-L", sysroot.path])
        XCTAssertEqual(flag.stdout, "from the sysroot\n", flag.stderr)
        let env = try applet("cat", ["/etc/sqltest-marker"], env: ["QEMU_LD_PREFIX": sysroot.path])
        XCTAssertEqual(env.stdout, "from the sysroot\n", env.stderr)
        let none = try applet("cat", ["/etc/sqltest-marker"])
        XCTAssertEqual(none.status, 1)
    }

    func testSetAndUnsetEnvironment() throws {
        let set = try run(["-E", "SQL_TEST_VALUE=from -E", Self.auxv])
        XCTAssertTrue(set.stdout.contains("getenv SQL_TEST_VALUE [from -E]\n"), set.stdout)
        let setEnv = try run([Self.auxv], env: ["QEMU_SET_ENV": "SQL_TEST_VALUE=from env"])
        XCTAssertTrue(setEnv.stdout.contains("getenv SQL_TEST_VALUE [from env]\n"), setEnv.stdout)
        // The flag overrides the variable.
        let both = try run(["-E", "SQL_TEST_VALUE=flag", Self.auxv], env: ["QEMU_SET_ENV": "SQL_TEST_VALUE=env"])
        XCTAssertTrue(both.stdout.contains("getenv SQL_TEST_VALUE [flag]\n"), both.stdout)

        let unset = try run(["-U", "SQL_TEST_VALUE", Self.auxv], env: ["SQL_TEST_VALUE": "host"])
        XCTAssertTrue(unset.stdout.contains("getenv SQL_TEST_VALUE [(unset)]\n"), unset.stdout)
        let unsetEnv = try run([Self.auxv], env: ["SQL_TEST_VALUE": "host", "QEMU_UNSET_ENV": "SQL_TEST_VALUE"])
        XCTAssertTrue(unsetEnv.stdout.contains("getenv SQL_TEST_VALUE [(unset)]\n"), unsetEnv.stdout)
        let kept = try run([Self.auxv], env: ["SQL_TEST_VALUE": "host"])
        XCTAssertTrue(kept.stdout.contains("getenv SQL_TEST_VALUE [host]\n"), kept.stdout)
    }

    func testArgv0() throws {
        let flag = try run(["-0", "chosen", Self.multicall, "x"], env: ["MULTICALL_FULL_ARGV0": "1"])
        XCTAssertEqual(flag.stdout, "name=chosen argc=2\nargv[0]=chosen\nargv[1]=x\n")
        let env = try run([Self.multicall], env: ["MULTICALL_FULL_ARGV0": "1", "QEMU_ARGV0": "echo"])
        XCTAssertEqual(env.stdout, "\n")
        let none = try run([Self.multicall], env: ["MULTICALL_FULL_ARGV0": "1"])
        XCTAssertEqual(none.stdout, "name=multicall.musl-O2 argc=1\nargv[0]=\(Self.multicall)\n")
    }

    /// The [stack] line of /proc/self/maps, as the guest reads it.
    func stackSize(_ r: ToolResult) -> UInt64? {
        guard let line = r.stdout.split(separator: "\n").first(where: { $0.hasSuffix("[stack]") }) else { return nil }
        let range = line.split(separator: " ")[0].split(separator: "-")
        guard range.count == 2, let lo = UInt64(range[0], radix: 16), let hi = UInt64(range[1], radix: 16) else { return nil }
        return hi - lo
    }

    func testStackSize() throws {
        XCTAssertEqual(stackSize(try applet("cat", ["/proc/self/maps"])), 8 << 20)
        XCTAssertEqual(stackSize(try applet("cat", ["/proc/self/maps"], options: ["-s", "1M"])), 1 << 20)
        XCTAssertEqual(stackSize(try applet("cat", ["/proc/self/maps"], env: ["QEMU_STACK_SIZE": "2M"])), 2 << 20)
        XCTAssertEqual(stackSize(try applet("cat", ["/proc/self/maps"], options: ["-s", "512k"],
                                            env: ["QEMU_STACK_SIZE": "2M"])), 512 << 10)
        let bad = try applet("true", options: ["-s", "1k"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.stderr, "swift-qemu-lite: invalid value '1k' for option 's': expected a size from 64k to 1G\n")
    }

    func testCPU() throws {
        XCTAssertEqual(try applet("echo", ["ok"], options: ["-cpu", "max"]).stdout, "ok\n")
        XCTAssertEqual(try applet("echo", ["ok"], env: ["QEMU_CPU": "max"]).stdout, "ok\n")
        let list = try run(["-cpu", "help"])
        XCTAssertEqual(list.status, 0)
        XCTAssertTrue(list.stdout.hasPrefix("Available CPUs:\n  max "), list.stdout)
        for name in ["cortex-a53", "cortex-a57", "cortex-a72"] { XCTAssertTrue(list.stdout.contains("\n  \(name) ")) }
        for r in [try applet("true", options: ["-cpu", "cortex-a99"]), try applet("true", env: ["QEMU_CPU": "cortex-a99"])] {
            XCTAssertEqual(r.status, 1)
            XCTAssertTrue(r.stderr.hasPrefix("swift-qemu-lite: invalid value 'cortex-a99' for option 'cpu'"), r.stderr)
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1)
        }
        // The model shows in /proc/cpuinfo: MIDR 0x410fd034 is a Cortex-A53
        // (implementer 0x41, part 0xd03), and the flag beats the variable.
        let a53 = CPUModel.named("cortex-a53")!.features.cpuinfoNames.joined(separator: " ")
        for r in [try applet("cat", ["/proc/cpuinfo"], options: ["-cpu", "cortex-a53"]),
                  try applet("cat", ["/proc/cpuinfo"], env: ["QEMU_CPU": "cortex-a53"]),
                  try applet("cat", ["/proc/cpuinfo"], options: ["-cpu", "cortex-a53"], env: ["QEMU_CPU": "max"])] {
            XCTAssertTrue(r.stdout.contains("CPU implementer\t: 0x41\n"), r.stdout)
            XCTAssertTrue(r.stdout.contains("CPU part\t: 0xd03\n"), r.stdout)
            XCTAssertTrue(r.stdout.contains("Features\t: \(a53)\n"), r.stdout)
        }
        let max = try applet("cat", ["/proc/cpuinfo"], options: ["-cpu", "max"])
        XCTAssertTrue(max.stdout.contains("Features\t: \(CPUModel.max.features.cpuinfoNames.joined(separator: " "))\n"))
    }

    func testUnameRelease() throws {
        let host = try applet("uname")
        XCTAssertTrue(host.stdout.hasSuffix(" aarch64\n"), host.stdout)
        XCTAssertFalse(host.stdout.hasPrefix("6.1.0-sqltest "))
        XCTAssertEqual(try applet("uname", options: ["-r", "6.1.0-sqltest"]).stdout, "6.1.0-sqltest aarch64\n")
        XCTAssertEqual(try applet("uname", env: ["QEMU_UNAME": "5.10.0-env"]).stdout, "5.10.0-env aarch64\n")
        XCTAssertEqual(try applet("uname", options: ["-r", "6.1.0-flag"], env: ["QEMU_UNAME": "5.10.0-env"]).stdout,
                       "6.1.0-flag aarch64\n")
    }

    func testStrace() throws {
        for (options, env) in [(["-strace"], [:]), (["-d", "strace"], [:]), ([], ["QEMU_STRACE": ""])] as [([String], [String: String])] {
            let r = try applet("echo", ["traced"], options: options, env: env)
            XCTAssertEqual(r.stdout, "traced\n")
            XCTAssertNotNil(r.stderr.range(of: #"[0-9]+ writev\(1,0x[0-9a-f]+,0x2\) = 7\n"#, options: .regularExpression),
                            "\(options) \(env): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(" exit_group(0)\n"), r.stderr)
        }
        let quiet = try applet("echo", ["traced"])
        XCTAssertEqual(quiet.stderr, "")
    }

    func testLogFile() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("sql-log-\(getpid()).txt")
        defer { try? FileManager.default.removeItem(at: log) }
        let r = try applet("echo", ["logged"], options: ["-d", "strace", "-D", log.path])
        XCTAssertEqual(r.stdout, "logged\n")
        XCTAssertEqual(r.stderr, "")
        let text = try String(contentsOf: log, encoding: .utf8)
        XCTAssertTrue(text.contains(" exit_group(0)\n"), text)
        // Nothing to log: the file is not even created.
        let unused = log.deletingLastPathComponent().appendingPathComponent("sql-log-unused-\(getpid()).txt")
        XCTAssertEqual(try applet("echo", ["x"], options: ["-D", unused.path]).stdout, "x\n")
        XCTAssertEqual(try applet("echo", ["x"], env: ["QEMU_LOG_FILENAME": unused.path]).stdout, "x\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: unused.path))
        let viaEnv = try applet("echo", ["x"], options: ["-strace"], env: ["QEMU_LOG_FILENAME": unused.path])
        defer { try? FileManager.default.removeItem(at: unused) }
        XCTAssertEqual(viaEnv.stderr, "")
        XCTAssertTrue(try String(contentsOf: unused, encoding: .utf8).contains(" exit_group(0)\n"))
        let bad = try applet("true", options: ["-strace", "-D", "/no/such/dir/log"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.stderr, "swift-qemu-lite: /no/such/dir/log: No such file or directory\n")
    }

    func testLogItems() throws {
        let help = try run(["-d", "help"])
        XCTAssertEqual(help.status, 0)
        for item in ["strace", "in_asm", "exec", "cpu", "unimp", "guest_errors", "page"] {
            XCTAssertTrue(help.stdout.contains("\n" + item + " "), "\(item) missing: \(help.stdout)")
        }
        let unknown = try applet("true", options: ["-d", "bogus"])
        XCTAssertEqual(unknown.stderr, "swift-qemu-lite: invalid value 'bogus' for option 'd': unknown log item; -d help lists them\n")
    }

    func testRandomSeed() throws {
        let a = try applet("random", options: ["-seed", "42"]).stdout
        XCTAssertEqual(a.count, 33)
        XCTAssertEqual(try applet("random", options: ["-seed", "42"]).stdout, a)
        XCTAssertEqual(try applet("random", env: ["QEMU_RAND_SEED": "42"]).stdout, a)
        XCTAssertNotEqual(try applet("random", options: ["-seed", "43"]).stdout, a)
        XCTAssertEqual(try applet("random", options: ["-seed", "42"], env: ["QEMU_RAND_SEED": "7"]).stdout, a)
        // Without a seed the bytes come from the host.
        XCTAssertNotEqual(try applet("random").stdout, try applet("random").stdout)

        // getrandom(2) follows the seed too, with bytes of its own.
        let g = try applet("getrandom", options: ["-seed", "42"]).stdout
        XCTAssertEqual(g.count, 33)
        XCTAssertNotEqual(g, a)
        XCTAssertEqual(try applet("getrandom", env: ["QEMU_RAND_SEED": "42"]).stdout, g)
        XCTAssertNotEqual(try applet("getrandom", options: ["-seed", "43"]).stdout, g)
        XCTAssertNotEqual(try applet("getrandom").stdout, try applet("getrandom").stdout)
    }

    func testStats() throws {
        let r = try applet("echo", ["counted"], options: ["--stats"])
        XCTAssertEqual(r.stdout, "counted\n")
        let pattern = #"^swift-qemu-lite: stats: [1-9][0-9]* guest instructions, [1-9][0-9]* blocks translated, "#
            + #"[0-9]+ block-cache hits, [1-9][0-9]* syscalls, [0-9]+\.[0-9]{6} s, [0-9]+\.[0-9] guest MIPS\n$"#
        XCTAssertNotNil(r.stderr.range(of: pattern, options: .regularExpression), r.stderr)
        // Every block translated ran at least one instruction.
        let busy = try run(["--stats", "TestBinaries/bin/malloc.musl-O2"])
        let numbers = busy.stderr.split(separator: "\n").last.map { line in
            line.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }
        } ?? []
        XCTAssertEqual(numbers.count, 4, busy.stderr)
        if numbers.count == 4 { XCTAssertGreaterThanOrEqual(numbers[0], numbers[1], busy.stderr) }
        XCTAssertEqual(try applet("echo", ["counted"], options: ["-stats"]).stderr.isEmpty, false)
        // A strace of the same run counts the same syscalls.
        let traced = try applet("echo", ["counted"], options: ["-strace", "--stats"])
        let calls = traced.stderr.split(separator: "\n").filter { !$0.hasPrefix("swift-qemu-lite:") }.count
        XCTAssertTrue(traced.stderr.contains(" \(calls) syscalls,"), "\(calls) calls traced: \(traced.stderr)")
    }

    func testEndOfOptions() throws {
        // Everything after the program belongs to the guest, options too.
        let r = try run(["-0", "echo", "--", Self.multicall, "-E", "x", "--", "-h"])
        XCTAssertEqual(r.stdout, "-E x -- -h\n")
        let missing = try run(["--"])
        XCTAssertEqual(missing.stderr, "swift-qemu-lite: no user program specified\n")
    }

    func testRefusedOptionsSayWhy() throws {
        for option in ["-g", "-B", "-R"] {
            let r = try run([option, "1234", Self.multicall])
            XCTAssertEqual(r.status, 1)
            XCTAssertTrue(r.stderr.hasPrefix("swift-qemu-lite: option '\(option)' is not supported: "), r.stderr)
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1)
        }
        XCTAssertEqual(try applet("echo", ["page"], options: ["-p", "4096"]).stdout, "page\n")
        XCTAssertEqual(try applet("true", options: ["-p", "65536"]).status, 1)
        XCTAssertEqual(try applet("echo", ["one"], options: ["-singlestep"]).stdout, "one\n")
    }

    // MARK: - binfmt_misc hand-over, parsed

    /// With the P flag the kernel passes (full path, argv[0], args...).
    func testPreserveArgv0Launch() throws {
        let args = ["/usr/bin/prog", "applet", "a"]
        guard case .run(let p) = try CommandLineOptions.parse(args, environment: [],
                                                               launch: .init(preserveArgv0: true)) else {
            return XCTFail("not a run")
        }
        XCTAssertEqual(p.programPath, "/usr/bin/prog")
        XCTAssertEqual(p.argv, ["applet", "a"])
        guard case .run(let q) = try CommandLineOptions.parse(args, environment: [], launch: .init()) else {
            return XCTFail("not a run")
        }
        XCTAssertEqual(q.argv, args)
        guard case .run(let o) = try CommandLineOptions.parse(args, environment: [], launch: .init(execFD: 5)) else {
            return XCTFail("not a run")
        }
        XCTAssertEqual(o.programFD, 5)
        XCTAssertEqual(o.emulatorConfig.programFD, 5)
    }

    func testBinfmtCommandLine() throws {
        let c = try BinfmtCommand.parse(["register", "--name", "x", "--interpreter", "/bin/emu", "--credential",
                                         "--preserve-argv0", "--persistent"])
        XCTAssertEqual(c.verb, .register)
        XCTAssertEqual(c.registration.line,
                       ":x:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:"
                       + "\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/bin/emu:POCF")
        let d = try BinfmtCommand.parse(["status"])
        XCTAssertEqual(d.registration.name, "swift-qemu-lite-aarch64")
        XCTAssertTrue(d.registration.interpreter.hasPrefix("/"))
        XCTAssertThrowsError(try BinfmtCommand.parse(["frobnicate"]))
        XCTAssertThrowsError(try BinfmtCommand.parse(["register", "--bogus"]))
        XCTAssertThrowsError(try BinfmtCommand.parse(["register", "--write"]))

        let persist = try run(["--binfmt", "persist", "--name", "sqltest-print", "--interpreter", "/bin/sh", "--persistent"])
        XCTAssertEqual(persist.status, 0, persist.stderr)
        XCTAssertTrue(persist.stdout.contains("# /etc/binfmt.d/sqltest-print.conf\n"), persist.stdout)
        XCTAssertTrue(persist.stdout.contains("\n:sqltest-print:M::\\x7f\\x45\\x4c\\x46"), persist.stdout)
        XCTAssertTrue(persist.stdout.contains(":/bin/sh:F\n"), persist.stdout)
        XCTAssertTrue(persist.stdout.hasSuffix("none /proc/sys/fs/binfmt_misc binfmt_misc defaults 0 0\n"), persist.stdout)
        // --write's file, into a scratch directory rather than /etc/binfmt.d.
        let etc = FileManager.default.temporaryDirectory.appendingPathComponent("sql-binfmt.d-\(getpid())")
        defer { try? FileManager.default.removeItem(at: etc) }
        let reg = Binfmt.Registration(name: "sqltest-file", interpreter: "/bin/sh", flags: [.fixBinary, .preserveArgv0])
        let written = try Binfmt.writePersistent(reg, directory: etc.path)
        XCTAssertEqual(written, etc.path + "/sqltest-file.conf")
        let lines = try String(contentsOfFile: written, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.filter { !$0.hasPrefix("#") }, [Substring(reg.line)])
        XCTAssertTrue(reg.line.hasSuffix(":/bin/sh:PF"))

        let bad = try run(["--binfmt", "persist", "--interpreter", "relative/path"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.hasPrefix("swift-qemu-lite: invalid interpreter 'relative/path'"), bad.stderr)
    }
}

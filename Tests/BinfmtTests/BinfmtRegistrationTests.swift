import Foundation
import SwiftQemuLite
import XCTest

/// Registering, the status report, unregistering, and programs run
/// directly (`./prog a b`) under each flag.
final class BinfmtRegistrationTests: BinfmtTestCase {
    func testRegisterStatusUnregister() throws {
        let name = try register(["--persistent", "--preserve-argv0"])
        let status = try binfmt(["status", "--name", name])
        XCTAssertEqual(status.status, 0)
        XCTAssertTrue(status.stdout.hasPrefix("\(name): registered\n"), status.stdout)
        XCTAssertTrue(status.stdout.contains("  enabled\n"), status.stdout)
        XCTAssertTrue(status.stdout.contains("  interpreter \(Self.tool)\n"), status.stdout)
        XCTAssertTrue(status.stdout.contains("  flags: PF\n"), status.stdout)
        XCTAssertTrue(status.stdout.contains("  magic 7f454c460201010000000000000000000200b700\n"), status.stdout)
        XCTAssertTrue(status.stdout.contains("  mask ffffffffffffff00fffffffffffffffffeffffff\n"), status.stdout)

        // The name is taken now.
        let again = try binfmt(["register", "--name", name])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.hasPrefix("swift-qemu-lite: a binfmt_misc entry named '\(name)' already exists"), again.stderr)
        XCTAssertEqual(again.stderr.filter { $0 == "\n" }.count, 1)

        let gone = try binfmt(["unregister", "--name", name])
        XCTAssertEqual(gone.status, 0, gone.stderr)
        XCTAssertEqual(gone.stdout, "unregistered \(name)\n")
        XCTAssertNil(Binfmt.entry(named: name))
        let after = try binfmt(["status", "--name", name])
        XCTAssertEqual(after.status, 1)
        XCTAssertTrue(after.stdout.hasPrefix("\(name): not registered\n"), after.stdout)
        let twice = try binfmt(["unregister", "--name", name])
        XCTAssertEqual(twice.status, 1)
        XCTAssertEqual(twice.stderr, "swift-qemu-lite: no binfmt_misc entry named '\(name)'\n")
    }

    func testNotRootIsRefused() throws {
        let r = try run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Self.tool,
                                             "--binfmt", "register", "--name", "sqltest-never"])
        guard r.status != 126 && r.status != 127 else { throw XCTSkip("the unprivileged user cannot run \(Self.tool)") }
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "swift-qemu-lite: registering with binfmt_misc needs root; run it with sudo\n")
        XCTAssertNil(Binfmt.entry(named: "sqltest-never"))
    }

    func testCredentialImpliesOpenBinary() throws {
        let name = try register(["--credential"])
        XCTAssertEqual(Binfmt.entry(named: name)?.flags, "OC")
    }

    /// F: argv[0] is the path the program was run by, and the
    /// arguments follow.
    func testFixBinary() throws {
        _ = try register(["--persistent"])
        try installProgram("prog")
        let out = assertEmulated(try sh("./prog a b"))
        XCTAssertEqual(out, "name=prog argc=3\nargv[0]=./prog\nargv[1]=a\nargv[2]=b\n")
        // Without P the argv[0] the caller chose is lost: the kernel
        // passes the path in its place (bash's exec hands the kernel the
        // full path).
        let renamed = assertEmulated(try sh("exec -a custom ./prog x"))
        XCTAssertEqual(renamed, "name=prog argc=2\nargv[0]=\(dir)/prog\nargv[1]=x\n")
        let full = assertEmulated(try sh("\(dir)/prog"))
        XCTAssertEqual(full, "name=prog argc=1\nargv[0]=\(dir)/prog\n")
    }

    /// P and F: the program sees the argv[0] it was started with, so a
    /// multi-call program dispatches on it, through symlinks too.
    func testPreserveArgv0() throws {
        _ = try register(["--persistent", "--preserve-argv0"])
        try installProgram("prog")
        let out = assertEmulated(try sh("./prog a b"))
        XCTAssertEqual(out, "name=prog argc=3\nargv[0]=./prog\nargv[1]=a\nargv[2]=b\n")
        let renamed = assertEmulated(try sh("exec -a custom ./prog x"))
        XCTAssertEqual(renamed, "name=custom argc=2\nargv[0]=custom\nargv[1]=x\n")
        // A busybox-style applet, by argv[0] alone and through a symlink
        // found on PATH (argv[0] is then the bare name).
        XCTAssertEqual(assertEmulated(try sh("exec -a echo ./prog hello world")), "hello world\n")
        try FileManager.default.createSymbolicLink(atPath: dir + "/echo", withDestinationPath: "prog")
        XCTAssertEqual(assertEmulated(try sh("PATH=\(dir):$PATH; enable -n echo; echo via symlink")), "via symlink\n")
        let status = try sh("exec -a false ./prog")
        XCTAssertEqual(assertEmulated(status), "")
        XCTAssertEqual(status.status, 1)
    }

    /// O and F: the kernel opens the program and passes it as AT_EXECFD,
    /// so a program its user may execute but not read still runs.
    func testOpenBinary() throws {
        _ = try register(["--persistent", "--credential"])
        try installProgram("prog", mode: 0o711)
        let out = assertEmulated(try sh("./prog a b"))
        XCTAssertEqual(out, "name=prog argc=3\nargv[0]=./prog\nargv[1]=a\nargv[2]=b\n")
        chmod(dir + "/prog", 0o111)
        let asNobody = try sh("exec setpriv --reuid=65534 --regid=65534 --clear-groups ./prog c")
        XCTAssertEqual(assertEmulated(asNobody), "name=prog argc=2\nargv[0]=./prog\nargv[1]=c\n", asNobody.stderr)
    }

    /// Without O the emulator opens the program itself, which the same
    /// unreadable file refuses: the O test above is not passing by chance.
    func testUnreadableWithoutOpenBinary() throws {
        _ = try register(["--persistent"])
        try installProgram("prog", mode: 0o111)
        let r = try sh("exec setpriv --reuid=65534 --regid=65534 --clear-groups ./prog c")
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "swift-qemu-lite: ./prog: Permission denied\n")
    }
}

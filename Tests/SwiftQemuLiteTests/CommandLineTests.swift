import XCTest
@testable import SwiftQemuLite

/// Option parsing, modelled on qemu-aarch64 7.2's (linux-user/main.c
/// parse_args): checked by hand against `qemu-aarch64` for the messages.
final class CommandLineTests: XCTestCase {
    typealias CL = CommandLineOptions
    let host = ["PATH=/usr/bin", "HOME=/root", "LANG=C"]

    func settings(_ args: [String], env: [String]? = nil) throws -> CL.Settings {
        guard case .run(let s) = try CL.parse(args, environment: env ?? host) else {
            XCTFail("expected a run for \(args)")
            throw CL.ParseError.noProgram
        }
        return s
    }

    func error(_ args: [String], env: [String] = []) -> CL.ParseError? {
        do { _ = try CL.parse(args, environment: env); return nil } catch { return error as? CL.ParseError }
    }

    func testPlainProgram() throws {
        let s = try settings(["./prog", "a", "-b", "--c"])
        XCTAssertEqual(s.programPath, "./prog")
        // Options stop at the program: the rest belongs to the guest.
        XCTAssertEqual(s.argv, ["./prog", "a", "-b", "--c"])
        XCTAssertEqual(s.environment, host)
        XCTAssertNil(s.sysroot)
        XCTAssertFalse(s.strace)
        XCTAssertFalse(s.reportInstructions)
        XCTAssertEqual(s.stackSize, 8 << 20)
    }

    func testOptions() throws {
        let s = try settings(["-L", "/sysroot", "-strace", "--0", "name", "-s", "16M", "-seed", "7",
                              "-cpu", "max", "-icount-report", "-p", "4096", "-singlestep", "-D", "log",
                              "prog", "x"])
        XCTAssertEqual(s.sysroot, "/sysroot")
        XCTAssertTrue(s.strace)
        XCTAssertEqual(s.argv, ["name", "x"])
        XCTAssertEqual(s.programPath, "prog")
        XCTAssertEqual(s.stackSize, 16 << 20)
        XCTAssertEqual(s.randomSeed, 7)
        XCTAssertTrue(s.reportInstructions)
        // "--" ends the options even before something that looks like one.
        XCTAssertEqual(try settings(["-strace", "--", "-prog"]).programPath, "-prog")
    }

    func testEnvironmentChangesApplyInOrder() throws {
        let s = try settings(["-E", "A=1,B=2", "-U", "HOME", "-E", "LANG=fr", "-U", "B", "-E", "PATH=/x", "p"])
        XCTAssertEqual(s.environment, ["PATH=/x", "LANG=fr", "A=1"])
        // The last change to a variable wins.
        XCTAssertEqual(try settings(["-E", "Z=1", "-U", "Z", "p"]).environment, host)
        XCTAssertEqual(try settings(["-U", "Z", "-E", "Z=1", "p"]).environment, host + ["Z=1"])
        // Values keep their own '=' signs.
        XCTAssertEqual(try settings(["-E", "Q=a=b", "p"]).environment.last, "Q=a=b")
    }

    func testEnvironmentVariables() throws {
        let env = host + ["QEMU_LD_PREFIX=/gnemul", "QEMU_STRACE=", "QEMU_SET_ENV=X=1,Y=2",
                          "QEMU_UNSET_ENV=LANG", "QEMU_ARGV0=zero", "QEMU_STACK_SIZE=1M", "SWIFT_QEMU_LITE_STATS=1"]
        let s = try settings(["prog", "a"], env: env)
        XCTAssertEqual(s.sysroot, "/gnemul")
        XCTAssertTrue(s.strace, "QEMU_STRACE counts when set at all, as in qemu")
        XCTAssertEqual(s.argv, ["zero", "a"])
        XCTAssertEqual(s.stackSize, 1 << 20)
        XCTAssertTrue(s.reportInstructions)
        XCTAssertTrue(s.environment.contains("X=1") && s.environment.contains("Y=2"))
        XCTAssertFalse(s.environment.contains("LANG=C"))
        // The guest sees the QEMU_* variables like any other (qemu passes
        // the host environment on).
        XCTAssertTrue(s.environment.contains("QEMU_LD_PREFIX=/gnemul"))
        // The command line overrides the environment.
        XCTAssertEqual(try settings(["-L", "/cmd", "prog"], env: env).sysroot, "/cmd")
        XCTAssertFalse(try settings(["p"], env: ["SWIFT_QEMU_LITE_STATS=0"]).reportInstructions)
    }

    func testActions() throws {
        XCTAssertEqual(try CL.parse(["-h"], environment: []), .help)
        XCTAssertEqual(try CL.parse(["-help", "prog"], environment: []), .help)
        XCTAssertEqual(try CL.parse(["--version"], environment: []), .version)
        XCTAssertEqual(try CL.parse(["-cpu", "help"], environment: []), .listCPUs)
        XCTAssertEqual(CL.versionText, "swift-qemu-lite version 0.1.0\n")
        XCTAssertTrue(CL.usage.hasPrefix("usage: swift-qemu-lite [options] program [arguments...]\n"))
    }

    func testErrors() {
        XCTAssertEqual(error([]), .noProgram)
        XCTAssertEqual(error(["-strace"]), .noProgram)
        XCTAssertEqual(error(["-bogus", "p"]), .unknownOption("bogus"))
        XCTAssertEqual(error(["-E"]), .missingArgument("E"))
        XCTAssertEqual(error(["-"]), .unknownOption(""))
        // qemu's own wording for these three.
        XCTAssertEqual("\(CL.ParseError.unknownOption("bogus"))", "unknown option 'bogus'")
        XCTAssertEqual("\(CL.ParseError.missingArgument("E"))", "missing argument for option 'E'")
        XCTAssertEqual("\(CL.ParseError.noProgram)", "no user program specified")
        XCTAssertNotNil(error(["-s", "lots", "p"]))
        XCTAssertNotNil(error(["-s", "1", "p"]))
        XCTAssertNotNil(error(["-p", "65536", "p"]))
        XCTAssertNotNil(error(["-cpu", "cortex-a99", "p"]))
        XCTAssertNotNil(error(["-E", "novalue", "p"]))
        XCTAssertEqual(error(["-g", "1234", "p"]), .unsupported(option: "g", reason: "there is no gdb stub"))
        XCTAssertNotNil(error(["-d", "in_asm,bogus", "p"]))
        XCTAssertNotNil(error(["p"], env: ["QEMU_STACK_SIZE=huge"]))
    }

    func testSizes() {
        XCTAssertEqual(CL.parseSize("4096"), 4096)
        XCTAssertEqual(CL.parseSize("64k"), 64 << 10)
        XCTAssertEqual(CL.parseSize("2G"), 2 << 30)
        XCTAssertEqual(CL.parseSize("0x1000"), 4096)
        XCTAssertNil(CL.parseSize("k"))
        XCTAssertNil(CL.parseSize("99999999999999999999G"))
    }
}

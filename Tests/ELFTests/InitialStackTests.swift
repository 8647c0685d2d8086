import Glibc
import GuestMemory
import XCTest
@testable import ELF

/// The initial stack read back from guest memory, checked against the
/// layout of Linux's create_elf_tables (fs/binfmt_elf.c).
final class InitialStackTests: XCTestCase {
    let argv = ["/bin/prog", "first", "", "third arg"]
    let envp = ["HOME=/root", "A=1", "EMPTY="]
    let random: [UInt8] = Array(1...16)

    func build() throws -> (AddressSpace, LoadedProgram, StackLayout) {
        let mem = try AddressSpace()
        let p = try ELFLoader.load(path: Fixtures.path("tiny"), into: mem)
        let setup = StackSetup(argv: argv, envp: envp, execfn: "./prog", hwcap: 0x1234, hwcap2: 0x56, random: random)
        return (mem, p, try InitialStack.build(mem: mem, program: p, setup: setup))
    }

    func testArgvEnvpAuxvReadBack() throws {
        let (mem, p, s) = try build()
        XCTAssertEqual(s.sp % 16, 0)
        XCTAssertEqual(mem.readU64(s.sp), UInt64(argv.count))
        // argv[] then NULL, envp[] then NULL, right after argc.
        XCTAssertEqual(s.argvAddr, s.sp + 8)
        for (i, a) in argv.enumerated() {
            XCTAssertEqual(mem.readCString(mem.readU64(s.sp + 8 + 8 * UInt64(i))!), a)
        }
        XCTAssertEqual(mem.readU64(s.sp + 8 + 8 * UInt64(argv.count)), 0)
        let envBase = s.sp + 8 * UInt64(argv.count + 2)
        XCTAssertEqual(s.envpAddr, envBase)
        for (i, e) in envp.enumerated() {
            XCTAssertEqual(mem.readCString(mem.readU64(envBase + 8 * UInt64(i))!), e)
        }
        XCTAssertEqual(mem.readU64(envBase + 8 * UInt64(envp.count)), 0)

        // The auxv pairs, read until AT_NULL.
        var aux: [UInt64: UInt64] = [:]
        var order: [UInt64] = []
        var a = envBase + 8 * UInt64(envp.count + 1)
        XCTAssertEqual(a, s.auxvAddr)
        while true {
            let k = mem.readU64(a)!, v = mem.readU64(a + 8)!
            a += 16
            if k == 0 { break }
            XCTAssertNil(aux[k], "duplicate key \(k)")
            aux[k] = v
            order.append(k)
        }
        // Linux's order (arm64 ARCH_DLINFO first, then create_elf_tables).
        XCTAssertEqual(order, [51, 16, 6, 17, 3, 4, 5, 7, 8, 9, 11, 12, 13, 14, 23, 25, 26, 31, 15])
        XCTAssertEqual(aux[AuxType.phdr], 0x400040)
        XCTAssertEqual(aux[AuxType.phent], 56)
        XCTAssertEqual(aux[AuxType.phnum], 2)
        XCTAssertEqual(aux[AuxType.pagesz], 4096)
        XCTAssertEqual(aux[AuxType.base], 0)
        XCTAssertEqual(aux[AuxType.flags], 0)
        XCTAssertEqual(aux[AuxType.entry], p.programEntry)
        XCTAssertEqual(aux[AuxType.uid], UInt64(getuid()))
        XCTAssertEqual(aux[AuxType.euid], UInt64(geteuid()))
        XCTAssertEqual(aux[AuxType.gid], UInt64(getgid()))
        XCTAssertEqual(aux[AuxType.egid], UInt64(getegid()))
        XCTAssertEqual(aux[AuxType.secure], 0)
        XCTAssertEqual(aux[AuxType.hwcap], 0x1234)
        XCTAssertEqual(aux[AuxType.hwcap2], 0x56)
        XCTAssertEqual(aux[AuxType.clktck], 100)
        XCTAssertEqual(aux[AuxType.minsigstksz], 4720)
        XCTAssertEqual(mem.read(aux[AuxType.random]!, count: 16), random)
        XCTAssertEqual(mem.readCString(aux[AuxType.platform]!), "aarch64")
        XCTAssertEqual(mem.readCString(aux[AuxType.execfn]!), "./prog")
        // The program headers are where AT_PHDR says.
        XCTAssertEqual(mem.read(aux[AuxType.phdr]!, count: 4), [1, 0, 0, 0]) // PT_LOAD
        // The layout record agrees with memory.
        XCTAssertEqual(s.auxv.count, order.count + 1)
        XCTAssertEqual(s.auxv.last?.0, 0)
    }

    func testStringAreaLayout() throws {
        let (mem, _, s) = try build()
        let top = mem.stackTop
        XCTAssertEqual(s.stackHigh, top)
        XCTAssertEqual(s.stackLow, top - (8 << 20))
        // 8 zero bytes at the very top, execfn right under them.
        XCTAssertEqual(mem.readU64(top - 8), 0)
        XCTAssertEqual(s.execfnAddr, top - 8 - UInt64("./prog".utf8.count + 1))
        // envp strings under execfn, argv strings under those, each array
        // contiguous with element 0 lowest.
        var next = s.execfnAddr
        for e in envp.reversed() {
            next -= UInt64(e.utf8.count + 1)
        }
        XCTAssertEqual(mem.readU64(s.envpAddr), next)
        for a in argv.reversed() {
            next -= UInt64(a.utf8.count + 1)
        }
        XCTAssertEqual(mem.readU64(s.argvAddr), next)
        // Then, 16-aligned, the platform string and the random bytes; the
        // auxv ends under them.
        XCTAssertEqual(s.platformAddr, (next & ~15) - 8)
        XCTAssertEqual(s.randomAddr, s.platformAddr - 16)
        let auxEnd = s.auxvAddr + UInt64(s.auxv.count * 16)
        XCTAssertLessThanOrEqual(auxEnd, s.randomAddr)
        XCTAssertLessThan(s.randomAddr - auxEnd, 16)
        // The stack is readable and writable, the guard below it is not.
        XCTAssertTrue(mem.check(s.sp, 8, PagePerm.write))
        XCTAssertFalse(mem.check(s.stackLow - 1, 1, PagePerm.mapped))
        XCTAssertEqual(mem.region(containing: s.sp)?.name, "[stack]")
    }

    func testAlignmentForEveryArgumentCount() throws {
        let mem = try AddressSpace()
        let p = try ELFLoader.load(path: Fixtures.path("tiny"), into: mem)
        for n in 0..<6 {
            for m in 0..<3 {
                let setup = StackSetup(argv: (0..<n).map { String(repeating: "a", count: $0 + 1) },
                                       envp: (0..<m).map { "V\($0)=x" }, execfn: "p", hwcap: 0, hwcap2: 0)
                let s = try InitialStack.build(mem: mem, program: p, setup: setup)
                XCTAssertEqual(s.sp % 16, 0)
                XCTAssertEqual(mem.readU64(s.sp), UInt64(n))
            }
        }
    }

    func testRandomBytesComeFromTheHost() throws {
        let mem = try AddressSpace()
        let p = try ELFLoader.load(path: Fixtures.path("tiny"), into: mem)
        let setup = StackSetup(argv: ["p"], envp: [], execfn: "p", hwcap: 0, hwcap2: 0)
        let a = try InitialStack.build(mem: mem, program: p, setup: setup)
        let first = mem.read(a.randomAddr, count: 16)!
        let b = try InitialStack.build(mem: mem, program: p, setup: setup)
        XCTAssertNotEqual(first, mem.read(b.randomAddr, count: 16)!)
    }

    /// PT_GNU_STACK with PF_X (GCC marks programs whose nested functions
    /// need stack trampolines) gives an executable stack, as Linux does;
    /// without it the stack is not executable.
    func testExecutableStackFollowsPTGNUStack() throws {
        for execFlag in [false, true] {
            var b = Fixtures.bytes("tiny")
            // Turn the second program header (the data LOAD) into
            // PT_GNU_STACK, RW or RWX.
            b.put32(120, ELFConst.ptGNUStack)
            b.put32(124, execFlag ? 7 : 6)
            let mem = try AddressSpace()
            let p = try ELFLoader.load(image: ELFImage(bytes: b), into: mem)
            XCTAssertEqual(p.execStack, execFlag)
            let setup = StackSetup(argv: ["p"], envp: [], execfn: "p", hwcap: 0, hwcap2: 0)
            let a = try InitialStack.build(mem: mem, program: p, setup: setup)
            XCTAssertTrue(mem.check(a.sp, 8, PagePerm.write))
            XCTAssertEqual(mem.check(a.sp, 8, PagePerm.exec), execFlag)
        }
    }

    func testArgumentListTooLong() throws {
        let mem = try AddressSpace()
        let p = try ELFLoader.load(path: Fixtures.path("tiny"), into: mem)
        let big = String(repeating: "x", count: 3 << 20)
        let setup = StackSetup(argv: ["p", big], envp: [], execfn: "p", hwcap: 0, hwcap2: 0)
        XCTAssertThrowsError(try InitialStack.build(mem: mem, program: p, setup: setup)) {
            XCTAssertEqual($0 as? ELFError, .argumentListTooLong)
        }
    }
}

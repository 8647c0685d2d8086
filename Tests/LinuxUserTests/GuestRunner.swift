import AArch64
import Foundation
import GuestMemory
import LinuxUser

/// A minimal loader for static arm64 ELF executables, so the Linux layer
/// can be tested end to end without the facade: segments, stack, auxv.
struct GuestRunner {
    let mem: AddressSpace
    let cpu: CPU
    let process: LinuxProcess

    init(path: String, args: [String], strace: Bool = false) throws {
        let mem = try AddressSpace(size: 1 << 39)
        let cpu = CPU()
        self.mem = mem
        self.cpu = cpu
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func u16(_ o: Int) -> UInt64 { UInt64(data[o]) | UInt64(data[o + 1]) << 8 }
        func u32(_ o: Int) -> UInt64 { u16(o) | u16(o + 2) << 16 }
        func u64(_ o: Int) -> UInt64 { u32(o) | u32(o + 4) << 32 }
        let entry = u64(24), phoff = Int(u64(32)), phent = Int(u16(54)), phnum = Int(u16(56))
        var brk: UInt64 = 0
        var phdrAddr: UInt64 = 0
        for i in 0..<phnum {
            let p = phoff + i * phent
            guard u32(p) == 1 else { continue } // PT_LOAD
            let flags = u32(p + 4), off = u64(p + 8), vaddr = u64(p + 16), filesz = u64(p + 32), memsz = u64(p + 40)
            let start = vaddr & ~0xFFF, end = (vaddr + memsz + 0xFFF) & ~0xFFF
            var prot: Int32 = 0
            if flags & 4 != 0 { prot |= PROT_READ }
            if flags & 2 != 0 { prot |= PROT_WRITE }
            if flags & 1 != 0 { prot |= PROT_EXEC }
            mem.mapFixed(start, end - start, prot: prot, name: path)
            if filesz > 0 { data[Int(off)..<Int(off + filesz)].withUnsafeBytes { mem.poke(vaddr, $0) } }
            if off == 0 { phdrAddr = vaddr + UInt64(phoff) }
            brk = max(brk, end)
        }
        // Stack: strings at the top, then the auxv/envp/argv/argc block.
        let stackSize: UInt64 = 8 << 20
        let top = mem.stackTop
        mem.mapFixed(top - stackSize, stackSize, prot: PROT_READ | PROT_WRITE, name: "[stack]")
        var sp = top
        func pushBytes(_ b: [UInt8]) -> UInt64 {
            sp -= UInt64(b.count)
            b.withUnsafeBytes { mem.poke(sp, $0) }
            return sp
        }
        let argPtrs = args.map { pushBytes(Array($0.utf8) + [0]) }
        let envPtrs = ["LANG=C"].map { pushBytes(Array($0.utf8) + [0]) }
        let random = pushBytes((0..<16).map { UInt8($0 * 7 + 1) })
        let execfn = argPtrs[0]
        let auxv: [(UInt64, UInt64)] = [
            (3, phdrAddr), (4, UInt64(phent)), (5, UInt64(phnum)), (6, 4096), (9, entry),
            (11, UInt64(getuid())), (12, UInt64(geteuid())), (13, UInt64(getgid())), (14, UInt64(getegid())),
            (16, CPUModel.max.features.hwcap), (17, 100), (23, 0), (25, random), (26, CPUModel.max.features.hwcap2), (31, execfn), (0, 0),
        ]
        var words: [UInt64] = [UInt64(args.count)] + argPtrs + [0] + envPtrs + [0]
        for (k, v) in auxv { words += [k, v] }
        sp = (sp - UInt64(words.count * 8)) & ~15
        words.withUnsafeBytes { mem.poke(sp, $0) }
        cpu.sp = sp
        cpu.pc = entry
        var opts = ProcessOptions()
        opts.strace = strace
        opts.programPath = path
        process = LinuxProcess(mem: mem, cpu: cpu, executor: Executor(cpu: cpu, mem: mem), brkStart: brk, options: opts)
    }

    /// Runs the program with fd 1 (and fd 2 when asked) captured in files.
    func run(captureStderr: Bool = false) -> (Termination, String, String) {
        let outPath = NSTemporaryDirectory() + "lu-out-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let errPath = outPath + ".err"
        let outFd = open(outPath, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        let errFd = open(errPath, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        fflush(stdout)
        let saved1 = dup(1), saved2 = dup(2)
        dup2(outFd, 1)
        if captureStderr { dup2(errFd, 2) }
        let t = process.run()
        dup2(saved1, 1)
        dup2(saved2, 2)
        close(saved1); close(saved2); close(outFd); close(errFd)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        unlink(outPath); unlink(errPath)
        return (t, out, err)
    }
}

/// Runs a host command and returns (status, stdout, stderr); nil when the
/// tool is not installed.
func host(_ argv: [String], stdin: String? = nil) -> (Int32, String, String)? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = argv
    let o = Pipe(), e = Pipe()
    p.standardOutput = o
    p.standardError = e
    do { try p.run() } catch { return nil }
    let od = o.fileHandleForReading.readDataToEndOfFile()
    let ed = e.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
    return (status, String(decoding: od, as: UTF8.self), String(decoding: ed, as: UTF8.self))
}

/// Compiles a C source for static arm64 with glibc; nil without a cross compiler.
func compileGuest(_ name: String, _ source: String, musl: Bool = false) -> String? {
    let dir = NSTemporaryDirectory() + "linuxuser-tests"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let src = dir + "/\(name).c", bin = dir + "/\(name)" + (musl ? "-musl" : "")
    try? source.write(toFile: src, atomically: true, encoding: .utf8)
    let cmd = musl ? ["python3", "-m", "ziglang", "cc", "-target", "aarch64-linux-musl", "-O1", "-o", bin, src]
                   : ["aarch64-linux-gnu-gcc", "-static", "-O1", "-o", bin, src]
    guard let r = host(cmd), r.0 == 0 else { return nil }
    return bin
}

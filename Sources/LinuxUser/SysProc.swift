import AArch64
import Glibc
import GuestMemory

// MARK: - /proc files that must describe the guest, not the emulator
//
// /proc/self/maps is made from the guest's region map and /proc/cpuinfo
// from the CPU model's `FeatureSet`, so both say what the guest really has. Their contents
// are generated at open time into a memfd, which the guest then reads,
// seeks and closes like any file.

/// Addresses of the guest's image and initial stack, for /proc/self/stat,
/// cmdline, environ and auxv (the kernel's mm_struct fields).
public struct ProcInfo: Sendable {
    public var auxv: [(UInt64, UInt64)] = []
    public var startCode: UInt64 = 0
    public var endCode: UInt64 = 0
    public var startData: UInt64 = 0
    public var endData: UInt64 = 0
    /// The initial stack pointer (where argc is).
    public var startStack: UInt64 = 0
    public var argStart: UInt64 = 0
    public var argEnd: UInt64 = 0
    public var envStart: UInt64 = 0
    public var envEnd: UInt64 = 0

    public init() {}
}

extension LinuxProcess {
    /// The host's status with the guest's comm on the Name line (the rest,
    /// ids, memory and signal figures, is the emulator process's own).
    func procStatus() -> [UInt8]? {
        guard let f = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var line: UnsafeMutablePointer<CChar>? = nil
        var cap = 0
        defer { free(line) }
        while getline(&line, &cap, f) > 0, let l = line {
            let text = String(cString: l)
            if text.hasPrefix("Name:") {
                out += Array("Name:\t".utf8) + threadName + [0x0a]
            } else {
                out += Array(text.utf8)
            }
        }
        return out
    }

    /// The auxv pairs the guest started with, AT_NULL included, as the
    /// kernel keeps them (mm->saved_auxv).
    func procAuxv() -> [UInt8] {
        var out: [UInt8] = []
        for (k, v) in options.procInfo.auxv {
            withUnsafeBytes(of: k.littleEndian) { out += $0 }
            withUnsafeBytes(of: v.littleEndian) { out += $0 }
        }
        return out
    }

    /// Guest memory between two addresses as it is now: like Linux, a
    /// guest that rewrites its argv strings changes /proc/self/cmdline.
    func procGuestBytes(_ start: UInt64, _ end: UInt64) -> [UInt8] {
        guard end > start, end - start < 1 << 24 else { return [] }
        return mem.read(start, count: Int(end - start)) ?? []
    }

    /// /proc/self/stat: the host's line for this process (state, ppid,
    /// process group, times, threads...) with the guest's comm and the
    /// guest's addresses in place of the emulator's (fs/proc/array.c).
    func procStat() -> [UInt8]? {
        let fd = open("/proc/\(tid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = read(fd, &buf, buf.count)
        guard n > 0 else { return nil }
        let line = String(decoding: buf[0..<n], as: UTF8.self)
        // comm may hold spaces and parentheses: the fields follow the last ')'.
        guard let close = line.lastIndex(of: ")") else { return nil }
        var fields = line[line.index(after: close)...].split(separator: " ").map(String.init)
        if let last = fields.last, last.hasSuffix("\n") { fields[fields.count - 1] = String(last.dropLast()) }
        let info = options.procInfo
        // Field numbers of proc(5), counted from 1 (pid) and 2 (comm).
        func set(_ field: Int, _ v: UInt64) {
            let i = field - 3
            if i >= 0 && i < fields.count { fields[i] = String(v) }
        }
        var vsize: UInt64 = 0
        for r in mem.regions { vsize += r.end - r.start }
        set(23, vsize)
        set(26, info.startCode)
        set(27, info.endCode)
        set(28, info.startStack)
        set(29, 0)
        set(30, 0)
        set(45, info.startData)
        set(46, info.endData)
        set(47, brkStart)
        set(48, info.argStart)
        set(49, info.argEnd)
        set(50, info.envStart)
        set(51, info.envEnd)
        // comm is bytes (prctl PR_SET_NAME takes any), the rest ASCII.
        return "\(pid) (".bytes + threadName + (") " + fields.joined(separator: " ") + "\n").bytes
    }

    /// The guest's mappings in the kernel's format (fs/proc/task_mmu.c).
    public func procMaps() -> String {
        var out = ""
        for r in mem.regions {
            func hex(_ v: UInt64, _ w: Int) -> String {
                let s = String(v, radix: 16)
                return String(repeating: "0", count: max(0, w - s.count)) + s
            }
            var dev = "00:00", ino: UInt64 = 0
            if r.name.hasPrefix("/") {
                var st = stat()
                if stat(r.name, &st) == 0 {
                    // glibc's gnu_dev_major/gnu_dev_minor encoding of dev_t.
                    let d = UInt64(st.st_dev)
                    let major = ((d >> 8) & 0xfff) | ((d >> 32) & ~0xfff), minor = (d & 0xff) | ((d >> 12) & ~0xff)
                    dev = hex(major, 2) + ":" + hex(minor, 2)
                    ino = UInt64(st.st_ino)
                }
            }
            let perms = (r.prot & PROT_READ != 0 ? "r" : "-") + (r.prot & PROT_WRITE != 0 ? "w" : "-")
                + (r.prot & PROT_EXEC != 0 ? "x" : "-") + (r.shared ? "s" : "p")
            var line = "\(hex(r.start, 8))-\(hex(r.end, 8)) \(perms) \(hex(r.offset, 8)) \(dev) \(ino) "
            if !r.name.isEmpty {
                line = String(line.dropLast())
                let width = 25 + 8 * 6 - 1
                if line.count < width { line += String(repeating: " ", count: width - line.count) }
                line += " " + r.name
            }
            out += line + "\n"
        }
        return out
    }

    /// /proc/cpuinfo as arm64 Linux prints it, one block per host CPU.
    public func procCpuinfo() -> String {
        let features = cpu.features.cpuinfoNames
        let midr = cpu.r[Slot.midr]
        func h(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
        let part = String((midr >> 4) & 0xfff, radix: 16)
        var out = ""
        for cpu in 0..<max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) {
            out += "processor\t: \(cpu)\n"
            out += "BogoMIPS\t: 50.00\n"
            out += "Features\t: " + features.joined(separator: " ") + "\n"
            out += "CPU implementer\t: 0x" + String(repeating: "0", count: max(0, 2 - String(midr >> 24, radix: 16).count)) + String(midr >> 24, radix: 16) + "\n"
            out += "CPU architecture: 8\n"
            out += "CPU variant\t: \(h((midr >> 20) & 0xf))\n"
            out += "CPU part\t: 0x" + String(repeating: "0", count: max(0, 3 - part.count)) + part + "\n"
            out += "CPU revision\t: \(midr & 0xf)\n\n"
        }
        return out
    }

    /// Opens generated contents as a sealed-off memfd positioned at 0.
    func openSynthetic(_ bytes: [UInt8], cloexec: Bool) -> Int {
        let fd = "swift-qemu-lite-proc".withCString {
            HostSyscall.call(HostNR.memfd_create, Int(bitPattern: $0), cloexec ? 1 : 0)
        }
        if fd < 0 { return fd }
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.write(Int32(fd), $0.baseAddress, $0.count) }
            if n <= 0 { break }
            off += n
        }
        lseek(Int32(fd), 0, SEEK_SET)
        return fd
    }
}

import Glibc
import GuestMemory

// MARK: - /proc/self/mem, pagemap, and the maps-like views
//
// /proc/self/mem reads and writes the guest address space as the kernel's
// mem_rw does with FOLL_FORCE: any mapped guest page is readable, private
// pages are writable whatever their protection, an unmapped address ends
// the transfer (EIO when nothing was copied), and a write to code drops
// its translations (`noteStore`). The copy itself goes through the host's
// /proc/self/mem at the guest page's host address, so the host kernel
// applies the same forced-access rules to the host mapping (a shared
// read-only file mapping stays unwritable) and a bad page is an error,
// never a fault in the emulator. Only addresses inside guest mappings are
// ever passed on.

extension LinuxProcess {
    /// The guest range [addr, addr+len) cut at the first unmapped byte:
    /// the length that is mapped from addr on.
    func mappedLength(_ addr: UInt64, _ len: Int) -> Int {
        guard len > 0, addr < mem.size else { return 0 }
        var done = 0
        let regions = mem.regions
        var a = addr
        while done < len {
            guard let r = regions.first(where: { $0.start <= a && a < $0.end }) else { break }
            let n = Int(min(UInt64(len - done), r.end - a))
            done += n
            a &+= UInt64(n)
        }
        return done
    }

    /// Copies between the guest address space and `buf` as /proc/self/mem.
    func procMemTransfer(_ addr: UInt64, _ buf: UnsafeMutableRawPointer, _ len: Int, write: Bool) -> Int {
        if len == 0 { return 0 }
        let n = mappedLength(addr, len)
        if n == 0 { return -Errno.EIO }
        let fd = open("/proc/self/mem", (write ? O_RDWR : O_RDONLY) | O_CLOEXEC)
        guard fd >= 0 else { return -Errno.EIO }
        defer { close(fd) }
        let hostOff = off_t(Int(bitPattern: mem.host(addr)))
        let r = write ? Glibc.pwrite(fd, buf, n, hostOff) : Glibc.pread(fd, buf, n, hostOff)
        if r <= 0 { return -Errno.EIO }
        if write { mem.noteStore(addr, UInt64(r)) }
        return r
    }

    /// pagemap: eight bytes per guest page; a mapped page gets the host's
    /// flags for the page holding it (present, swapped, exclusive,
    /// soft-dirty) with the frame number cleared, as for an unprivileged
    /// reader; anything else is 0. The file ends at the 48-bit address
    /// space's end.
    func procPagemapRead(_ off: UInt64, _ buf: UnsafeMutableRawPointer, _ len: Int) -> Int {
        guard off % 8 == 0, len % 8 == 0 else { return -Errno.EINVAL }
        let endVpn: UInt64 = 1 << 36
        var vpn = off / 8
        guard vpn < endVpn else { return 0 }
        let count = Int(min(UInt64(len / 8), endVpn - vpn))
        let host = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)
        defer { if host >= 0 { close(host) } }
        let regions = mem.regions
        for i in 0..<count {
            var e: UInt64 = 0
            let addr = vpn << 12
            if host >= 0, addr < mem.size, regions.contains(where: { $0.start <= addr && addr < $0.end }) {
                let hvpn = UInt64(UInt(bitPattern: mem.host(addr))) >> 12
                if Glibc.pread(host, &e, 8, off_t(hvpn * 8)) != 8 { e = 0 }
                e &= ~((1 << 55) - 1)
            }
            (buf + i * 8).storeBytes(of: e.littleEndian, as: UInt64.self)
            vpn += 1
        }
        return count * 8
    }

    /// read/write/pread/pwrite on a served descriptor; nil for any other.
    func procFdIO(_ fd: Int32, _ addr: UInt64, _ len: Int, offset: UInt64?, write: Bool) -> Int? {
        guard let e = ProcFds.get(fd), e.kind != .fdDir else { return nil }
        guard len >= 0 else { return -Errno.EINVAL }
        if write && !e.writable { return -Errno.EBADF }
        guard let buf = write ? inBuf(addr, len) : outBuf(addr, len) else { return -Errno.EFAULT }
        let pos = offset ?? e.pos
        let r: Int
        if e.kind == .pagemap {
            r = procPagemapRead(pos, buf, len)
        } else {
            // The guest's own buffer is read or written through the host
            // pointer above, the target through the host's mem file.
            var tmp = [UInt8](repeating: 0, count: len)
            if write { tmp.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: buf, count: len)) } }
            r = tmp.withUnsafeMutableBytes { procMemTransfer(pos, $0.baseAddress!, len, write: write) }
            if !write && r > 0 { tmp.withUnsafeBytes { buf.copyMemory(from: $0.baseAddress!, byteCount: r) } }
        }
        if r > 0 && offset == nil { e.pos = pos &+ UInt64(r) }
        return r
    }

    /// lseek on a served descriptor (mem_lseek: SEEK_SET and SEEK_CUR,
    /// unsigned offsets).
    func procFdSeek(_ e: ProcFdEntry, _ off: Int, _ whence: Int) -> Int {
        switch whence {
        case Int(SEEK_SET): e.pos = UInt64(bitPattern: Int64(off))
        case Int(SEEK_CUR): e.pos = e.pos &+ UInt64(bitPattern: Int64(off))
        default: return -Errno.EINVAL
        }
        return Int(truncatingIfNeeded: e.pos)
    }

    /// getdents64 on /proc/PID/fd or fdinfo: the emulator's fds are left out.
    func filterEmulatorFds(_ buf: UnsafeMutableRawPointer, _ n: Int) -> Int {
        var inOff = 0, outOff = 0
        while inOff + 19 <= n {
            let reclen = Int(buf.loadUnaligned(fromByteOffset: inOff + 16, as: UInt16.self))
            guard reclen > 0, inOff + reclen <= n else { break }
            let name = UnsafeRawBufferPointer(start: buf + inOff + 19, count: reclen - 19).prefix { $0 != 0 }
            let hidden = Int32(String(decoding: name, as: UTF8.self)).map(EmulatorFds.contains) ?? false
            if !hidden {
                if outOff != inOff { (buf + outOff).copyMemory(from: buf + inOff, byteCount: reclen) }
                outOff += reclen
            }
            inOff += reclen
        }
        return outOff
    }

    // MARK: Views made from the guest region map

    /// /proc/self/smaps (or smaps_rollup): each mapping's maps line and its
    /// sizes, in show_smap's order; the resident figures are the mapping's
    /// size, as the emulator does not track residency per guest page.
    func procSmaps(rollup: Bool) -> String {
        let regions = mem.regions
        func kb(_ v: UInt64) -> String {
            let s = String(v >> 10)
            return String(repeating: " ", count: max(0, 8 - s.count)) + s + " kB\n"
        }
        func body(_ size: UInt64, _ anon: UInt64, _ withSize: Bool) -> String {
            var s = withSize ? "Size:           " + kb(size) + "KernelPageSize:        4 kB\nMMUPageSize:           4 kB\n" : ""
            s += "Rss:            " + kb(size) + "Pss:            " + kb(size)
            if rollup { s += "Pss_Dirty:      " + kb(anon) + "Pss_Anon:       " + kb(anon) + "Pss_File:       " + kb(size - anon) + "Pss_Shmem:      " + kb(0) }
            s += "Shared_Clean:   " + kb(0) + "Shared_Dirty:   " + kb(0) + "Private_Clean:  " + kb(size - anon)
            s += "Private_Dirty:  " + kb(anon) + "Referenced:     " + kb(size) + "Anonymous:      " + kb(anon)
            s += "LazyFree:       " + kb(0) + "AnonHugePages:  " + kb(0) + "ShmemPmdMapped: " + kb(0)
            s += "FilePmdMapped:  " + kb(0) + "Shared_Hugetlb: " + kb(0) + "Private_Hugetlb: " + kb(0)
            s += "Swap:           " + kb(0) + "SwapPss:        " + kb(0) + "Locked:         " + kb(0)
            return s
        }
        if rollup {
            guard let first = regions.first, let last = regions.last else { return "" }
            var size: UInt64 = 0, anon: UInt64 = 0
            for r in regions {
                size += r.end - r.start
                if !r.name.hasPrefix("/") { anon += r.end - r.start }
            }
            let head = String(first.start, radix: 16) + "-" + String(last.end, radix: 16)
            return head + " ---p 00000000 00:00 0                          [rollup]\n" + body(size, anon, false)
        }
        let lines = procMaps().split(separator: "\n", omittingEmptySubsequences: true)
        var out = ""
        for (r, line) in zip(regions, lines) {
            let size = r.end - r.start
            out += line + "\n" + body(size, r.name.hasPrefix("/") ? 0 : size, true)
            out += "THPeligible:    0\nVmFlags:" + vmFlags(r) + "\n"
        }
        return out
    }

    /// The VmFlags line's mnemonics for a guest mapping.
    func vmFlags(_ r: Region) -> String {
        var f = ""
        if r.prot & PROT_READ != 0 { f += " rd" }
        if r.prot & PROT_WRITE != 0 { f += " wr" }
        if r.prot & PROT_EXEC != 0 { f += " ex" }
        f += " mr mw me"
        if r.name == "[stack]" { f += " gd ac" } else if !r.name.hasPrefix("/") { f += " ac" }
        return f
    }

    /// /proc/self/numa_maps: one line per guest mapping (show_numa_map),
    /// every page on node 0.
    func procNumaMaps() -> String {
        var out = ""
        for r in mem.regions {
            var line = String(r.start, radix: 16) + " default"
            if r.name.hasPrefix("/") { line += " file=" + r.name } else if r.name == "[heap]" { line += " heap" } else if r.name == "[stack]" { line += " stack" }
            let pages = (r.end - r.start) >> 12
            if !r.name.hasPrefix("/") { line += " anon=\(pages)" }
            line += " dirty=\(pages) N0=\(pages) kernelpagesize_kB=4"
            out += line + "\n"
        }
        return out
    }

    /// /proc/self/statm in pages: size, resident, shared, text, lib, data, dt.
    func procStatm() -> String {
        var size: UInt64 = 0, file: UInt64 = 0, data: UInt64 = 0
        for r in mem.regions {
            let pages = (r.end - r.start) >> 12
            size += pages
            if r.name.hasPrefix("/") { file += pages } else if r.prot & PROT_WRITE != 0 { data += pages }
        }
        let info = options.procInfo
        let text = (pageUpValue(info.endCode) &- (info.startCode & ~0xfff)) >> 12
        return "\(size) \(size) \(file) \(text) 0 \(data) 0\n"
    }

    private func pageUpValue(_ v: UInt64) -> UInt64 { (v &+ 0xfff) & ~0xfff }
}

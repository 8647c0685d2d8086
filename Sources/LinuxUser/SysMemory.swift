import Glibc
import GuestMemory

// MARK: - brk, mmap, munmap, mprotect, mremap, madvise over the region map

/// mmap flag bits (asm-generic/mman-common.h, linux/mman.h); x86_64 has the same values.
public enum GuestMap {
    public static let shared = 0x01, privateMap = 0x02, sharedValidate = 0x03, type = 0x0f
    public static let fixed = 0x10, anonymous = 0x20, fixedNoreplace = 0x100000
}

private let pageMask = AddressSpace.pageMask
let mmapMinAddr: UInt64 = 0x8000
@inline(__always) private func roundUp(_ a: UInt64) -> UInt64 { (a &+ pageMask) & ~pageMask }

extension LinuxProcess {
    /// brk: the break moves within [brkStart, ...); pages are mapped and
    /// unmapped through the region map. On failure, and for addresses below
    /// the start, the current break is returned, as Linux does.
    func sysBrk(_ a: SysArgs) -> Int {
        let req = a[0]
        if req < brkStart { return Int(brkCurrent) }
        let oldEnd = roundUp(brkCurrent), newEnd = roundUp(req)
        if newEnd > oldEnd {
            guard newEnd <= mem.size, mem.isFree(oldEnd, newEnd - oldEnd) else {
                return Int(brkCurrent)
            }
            mem.noteStore(oldEnd, newEnd - oldEnd)
            mem.mapFixed(oldEnd, newEnd - oldEnd, prot: PROT_READ | PROT_WRITE, name: "[heap]")
        } else if newEnd < oldEnd {
            mem.unmap(newEnd, oldEnd - newEnd)
        }
        brkCurrent = req
        return Int(req)
    }

    func sysMmap(_ a: SysArgs) -> Int {
        let hint = a[0], len = a[1], prot = Int32(truncatingIfNeeded: a[2]), flags = a.i32(3)
        let fd = a.i32(4), off = a[5]
        guard len != 0, off & pageMask == 0 else { return -Errno.EINVAL }
        let type = flags & GuestMap.type
        guard type == GuestMap.shared || type == GuestMap.privateMap || type == GuestMap.sharedValidate else {
            return -Errno.EINVAL
        }
        let mlen = roundUp(len)
        guard mlen != 0, mlen < mem.size else { return -Errno.ENOMEM }
        let anonymous = flags & GuestMap.anonymous != 0
        var fileSize: Int64 = 0
        var name = ""
        if !anonymous {
            var st = stat()
            guard fstat(Int32(fd), &st) == 0 else { return -Errno.EBADF }
            if st.st_mode & S_IFMT == S_IFDIR { return -Errno.ENODEV }
            fileSize = Int64(st.st_size)
            name = fdPath(Int32(fd))
            // Linux: every file mapping needs a readable fd, and a shared
            // writable one a read-write fd (VM_MAYWRITE).
            let mode = fcntl(Int32(fd), F_GETFL) & O_ACCMODE
            if mode == O_WRONLY { return -Errno.EACCES }
            if type != GuestMap.privateMap && prot & PROT_WRITE != 0 && mode != O_RDWR { return -Errno.EACCES }
        }
        var addr: UInt64
        if flags & (GuestMap.fixed | GuestMap.fixedNoreplace) != 0 {
            guard hint & pageMask == 0 else { return -Errno.EINVAL }
            guard hint &+ mlen <= mem.size, hint &+ mlen > hint else { return -Errno.ENOMEM }
            // vm.mmap_min_addr (32 KiB in arm64 kernel configs): page zero stays unmapped.
            if hint < mmapMinAddr { return -Errno.EPERM }
            if flags & GuestMap.fixed == 0 && !mem.isFree(hint, mlen) { return -Errno.EEXIST }
            addr = hint
        } else {
            guard let found = mem.findFree(mlen, hint: hint & ~pageMask) else { return -Errno.ENOMEM }
            addr = found
        }
        mem.noteStore(addr, mlen)
        releaseHostShared(addr, mlen)
        mem.mapFixed(addr, mlen, prot: prot, name: name, offset: off)
        // Pages past the end of the file would raise SIGBUS in the host:
        // such mappings keep the private copy.
        let withinFile = anonymous || off &+ mlen <= roundUp(UInt64(max(fileSize, 0)))
        if type != GuestMap.privateMap && withinFile
            && mapHostShared(addr, mlen, fd: anonymous ? -1 : Int32(fd), offset: off) {
            return Int(addr)
        }
        if !anonymous && Int64(off) < fileSize {
            // A private copy of the file: read it into the pages (the host
            // side of guest memory is always writable). Past EOF stays zero.
            var done = 0
            let want = Int(min(UInt64(fileSize) - off, len))
            while done < want {
                let n = pread(Int32(fd), mem.host(addr) + done, want - done, off_t(off) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                done += n
            }
        }
        return Int(addr)
    }

    func sysMunmap(_ a: SysArgs) -> Int {
        let addr = a[0], len = a[1]
        guard addr & pageMask == 0, len != 0, addr &+ roundUp(len) <= mem.size else { return -Errno.EINVAL }
        releaseHostShared(addr, roundUp(len))
        mem.unmap(addr, roundUp(len))
        return 0
    }

    // MARK: Shared mappings
    //
    // MAP_SHARED memory must be shared with other processes (forked
    // children, other programs mapping the same file: POSIX semaphores in
    // /dev/shm, SQLite's WAL index), so those guest pages are backed by a
    // host MAP_SHARED mapping placed over the guest space at the same
    // offset. The host side stays readable and writable, as all guest
    // memory is; the guest's permissions are the page table's. A file
    // opened read-only cannot be mapped writable on the host, so it keeps
    // the private copy (the guest cannot write to it either).

    /// Maps `[addr, addr+len)` of the guest space onto a host shared
    /// mapping of `fd` (or shared anonymous memory for -1); false when the
    /// host refuses, and the caller falls back to a private copy.
    func mapHostShared(_ addr: UInt64, _ len: UInt64, fd: Int32, offset: UInt64) -> Bool {
        var readOnly = false
        if fd >= 0 {
            let fl = fcntl(fd, F_GETFL)
            guard fl >= 0, fl & O_ACCMODE != O_WRONLY else { return false }
            // A read-only file is shared read-only on the host as well; the
            // guest cannot write it (mmap and mprotect refuse PROT_WRITE).
            readOnly = fl & O_ACCMODE == O_RDONLY
        }
        let flags = MAP_SHARED | MAP_FIXED | (fd < 0 ? MAP_ANONYMOUS : 0)
        let prot = readOnly ? PROT_READ : PROT_READ | PROT_WRITE
        guard let p = mmap(mem.host(addr), Int(len), prot, flags, fd, off_t(offset)),
              p != MAP_FAILED else { return false }
        shared.hostShared.append(addr..<(addr + len))
        if readOnly { shared.hostSharedReadOnly.append(addr..<(addr + len)) }
        return true
    }

    /// True when part of `[addr, addr+len)` is a shared mapping of a file
    /// opened read-only.
    func overlapsReadOnlyShared(_ addr: UInt64, _ len: UInt64) -> Bool {
        let r = addr..<(addr &+ len)
        return shared.hostSharedReadOnly.contains { $0.overlaps(r) }
    }

    /// Puts private anonymous memory back under any host shared mapping in
    /// `[addr, addr+len)`, before the range is unmapped or mapped anew.
    func releaseHostShared(_ addr: UInt64, _ len: UInt64) {
        let cut = addr..<(addr + len)
        guard shared.hostShared.contains(where: { $0.overlaps(cut) }) else { return }
        var kept: [Range<UInt64>] = []
        for r in shared.hostShared {
            guard r.overlaps(cut) else { kept.append(r); continue }
            let lo = max(r.lowerBound, cut.lowerBound), hi = min(r.upperBound, cut.upperBound)
            _ = mmap(mem.host(lo), Int(hi - lo), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0)
            if r.lowerBound < lo { kept.append(r.lowerBound..<lo) }
            if hi < r.upperBound { kept.append(hi..<r.upperBound) }
        }
        shared.hostShared = kept
        shared.hostSharedReadOnly = shared.hostSharedReadOnly.flatMap { r -> [Range<UInt64>] in
            guard r.overlaps(cut) else { return [r] }
            return [r.lowerBound..<max(r.lowerBound, cut.lowerBound), min(r.upperBound, cut.upperBound)..<r.upperBound]
                .filter { !$0.isEmpty }
        }
    }

    func sysMprotect(_ a: SysArgs) -> Int {
        let addr = a[0], len = roundUp(a[1])
        guard addr & pageMask == 0 else { return -Errno.EINVAL }
        if len == 0 { return 0 }
        let prot = Int32(truncatingIfNeeded: a[2]) & 7
        if prot & PROT_WRITE != 0 && overlapsReadOnlyShared(addr, len) { return -Errno.EACCES }
        return mem.protect(addr, len, prot: prot) ? 0 : -Errno.ENOMEM
    }

    func sysMremap(_ a: SysArgs) -> Int {
        let old = a[0], oldLen = roundUp(a[1]), newLen = roundUp(a[2]), flags = a.i32(3), newAddr = a[4]
        let mayMove = flags & 1 != 0, fixed = flags & 2 != 0
        guard old & pageMask == 0, newLen != 0, !fixed || mayMove else { return -Errno.EINVAL }
        guard oldLen != 0, let region = mem.region(containing: old), mem.checkRange(old, oldLen, PagePerm.mapped) else {
            return -Errno.EFAULT
        }
        if !fixed {
            if newLen <= oldLen {
                if newLen < oldLen {
                    releaseHostShared(old + newLen, oldLen - newLen)
                    mem.unmap(old + newLen, oldLen - newLen)
                }
                return Int(old)
            }
            if mem.isFree(old + oldLen, newLen - oldLen) {
                mem.mapFixed(old + oldLen, newLen - oldLen, prot: region.prot, name: region.name,
                             offset: region.offset + (old + oldLen - region.start))
                return Int(old)
            }
            guard mayMove else { return -Errno.ENOMEM }
        }
        var dest: UInt64
        if fixed {
            guard newAddr & pageMask == 0, newAddr &+ newLen <= mem.size else { return -Errno.EINVAL }
            if newAddr < old + oldLen && old < newAddr + newLen { return -Errno.EINVAL }
            dest = newAddr
        } else {
            guard let d = mem.findFree(newLen) else { return -Errno.ENOMEM }
            dest = d
        }
        let keep = min(oldLen, newLen)
        mem.noteStore(dest, newLen)
        releaseHostShared(dest, newLen)
        mem.mapFixed(dest, newLen, prot: region.prot, name: region.name, offset: region.offset + (old - region.start))
        mem.host(dest).copyMemory(from: mem.host(old), byteCount: Int(keep))
        // A moved shared mapping becomes a private copy here.
        releaseHostShared(old, oldLen)
        mem.unmap(old, oldLen)
        return Int(dest)
    }

    /// MADV_DONTNEED on private memory makes it read back as zero; the other
    /// advice values only hint, so they are accepted.
    func sysMadvise(_ a: SysArgs) -> Int {
        let addr = a[0], len = roundUp(a[1]), advice = a.i32(2)
        guard addr & pageMask == 0 else { return -Errno.EINVAL }
        if len == 0 { return 0 }
        guard mem.checkRange(addr, len, PagePerm.mapped) else { return -Errno.ENOMEM }
        if advice == 4 /* MADV_DONTNEED */ {
            mem.noteStore(addr, len)
            madvise(mem.host(addr), Int(len), MADV_DONTNEED)
            reloadPrivateFilePages(addr, addr + len)
        }
        return 0
    }

    /// After MADV_DONTNEED, private file pages read back from the file, as
    /// they fault in again from the page cache in Linux (the host discard
    /// left zeros: the guest's copy is anonymous host memory).
    func reloadPrivateFilePages(_ start: UInt64, _ end: UInt64) {
        var a = start
        while a < end {
            guard let r = mem.region(containing: a) else { a += AddressSpace.pageSize; continue }
            let stop = min(r.end, end)
            defer { a = stop }
            if !r.name.hasPrefix("/") || shared.hostShared.contains(where: { $0.contains(a) }) { continue }
            let fd = open(r.name, O_RDONLY)
            if fd < 0 { continue }
            defer { close(fd) }
            var done = 0
            let want = Int(stop - a), off = off_t(r.offset + (a - r.start))
            while done < want {
                let n = pread(fd, mem.host(a) + done, want - done, off + off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                done += n
            }
        }
    }

    func fdPath(_ fd: Int32) -> String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/fd/\(fd)", &buf, Int(PATH_MAX))
        return n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }
}

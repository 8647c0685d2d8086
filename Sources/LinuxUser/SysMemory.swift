import Glibc
import GuestMemory

// MARK: - brk, mmap, munmap, mprotect, madvise over the region map
//
// mremap, the host backing of shared and file mappings, and pages past the
// end of a file are in SysMemoryHost.swift; SysV shared memory in SysShm.swift.

/// mmap flag bits (asm-generic/mman-common.h, linux/mman.h); x86_64 has the same values.
public enum GuestMap {
    public static let shared = 0x01, privateMap = 0x02, sharedValidate = 0x03, type = 0x0f
    public static let fixed = 0x10, anonymous = 0x20, fixedNoreplace = 0x100000
}

let pageMask = AddressSpace.pageMask
let mmapMinAddr: UInt64 = 0x8000
/// Rounds up to a page; a value within a page of UInt64.max wraps to 0,
/// which every caller refuses.
@inline(__always) func roundUp(_ a: UInt64) -> UInt64 { (a &+ pageMask) & ~pageMask }

extension LinuxProcess {
    /// brk: the break moves within [brkStart, ...); pages are mapped and
    /// unmapped through the region map. On failure, and for addresses below
    /// the start, the current break is returned, as Linux does.
    func sysBrk(_ a: SysArgs) -> Int {
        let req = a[0]
        if req < brkStart || req > mem.size { return Int(brkCurrent) }
        let oldEnd = roundUp(brkCurrent), newEnd = roundUp(req)
        if newEnd > oldEnd {
            guard mem.inSpace(oldEnd, newEnd - oldEnd), mem.isFree(oldEnd, newEnd - oldEnd) else {
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
        guard len <= mem.size else { return -Errno.ENOMEM }
        let mlen = roundUp(len)
        // The file offset of the last page must fit in an off_t.
        guard off <= UInt64(Int64.max) - mlen else { return -MemErrno.EOVERFLOW }
        let anonymous = flags & GuestMap.anonymous != 0
        let isShared = type != GuestMap.privateMap
        var fileSize: Int64 = 0, regular = false, dev: UInt64 = 0, ino: UInt64 = 0
        var name = ""
        if !anonymous {
            var st = stat()
            guard fstat(Int32(fd), &st) == 0 else { return -Errno.EBADF }
            if st.st_mode & S_IFMT == S_IFDIR { return -Errno.ENODEV }
            fileSize = Int64(st.st_size)
            regular = st.st_mode & S_IFMT == S_IFREG
            dev = UInt64(st.st_dev); ino = UInt64(st.st_ino)
            name = fdPath(Int32(fd))
            // Linux: every file mapping needs a readable fd, and a shared
            // writable one a read-write fd (VM_MAYWRITE).
            let mode = fcntl(Int32(fd), F_GETFL) & O_ACCMODE
            if mode == O_WRONLY { return -Errno.EACCES }
            if isShared && prot & PROT_WRITE != 0 && mode != O_RDWR { return -Errno.EACCES }
        }
        var addr: UInt64
        if flags & (GuestMap.fixed | GuestMap.fixedNoreplace) != 0 {
            guard hint & pageMask == 0 else { return -Errno.EINVAL }
            guard mem.inSpace(hint, mlen) else { return -Errno.ENOMEM }
            // vm.mmap_min_addr (32 KiB in arm64 kernel configs): page zero stays unmapped.
            if hint < mmapMinAddr { return -Errno.EPERM }
            // MAP_FIXED_NOREPLACE wins over MAP_FIXED (mm/mmap.c do_mmap).
            if flags & GuestMap.fixedNoreplace != 0 && !mem.isFree(hint, mlen) { return -Errno.EEXIST }
            addr = hint
        } else {
            guard let found = mem.findFree(mlen, hint: hint & ~pageMask) else { return -Errno.ENOMEM }
            addr = found
        }
        mem.noteStore(addr, mlen)
        releaseHostBacking(addr, mlen)
        mem.mapFixed(addr, mlen, prot: prot, name: name, offset: off, dev: dev, ino: ino, shared: isShared)
        if anonymous {
            // Shared anonymous memory is a host shared mapping, so forked
            // children share it; if the host refuses, it stays private.
            if isShared { _ = mapHostBacking(addr, mlen, fd: -1, offset: 0, shared: true) }
            return Int(addr)
        }
        if isShared && mapHostBacking(addr, mlen, fd: Int32(fd), offset: off, shared: true) {
            mem.sharedFileMapped = true
            if regular { markPastEOF(addr, mlen, offset: off, fileSize: fileSize) }
            return Int(addr)
        }
        // A private copy of the file: read it into the pages (the host side
        // of guest memory is always writable). The rest of the last partial
        // page stays zero.
        if Int64(off) < fileSize {
            var done = 0
            let want = Int(min(UInt64(fileSize) - off, mlen))
            while done < want {
                let n = pread(Int32(fd), mem.host(addr) + done, want - done, off_t(off) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                done += n
            }
        }
        if regular, let first = firstPastEOF(addr, mlen, offset: off, fileSize: fileSize) {
            // Pages wholly past the end are host private mappings of the
            // file, so that they read the file once it has grown.
            _ = mapHostBacking(first, addr + mlen - first, fd: Int32(fd), offset: off + (first - addr), shared: false)
            markPastEOF(addr, mlen, offset: off, fileSize: fileSize)
        }
        return Int(addr)
    }

    func sysMunmap(_ a: SysArgs) -> Int {
        let addr = a[0], len = roundUp(a[1])
        guard addr & pageMask == 0, len != 0, mem.inSpace(addr, len) else { return -Errno.EINVAL }
        releaseHostBacking(addr, len)
        mem.unmap(addr, len)
        detachShmRecords(addr, len)
        return 0
    }

    func sysMprotect(_ a: SysArgs) -> Int {
        let addr = a[0], len = roundUp(a[1])
        guard addr & pageMask == 0 else { return -Errno.EINVAL }
        if a[1] == 0 { return 0 }
        guard len != 0, mem.inSpace(addr, len) else { return -Errno.ENOMEM }
        let prot = Int32(truncatingIfNeeded: a[2]) & 7
        if prot & PROT_WRITE != 0 && overlapsReadOnlyShared(addr, len) { return -Errno.EACCES }
        return mem.protect(addr, len, prot: prot) ? 0 : -Errno.ENOMEM
    }

    /// MADV_DONTNEED on private memory makes it read back as zero (private
    /// file pages as the file); on shared memory it only drops the host's
    /// page-table entries, so the pages read back as the file or segment.
    /// The other advice values only hint, so they are accepted.
    func sysMadvise(_ a: SysArgs) -> Int {
        let addr = a[0], len = roundUp(a[1]), advice = a.i32(2)
        guard addr & pageMask == 0 else { return -Errno.EINVAL }
        if a[1] == 0 { return 0 }
        guard len != 0, mem.inSpace(addr, len) else { return -Errno.EINVAL }
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
        for r in mem.regions(overlapping: start, end - start) {
            let a = max(r.start, start), stop = min(r.end, end)
            if r.shared || !r.name.hasPrefix("/") || isHostBacked(a) { continue }
            let fd = open(r.name, O_RDONLY)
            if fd < 0 { continue }
            defer { close(fd) }
            var done = 0
            let want = Int(stop - a), off = off_t(truncatingIfNeeded: r.offset &+ (a - r.start))
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

let memorySyscallRows: [SyscallRow] = [
    SyscallRow(45, "truncate", nil, note: "pages of mappings of the file cut off by it raise SIGBUS") { p, a in
        let r = p.sysTruncate(a)
        if r == 0 {
            _ = p.withPath(a[0]) { path in
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                if fd >= 0 { p.refreshPastEOF(fd: fd); close(fd) }
                return 0
            }
        }
        return r
    },
    SyscallRow(46, "ftruncate", nil, note: "pages of mappings of the file cut off by it raise SIGBUS") { p, a in
        let r = HostSyscall.call(HostNR.ftruncate, a.i32(0), a.int(1))
        if r == 0 { p.refreshPastEOF(fd: Int32(truncatingIfNeeded: a.i32(0))) }
        return r
    },
    SyscallRow(214, "brk", [.ptr], .addr, note: "grows and shrinks the region map; returns the old break on failure") { $0.sysBrk($1) },
    SyscallRow(215, "munmap", [.ptr, .int]) { $0.sysMunmap($1) },
    SyscallRow(216, "mremap", nil, note: "MREMAP_MAYMOVE, MREMAP_FIXED, MREMAP_DONTUNMAP; the host pages move with a host mremap, so shared mappings stay shared") { $0.sysMremap($1) },
    SyscallRow(222, "mmap", [.ptr, .int, .prot, .mmapFlags, .int, .hex32], .addr, note: "private file mappings copied in; MAP_SHARED is a host shared mapping of the same file pages, so every mapping and other processes see the writes; pages wholly past the end of the file raise SIGBUS (BUS_ADRERR) until the file grows; PROT_WRITE on a shared read-only file gives EACCES") { $0.sysMmap($1) },
    SyscallRow(226, "mprotect", [.ptr, .int, .prot], note: "PROT_WRITE on a shared mapping of a read-only file gives EACCES") { $0.sysMprotect($1) },
    SyscallRow(233, "madvise", nil, note: "MADV_DONTNEED zeroes private anonymous pages and reloads private file pages; other advice ignored") { $0.sysMadvise($1) },
]

import Glibc
import GuestMemory

/// errno values this family needs beyond `Errno` (same on arm64 and x86_64).
enum MemErrno {
    static let E2BIG = 7, ENOSPC = 28, EIDRM = 43, EOVERFLOW = 75
}

/// x86_64 host syscall numbers of the memory calls passed through.
enum HostMemNR {
    static let mremap = 25, shmget = 29, shmat = 30, shmctl = 31, shmdt = 67
}

/// Host mremap flags (linux/mman.h) and MADV_POPULATE_READ.
enum HostMremap {
    static let mayMove = 1, fixed = 2, dontUnmap = 4
    static let madvPopulateRead: Int32 = 22
}

// MARK: - Host backing of shared and file mappings
//
// The guest space is one private anonymous host reservation. MAP_SHARED
// memory must be shared with other mappings of the same file and with
// other processes (forked children, programs mapping the same file: POSIX
// semaphores in /dev/shm, SQLite's WAL index), so those guest pages are a
// host mapping of their own placed over the reservation at the same
// offset: MAP_SHARED of the file (or shared anonymous memory, or a SysV
// segment). Every guest view of a file page is then the same host page,
// and a store, a hole punched or a truncation through any view or the fd
// is seen through all of them at once. The host side stays readable (and
// writable, when the fd allows it); the guest's permissions are the page
// table's. Unmapping puts private reservation memory back.

extension LinuxProcess {
    /// Maps `[addr, addr+len)` of the guest space onto a host mapping of
    /// `fd` (shared anonymous memory for -1), shared or private; false when
    /// the host refuses (the caller keeps the reservation's private pages).
    func mapHostBacking(_ addr: UInt64, _ len: UInt64, fd: Int32, offset: UInt64, shared isShared: Bool) -> Bool {
        var readOnly = false
        if fd >= 0 && isShared {
            let fl = fcntl(fd, F_GETFL)
            guard fl >= 0, fl & O_ACCMODE != O_WRONLY else { return false }
            // A read-only file is shared read-only on the host as well; the
            // guest cannot write it (mmap and mprotect refuse PROT_WRITE).
            readOnly = fl & O_ACCMODE == O_RDONLY
        }
        let flags = (isShared ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED | (fd < 0 ? MAP_ANONYMOUS : 0)
        let prot = readOnly ? PROT_READ : PROT_READ | PROT_WRITE
        guard let p = mmap(mem.host(addr), Int(len), prot, flags, fd, off_t(truncatingIfNeeded: offset)),
              p != MAP_FAILED else { return false }
        shared.hostShared.append(addr..<(addr + len))
        if readOnly { shared.hostSharedReadOnly.append(addr..<(addr + len)) }
        return true
    }

    func isHostBacked(_ addr: UInt64) -> Bool {
        shared.hostShared.contains { $0.contains(addr) }
    }

    /// True when part of `[addr, addr+len)` is a shared mapping of a file
    /// opened read-only.
    func overlapsReadOnlyShared(_ addr: UInt64, _ len: UInt64) -> Bool {
        let r = addr..<(addr &+ len)
        return shared.hostSharedReadOnly.contains { $0.overlaps(r) }
    }

    /// Puts private reservation memory back under any host backing in
    /// `[addr, addr+len)`, before the range is unmapped or mapped anew.
    /// With `restore` false only the records go (the caller has moved or
    /// replaced the host pages already).
    func releaseHostBacking(_ addr: UInt64, _ len: UInt64, restore: Bool = true) {
        let cut = addr..<(addr + len)
        guard shared.hostShared.contains(where: { $0.overlaps(cut) }) else { return }
        if restore { restoreReservation(addr, len) }
        shared.hostShared = cutRanges(shared.hostShared, cut)
        shared.hostSharedReadOnly = cutRanges(shared.hostSharedReadOnly, cut)
    }

    /// Private anonymous reservation memory over `[addr, addr+len)`.
    func restoreReservation(_ addr: UInt64, _ len: UInt64) {
        _ = mmap(mem.host(addr), Int(len), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0)
    }

    func cutRanges(_ list: [Range<UInt64>], _ cut: Range<UInt64>) -> [Range<UInt64>] {
        list.flatMap { r -> [Range<UInt64>] in
            guard r.overlaps(cut) else { return [r] }
            return [r.lowerBound..<max(r.lowerBound, cut.lowerBound), min(r.upperBound, cut.upperBound)..<r.upperBound]
                .filter { !$0.isEmpty }
        }
    }

    // MARK: Pages past the end of the file
    //
    // A page of a file mapping that lies wholly past the end of the file
    // has the `pastEOF` state in the permission table and no access bits,
    // so the executor's ordinary check refuses every access to it and the
    // hot path is unchanged. Its host page is a mapping of the file (shared,
    // or private for MAP_PRIVATE), never touched by the host. The fault
    // path asks the host whether the file covers the page now
    // (MADV_POPULATE_READ fails with EFAULT exactly where an access would
    // raise SIGBUS): if so the page gets its region's protection and the
    // access is retried, otherwise the guest gets SIGBUS BUS_ADRERR. A
    // truncation by the guest marks the pages it cuts off.

    /// The guest address of the first page of `[addr, addr+len)` mapping
    /// file offset `offset` onwards that lies wholly past `fileSize`.
    func firstPastEOF(_ addr: UInt64, _ len: UInt64, offset: UInt64, fileSize: Int64) -> UInt64? {
        let eof = roundUp(UInt64(max(fileSize, 0)))
        if offset >= eof { return addr }
        let inside = eof - offset
        return inside < len ? addr + inside : nil
    }

    func markPastEOF(_ addr: UInt64, _ len: UInt64, offset: UInt64, fileSize: Int64) {
        guard let first = firstPastEOF(addr, len, offset: offset, fileSize: fileSize) else { return }
        mem.noteStore(first, addr + len - first)
        mem.setPerms(first, addr + len - first, PagePerm.mapped | PagePerm.pastEOF)
    }

    /// A refused access at `addr`: when its page is past the end of its
    /// file, either makes the page accessible (the file has grown; the
    /// instruction runs again) or raises SIGBUS BUS_ADRERR, and returns
    /// true. False for every other fault (SIGSEGV).
    func resolvePastEOF(addr: UInt64, write: Bool) -> Bool {
        guard addr < mem.size else { return false }
        let pg = Int(addr >> AddressSpace.pageShift)
        guard mem.perms[pg] & PagePerm.pastEOF != 0 else { return false }
        return shared.locked {
            guard mem.perms[pg] & PagePerm.pastEOF != 0 else { return true } // another thread resolved it
            guard let r = mem.region(containing: addr) else { return false }
            let fetch = !write && addr == cpu.pc
            // The mapping's permissions are checked before the page (SIGSEGV).
            let need = write ? PROT_WRITE : fetch ? PROT_EXEC : PROT_READ
            guard r.prot & need != 0 else { return false }
            let page = addr & ~pageMask
            if madvise(mem.host(page), Int(AddressSpace.pageSize), HostMremap.madvPopulateRead) == 0 {
                mem.perms[pg] = PagePerm.fromProt(r.prot)
                return true
            }
            let esr = fetch ? Syndrome.instructionAbort(mapped: true)
                : Syndrome.dataAbort(write: write, mapped: true, userAddress: true)
            raiseSynchronous(Sig.SIGBUS, code: 2 /* BUS_ADRERR */, addr: addr, esr: esr)
            return true
        }
    }

    /// After the guest truncated a file: every mapped page of it now wholly
    /// past its end gets the `pastEOF` state (pages it covers again become
    /// accessible on their first access).
    func refreshPastEOF(fd: Int32) {
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return }
        let dev = UInt64(st.st_dev), ino = UInt64(st.st_ino), size = Int64(st.st_size)
        for r in mem.regions where r.ino == ino && r.dev == dev {
            markPastEOF(r.start, r.end - r.start, offset: r.offset, fileSize: size)
        }
    }
}

// MARK: - mremap
//
// Moving a mapping moves its host pages with a host mremap (page-table
// entries, not contents), so a move costs what it costs the kernel and a
// moved shared mapping stays shared. Only when the host refuses (a guest
// range over several host mappings) are the contents copied.

extension LinuxProcess {
    func sysMremap(_ a: SysArgs) -> Int {
        let old = a[0], flags = a.i32(3), newAddr = a[4]
        let mayMove = flags & HostMremap.mayMove != 0, fixed = flags & HostMremap.fixed != 0
        let dontUnmap = flags & HostMremap.dontUnmap != 0
        guard flags & ~7 == 0, old & pageMask == 0, !fixed || mayMove, !dontUnmap || mayMove else {
            return -Errno.EINVAL
        }
        // Lengths beyond the address space are EINVAL (mm/mremap.c
        // check_mremap_params: TASK_SIZE).
        let newLen = roundUp(a[2])
        guard newLen != 0, a[2] <= mem.size, a[1] <= mem.size else { return -Errno.EINVAL }
        let oldLen = roundUp(a[1])
        if dontUnmap && oldLen != newLen { return -Errno.EINVAL }
        guard mem.inSpace(old, oldLen), let region = mem.region(containing: old) else { return -Errno.EFAULT }
        if oldLen == 0 {
            // A second mapping of the same shared pages (mm/mremap.c).
            guard region.shared, mayMove, isHostBacked(old) else { return -Errno.EINVAL }
        } else {
            guard mem.checkRange(old, oldLen, PagePerm.mapped) else { return -Errno.EFAULT }
        }
        if fixed {
            guard newAddr & pageMask == 0, mem.inSpace(newAddr, newLen) else { return -Errno.EINVAL }
            if newAddr < old + oldLen && old < newAddr + newLen { return -Errno.EINVAL }
            return moveMapping(old, oldLen, to: newAddr, newLen, region: region, dontUnmap: dontUnmap)
        }
        if !dontUnmap && oldLen != 0 {
            if newLen <= oldLen {
                if newLen < oldLen {
                    releaseHostBacking(old + newLen, oldLen - newLen)
                    mem.unmap(old + newLen, oldLen - newLen)
                }
                return Int(old)
            }
            if mem.isFree(old + oldLen, newLen - oldLen), growInPlace(old, oldLen, newLen, region: region) {
                return Int(old)
            }
        }
        guard mayMove else { return -Errno.ENOMEM }
        guard let dest = mem.findFree(newLen) else { return -Errno.ENOMEM }
        return moveMapping(old, oldLen, to: dest, newLen, region: region, dontUnmap: dontUnmap)
    }

    /// Extends the mapping at `old` into the free range after it.
    func growInPlace(_ old: UInt64, _ oldLen: UInt64, _ newLen: UInt64, region: Region) -> Bool {
        let tail = old + oldLen, extra = newLen - oldLen
        let tailOffset = region.offset &+ (tail - region.start)
        if isHostBacked(old) && isHostBacked(old + oldLen - 1) {
            // The host mapping itself grows over the reservation's free pages.
            munmap(mem.host(tail), Int(extra))
            let r = HostSyscall.call(HostMemNR.mremap, Int(bitPattern: mem.host(old)), Int(oldLen), Int(newLen), 0)
            guard r >= 0 else {
                restoreReservation(tail, extra)
                return false
            }
            mem.mapFixed(tail, extra, prot: region.prot, name: region.name, offset: tailOffset, zero: false,
                         dev: region.dev, ino: region.ino, shared: region.shared)
            shared.hostShared.append(tail..<(tail + extra))
            if overlapsReadOnlyShared(old, oldLen) { shared.hostSharedReadOnly.append(tail..<(tail + extra)) }
            // File pages: whether the file covers them is found on first access.
            if region.ino != 0 { mem.setPerms(tail, extra, PagePerm.mapped | PagePerm.pastEOF) }
            return true
        }
        mem.mapFixed(tail, extra, prot: region.prot, name: region.name, offset: tailOffset,
                     dev: region.dev, ino: region.ino, shared: region.shared)
        return true
    }

    /// Moves `[old, old+oldLen)` to `dest` with length `newLen`, replacing
    /// whatever was at `dest`; with `dontUnmap` the old range stays mapped
    /// (private anonymous pages read back as zero, shared ones as the file).
    func moveMapping(_ old: UInt64, _ oldLen: UInt64, to dest: UInt64, _ newLen: UInt64,
                     region: Region, dontUnmap: Bool) -> Int {
        let keep = min(oldLen, newLen)
        let backed = oldLen == 0 || (isHostBacked(old) && isHostBacked(old + oldLen - 1))
        let readOnly = overlapsReadOnlyShared(old, max(oldLen, 1))
        mem.noteStore(dest, newLen)
        let hostFlags = HostMremap.mayMove | HostMremap.fixed | (dontUnmap ? HostMremap.dontUnmap : 0)
        let r = HostSyscall.call(HostMemNR.mremap, Int(bitPattern: mem.host(old)), Int(oldLen), Int(newLen),
                                 hostFlags, Int(bitPattern: mem.host(dest)))
        if r < 0 {
            if oldLen == 0 { return r }
            // Copy instead (the contents of a shared mapping become private).
            releaseHostBacking(dest, newLen)
            detachShmRecords(dest, newLen)
            mem.mapFixed(dest, newLen, prot: region.prot, name: region.name,
                         offset: region.offset &+ (old - region.start), dev: region.dev, ino: region.ino)
            mem.host(dest).copyMemory(from: mem.host(old), byteCount: Int(keep))
            if dontUnmap {
                mem.noteStore(old, oldLen)
                madvise(mem.host(old), Int(oldLen), MADV_DONTNEED)
            } else {
                releaseHostBacking(old, oldLen)
                mem.unmap(old, oldLen)
                detachShmRecords(old, oldLen)
            }
            return Int(dest)
        }
        // The records of whatever was at dest go: the host mremap replaced its pages.
        releaseHostBacking(dest, newLen, restore: false)
        detachShmRecords(dest, newLen)
        if oldLen == 0 {
            mem.mapFixed(dest, newLen, prot: region.prot, name: region.name,
                         offset: region.offset &+ (old - region.start), zero: false,
                         dev: region.dev, ino: region.ino, shared: true)
            if region.ino != 0 { mem.setPerms(dest, newLen, PagePerm.mapped | PagePerm.pastEOF) }
        } else {
            mem.moveMapping(from: old, to: dest, len: keep, keepSource: dontUnmap)
            // The host pages moved: records of host backing follow them.
            let moved = shared.hostShared.compactMap { r -> Range<UInt64>? in
                let lo = max(r.lowerBound, old), hi = min(r.upperBound, old + keep)
                return lo < hi ? (lo - old + dest)..<(hi - old + dest) : nil
            }
            let movedRO = shared.hostSharedReadOnly.compactMap { r -> Range<UInt64>? in
                let lo = max(r.lowerBound, old), hi = min(r.upperBound, old + keep)
                return lo < hi ? (lo - old + dest)..<(hi - old + dest) : nil
            }
            if !dontUnmap {
                // The host range is a hole now: the reservation's memory goes back.
                releaseHostBacking(old, oldLen, restore: false)
                restoreReservation(old, oldLen)
                if newLen < oldLen { mem.unmap(old + newLen, oldLen - newLen) }
                moveShmRecords(old, oldLen, to: dest)
            }
            shared.hostShared += moved
            shared.hostSharedReadOnly += movedRO
            if newLen > oldLen {
                let tail = dest + oldLen, extra = newLen - oldLen
                mem.mapFixed(tail, extra, prot: region.prot, name: region.name,
                             offset: region.offset &+ (old + oldLen - region.start), zero: false,
                             dev: region.dev, ino: region.ino, shared: region.shared)
                if backed {
                    shared.hostShared.append(tail..<(tail + extra))
                    if readOnly { shared.hostSharedReadOnly.append(tail..<(tail + extra)) }
                    if region.ino != 0 { mem.setPerms(tail, extra, PagePerm.mapped | PagePerm.pastEOF) }
                }
            }
        }
        if oldLen == 0 || backed {
            shared.hostShared.append(contentsOf: oldLen == 0 ? [dest..<(dest + newLen)] : [])
            if oldLen == 0 && readOnly { shared.hostSharedReadOnly.append(dest..<(dest + newLen)) }
        }
        return Int(dest)
    }
}

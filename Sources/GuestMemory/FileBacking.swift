import Glibc

// MARK: - Guest pages backed by a host file mapping
//
// The loader maps a program's file pages with a host MAP_PRIVATE|MAP_FIXED
// mmap of the file over the guest region, so the host pays only for the
// pages the guest touches (a sparse or huge segment costs nothing until
// read). Such pages must not be given back with MADV_DONTNEED when the
// guest range is reused: on a private file mapping that brings the file's
// bytes back, not zeros. `discard` therefore puts anonymous memory back
// over any file-backed part first.

extension AddressSpace {
    /// Maps `len` bytes of the file `fd` at `offset` over the guest range
    /// at `addr` (page aligned, inside the space), copy-on-write. The
    /// region map and the page permissions are the caller's (mapFixed).
    /// False when the host refuses.
    public func mapFilePrivate(_ addr: UInt64, _ len: UInt64, fd: Int32, offset: UInt64) -> Bool {
        guard len > 0 else { return true }
        guard addr & AddressSpace.pageMask == 0, len & AddressSpace.pageMask == 0,
              offset & AddressSpace.pageMask == 0, addr <= size, len <= size - addr,
              let off = off_t(exactly: offset), let n = Int(exactly: len) else { return false }
        guard let p = mmap(host(addr), n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, off),
              p != MAP_FAILED else { return false }
        withRegionLock { fileBacked.append(addr..<(addr + len)) }
        return true
    }

    /// Bytes of the space currently backed by host file mappings.
    public var fileBackedBytes: UInt64 {
        withRegionLock { fileBacked.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) } }
    }

    /// Replaces any file-backed host pages in `[addr, addr+len)` by fresh
    /// anonymous memory (zero).
    func dropFileBacking(_ addr: UInt64, _ len: UInt64) {
        let cut = addr..<(addr + len)
        withRegionLock {
            guard fileBacked.contains(where: { $0.overlaps(cut) }) else { return }
            var kept: [Range<UInt64>] = []
            for r in fileBacked {
                guard r.overlaps(cut) else { kept.append(r); continue }
                let lo = max(r.lowerBound, cut.lowerBound), hi = min(r.upperBound, cut.upperBound)
                _ = mmap(host(lo), Int(hi - lo), PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0)
                if r.lowerBound < lo { kept.append(r.lowerBound..<lo) }
                if hi < r.upperBound { kept.append(hi..<r.upperBound) }
            }
            fileBacked = kept
        }
    }

    /// Leaves `[addr, addr+len)` mapped (for /proc/self/maps and mprotect)
    /// but inaccessible to the guest: file pages past the end of the file.
    public func makeInaccessible(_ addr: UInt64, _ len: UInt64) {
        guard len > 0, addr <= size, len <= size - addr else { return }
        setPerms(addr, len, PagePerm.mapped)
    }
}

import Glibc

/// One mapping of the guest, as /proc/self/maps would show it.
public struct Region: Equatable, Sendable {
    public var start: UInt64
    public var end: UInt64
    public var prot: Int32
    public var name: String
    public var offset: UInt64

    public init(start: UInt64, end: UInt64, prot: Int32, name: String = "", offset: UInt64 = 0) {
        self.start = start
        self.end = end
        self.prot = prot
        self.name = name
        self.offset = offset
    }
}

@inline(__always) func pageDown(_ a: UInt64) -> UInt64 { a & ~AddressSpace.pageMask }
@inline(__always) func pageUp(_ a: UInt64) -> UInt64 { (a &+ AddressSpace.pageMask) & ~AddressSpace.pageMask }

// MARK: - The region map behind mmap, munmap, mprotect and brk

extension AddressSpace {
    /// Sorted, non-overlapping mappings.
    public var regions: [Region] {
        get { withRegionLock { regionList } }
        set { withRegionLock { regionList = newValue } }
    }

    /// Maps `[addr, addr+len)` with `prot`, replacing whatever was there,
    /// and zero-fills it. `addr` and `len` must be page aligned.
    public func mapFixed(_ addr: UInt64, _ len: UInt64, prot: Int32, name: String = "", offset: UInt64 = 0, zero: Bool = true) {
        precondition(addr & AddressSpace.pageMask == 0 && len & AddressSpace.pageMask == 0)
        precondition(addr + len <= size)
        removeRange(addr, len)
        if zero { discard(addr, len) }
        setPerms(addr, len, PagePerm.fromProt(prot))
        insert(Region(start: addr, end: addr + len, prot: prot, name: name, offset: offset))
    }

    /// Finds a free page-aligned range of `len` bytes, preferring `hint`.
    public func findFree(_ len: UInt64, hint: UInt64 = 0) -> UInt64? {
        let len = pageUp(len)
        if hint != 0, hint & AddressSpace.pageMask == 0, hint + len <= stackLimit, isFree(hint, len) { return hint }
        // Top-down below the stack area, as Linux lays out mmap.
        var top = mmapTop
        for r in regions.reversed() {
            if r.start >= top { continue }
            if r.end <= top, top - r.end >= len { return top - len }
            top = min(top, r.start)
            if top < mmapFloor { break }
        }
        if top >= len, top - len >= mmapFloor { return top - len }
        return nil
    }

    /// Unmaps a page-aligned range; no-op for holes.
    public func unmap(_ addr: UInt64, _ len: UInt64) {
        let len = pageUp(len)
        guard addr + len <= size else { return }
        noteStore(addr, len)
        removeRange(addr, len)
        discard(addr, len)
        setPerms(addr, len, 0)
    }

    /// Changes protection; false when part of the range is unmapped (ENOMEM).
    public func protect(_ addr: UInt64, _ len: UInt64, prot: Int32) -> Bool {
        let len = pageUp(len)
        guard addr + len <= size else { return false }
        var pg = addr >> AddressSpace.pageShift
        let last = (addr + len) >> AddressSpace.pageShift
        while pg < last {
            if perms[Int(pg)] & PagePerm.mapped == 0 { return false }
            pg += 1
        }
        noteStore(addr, len)
        var pieces: [Region] = []
        for r in regions where r.start < addr + len && r.end > addr {
            var p = r
            let s = max(r.start, addr), e = min(r.end, addr + len)
            p.offset = r.offset + (s - r.start)
            p.start = s; p.end = e; p.prot = prot
            pieces.append(p)
        }
        removeRange(addr, len)
        for p in pieces { insert(p) }
        setPerms(addr, len, PagePerm.fromProt(prot))
        return true
    }

    public func isFree(_ addr: UInt64, _ len: UInt64) -> Bool {
        guard addr + len <= size else { return false }
        for r in regions where r.start < addr + len && r.end > addr { return false }
        return true
    }

    public func region(containing addr: UInt64) -> Region? {
        regions.first { $0.start <= addr && addr < $0.end }
    }

    /// Upper end of the mmap area: below the stack and its guard.
    public var mmapTop: UInt64 { stackTop - (256 << 20) }
    public var mmapFloor: UInt64 { 1 << 32 }
    var stackLimit: UInt64 { size }

    // MARK: Internals

    func setPerms(_ addr: UInt64, _ len: UInt64, _ p: UInt8) {
        let first = Int(addr >> AddressSpace.pageShift)
        let n = Int(len >> AddressSpace.pageShift)
        (perms + first).update(repeating: p, count: n)
    }

    /// Returns host pages to the kernel; they read back as zero.
    func discard(_ addr: UInt64, _ len: UInt64) {
        if len == 0 { return }
        dropFileBacking(addr, len)
        madvise(host(addr), Int(len), MADV_DONTNEED)
    }

    func insert(_ r: Region) {
        var list = regions
        let i = list.firstIndex { $0.start > r.start } ?? list.count
        list.insert(r, at: i)
        regions = list
    }

    func removeRange(_ addr: UInt64, _ len: UInt64) {
        let end = addr + len
        var out: [Region] = []
        out.reserveCapacity(regions.count + 1)
        for r in regions {
            if r.end <= addr || r.start >= end { out.append(r); continue }
            if r.start < addr {
                var left = r
                left.end = addr
                out.append(left)
            }
            if r.end > end {
                var right = r
                right.offset = r.offset + (end - r.start)
                right.start = end
                out.append(right)
            }
        }
        regions = out
    }
}


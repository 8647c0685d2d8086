import Glibc

/// One mapping of the guest, as /proc/self/maps would show it.
public struct Region: Equatable, Sendable {
    public var start: UInt64
    public var end: UInt64
    public var prot: Int32
    public var name: String
    public var offset: UInt64
    /// The mapped file's device and inode (0 for anonymous memory): a
    /// truncation of that file refreshes the pages past its end.
    public var dev: UInt64
    public var ino: UInt64
    /// MAP_SHARED (or a SysV segment).
    public var shared: Bool

    public init(start: UInt64, end: UInt64, prot: Int32, name: String = "", offset: UInt64 = 0,
                dev: UInt64 = 0, ino: UInt64 = 0, shared: Bool = false) {
        self.start = start
        self.end = end
        self.prot = prot
        self.name = name
        self.offset = offset
        self.dev = dev
        self.ino = ino
        self.shared = shared
    }
}

@inline(__always) func pageDown(_ a: UInt64) -> UInt64 { a & ~AddressSpace.pageMask }
@inline(__always) func pageUp(_ a: UInt64) -> UInt64 { (a &+ AddressSpace.pageMask) & ~AddressSpace.pageMask }

// MARK: - The region map behind mmap, munmap, mprotect and brk
//
// The list is sorted and searched by binary search, and changed in place,
// so a map, unmap or protect costs O(log n) plus the regions it touches
// (and the array move of an insertion), never a copy of the whole map.

extension AddressSpace {
    /// Sorted, non-overlapping mappings.
    public var regions: [Region] {
        get { withRegionLock { regionList } }
        set { withRegionLock { regionList = newValue } }
    }

    /// True when `[addr, addr+len)` lies inside the space (no wraparound).
    @inline(__always) public func inSpace(_ addr: UInt64, _ len: UInt64) -> Bool {
        addr <= size && len <= size - addr
    }

    /// Maps `[addr, addr+len)` with `prot`, replacing whatever was there,
    /// and zero-fills it. `addr` and `len` must be page aligned.
    public func mapFixed(_ addr: UInt64, _ len: UInt64, prot: Int32, name: String = "", offset: UInt64 = 0,
                         zero: Bool = true, dev: UInt64 = 0, ino: UInt64 = 0, shared: Bool = false) {
        precondition(addr & AddressSpace.pageMask == 0 && len & AddressSpace.pageMask == 0)
        precondition(inSpace(addr, len))
        removeRange(addr, len)
        if zero { discard(addr, len) }
        setPerms(addr, len, PagePerm.fromProt(prot))
        insert(Region(start: addr, end: addr + len, prot: prot, name: name, offset: offset,
                      dev: dev, ino: ino, shared: shared))
    }

    /// Finds a free page-aligned range of `len` bytes, preferring `hint`.
    public func findFree(_ len: UInt64, hint: UInt64 = 0) -> UInt64? {
        guard len <= size else { return nil }
        let len = pageUp(len)
        if hint != 0, hint & AddressSpace.pageMask == 0, inSpace(hint, len), hint + len <= stackLimit,
           isFree(hint, len) { return hint }
        return withRegionLock {
            // Top-down below the stack area, as Linux lays out mmap.
            var top = mmapTop
            var i = lowerIndex(regionList, top) // first region ending after top
            while true {
                // Regions at or below `top`: the one before index i.
                let below = i > 0 ? regionList[i - 1] : nil
                let floor = max(below?.end ?? 0, mmapFloor)
                if i < regionList.count, regionList[i].start < top { top = regionList[i].start }
                if top >= floor, top - floor >= len { return top - len }
                guard let b = below, b.start > mmapFloor else { return nil }
                top = b.start
                i -= 1
            }
        }
    }

    /// Unmaps a page-aligned range; no-op for holes.
    public func unmap(_ addr: UInt64, _ len: UInt64) {
        let len = pageUp(len)
        guard inSpace(addr, len) else { return }
        noteStore(addr, len)
        removeRange(addr, len)
        discard(addr, len)
        setPerms(addr, len, 0)
    }

    /// Changes protection; false when part of the range is unmapped (ENOMEM).
    /// Pages past the end of their file keep that state under the new
    /// protection.
    public func protect(_ addr: UInt64, _ len: UInt64, prot: Int32) -> Bool {
        let len = pageUp(len)
        guard inSpace(addr, len) else { return false }
        var pg = addr >> AddressSpace.pageShift
        let last = (addr + len) >> AddressSpace.pageShift
        var pastEOF = false
        while pg < last {
            let p = perms[Int(pg)]
            if p & PagePerm.mapped == 0 { return false }
            if p & PagePerm.pastEOF != 0 { pastEOF = true }
            pg += 1
        }
        noteStore(addr, len)
        withRegionLock {
            var pieces: [Region] = []
            var i = lowerIndex(regionList, addr)
            while i < regionList.count, regionList[i].start < addr + len {
                var p = regionList[i]
                let s = max(p.start, addr), e = min(p.end, addr + len)
                p.offset = p.offset &+ (s - p.start)
                p.start = s; p.end = e; p.prot = prot
                pieces.append(p)
                i += 1
            }
            removeRangeLocked(addr, len)
            var at = lowerIndex(regionList, addr)
            for p in pieces {
                regionList.insert(p, at: at)
                at += 1
            }
        }
        let np = PagePerm.fromProt(prot)
        if !pastEOF {
            setPerms(addr, len, np)
        } else {
            for pg in Int(addr >> AddressSpace.pageShift)..<Int(last) {
                perms[pg] = perms[pg] & PagePerm.pastEOF != 0 ? PagePerm.mapped | PagePerm.pastEOF : np
            }
        }
        return true
    }

    public func isFree(_ addr: UInt64, _ len: UInt64) -> Bool {
        guard inSpace(addr, len) else { return false }
        return withRegionLock {
            let i = lowerIndex(regionList, addr)
            return i == regionList.count || regionList[i].start >= addr + len
        }
    }

    public func region(containing addr: UInt64) -> Region? {
        withRegionLock {
            let i = lowerIndex(regionList, addr)
            return i < regionList.count && regionList[i].start <= addr ? regionList[i] : nil
        }
    }

    /// The regions overlapping `[addr, addr+len)`, in order.
    public func regions(overlapping addr: UInt64, _ len: UInt64) -> [Region] {
        withRegionLock {
            var out: [Region] = []
            var i = lowerIndex(regionList, addr)
            while i < regionList.count, regionList[i].start < addr &+ len {
                out.append(regionList[i])
                i += 1
            }
            return out
        }
    }

    /// Upper end of the mmap area: below the stack and its guard.
    public var mmapTop: UInt64 { stackTop - (256 << 20) }
    public var mmapFloor: UInt64 { 1 << 32 }
    var stackLimit: UInt64 { size }

    /// Moves the bookkeeping of `[from, from+len)` to `to` (a free range):
    /// the regions' pieces and the permission bytes (without `code` bits).
    /// The host pages are the caller's to move.
    public func moveMapping(from: UInt64, to: UInt64, len: UInt64, keepSource: Bool = false) {
        precondition(inSpace(from, len) && inSpace(to, len))
        noteStore(from, len)
        noteStore(to, len)
        withRegionLock {
            var pieces: [Region] = []
            var i = lowerIndex(regionList, from)
            while i < regionList.count, regionList[i].start < from + len {
                var p = regionList[i]
                let s = max(p.start, from), e = min(p.end, from + len)
                p.offset = p.offset &+ (s - p.start)
                p.start = s - from + to; p.end = e - from + to
                pieces.append(p)
                i += 1
            }
            if !keepSource { removeRangeLocked(from, len) }
            removeRangeLocked(to, len)
            var at = lowerIndex(regionList, to)
            for p in pieces {
                regionList.insert(p, at: at)
                at += 1
            }
        }
        let n = Int(len >> AddressSpace.pageShift)
        let f = Int(from >> AddressSpace.pageShift), t = Int(to >> AddressSpace.pageShift)
        for k in 0..<n { perms[t + k] = perms[f + k] & ~PagePerm.code }
        if !keepSource { setPerms(from, len, 0) }
    }

    // MARK: Internals

    public func setPerms(_ addr: UInt64, _ len: UInt64, _ p: UInt8) {
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

    /// Index of the first region whose end is above `addr`.
    func lowerIndex(_ list: [Region], _ addr: UInt64) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].end <= addr { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    func insert(_ r: Region) {
        withRegionLock {
            regionList.insert(r, at: lowerIndex(regionList, r.start))
        }
    }

    func removeRange(_ addr: UInt64, _ len: UInt64) {
        withRegionLock { removeRangeLocked(addr, len) }
    }

    func removeRangeLocked(_ addr: UInt64, _ len: UInt64) {
        let end = addr + len
        let first = lowerIndex(regionList, addr)
        var last = first
        while last < regionList.count, regionList[last].start < end { last += 1 }
        if first == last { return }
        var keep: [Region] = []
        let a = regionList[first], b = regionList[last - 1]
        if a.start < addr {
            var left = a
            left.end = addr
            keep.append(left)
        }
        if b.end > end {
            var right = b
            right.offset = b.offset &+ (end - b.start)
            right.start = end
            keep.append(right)
        }
        regionList.replaceSubrange(first..<last, with: keep)
    }
}

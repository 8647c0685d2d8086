import Glibc
import Synchronization

/// Page permission bits kept per guest page in `AddressSpace.perms`.
public enum PagePerm {
    public static let read: UInt8 = 1
    public static let write: UInt8 = 2
    public static let exec: UInt8 = 4
    /// The page holds code that has been translated into cached blocks;
    /// a store to it must invalidate those blocks first.
    public static let code: UInt8 = 8
    /// The page is mapped (even when PROT_NONE).
    public static let mapped: UInt8 = 16
    /// The page lies wholly past the end of the file it maps: it has no
    /// access bits, so every access faults, and the Linux layer decides
    /// between SIGBUS and, when the file has grown since, making the page
    /// accessible (its region keeps the protection).
    public static let pastEOF: UInt8 = 32

    public static func fromProt(_ prot: Int32) -> UInt8 {
        var p: UInt8 = mapped
        if prot & PROT_READ != 0 { p |= read }
        if prot & PROT_WRITE != 0 { p |= write | read }
        if prot & PROT_EXEC != 0 { p |= exec | read }
        return p
    }
}

/// The guest's whole address space: one reserved host region where
/// host address == `base` + guest address, and a byte of permissions per
/// guest page that every access is checked against in software.
///
/// Invariant: `base` points at `size` bytes of host memory reserved for the
/// lifetime of the process, and `perms` at `size >> pageShift` bytes. A guest
/// address `a` with `a + n <= size` can therefore always be dereferenced on
/// the host; the permission table decides whether the guest may.
public final class AddressSpace: @unchecked Sendable {
    public static let pageShift: UInt64 = 12
    public static let pageSize: UInt64 = 1 << pageShift
    public static let pageMask: UInt64 = pageSize - 1

    public let base: UnsafeMutableRawPointer
    public let perms: UnsafeMutablePointer<UInt8>
    public let size: UInt64

    /// The bit `noteStore` sets in every registered attention word when a
    /// store, munmap or mprotect touches a page holding translated code.
    public static let codeChangedBit: UInt64 = 1

    /// Attention words of the executors running over this space (see
    /// `addCodeWatcher`): `watcherCapacity` pointer-sized atomics, of which
    /// `[0, watcherHigh)` may be in use (0 = free). Read without a lock by
    /// any thread that stores to code.
    static let watcherCapacity = 4096
    let watchers: UnsafeMutablePointer<Atomic<UInt>>
    let watcherHigh: UnsafeMutablePointer<Atomic<Int>>

    /// Sorted, non-overlapping mappings (see Regions.swift), guarded by
    /// `regionLock`: threads read it (e.g. /proc/self/maps) while another
    /// maps or unmaps.
    var regionList: [Region] = []
    let regionLock: UnsafeMutablePointer<pthread_mutex_t>
    /// Guest ranges backed by host MAP_PRIVATE file mappings (FileBacking.swift),
    /// guarded by `regionLock`.
    var fileBacked: [Range<UInt64>] = []

    /// Set once a file is mapped shared: translation then looks for other
    /// views of the pages it reads (`markAliases`).
    public var sharedFileMapped = false

    /// Lowest address handed out by mmap without a hint.
    public var mmapBase: UInt64
    /// The highest guest address the stack sits under.
    public let stackTop: UInt64

    /// Reserves `size` bytes of host address space for the guest. When the
    /// host refuses (a ulimit -v, or running under valgrind), smaller
    /// reservations down to `minimumSize` are tried.
    public init(size requested: UInt64 = 1 << 39, minimumSize: UInt64 = 1 << 32) throws {
        let flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
        var size = requested
        var reserved: UnsafeMutableRawPointer? = nil
        while true {
            if let b = mmap(nil, Int(size), PROT_READ | PROT_WRITE, flags, -1, 0), b != MAP_FAILED {
                reserved = b
                break
            }
            if size / 2 < minimumSize { break }
            size /= 2
        }
        guard let b = reserved else { throw MemoryError.reserveFailed(requested) }
        self.size = size
        let pcount = Int(size >> AddressSpace.pageShift)
        guard let p = mmap(nil, pcount, PROT_READ | PROT_WRITE, flags, -1, 0), p != MAP_FAILED else {
            munmap(b, Int(size))
            throw MemoryError.reserveFailed(size)
        }
        base = b
        perms = p.bindMemory(to: UInt8.self, capacity: pcount)
        stackTop = size - (1 << 30)
        mmapBase = size >> 1 // e.g. 0x40_0000_0000 for 512 GiB
        let w = UnsafeMutableRawPointer.allocate(byteCount: 8 * AddressSpace.watcherCapacity, alignment: 8)
        w.initializeMemory(as: UInt.self, repeating: 0, count: AddressSpace.watcherCapacity)
        watchers = w.bindMemory(to: Atomic<UInt>.self, capacity: AddressSpace.watcherCapacity)
        let h = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
        h.initializeMemory(as: Int.self, repeating: 0, count: 1)
        watcherHigh = h.bindMemory(to: Atomic<Int>.self, capacity: 1)
        regionLock = .allocate(capacity: 1)
        pthread_mutex_init(regionLock, nil)
    }

    deinit {
        munmap(base, Int(size))
        munmap(perms, Int(size >> AddressSpace.pageShift))
        UnsafeMutableRawPointer(watchers).deallocate()
        UnsafeMutableRawPointer(watcherHigh).deallocate()
        pthread_mutex_destroy(regionLock)
        regionLock.deallocate()
    }

    // MARK: - Threads

    /// Registers an executor's attention word: a store to translated code
    /// from any thread sets `codeChangedBit` in it. The word must stay
    /// allocated until it is removed (and, since another thread may have
    /// read the entry just before, a little longer: the Linux layer keeps
    /// every CPU of a process alive for the process's lifetime).
    public func addCodeWatcher(_ word: UnsafeMutablePointer<UInt64>) {
        let bits = UInt(bitPattern: word)
        for i in 0..<AddressSpace.watcherCapacity {
            if watchers[i].compareExchange(expected: 0, desired: bits, ordering: .sequentiallyConsistent).exchanged {
                _ = watcherHigh.pointee.max(i + 1, ordering: .sequentiallyConsistent)
                return
            }
        }
        // Full: fall back to flushing nobody else; the owner still flushes
        // itself through its own stores (see `noteStore`).
    }

    public func removeCodeWatcher(_ word: UnsafeMutablePointer<UInt64>) {
        let bits = UInt(bitPattern: word)
        // One entry: a CPU reused by a new thread may be registered again
        // by that thread's executor before the old executor goes.
        let n = watcherHigh.pointee.load(ordering: .acquiring)
        for i in 0..<n where watchers[i].compareExchange(expected: bits, desired: 0, ordering: .sequentiallyConsistent).exchanged {
            return
        }
    }

    /// Tells every registered executor that translated code changed.
    public func codeChanged() {
        let n = watcherHigh.pointee.load(ordering: .acquiring)
        for i in 0..<n {
            let bits = watchers[i].load(ordering: .acquiring)
            if bits == 0 { continue }
            let word = UnsafeMutableRawPointer(bitPattern: bits)!.bindMemory(to: Atomic<UInt64>.self, capacity: 1)
            word.pointee.bitwiseOr(AddressSpace.codeChangedBit, ordering: .sequentiallyConsistent)
        }
    }

    /// In a forked child only the calling thread exists: a lock another
    /// thread held at the fork is free again.
    public func resetLocksAfterFork() {
        pthread_mutex_init(regionLock, nil)
    }

    /// Runs `body` with the region map locked (fork holds it so that the
    /// child never inherits a half-changed map).
    public func withRegionLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(regionLock)
        defer { pthread_mutex_unlock(regionLock) }
        return try body()
    }

    /// The permission byte of page `pg` as an atomic: translation sets the
    /// `code` bit while other threads clear it or mprotect the page, and
    /// none of those updates may be lost.
    @inline(__always) func permAtomic(_ pg: Int) -> UnsafeMutablePointer<Atomic<UInt8>> {
        UnsafeMutableRawPointer(perms + pg).bindMemory(to: Atomic<UInt8>.self, capacity: 1)
    }

    // MARK: - Checks

    /// True when `[addr, addr+len)` lies in the space and each page has `need`.
    @inlinable @inline(__always)
    public func check(_ addr: UInt64, _ len: UInt64, _ need: UInt8) -> Bool {
        let end = addr &+ len &- 1
        if addr >= size || end >= size || end < addr { return len == 0 }
        return perms[Int(truncatingIfNeeded: addr >> AddressSpace.pageShift)] & need != 0
            && perms[Int(truncatingIfNeeded: end >> AddressSpace.pageShift)] & need != 0
    }

    /// Checks every page of a possibly large range.
    public func checkRange(_ addr: UInt64, _ len: UInt64, _ need: UInt8) -> Bool {
        if len == 0 { return true }
        let end = addr &+ len &- 1
        if addr >= size || end >= size || end < addr { return false }
        var pg = addr >> AddressSpace.pageShift
        let last = end >> AddressSpace.pageShift
        while pg <= last {
            if perms[Int(pg)] & need == 0 { return false }
            pg += 1
        }
        return true
    }

    @inlinable @inline(__always)
    public func host(_ addr: UInt64) -> UnsafeMutableRawPointer {
        base + Int(truncatingIfNeeded: addr)
    }

    /// Called before a store to a range that may hold translated code:
    /// clears the pages' `code` bits and tells every executor to drop its
    /// blocks before it runs more code.
    public func noteStore(_ addr: UInt64, _ len: UInt64) {
        guard len > 0 else { return }
        var pg = addr >> AddressSpace.pageShift
        let last = (addr &+ len &- 1) >> AddressSpace.pageShift
        var changed = false
        while pg <= last {
            if perms[Int(pg)] & PagePerm.code != 0 {
                permAtomic(Int(pg)).pointee.bitwiseAnd(~PagePerm.code, ordering: .sequentiallyConsistent)
                changed = true
            }
            pg += 1
        }
        if changed { codeChanged() }
    }

    /// Marks the page of `addr` as holding translated code. The fence
    /// orders the mark before the caller's reads of the instructions, so a
    /// concurrent writer either sees the mark (and flushes) or wrote first.
    public func markCode(_ addr: UInt64) {
        let pg = Int(addr >> AddressSpace.pageShift)
        if perms[pg] & PagePerm.code == 0 {
            permAtomic(pg).pointee.bitwiseOr(PagePerm.code, ordering: .sequentiallyConsistent)
        } else if !sharedFileMapped {
            return
        }
        if sharedFileMapped { markAliases(addr) }
    }

    /// A page of a shared file mapping may be the same host page as pages
    /// of other mappings of that file (a JIT's writable and executable
    /// views of one memfd): they get the `code` bit too, so a store through
    /// any view invalidates the blocks. A store clears the bit of the page
    /// it went through only, so this runs at every translation once the
    /// process has mapped a file shared (`sharedFileMapped`), not just the
    /// first.
    func markAliases(_ addr: UInt64) {
        guard let r = region(containing: addr), r.shared, r.ino != 0 else { return }
        let fileOffset = r.offset &+ (addr & ~AddressSpace.pageMask) &- r.start
        let others = withRegionLock {
            regionList.filter { $0.shared && $0.ino == r.ino && $0.dev == r.dev && $0.start != r.start
                && $0.offset <= fileOffset && fileOffset &- $0.offset < $0.end &- $0.start }
        }
        for o in others {
            let pg = Int((o.start &+ (fileOffset &- o.offset)) >> AddressSpace.pageShift)
            if perms[pg] & PagePerm.code == 0 {
                permAtomic(pg).pointee.bitwiseOr(PagePerm.code, ordering: .sequentiallyConsistent)
            }
        }
    }

    // MARK: - Bulk copies used by the loader and syscalls (checked)

    /// Copies guest bytes out; returns nil when any page is not readable.
    public func read(_ addr: UInt64, count: Int) -> [UInt8]? {
        guard checkRange(addr, UInt64(count), PagePerm.read) else { return nil }
        return [UInt8](UnsafeRawBufferPointer(start: host(addr), count: count))
    }

    /// Copies bytes into the guest; false when any page is not writable.
    @discardableResult
    public func write(_ addr: UInt64, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard checkRange(addr, UInt64(bytes.count), PagePerm.write) else { return false }
        noteStore(addr, UInt64(bytes.count))
        if bytes.count > 0 { host(addr).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
        return true
    }

    @discardableResult
    public func write(_ addr: UInt64, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { write(addr, $0) }
    }

    /// Writes ignoring guest permissions (loader use only).
    public func poke(_ addr: UInt64, _ bytes: UnsafeRawBufferPointer) {
        precondition(addr &+ UInt64(bytes.count) <= size)
        if bytes.count > 0 { host(addr).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
    }

    public func readU64(_ addr: UInt64) -> UInt64? {
        guard check(addr, 8, PagePerm.read) else { return nil }
        return host(addr).loadUnaligned(as: UInt64.self)
    }

    public func readU32(_ addr: UInt64) -> UInt32? {
        guard check(addr, 4, PagePerm.read) else { return nil }
        return host(addr).loadUnaligned(as: UInt32.self)
    }

    @discardableResult
    public func writeU64(_ addr: UInt64, _ v: UInt64) -> Bool {
        withUnsafeBytes(of: v.littleEndian) { write(addr, $0) }
    }

    @discardableResult
    public func writeU32(_ addr: UInt64, _ v: UInt32) -> Bool {
        withUnsafeBytes(of: v.littleEndian) { write(addr, $0) }
    }

    /// Reads a NUL-terminated string of at most `max` bytes.
    public func readCString(_ addr: UInt64, max: Int = 4096) -> String? {
        guard let bytes = readCStringBytes(addr, max: max) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func readCStringBytes(_ addr: UInt64, max: Int = 4096) -> [UInt8]? {
        var out: [UInt8] = []
        var a = addr
        while out.count < max {
            guard check(a, 1, PagePerm.read) else { return nil }
            let b = host(a).load(as: UInt8.self)
            if b == 0 { return out }
            out.append(b)
            a &+= 1
        }
        return nil
    }
}

public enum MemoryError: Error, CustomStringConvertible {
    case reserveFailed(UInt64)
    public var description: String {
        switch self {
        case .reserveFailed(let s): return "cannot reserve \(s >> 30) GiB of address space for the guest"
        }
    }
}

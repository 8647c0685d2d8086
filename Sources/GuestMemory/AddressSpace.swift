import Glibc

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
    /// Called when a store hits a page marked `PagePerm.code`, and by
    /// munmap/mprotect of such pages, so the executor drops stale blocks.
    public var codeWriteHook: ((UInt64) -> Void)?

    /// Sorted, non-overlapping mappings (see Regions.swift).
    var regionList: [Region] = []

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
    }

    deinit {
        munmap(base, Int(size))
        munmap(perms, Int(size >> AddressSpace.pageShift))
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

    /// Called before a store to a range that may hold translated code.
    public func noteStore(_ addr: UInt64, _ len: UInt64) {
        guard len > 0 else { return }
        var pg = addr >> AddressSpace.pageShift
        let last = (addr &+ len &- 1) >> AddressSpace.pageShift
        while pg <= last {
            if perms[Int(pg)] & PagePerm.code != 0 {
                perms[Int(pg)] &= ~PagePerm.code
                codeWriteHook?(pg << AddressSpace.pageShift)
            }
            pg += 1
        }
    }

    public func markCode(_ addr: UInt64) {
        perms[Int(addr >> AddressSpace.pageShift)] |= PagePerm.code
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

import Glibc
import GuestMemory

// MARK: - SysV shared memory: shmget, shmctl, shmat, shmdt
//
// Segments are the host's: shmget and shmctl go to the host kernel, and
// shmat attaches the segment on the host at the host address of the guest
// range (SHM_REMAP over the reservation), so every process attaching it,
// forked children included, shares the same pages. The guest sees the
// attachment in the region map and /proc/self/maps as Linux shows it.

/// One attached segment: the guest range and the segment id.
struct ShmAttachment {
    var start: UInt64
    var end: UInt64
    var id: Int32
}

/// shmat/shmctl constants (linux/shm.h, linux/ipc.h): the same on arm64 and x86_64.
enum GuestShm {
    static let rdonly = 0o10000, rnd = 0o20000, remap = 0o40000, exec = 0o100000
    static let ipcRmid = 0, ipcSet = 1, ipcStat = 2, ipcInfo = 3
    static let lock = 11, unlock = 12, stat = 13, info = 14, statAny = 15
    /// SHMLBA of arm64 (asm-generic/shmparam.h: PAGE_SIZE).
    static let shmlba: UInt64 = 4096
}

/// struct shmid64_ds of arm64 (asm-generic/shmbuf.h, ipcbuf.h), 112 bytes:
/// ipc64_perm { key, uid, gid, cuid, cgid, mode: 32 bits each; seq: 16
/// bits at 24; two unused longs at 32 and 40 }, then shm_segsz at 48, the
/// atime, dtime and ctime longs at 56, 64, 72, cpid and lpid (32 bits) at
/// 80 and 84, shm_nattch at 88 and two unused longs. x86_64 uses the same
/// generic header for LP64, so the host's offsets are these too; the fields
/// are still copied one by one, so that neither side's padding leaks.
enum ShmidDS {
    static let size = 112
    static let fields32 = [0, 4, 8, 12, 16, 20, 80, 84]
    static let fields16 = [24]
    static let fields64 = [48, 56, 64, 72, 88]
}

extension LinuxProcess {
    func sysShmget(_ a: SysArgs) -> Int {
        HostSyscall.call(HostMemNR.shmget, a.i32(0), Int(bitPattern: UInt(a[1])), a.i32(2))
    }

    func sysShmctl(_ a: SysArgs) -> Int {
        let id = a.i32(0), cmd = a.i32(1), buf = a[2]
        switch cmd {
        case GuestShm.ipcRmid, GuestShm.lock, GuestShm.unlock:
            return HostSyscall.call(HostMemNR.shmctl, id, cmd, 0)
        case GuestShm.ipcStat, GuestShm.stat, GuestShm.statAny:
            var host = [UInt8](repeating: 0, count: ShmidDS.size)
            let r = host.withUnsafeMutableBytes { HostSyscall.call(HostMemNR.shmctl, id, cmd, Int(bitPattern: $0.baseAddress)) }
            if r < 0 { return r }
            guard let out = outBuf(buf, ShmidDS.size) else { return -Errno.EFAULT }
            out.initializeMemory(as: UInt8.self, repeating: 0, count: ShmidDS.size)
            host.withUnsafeBytes { h in copyShmidFields(from: UnsafeRawPointer(h.baseAddress!), to: out) }
            return r
        case GuestShm.ipcSet:
            // The kernel takes uid, gid and the low 9 bits of mode.
            guard let src = inBuf(buf, ShmidDS.size) else { return -Errno.EFAULT }
            var host = [UInt8](repeating: 0, count: ShmidDS.size)
            host.withUnsafeMutableBytes { h in copyShmidFields(from: UnsafeRawPointer(src), to: h.baseAddress!) }
            return host.withUnsafeMutableBytes { HostSyscall.call(HostMemNR.shmctl, id, cmd, Int(bitPattern: $0.baseAddress)) }
        case GuestShm.ipcInfo, GuestShm.info:
            // struct shminfo64: nine longs; struct shm_info: an int, then
            // five longs from offset 8. Both layouts are the same on x86_64.
            let size = cmd == GuestShm.ipcInfo ? 72 : 48
            var host = [UInt8](repeating: 0, count: size)
            let r = host.withUnsafeMutableBytes { HostSyscall.call(HostMemNR.shmctl, id, cmd, Int(bitPattern: $0.baseAddress)) }
            if r < 0 { return r }
            guard let out = outBuf(buf, size) else { return -Errno.EFAULT }
            out.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            host.withUnsafeBytes { h in
                if cmd == GuestShm.info {
                    out.storeBytes(of: h.load(fromByteOffset: 0, as: UInt32.self), as: UInt32.self)
                    for o in stride(from: 8, to: 48, by: 8) {
                        out.storeBytes(of: h.load(fromByteOffset: o, as: UInt64.self), toByteOffset: o, as: UInt64.self)
                    }
                } else {
                    for o in stride(from: 0, to: 40, by: 8) {
                        out.storeBytes(of: h.load(fromByteOffset: o, as: UInt64.self), toByteOffset: o, as: UInt64.self)
                    }
                }
            }
            return r
        default:
            return -Errno.EINVAL
        }
    }

    private func copyShmidFields(from src: UnsafeRawPointer, to dst: UnsafeMutableRawPointer) {
        for o in ShmidDS.fields32 { dst.storeBytes(of: src.loadUnaligned(fromByteOffset: o, as: UInt32.self), toByteOffset: o, as: UInt32.self) }
        for o in ShmidDS.fields16 { dst.storeBytes(of: src.loadUnaligned(fromByteOffset: o, as: UInt16.self), toByteOffset: o, as: UInt16.self) }
        for o in ShmidDS.fields64 { dst.storeBytes(of: src.loadUnaligned(fromByteOffset: o, as: UInt64.self), toByteOffset: o, as: UInt64.self) }
    }

    /// shmat (ipc/shm.c do_shmat): a NULL address picks a free range as
    /// mmap does; another must be SHMLBA-aligned (or rounded down with
    /// SHM_RND) and free unless SHM_REMAP.
    func sysShmat(_ a: SysArgs) -> Int {
        let id = a.i32(0), shmflg = a.i32(2)
        var addr = a[1]
        if id < 0 { return -Errno.EINVAL }
        var ds = [UInt8](repeating: 0, count: ShmidDS.size)
        let st = ds.withUnsafeMutableBytes { HostSyscall.call(HostMemNR.shmctl, id, GuestShm.ipcStat, Int(bitPattern: $0.baseAddress)) }
        if st < 0 { return st }
        let segsz = ds.withUnsafeBytes { $0.load(fromByteOffset: 48, as: UInt64.self) }
        guard segsz <= mem.size else { return -Errno.ENOMEM }
        let len = roundUp(segsz)
        guard len != 0 else { return -Errno.EINVAL }
        if addr != 0 {
            if addr & (GuestShm.shmlba - 1) != 0 {
                guard shmflg & GuestShm.rnd != 0, addr >= GuestShm.shmlba else { return -Errno.EINVAL }
                addr &= ~(GuestShm.shmlba - 1)
            }
            guard mem.inSpace(addr, len) else { return -Errno.EINVAL }
            if addr < mmapMinAddr { return -Errno.EPERM }
            if shmflg & GuestShm.remap == 0 && !mem.isFree(addr, len) { return -Errno.EINVAL }
        } else {
            if shmflg & GuestShm.remap != 0 { return -Errno.EINVAL }
            guard let found = mem.findFree(len) else { return -Errno.ENOMEM }
            addr = found
        }
        let hostFlags = (shmflg & (GuestShm.rdonly | GuestShm.exec)) | GuestShm.remap
        let r = HostSyscall.call(HostMemNR.shmat, id, Int(bitPattern: mem.host(addr)), hostFlags)
        if r < 0 { return r }
        // The host attachment replaced whatever backed the range.
        mem.noteStore(addr, len)
        releaseHostBacking(addr, len, restore: false)
        detachShmRecords(addr, len)
        let readOnly = shmflg & GuestShm.rdonly != 0
        let prot = PROT_READ | (readOnly ? 0 : PROT_WRITE) | (shmflg & GuestShm.exec != 0 ? PROT_EXEC : 0)
        let key = ds.withUnsafeBytes { $0.load(fromByteOffset: 0, as: UInt32.self) }
        let hex = String(key, radix: 16)
        let name = "/SYSV" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex + " (deleted)"
        mem.mapFixed(addr, len, prot: prot, name: name, zero: false, shared: true)
        shared.hostShared.append(addr..<(addr + len))
        if readOnly { shared.hostSharedReadOnly.append(addr..<(addr + len)) }
        shared.shmAttachments.append(ShmAttachment(start: addr, end: addr + len, id: Int32(id)))
        return Int(addr)
    }

    /// shmdt: detaches the segment attached at `addr` exactly.
    func sysShmdt(_ a: SysArgs) -> Int {
        let addr = a[0]
        guard addr & pageMask == 0,
              let at = shared.shmAttachments.first(where: { $0.start == addr }) else { return -Errno.EINVAL }
        releaseHostBacking(at.start, at.end - at.start)
        mem.unmap(at.start, at.end - at.start)
        detachShmRecords(at.start, at.end - at.start)
        return 0
    }

    /// Drops (or trims) the attachment records in an unmapped range.
    func detachShmRecords(_ addr: UInt64, _ len: UInt64) {
        guard !shared.shmAttachments.isEmpty else { return }
        let end = addr &+ len
        shared.shmAttachments = shared.shmAttachments.compactMap { at in
            if at.end <= addr || at.start >= end { return at }
            if at.start >= addr && at.end <= end { return nil }
            var t = at
            if at.start < addr { t.end = addr } else { t.start = end }
            return t
        }
    }

    /// An attachment that mremap moved.
    func moveShmRecords(_ old: UInt64, _ len: UInt64, to dest: UInt64) {
        for i in shared.shmAttachments.indices where shared.shmAttachments[i].start == old {
            let n = shared.shmAttachments[i].end - old
            shared.shmAttachments[i].start = dest
            shared.shmAttachments[i].end = dest + min(n, len)
        }
    }
}

let shmSyscallRows: [SyscallRow] = [
    SyscallRow(194, "shmget", [.hex32, .int, .octal], note: "the host's segments") { $0.sysShmget($1) },
    SyscallRow(195, "shmctl", [.int, .int, .ptr], note: "IPC_STAT/SET/RMID/INFO, SHM_INFO/STAT/STAT_ANY/LOCK/UNLOCK; struct shmid64_ds copied field by field") { $0.sysShmctl($1) },
    SyscallRow(196, "shmat", [.int, .ptr, .octal], .addr, note: "host shmat with SHM_REMAP over the guest range; SHM_RDONLY, SHM_RND, SHM_EXEC, SHM_REMAP; NULL picks a free range") { $0.sysShmat($1) },
    SyscallRow(197, "shmdt", [.ptr]) { $0.sysShmdt($1) },
]

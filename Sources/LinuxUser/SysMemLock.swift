import Glibc
import GuestMemory

// MARK: - mincore, mlock, munlock, mlock2, mlockall, munlockall
//
// What is mapped comes from the guest's region map, as Linux takes it from
// the process's VMAs: a range with a hole gets ENOMEM. Residency and
// locking are the host's, on the host pages that hold the guest pages
// (guest memory is one host mapping, and both use 4 KiB pages).

enum HostLockNR {
    static let mincore = 27, mlock = 149, munlock = 150, mlockall = 151, munlockall = 152, mlock2 = 325
}

let memLockSyscallRows: [SyscallRow] = [
    SyscallRow(228, "mlock", [.cptr, .ulong], note: "ENOMEM when the range has unmapped pages, or PROT_NONE ones, as Linux; the host locks the pages (RLIMIT_MEMLOCK, EPERM and ENOMEM are the host's)") { p, a in
        p.lockGuestRange(a, check: true, populate: true) { HostSyscall.call(HostLockNR.mlock, $0, $1) }
    },
    SyscallRow(229, "munlock", [.cptr, .ulong], note: "ENOMEM when the range has unmapped pages") { p, a in
        p.lockGuestRange(a, check: false, populate: false) { HostSyscall.call(HostLockNR.munlock, $0, $1) }
    },
    SyscallRow(230, "mlockall", [.mlockallFlags], note: "flags checked as Linux; MCL_CURRENT locks the guest's mappings on the host (not the emulator's own memory); MCL_FUTURE is accepted, but later guest mappings are not locked") { $0.sysMlockall($1) },
    SyscallRow(231, "munlockall", []) { _, _ in HostSyscall.call(HostLockNR.munlockall) },
    SyscallRow(232, "mincore", nil, note: "EINVAL for an unaligned start, ENOMEM for unmapped pages; residency is the host's for the pages holding the guest's") { $0.sysMincore($1) },
    SyscallRow(284, "mlock2", nil, note: "as mlock; MLOCK_ONFAULT (the same on both) passed on") { p, a in
        guard a[2] & ~1 == 0 else { return -Errno.EINVAL }
        return p.lockGuestRange(a, check: true, populate: a[2] == 0) { HostSyscall.call(HostLockNR.mlock2, $0, $1, Int(a[2])) }
    },
]

extension LinuxProcess {
    /// True when every page of `[start, end)` lies in a guest mapping
    /// (PROT_NONE included).
    func guestRangeMapped(_ start: UInt64, _ end: UInt64) -> Bool {
        end >= start && mem.checkRange(start, end - start, PagePerm.mapped)
    }

    /// Linux's can_do_mlock (RLIMIT_MEMLOCK or CAP_IPC_LOCK), asked of the
    /// host with an empty range, which it checks first.
    var hostCanMlock: Bool { HostSyscall.call(HostLockNR.mlock, Int(bitPattern: mem.base), 0) == 0 }

    /// mlock, munlock and mlock2: the range widened to whole pages as the
    /// kernel does, checked against the region map, then `body` gets the
    /// host address and length. With `populate` (mlock without
    /// MLOCK_ONFAULT) a PROT_NONE page fails as Linux's populate step fails
    /// (ENOMEM, the pages staying locked); the host page itself is
    /// accessible, so the host would not fail.
    func lockGuestRange(_ a: SysArgs, check: Bool, populate: Bool, _ body: (Int, Int) -> Int) -> Int {
        if check && !hostCanMlock { return -Errno.EPERM }
        let start = a[0] & ~pageMask
        let len = (a[1] &+ (a[0] & pageMask) &+ pageMask) & ~pageMask
        let end = start &+ len
        if end < start { return -Errno.EINVAL }
        if len == 0 { return 0 }
        guard end <= mem.size, guestRangeMapped(start, end) else { return -Errno.ENOMEM }
        let r = body(Int(bitPattern: mem.host(start)), Int(len))
        if r == 0 && populate && !mem.checkRange(start, len, PagePerm.read) { return -Errno.ENOMEM }
        return r
    }

    func sysMlockall(_ a: SysArgs) -> Int {
        let flags = a.i32(0)
        // MCL_CURRENT 1, MCL_FUTURE 2, MCL_ONFAULT 4 (asm-generic/mman.h, the same on both).
        guard flags != 0, flags & ~7 == 0, flags != 4 else { return -Errno.EINVAL }
        guard hostCanMlock else { return -Errno.EPERM }
        guard flags & 1 != 0 else { return 0 }
        let regions = mem.regions
        var lim = rlimit()
        _ = withUnsafeMutablePointer(to: &lim) { HostSyscall.call(HostNR.prlimit64, 0, 8 /* RLIMIT_MEMLOCK */, 0, Int(bitPattern: $0)) }
        let total = regions.reduce(UInt64(0)) { $0 &+ ($1.end - $1.start) }
        if lim.rlim_cur != UInt.max && total > UInt64(lim.rlim_cur) && geteuid() != 0 { return -Errno.ENOMEM }
        for r in regions {
            _ = HostSyscall.call(HostLockNR.mlock2, Int(bitPattern: mem.host(r.start)), Int(r.end - r.start), flags & 4 != 0 ? 1 : 0)
        }
        return 0
    }

    func sysMincore(_ a: SysArgs) -> Int {
        let start = a[0], len = a[1]
        if start & pageMask != 0 { return -Errno.EINVAL }
        let end = start &+ len
        if end < start || end > mem.size { return -Errno.ENOMEM }
        let pages = Int((len &+ pageMask) >> AddressSpace.pageShift)
        var at = start, written = 0
        while written < pages {
            // The mapping holding `at`, as do_mincore takes one VMA at a time.
            guard let r = mem.region(containing: at) else { return -Errno.ENOMEM }
            let n = min(pages - written, Int((r.end - at) >> AddressSpace.pageShift))
            var vec = [UInt8](repeating: 0, count: n)
            let rc = vec.withUnsafeMutableBytes { Glibc.mincore(mem.host(at), n << Int(AddressSpace.pageShift), $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
            if rc != 0 { return -xlatErrno(errno) }
            for i in 0..<n { vec[i] &= 1 }
            guard mem.write(a[2] &+ UInt64(written), vec) else { return -Errno.EFAULT }
            written += n
            at &+= UInt64(n) << AddressSpace.pageShift
        }
        return 0
    }
}

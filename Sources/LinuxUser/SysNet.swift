import Glibc
import GuestMemory

// MARK: - Sockets, epoll, eventfd, timerfd, select
//
// Socket constants, option levels and names, struct sockaddr_*, struct
// msghdr, struct cmsghdr, struct linger and SOCK_NONBLOCK/SOCK_CLOEXEC are
// the asm-generic ones on both arm64 and x86_64; only pointers inside
// structs need translating. struct epoll_event is packed (12 bytes) on
// x86_64 but 16 bytes on arm64, so it is converted entry by entry.

enum HostNetNR {
    static let socket = 41, connect = 42, accept = 43, sendto = 44, recvfrom = 45, sendmsg = 46, recvmsg = 47
    static let shutdown = 48, bind = 49, listen = 50, getsockname = 51, getpeername = 52, socketpair = 53
    static let setsockopt = 54, getsockopt = 55, accept4 = 288
    static let epoll_ctl = 233, epoll_pwait = 281, epoll_create1 = 291, eventfd2 = 290
    static let timerfd_create = 283, timerfd_settime = 286, timerfd_gettime = 287
    static let setitimer = 38, getitimer = 36, getpriority = 140, setpriority = 141, getcpu = 309
    static let sync_file_range = 277, mknodat = 259, sched_getparam = 143, sched_getscheduler = 145
    static let sched_get_priority_max = 146, sched_get_priority_min = 147, close_range = 436
    static let preadv = 295, pwritev = 296
}

/// A host struct msghdr built from a guest one, owning its iovec array.
final class HostMsghdr {
    var hdr = msghdr()
    let iov: UnsafeMutableBufferPointer<iovec>
    init(_ v: [iovec]) {
        iov = .allocate(capacity: max(v.count, 1))
        _ = iov.initialize(from: v)
        hdr.msg_iov = iov.baseAddress
    }
    deinit { iov.deallocate() }
}

extension LinuxProcess {
    /// A pointer argument that may be NULL: 0 stays 0, otherwise checked.
    func optIn(_ addr: UInt64, _ len: Int) -> Int? {
        if addr == 0 { return 0 }
        return inBuf(addr, len).map { Int(bitPattern: $0) }
    }

    func optOut(_ addr: UInt64, _ len: Int) -> Int? {
        if addr == 0 { return 0 }
        return outBuf(addr, len).map { Int(bitPattern: $0) }
    }

    /// (sockaddr *, socklen_t *) result pair: the buffer size is read from
    /// the length word, which the host then updates in place.
    func sockaddrOut(_ addr: UInt64, _ lenp: UInt64) -> (Int, Int)? {
        if addr == 0 || lenp == 0 { return (0, lenp == 0 ? 0 : (optOut(lenp, 4) ?? -1)) }
        guard let l = mem.readU32(lenp), let lp = outBuf(lenp, 4) else { return nil }
        guard let ap = outBuf(addr, Int(min(l, 4096))) else { return nil }
        return (Int(bitPattern: ap), Int(bitPattern: lp))
    }

    func sysSocketCall(_ nr: Int, _ a: SysArgs) -> Int {
        switch nr {
        case 198: return HostSyscall.call(HostNetNR.socket, a.i32(0), a.i32(1), a.i32(2))
        case 199:
            guard let sv = outBuf(a[3], 8) else { return -Errno.EFAULT }
            return HostSyscall.call(HostNetNR.socketpair, a.i32(0), a.i32(1), a.i32(2), Int(bitPattern: sv))
        case 200, 203: // bind, connect
            guard let sa = inBuf(a[1], a.i32(2)) else { return -Errno.EFAULT }
            return HostSyscall.call(nr == 200 ? HostNetNR.bind : HostNetNR.connect, a.i32(0), Int(bitPattern: sa), a.i32(2))
        case 201: return HostSyscall.call(HostNetNR.listen, a.i32(0), a.i32(1))
        case 202, 242, 204, 205: // accept, accept4, getsockname, getpeername
            guard let (sa, lp) = sockaddrOut(a[1], a[2]), lp >= 0 else { return -Errno.EFAULT }
            let host = [202: HostNetNR.accept, 242: HostNetNR.accept4, 204: HostNetNR.getsockname, 205: HostNetNR.getpeername][nr]!
            return HostSyscall.call(host, a.i32(0), sa, lp, a.i32(3))
        case 206: // sendto
            guard let buf = inBuf(a[1], a.int(2)), let sa = optIn(a[4], a.i32(5)) else { return -Errno.EFAULT }
            return HostSyscall.call(HostNetNR.sendto, a.i32(0), Int(bitPattern: buf), a.int(2), a.i32(3), sa, a.i32(5))
        case 207: // recvfrom
            guard let buf = outBuf(a[1], a.int(2)), let (sa, lp) = sockaddrOut(a[4], a[5]), lp >= 0 else { return -Errno.EFAULT }
            return HostSyscall.call(HostNetNR.recvfrom, a.i32(0), Int(bitPattern: buf), a.int(2), a.i32(3), sa, lp)
        case 208: // setsockopt
            guard let v = optIn(a[3], a.i32(4)) else { return -Errno.EFAULT }
            return HostSyscall.call(HostNetNR.setsockopt, a.i32(0), a.i32(1), a.i32(2), v, a.i32(4))
        case 209: // getsockopt
            guard let l = a[4] == 0 ? 0 : mem.readU32(a[4]), let lp = optOut(a[4], 4), let v = optOut(a[3], Int(min(l, 4096))) else {
                return -Errno.EFAULT
            }
            return HostSyscall.call(HostNetNR.getsockopt, a.i32(0), a.i32(1), a.i32(2), v, lp)
        case 210: return HostSyscall.call(HostNetNR.shutdown, a.i32(0), a.i32(1))
        case 211, 212: return sysMsg(a, receive: nr == 212)
        default: return -Errno.ENOSYS
        }
    }

    /// sendmsg/recvmsg: struct msghdr is 56 bytes on both; its name, iov and
    /// control pointers are translated, and the lengths the host updates
    /// are copied back.
    func sysMsg(_ a: SysArgs, receive: Bool) -> Int {
        let m: HostMsghdr
        switch hostMsghdr(a[1], receive: receive) {
        case .success(let h): m = h
        case .failure(let e): return -e.code
        }
        let r = withUnsafeMutablePointer(to: &m.hdr) {
            HostSyscall.call(receive ? HostNetNR.recvmsg : HostNetNR.sendmsg, a.i32(0), Int(bitPattern: $0), a.i32(2))
        }
        if r >= 0 && receive { copyBackMsghdr(a[1], m.hdr) }
        return r
    }

    /// A guest struct msghdr as a host one, every buffer checked (writable
    /// when receiving, readable when sending).
    func hostMsghdr(_ addr: UInt64, receive: Bool) -> Result<HostMsghdr, SysError> {
        guard let raw = mem.read(addr, count: 56) else { return .failure(SysError(code: Errno.EFAULT)) }
        func u64(_ o: Int) -> UInt64 { raw.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt64.self) } }
        let nameLen = Int(UInt32(truncatingIfNeeded: u64(8)))
        guard u64(24) <= 1024, u64(40) <= 1 << 20 else { return .failure(SysError(code: Errno.EINVAL)) }
        let iovLen = Int(u64(24)), ctlLen = Int(u64(40))
        let name = receive ? optOut(u64(0), nameLen) : optIn(u64(0), nameLen)
        let ctl = receive ? optOut(u64(32), ctlLen) : optIn(u64(32), ctlLen)
        guard let name = name, let ctl = ctl else { return .failure(SysError(code: Errno.EFAULT)) }
        let iov: [iovec]
        switch hostIovecs(u64(16), iovLen, write: !receive) {
        case .success(let v): iov = v
        case .failure(let e): return .failure(e)
        }
        let m = HostMsghdr(iov)
        m.hdr.msg_name = UnsafeMutableRawPointer(bitPattern: name)
        m.hdr.msg_namelen = socklen_t(nameLen)
        m.hdr.msg_iovlen = iovLen
        m.hdr.msg_control = UnsafeMutableRawPointer(bitPattern: ctl)
        m.hdr.msg_controllen = ctlLen
        return .success(m)
    }

    /// The lengths and flags recvmsg updates, into the guest msghdr.
    func copyBackMsghdr(_ addr: UInt64, _ m: msghdr) {
        _ = mem.writeU32(addr &+ 8, UInt32(m.msg_namelen))
        _ = mem.writeU64(addr &+ 40, UInt64(m.msg_controllen))
        _ = mem.writeU32(addr &+ 48, UInt32(bitPattern: m.msg_flags))
    }

    // MARK: epoll

    func sysEpollCtl(_ a: SysArgs) -> Int {
        var ev = [UInt8](repeating: 0, count: 12)
        if a[3] != 0 && a.i32(1) != 2 /* EPOLL_CTL_DEL */ {
            guard let g = mem.read(a[3], count: 16) else { return -Errno.EFAULT }
            ev.replaceSubrange(0..<4, with: g[0..<4])
            ev.replaceSubrange(4..<12, with: g[8..<16])
        }
        return ev.withUnsafeMutableBytes {
            HostSyscall.call(HostNetNR.epoll_ctl, a.i32(0), a.i32(1), a.i32(2), a[3] == 0 ? 0 : Int(bitPattern: $0.baseAddress))
        }
    }

    func sysEpollPwait(_ a: SysArgs) -> Int {
        epollWait(a) { events, n, mask in HostSyscall.call(HostNetNR.epoll_pwait, a.i32(0), events, n, a.i32(3), mask, 8) }
    }

    /// epoll_pwait and epoll_pwait2: `wait` gets a host buffer of packed
    /// events, their count and the host signal mask (argument 4 under the
    /// wait, as withWaitMask installs it); the events come back in the
    /// guest's 16-byte layout.
    func epollWait(_ a: SysArgs, _ wait: (Int, Int, Int) -> Int) -> Int {
        let n = a.i32(2)
        guard n > 0 && n <= 1 << 16 else { return -Errno.EINVAL }
        guard mem.checkRange(a[1], UInt64(n * 16), PagePerm.write) else { return -Errno.EFAULT }
        var host = [UInt8](repeating: 0, count: n * 12)
        let r = host.withUnsafeMutableBytes {
            let events = Int(bitPattern: $0.baseAddress)
            return withWaitMask(a[4], size: a[5]) { wait(events, n, $0) }
        }
        if r <= 0 { return r }
        var out = [UInt8](repeating: 0, count: r * 16)
        for i in 0..<r {
            out.replaceSubrange(i * 16..<i * 16 + 4, with: host[i * 12..<i * 12 + 4])
            out.replaceSubrange(i * 16 + 8..<i * 16 + 16, with: host[i * 12 + 4..<i * 12 + 12])
        }
        return mem.write(a[1], out) ? r : -Errno.EFAULT
    }

    // MARK: timers, select

    func sysTimerfdSettime(_ a: SysArgs) -> Int {
        guard let new = inBuf(a[2], 32), let old = optOut(a[3], 32) else { return -Errno.EFAULT }
        return HostSyscall.call(HostNetNR.timerfd_settime, a.i32(0), a.i32(1), Int(bitPattern: new), old)
    }

    func sysTimerfdGettime(_ a: SysArgs) -> Int {
        guard let cur = outBuf(a[1], 32) else { return -Errno.EFAULT }
        return HostSyscall.call(HostNetNR.timerfd_gettime, a.i32(0), Int(bitPattern: cur))
    }

    /// fd_set and timespec are the same; the signal mask is applied as in ppoll.
    func sysPselect6(_ a: SysArgs) -> Int {
        let n = a.i32(0)
        guard n >= 0 && n <= 65536 else { return -Errno.EINVAL }
        let setBytes = (n + 63) / 64 * 8
        guard let r = optOut(a[1], setBytes), let w = optOut(a[2], setBytes), let e = optOut(a[3], setBytes),
              let ts = optOut(a[4], 16) else { return -Errno.EFAULT }
        // The sixth argument points at {const sigset_t *ss; size_t ss_len}.
        var maskAddr: UInt64 = 0, maskSize: UInt64 = 8
        if a[5] != 0 {
            guard let ss = mem.readU64(a[5]), let len = mem.readU64(a[5] + 8) else { return -Errno.EFAULT }
            maskAddr = ss
            maskSize = len
        }
        return withWaitMask(maskAddr, size: maskSize) { hostMask in
            var arg: (Int, Int) = (hostMask, 8)
            return withUnsafePointer(to: &arg) { HostSyscall.call(HostNR.pselect6, n, r, w, e, ts, Int(bitPattern: $0)) }
        }
    }

    func sysSetitimer(_ a: SysArgs) -> Int {
        guard let new = inBuf(a[1], 32), let old = optOut(a[2], 32) else { return -Errno.EFAULT }
        return HostSyscall.call(HostNetNR.setitimer, a.i32(0), Int(bitPattern: new), old)
    }

    func sysGetitimer(_ a: SysArgs) -> Int {
        guard let cur = outBuf(a[1], 32) else { return -Errno.EFAULT }
        return HostSyscall.call(HostNetNR.getitimer, a.i32(0), Int(bitPattern: cur))
    }

    func sysPreadv(_ a: SysArgs, write: Bool) -> Int {
        let n = a.i32(2)
        return withHostIovecs(a[1], n, write: write) {
            HostSyscall.call(write ? HostNetNR.pwritev : HostNetNR.preadv, a.i32(0), Int(bitPattern: $0), n, a.int(3), 0)
        }
    }
}

import Glibc
import GuestMemory
import Synchronization

// MARK: - Linux native AIO (io_setup, io_submit, io_getevents, ...)
//
// struct iocb (64 bytes), struct io_event (32) and struct __aio_sigset are
// the same on arm64 and x86_64 (linux/aio_abi.h). The host kernel runs the
// requests: each guest iocb is copied to host memory with its buffer
// address (or, for IOCB_CMD_PREADV/PWRITEV, its iovec array and every
// buffer in it) translated after the range is checked. A bad buffer is
// replaced by an address the host never maps, so the request fails with
// EFAULT in its completion event as it does on Linux, where only the
// iovec array itself is read at submission. The copy stays alive until its
// event is reaped: the host reports the copy's address as the event's obj,
// which is turned back into the guest iocb address; aio_data comes back
// unchanged.
//
// The context id a guest sees is the address of a read-only guest page
// named like Linux's ring mapping. Linux's id is the address of the ring,
// which libaio reads when its magic matches; this page holds zeros, so
// libaio always makes the system call.

enum HostAioNR {
    static let io_setup = 206, io_destroy = 207, io_getevents = 208, io_submit = 209, io_cancel = 210
    static let io_pgetevents = 333
}

/// One guest AIO context: the host's, and the submitted requests not yet
/// reaped, by the address of their host copy.
private final class AioContext {
    let host: UInt64
    var inFlight: [Int: (guestIocb: UInt64, copy: UnsafeMutableRawPointer)] = [:]
    init(host: UInt64) { self.host = host }
}

/// The contexts of this process (shared by its threads), by guest id.
private let aioContexts = Mutex<[UInt64: AioContext]>([:])

let aioSyscallRows: [SyscallRow] = [
    SyscallRow(0, "io_setup", nil, note: "a host context; the id is a read-only guest page (\"/[aio] (deleted)\" in the maps) standing for Linux's ring, whose zero magic sends libaio to the system call") { $0.sysIoSetup($1) },
    SyscallRow(1, "io_destroy", nil, note: "the host context is destroyed (waiting for its requests, as Linux) and the page unmapped") { $0.sysIoDestroy($1) },
    SyscallRow(2, "io_submit", nil, note: "each iocb copied with its buffers (PREAD, PWRITE, PREADV, PWRITEV) translated after checking; submitted one by one, so the count of those accepted comes back as on Linux") { $0.sysIoSubmit($1) },
    SyscallRow(3, "io_cancel", nil, note: "the guest iocb is found among the requests in flight") { $0.sysIoCancel($1) },
    SyscallRow(4, "io_getevents", nil, note: "each event's obj is the guest iocb again") { $0.sysIoGetevents($1, sigset: false) },
    SyscallRow(292, "io_pgetevents", nil, note: "as io_getevents, with the signal mask of struct __aio_sigset installed for the wait as ppoll does") { $0.sysIoGetevents($1, sigset: true) },
]

private let aioPage = AddressSpace.pageSize

extension LinuxProcess {
    private func aioContext(_ id: UInt64) -> AioContext? {
        aioContexts.withLock { $0[id] }
    }

    func sysIoSetup(_ a: SysArgs) -> Int {
        let nr = a.i32(0)
        guard let cur = mem.readU64(a[1]), mem.check(a[1], 8, PagePerm.write) else { return -Errno.EFAULT }
        guard cur == 0, nr > 0 else { return -Errno.EINVAL }
        var hctx: UInt64 = 0
        let r = withUnsafeMutablePointer(to: &hctx) { HostSyscall.call(HostAioNR.io_setup, nr, Int(bitPattern: $0)) }
        if r < 0 { return r }
        let id: UInt64? = shared.locked {
            guard let addr = mem.findFree(aioPage) else { return nil }
            mem.noteStore(addr, aioPage)
            mem.mapFixed(addr, aioPage, prot: PROT_READ, name: "/[aio] (deleted)")
            return addr
        }
        guard let id = id else {
            _ = HostSyscall.call(HostAioNR.io_destroy, Int(bitPattern: UInt(hctx)))
            return -Errno.EAGAIN
        }
        aioContexts.withLock { $0[id] = AioContext(host: hctx) }
        if !mem.writeU64(a[1], id) {
            _ = sysIoDestroy(SysArgs([id]))
            return -Errno.EFAULT
        }
        return 0
    }

    func sysIoDestroy(_ a: SysArgs) -> Int {
        guard let ctx = aioContexts.withLock({ $0.removeValue(forKey: a[0]) }) else { return -Errno.EINVAL }
        let r = HostSyscall.call(HostAioNR.io_destroy, Int(bitPattern: UInt(ctx.host)))
        // The host waited for the requests in flight; their events are gone.
        let copies = aioContexts.withLock { _ in ctx.inFlight.values.map { $0.copy } }
        copies.forEach { $0.deallocate() }
        shared.locked { mem.unmap(a[0], aioPage) }
        return r
    }

    /// The host copy of the guest iocb at `addr`, or the errno Linux gives
    /// at submission.
    private func hostIocb(_ addr: UInt64) -> Result<UnsafeMutableRawPointer, SysError> {
        guard let raw = mem.read(addr, count: 64) else { return .failure(SysError(code: Errno.EFAULT)) }
        func u64(_ o: Int) -> UInt64 { raw.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt64.self) } }
        let opcode = raw.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 16, as: UInt16.self) }
        let buf = u64(24), nbytes = u64(32)
        var tail: [iovec] = []
        var hostBuf = 0
        switch opcode {
        case 0, 1: // IOCB_CMD_PREAD, IOCB_CMD_PWRITE: the guest buffer is written, read
            hostBuf = nbytes > UInt64(Int.max) ? hostFaultAddress : hostPtrOrFault(buf, Int(nbytes), out: opcode == 0)
        case 7, 8: // IOCB_CMD_PREADV, IOCB_CMD_PWRITEV: aio_buf is an iovec array of aio_nbytes entries
            guard nbytes <= 1024 else { return .failure(SysError(code: Errno.EINVAL)) }
            guard let iov = mem.read(buf, count: Int(nbytes) * 16) else { return .failure(SysError(code: Errno.EFAULT)) }
            for i in 0..<Int(nbytes) {
                let b = iov.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self) }
                let l = iov.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt64.self) }
                guard l <= UInt64(Int.max) else { return .failure(SysError(code: Errno.EINVAL)) }
                let p = hostPtrOrFault(b, Int(l), out: opcode == 7)
                tail.append(iovec(iov_base: UnsafeMutableRawPointer(bitPattern: p), iov_len: Int(l)))
            }
        case 5: // IOCB_CMD_POLL: aio_buf holds the event mask
            hostBuf = Int(truncatingIfNeeded: buf)
        default: // FSYNC, FDSYNC, NOOP and unknown opcodes carry no buffer
            hostBuf = 0
        }
        let copy = UnsafeMutableRawPointer.allocate(byteCount: 64 + tail.count * 16, alignment: 16)
        raw.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: 64) }
        if !tail.isEmpty {
            tail.withUnsafeBytes { (copy + 64).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            hostBuf = Int(bitPattern: copy + 64)
        }
        copy.storeBytes(of: UInt64(UInt(bitPattern: hostBuf)), toByteOffset: 24, as: UInt64.self)
        return .success(copy)
    }

    func sysIoSubmit(_ a: SysArgs) -> Int {
        let nr = a.int(1)
        guard nr >= 0 else { return -Errno.EINVAL }
        guard let ctx = aioContext(a[0]) else { return -Errno.EINVAL }
        var done = 0
        var err = 0
        while done < nr {
            guard let guestIocb = mem.readU64(a[2] &+ UInt64(done) &* 8) else { err = -Errno.EFAULT; break }
            let res = hostIocb(guestIocb)
            guard case .success(let copy) = res else {
                if case .failure(let e) = res { err = -e.code }
                break
            }
            // Registered first: the completion can be reaped by another
            // thread as soon as the host has it.
            aioContexts.withLock { _ in ctx.inFlight[Int(bitPattern: copy)] = (guestIocb, copy) }
            var ptr = Int(bitPattern: copy)
            let r = withUnsafeMutablePointer(to: &ptr) {
                HostSyscall.call(HostAioNR.io_submit, Int(bitPattern: UInt(ctx.host)), 1, Int(bitPattern: $0))
            }
            if r != 1 {
                aioContexts.withLock { _ in ctx.inFlight[Int(bitPattern: copy)] = nil }
                copy.deallocate()
                err = r < 0 ? r : -Errno.EAGAIN
                break
            }
            done += 1
        }
        return done > 0 ? done : err
    }

    func sysIoCancel(_ a: SysArgs) -> Int {
        guard let ctx = aioContext(a[0]) else { return -Errno.EINVAL }
        guard let key = mem.readU32(a[1] &+ 8) else { return -Errno.EFAULT }
        guard key == 0 else { return -Errno.EINVAL }
        let copy = aioContexts.withLock { _ in ctx.inFlight.values.first { $0.guestIocb == a[1] }?.copy }
        guard let copy = copy else { return -Errno.EINVAL }
        var ev = [UInt8](repeating: 0, count: 32)
        let r = ev.withUnsafeMutableBytes {
            HostSyscall.call(HostAioNR.io_cancel, Int(bitPattern: UInt(ctx.host)), Int(bitPattern: copy), Int(bitPattern: $0.baseAddress))
        }
        // Linux since 4.19 reports the cancelled request through the ring
        // (-EINPROGRESS); an older host fills in the result.
        if r == 0 {
            aioContexts.withLock { _ in ctx.inFlight[Int(bitPattern: copy)] = nil }
            copy.deallocate()
            ev.withUnsafeMutableBytes { $0.storeBytes(of: a[1], toByteOffset: 8, as: UInt64.self) }
            return mem.write(a[2], ev) ? 0 : -Errno.EFAULT
        }
        return r
    }

    func sysIoGetevents(_ a: SysArgs, sigset: Bool) -> Int {
        guard let ctx = aioContext(a[0]) else { return -Errno.EINVAL }
        let minNr = a.int(1), nr = a.int(2)
        guard minNr >= 0, nr >= 0, minNr <= nr else { return -Errno.EINVAL }
        // No more events than the host allows in all contexts together.
        let n = min(nr, 1 << 16)
        guard let ts = optIn(a[4], 16) else { return -Errno.EFAULT }
        var events = [UInt8](repeating: 0, count: max(n, 1) * 32)
        let hctx = Int(bitPattern: UInt(ctx.host))
        var r: Int
        if sigset {
            var maskAddr: UInt64 = 0, maskSize: UInt64 = 8
            if a[5] != 0 {
                guard let m = mem.readU64(a[5]), let s = mem.readU64(a[5] &+ 8) else { return -Errno.EFAULT }
                (maskAddr, maskSize) = (m, s)
            }
            r = events.withUnsafeMutableBytes { ev in
                withWaitMask(maskAddr, size: maskSize) { hostMask in
                    var set: (Int, Int) = (hostMask, 8)
                    return withUnsafePointer(to: &set) {
                        HostSyscall.call(HostAioNR.io_pgetevents, hctx, minNr, n, Int(bitPattern: ev.baseAddress), ts, Int(bitPattern: $0))
                    }
                }
            }
        } else {
            r = events.withUnsafeMutableBytes {
                HostSyscall.call(HostAioNR.io_getevents, hctx, minNr, n, Int(bitPattern: $0.baseAddress), ts)
            }
        }
        if r <= 0 { return r }
        var copies: [UnsafeMutableRawPointer] = []
        aioContexts.withLock { _ in
            for i in 0..<r {
                let obj = events.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 32 + 8, as: UInt64.self) }
                guard let entry = ctx.inFlight.removeValue(forKey: Int(bitPattern: UInt(obj))) else { continue }
                events.withUnsafeMutableBytes { $0.storeBytes(of: entry.guestIocb, toByteOffset: i * 32 + 8, as: UInt64.self) }
                copies.append(entry.copy)
            }
        }
        copies.forEach { $0.deallocate() }
        return mem.write(a[3], Array(events[0..<r * 32])) ? r : -Errno.EFAULT
    }
}

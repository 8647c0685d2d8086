import Glibc
import GuestMemory

// MARK: - Time (struct timespec and timeval are two longs on both; clock ids match)

extension LinuxProcess {
    func sysClockGettime(_ a: SysArgs) -> Int {
        var ts = timespec()
        let r = withUnsafeMutablePointer(to: &ts) { HostSyscall.call(HostNR.clock_gettime, a.i32(0), Int(bitPattern: $0)) }
        if r < 0 { return r }
        return put(a[1], (Int64(ts.tv_sec), Int64(ts.tv_nsec))) ? 0 : -Errno.EFAULT
    }

    func sysClockGetres(_ a: SysArgs) -> Int {
        var ts = timespec()
        let r = withUnsafeMutablePointer(to: &ts) { HostSyscall.call(HostNR.clock_getres, a.i32(0), Int(bitPattern: $0)) }
        if r < 0 || a[1] == 0 { return r }
        return put(a[1], (Int64(ts.tv_sec), Int64(ts.tv_nsec))) ? 0 : -Errno.EFAULT
    }

    func sysGettimeofday(_ a: SysArgs) -> Int {
        var tv = timeval()
        gettimeofday(&tv, nil)
        if a[0] != 0 && !put(a[0], (Int64(tv.tv_sec), Int64(tv.tv_usec))) { return -Errno.EFAULT }
        if a[1] != 0 && !put(a[1], (Int32(0), Int32(0))) { return -Errno.EFAULT }
        return 0
    }

    func sysNanosleep(_ a: SysArgs) -> Int {
        guard let req = inBuf(a[0], 16) else { return -Errno.EFAULT }
        var rem = 0
        if a[1] != 0 { guard let p = outBuf(a[1], 16) else { return -Errno.EFAULT }; rem = Int(bitPattern: p) }
        return HostSyscall.call(HostNR.nanosleep, Int(bitPattern: req), rem)
    }

    func sysClockNanosleep(_ a: SysArgs) -> Int {
        guard let req = inBuf(a[2], 16) else { return -Errno.EFAULT }
        var rem = 0
        if a[3] != 0 { guard let p = outBuf(a[3], 16) else { return -Errno.EFAULT }; rem = Int(bitPattern: p) }
        return HostSyscall.call(HostNR.clock_nanosleep, a.i32(0), a.i32(1), Int(bitPattern: req), rem)
    }
}

// MARK: - POSIX timers

/// x86_64 numbers of the host's POSIX timer calls.
enum HostTimerNR {
    static let timer_create = 222, timer_settime = 223, timer_gettime = 224
    static let timer_getoverrun = 225, timer_delete = 226
}

extension LinuxProcess {
    /// struct sigevent (value @0, signo @8, notify @12, thread id @16; 64
    /// bytes) and the signal numbers are the same on arm64 and x86_64, so
    /// the host kernel runs the timer: its signal reaches the guest like any
    /// host signal, with si_timerid, si_overrun and si_value. SIGEV_THREAD_ID
    /// names a guest thread, which is the host thread of the same id.
    func sysTimerCreate(_ a: SysArgs) -> Int {
        guard let sev = optIn(a[1], 64), let id = outBuf(a[2], 4) else { return -Errno.EFAULT }
        if sev != 0 {
            let signo = UnsafeRawPointer(bitPattern: sev)!.load(fromByteOffset: 8, as: Int32.self)
            let notify = UnsafeRawPointer(bitPattern: sev)!.load(fromByteOffset: 12, as: Int32.self)
            // The host only tells the emulator about signals 1...31.
            if notify != 1 /* SIGEV_NONE */ && (signo < 1 || signo > 31) { return -Errno.EINVAL }
        } else {
            // NULL means SIGEV_SIGNAL with SIGALRM and the timer id as value,
            // which the host does the same way.
        }
        return HostSyscall.call(HostTimerNR.timer_create, a.i32(0), sev, Int(bitPattern: id))
    }

    /// struct itimerspec is four longs on both.
    func sysTimerSettime(_ a: SysArgs) -> Int {
        guard let new = inBuf(a[2], 32), let old = optOut(a[3], 32) else { return -Errno.EFAULT }
        return HostSyscall.call(HostTimerNR.timer_settime, a.i32(0), a.i32(1), Int(bitPattern: new), old)
    }

    func sysTimerGettime(_ a: SysArgs) -> Int {
        guard let cur = outBuf(a[1], 32) else { return -Errno.EFAULT }
        return HostSyscall.call(HostTimerNR.timer_gettime, a.i32(0), Int(bitPattern: cur))
    }
}

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

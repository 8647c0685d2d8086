import Glibc

// MARK: - prctl
//
// Options about the process's or thread's kernel state (dumpable, parent
// death signal, capabilities, securebits, no_new_privs, subreaper, timer
// slack, I/O flusher, THP, speculation) are the host's: the emulator is
// that process, and the option numbers and values (include/uapi/linux/
// prctl.h) are generic. Options about the CPU or the address space are
// answered for the emulated arm64 CPU, which has neither SVE, SME, pointer
// authentication nor MTE, and does not ignore the top byte of addresses
// in loads and stores. Options that would reach into the emulator's own
// workings (seccomp filters on its host syscalls, syscall user dispatch,
// memory-deny-write-execute, the mm's fields) are refused with the errno
// of a kernel that lacks them. Every other option (the x86-only ones
// among them) is EINVAL, as the arm64 kernel answers an unknown option.

/// x86_64 prctl (asm/unistd_64.h).
let hostPrctlNR = 157

let prctlSyscallRows: [SyscallRow] = [
    SyscallRow(167, "prctl", [.int, .long, .long, .long, .long], note: "process state passed to the host (PDEATHSIG, DUMPABLE, KEEPCAPS, NO_NEW_PRIVS, CHILD_SUBREAPER, TIMERSLACK, CAPBSET_*, CAP_AMBIENT, SECUREBITS, THP_DISABLE, IO_FLUSHER, MCE_KILL, SPECULATION_CTRL); NAME also names the host thread; GET_TID_ADDRESS the guest's; SECCOMP, SET_MM, SYSCALL_USER_DISPATCH, MDWE refused (EINVAL; SET_MM EPERM without CAP_SYS_RESOURCE); SVE, SME, PAC -EINVAL (no such CPU features); TAGGED_ADDR_CTRL as with abi.tagged_addr_disabled (GET 0, SET of the enable bit EINVAL)") { $0.sysPrctl($1) },
]

/// PR_* values used below (include/uapi/linux/prctl.h).
private enum PR {
    static let setPdeathsig = 1, getPdeathsig = 2, getDumpable = 3, setDumpable = 4
    static let getKeepcaps = 7, setKeepcaps = 8, getTiming = 13, setTiming = 14
    static let setName = 15, getName = 16, getSeccomp = 21, setSeccomp = 22
    static let capbsetRead = 23, capbsetDrop = 24, getSecurebits = 27, setSecurebits = 28
    static let setTimerslack = 29, getTimerslack = 30, perfDisable = 31, perfEnable = 32
    static let mceKill = 33, mceKillGet = 34, setMM = 35, setChildSubreaper = 36, getChildSubreaper = 37
    static let setNoNewPrivs = 38, getNoNewPrivs = 39, getTidAddress = 40
    static let setTHPDisable = 41, getTHPDisable = 42, capAmbient = 47
    static let getSpeculationCtrl = 52, setSpeculationCtrl = 53
    static let setTaggedAddrCtrl = 55, getTaggedAddrCtrl = 56, setIOFlusher = 57, getIOFlusher = 58
    static let setPtracer = 0x5961_6d61
}

extension LinuxProcess {
    func sysPrctl(_ a: SysArgs) -> Int {
        let option = a.i32(0)
        func host(_ args: Int...) -> Int {
            let v = args + [0, 0, 0, 0]
            return HostSyscall.call(hostPrctlNR, option, v[0], v[1], v[2], v[3])
        }
        let a2 = Int(truncatingIfNeeded: a[1]), a3 = Int(truncatingIfNeeded: a[2])
        let a4 = Int(truncatingIfNeeded: a[3]), a5 = Int(truncatingIfNeeded: a[4])
        switch option {
        case PR.setName:
            guard let bytes = mem.read(a[1], count: 1) else { return -Errno.EFAULT }
            var name: [UInt8] = []
            var at = a[1]
            var b = bytes[0]
            while b != 0 && name.count < 15 {
                name.append(b)
                at &+= 1
                guard let next = mem.read(at, count: 1) else { break }
                b = next[0]
            }
            threadName = name
            // The host thread's comm too, so ps and top show the guest's name.
            let c = name + [0]
            _ = c.withUnsafeBufferPointer { HostSyscall.call(hostPrctlNR, PR.setName, Int(bitPattern: $0.baseAddress)) }
            return 0
        case PR.getName:
            var out = threadName
            out += [UInt8](repeating: 0, count: 16 - out.count)
            return mem.write(a[1], out) ? 0 : -Errno.EFAULT
        case PR.setPdeathsig:
            guard a2 >= 0 && a2 <= Int(Sig.count) else { return -Errno.EINVAL }
            return host(a2)
        case PR.getPdeathsig, PR.getChildSubreaper:
            // An int stored at arg2.
            guard let p = outBuf(a[1], 4) else { return -Errno.EFAULT }
            return host(Int(bitPattern: p))
        case PR.getDumpable, PR.setDumpable, PR.getKeepcaps, PR.setKeepcaps, PR.getTiming, PR.setTiming,
             PR.capbsetRead, PR.capbsetDrop, PR.getSecurebits, PR.setSecurebits, PR.setTimerslack,
             PR.getTimerslack, PR.perfDisable, PR.perfEnable, PR.mceKill, PR.mceKillGet,
             PR.setChildSubreaper, PR.setNoNewPrivs, PR.getNoNewPrivs, PR.setTHPDisable, PR.getTHPDisable,
             PR.capAmbient, PR.getSpeculationCtrl, PR.setSpeculationCtrl, PR.setIOFlusher, PR.getIOFlusher,
             PR.setPtracer:
            // Numbers only, no pointers.
            return host(a2, a3, a4, a5)
        case PR.getTidAddress:
            // The guest's clear_child_tid, stored as a u64 at arg2.
            return mem.writeU64(a[1], clearChildTid) ? 0 : -Errno.EFAULT
        case PR.getSeccomp, PR.setSeccomp:
            // As a kernel without CONFIG_SECCOMP: a filter would apply to
            // the emulator's x86_64 syscalls, not the guest's.
            return -Errno.EINVAL
        case PR.setMM:
            // kernel/sys.c prctl_set_mm: argument checks, then
            // CAP_SYS_RESOURCE; the guest's mm fields are not the host
            // process's, so a capable caller gets EINVAL, as for a value
            // outside the mm.
            if a5 != 0 || (a4 != 0 && a2 != 12 && a2 != 14 && a2 != 15) { return -Errno.EINVAL }
            return hasCapability(24 /* CAP_SYS_RESOURCE */) ? -Errno.EINVAL : -Errno.EPERM
        case PR.setTaggedAddrCtrl:
            // As with abi.tagged_addr_disabled: the emulated loads and
            // stores do not ignore the top byte, so the tagged address ABI
            // cannot be enabled; MTE bits are invalid without MTE.
            if a3 != 0 || a4 != 0 || a5 != 0 { return -Errno.EINVAL }
            return a2 == 0 ? 0 : -Errno.EINVAL
        case PR.getTaggedAddrCtrl:
            if a2 != 0 || a3 != 0 || a4 != 0 || a5 != 0 { return -Errno.EINVAL }
            return 0
        default:
            // SVE (50, 51), PAC (54, 60, 61), SME (63, 64), syscall user
            // dispatch (59), MDWE (65, 66) and every option arm64 Linux does
            // not know.
            return -Errno.EINVAL
        }
    }

    /// Whether the calling host thread has capability `cap` in its
    /// effective set (capget, version 3).
    func hasCapability(_ cap: Int) -> Bool {
        var header: (UInt32, Int32) = (0x2008_0522, 0)
        var data = [UInt32](repeating: 0, count: 6)
        let r = withUnsafeMutablePointer(to: &header) { h in
            data.withUnsafeMutableBufferPointer { HostSyscall.call(HostCredNR.capget, Int(bitPattern: h), Int(bitPattern: $0.baseAddress)) }
        }
        guard r == 0, cap >= 0, cap < 64 else { return false }
        return data[(cap / 32) * 3] & (1 << UInt32(cap % 32)) != 0
    }
}

// MARK: - Syscalls left out on purpose
//
// Every arm64 syscall number of asm-generic/unistd.h is either a row of
// `syscallTable` or an entry here, with the errno a real kernel gives a
// caller who may not use it or whose kernel lacks it (ENOSYS where the
// kernel can be configured without it, EPERM where it is privileged), and
// the reason. Dispatch answers these numbers with that errno, and -strace
// shows them by name. A test checks the header against both tables.

/// errno values not in `Errno` (asm-generic/errno-base.h, errno.h).
enum LinuxErrno {
    static let E2BIG = 7, ENOSPC = 28, ENODATA = 61, EOPNOTSUPP = 95
}

public struct LeftOutSyscall: Sendable {
    public let nr: Int
    public let name: String
    /// The positive errno the call returns.
    public let errno: Int
    public let reason: String
}

public let leftOutSyscalls: [LeftOutSyscall] = [
    LeftOutSyscall(nr: 18, name: "lookup_dcookie", errno: Errno.ENOSYS, reason: "removed from Linux 6.8; only oprofile used it"),
    LeftOutSyscall(nr: 42, name: "nfsservctl", errno: Errno.ENOSYS, reason: "removed from Linux 3.1; the kernel answers ENOSYS"),
    LeftOutSyscall(nr: 104, name: "kexec_load", errno: Errno.EPERM, reason: "loading a kernel to boot needs CAP_SYS_BOOT over the host, which a guest is not given"),
    LeftOutSyscall(nr: 105, name: "init_module", errno: Errno.EPERM, reason: "an arm64 module cannot load into the host kernel; needs CAP_SYS_MODULE"),
    LeftOutSyscall(nr: 106, name: "delete_module", errno: Errno.EPERM, reason: "the host's modules are not the guest's to remove; needs CAP_SYS_MODULE"),
    LeftOutSyscall(nr: 117, name: "ptrace", errno: Errno.EPERM, reason: "tracing would need the emulated registers and memory through the host's ptrace; refused as under Yama's ptrace_scope 3"),
    LeftOutSyscall(nr: 128, name: "restart_syscall", errno: Errno.EINTR, reason: "interrupted calls are restarted by running their SVC again; called directly, the kernel's default restart block answers EINTR"),
    LeftOutSyscall(nr: 142, name: "reboot", errno: Errno.EPERM, reason: "rebooting the host needs CAP_SYS_BOOT, which a guest is not given"),
    LeftOutSyscall(nr: 217, name: "add_key", errno: Errno.ENOSYS, reason: "the key retention service is optional (CONFIG_KEYS); absent"),
    LeftOutSyscall(nr: 218, name: "request_key", errno: Errno.ENOSYS, reason: "as add_key (CONFIG_KEYS)"),
    LeftOutSyscall(nr: 219, name: "keyctl", errno: Errno.ENOSYS, reason: "as add_key (CONFIG_KEYS)"),
    LeftOutSyscall(nr: 224, name: "swapon", errno: Errno.EPERM, reason: "host swap needs CAP_SYS_ADMIN over the host, which a guest is not given"),
    LeftOutSyscall(nr: 225, name: "swapoff", errno: Errno.EPERM, reason: "as swapon"),
    LeftOutSyscall(nr: 234, name: "remap_file_pages", errno: Errno.ENOSYS, reason: "deprecated since Linux 3.16; the region map knows only mmap's linear file mappings"),
    LeftOutSyscall(nr: 235, name: "mbind", errno: Errno.ENOSYS, reason: "NUMA policy (CONFIG_NUMA) is optional; guest memory is one host mapping; libnuma treats ENOSYS as no NUMA"),
    LeftOutSyscall(nr: 236, name: "get_mempolicy", errno: Errno.ENOSYS, reason: "as mbind (CONFIG_NUMA)"),
    LeftOutSyscall(nr: 237, name: "set_mempolicy", errno: Errno.ENOSYS, reason: "as mbind (CONFIG_NUMA)"),
    LeftOutSyscall(nr: 238, name: "migrate_pages", errno: Errno.ENOSYS, reason: "as mbind (CONFIG_NUMA)"),
    LeftOutSyscall(nr: 239, name: "move_pages", errno: Errno.ENOSYS, reason: "as mbind (CONFIG_NUMA)"),
    LeftOutSyscall(nr: 241, name: "perf_event_open", errno: Errno.ENOSYS, reason: "host counters would count the emulator, not the guest's instructions (CONFIG_PERF_EVENTS is optional)"),
    LeftOutSyscall(nr: 264, name: "name_to_handle_at", errno: LinuxErrno.EOPNOTSUPP, reason: "file handles (CONFIG_FHANDLE) are left out; EOPNOTSUPP is the kernel's answer for a file system without them, which callers handle"),
    LeftOutSyscall(nr: 265, name: "open_by_handle_at", errno: Errno.EPERM, reason: "as name_to_handle_at; needs CAP_DAC_READ_SEARCH"),
    LeftOutSyscall(nr: 273, name: "finit_module", errno: Errno.EPERM, reason: "as init_module"),
    LeftOutSyscall(nr: 277, name: "seccomp", errno: Errno.ENOSYS, reason: "a filter would judge the emulator's x86_64 syscalls, not the guest's; as a kernel without CONFIG_SECCOMP (prctl PR_GET/SET_SECCOMP say EINVAL likewise)"),
    LeftOutSyscall(nr: 280, name: "bpf", errno: Errno.ENOSYS, reason: "BPF programs and maps are host kernel objects (CONFIG_BPF_SYSCALL is optional)"),
    LeftOutSyscall(nr: 282, name: "userfaultfd", errno: Errno.ENOSYS, reason: "guest page faults are the emulator's, not the host's (CONFIG_USERFAULTFD is optional)"),
    LeftOutSyscall(nr: 288, name: "pkey_mprotect", errno: Errno.ENOSYS, reason: "the emulated CPU has no memory protection keys (arm64 without POE: CONFIG_ARCH_HAS_PKEYS off)"),
    LeftOutSyscall(nr: 289, name: "pkey_alloc", errno: Errno.ENOSYS, reason: "as pkey_mprotect"),
    LeftOutSyscall(nr: 290, name: "pkey_free", errno: Errno.ENOSYS, reason: "as pkey_mprotect"),
    LeftOutSyscall(nr: 293, name: "rseq", errno: Errno.ENOSYS, reason: "restartable sequences need the kernel to rewrite the guest PC on preemption; glibc and tcmalloc work without (CONFIG_RSEQ is optional)"),
    LeftOutSyscall(nr: 294, name: "kexec_file_load", errno: Errno.EPERM, reason: "as kexec_load"),
    LeftOutSyscall(nr: 425, name: "io_uring_setup", errno: Errno.ENOSYS, reason: "the rings would hold arm64 structures the host kernel reads directly; liburing and its users fall back on ENOSYS (CONFIG_IO_URING is optional)"),
    LeftOutSyscall(nr: 426, name: "io_uring_enter", errno: Errno.ENOSYS, reason: "as io_uring_setup"),
    LeftOutSyscall(nr: 427, name: "io_uring_register", errno: Errno.ENOSYS, reason: "as io_uring_setup"),
    LeftOutSyscall(nr: 440, name: "process_madvise", errno: Errno.ENOSYS, reason: "another process's memory is its emulator's (CONFIG_ADVISE_SYSCALLS is optional)"),
    LeftOutSyscall(nr: 444, name: "landlock_create_ruleset", errno: Errno.ENOSYS, reason: "a ruleset would also confine the emulator's own file accesses (CONFIG_SECURITY_LANDLOCK is optional)"),
    LeftOutSyscall(nr: 445, name: "landlock_add_rule", errno: Errno.ENOSYS, reason: "as landlock_create_ruleset"),
    LeftOutSyscall(nr: 446, name: "landlock_restrict_self", errno: Errno.ENOSYS, reason: "as landlock_create_ruleset"),
    LeftOutSyscall(nr: 447, name: "memfd_secret", errno: Errno.ENOSYS, reason: "secret memory is off unless booted with secretmem.enable, which answers ENOSYS"),
    LeftOutSyscall(nr: 448, name: "process_mrelease", errno: Errno.ENOSYS, reason: "as process_madvise"),
    LeftOutSyscall(nr: 450, name: "set_mempolicy_home_node", errno: Errno.ENOSYS, reason: "as mbind (CONFIG_NUMA)"),
]

/// The rows dispatch uses for left-out numbers: the errno, and the name
/// for -strace.
let leftOutSyscallRows: [SyscallRow] = leftOutSyscalls.map { l in
    SyscallRow(l.nr, l.name, nil, note: l.reason) { _, _ in -l.errno }
}

/// Renders docs/syscalls.md from the syscall table, so the document and the
/// table cannot drift apart (a test compares them).
public func syscallsMarkdown() -> String {
    var s = """
    # Syscalls of the Linux layer

    <!-- Generated from Sources/LinuxUser/Syscalls.swift by syscallsMarkdown(); \
    regenerate with `UPDATE_SYSCALL_DOC=1 swift test --filter LinuxUserTests.DocTests`. -->

    Guest syscalls arrive as SVC #0 with the arm64 number in x8 and arguments in
    x0..x5; the result, or a negative errno, goes back in x0. Numbers come from
    asm-generic/unistd.h. Every call has one row in `syscallTable`: number, name,
    argument formats for `-strace` (in qemu-aarch64's style), and handler.

    Conventions:
    - Guest fds are host fds; buffers are checked page by page and then passed to
      the host in place. A pointer the guest may not access gives -EFAULT.
    - Structs with a different arm64 layout (struct stat, struct sigaction,
      the signal frame) are written field by field; those that are identical on
      arm64 and x86_64 (statx, statfs, termios, winsize, pollfd, iovec, rusage,
      sysinfo, tms, utsname, rlimit, flock, linux_dirent64, open_how,
      inotify_event, fanotify_event_metadata, the quota structs) are passed
      through; those holding guest pointers (msghdr, mmsghdr, iocb,
      futex_waitv, iovec arrays) are copied with the pointers translated.
    - Where the host kernel must order its own checks (quotactl, futex_waitv,
      AIO buffers), a bad guest pointer is passed on as an address in host
      page zero, which is never mapped, so the host reports EFAULT where
      Linux would.
    - open flags are translated through `openFlagTable` (O_DIRECTORY, O_NOFOLLOW,
      O_DIRECT and O_LARGEFILE differ); errno numbers are the same (asm-generic).
    - Every arm64 number of asm-generic/unistd.h is in the table below or in
      "Left out" (with the errno it returns and why); a test checks the
      header against both. A left-out number still shows by name in
      `-strace`. Any other number returns -ENOSYS (38) and `-strace` shows
      `Unknown syscall N`, as qemu does.
    - Credentials are per thread, as in the kernel: set*id, setgroups and
      capset are the raw host calls, which change the calling host thread
      only; the guest C library's own broadcast changes the others.


    | nr | name | notes |
    |---:|------|-------|

    """
    for row in syscallTable {
        s += "| \(row.nr) | \(row.name) | \(row.note) |\n"
    }
    s += """

    ## Left out

    These numbers are answered with the errno a kernel gives a caller who
    may not use the call, or whose kernel was built without it
    (`leftOutSyscalls` in Sources/LinuxUser/SysLeftOut.swift).

    | nr | name | errno | reason |
    |---:|------|-------|--------|

    """
    for l in leftOutSyscalls {
        s += "| \(l.nr) | \(l.name) | \(errnoSymbol(l.errno)) | \(l.reason) |\n"
    }
    s += """

    ## Partial

    - Threads: clone with CLONE_VM|CLONE_THREAD starts a host thread with its
      own CPU, executor and block cache; guest threads run in parallel, with
      exclusives and LSE atomics as host atomics (see architecture.md).
      futex is the host futex on the guest's words, so waits really block and
      wake across threads. CLONE_CHILD_CLEARTID is honoured at thread exit
      (pthread_join). Each host thread's signal mask mirrors its guest
      thread's, so the host routes process signals to a thread that takes
      them; tgkill to another thread goes through the host, and the thread it
      names takes it (as do timer signals), which Go's SIGURG preemption needs.
    - Processes: clone without CLONE_VM (fork) and with CLONE_VFORK (vfork,
      posix_spawn) is a host fork of the emulator; a vfork parent waits until
      the child execs or exits, but their memories are separate copies.
    - execve runs an arm64 ELF by starting the emulator again through
      /proc/self/exe with the same -strace and -L settings, and so does a `#!`
      script whose interpreter (looked up in the sysroot first) is an arm64
      ELF. Any other file is passed to the host's execve, as qemu-user does,
      so host programs such as /bin/sh run natively.
    - /proc views of the guest (for self, thread-self and the own pid):
      exe (readlink and open give the guest program), maps (from the region
      map), auxv (the initial auxv), cmdline and environ (read live from the
      guest's stack, as Linux does), stat (the host's line with the guest's
      comm and addresses), status (the host's with the guest's comm as Name),
      comm, and /proc/cpuinfo (arm64 format, Features from `Features`).
      Other /proc files, fd/ among them, are the host's.
    - Paths: every absolute guest path goes through `xlatPath`
      (PathXlat.swift): under the sysroot (-L, QEMU_LD_PREFIX, or the
      default /usr/aarch64-linux-gnu when it held the dynamic loader) when
      the file exists there, else the host's, as qemu's util/path.c does;
      symbolic links inside the sysroot are followed inside it. /proc, /dev
      and /sys are always the host's. See docs/dynamic.md.
    - Values that differ from qemu-aarch64 7.2 on purpose, following the
      arm64 kernel: F_GETFL reports O_LARGEFILE (qemu drops it);
      MAP_FIXED_NOREPLACE is honoured; execve of an arm64 program works without
      binfmt_misc; data aborts add an esr_context record to the signal frame;
      an undefined instruction is ILL_ILLOPC (qemu: ILL_ILLOPN).
    - mmap: private file mappings are copies of the file; MAP_SHARED ones
      (anonymous, or of a file open read-write, within the file's size) are
      host shared mappings placed over the guest pages, so forked children,
      other processes and the file see the writes (POSIX semaphores,
      multiprocessing, SQLite's WAL index). A file opened read-only is shared
      read-only on the host too, and PROT_WRITE on it (mmap or mprotect)
      gives EACCES, as in Linux. A shared mapping reaching past the end of
      its file is still a copy (no SIGBUS past EOF); mremap turns a moved
      shared mapping into a private copy. MADV_DONTNEED zeroes private
      anonymous pages and reads private file pages back from the file.
    - Signals: all 64, with dispositions, masks, sigaltstack and delivery
      to guest handlers with the kernel's rt_sigframe (siginfo, ucontext,
      FPSIMD record, and an esr_context record for data and instruction
      aborts and PC alignment faults). Signals within the process are
      queued by the emulator (per thread and per process, real-time ones
      with their siginfo, in the kernel's order); to other processes they
      are the host signal of the same number, guest 32-34 through the
      emulator's carrier on host 34 (docs/architecture.md, Signals). A host
      call a signal interrupts returns EINTR, or with SA_RESTART (for calls
      the kernel restarts) the SVC runs again after the handler; one
      interrupted for no guest signal is restarted. ppoll, pselect6 and
      epoll_pwait install their mask for the wait. Stop signals are treated
      as ignored. signalfd is the host's: the signals 1-31 and 35-64 of its
      masks stay blocked on the host while the guest blocks them, so they
      wait in the host kernel (guest 32-34 cannot be read from one). A default-fatal
      signal ends the run with `.signaled(sig)`; the caller then uses
      `dieBySignal`.
    - chroot and pivot_root: the host's calls on the guest's path. After
      them, guest absolute paths are already the new root's, so the sysroot
      lookup (-L) ends for the calling thread and for the programs it
      starts. Two things the emulator itself still needs from the file
      system after a chroot: execve of an arm64 program starts the emulator
      again through /proc/self/exe, which needs /proc mounted in the new
      root (as in a Debian chroot; without it execve fails with ENOENT),
      and the /proc views of the guest read the host's /proc files, also
      through that mount; and that new emulator must load inside the new
      root: a dynamically linked build needs its x86_64 loader, glibc and
      Swift runtime there, the static build (docs/binfmt.md) nothing, as
      with qemu-aarch64-static. Other threads of the guest keep their
      sysroot lookup (each thread holds its own options). Checked with a
      Debian 12 arm64 tree: busybox chroot into it, su to nobody, mount
      -t tmpfs, mount --bind, umount, hostname in a UTS namespace, a
      nested chroot, python3's shutil.copytree copying xattrs, and
      apt's sandbox sequence (setgroups, setresgid, setresuid) in a
      forked child.
    - mount and the new mount API: MS_*, MNT_*, MOUNT_ATTR_* and the other
      flags are the same on every architecture and pass unchanged; the
      data of mount is copied as a string of at most a page (the legacy
      binary data of NFS is not translated).
    - clone3 is mapped onto clone: struct clone_args gives the flags,
      stack + stack_size as the new stack, TLS and tid pointers;
      CLONE_PIDFD is a pidfd_open of the child; CLONE_NEWNS, NEWUTS,
      NEWIPC, NEWNET, NEWCGROUP and NEWUSER are made by unshare in the
      forked child. CLONE_NEWPID and CLONE_NEWTIME (which put the child
      itself in a new namespace), set_tid, CLONE_INTO_CGROUP and
      CLONE_CLEAR_SIGHAND give EINVAL.
    - prlimit64 reads limits from the host; new limits for RLIMIT_DATA,
      RLIMIT_STACK and RLIMIT_AS are accepted but not applied to the emulator.

    """
    return s
}

/// The symbolic name of an errno used in the left-out table.
public func errnoSymbol(_ e: Int) -> String {
    switch e {
    case Errno.EPERM: return "EPERM"
    case Errno.EINTR: return "EINTR"
    case Errno.EINVAL: return "EINVAL"
    case Errno.ENOSYS: return "ENOSYS"
    case LinuxErrno.EOPNOTSUPP: return "EOPNOTSUPP"
    default: return "errno \(e)"
    }
}

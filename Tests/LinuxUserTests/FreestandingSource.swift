/// C source of a program without libc (and without FP/SIMD registers) that
/// exercises the Linux layer; ProgramTests compiles it and compares its
/// output with qemu-aarch64's.
let freestandingSource = #"""
/* A program without libc (and without FP/SIMD registers) that exercises the
 * Linux layer; its output is compared with qemu-aarch64's. Build:
 * aarch64-linux-gnu-gcc -static -nostdlib -ffreestanding -fno-builtin
 *     -mgeneral-regs-only -O1 -o freestanding freestanding.c */
typedef unsigned long u64;
typedef long i64;

static i64 sc(i64 n, i64 a, i64 b, i64 c, i64 d, i64 e, i64 f) {
    register i64 x8 __asm__("x8") = n;
    register i64 x0 __asm__("x0") = a;
    register i64 x1 __asm__("x1") = b;
    register i64 x2 __asm__("x2") = c;
    register i64 x3 __asm__("x3") = d;
    register i64 x4 __asm__("x4") = e;
    register i64 x5 __asm__("x5") = f;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return x0;
}
#define S0(n) sc(n, 0, 0, 0, 0, 0, 0)
#define S1(n, a) sc(n, (i64)(a), 0, 0, 0, 0, 0)
#define S2(n, a, b) sc(n, (i64)(a), (i64)(b), 0, 0, 0, 0)
#define S3(n, a, b, c) sc(n, (i64)(a), (i64)(b), (i64)(c), 0, 0, 0)
#define S4(n, a, b, c, d) sc(n, (i64)(a), (i64)(b), (i64)(c), (i64)(d), 0, 0)
#define S6(n, a, b, c, d, e, f) sc(n, (i64)(a), (i64)(b), (i64)(c), (i64)(d), (i64)(e), (i64)(f))

void *memset(void *d, int c, u64 n) { char *p = d; while (n--) *p++ = (char)c; return d; }
void *memcpy(void *d, const void *s, u64 n) { char *p = d; const char *q = s; while (n--) *p++ = *q++; return d; }
static u64 slen(const char *s) { u64 n = 0; while (s[n]) n++; return n; }
static int seq(const char *a, const char *b) { while (*a && *a == *b) { a++; b++; } return *a == *b; }
static void out(const char *s) { S3(64, 1, s, slen(s)); }
static void num(i64 v) {
    char b[24]; int i = 23; int neg = v < 0; u64 u = neg ? -(u64)v : (u64)v;
    b[i] = 0;
    do { b[--i] = '0' + u % 10; u /= 10; } while (u);
    if (neg) b[--i] = '-';
    out(b + i);
}
static void kv(const char *k, i64 v) { out(k); out("="); num(v); out("\n"); }

struct ksigaction { u64 handler, flags, restorer, mask; };
static volatile i64 got_sig, got_code, got_pid, got_addr, got_fault;
/* Initialised data, so the RW segment has file contents. */
volatile i64 data_word = 42;

static void on_usr(int sig, u64 *info, unsigned char *uc) {
    got_sig = sig;
    got_code = (int)info[1];
    got_pid = *(int *)((char *)info + 16);
}

static void on_segv(int sig, u64 *info, unsigned char *uc) {
    got_sig = sig;
    got_addr = info[2];
    got_fault = *(u64 *)(uc + 176);
    *(u64 *)(uc + 176 + 264) += 4; /* skip the faulting load */
}

static void sigact(int sig, void *h, u64 flags) {
    struct ksigaction a = { (u64)h, flags, 0, 0 };
    kv("rt_sigaction", S4(134, sig, &a, 0, 8));
}

/* fork or vfork, exec ourselves with "child", wait: status 5 << 8. */
static int spawn(char **argv, char **envp, i64 flags) {
    char *args[] = { argv[0], "child", 0 };
    i64 pid = S6(220, flags, 0, 0, 0, 0, 0);
    if (pid == 0) { S3(221, argv[0], args, envp); S1(93, 99); }
    int status = 0;
    kv("waited", S4(260, pid, &status, 0, 0) == pid);
    kv("status", status);
    return 0;
}

static int run(int argc, char **argv) {
    char **envp = argv + argc + 1;
    if (argc > 1 && seq(argv[1], "child")) { out("child\n"); return 5; }
    if (argc > 1 && seq(argv[1], "fork")) return spawn(argv, envp, 17);
    if (argc > 1 && seq(argv[1], "vfork")) return spawn(argv, envp, 0x4000 | 0x100 | 17);
    out("hello\n");
    kv("unknown", S0(4000));
    kv("efault", S3(64, 1, 0x10, 5));

    char buf[256];
    int fd = S4(56, -100, "/etc/passwd", 0, 0);
    kv("open", fd >= 0);
    kv("read", S3(63, fd, buf, 5));
    S3(64, 1, buf, 5); out("\n");
    unsigned int st[32];
    kv("fstat", S2(80, fd, st));
    kv("isreg", (st[4] & 0170000) == 0100000);
    kv("lseek", S3(62, fd, 0, 2) == *(i64 *)&st[12]);
    kv("close", S1(57, fd));
    kv("enotdir", S4(56, -100, "/etc/passwd", 040000, 0));
    kv("enoent", S4(56, -100, "/nonexistent", 0, 0));
    kv("dirfd", S4(56, -100, "/etc", 040000, 0) >= 0);
    kv("stat_dir", S4(79, -100, "/etc", st, 0));
    kv("isdir", (st[4] & 0170000) == 0040000);

    u64 cur = S1(214, 0);
    kv("brk_grow", S1(214, cur + 8192) == cur + 8192);
    *(volatile char *)(cur + 8000) = 1;
    kv("brk_shrink", S1(214, cur + 100) == cur + 100);

    char *m = (char *)S6(222, 0, 3 * 4096, 3, 0x22, -1, 0);
    m[0] = 'a'; m[12287] = 'b';
    kv("munmap", S2(215, m + 4096, 4096));
    kv("mprotect", S3(226, m, 4096, 1));
    kv("mprotect_hole", S3(226, m + 4096, 4096, 3));
    char *r = (char *)S4(216, m + 8192, 4096, 3 * 4096, 1);
    kv("mremap", r[4095] == 'b');

    kv("chdir", S1(49, "/"));
    kv("getcwd", S2(17, buf, sizeof buf));
    out(buf); out("\n");
    char uts[390];
    kv("uname", S1(160, uts));
    out(uts + 4 * 65); out("\n");
    u64 t1[2], t2[2];
    S2(113, 1, t1); S2(113, 1, t2);
    kv("clock", t2[0] > t1[0] || (t2[0] == t1[0] && t2[1] >= t1[1]));
    kv("pid_is_tid", S0(172) == S0(178));

    sigact(10, on_usr, 4);
    kv("tgkill", S3(131, S0(172), S0(178), 10));
    kv("handled", got_sig); kv("code", got_code); kv("pid_ok", got_pid == S0(172));

    u64 set = 1ul << 11; /* SIGUSR2 */
    sigact(12, on_usr, 4);
    got_sig = 0;
    kv("block", S4(135, 0, &set, 0, 8));
    S2(129, S0(172), 12);
    kv("while_blocked", got_sig);
    u64 pend = 0;
    S2(136, &pend, 8);
    kv("pending", pend == set);
    kv("unblock", S4(135, 1, &set, 0, 8));
    kv("after_unblock", got_sig);
    kv("kill_code", got_code);

    int sv[2];
    kv("socketpair", S4(199, 1, 1, 0, sv));
    kv("send", S6(206, sv[0], "ping", 4, 0, 0, 0));
    int ep = S1(20, 0);
    u64 ev[2] = { 1 /* EPOLLIN */, 0x1122334455667788ul };
    kv("epoll_ctl", S4(21, ep, 1, sv[1], ev));
    u64 evs[4] = { 0, 0, 0, 0 };
    kv("epoll_pwait", S6(22, ep, evs, 2, -1, 0, 8));
    kv("ev_events", evs[0] & 0xffffffff);
    kv("ev_data_ok", evs[1] == 0x1122334455667788ul);
    char rb[8];
    u64 iov[2] = { (u64)rb, 8 };
    u64 msg[7] = { 0, 0, (u64)iov, 1, 0, 0, 0 };
    kv("recvmsg", S3(212, sv[1], msg, 0));
    S3(64, 1, rb, 4); out("\n");
    int efd = S2(19, 3, 0);
    u64 cnt = 0;
    kv("eventfd_read", S3(63, efd, &cnt, 8));
    kv("eventfd_count", cnt);
    u64 rset = 1ul << sv[1];
    u64 tmo[2] = { 0, 0 };
    kv("pselect_idle", S6(72, sv[1] + 1, &rset, 0, 0, tmo, 0));

    sigact(14, on_usr, 4 | 0x10000000);
    got_sig = 0;
    u64 itv[4] = { 0, 0, 0, 20000 };
    kv("setitimer", S3(103, 0, itv, 0));
    u64 none = 0;
    kv("sigsuspend", S2(133, &none, 8));
    kv("alarm_handled", got_sig);
    kv("alarm_code", got_code);

    sigact(11, on_segv, 4);
    got_sig = 0;
    i64 v = *(volatile i64 *)0x1238;
    kv("segv_handled", got_sig);
    kv("si_addr", got_addr);
    kv("fault_address", got_fault);

    if (argc > 1 && seq(argv[1], "segv")) {
        sigact(11, 0, 0);
        *(volatile i64 *)8 = 1;
    }
    if (argc > 1 && seq(argv[1], "abort")) {
        S2(129, S0(172), 6);
    }
    return data_word + (int)(v & 0);
}

void start_c(u64 *sp) {
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    S1(94, run(argc, argv));
}

__asm__(".global _start\n_start:\n mov x0, sp\n bl start_c\n");
"""#

/* Pseudo-terminals and the ioctl table: a pty pair opened by hand
 * (posix_openpt, grantpt, unlockpt, ptsname, TIOCGPTN, TIOCSPTLCK,
 * TIOCGPTPEER), data both ways, termios on the slave, a controlling
 * terminal in a new session, descriptor, file, loop device and network
 * interface ioctls, and the errors: EFAULT for a bad pointer, ENOTTY for an
 * unknown request. Results that depend on the host (file system support,
 * root, loop devices) are folded into one deterministic line each. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/fs.h>
#include <linux/fiemap.h>
#include <linux/loop.h>
#include <linux/random.h>
#include "rtcommon.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif

/* asm-generic struct termios2 and struct termio, which glibc does not
 * declare next to <termios.h>. */
struct ktermios2 { uint32_t c_iflag, c_oflag, c_cflag, c_lflag; uint8_t c_line, c_cc[19]; uint32_t c_ispeed, c_ospeed; };
struct ktermio { uint16_t c_iflag, c_oflag, c_cflag, c_lflag; uint8_t c_line, c_cc[8]; };
#define KTCGETS2 0x802c542a
#define KTCGETA 0x5405

static const char *en(int e)
{
    switch (e) {
    case 0: return "ok";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EIO: return "EIO";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EINVAL: return "EINVAL";
    case ENOTTY: return "ENOTTY";
    case ENOSYS: return "ENOSYS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: return "other";
    }
}

/* "ok" or the errno name of an ioctl that returns 0 on success. */
static const char *r(int ret) { return ret == 0 ? "ok" : ret < 0 ? en(errno) : "positive"; }

static void drain(int fd, char *buf, int want)
{
    int got = 0;
    while (got < want) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 5000) != 1) break;
        int n = read(fd, buf + got, want - got);
        if (n <= 0) break;
        got += n;
    }
    buf[got] = 0;
}

static const char *res;

static void pty_pair(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    SAY("grantpt %s", r(grantpt(m)));
    SAY(" unlockpt %s\n", r(unlockpt(m)));
    unsigned n = 12345;
    SAY("TIOCGPTN %s\n", r(ioctl(m, TIOCGPTN, &n)));
    char want[64];
    snprintf(want, sizeof want, "/dev/pts/%u", n);
    const char *name = ptsname(m);
    CHECK(name && strcmp(name, want) == 0);
    int lock = 7;
    res = r(ioctl(m, TIOCGPTLCK, &lock));
    SAY("TIOCGPTLCK %s lock %d\n", res, lock);
    lock = 1;
    SAY("TIOCSPTLCK 1 %s\n", r(ioctl(m, TIOCSPTLCK, &lock)));
    int s = open(want, O_RDWR | O_NOCTTY);
    SAY("open locked slave: %s\n", s < 0 ? en(errno) : "opened");
    if (s >= 0) close(s);
    lock = 0;
    SAY("TIOCSPTLCK 0 %s\n", r(ioctl(m, TIOCSPTLCK, &lock)));
    s = open(want, O_RDWR | O_NOCTTY);
    CHECK(s >= 0);
    int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    struct stat a, b;
    CHECK(peer >= 0 && fstat(peer, &a) == 0 && fstat(s, &b) == 0 && a.st_rdev == b.st_rdev);
    CHECK((fcntl(peer, F_GETFD) & FD_CLOEXEC) != 0);
    close(peer);
    SAY("isatty master %d slave %d\n", isatty(m), isatty(s));

    /* termios on the slave */
    struct termios t, t2;
    CHECK(tcgetattr(s, &t) == 0 && (t.c_lflag & ICANON) && (t.c_lflag & ECHO));
    struct ktermios2 k2;
    SAY("TCGETS2 %s\n", r(ioctl(s, KTCGETS2, &k2)));
    CHECK(k2.c_lflag == t.c_lflag && k2.c_iflag == t.c_iflag && k2.c_cc[VINTR] == t.c_cc[VINTR]);
    struct ktermio k1;
    SAY("TCGETA %s\n", r(ioctl(s, KTCGETA, &k1)));
    CHECK(k1.c_lflag == (t.c_lflag & 0xffff) && k1.c_cc[VINTR] == t.c_cc[VINTR]);
    cfmakeraw(&t);
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    CHECK(tcgetattr(s, &t2) == 0 && !(t2.c_lflag & ICANON) && !(t2.c_lflag & ECHO) && !(t2.c_oflag & OPOST));

    /* data both ways */
    char buf[64];
    CHECK(write(m, "hello", 5) == 5);
    drain(s, buf, 5);
    SAY("slave read \"%s\"\n", buf);
    CHECK(write(s, "world!", 6) == 6);
    struct pollfd p = { m, POLLIN, 0 };
    CHECK(poll(&p, 1, 5000) == 1);
    int avail = -1;
    SAY("FIONREAD master %s\n", r(ioctl(m, FIONREAD, &avail)));
    CHECK(avail > 0 && avail <= 6);
    drain(m, buf, 6);
    SAY("master read \"%s\"\n", buf);
    int outq = -1;
    SAY("TIOCOUTQ %s\n", r(ioctl(s, TIOCOUTQ, &outq)));
    CHECK(outq >= 0);

    /* window size, packet mode, line discipline, exclusive mode */
    struct winsize w = { 24, 80, 640, 480 }, w2 = { 0 };
    SAY("TIOCSWINSZ %s\n", r(ioctl(m, TIOCSWINSZ, &w)));
    res = r(ioctl(s, TIOCGWINSZ, &w2));
    SAY("TIOCGWINSZ %s %u %u %u %u\n", res, w2.ws_row, w2.ws_col, w2.ws_xpixel, w2.ws_ypixel);
    int one = 1, v = -1;
    SAY("TIOCPKT %s\n", r(ioctl(m, TIOCPKT, &one)));
    res = r(ioctl(m, TIOCGPKT, &v));
    SAY("TIOCGPKT %s %d\n", res, v);
    int zero = 0;
    ioctl(m, TIOCPKT, &zero);
    res = r(ioctl(s, TIOCGETD, &v));
    SAY("TIOCGETD %s %d\n", res, v);
    SAY("TIOCEXCL %s\n", r(ioctl(s, TIOCEXCL)));
    res = r(ioctl(s, TIOCGEXCL, &v));
    SAY("TIOCGEXCL %s %d\n", res, v);
    SAY("TIOCNXCL %s\n", r(ioctl(s, TIOCNXCL)));
    res = r(ioctl(s, TIOCGEXCL, &v));
    SAY("TIOCGEXCL %s %d\n", res, v);
    SAY("TIOCMGET %s\n", r(ioctl(s, TIOCMGET, &v)));
    SAY("TIOCMBIS %s\n", r(ioctl(s, TIOCMBIS, &one)));
    SAY("TIOCGSERIAL %s\n", r(ioctl(s, TIOCGSERIAL, buf)));

    /* flow control and flushing */
    SAY("TCFLSH %s\n", r(ioctl(s, TCFLSH, TCIOFLUSH)));
    SAY("TCXONC off %s", r(ioctl(s, TCXONC, TCOOFF)));
    SAY(" on %s\n", r(ioctl(s, TCXONC, TCOON)));
    SAY("TCSBRK %s\n", r(ioctl(s, TCSBRK, 1)));
    SAY("tcdrain %s", r(tcdrain(s)));
    SAY(" tcflush %s\n", r(tcflush(s, TCIFLUSH)));
    SAY("TIOCGSID without a controlling tty: %s\n", r(ioctl(s, TIOCGSID, &v)));

    /* a controlling terminal in a new session */
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        signal(SIGHUP, SIG_IGN);
        int ok = setsid() > 0;
        ok = ok && ioctl(s, TIOCSCTTY, 0) == 0;
        pid_t sid = -1, pg = -1;
        ok = ok && ioctl(s, TIOCGSID, &sid) == 0 && sid == getsid(0);
        ok = ok && ioctl(s, TIOCGPGRP, &pg) == 0 && pg == getpgrp();
        ok = ok && tcgetpgrp(s) == getpgrp() && tcgetsid(s) == getsid(0);
        /* TIOCSTI: refused where the host forbids it (legacy_tiocsti). */
        char x = 'x', got[4] = { 0 };
        int sti = ioctl(s, TIOCSTI, &x);
        if (sti == 0) { drain(s, got, 1); ok = ok && got[0] == 'x'; }
        else ok = ok && (errno == EIO || errno == EPERM);
        int n1 = ioctl(s, TIOCNOTTY);
        int after = ioctl(s, TIOCGSID, &sid);
        ok = ok && n1 == 0 && after == -1 && errno == ENOTTY;
        _exit(ok ? 0 : 1);
    }
    int st;
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);

    /* descriptor ioctls */
    SAY("FIOCLEX %s", r(ioctl(s, FIOCLEX)));
    SAY(" cloexec %d", (fcntl(s, F_GETFD) & FD_CLOEXEC) != 0);
    SAY(" FIONCLEX %s", r(ioctl(s, FIONCLEX)));
    SAY(" cloexec %d\n", (fcntl(s, F_GETFD) & FD_CLOEXEC) != 0);
    SAY("FIOASYNC %s", r(ioctl(s, FIOASYNC, &one)));
    SAY(" async %d", (fcntl(s, F_GETFL) & O_ASYNC) != 0);
    ioctl(s, FIOASYNC, &zero);
    SAY(" off %d\n", (fcntl(s, F_GETFL) & O_ASYNC) != 0);
    SAY("FIONBIO %s", r(ioctl(s, FIONBIO, &one)));
    SAY(" nonblock %d", (fcntl(s, F_GETFL) & O_NONBLOCK) != 0);
    SAY(" read %s\n", read(s, buf, 1) < 0 ? en(errno) : "data");

    /* bad pointers and unknown requests */
    void *none = mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SAY("TIOCGPTN NULL %s\n", r(ioctl(m, TIOCGPTN, NULL)));
    SAY("TCGETS PROT_NONE %s\n", r(ioctl(s, TCGETS, none)));
    SAY("TIOCSWINSZ PROT_NONE %s\n", r(ioctl(m, TIOCSWINSZ, none)));
    SAY("unknown request on a pty %s\n", r(ioctl(s, _IO('Z', 0xEE))));
    munmap(none, 4096);
    close(s);
    close(m);
}

static void files(void)
{
    char path[] = "ptys-file";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    static char data[65536];
    memset(data, 'z', sizeof data);
    CHECK(write(fd, data, sizeof data) == (ssize_t)sizeof data && fsync(fd) == 0);
    long long q = -1;
    res = r(ioctl(fd, FIOQSIZE, &q));
    SAY("FIOQSIZE %s %lld\n", res, q);
    int avail = -1;
    lseek(fd, 1000, SEEK_SET);
    res = r(ioctl(fd, FIONREAD, &avail));
    SAY("FIONREAD file %s %d\n", res, avail);
    int flags = -1;
    int g = ioctl(fd, FS_IOC_GETFLAGS, &flags);
    SAY("FS_IOC_GETFLAGS %s\n", g == 0 || errno == ENOTTY || errno == EOPNOTSUPP ? "answered" : en(errno));
    if (g == 0) {
        int s = ioctl(fd, FS_IOC_SETFLAGS, &flags);
        SAY("FS_IOC_SETFLAGS same %s\n", s == 0 || errno == ENOTTY || errno == EOPNOTSUPP ? "answered" : en(errno));
    } else {
        SAY("FS_IOC_SETFLAGS same answered\n");
    }
    SAY("FS_IOC_GETFLAGS bad pointer %s\n", r(ioctl(fd, FS_IOC_GETFLAGS, (void *)8)));
    union { struct fiemap f; char raw[sizeof(struct fiemap) + 8 * sizeof(struct fiemap_extent)]; } fmu;
    struct fiemap *fmp = &fmu.f;
    memset(&fmu, 0, sizeof fmu);
    fmp->fm_length = ~0ULL;
    fmp->fm_flags = FIEMAP_FLAG_SYNC;
    fmp->fm_extent_count = 8;
    int fi = ioctl(fd, FS_IOC_FIEMAP, fmp);
    int fok = fi == 0 ? fmp->fm_mapped_extents >= 1 && fmp->fm_mapped_extents <= 8 && fmp->fm_extents[0].fe_logical == 0
                      : errno == EOPNOTSUPP;
    SAY("FS_IOC_FIEMAP %s\n", fok ? "consistent" : en(errno));
    fmp->fm_extent_count = 0;
    fi = ioctl(fd, FS_IOC_FIEMAP, fmp);
    SAY("FS_IOC_FIEMAP count only %s\n", fi == 0 ? (fmp->fm_mapped_extents >= 1 ? "counted" : "none") : errno == EOPNOTSUPP ? "counted" : en(errno));
    fmp->fm_extent_count = 0x7fffffff;
    fi = ioctl(fd, FS_IOC_FIEMAP, fmp);
    SAY("FS_IOC_FIEMAP huge count %s\n", fi == 0 ? "accepted" : errno == EINVAL || errno == EOPNOTSUPP ? "refused" : en(errno));
    unsigned long sz = 0;
    SAY("BLKGETSIZE on a file %s\n", r(ioctl(fd, BLKGETSIZE, &sz)));
    SAY("unknown request on a file %s\n", r(ioctl(fd, _IOR('Z', 0x42, int), &flags)));
    close(fd);

    /* A loop device over the file, where the host allows it; the line is
     * the same either way unless a check fails. */
    const char *loop = "ok";
    int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    if (ctl >= 0) {
        int n = ioctl(ctl, LOOP_CTL_GET_FREE);
        char dev[32];
        snprintf(dev, sizeof dev, "/dev/loop%d", n);
        int ld = n >= 0 ? open(dev, O_RDWR | O_CLOEXEC) : -1;
        int bf = open(path, O_RDWR | O_CLOEXEC);
        if (ld >= 0 && bf >= 0 && ioctl(ld, LOOP_SET_FD, bf) == 0) {
            unsigned long long bytes = 0;
            int ssz = 0;
            struct loop_info64 li;
            memset(&li, 0, sizeof li);
            if (ioctl(ld, BLKGETSIZE64, &bytes) != 0 || bytes != sizeof data) loop = "BLKGETSIZE64 wrong";
            else if (ioctl(ld, BLKSSZGET, &ssz) != 0 || ssz < 512) loop = "BLKSSZGET wrong";
            else if (ioctl(ld, BLKGETSIZE, &sz) != 0 || sz != sizeof data / 512) loop = "BLKGETSIZE wrong";
            else if (ioctl(ld, LOOP_GET_STATUS64, &li) != 0 || li.lo_number != (unsigned)n) loop = "LOOP_GET_STATUS64 wrong";
            else if (ioctl(ld, BLKGETSIZE64, (void *)8) != -1 || errno != EFAULT) loop = "no EFAULT";
            ioctl(ld, LOOP_CLR_FD);
        }
        if (bf >= 0) close(bf);
        if (ld >= 0) close(ld);
        close(ctl);
    }
    SAY("loop device: %s\n", loop);
    unlink(path);
}

static void misc(void)
{
    int u = open("/dev/urandom", O_RDONLY);
    int cnt = -1;
    CHECK(u >= 0 && ioctl(u, RNDGETENTCNT, &cnt) == 0 && cnt >= 0);
    close(u);

    int sk = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(sk >= 0);
    int own = getpid(), got = 0;
    SAY("FIOSETOWN %s", r(ioctl(sk, FIOSETOWN, &own)));
    res = r(ioctl(sk, FIOGETOWN, &got));
    SAY(" FIOGETOWN %s %d\n", res, got == own);
    res = r(ioctl(sk, SIOCGPGRP, &got));
    SAY("SIOCGPGRP %s %d\n", res, got == own);
    struct ifconf ic = { .ifc_len = 0, .ifc_buf = NULL };
    SAY("SIOCGIFCONF size %s", r(ioctl(sk, SIOCGIFCONF, &ic)));
    SAY(" whole ifreqs %d\n", ic.ifc_len > 0 && ic.ifc_len % (int)sizeof(struct ifreq) == 0);
    struct ifreq reqs[32];
    ic.ifc_len = sizeof reqs;
    ic.ifc_req = reqs;
    int lo = 0;
    SAY("SIOCGIFCONF %s", r(ioctl(sk, SIOCGIFCONF, &ic)));
    for (int i = 0; i < ic.ifc_len / (int)sizeof(struct ifreq); i++)
        if (strcmp(reqs[i].ifr_name, "lo") == 0) lo = 1;
    SAY(" has lo %d\n", lo);
    struct ifreq fr;
    memset(&fr, 0, sizeof fr);
    strcpy(fr.ifr_name, "lo");
    SAY("SIOCGIFINDEX %s", r(ioctl(sk, SIOCGIFINDEX, &fr)));
    int idx = fr.ifr_ifindex;
    SAY(" positive %d\n", idx > 0);
    memset(&fr, 0, sizeof fr);
    fr.ifr_ifindex = idx;
    res = r(ioctl(sk, SIOCGIFNAME, &fr));
    SAY("SIOCGIFNAME %s %s\n", res, fr.ifr_name);
    SAY("SIOCGIFFLAGS %s", r(ioctl(sk, SIOCGIFFLAGS, &fr)));
    SAY(" loopback %d up %d\n", (fr.ifr_flags & IFF_LOOPBACK) != 0, (fr.ifr_flags & IFF_UP) != 0);
    res = r(ioctl(sk, SIOCGIFMTU, &fr));
    SAY("SIOCGIFMTU %s %d\n", res, fr.ifr_mtu);
    res = r(ioctl(sk, SIOCGIFHWADDR, &fr));
    SAY("SIOCGIFHWADDR %s family %d\n", res, fr.ifr_hwaddr.sa_family);
    SAY("SIOCGIFADDR %s", r(ioctl(sk, SIOCGIFADDR, &fr)));
    SAY(" %s\n", inet_ntoa(((struct sockaddr_in *)&fr.ifr_addr)->sin_addr));
    close(sk);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pty_pair();
    files();
    misc();
    SAY("done\n");
    return 0;
}

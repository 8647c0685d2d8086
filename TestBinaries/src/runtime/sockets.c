/* Sockets over loopback: TCP (listen on port 0, getsockname/getpeername,
 * connect, accept, send and recv, shutdown), UDP (sendto/recvfrom with the
 * peer's address), setsockopt/getsockopt, a nonblocking connect to a closed
 * port, and socketpair with SCM_RIGHTS passing an fd and SCM_CREDENTIALS.
 * Prints relations, never port numbers. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rtcommon.h"

static void tcp(void)
{
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    printf("SO_REUSEADDR set: %d\n", setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    int v = 0;
    socklen_t vl = sizeof v;
    getsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &v, &vl);
    printf("SO_REUSEADDR get: %d len %u\n", v != 0, vl);
    vl = sizeof v;
    getsockopt(ls, SOL_SOCKET, SO_TYPE, &v, &vl);
    printf("SO_TYPE stream: %d\n", v == SOCK_STREAM);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    printf("bind port 0: %d\n", bind(ls, (struct sockaddr *)&a, sizeof a));
    listen(ls, 4);
    socklen_t al = sizeof a;
    getsockname(ls, (struct sockaddr *)&a, &al);
    printf("getsockname: family %d loopback %d port assigned %d len %u\n", a.sin_family,
           a.sin_addr.s_addr == htonl(INADDR_LOOPBACK), ntohs(a.sin_port) != 0, al);

    int c = socket(AF_INET, SOCK_STREAM, 0);
    printf("connect: %d\n", connect(c, (struct sockaddr *)&a, sizeof a));
    struct sockaddr_in peer = {0}, local = {0}, acc = {0};
    socklen_t pl = sizeof peer;
    int s = accept4(ls, (struct sockaddr *)&acc, &pl, SOCK_CLOEXEC);
    printf("accept: fd ok %d cloexec %d\n", s >= 0, (fcntl(s, F_GETFD) & FD_CLOEXEC) != 0);
    al = sizeof local;
    getsockname(c, (struct sockaddr *)&local, &al);
    pl = sizeof peer;
    getpeername(s, (struct sockaddr *)&peer, &pl);
    printf("accepted address is the client's: %d, peer of server side matches %d\n",
           acc.sin_port == local.sin_port, peer.sin_port == local.sin_port);
    pl = sizeof peer;
    getpeername(c, (struct sockaddr *)&peer, &pl);
    printf("client's peer is the listener's port: %d\n", peer.sin_port == a.sin_port);

    vl = sizeof v;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &vl);
    printf("TCP_NODELAY: %d\n", v != 0);
    struct timeval tv = {1, 500000}, tv2 = {0, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    socklen_t tl = sizeof tv2;
    getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv2, &tl);
    printf("SO_RCVTIMEO: %ld.%06ld len %u\n", (long)tv2.tv_sec, (long)tv2.tv_usec, tl);
    struct linger lg = {1, 3}, lg2;
    setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    tl = sizeof lg2;
    getsockopt(c, SOL_SOCKET, SO_LINGER, &lg2, &tl);
    printf("SO_LINGER: %d %d\n", lg2.l_onoff != 0, lg2.l_linger);

    char big[100000];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)(i * 7);
    pid_t pid = fork();
    if (pid == 0) {
        close(s);
        size_t off = 0;
        while (off < sizeof big) {
            ssize_t n = send(c, big + off, sizeof big - off, 0);
            if (n <= 0) _exit(1);
            off += (size_t)n;
        }
        shutdown(c, SHUT_WR);
        char r[16];
        ssize_t n = recv(c, r, sizeof r, 0);
        _exit(n == 4 && memcmp(r, "done", 4) == 0 ? 0 : 2);
    }
    close(c);
    static char got[100000];
    size_t off = 0;
    for (;;) {
        ssize_t n = recv(s, got + off, sizeof got - off, 0);
        if (n <= 0) break;
        off += (size_t)n;
    }
    printf("received %zu bytes, intact %d, then EOF\n", off, off == sizeof big && memcmp(got, big, off) == 0);
    send(s, "done", 4, MSG_NOSIGNAL);
    int st;
    waitpid(pid, &st, 0);
    printf("sender exit %d\n", WEXITSTATUS(st));
    close(s);

    /* Nonblocking connect to a port nobody listens on (the listener's,
     * once closed). */
    close(ls);
    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(c, (struct sockaddr *)&a, sizeof a);
    if (r < 0 && errno == EINPROGRESS) {
        struct pollfd pf = {c, POLLOUT, 0};
        poll(&pf, 1, 2000);
        vl = sizeof v;
        getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &vl);
        printf("connect to closed port: SO_ERROR ECONNREFUSED %d\n", v == ECONNREFUSED);
    } else {
        printf("connect to closed port: %d ECONNREFUSED %d\n", r, errno == ECONNREFUSED);
    }
    close(c);
}

static void udp(void)
{
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {0}, sb = {0}, from = {0};
    sa.sin_family = sb.sin_family = AF_INET;
    sa.sin_addr.s_addr = sb.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(a, (struct sockaddr *)&sa, sizeof sa);
    bind(b, (struct sockaddr *)&sb, sizeof sb);
    socklen_t l = sizeof sa;
    getsockname(a, (struct sockaddr *)&sa, &l);
    l = sizeof sb;
    getsockname(b, (struct sockaddr *)&sb, &l);
    printf("udp sendto: %zd\n", sendto(a, "datagram one", 12, 0, (struct sockaddr *)&sb, sizeof sb));
    sendto(a, "two", 3, 0, (struct sockaddr *)&sb, sizeof sb);
    char buf[64];
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    printf("udp recvfrom: %zd '%.*s' from the sender %d\n", n, (int)n, buf, from.sin_port == sa.sin_port);
    n = recv(b, buf, 2, MSG_TRUNC);
    printf("udp truncated: MSG_TRUNC gives the real length %zd\n", n);
    printf("udp nothing left: %zd %s\n", recv(b, buf, sizeof buf, MSG_DONTWAIT), errno == EAGAIN ? "EAGAIN" : "?");
    /* connect fixes the peer; send without an address. */
    connect(a, (struct sockaddr *)&sb, sizeof sb);
    send(a, "connected", 9, 0);
    n = recv(b, buf, sizeof buf, 0);
    printf("udp connected send: %zd\n", n);
    close(a);
    close(b);
}

static void unix_rights(void)
{
    int sv[2];
    printf("socketpair: %d\n", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    int pfd[2];
    pipe(pfd);
    write(pfd[1], "through the passed fd", 21);
    close(pfd[1]);

    struct msghdr m = {0};
    char data[] = "F";
    struct iovec iov = {data, 1};
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } ctl;
    memset(&ctl, 0, sizeof ctl);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl.buf;
    m.msg_controllen = sizeof ctl.buf;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &pfd[0], sizeof(int));
    printf("sendmsg with SCM_RIGHTS: %zd\n", sendmsg(sv[0], &m, 0));
    close(pfd[0]);

    pid_t pid = fork();
    if (pid == 0) {
        struct msghdr r = {0};
        char d[4];
        struct iovec riov = {d, sizeof d};
        union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } rctl;
        r.msg_iov = &riov;
        r.msg_iovlen = 1;
        r.msg_control = rctl.buf;
        r.msg_controllen = sizeof rctl.buf;
        ssize_t n = recvmsg(sv[1], &r, 0);
        struct cmsghdr *c = CMSG_FIRSTHDR(&r);
        int fd = -1;
        if (c && c->cmsg_type == SCM_RIGHTS) memcpy(&fd, CMSG_DATA(c), sizeof fd);
        char buf[64] = {0};
        ssize_t k = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
        printf("child: recvmsg %zd, cmsg SCM_RIGHTS %d len ok %d, read %zd '%s'\n", n,
               c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS,
               c && c->cmsg_len == CMSG_LEN(sizeof(int)), k, buf);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);

    /* SCM_CREDENTIALS with SO_PASSCRED. */
    int on = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    write(sv[0], "c", 1);
    struct msghdr r = {0};
    char d[4];
    struct iovec riov = {d, sizeof d};
    union { char buf[CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr align; } rctl;
    r.msg_iov = &riov;
    r.msg_iovlen = 1;
    r.msg_control = rctl.buf;
    r.msg_controllen = sizeof rctl.buf;
    ssize_t n = recvmsg(sv[1], &r, 0);
    struct cmsghdr *c = CMSG_FIRSTHDR(&r);
    struct ucred cr = {0};
    if (c && c->cmsg_type == SCM_CREDENTIALS) memcpy(&cr, CMSG_DATA(c), sizeof cr);
    printf("SCM_CREDENTIALS: %zd, pid is self %d uid matches %d\n", n, cr.pid == getpid(), cr.uid == getuid());
    close(sv[0]);
    close(sv[1]);

    /* A named unix socket in the cwd. */
    int ls = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    struct sockaddr_un ua = {0};
    ua.sun_family = AF_UNIX;
    strcpy(ua.sun_path, "sock.test");
    printf("unix bind: %d\n", bind(ls, (struct sockaddr *)&ua, sizeof ua));
    listen(ls, 1);
    int cs = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    printf("unix connect: %d\n", connect(cs, (struct sockaddr *)&ua, sizeof ua));
    int as = accept(ls, NULL, NULL);
    send(cs, "rec1", 4, 0);
    send(cs, "record2", 7, 0);
    char b[16];
    ssize_t n1 = recv(as, b, sizeof b, 0), n2 = recv(as, b, sizeof b, 0);
    printf("seqpacket keeps records: %zd %zd\n", n1, n2);
    struct sockaddr_un got = {0};
    socklen_t gl = sizeof got;
    getsockname(ls, (struct sockaddr *)&got, &gl);
    printf("unix getsockname: %s\n", got.sun_path);
    close(as);
    close(cs);
    close(ls);
    unlink("sock.test");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    tcp();
    udp();
    unix_rights();
    printf("done\n");
    return 0;
}

/* sendmmsg and recvmmsg over a datagram socketpair: msg_len per message,
 * names, MSG_TRUNC in msg_flags, MSG_WAITFORONE, the count sent when a
 * later entry is bad, EFAULT for a bad first entry, EAGAIN with
 * MSG_DONTWAIT (bad pointers through syscall(2): musl's wrappers read
 * the vector themselves). */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "rtcommon.h"

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    char *words[3] = {"one", "two2", "three"};
    struct iovec iov[3];
    struct mmsghdr msgs[3];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < 3; i++) {
        iov[i].iov_base = words[i];
        iov[i].iov_len = strlen(words[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_len = 99;
    }
    CHECK(sendmmsg(sv[0], msgs, 3, 0) == 3);
    printf("sent lengths %u %u %u\n", msgs[0].msg_len, msgs[1].msg_len, msgs[2].msg_len);

    char bufs[4][8];
    struct iovec riov[4];
    struct mmsghdr r[4];
    struct sockaddr_un names[4];
    memset(r, 0, sizeof r);
    memset(bufs, 0, sizeof bufs);
    for (int i = 0; i < 4; i++) {
        riov[i].iov_base = bufs[i];
        riov[i].iov_len = i == 2 ? 3 : 7;
        r[i].msg_hdr.msg_iov = &riov[i];
        r[i].msg_hdr.msg_iovlen = 1;
        r[i].msg_hdr.msg_name = &names[i];
        r[i].msg_hdr.msg_namelen = sizeof names[i];
        r[i].msg_len = 99;
    }
    CHECK(recvmmsg(sv[1], r, 4, MSG_DONTWAIT, NULL) == 3);
    for (int i = 0; i < 3; i++)
        printf("received '%s' len %u namelen %u trunc %d\n", bufs[i], r[i].msg_len,
               (unsigned)r[i].msg_hdr.msg_namelen, !!(r[i].msg_hdr.msg_flags & MSG_TRUNC));
    printf("untouched entry len %u\n", r[3].msg_len);
    CHECK(recvmmsg(sv[1], r, 4, MSG_DONTWAIT, NULL) == -1 && errno == EAGAIN);

    /* A bad buffer in the second message: the first one is sent. */
    iov[1].iov_base = (void *)8;
    CHECK(sendmmsg(sv[0], msgs, 3, 0) == 1);
    iov[1].iov_base = words[1];
    CHECK(syscall(SYS_sendmmsg, sv[0], (struct mmsghdr *)8, 3, 0) == -1 && errno == EFAULT);
    CHECK(sendmmsg(sv[0], msgs, 0, 0) == 0);
    CHECK(sendmmsg(sv[0], msgs, 2, 0) == 2);
    struct timespec ts = {5, 0};
    CHECK(recvmmsg(sv[1], r, 4, MSG_WAITFORONE, &ts) == 3);
    printf("after WAITFORONE: '%s' '%s' '%s'\n", bufs[0], bufs[1], bufs[2]);
    CHECK(syscall(SYS_recvmmsg, sv[1], r, 4, MSG_DONTWAIT, (struct timespec *)8) == -1 && errno == EFAULT);
    CHECK(recvmmsg(-1, r, 4, 0, NULL) == -1 && errno == EBADF);
    close(sv[0]);
    close(sv[1]);
    return 0;
}

/* Mounts, extended attributes, chroot and pivot_root, in a mount
 * namespace of the program's own (unshare(CLONE_NEWNS), as root): a
 * tmpfs with options, a bind mount, a read-only remount, umount2 and its
 * errors; the twelve xattr calls on the tmpfs with their errors; chroot
 * into the tmpfs and a nested chroot in a child; pivot_root into it in
 * another child. Leaves nothing behind in its directory. */
#define _GNU_SOURCE
#include "rtcommon.h"
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static const char *err(long r)
{
    static char buf[64];
    if (r >= 0) { snprintf(buf, sizeof buf, "%ld", r); return buf; }
    snprintf(buf, sizeof buf, "-1 %s", strerror(errno));
    return buf;
}

static int wait_child(pid_t pid)
{
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void show_file(const char *tag, const char *path)
{
    char buf[64] = { 0 };
    int fd = open(path, O_RDONLY);
    if (fd < 0) { SAY("%s: open %s: %s\n", tag, path, strerror(errno)); return; }
    int n = read(fd, buf, sizeof buf - 1);
    close(fd);
    SAY("%s: %s holds %d bytes \"%s\"\n", tag, path, n, buf);
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    SAY("create %s: %s\n", path, fd < 0 ? strerror(errno) : "ok");
    if (fd >= 0) { write(fd, text, strlen(text)); close(fd); }
}

static void mounts(void)
{
    SAY("mount tmpfs: %s\n", err(mount("tmpfs", "m", "tmpfs", 0, "size=1m,mode=0710")));
    struct statfs sf;
    statfs("m", &sf);
    SAY("statfs type tmpfs %d\n", sf.f_type == 0x01021994);
    struct stat st;
    stat("m", &st);
    SAY("root mode %o\n", st.st_mode & 07777);
    write_file("m/f", "hello");
    SAY("mkdir m/d: %s\n", err(mkdir("m/d", 0755)));
    SAY("bind m/d over b: %s\n", err(mount("m", "b", NULL, MS_BIND, NULL)));
    show_file("through the bind mount", "b/f");
    SAY("umount2 b: %s\n", err(umount2("b", 0)));
    SAY("b/f after umount: %s\n", access("b/f", F_OK) == 0 ? "present" : strerror(errno));
    SAY("umount2 b again: %s\n", err(umount2("b", 0)));
    SAY("umount2 bad flags: %s\n", err(umount2("m", 0x100)));
    SAY("umount2 bad pointer: %s\n", err(syscall(SYS_umount2, (void *)8, 0)));
    SAY("mount unknown type: %s\n", err(mount("x", "b", "no-such-fs", 0, NULL)));
    SAY("mount missing target: %s\n", err(mount("tmpfs", "nowhere", "tmpfs", 0, NULL)));
    SAY("remount read-only: %s\n", err(mount(NULL, "m", NULL, MS_REMOUNT | MS_RDONLY, NULL)));
    int fd = open("m/g", O_WRONLY | O_CREAT, 0644);
    SAY("create on read-only: %s\n", fd < 0 ? strerror(errno) : "created");
    if (fd >= 0) close(fd);
    SAY("remount read-write: %s\n", err(mount(NULL, "m", NULL, MS_REMOUNT, NULL)));
}

static void xattrs(void)
{
    char buf[256];
    SAY("setxattr: %s\n", err(setxattr("m/f", "trusted.colour", "blue", 4, 0)));
    SAY("getxattr size: %s\n", err(getxattr("m/f", "trusted.colour", NULL, 0)));
    memset(buf, 0, sizeof buf);
    SAY("getxattr: %s \"%s\"\n", err(getxattr("m/f", "trusted.colour", buf, sizeof buf)), buf);
    SAY("getxattr small buffer: %s\n", err(getxattr("m/f", "trusted.colour", buf, 2)));
    SAY("getxattr missing: %s\n", err(getxattr("m/f", "trusted.size", buf, sizeof buf)));
    SAY("setxattr create existing: %s\n", err(setxattr("m/f", "trusted.colour", "red", 3, XATTR_CREATE)));
    SAY("setxattr replace missing: %s\n", err(setxattr("m/f", "trusted.size", "1", 1, XATTR_REPLACE)));
    SAY("setxattr replace: %s\n", err(setxattr("m/f", "trusted.colour", "red", 3, XATTR_REPLACE)));
    SAY("setxattr empty name: %s\n", err(setxattr("m/f", "", "x", 1, 0)));
    char longname[300];
    memset(longname, 'a', sizeof longname);
    memcpy(longname, "trusted.", 8);
    longname[299] = 0;
    SAY("setxattr long name: %s\n", err(setxattr("m/f", longname, "x", 1, 0)));
    SAY("setxattr 70000 bytes: %s\n", err(setxattr("m/f", "trusted.big", buf, 70000, 0)));
    SAY("setxattr bad value: %s\n", err(setxattr("m/f", "trusted.bad", (void *)8, 4, 0)));
    SAY("setxattr bad name: %s\n", err(syscall(SYS_setxattr, "m/f", (void *)8, "x", 1, 0)));
    SAY("setxattr bad flags: %s\n", err(setxattr("m/f", "trusted.x", "x", 1, 4)));
    SAY("symlink: %s\n", err(symlink("f", "m/l")));
    SAY("lsetxattr on the link: %s\n", err(lsetxattr("m/l", "trusted.link", "L", 1, 0)));
    SAY("lgetxattr on the link: %s\n", err(lgetxattr("m/l", "trusted.link", buf, sizeof buf)));
    SAY("getxattr through the link: %s\n", err(getxattr("m/l", "trusted.link", buf, sizeof buf)));
    SAY("getxattr through the link of the file's: %s\n", err(getxattr("m/l", "trusted.colour", buf, sizeof buf)));
    int fd = open("m/f", O_RDONLY);
    SAY("fsetxattr: %s\n", err(fsetxattr(fd, "trusted.size", "5", 1, 0)));
    memset(buf, 0, sizeof buf);
    SAY("fgetxattr: %s \"%s\"\n", err(fgetxattr(fd, "trusted.size", buf, sizeof buf)), buf);
    memset(buf, 0, sizeof buf);
    long n = flistxattr(fd, buf, sizeof buf);
    SAY("flistxattr: %s:", err(n));
    for (long i = 0; i < n; i += strlen(buf + i) + 1) SAY(" %s", buf + i);
    SAY("\n");
    SAY("listxattr size: %s\n", err(listxattr("m/f", NULL, 0)));
    SAY("listxattr small buffer: %s\n", err(listxattr("m/f", buf, 3)));
    SAY("listxattr bad buffer: %s\n", err(listxattr("m/f", (void *)8, 100)));
    n = llistxattr("m/l", buf, sizeof buf);
    SAY("llistxattr: %s: %s\n", err(n), n > 0 ? buf : "");
    SAY("fremovexattr: %s\n", err(fremovexattr(fd, "trusted.size")));
    SAY("fremovexattr again: %s\n", err(fremovexattr(fd, "trusted.size")));
    close(fd);
    SAY("removexattr: %s\n", err(removexattr("m/f", "trusted.colour")));
    SAY("lremovexattr: %s\n", err(lremovexattr("m/l", "trusted.link")));
    SAY("listxattr at the end: %s\n", err(listxattr("m/f", buf, sizeof buf)));
    SAY("getxattr on a missing file: %s\n", err(getxattr("m/none", "trusted.a", buf, sizeof buf)));
    SAY("fgetxattr bad fd: %s\n", err(fgetxattr(-1, "trusted.a", buf, sizeof buf)));
    unlink("m/l");
}

static void chroots(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        SAY("chroot m: %s\n", err(chroot("m")));
        SAY("chdir /: %s\n", err(chdir("/")));
        show_file("in the chroot", "/f");
        SAY("mkdir /inner: %s\n", err(mkdir("/inner", 0755)));
        write_file("/inner/g", "inner");
        SAY("nested chroot: %s\n", err(chroot("/inner")));
        SAY("chdir /: %s\n", err(chdir("/")));
        show_file("in the nested chroot", "/g");
        SAY("/f in the nested chroot: %s\n", access("/f", F_OK) == 0 ? "present" : strerror(errno));
        SAY("chroot missing: %s\n", err(chroot("/nowhere")));
        SAY("chroot to a file: %s\n", err(chroot("/g")));
        _exit(0);
    }
    SAY("chroot child exit %d\n", wait_child(pid));
    show_file("outside", "m/inner/g");
    unlink("m/inner/g");
    rmdir("m/inner");

    pid = fork();
    if (pid == 0) {
        SAY("unshare mount namespace: %s\n", err(unshare(CLONE_NEWNS)));
        SAY("chdir m: %s\n", err(chdir("m")));
        SAY("pivot_root missing: %s\n", err(syscall(SYS_pivot_root, "nowhere", ".")));
        SAY("pivot_root . .: %s\n", err(syscall(SYS_pivot_root, ".", ".")));
        SAY("detach the old root: %s\n", err(umount2(".", MNT_DETACH)));
        SAY("chdir /: %s\n", err(chdir("/")));
        show_file("after pivot_root", "/f");
        _exit(0);
    }
    SAY("pivot_root child exit %d\n", wait_child(pid));
}

int main(void)
{
    if (geteuid() != 0) { SAY("mounts: needs root\n"); return 1; }
    SAY("unshare mount namespace: %s\n", err(unshare(CLONE_NEWNS)));
    SAY("make / private: %s\n", err(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)));
    mkdir("m", 0755);
    mkdir("b", 0755);
    mounts();
    xattrs();
    chroots();
    unlink("m/f");
    rmdir("m/d");
    SAY("umount2 m detach: %s\n", err(umount2("m", MNT_DETACH)));
    SAY("rmdir m: %s\n", err(rmdir("m")));
    SAY("rmdir b: %s\n", err(rmdir("b")));
    return 0;
}
